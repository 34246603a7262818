package dev.lethe.unlearner.loss;

import ai.djl.ndarray.NDArray;
import dev.lethe.unlearner.model.Scalars;

/**
 * DPO with the refusal as the preferred answer and the true forget answer as the rejected one:
 * −(2/β)·mean(log σ(β·(log π_θ/π_ref(y_idk|x) − log π_θ/π_ref(y_f|x)))), each log-ratio being
 * NLL_ref − NLL_θ of the summed answer (open-unlearning {@code compute_dpo_loss}).
 *
 * <p>Rafailov, R. et al. "Direct Preference Optimization." NeurIPS 2023; applied to unlearning in
 * Maini, P. et al. "TOFU." COLM 2024 and Zhang et al. 2024 (NPO paper, "IdkDPO").
 */
public final class IdkDpoLoss implements ForgetTerm {

  private final double beta;

  /**
   * Creates the loss.
   *
   * @param beta inverse temperature, &gt; 0 (default 0.1)
   */
  public IdkDpoLoss(double beta) {
    this.beta = MethodParams.positive("beta", beta);
  }

  @Override
  public String name() {
    return "idk_dpo";
  }

  @Override
  public boolean needsReference() {
    return true;
  }

  @Override
  public NDArray loss(ForgetBatch batch) {
    NDArray loseNll =
        TokenLosses.sequenceNll(
            ForgetBatch.require(batch.logits(), "logits", name()),
            ForgetBatch.require(batch.labels(), "labels", name()));
    NDArray winNll =
        TokenLosses.sequenceNll(
            ForgetBatch.require(batch.alternateLogits(), "alternateLogits", name()),
            ForgetBatch.require(batch.alternateLabels(), "alternateLabels", name()));
    NDArray loseRef =
        ForgetBatch.require(batch.referenceSequenceNll(), "referenceSequenceNll", name())
            .stopGradient()
            .toType(loseNll.getDataType(), false);
    NDArray winRef =
        ForgetBatch.require(batch.referenceAlternateNll(), "referenceAlternateNll", name())
            .stopGradient()
            .toType(winNll.getDataType(), false);
    NDArray winLogRatio = winRef.sub(winNll);
    NDArray loseLogRatio = loseRef.sub(loseNll);
    return Scalars.mul(
        TokenLosses.logSigmoid(Scalars.mul(winLogRatio.sub(loseLogRatio), beta)).mean(),
        -2.0 / beta);
  }
}

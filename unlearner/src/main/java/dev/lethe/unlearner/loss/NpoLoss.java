package dev.lethe.unlearner.loss;

import ai.djl.ndarray.NDArray;
import dev.lethe.unlearner.model.Scalars;

/**
 * Negative Preference Optimization: (2/β)·E[log(1 + (π_θ(y|x)/π_ref(y|x))^β)], written as
 * −(2/β)·mean(log σ(β·(NLL_θ − NLL_ref))) with summed answer NLLs per sequence (open-unlearning's
 * {@code compute_dpo_loss} with only a "lose" side).
 *
 * <p>Zhang, R., Lin, L., Bai, Y., Mei, S. "Negative Preference Optimization: From Catastrophic
 * Collapse to Effective Unlearning." COLM 2024 (arXiv:2404.05868).
 */
public final class NpoLoss implements ForgetTerm {

  private final double beta;

  /**
   * Creates the loss.
   *
   * @param beta inverse temperature, &gt; 0 (default 0.1)
   */
  public NpoLoss(double beta) {
    this.beta = MethodParams.positive("beta", beta);
  }

  @Override
  public String name() {
    return "npo";
  }

  @Override
  public boolean needsReference() {
    return true;
  }

  @Override
  public NDArray loss(ForgetBatch batch) {
    NDArray nll =
        TokenLosses.sequenceNll(
            ForgetBatch.require(batch.logits(), "logits", name()),
            ForgetBatch.require(batch.labels(), "labels", name()));
    NDArray reference =
        ForgetBatch.require(batch.referenceSequenceNll(), "referenceSequenceNll", name())
            .stopGradient()
            .toType(nll.getDataType(), false);
    return Scalars.mul(
        TokenLosses.logSigmoid(Scalars.mul(nll.sub(reference), beta)).mean(), -2.0 / beta);
  }
}

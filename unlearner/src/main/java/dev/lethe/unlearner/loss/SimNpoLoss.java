package dev.lethe.unlearner.loss;

import ai.djl.ndarray.NDArray;
import dev.lethe.unlearner.model.Scalars;

/**
 * SimNPO, reference-free NPO: −(2/β)·mean(log σ(β·(NLL_θ(y|x)/|y| − δ))), the length-normalised
 * answer NLL replacing NPO's log-ratio to a reference model.
 *
 * <p>Fan, C. et al. "Simplicity Prevails: Rethinking Negative Preference Optimization for LLM
 * Unlearning." 2024 (arXiv:2410.07163). Defaults β = 4.5, δ = 0, forget weight γ = 0.125.
 */
public final class SimNpoLoss implements ForgetTerm {

  private final double beta;
  private final double delta;

  /**
   * Creates the loss.
   *
   * @param beta inverse temperature, &gt; 0
   * @param delta reward margin, finite
   */
  public SimNpoLoss(double beta, double delta) {
    this.beta = MethodParams.positive("beta", beta);
    this.delta = MethodParams.finite("delta", delta);
  }

  @Override
  public String name() {
    return "simnpo";
  }

  @Override
  public boolean needsReference() {
    return false;
  }

  @Override
  public NDArray loss(ForgetBatch batch) {
    NDArray labels = ForgetBatch.require(batch.labels(), "labels", name());
    NDArray nll =
        TokenLosses.sequenceNll(ForgetBatch.require(batch.logits(), "logits", name()), labels);
    NDArray perToken =
        nll.div(TokenLosses.tokenCounts(labels, nll.getDataType())).sub((float) delta);
    return Scalars.mul(TokenLosses.logSigmoid(Scalars.mul(perToken, beta)).mean(), -2.0 / beta);
  }
}

package dev.lethe.unlearner.loss;

import ai.djl.ndarray.NDArray;

/**
 * Gradient ascent on the forget set: −CE_θ(D_f), the negated mean-token cross-entropy. The forget
 * term of GA, GradDiff and KL.
 *
 * <p>Jang, J. et al. "Knowledge Unlearning for Mitigating Privacy Risks in Language Models." ACL
 * 2023; Maini, P. et al. "TOFU." COLM 2024.
 */
public final class GradientAscentLoss implements ForgetTerm {
  @Override
  public boolean meanOverTokens() {
    return true;
  }

  @Override
  public String name() {
    return "gradient_ascent";
  }

  @Override
  public boolean needsReference() {
    return false;
  }

  @Override
  public NDArray loss(ForgetBatch batch) {
    return TokenLosses.meanTokenCrossEntropy(
            ForgetBatch.require(batch.logits(), "logits", name()),
            ForgetBatch.require(batch.labels(), "labels", name()))
        .neg();
  }
}

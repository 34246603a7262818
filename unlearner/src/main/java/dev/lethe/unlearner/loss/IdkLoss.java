package dev.lethe.unlearner.loss;

import ai.djl.ndarray.NDArray;

/**
 * IDK fine-tuning: gradient descent on refusal answers ("I don't know" lines) to the forget
 * questions, the mean-token cross-entropy of {@code alternateLogits}/{@code alternateLabels}.
 *
 * <p>Maini, P. et al. "TOFU: A Task of Fictitious Unlearning for LLMs." COLM 2024 (the "IDK"
 * baseline, refusals from {@code idontknow.jsonl}).
 */
public final class IdkLoss implements ForgetTerm {
  @Override
  public boolean meanOverTokens() {
    return true;
  }

  @Override
  public String name() {
    return "idk";
  }

  @Override
  public boolean needsReference() {
    return false;
  }

  @Override
  public NDArray loss(ForgetBatch batch) {
    return TokenLosses.meanTokenCrossEntropy(
        ForgetBatch.require(batch.alternateLogits(), "alternateLogits", name()),
        ForgetBatch.require(batch.alternateLabels(), "alternateLabels", name()));
  }
}

package dev.lethe.unlearner.loss;

import ai.djl.ndarray.NDArray;

/**
 * Retain term: the mean-token cross-entropy on retain answers (gradient descent on D_r), as in
 * GradDiff.
 *
 * <p>Liu, B., Liu, Q., Stone, P. "Continual Learning and Private Unlearning." CoLLAs 2022; Maini,
 * P. et al. "TOFU." COLM 2024.
 */
public final class NllRetain implements RetainTerm {
  @Override
  public boolean meanOverTokens() {
    return true;
  }

  @Override
  public String name() {
    return "nll";
  }

  @Override
  public boolean needsReference() {
    return false;
  }

  @Override
  public NDArray loss(RetainBatch batch) {
    return TokenLosses.meanTokenCrossEntropy(
        RetainBatch.require(batch.logits(), "logits", name()),
        RetainBatch.require(batch.labels(), "labels", name()));
  }
}

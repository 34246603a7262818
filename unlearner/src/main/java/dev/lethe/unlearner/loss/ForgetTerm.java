package dev.lethe.unlearner.loss;

import ai.djl.ndarray.NDArray;

/** The forget part of an unlearning objective: a scalar to minimise on a forget batch. */
public interface ForgetTerm {
  /**
   * Whether the term is a mean over the batch's answer tokens (Hugging Face's causal-LM loss)
   * rather than over its sequences: micro-batches accumulated into one step are then weighted by
   * their answer tokens instead of their sequences, so the sum equals the whole batch's loss. False
   * by default.
   */
  default boolean meanOverTokens() {
    return false;
  }

  /** Short name for logs and reports. */
  String name();

  /** Whether the frozen reference model must run on the forget batch. */
  boolean needsReference();

  /**
   * Computes the forget loss.
   *
   * @param batch the forget batch; the fields this term needs must be set
   * @return a scalar
   */
  NDArray loss(ForgetBatch batch);
}

package dev.lethe.unlearner.loss;

import ai.djl.ndarray.NDArray;

/**
 * The retain part of an unlearning objective, composed into {@link UnlearningLoss} rather than
 * inherited, so any forget term can pair with any retain term.
 */
public interface RetainTerm {
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

  /** Whether the frozen reference model must run on the retain batch. */
  boolean needsReference();

  /** Whether this is the empty term (no retain batch needed). */
  default boolean isNone() {
    return false;
  }

  /**
   * Computes the retain loss.
   *
   * @param batch the retain batch
   * @return a scalar
   */
  NDArray loss(RetainBatch batch);

  /** No retain term (plain gradient ascent). */
  static RetainTerm none() {
    return NoRetain.INSTANCE;
  }

  /** Mean-token NLL on the retain set. */
  static RetainTerm nll() {
    return new NllRetain();
  }

  /** KL(p_ref ‖ p_θ) per position on the retain set. */
  static RetainTerm kl() {
    return new KlRetain();
  }

  /** Activation MSE to the frozen model at the steered layer (RMU). */
  static RetainTerm activations() {
    return new ActivationRetain();
  }
}

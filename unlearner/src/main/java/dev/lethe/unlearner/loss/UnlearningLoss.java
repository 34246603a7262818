package dev.lethe.unlearner.loss;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import dev.lethe.unlearner.model.Scalars;

/**
 * An unlearning objective L = γ·L_forget + α·L_retain, composed from a {@link ForgetTerm} and a
 * {@link RetainTerm}. Build one with {@link #of(MethodParams)}; the training loop asks {@link
 * #needsReference()} to decide whether to load a frozen copy of the start model, then fills the
 * batches with what the two terms need.
 */
public final class UnlearningLoss {

  /**
   * One step's loss and its parts (for logging).
   *
   * @param total γ·forget + α·retain, the scalar to differentiate
   * @param forget the forget term
   * @param retain the retain term, or null when there is none
   */
  public record Parts(NDArray total, NDArray forget, NDArray retain) {}

  private final ForgetTerm forget;
  private final RetainTerm retain;
  private final double gamma;
  private final double alpha;

  /**
   * Composes an objective.
   *
   * @param forget the forget term
   * @param retain the retain term ({@link RetainTerm#none()} for none)
   * @param gamma forget weight, ≥ 0
   * @param alpha retain weight, ≥ 0
   */
  public UnlearningLoss(ForgetTerm forget, RetainTerm retain, double gamma, double alpha) {
    this.forget = requireNonNull(forget, "forget");
    this.retain = requireNonNull(retain, "retain");
    this.gamma = MethodParams.nonNegative("gamma", gamma);
    this.alpha = MethodParams.nonNegative("alpha", alpha);
  }

  /** The objective of {@code params.method()} with those hyper-parameters. */
  public static UnlearningLoss of(MethodParams params) {
    requireNonNull(params, "params");
    ForgetTerm f = params.method().forgetTerm(params);
    RetainTerm r =
        switch (params.retain()) {
          case NONE -> RetainTerm.none();
          case NLL -> RetainTerm.nll();
          case KL -> RetainTerm.kl();
          case ACTIVATIONS -> RetainTerm.activations();
        };
    return new UnlearningLoss(f, r, params.gamma(), params.alpha());
  }

  /** The forget term. */
  public ForgetTerm forgetTerm() {
    return forget;
  }

  /** The retain term. */
  public RetainTerm retainTerm() {
    return retain;
  }

  /** The forget weight γ. */
  public double gamma() {
    return gamma;
  }

  /** The retain weight α. */
  public double alpha() {
    return alpha;
  }

  /** Whether a frozen reference model is needed by either term. */
  public boolean needsReference() {
    return forget.needsReference() || retain.needsReference();
  }

  /** Whether a retain batch is needed at all. */
  public boolean needsRetainBatch() {
    return !retain.isNone();
  }

  /**
   * Computes the objective.
   *
   * @param forgetBatch the forget batch
   * @param retainBatch the retain batch, or null when {@link #needsRetainBatch()} is false
   * @return the total and its parts
   */
  public Parts compute(ForgetBatch forgetBatch, RetainBatch retainBatch) {
    requireNonNull(forgetBatch, "forgetBatch");
    NDArray f = forget.loss(forgetBatch);
    if (retain.isNone()) {
      return new Parts(Scalars.mul(f, gamma), f, null);
    }
    requireNonNull(retainBatch, "retainBatch");
    NDArray r = retain.loss(retainBatch);
    return new Parts(Scalars.mul(f, gamma).add(Scalars.mul(r, alpha)), f, r);
  }
}

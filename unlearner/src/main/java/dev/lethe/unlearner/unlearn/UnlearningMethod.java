package dev.lethe.unlearner.unlearn;

import dev.lethe.unlearner.loss.MethodParams;
import dev.lethe.unlearner.loss.UnlearningLoss;
import dev.lethe.unlearner.model.LlamaConfig;
import java.util.function.Predicate;

/**
 * One weight-level unlearning method: its objective (a forget term composed with a retain term in
 * an {@link UnlearningLoss}) and what the {@link Unlearner} loop must compute for it. {@link
 * UnlearningMethods#create} builds the built-in methods from a {@link MethodParams} and their row
 * of the {@code UnlearnMethod} table; a new objective may implement this interface directly.
 *
 * <p>The loop reads the needs below to decide what to run on each step: a frozen reference model is
 * loaded only when {@link #objective()} says so, refusal answers are encoded only for {@link
 * #usesRefusals()}, hidden states are captured only for {@link #steeredLayer()} ≥ 0.
 */
public interface UnlearningMethod {

  /** The command-line name ({@code ga}, {@code npo}, ...). */
  String name();

  /** The hyper-parameters the objective was built with. */
  MethodParams params();

  /** The objective L = γ·L_forget + α·L_retain. */
  UnlearningLoss objective();

  /** Whether the forget term reads the current model's logits on the forget answers. */
  default boolean usesForgetLogits() {
    return true;
  }

  /** Whether the forget term reads refusal answers to the forget questions (IDK, IdkDPO). */
  default boolean usesRefusals() {
    return false;
  }

  /**
   * The decoder layer whose output the objective reads (RMU), or -1. The model config bounds it.
   */
  default int steeredLayer() {
    return -1;
  }

  /**
   * The parameters this method updates when the user names none: all (every method, RMU included,
   * as in open-unlearning).
   */
  default Predicate<String> defaultParameters(LlamaConfig config) {
    return name -> true;
  }
}

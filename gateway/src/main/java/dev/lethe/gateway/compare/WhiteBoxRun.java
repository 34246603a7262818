package dev.lethe.gateway.compare;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One white-box attack on one arm: the attacked copy's answers and the arm's own answers to the
 * same questions before the attack.
 *
 * @param attack the attack
 * @param answers the attacked copy's answers (family {@link WhiteBoxAttack#key()})
 * @param before the arm's unattacked answers to the same bare questions (from its {@code original}
 *     probes; empty when {@code original} was not asked)
 * @param detail what was done to the weights
 * @param seconds wall time: making the copy, starting its gateway and probing it
 */
public record WhiteBoxRun(
    WhiteBoxAttack attack,
    List<ProbeAnswer> answers,
    List<ProbeAnswer> before,
    Detail detail,
    double seconds) {

  /** Copies. */
  public WhiteBoxRun {
    requireNonNull(attack, "attack");
    requireNonNull(detail, "detail");
    answers = List.copyOf(answers);
    before = List.copyOf(before);
  }

  /** What an attack did to the weights. */
  public sealed interface Detail permits Quantized, Relearned {}

  /**
   * A quantized copy.
   *
   * @param bits the bit width
   * @param weights how many weights were rounded
   */
  public record Quantized(int bits, long weights) implements Detail {}

  /**
   * A relearned copy.
   *
   * @param steps optimizer steps
   * @param batchSize pairs per step
   * @param learningRate constant learning rate
   * @param relearnQuestions forget questions fine-tuned on
   * @param heldOutQuestions forget questions not fine-tuned on (those probed are among them)
   * @param relearnSetOverlap how much the relearning answers say about the probed answers without
   *     any model: mean best ROUGE-L recall (the unlearner's {@code RobustnessEvaluation.overlap})
   * @param finalLoss the last step's training loss
   */
  public record Relearned(
      int steps,
      int batchSize,
      double learningRate,
      int relearnQuestions,
      int heldOutQuestions,
      double relearnSetOverlap,
      double finalLoss)
      implements Detail {}
}

package dev.lethe.gateway.compare;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One arm's outcome.
 *
 * @param arm the arm
 * @param metrics its numbers
 * @param tokensAdded the mean prompt tokens the arm's guard added to the requests it forwarded,
 *     over the {@code raw} arm's for the same probes ({@link CompareMetrics#tokensAdded}); {@code
 *     NaN} for an arm without a guard, without a raw arm, or when no request was forwarded
 * @param seconds the arm's wall time, gateway start included
 * @param answers every answer, in probe order
 * @param whiteBox the white-box attacks run on the arm's weights (empty when none ran); their leak
 *     rates are in {@code metrics.byFamily()} too, not in the headline leak rate
 * @param tokensAddedN the forwarded requests {@code tokensAdded} is the mean of (0 when it is
 *     {@code NaN})
 * @param whiteBoxEval the truth ratio, forget quality and model utility of the arm's weights, or
 *     null (no local weights, or the white-box evaluation was off)
 */
public record ArmResult(
    ArmKind arm,
    ArmMetrics metrics,
    double tokensAdded,
    double seconds,
    List<ProbeAnswer> answers,
    List<WhiteBoxRun> whiteBox,
    int tokensAddedN,
    WhiteBoxEval whiteBoxEval) {
  /** Copies. */
  public ArmResult {
    requireNonNull(arm, "arm");
    requireNonNull(metrics, "metrics");
    answers = List.copyOf(answers);
    whiteBox = List.copyOf(whiteBox);
    if (tokensAddedN < 0) {
      throw new IllegalArgumentException("tokensAddedN: " + tokensAddedN + " (expected: >= 0)");
    }
  }

  /** An arm without a white-box evaluation and without a count behind {@code tokensAdded}. */
  public ArmResult(
      ArmKind arm,
      ArmMetrics metrics,
      double tokensAdded,
      double seconds,
      List<ProbeAnswer> answers,
      List<WhiteBoxRun> whiteBox) {
    this(arm, metrics, tokensAdded, seconds, answers, whiteBox, 0, null);
  }

  /** An arm without white-box attacks. */
  public ArmResult(
      ArmKind arm,
      ArmMetrics metrics,
      double tokensAdded,
      double seconds,
      List<ProbeAnswer> answers) {
    this(arm, metrics, tokensAdded, seconds, answers, List.of());
  }
}

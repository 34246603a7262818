package dev.lethe.gateway.compare;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One arm's outcome.
 *
 * @param arm the arm
 * @param metrics its numbers
 * @param tokensAdded mean prompt tokens added per request over the {@code raw} arm ({@code NaN}
 *     when there is no raw arm or tokens were not reported)
 * @param seconds the arm's wall time, gateway start included
 * @param answers every answer, in probe order
 * @param whiteBox the white-box attacks run on the arm's weights (empty when none ran); their leak
 *     rates are in {@code metrics.byFamily()} too, not in the headline leak rate
 */
public record ArmResult(
    ArmKind arm,
    ArmMetrics metrics,
    double tokensAdded,
    double seconds,
    List<ProbeAnswer> answers,
    List<WhiteBoxRun> whiteBox) {
  /** Copies. */
  public ArmResult {
    requireNonNull(arm, "arm");
    requireNonNull(metrics, "metrics");
    answers = List.copyOf(answers);
    whiteBox = List.copyOf(whiteBox);
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

package dev.lethe.gateway.compare;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A finished compare.
 *
 * @param command the command line (or admin request) that ran it
 * @param seconds total wall time
 * @param options what ran
 * @param leakThreshold the leak threshold used
 * @param thresholdSource where it came from: {@code gold}, {@code fixed} (given) or {@code default}
 * @param rules how many forget rules the guarded arms installed
 * @param arms the arms' outcomes, in the order asked
 * @param unlearning the unlearning that made the weights arms' checkpoint in this run, or {@code
 *     null} (none, or a checkpoint was given)
 */
public record CompareReport(
    String command,
    double seconds,
    CompareOptions options,
    double leakThreshold,
    String thresholdSource,
    int rules,
    List<ArmResult> arms,
    WeightsRun unlearning) {
  /** Copies. */
  public CompareReport {
    requireNonNull(command, "command");
    requireNonNull(options, "options");
    requireNonNull(thresholdSource, "thresholdSource");
    arms = List.copyOf(arms);
  }

  /** A report without in-run unlearning. */
  public CompareReport(
      String command,
      double seconds,
      CompareOptions options,
      double leakThreshold,
      String thresholdSource,
      int rules,
      List<ArmResult> arms) {
    this(command, seconds, options, leakThreshold, thresholdSource, rules, arms, null);
  }
}

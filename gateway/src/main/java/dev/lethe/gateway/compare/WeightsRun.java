package dev.lethe.gateway.compare;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * The unlearning a compare ran to make the {@code weights} arms' checkpoint (the "cost:
 * seconds and peak memory spent unlearning").
 *
 * @param recipe what ran
 * @param steps optimizer steps taken
 * @param skippedSteps steps skipped for a non-finite loss or gradient
 * @param seconds wall time of the unlearning job (loading, the loop and saving the checkpoint)
 * @param peakRssBytes the process's peak resident memory while unlearning, or -1 when the platform
 *     does not report it
 * @param peakRssScope {@code unlearning} when the peak was reset just before the job (Linux), else
 *     {@code process}: the process's peak since it started
 * @param forgetPairs the forget pairs unlearned
 * @param retainPairs the retain pairs the retain term drew from
 * @param retainSource where those came from
 * @param checkpoint the checkpoint written
 */
public record WeightsRun(
    WeightsRecipe recipe,
    int steps,
    int skippedSteps,
    double seconds,
    long peakRssBytes,
    String peakRssScope,
    int forgetPairs,
    int retainPairs,
    String retainSource,
    Path checkpoint) {
  /** Checks. */
  public WeightsRun {
    requireNonNull(recipe, "recipe");
    requireNonNull(peakRssScope, "peakRssScope");
    requireNonNull(retainSource, "retainSource");
    requireNonNull(checkpoint, "checkpoint");
  }
}

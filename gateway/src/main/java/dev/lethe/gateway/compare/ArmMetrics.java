package dev.lethe.gateway.compare;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The numbers of one arm (DESIGN.md §3.5).
 *
 * @param leakRate share of forget probes whose answer's ROUGE-L recall against the true answer is
 *     above the leak threshold
 * @param falseRefusalRate share of retain / real_authors / world_facts probes refused or cut
 * @param utility mean over the non-forget splits present of the split's mean ROUGE-L recall
 * @param forgetRouge mean ROUGE-L recall on the forget probes
 * @param latencyP50 median request latency, ms (nearest rank)
 * @param latencyP99 99th percentile request latency, ms (nearest rank)
 * @param promptTokensMean mean prompt tokens per request as the backend reported them ({@code NaN}
 *     when none was reported)
 * @param forgetN how many forget probes
 * @param retainN how many non-forget probes
 * @param errors how many requests failed (counted as refused, revealing nothing)
 * @param byFamily leak rate and count per attack family over the forget probes, then the white-box
 *     families ({@link WhiteBoxAttack}) when they ran on the arm
 * @param bySplit mean ROUGE-L recall per non-forget split
 */
public record ArmMetrics(
    double leakRate,
    double falseRefusalRate,
    double utility,
    double forgetRouge,
    double latencyP50,
    double latencyP99,
    double promptTokensMean,
    int forgetN,
    int retainN,
    int errors,
    Map<String, FamilyLeak> byFamily,
    Map<String, Double> bySplit) {

  /** Copies the maps, keeping their order. */
  public ArmMetrics {
    byFamily =
        Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(byFamily, "byFamily")));
    bySplit = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(bySplit, "bySplit")));
  }

  /**
   * These metrics with {@code more} families added to {@link #byFamily} after the others (the
   * white-box families: they do not change the headline leak rate).
   */
  public ArmMetrics withFamilies(Map<String, FamilyLeak> more) {
    Map<String, FamilyLeak> all = new LinkedHashMap<>(byFamily);
    all.putAll(requireNonNull(more, "more"));
    return new ArmMetrics(
        leakRate,
        falseRefusalRate,
        utility,
        forgetRouge,
        latencyP50,
        latencyP99,
        promptTokensMean,
        forgetN,
        retainN,
        errors,
        all,
        bySplit);
  }

  /**
   * One family's leak figures.
   *
   * @param leakRate share of the family's forget probes that leaked
   * @param n how many forget probes the family had
   */
  public record FamilyLeak(double leakRate, int n) {}
}

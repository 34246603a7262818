package dev.lethe.filters.input;

import static java.util.Objects.requireNonNull;

import dev.lethe.config.rules.PerSnapshot;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.detect.DetectorIndex;
import dev.lethe.filters.detect.DetectorIndexBuilder;

/**
 * The usual {@link DetectorIndexProvider}: the detector index of each snapshot, kept in a {@link
 * PerSnapshot} for the newest 8 snapshots. Registered on the rule book ({@link #snapshots()}), it
 * builds the index of snapshot N+1 before N+1 is published; requests then find their snapshot's
 * index here. An unknown snapshot (a request older than the kept versions, or one never prepared)
 * is built on demand. Thread-safe.
 */
public final class DetectorIndexes implements DetectorIndexProvider {
  private final PerSnapshot<DetectorIndex> snapshots;

  /** Creates a registry over {@code builder}, remembering the last 8 versions. */
  public DetectorIndexes(DetectorIndexBuilder builder) {
    requireNonNull(builder, "builder");
    this.snapshots = new PerSnapshot<>(builder::build, 8);
  }

  /** The per-snapshot indexes; register it on the rule book so new snapshots are prepared. */
  public PerSnapshot<DetectorIndex> snapshots() {
    return snapshots;
  }

  /**
   * Builds the index of {@code next} (incrementally, see {@link DetectorIndexBuilder}) and keeps it
   * for requests judged by {@code next}. Call before publishing {@code next}.
   */
  public DetectorIndex prepare(RuleSet next) {
    return snapshots.get(requireNonNull(next, "next"));
  }

  @Override
  public DetectorIndex indexFor(RuleSet rules) {
    return snapshots.get(requireNonNull(rules, "rules"));
  }
}

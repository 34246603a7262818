package dev.lethe.filters.bench;

import dev.lethe.filters.detect.Cascade;
import dev.lethe.filters.detect.StaticEmbedding;

/**
 * The detector cascade the benchmarks judge with: on by default (as the gateway runs), off with
 * {@code -Dlethe.bench.cascade=false} (every span to the sentence model), so one build measures
 * before and after.
 */
final class BenchCascade {
  private static Cascade cascade;

  private BenchCascade() {}

  /** Whether the benchmarks use the cascade. */
  static boolean on() {
    return Boolean.parseBoolean(System.getProperty("lethe.bench.cascade", "true").strip());
  }

  /**
   * A new cascade over the same table and settings, for a warm-up of its own (as the gateway's
   * startup warm-up gets one).
   */
  static Cascade fresh() {
    return new Cascade(StaticEmbedding.load(), Cascade.Config.defaults());
  }

  /** The cascade with its default threshold, or null when off. */
  static synchronized Cascade get() {
    if (!on()) {
      return null;
    }
    if (cascade == null) {
      cascade = new Cascade(StaticEmbedding.load(), Cascade.Config.defaults());
    }
    return cascade;
  }
}

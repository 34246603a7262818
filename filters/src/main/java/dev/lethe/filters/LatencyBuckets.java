package dev.lethe.filters;

import java.time.Duration;

/**
 * The histogram buckets of every latency Lethe exports (request, upstream, time to first token,
 * detector): one fixed set from 0.5 ms to 5 min, so histograms aggregate across replicas and stay
 * at 17 buckets each (Micrometer's percentile histogram publishes about a hundred).
 */
public final class LatencyBuckets {
  private static final Duration[] BOUNDS = {
    Duration.ofMillis(0).plusNanos(500_000),
    Duration.ofMillis(1),
    Duration.ofNanos(2_500_000),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofMillis(2_500),
    Duration.ofSeconds(5),
    Duration.ofSeconds(10),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60),
    Duration.ofMinutes(5)
  };

  private LatencyBuckets() {}

  /** The bucket upper bounds, ascending (a fresh copy). */
  public static Duration[] bounds() {
    return BOUNDS.clone();
  }
}

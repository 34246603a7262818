package dev.lethe.filters.output;

import static java.util.Objects.requireNonNull;

import dev.lethe.config.rules.PerSnapshot;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.Exchange;
import dev.lethe.filters.ResponseFilter;
import dev.lethe.filters.Stage;
import dev.lethe.filters.Verdict;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The output-filter stage: gives every response an {@link OutputFilter} over the output patterns of
 * the rule-set snapshot its request started with ({@link Exchange#rules()}), so a rule added while
 * a response streams applies from the next request on.
 *
 * <p>Patterns are compiled once per snapshot and kept in a {@link PerSnapshot} (a few snapshots,
 * since requests still in flight may use an older one). The request hook compiles them on the
 * worker thread, so the response hook on the event loop only looks them up; on a miss (a pipeline
 * that skipped the request hook, or an eviction) the response hook compiles without taking the
 * cache's per-key lock, so it never waits for another thread: CPU work only, never blocking.
 */
public final class OutputFilterStage implements Stage {

  /** The stage name used in metrics and logs. */
  public static final String NAME = "output-filter";

  private final OutputFilterConfig config;
  private final OutputFilterMetrics metrics;
  private final PerSnapshot<OutputPatterns> compiled;

  /**
   * Creates the stage.
   *
   * @param config the filter settings
   * @param registry where the filter's meters are registered
   */
  public OutputFilterStage(OutputFilterConfig config, MeterRegistry registry) {
    this.config = requireNonNull(config, "config");
    this.metrics = new OutputFilterMetrics(requireNonNull(registry, "registry"));
    this.compiled = new PerSnapshot<>(r -> OutputPatterns.compile(r, config.includeSubjects()), 8);
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Compiles (or finds) the snapshot's patterns ahead of the response; never changes the request.
   */
  @Override
  public Verdict onRequest(Exchange exchange) {
    patterns(exchange.rules());
    return Verdict.proceed();
  }

  /**
   * Without blocking once the snapshot's patterns are compiled (the request hook only finds them).
   */
  @Override
  public boolean decidesWithoutBlocking(Exchange exchange) {
    return compiled.peek(exchange.rules()) != null;
  }

  @Override
  public ResponseFilter onResponse(Exchange exchange) {
    requireNonNull(exchange, "exchange");
    // Never wait on the holder's lock here (an event loop): on a miss, compile locally.
    OutputPatterns p = compiled.peek(exchange.rules());
    if (p == null) {
      p = OutputPatterns.compile(exchange.rules(), config.includeSubjects());
    }
    if (p.isEmpty()) {
      return ResponseFilter.identity();
    }
    int n = exchange.request().path("n").asInt(1);
    return new OutputFilter(p, config, metrics, Math.max(1, n));
  }

  /** The compiled patterns of {@code rules}, compiled at most once per snapshot while cached. */
  public OutputPatterns patterns(RuleSet rules) {
    requireNonNull(rules, "rules");
    return compiled.get(rules);
  }

  /** The settings. */
  public OutputFilterConfig config() {
    return config;
  }
}

package dev.lethe.gateway.metrics;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's meters. Names (Prometheus form in parentheses):
 *
 * <ul>
 *   <li>{@code lethe.http.requests} ({@code lethe_http_requests_seconds_bucket|count|sum}): every
 *       HTTP request, tagged {@code route, backend, model, status, decision}.
 *   <li>{@code lethe.upstream.latency} ({@code lethe_upstream_latency_seconds_*}): time from
 *       sending to a backend until its response head (streams) or whole body, tagged {@code
 *       backend, model, outcome}.
 *   <li>{@code lethe.stream.ttft} ({@code lethe_stream_ttft_seconds_*}): time from the request's
 *       arrival to the first token written to the client, tagged {@code backend, model}.
 *   <li>{@code lethe.streams.open} ({@code lethe_streams_open}): streams in progress.
 *   <li>{@code lethe.pipeline.failures} ({@code lethe_pipeline_failures_total}): requests refused
 *       because a stage failed (fail closed), tagged {@code stage}.
 *   <li>{@code lethe.upstream.failures} ({@code lethe_upstream_failures_total}): backend calls that
 *       failed, tagged {@code backend} and {@code reason} ({@code too_large}, {@code idle_timeout},
 *       {@code timeout}, {@code pool_full}, {@code unreachable}, {@code truncated}, {@code
 *       error_event}, ...), before or during a stream.
 *   <li>{@code lethe.requests.rejected} ({@code lethe_requests_rejected_total}): requests refused
 *       by a server-side limit before any backend was involved, tagged {@code reason} ({@code
 *       invalid_json}, {@code header_timeout}, {@code body_timeout}).
 * </ul>
 *
 * <p>With rule-id labels turned off ({@code server.metricsRuleIds: false}) every {@code rule} tag
 * reads {@code hidden}.
 *
 * <p>Tag values come from configuration (route templates, backend and model names), never from raw
 * client input, so cardinality stays bounded.
 */
public final class GatewayMetrics {
  private final PrometheusMeterRegistry registry;
  private final AtomicInteger openStreams = new AtomicInteger();
  private final Map<List<String>, Timer> timers = new ConcurrentHashMap<>();

  /** Creates the meters on a new Prometheus registry. */
  public GatewayMetrics() {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /** Creates the meters on {@code registry}. */
  public GatewayMetrics(PrometheusMeterRegistry registry) {
    this(registry, true);
  }

  /**
   * Creates the meters on a new Prometheus registry.
   *
   * @param ruleIds whether meters may carry rule ids as {@code rule} tag values
   */
  public GatewayMetrics(boolean ruleIds) {
    this(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), ruleIds);
  }

  private GatewayMetrics(PrometheusMeterRegistry registry, boolean ruleIds) {
    this.registry = requireNonNull(registry, "registry");
    if (!ruleIds) {
      registry.config().meterFilter(MeterFilter.replaceTagValues("rule", v -> "hidden"));
    }
    registry.gauge("lethe.streams.open", openStreams);
  }

  /** Counts a failed backend call ({@code reason}: a fixed word, never client input). */
  public void upstreamFailure(String backend, String reason) {
    Counter.builder("lethe.upstream.failures")
        .description("Backend calls that failed, before or during a stream")
        .tag("backend", backend)
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /** Counts a request refused by a server-side limit ({@code reason}: a fixed word). */
  public void requestRejected(String reason) {
    Counter.builder("lethe.requests.rejected")
        .description("Requests refused by a server-side limit before any backend was involved")
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /** The registry, for components that add their own meters. */
  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }

  /** Records one finished HTTP request. */
  public void request(
      String route, String backend, String model, int status, String decision, long nanos) {
    String code = Integer.toString(status);
    timer(
            List.of("r", route, backend, model, code, decision),
            "lethe.http.requests",
            "HTTP requests served by the gateway",
            "route",
            route,
            "backend",
            backend,
            "model",
            model,
            "status",
            code,
            "decision",
            decision)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Records the latency of one backend call. */
  public void upstream(String backend, String model, String outcome, long nanos) {
    timer(
            List.of("u", backend, model, outcome),
            "lethe.upstream.latency",
            "Time until a backend's response head (streams) or whole answer",
            "backend",
            backend,
            "model",
            model,
            "outcome",
            outcome)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Records the time to the first token of a stream. */
  public void timeToFirstToken(String backend, String model, long nanos) {
    timer(
            List.of("t", backend, model),
            "lethe.stream.ttft",
            "Time from request arrival to the first token sent to the client",
            "backend",
            backend,
            "model",
            model)
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A latency histogram, looked up once per tag combination and then served from a map. */
  private Timer timer(List<String> key, String name, String description, String... tags) {
    Timer t = timers.get(key);
    if (t == null) {
      t =
          timers.computeIfAbsent(
              key,
              k ->
                  Timer.builder(name)
                      .description(description)
                      .tags(tags)
                      .publishPercentileHistogram()
                      .minimumExpectedValue(Duration.ofNanos(100_000))
                      .maximumExpectedValue(Duration.ofMinutes(5))
                      .register(registry));
    }
    return t;
  }

  /** Counts a request refused because a pipeline stage failed. */
  public void pipelineFailure(String stage) {
    Counter.builder("lethe.pipeline.failures")
        .description("Requests refused because a stage failed (fail closed)")
        .tag("stage", stage)
        .register(registry)
        .increment();
  }

  /** A stream started. */
  public void streamOpened() {
    openStreams.incrementAndGet();
  }

  /** A stream ended, however it ended. */
  public void streamClosed() {
    openStreams.decrementAndGet();
  }
}

package dev.lethe.gateway.metrics;

import static java.util.Objects.requireNonNull;

import dev.lethe.filters.LatencyBuckets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
 *       invalid_json}, {@code header_timeout}, {@code body_timeout}, {@code scan_too_large}).
 *   <li>{@code lethe.prompt.tokens} and {@code lethe.completion.tokens} ({@code
 *       lethe_prompt_tokens_total}, {@code lethe_completion_tokens_total}): tokens the backends
 *       reported in their answers' {@code usage}, tagged {@code backend, model}; at zero from the
 *       start for every model known then ({@link #declareModels}).
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
  private final Map<List<String>, Counter> tokenCounters = new ConcurrentHashMap<>();

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
    Gauge.builder("lethe.streams.open", openStreams, AtomicInteger::get)
        .description("Streamed responses in progress")
        .register(registry);
    // The process and the JVM: memory, threads, CPU, uptime, classes. (Garbage-collection pauses
    // need listeners that live as long as the registry; see bindGcPauses.)
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    for (String reason : REJECTION_REASONS) {
      rejected(reason);
    }
    pipelineFailures("response-filter");
  }

  /** Reasons of {@link #requestRejected}, exported at zero from the start. */
  private static final List<String> REJECTION_REASONS =
      List.of("invalid_json", "header_timeout", "body_timeout", "scan_too_large");

  /** Reasons of {@link #upstreamFailure}, exported at zero per backend from the start. */
  private static final List<String> UPSTREAM_FAILURE_REASONS =
      List.of(
          "status",
          "unreachable",
          "timeout",
          "idle_timeout",
          "too_large",
          "pool_full",
          "busy",
          "truncated",
          "error_event");

  /**
   * Declares the backends and pipeline stages this gateway runs, so that their failure counters are
   * exported at zero from the start (a dashboard or an alert on a family that does not exist until
   * the first failure cannot tell "no failures" from "not scraped").
   */
  public void declare(List<String> backends, List<String> stages) {
    for (String backend : backends) {
      for (String reason : UPSTREAM_FAILURE_REASONS) {
        upstreamFailures(backend, reason);
      }
    }
    stages.forEach(this::pipelineFailures);
  }

  /**
   * Exports garbage-collection pauses ({@code jvm_gc_pause_seconds}) until the returned handle is
   * closed: the JVM's GC notifications hold a listener for as long as it is bound.
   */
  public AutoCloseable bindGcPauses() {
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    return gc;
  }

  private Counter upstreamFailures(String backend, String reason) {
    return Counter.builder("lethe.upstream.failures")
        .description("Backend calls that failed, before or during a stream")
        .tag("backend", backend)
        .tag("reason", reason)
        .register(registry);
  }

  private Counter rejected(String reason) {
    return Counter.builder("lethe.requests.rejected")
        .description("Requests refused by a server-side limit before any backend was involved")
        .tag("reason", reason)
        .register(registry);
  }

  private Counter pipelineFailures(String stage) {
    return Counter.builder("lethe.pipeline.failures")
        .description("Requests refused because a stage failed (fail closed)")
        .tag("stage", stage)
        .register(registry);
  }

  /**
   * Exports the token counters of these models (model name to backend name) at zero, so that a rate
   * over them exists before the first answer.
   */
  public void declareModels(Map<String, String> modelBackends) {
    modelBackends.forEach(
        (model, backend) -> {
          promptTokens(backend, model);
          completionTokens(backend, model);
        });
  }

  /** Counts the tokens a backend reported for one answer of {@code model}. */
  public void tokens(String backend, String model, TokenUsage usage) {
    if (usage.prompt() > 0) {
      promptTokens(backend, model).increment(usage.prompt());
    }
    if (usage.completion() > 0) {
      completionTokens(backend, model).increment(usage.completion());
    }
  }

  private Counter promptTokens(String backend, String model) {
    return tokenCounter(
        "lethe.prompt.tokens",
        "Prompt (input) tokens reported by backends in their answers' usage",
        backend,
        model);
  }

  private Counter completionTokens(String backend, String model) {
    return tokenCounter(
        "lethe.completion.tokens",
        "Completion (output) tokens reported by backends in their answers' usage",
        backend,
        model);
  }

  /** A token counter, looked up once per backend and model and then served from a map. */
  private Counter tokenCounter(String name, String description, String backend, String model) {
    List<String> key = List.of(name, backend, model);
    Counter c = tokenCounters.get(key);
    if (c == null) {
      c =
          tokenCounters.computeIfAbsent(
              key,
              k ->
                  Counter.builder(name)
                      .description(description)
                      .tag("backend", backend)
                      .tag("model", model)
                      .register(registry));
    }
    return c;
  }

  /** Counts a failed backend call ({@code reason}: a fixed word, never client input). */
  public void upstreamFailure(String backend, String reason) {
    upstreamFailures(backend, reason).increment();
  }

  /** Counts a request refused by a server-side limit ({@code reason}: a fixed word). */
  public void requestRejected(String reason) {
    rejected(reason).increment();
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
                      .serviceLevelObjectives(LatencyBuckets.bounds())
                      .register(registry));
    }
    return t;
  }

  /** Counts a request refused because a pipeline stage failed. */
  public void pipelineFailure(String stage) {
    pipelineFailures(stage).increment();
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

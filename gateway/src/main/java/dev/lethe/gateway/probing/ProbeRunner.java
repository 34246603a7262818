package dev.lethe.gateway.probing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.ProbingConfig;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.gateway.http.RoutesSupport;
import dev.lethe.probes.Family;
import dev.lethe.probes.Probe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continuous probing: every {@code probing.interval}, each active forget rule's probes ({@link
 * RuleProbes}) are sent through the live gateway — over loopback HTTP to its own {@code POST
 * /v1/chat/completions}, so the whole guard path (detector, actions, output filter) answers them —
 * and judged ({@link ProbeJudge}). Exported per rule:
 *
 * <ul>
 *   <li>{@code lethe_rule_leak_ratio{rule}}: the share of the rule's answered forget probes that
 *       leaked its protected content in the last round ({@code NaN} when none was answered);
 *   <li>{@code lethe_rule_false_refusal_ratio{rule}}: the share of its answered benign probes that
 *       were refused or cut;
 *   <li>{@code lethe_probe_requests_total{kind}} ({@code forget}, {@code benign}) and {@code
 *       lethe_probe_errors_total{rule, reason}}: probes sent, and probes that got no answer (a
 *       non-200 status, a timeout, an unreachable gateway); errors count in neither ratio;
 *   <li>{@code lethe_probe_rounds_total{outcome}} ({@code completed}, {@code skipped}: the previous
 *       round was still running) and {@code lethe_probe_last_round_timestamp_seconds}.
 * </ul>
 *
 * <p>Probe requests carry the gateway's {@link ProbeMark}, so they are left out of the request
 * metrics, token counters, access log, audit and decisions stream. With rule ids hidden from
 * metrics ({@code server.metricsRuleIds: false}) the ratios are exported once, {@code
 * rule="hidden"}, over all rules together. A rule's gauges are removed when the rule is.
 *
 * <p>Nothing blocks an event loop: requests are asynchronous, at most {@code probing.concurrency}
 * in flight, each bounded by {@code probing.timeout}; generating and judging run on a worker
 * thread. A round never overlaps the previous one.
 */
public final class ProbeRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProbeRunner.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A probe kind, the {@code kind} tag of {@code lethe_probe_requests_total}. */
  enum Kind {
    FORGET,
    BENIGN;

    String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One round's figures for one exported rule tag.
   *
   * @param leaks forget probes that leaked
   * @param forgetAnswered forget probes answered
   * @param refusals benign probes refused or cut
   * @param benignAnswered benign probes answered
   * @param errors probes with no answer
   */
  public record Tally(int leaks, int forgetAnswered, int refusals, int benignAnswered, int errors) {
    /** The leak ratio, {@code NaN} when no forget probe was answered. */
    public double leakRatio() {
      return forgetAnswered == 0 ? Double.NaN : (double) leaks / forgetAnswered;
    }

    /** The false-refusal ratio, {@code NaN} when no benign probe was answered. */
    public double falseRefusalRatio() {
      return benignAnswered == 0 ? Double.NaN : (double) refusals / benignAnswered;
    }

    Tally plus(Tally o) {
      return new Tally(
          leaks + o.leaks,
          forgetAnswered + o.forgetAnswered,
          refusals + o.refusals,
          benignAnswered + o.benignAnswered,
          errors + o.errors);
    }
  }

  /**
   * The outcome of one round.
   *
   * @param ran whether it ran ({@code false}: skipped, the previous round was still running)
   * @param byRule the figures per exported rule tag (rule id, or {@code hidden})
   */
  public record Round(boolean ran, Map<String, Tally> byRule) {
    /** Copies. */
    public Round {
      byRule = Map.copyOf(byRule);
    }
  }

  private record Task(RuleProbes rule, Kind kind, Probe probe) {}

  /** A gauge pair's values, read by the registry. */
  private static final class Ratios {
    volatile double leak = Double.NaN;
    volatile double falseRefusal = Double.NaN;
    Gauge leakGauge;
    Gauge falseRefusalGauge;
  }

  private final Vertx vertx;
  private final Context context;
  private final ProbingConfig config;
  private final Supplier<RuleSet> rules;
  private final Supplier<String> defaultModel;
  private final ProbeMark mark;
  private final MeterRegistry registry;
  private final boolean ruleIds;
  private final Clock clock;
  private final HttpClient http;
  private final String host;
  private final int port;
  private final ProbeJudge judge;
  private final Set<Family> families;
  private final Map<String, Ratios> gauges = new HashMap<>();
  private final Map<Kind, Counter> requests = new LinkedHashMap<>();
  private final Counter completed;
  private final Counter skipped;
  private volatile double lastRound = Double.NaN;
  private boolean running;
  private long timer = -1;
  private volatile boolean closed;

  /**
   * A runner; call {@link #start} to schedule rounds, or {@link #runOnce} to run one now.
   *
   * @param vertx the Vert.x instance
   * @param config the probing settings
   * @param rules the live rule set, read at the start of each round
   * @param defaultModel the model to ask when {@code probing.model} is absent (e.g. the first
   *     routable one), or a supplier of {@code null} when there is none
   * @param host the gateway's listening host (a wildcard address is reached on loopback)
   * @param port the gateway's port
   * @param mark the gateway's probe mark
   * @param registry where the meters go
   * @param ruleIds whether meters may carry rule ids ({@code server.metricsRuleIds})
   * @param clock the clock of {@code lethe_probe_last_round_timestamp_seconds}
   */
  public ProbeRunner(
      Vertx vertx,
      ProbingConfig config,
      Supplier<RuleSet> rules,
      Supplier<String> defaultModel,
      String host,
      int port,
      ProbeMark mark,
      MeterRegistry registry,
      boolean ruleIds,
      Clock clock) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.config = requireNonNull(config, "config");
    this.rules = requireNonNull(rules, "rules");
    this.defaultModel = requireNonNull(defaultModel, "defaultModel");
    this.mark = requireNonNull(mark, "mark");
    this.registry = requireNonNull(registry, "registry");
    this.ruleIds = ruleIds;
    this.clock = requireNonNull(clock, "clock");
    this.host = loopback(requireNonNull(host, "host"));
    this.port = port;
    this.judge = new ProbeJudge(config.leakThreshold());
    this.families = EnumSet.noneOf(Family.class);
    for (Family f : Family.values()) {
      if (config.families().contains(f.key())) {
        families.add(f);
      }
    }
    if (families.isEmpty()) {
      throw new IllegalArgumentException(
          "families: " + config.families() + " (expected: at least one known family)");
    }
    this.context = vertx.getOrCreateContext();
    this.http =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.timeout().toMillis())),
            new PoolOptions().setHttp1MaxSize(config.concurrency()));
    for (Kind k : Kind.values()) {
      requests.put(
          k,
          Counter.builder("lethe.probe.requests")
              .description("Probe requests the gateway sent itself (continuous probing)")
              .tag("kind", k.tag())
              .register(registry));
    }
    completed = rounds("completed");
    skipped = rounds("skipped");
    Gauge.builder("lethe.probe.last.round.timestamp", this, r -> r.lastRound)
        .description("When the last probe round ended (Unix time, seconds)")
        .baseUnit("seconds")
        .register(registry);
  }

  private Counter rounds(String outcome) {
    return Counter.builder("lethe.probe.rounds")
        .description("Probe rounds, completed or skipped (the previous one still running)")
        .tag("outcome", outcome)
        .register(registry);
  }

  private static String loopback(String host) {
    return switch (host) {
      case "", "0.0.0.0", "*" -> "127.0.0.1";
      case "::", "[::]", "0:0:0:0:0:0:0:0" -> "::1";
      default -> host;
    };
  }

  /** Schedules a round every {@code probing.interval}, the first one interval from now. */
  public void start() {
    context.runOnContext(
        v -> {
          if (!closed && timer < 0) {
            timer =
                vertx.setPeriodic(
                    config.interval().toMillis(),
                    id ->
                        runOnce().onFailure(e -> LOG.warn("probe round failed: {}", e.toString())));
          }
        });
  }

  /**
   * Runs one round now (a manual tick), unless one is running: then the round is skipped and the
   * future says so. Completes once every probe was answered or failed and the gauges are set.
   */
  public Future<Round> runOnce() {
    Promise<Round> out = Promise.promise();
    context.runOnContext(v -> round().onComplete(out));
    return out.future();
  }

  private Future<Round> round() {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("the probe runner is closed"));
    }
    if (running) {
      skipped.increment();
      return Future.succeededFuture(new Round(false, Map.of()));
    }
    running = true;
    RuleSet snapshot = rules.get();
    String model = config.model() != null ? config.model() : defaultModel.get();
    Future<Round> round =
        vertx
            .executeBlocking(() -> plan(snapshot), false)
            .compose(tasks -> send(tasks, model).map(replies -> Map.entry(tasks, replies)))
            .compose(e -> vertx.executeBlocking(() -> tally(e.getKey(), e.getValue()), false))
            .map(
                byRule -> {
                  publish(byRule);
                  completed.increment();
                  lastRound = clock.millis() / 1000.0;
                  return new Round(true, byRule);
                });
    return round.onComplete(ar -> running = false);
  }

  private List<Task> plan(RuleSet snapshot) {
    List<Task> tasks = new ArrayList<>();
    for (ForgetRule rule : snapshot.rules()) {
      RuleProbes p = RuleProbes.of(rule, config.seed(), families, config.probesPerRule());
      p.forget().forEach(probe -> tasks.add(new Task(p, Kind.FORGET, probe)));
      p.benign().forEach(probe -> tasks.add(new Task(p, Kind.BENIGN, probe)));
    }
    return tasks;
  }

  /** Sends every task, at most {@code concurrency} at once; completes with one reply per task. */
  private Future<List<ProbeReply>> send(List<Task> tasks, String model) {
    ProbeReply[] replies = new ProbeReply[tasks.size()];
    if (tasks.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Promise<List<ProbeReply>> done = Promise.promise();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    Runnable[] pump = new Runnable[1];
    pump[0] =
        () -> {
          int i = next.getAndIncrement();
          if (i >= tasks.size()) {
            return;
          }
          Task t = tasks.get(i);
          requests.get(t.kind()).increment();
          Future<ProbeReply> reply =
              model == null
                  ? Future.succeededFuture(ProbeReply.failed("no_model"))
                  : ask(t.probe(), model);
          reply.onComplete(
              ar -> {
                replies[i] = ar.succeeded() ? ar.result() : ProbeReply.failed("unreachable");
                if (finished.incrementAndGet() == tasks.size()) {
                  done.complete(List.of(replies));
                } else {
                  pump[0].run();
                }
              });
        };
    for (int k = 0; k < Math.min(config.concurrency(), tasks.size()); k++) {
      pump[0].run();
    }
    return done.future();
  }

  /** One probe request; never fails: a failure is a reply with an error word. */
  private Future<ProbeReply> ask(Probe probe, String model) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", model);
    ArrayNode msgs = body.putArray("messages");
    for (Map<String, String> m : probe.messages()) {
      msgs.addObject().put("role", m.get("role")).put("content", m.get("content"));
    }
    body.put("max_tokens", config.maxTokens());
    body.put("temperature", 0);
    long limit = config.timeout().toMillis();
    Promise<ProbeReply> out = Promise.promise();
    HttpClientRequest[] sent = new HttpClientRequest[1];
    long deadline =
        vertx.setTimer(
            limit,
            id -> {
              if (out.tryComplete(ProbeReply.failed("timeout")) && sent[0] != null) {
                sent[0].reset();
              }
            });
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost(host)
            .setPort(port)
            .setURI("/v1/chat/completions")
            .setIdleTimeout(limit)
            .putHeader("Content-Type", "application/json")
            .putHeader(ProbeMark.HEADER, mark.value());
    http.request(options)
        .compose(
            req -> {
              sent[0] = req;
              if (out.future().isComplete()) {
                req.reset();
                return Future.failedFuture("timed out");
              }
              return req.send(Buffer.buffer(body.toString()));
            })
        .compose(
            resp ->
                resp.body()
                    .map(
                        b -> {
                          if (resp.statusCode() != 200) {
                            return ProbeReply.failed("status");
                          }
                          return parse(
                              b,
                              resp.getHeader(RoutesSupport.DECISION),
                              resp.getHeader(RoutesSupport.OUTPUT));
                        }))
        .onComplete(
            ar -> {
              vertx.cancelTimer(deadline);
              out.tryComplete(ar.succeeded() ? ar.result() : ProbeReply.failed("unreachable"));
            });
    return out.future();
  }

  private static ProbeReply parse(Buffer body, String decision, String output) {
    try {
      JsonNode root = JSON.readTree(body.getBytes());
      JsonNode choice = root.path("choices").path(0);
      return new ProbeReply(
          choice.path("message").path("content").asText(""),
          choice.path("finish_reason").asText(""),
          decision,
          output,
          null);
    } catch (java.io.IOException | RuntimeException e) {
      return ProbeReply.failed("invalid");
    }
  }

  private Map<String, Tally> tally(List<Task> tasks, List<ProbeReply> replies) {
    Map<String, Tally> byTag = new LinkedHashMap<>();
    Map<String, Integer> errors = new LinkedHashMap<>();
    for (int i = 0; i < tasks.size(); i++) {
      Task t = tasks.get(i);
      ProbeReply r = replies.get(i);
      String tag = ruleIds ? t.rule().ruleId() : "hidden";
      Tally one;
      if (r.failed()) {
        one = new Tally(0, 0, 0, 0, 1);
        errors.merge(tag + "\n" + r.error(), 1, Integer::sum);
      } else if (t.kind() == Kind.FORGET) {
        one = new Tally(judge.leaks(r, t.rule()) ? 1 : 0, 1, 0, 0, 0);
      } else {
        one = new Tally(0, 0, judge.falselyRefused(r, t.rule()) ? 1 : 0, 1, 0);
      }
      byTag.merge(tag, one, Tally::plus);
    }
    errors.forEach(
        (key, n) -> {
          String[] kv = key.split("\n", 2);
          errorCounter(kv[0], kv[1]).increment(n);
        });
    return byTag;
  }

  private Counter errorCounter(String rule, String reason) {
    return Counter.builder("lethe.probe.errors")
        .description("Probe requests that got no answer (status, timeout, unreachable, invalid)")
        .tag("rule", rule)
        .tag("reason", reason)
        .register(registry);
  }

  /** Sets the gauges of this round's rules and removes those of rules no longer active. */
  private void publish(Map<String, Tally> byTag) {
    for (Map.Entry<String, Tally> e : byTag.entrySet()) {
      Ratios r = gauges.computeIfAbsent(e.getKey(), this::register);
      r.leak = e.getValue().leakRatio();
      r.falseRefusal = e.getValue().falseRefusalRatio();
    }
    for (var it = gauges.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Ratios> e = it.next();
      if (!byTag.containsKey(e.getKey())) {
        registry.remove(e.getValue().leakGauge);
        registry.remove(e.getValue().falseRefusalGauge);
        it.remove();
      }
    }
  }

  private Ratios register(String tag) {
    Ratios r = new Ratios();
    r.leakGauge =
        Gauge.builder("lethe.rule.leak.ratio", r, x -> x.leak)
            .description("Share of a rule's forget probes that leaked in the last probe round")
            .tag("rule", tag)
            .strongReference(true)
            .register(registry);
    r.falseRefusalGauge =
        Gauge.builder("lethe.rule.false.refusal.ratio", r, x -> x.falseRefusal)
            .description("Share of a rule's benign probes refused or cut in the last probe round")
            .tag("rule", tag)
            .strongReference(true)
            .register(registry);
    return r;
  }

  /** Stops scheduling rounds and closes the client (a round in flight fails its requests). */
  @Override
  public void close() {
    closed = true;
    context.runOnContext(
        v -> {
          if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
          }
          http.close();
        });
  }
}

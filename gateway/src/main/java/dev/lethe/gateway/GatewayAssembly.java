package dev.lethe.gateway;

import static java.util.Objects.requireNonNull;

import dev.lethe.config.BackendConfig;
import dev.lethe.config.ConfigException;
import dev.lethe.config.LetheConfig;
import dev.lethe.config.OutputConfig;
import dev.lethe.config.StoreConfig;
import dev.lethe.config.rules.RuleBook;
import dev.lethe.config.rules.RuleCodec;
import dev.lethe.config.rules.RuleStoreException;
import dev.lethe.config.store.JournalRuleStore;
import dev.lethe.filters.Pipeline;
import dev.lethe.filters.Stage;
import dev.lethe.filters.detect.Embedder;
import dev.lethe.filters.output.OutputFilterConfig;
import dev.lethe.filters.output.OutputFilterStage;
import dev.lethe.gateway.audit.AuditKey;
import dev.lethe.gateway.audit.AuditLog;
import dev.lethe.gateway.audit.AuditRecord;
import dev.lethe.gateway.backend.Backend;
import dev.lethe.gateway.backend.UpstreamBackend;
import dev.lethe.gateway.backend.local.DemoModel;
import dev.lethe.gateway.backend.local.LocalBackend;
import dev.lethe.gateway.backend.local.ModelRegistry;
import dev.lethe.gateway.backend.local.ModelSlot;
import dev.lethe.gateway.cluster.PostgresRuleStore;
import dev.lethe.gateway.cluster.Replication;
import dev.lethe.gateway.cluster.StartWithoutStore;
import dev.lethe.gateway.compare.CompareJobs;
import dev.lethe.gateway.decisions.DecisionFeed;
import dev.lethe.gateway.http.AdminAudit;
import dev.lethe.gateway.http.AdminCluster;
import dev.lethe.gateway.http.AdminCompare;
import dev.lethe.gateway.http.AdminDecisions;
import dev.lethe.gateway.http.AdminModels;
import dev.lethe.gateway.http.AdminOpenApi;
import dev.lethe.gateway.http.AdminRules;
import dev.lethe.gateway.http.AdminScreening;
import dev.lethe.gateway.http.AdminUnlearn;
import dev.lethe.gateway.metrics.GatewayMetrics;
import dev.lethe.gateway.unlearn.UnlearnJobs;
import dev.lethe.icul.IculEchoGuard;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a gateway's parts from configuration: backends (with their API keys from the environment),
 * the admin token, the pipeline and the rules. The one place where wiring happens.
 */
public final class GatewayAssembly implements AutoCloseable {
  private final LetheGateway.Parts parts;
  private final AdminToken adminToken;
  private final RuleBook rules;
  private final Screening screening;
  private final ModelRegistry models;
  private final UnlearnJobs unlearn;
  private CompareJobs compare;
  private Replication replication;
  private AuditLog audit;
  private dev.lethe.gateway.probing.ProbeRunner probing;

  /** Rotate audit files at this size. */
  private static final long AUDIT_FILE_BYTES = 64L << 20;

  /** Decisions queued for the audit writer at most; beyond, dropped and counted. */
  private static final int AUDIT_QUEUE = 1 << 16;

  private static final Logger LOG = LoggerFactory.getLogger(GatewayAssembly.class);

  /** How often an idle decisions stream gets a comment line. */
  private static final java.time.Duration DECISIONS_KEEP_ALIVE = java.time.Duration.ofSeconds(15);

  /** The bound on each operation against a shared rule store. */
  private static final java.time.Duration STORE_TIMEOUT = java.time.Duration.ofSeconds(5);

  private GatewayAssembly(
      LetheGateway.Parts parts,
      AdminToken adminToken,
      RuleBook rules,
      ModelRegistry models,
      Screening screening,
      UnlearnJobs unlearn) {
    this.parts = parts;
    this.adminToken = adminToken;
    this.rules = rules;
    this.models = models;
    this.screening = screening;
    this.unlearn = unlearn;
  }

  /** The input screening (detector, ICUL), or {@code null} when the detector is disabled. */
  public Screening screening() {
    return screening;
  }

  /**
   * Wires a gateway.
   *
   * @param env the process environment (secrets are read from variables named in config)
   * @throws ConfigException when a named secret is missing
   * @throws IOException when the data directory cannot be used
   */
  public static GatewayAssembly create(Vertx vertx, LetheConfig config, Map<String, String> env)
      throws IOException {
    return create(vertx, config, env, null);
  }

  /**
   * Wires a gateway whose screening uses {@code embedder} ({@code null}: the process-wide {@link
   * Screening#sharedEmbedder()}); the embedder is not closed with the gateway.
   *
   * @param env the process environment (secrets are read from variables named in config)
   * @throws ConfigException when a named secret is missing
   * @throws IOException when the data directory cannot be used
   */
  public static GatewayAssembly create(
      Vertx vertx, LetheConfig config, Map<String, String> env, Embedder embedder)
      throws IOException {
    requireNonNull(vertx, "vertx");
    requireNonNull(config, "config");
    GatewayMetrics metrics = new GatewayMetrics(config.server().metricsRuleIds());
    ModelRegistry registry = new ModelRegistry(Clock.systemUTC());
    List<Backend> backends = new ArrayList<>();
    try {
      for (int i = 0; i < config.backends().size(); i++) {
        BackendConfig b = config.backends().get(i);
        backends.add(
            b.type().equals(BackendConfig.LOCAL)
                ? local(vertx, config, b, i, registry, metrics)
                : upstream(vertx, b, i, env));
      }
    } catch (RuntimeException e) {
      backends.forEach(Backend::close);
      registry.close();
      throw e;
    }
    AdminToken token = AdminToken.resolve(config.admin(), config.dataDir(), env);
    RuleBook book;
    Replication replication;
    try {
      StoreConfig sc = config.store();
      String replicaId =
          sc.replicaId() != null
              ? sc.replicaId()
              : hostName() + ":" + config.server().port() + ":" + ProcessHandle.current().pid();
      if (sc.postgres() == null) {
        book = new RuleBook(JournalRuleStore.open(config.dataDir().resolve("rules")));
        replication = Replication.local(vertx, book, sc, replicaId, metrics.registry());
      } else {
        PostgresRuleStore store =
            PostgresRuleStore.create(vertx, sc.postgres(), env.get("PGPASSWORD"), STORE_TIMEOUT);
        boolean withoutStore = false;
        try {
          store.ensureSchema();
        } catch (RuleStoreException e) {
          if (!sc.startWithoutStore()) {
            store.close();
            throw new RuleStoreException(
                e.getMessage()
                    + "; refusing to serve without rules (store.startWithoutStore: true, or"
                    + " --start-without-store, serves with none until the store is back)",
                e);
          }
          LOG.warn(
              "rule store {} unreachable at start; serving with NO rules until it is back"
                  + " (store.startWithoutStore override): {}",
              sc.postgres(),
              e.getMessage());
          withoutStore = true;
        }
        book = new RuleBook(withoutStore ? new StartWithoutStore(store) : store);
        replication =
            Replication.follow(vertx, book, store, sc, replicaId, metrics.registry(), withoutStore);
      }
    } catch (RuntimeException e) {
      backends.forEach(Backend::close);
      registry.close();
      throw e;
    }
    AdminCluster adminCluster = new AdminCluster(replication);
    AuditLog audit;
    try {
      audit =
          AuditLog.open(
              config.dataDir().resolve("audit"),
              AuditKey.load(config.dataDir().resolve("audit.key")),
              AUDIT_FILE_BYTES,
              AUDIT_QUEUE,
              Clock.systemUTC(),
              metrics.registry());
    } catch (IOException | RuntimeException e) {
      replication.close();
      book.close();
      backends.forEach(Backend::close);
      registry.close();
      throw e;
    }
    String who = "admin-token:" + fingerprint(token.token());
    AdminAudit adminAudit = new AdminAudit(audit.directory());
    AdminRules adminRules =
        new AdminRules(
            book,
            new RuleCodec(),
            (op, ids, v) -> {
              try {
                audit.append(new AuditRecord.RuleChange(who, op, ids, v)).get(5, TimeUnit.SECONDS);
              } catch (Exception e) {
                throw new IllegalStateException("audit record not written: " + e, e);
              }
            });
    AdminModels adminModels = new AdminModels(registry);
    UnlearnJobs unlearn;
    try {
      unlearn =
          new UnlearnJobs(
              config.unlearn(),
              config.dataDir(),
              registry,
              book::current,
              Clock.systemUTC(),
              metrics.registry());
    } catch (IOException | RuntimeException e) {
      replication.close();
      book.close();
      backends.forEach(Backend::close);
      registry.close();
      throw e;
    }
    AdminUnlearn adminUnlearn = new AdminUnlearn(unlearn);
    CompareJobs compare =
        new CompareJobs(config.dataDir().resolve("compare"), env, Clock.systemUTC());
    AdminCompare adminCompare = new AdminCompare(compare);
    AdminOpenApi adminOpenApi = new AdminOpenApi();
    DecisionFeed decisions =
        new DecisionFeed(
            config.admin().decisionStreamPrompts(),
            DecisionFeed.DEFAULT_BUFFER,
            DecisionFeed.DEFAULT_MAX_SUBSCRIBERS,
            Clock.systemUTC(),
            metrics.registry());
    AdminDecisions adminDecisions = new AdminDecisions(decisions, DECISIONS_KEEP_ALIVE);
    List<Stage> stages = new ArrayList<>();
    Screening screening = null;
    if (config.detector().enabled()) {
      // the shared MiniLM comes with the detector cascade's cheap stage (distilled from it); an
      // injected embedder judges every span itself
      screening =
          embedder == null
              ? Screening.create(config.detector(), config.icul(), book, metrics.registry())
              : Screening.create(
                  config.detector(), config.icul(), book, metrics.registry(), embedder);
      stages.add(screening.stage());
      stages.add(new IculEchoGuard(metrics.registry()));
    }
    // The output filter is the last stage, so its response filter is the first to see what the
    // backend sends.
    stages.add(outputStage(config.output(), metrics));
    // Failure counters of these backends and stages are exported at zero from the start.
    metrics.declare(
        backends.stream().map(Backend::name).toList(),
        java.util.stream.Stream.concat(
                stages.stream().map(Stage::name), java.util.stream.Stream.of("pipeline"))
            .toList());
    AdminScreening adminScreening =
        screening == null ? null : new AdminScreening(screening, book::current, metrics);
    LetheGateway.Parts parts =
        new LetheGateway.Parts(
            config,
            backends,
            new Pipeline(stages),
            book::current,
            token.token(),
            metrics,
            router -> {
              adminRules.mount(router);
              adminCluster.mount(router);
              adminAudit.mount(router);
              adminModels.mount(router);
              adminUnlearn.mount(router);
              adminCompare.mount(router);
              adminOpenApi.mount(router);
              adminDecisions.mount(router);
              if (adminScreening != null) {
                adminScreening.mount(router);
              }
            },
            replication,
            audit,
            decisions,
            warmup(screening, config.detector().warmup()));
    GatewayAssembly assembly =
        new GatewayAssembly(parts, token, book, registry, screening, unlearn);
    assembly.compare = compare;
    assembly.replication = replication;
    assembly.audit = audit;
    return assembly;
  }

  /**
   * The screening's startup warm-up, bounded by {@code bound} ({@code detector.warmup}), or null
   * when the detector is off or the bound is zero.
   */
  private static java.util.function.Supplier<java.util.concurrent.CompletionStage<?>> warmup(
      Screening screening, java.time.Duration bound) {
    if (screening == null || bound.isZero()) {
      return null;
    }
    return () -> screening.warmUp(bound);
  }

  /**
   * A local backend: its checkpoint ({@code null}: the built-in demo model, unpacked to the data
   * directory) is loaded and validated now, before the gateway listens.
   */
  private static Backend local(
      Vertx vertx,
      LetheConfig config,
      BackendConfig b,
      int i,
      ModelRegistry registry,
      GatewayMetrics metrics) {
    if (b.models().size() > 1) {
      throw new ConfigException(
          "backends[" + i + "].models", b.models(), "at most one model name for a local backend");
    }
    String model =
        b.models().isEmpty()
            ? (b.checkpoint() == null ? DemoModel.MODEL_NAME : b.name())
            : b.models().get(0);
    Path dir =
        b.checkpoint() == null
            ? DemoModel.ensure(config.dataDir(), dev.lethe.gateway.logs.LogLines.info(LOG))
            : Path.of(b.checkpoint()).toAbsolutePath().normalize();
    ModelSlot slot;
    try {
      slot = registry.register(model, dir);
    } catch (ConfigException e) {
      throw new ConfigException("backends[" + i + "].checkpoint", dir, e.getMessage());
    }
    return new LocalBackend(vertx, b, slot, metrics.registry(), Clock.systemUTC());
  }

  private static Backend upstream(Vertx vertx, BackendConfig b, int i, Map<String, String> env) {
    String key = null;
    if (b.apiKeyEnv() != null) {
      key = env.get(b.apiKeyEnv());
      // The variables --upstream names are optional: without them the client's credentials go on.
      boolean required =
          !b.apiKeyEnv().equals("LETHE_UPSTREAM_API_KEY")
              && !(b.apiKeyEnv().equals("ANTHROPIC_API_KEY") && b.name().equals("upstream"));
      if ((key == null || key.isBlank()) && required) {
        throw new ConfigException(
            "backends[" + i + "].apiKeyEnv",
            b.apiKeyEnv(),
            "the name of an environment variable that is set (it holds the API key)");
      }
      if (key != null && key.isBlank()) {
        key = null;
      }
    }
    return new UpstreamBackend(
        vertx,
        b,
        key,
        b.type().equals(BackendConfig.ANTHROPIC)
            ? UpstreamBackend.Dialect.ANTHROPIC
            : UpstreamBackend.Dialect.OPENAI);
  }

  /**
   * The output filter. It is the last stage, so its response filter is the first to see what the
   * backend sends.
   */
  private static OutputFilterStage outputStage(OutputConfig c, GatewayMetrics metrics) {
    return new OutputFilterStage(
        new OutputFilterConfig(c.includeSubjects(), c.replacementText(), c.keepAlive()),
        metrics.registry());
  }

  /** The parts to start a gateway with. */
  public LetheGateway.Parts parts() {
    return parts;
  }

  /** The admin token and where it came from. */
  public AdminToken adminToken() {
    return adminToken;
  }

  /** The live rules. */
  public RuleBook rules() {
    return rules;
  }

  /** The local models and their hot swaps (empty when no backend is local). */
  public ModelRegistry models() {
    return models;
  }

  /** The compare jobs started from the admin API. */
  public CompareJobs compare() {
    return compare;
  }

  /** How the rules follow their store: readiness, lag, the cluster view, heartbeats. */
  public Replication replication() {
    return replication;
  }

  /**
   * Tells the replication where this gateway listens, which starts its heartbeats; call once the
   * gateway listens.
   */
  public void announce(String host, int port) {
    replication.announce(host + ":" + port);
  }

  /**
   * Starts continuous probing of {@code gateway} when {@code probing.enabled} (call once it
   * listens): the runner sends the live rules' probes through its chat route every {@code
   * probing.interval}. Returns the runner, or {@code null} when probing is off; closed with this
   * assembly.
   */
  public dev.lethe.gateway.probing.ProbeRunner startProbing(Vertx vertx, LetheGateway gateway) {
    LetheConfig config = parts.config();
    if (!config.probing().enabled() || probing != null) {
      return probing;
    }
    probing =
        new dev.lethe.gateway.probing.ProbeRunner(
            vertx,
            config.probing(),
            rules::current,
            () -> gateway.backends().models().keySet().stream().findFirst().orElse(null),
            config.server().host(),
            gateway.port(),
            gateway.probeMark(),
            parts.metrics().registry(),
            config.server().metricsRuleIds(),
            Clock.systemUTC());
    probing.start();
    return probing;
  }

  /** The audit log (rule changes and decisions). */
  public AuditLog audit() {
    return audit;
  }

  /** A short, stable name for a token that does not reveal it: SHA-256, first 12 hex digits. */
  static String fingerprint(String token) {
    try {
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(d, 0, 6);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }

  /** The unlearning jobs started from the admin API. */
  public UnlearnJobs unlearn() {
    return unlearn;
  }

  /** Closes the rule store and the model loader (backends close with the gateway). */
  @Override
  public void close() {
    if (probing != null) {
      probing.close();
    }
    compare.close();
    unlearn.close();
    try {
      if (screening != null) {
        screening.close();
      }
    } catch (Exception e) {
      // closing anyway
    } finally {
      try {
        replication.close();
        rules.close();
        audit.close();
      } finally {
        models.close();
      }
    }
  }
}

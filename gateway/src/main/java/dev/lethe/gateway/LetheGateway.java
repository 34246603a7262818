package dev.lethe.gateway;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lethe.config.LetheConfig;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.Pipeline;
import dev.lethe.gateway.backend.Backend;
import dev.lethe.gateway.backend.BackendRouter;
import dev.lethe.gateway.backend.Surface;
import dev.lethe.gateway.cluster.Readiness;
import dev.lethe.gateway.cluster.Replication;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.errors.ErrorKind;
import dev.lethe.gateway.errors.WireFormat;
import dev.lethe.gateway.guard.Guard;
import dev.lethe.gateway.http.AdminAuth;
import dev.lethe.gateway.http.ChatHandler;
import dev.lethe.gateway.http.Errors;
import dev.lethe.gateway.http.LegacyHandler;
import dev.lethe.gateway.http.MessagesHandler;
import dev.lethe.gateway.http.RoutesSupport;
import dev.lethe.gateway.http.SlowClientGuard;
import dev.lethe.gateway.logs.RequestIds;
import dev.lethe.gateway.metrics.GatewayMetrics;
import dev.lethe.gateway.responses.ResponsesHandler;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: HTTP servers on one or more event loops sharing one router, the backends,
 * the pipeline and the metrics. Start with {@link #start}, stop with {@link #stop}.
 */
public final class LetheGateway {
  private static final Logger LOG = LoggerFactory.getLogger(LetheGateway.class);

  /** Request header: judge this request by a rules snapshot of at least this version. */
  public static final String MIN_RULES_VERSION = "x-lethe-min-rules-version";

  private final Vertx vertx;
  private final LetheConfig config;
  private final BackendRouter backends;
  private final GatewayMetrics metrics;
  private final List<HttpServer> servers = new ArrayList<>();
  private final SlowClientGuard slowClients;
  private volatile boolean ready;
  private volatile boolean warming;
  private long refreshTimer = -1;
  private dev.lethe.gateway.decisions.DecisionFeed decisions;
  private final dev.lethe.gateway.probing.ProbeMark probeMark =
      dev.lethe.gateway.probing.ProbeMark.random();

  private LetheGateway(
      Vertx vertx, LetheConfig config, BackendRouter backends, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.config = config;
    this.backends = backends;
    this.metrics = metrics;
    this.slowClients =
        new SlowClientGuard(
            vertx,
            config.server().requestHeaderTimeout(),
            config.server().keepAliveTimeout(),
            config.server().requestBodyTimeout(),
            metrics);
  }

  /**
   * What the gateway is made of.
   *
   * @param config the validated configuration
   * @param backends the backends, in routing priority order
   * @param pipeline the stages every chat request goes through
   * @param rules the current rule-set snapshot, read once per request
   * @param adminToken the admin bearer token
   * @param metrics the meters
   * @param adminRoutes adds the admin routes (under {@code /admin}, after authentication)
   * @param replication how the rules follow their store (readiness, the min-version gate), or
   *     {@code null}: always ready, and a request asking for a newer version than current is
   *     refused
   * @param audit where decisions are recorded, or {@code null} for nowhere
   * @param decisions the live decisions feed ({@code GET /admin/decisions/stream}), or {@code null}
   *     for none; ended when the gateway stops
   * @param warmup starts the screening's startup warm-up once the servers listen ({@link
   *     Screening#warmUp}); the gateway reports ready, and {@link #start} completes, when it ends
   *     (whatever its outcome), or {@code null} for none
   */
  public record Parts(
      LetheConfig config,
      List<Backend> backends,
      Pipeline pipeline,
      Supplier<RuleSet> rules,
      String adminToken,
      GatewayMetrics metrics,
      Consumer<Router> adminRoutes,
      Replication replication,
      dev.lethe.gateway.audit.AuditLog audit,
      dev.lethe.gateway.decisions.DecisionFeed decisions,
      Supplier<? extends java.util.concurrent.CompletionStage<?>> warmup) {
    /** Checks arguments. */
    public Parts {
      requireNonNull(config, "config");
      backends = List.copyOf(backends);
      requireNonNull(pipeline, "pipeline");
      requireNonNull(rules, "rules");
      requireNonNull(adminToken, "adminToken");
      requireNonNull(metrics, "metrics");
      adminRoutes = adminRoutes == null ? r -> {} : adminRoutes;
    }
  }

  /**
   * Starts the gateway; the future completes once every server listens and the screening's startup
   * warm-up ({@link Parts#warmup()}) has ended: then {@code GET /ready} reports ready. While the
   * warm-up runs the servers already answer (requests are judged as always, only perhaps slower),
   * and {@code GET /ready} answers 503 {@code "warming up the screening"}.
   */
  public static Future<LetheGateway> start(Vertx vertx, Parts parts) {
    BackendRouter router = new BackendRouter(parts.backends());
    LetheGateway gw = new LetheGateway(vertx, parts.config(), router, parts.metrics());
    gw.decisions = parts.decisions();
    Router http = gw.router(parts);
    return router
        .refresh()
        .compose(v -> gw.listen(http))
        .compose(v -> gw.warmUp(parts.warmup()))
        .map(
            v -> {
              java.util.Map<String, String> known = new java.util.TreeMap<>();
              router.models().forEach((model, backend) -> known.put(model, backend.name()));
              gw.metrics.declareModels(known);
              gw.ready = true;
              gw.scheduleRefresh();
              return gw;
            });
  }

  /**
   * Runs the startup warm-up and completes, on an event loop, when it ends. A warm-up that fails
   * (or fails to start) is logged and does not keep the gateway from serving: the live screening
   * judges every request the same either way, a warm-up only moves JIT compilation before
   * readiness.
   */
  private Future<Void> warmUp(Supplier<? extends java.util.concurrent.CompletionStage<?>> warmup) {
    if (warmup == null) {
      return Future.succeededFuture();
    }
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    warming = true;
    LOG.info("listening; warming up the screening before reporting ready");
    java.util.concurrent.CompletionStage<?> running;
    try {
      running = warmup.get();
    } catch (RuntimeException e) {
      LOG.warn("screening warm-up did not start ({}); serving without it", e.toString());
      warming = false;
      return Future.succeededFuture();
    }
    running.whenComplete(
        (r, e) -> {
          if (e != null) {
            LOG.warn("screening warm-up failed ({}); serving anyway", e.toString());
          }
          vertx.runOnContext(
              x -> {
                warming = false;
                done.complete();
              });
        });
    return done.future();
  }

  private Router router(Parts parts) {
    Router router = Router.router(vertx);
    AdminAuth auth = new AdminAuth(parts.adminToken());
    router
        .route()
        .handler(
            ctx -> {
              ctx.addEndHandler(v -> slowClients.onResponseEnd(ctx.request()));
              ctx.addEndHandler(v -> rejected(ctx));
              if (probeMark.matches(
                  ctx.request().getHeader(dev.lethe.gateway.probing.ProbeMark.HEADER))) {
                ctx.put(dev.lethe.gateway.probing.ProbeMark.CONTEXT_KEY, Boolean.TRUE);
              }
              String min = ctx.request().getHeader(MIN_RULES_VERSION);
              if (min == null) {
                RoutesSupport.begin(ctx, parts.rules().get(), metrics);
              } else {
                minVersion(ctx, min, parts);
              }
            });
    if (!parts.config().server().corsOrigins().isEmpty()) {
      router.route("/v1/*").handler(cors(parts.config().server().corsOrigins()));
    }
    router
        .get("/health")
        .handler(ctx -> RoutesSupport.json(ctx, "/health", 200, "{\"status\":\"ok\"}"));
    router.get("/ready").handler(ctx -> ready(ctx, parts.replication()));
    if (parts.config().server().metricsRequireToken()) {
      router.get("/metrics").handler(auth);
    }
    router
        .get("/metrics")
        .handler(
            ctx -> {
              RoutesSupport.route(ctx, "/metrics");
              ctx.response()
                  .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                  .end(metrics.scrape());
            });
    new dev.lethe.gateway.http.Console().mount(router);
    router.get("/v1/models").handler(ctx -> RoutesSupport.models(ctx, backends));
    router.get("/v1/models/:id").handler(ctx -> RoutesSupport.model(ctx, backends));
    long limit = parts.config().server().maxBodyBytes();
    // Vert.x Web runs a body handler only as the first handler of its route, so the
    // content-type check has a route of its own in front of it.
    Guard guard = new Guard(parts.pipeline(), metrics, parts.audit(), parts.decisions());
    router.post("/v1/chat/completions").handler(RoutesSupport::requireJson);
    router
        .post("/v1/chat/completions")
        .handler(BodyHandler.create(false).setBodyLimit(limit))
        .handler(new ChatHandler(backends, guard));
    router.post("/v1/responses").handler(RoutesSupport::requireJson);
    router
        .post("/v1/responses")
        .handler(BodyHandler.create(false).setBodyLimit(limit))
        .handler(new ResponsesHandler(backends, guard));
    for (Surface surface : List.of(Surface.COMPLETIONS, Surface.EMBEDDINGS)) {
      router.post(surface.route()).handler(RoutesSupport::requireJson);
      router
          .post(surface.route())
          .handler(BodyHandler.create(false).setBodyLimit(limit))
          .handler(new LegacyHandler(backends, guard, surface));
    }
    for (String path : List.of("/v1/messages", "/v1/messages/count_tokens")) {
      router.post(path).handler(RoutesSupport::requireJson);
      router
          .post(path)
          .handler(BodyHandler.create(false).setBodyLimit(limit))
          .handler(new MessagesHandler(backends, guard, path.endsWith("/count_tokens")));
    }
    router.route("/admin/*").handler(auth);
    router.route("/admin/*").handler(BodyHandler.create(false).setBodyLimit(limit));
    parts.adminRoutes().accept(router);
    router.errorHandler(
        400,
        ctx -> {
          // A malformed admin path (bad percent-encoding, say) fails before routing: answer 401
          // first, as for any admin path, unless the caller is authenticated.
          String uri = ctx.request().uri();
          if (uri != null && uri.startsWith("/admin") && !auth.authorized(ctx.request())) {
            auth.reject(ctx);
            return;
          }
          Errors.send(ctx, ApiError.invalidRequest(null, "Bad request."));
        });
    router.errorHandler(
        403,
        // The only 403 of the router: a cross-origin request from an origin not in corsOrigins.
        ctx ->
            Errors.send(
                ctx,
                ApiError.of(
                    403,
                    ErrorKind.PERMISSION,
                    "origin_not_allowed",
                    null,
                    "Cross-origin requests from this origin are not allowed (server.corsOrigins).")));
    router.errorHandler(
        404,
        ctx ->
            Errors.send(
                ctx,
                ApiError.of(
                    404,
                    ErrorKind.NOT_FOUND,
                    "not_found",
                    null,
                    "Unknown route: " + ctx.request().method() + " " + ctx.request().path())));
    router.errorHandler(
        405,
        ctx ->
            Errors.send(
                ctx,
                ApiError.of(
                    405,
                    ErrorKind.INVALID_REQUEST,
                    "method_not_allowed",
                    null,
                    "Method "
                        + ctx.request().method()
                        + " is not allowed on "
                        + ctx.request().path())));
    router.errorHandler(
        413,
        ctx ->
            Errors.send(
                ctx,
                ApiError.of(
                    413,
                    ErrorKind.REQUEST_TOO_LARGE,
                    "request_too_large",
                    null,
                    "The request body is larger than the limit of " + limit + " bytes.")));
    router.errorHandler(
        500,
        ctx -> {
          if (ctx.failure() != null) {
            LOG.error(
                "internal error on {} {}",
                ctx.request().method(),
                ctx.request().path(),
                ctx.failure());
          }
          Errors.send(ctx, ApiError.internal());
        });
    return router;
  }

  /** The model-API routes whose requests are decisions ({@code GET /admin/decisions/stream}). */
  private static final java.util.Set<String> DECIDED_ROUTES =
      java.util.Set.of(
          "/v1/chat/completions",
          "/v1/responses",
          "/v1/messages",
          "/v1/messages/count_tokens",
          "/v1/completions",
          "/v1/embeddings");

  /**
   * A model-API request the gateway answered with an error of its own before judging it (body over
   * the size limit, rules version unavailable, a validation error, an unknown model, …): published
   * on the live decisions feed as a {@code reject} decision with that error's code as its reason. A
   * judged request's decision is published by the guard.
   */
  private void rejected(RoutingContext ctx) {
    dev.lethe.gateway.guard.RequestState s = dev.lethe.gateway.guard.RequestState.of(ctx);
    String path = ctx.request().path();
    if (decisions == null
        || s == null
        || s.judged()
        || s.probe()
        || s.answeredError() == null
        || ctx.request().method() != io.vertx.core.http.HttpMethod.POST
        || path == null
        || !DECIDED_ROUTES.contains(path)) {
      return;
    }
    decisions.publish(
        new dev.lethe.gateway.decisions.DecisionFeed.Decided(
            s.requestId(),
            "reject",
            null,
            s.rules().version(),
            path,
            s.model(),
            false,
            null,
            s.answeredError()));
  }

  /**
   * {@code x-lethe-min-rules-version: N}: the request is judged by a snapshot of version ≥ N, after
   * waiting up to {@code store.minVersionWait} for this replica to reach it, or answered 503; never
   * judged by an older snapshot.
   */
  private void minVersion(RoutingContext ctx, String header, Parts parts) {
    long target;
    try {
      target = Long.parseLong(header.trim());
      if (target < 0) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      RoutesSupport.start(ctx, parts.rules().get(), metrics);
      Errors.send(
          ctx,
          ApiError.invalidRequest(
              MIN_RULES_VERSION,
              MIN_RULES_VERSION + ": \"" + abbreviate(header) + "\" (expected: an integer >= 0)"));
      return;
    }
    RuleSet now = parts.rules().get();
    if (now.version() >= target) {
      RoutesSupport.begin(ctx, now, metrics);
      return;
    }
    Duration wait = parts.config().store().minVersionWait();
    // Hold the body back while waiting: the body handler of the route must see all of it.
    ctx.request().pause();
    Future<Boolean> reached =
        parts.replication() == null
            ? Future.succeededFuture(false)
            : parts.replication().gate().await(target, wait);
    reached.onComplete(
        ar -> {
          RuleSet later = parts.rules().get();
          if (later.version() >= target) {
            RoutesSupport.begin(ctx, later, metrics);
            return;
          }
          RoutesSupport.start(ctx, later, metrics);
          metrics.requestRejected("min_rules_version");
          ctx.response().putHeader("Retry-After", "1");
          Errors.send(
              ctx,
              ApiError.of(
                  503,
                  ErrorKind.UNAVAILABLE,
                  "rules_version_unavailable",
                  MIN_RULES_VERSION,
                  "This replica enforces rules version "
                      + later.version()
                      + " and did not reach version "
                      + target
                      + " (asked by "
                      + MIN_RULES_VERSION
                      + ") within "
                      + wait.toMillis()
                      + " ms; the request was not judged. Retry, or send it to another replica."));
        });
  }

  private static String abbreviate(String s) {
    return s.length() <= 32 ? s : s.substring(0, 32) + "…";
  }

  /**
   * Cross-origin calls to the model API from the configured origins: preflights are answered
   * (methods GET and POST, the requested headers reflected, cached 10 minutes), and the {@code
   * x-lethe-*} and rate-limit headers are exposed to the page. No credentials mode: a page sends
   * its API key in a header, as the SDKs do.
   */
  private static io.vertx.ext.web.handler.CorsHandler cors(List<String> origins) {
    io.vertx.ext.web.handler.CorsHandler h =
        io.vertx.ext.web.handler.CorsHandler.create()
            .allowedMethods(
                java.util.Set.of(
                    io.vertx.core.http.HttpMethod.GET, io.vertx.core.http.HttpMethod.POST))
            .exposedHeaders(
                java.util.Set.of(
                    RoutesSupport.RULES_VERSION,
                    RoutesSupport.DECISION,
                    RoutesSupport.OUTPUT,
                    "retry-after",
                    "retry-after-ms"))
            .maxAgeSeconds(600);
    if (origins.equals(List.of("*"))) {
      h.addOrigin("*");
    } else {
      h.addOrigins(origins);
    }
    return h;
  }

  /**
   * {@code GET /ready}: {@code {"status":"ready"|"degraded"|"not
   * ready","reason"?,"backends":[...]}}. 503 while starting (reason {@code "warming up the
   * screening"} during the startup warm-up), while shutting down, while the rule store is not
   * usable (replicas), or while a backend whose model discovery failed knows no model; 200
   * otherwise ({@code degraded} names its reason). {@code backends} lists each backend's model
   * count and discovery state, with the reason of a failed discovery (an upstream that is
   * unreachable or rejects the key).
   */
  private void ready(RoutingContext ctx, Replication replication) {
    com.fasterxml.jackson.databind.node.ObjectNode body = JsonNodeFactory.instance.objectNode();
    int status = 200;
    body.put("status", "ready");
    if (!ready) {
      status = 503;
      body.put("status", "not ready");
      if (warming) {
        body.put("reason", "warming up the screening");
      }
    } else {
      Readiness r = replication == null ? Readiness.ready() : replication.readiness();
      switch (r.state()) {
        case READY -> {}
        case DEGRADED -> body.put("status", "degraded").put("reason", r.reason());
        case NOT_READY -> {
          status = 503;
          body.put("status", "not ready").put("reason", r.reason());
        }
      }
    }
    com.fasterxml.jackson.databind.node.ArrayNode list = body.putArray("backends");
    for (Backend b : backends.backends()) {
      dev.lethe.gateway.backend.Discovery d = b.discovery();
      com.fasterxml.jackson.databind.node.ObjectNode o = list.addObject();
      o.put("name", b.name());
      o.put("models", b.models().size());
      o.put("discovery", d.state().name().toLowerCase(java.util.Locale.ROOT));
      if (d.reason() != null && d.incomplete()) {
        o.put("reason", d.reason());
      }
      if (d.incomplete() && b.models().isEmpty() && status == 200) {
        status = 503;
        body.put("status", "not ready")
            .put("reason", "backend '" + b.name() + "' knows no model: " + d.reason());
      }
    }
    RoutesSupport.route(ctx, "/ready");
    RoutesSupport.json(ctx, status, body);
  }

  private Future<Void> listen(Router router) {
    int instances =
        config.server().eventLoops() > 0
            ? config.server().eventLoops()
            : Math.max(1, Runtime.getRuntime().availableProcessors());
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(config.server().host())
            .setPort(config.server().port())
            .setCompressionSupported(false)
            .setMaxInitialLineLength(16 * 1024)
            .setMaxHeaderSize(64 * 1024)
            // Cleartext HTTP/2 (h2c) makes Vert.x read a whole request head before a connection
            // exists, so the head deadline of slow clients could not start; off unless configured.
            .setHttp2ClearTextEnabled(config.server().http2Cleartext());
    // One server per event loop; Vert.x shares the port among servers deployed as verticle
    // instances (port 0 included) and spreads connections across them.
    return vertx
        .deployVerticle(
            () ->
                new VerticleBase() {
                  @Override
                  public Future<?> start() {
                    HttpServer server =
                        vertx
                            .createHttpServer(options)
                            .connectionHandler(slowClients::onConnection)
                            .invalidRequestHandler(LetheGateway::invalidRequest)
                            .requestHandler(
                                req -> {
                                  RequestIds.assign(req);
                                  slowClients.onRequest(req);
                                  router.handle(req);
                                });
                    synchronized (servers) {
                      servers.add(server);
                    }
                    return server.listen();
                  }
                },
            new DeploymentOptions().setInstances(instances))
        .mapEmpty();
  }

  /**
   * A request the HTTP decoder could not read (line or headers too long, malformed): answered in
   * OpenAI's shape with the matching status; the connection is closed afterwards.
   */
  private static void invalidRequest(HttpServerRequest req) {
    Throwable cause = req.decoderResult() == null ? null : req.decoderResult().cause();
    int status = 400;
    String message = "The request could not be read as HTTP.";
    if (cause != null && cause.getClass().getSimpleName().startsWith("TooLong")) {
      String m = String.valueOf(cause.getMessage()).toLowerCase(java.util.Locale.ROOT);
      if (m.contains("header")) {
        status = 431;
        message = "The request's headers are too large.";
      } else {
        status = 414;
        message = "The request line (URI) is too long.";
      }
    }
    req.response().putHeader("Connection", "close");
    RequestIds.assign(req);
    WireFormat format;
    try {
      format = WireFormat.forPath(req.path());
    } catch (RuntimeException e) {
      format = WireFormat.OPENAI; // the request line itself could not be read
    }
    Errors.write(
        req.response(),
        ApiError.of(status, ErrorKind.INVALID_REQUEST, "invalid_http_request", null, message),
        format);
  }

  private void scheduleRefresh() {
    long every =
        config.backends().stream()
            .filter(b -> b.models().isEmpty())
            .mapToLong(b -> b.modelRefresh().toMillis())
            .min()
            .orElse(-1);
    if (every > 0) {
      refreshTimer = vertx.setPeriodic(every, id -> backends.refresh());
    }
  }

  /** The port the gateway listens on. */
  public int port() {
    synchronized (servers) {
      return servers.get(0).actualPort();
    }
  }

  /** The mark this gateway's own probe requests carry (for its {@code ProbeRunner}). */
  public dev.lethe.gateway.probing.ProbeMark probeMark() {
    return probeMark;
  }

  /** The metrics. */
  public GatewayMetrics metrics() {
    return metrics;
  }

  /** The backend router. */
  public BackendRouter backends() {
    return backends;
  }

  /** Whether the gateway accepts traffic ({@code GET /ready}). */
  public boolean ready() {
    return ready;
  }

  /**
   * Stops accepting connections, lets in-flight requests finish within the configured grace period,
   * then closes the backends. Vert.x itself is left to the caller.
   */
  public Future<Void> stop() {
    ready = false;
    slowClients.close();
    if (decisions != null) {
      decisions.close(); // its streams never end by themselves
    }
    if (refreshTimer >= 0) {
      vertx.cancelTimer(refreshTimer);
    }
    long grace = config.server().shutdownGrace().toMillis();
    List<Future<Void>> all = new ArrayList<>();
    List<HttpServer> copy;
    synchronized (servers) {
      copy = List.copyOf(servers);
    }
    for (HttpServer s : copy) {
      all.add(s.shutdown(grace, TimeUnit.MILLISECONDS));
    }
    return Future.join(all)
        .transform(
            ar -> {
              backends.close();
              return Future.succeededFuture();
            });
  }
}

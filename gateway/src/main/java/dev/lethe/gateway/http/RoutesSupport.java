package dev.lethe.gateway.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.Decision;
import dev.lethe.gateway.backend.Backend;
import dev.lethe.gateway.backend.BackendRouter;
import dev.lethe.gateway.backend.Surface;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.errors.ErrorKind;
import dev.lethe.gateway.errors.WireFormat;
import dev.lethe.gateway.guard.RequestState;
import dev.lethe.gateway.logs.AccessLog;
import dev.lethe.gateway.metrics.GatewayMetrics;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** The small handlers: request bookkeeping, health, models, content-type checks. */
public final class RoutesSupport {
  /** Response header: the rule-set version the request was judged by. */
  public static final String RULES_VERSION = "x-lethe-rules-version";

  /** Response header: the input decision. */
  public static final String DECISION = "x-lethe-decision";

  /**
   * Response header of a non-streamed answer: {@code cut} when the output filter withheld part of
   * it, else {@code pass}. (A stream's head is sent before its output is judged: its cut shows in
   * the answer itself, e.g. {@code finish_reason: "content_filter"}.)
   */
  public static final String OUTPUT = "x-lethe-output";

  private RoutesSupport() {}

  /**
   * The first handler of every request: takes the rule-set snapshot, sets the Lethe headers on
   * whatever response follows, and records the request's metrics and access-log line when it ends.
   */
  public static void begin(RoutingContext ctx, RuleSet rules, GatewayMetrics metrics) {
    start(ctx, rules, metrics);
    ctx.next();
  }

  /**
   * The bookkeeping of {@link #begin} without passing the request on: for a request answered at
   * once (an error before routing).
   */
  public static void start(RoutingContext ctx, RuleSet rules, GatewayMetrics metrics) {
    RequestState s = RequestState.attach(ctx, rules);
    s.requestId(dev.lethe.gateway.logs.RequestIds.of(ctx.request()));
    if (Boolean.TRUE.equals(ctx.get(dev.lethe.gateway.probing.ProbeMark.CONTEXT_KEY))) {
      s.markProbe();
    }
    ctx.addHeadersEndHandler(
        v ->
            ctx.response()
                .putHeader(RULES_VERSION, Long.toString(s.reportedVersion()))
                .putHeader(DECISION, s.decision().wireName()));
    ctx.addEndHandler(
        ar -> {
          int status = ar.succeeded() ? ctx.response().getStatusCode() : 499;
          long nanos = System.nanoTime() - s.startNanos();
          if (s.probe()) {
            return; // the gateway's own probes: not user traffic (ProbeRunner counts them)
          }
          metrics.request(
              s.route(), s.backend(), s.model(), status, s.decision().wireName(), nanos);
          if (AccessLog.enabled()) {
            AccessLog.log(
                new AccessLog.Entry(
                    ctx.request().method().name(),
                    s.route(),
                    status,
                    s.decision().wireName(),
                    s.reportedVersion(),
                    // A refused or rejected request never reached the backend it was routed to.
                    s.backendCalled() ? s.backend() : "none",
                    s.model(),
                    nanos,
                    s.requestId()));
          }
        });
  }

  /**
   * Reports {@code version} in {@code x-lethe-rules-version} instead of the snapshot the request
   * started with: an admin write answers the version it produced.
   */
  public static void reportVersion(RoutingContext ctx, long version) {
    RequestState s = RequestState.of(ctx);
    if (s != null) {
      s.reportVersion(version);
    }
  }

  /** Names the route for metrics. */
  public static void route(RoutingContext ctx, String route) {
    RequestState s = RequestState.of(ctx);
    if (s != null) {
      s.route(route);
    }
  }

  /** Sets the decision reported in {@code x-lethe-decision}. */
  public static void decision(RoutingContext ctx, Decision decision) {
    RequestState s = RequestState.of(ctx);
    if (s != null) {
      s.decision(decision);
    }
  }

  /** Answers a fixed JSON body. */
  public static void json(RoutingContext ctx, String route, int status, String body) {
    route(ctx, route);
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
  }

  /** Answers {@code body} as JSON with {@code status}, unless the response is already over. */
  public static void json(RoutingContext ctx, int status, ObjectNode body) {
    if (ctx.response().closed() || ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(body.toString());
  }

  /**
   * {@code GET /v1/models}: every routable model, in OpenAI's list shape, or in Anthropic's when
   * the request carries an {@code anthropic-version} header (as the Anthropic SDKs send).
   */
  public static void models(RoutingContext ctx, BackendRouter router) {
    route(ctx, "/v1/models");
    boolean anthropic = ctx.request().getHeader("anthropic-version") != null;
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    if (!anthropic) {
      root.put("object", "list");
    }
    ArrayNode data = root.putArray("data");
    for (Map.Entry<String, Backend> e : router.models().entrySet()) {
      data.add(model(e.getKey(), e.getValue(), anthropic));
    }
    if (anthropic) {
      root.put("has_more", false);
      if (data.isEmpty()) {
        root.putNull("first_id").putNull("last_id");
      } else {
        root.put("first_id", data.get(0).path("id").asText());
        root.put("last_id", data.get(data.size() - 1).path("id").asText());
      }
    }
    ctx.response().putHeader("Content-Type", "application/json").end(root.toString());
  }

  /**
   * {@code GET /v1/models/{id}} ({@code models.retrieve}): the model in OpenAI's shape (Anthropic's
   * with an {@code anthropic-version} header); 404 {@code model_not_found}, or 502 {@code
   * models_unavailable} when a backend could not list its models.
   */
  public static void model(RoutingContext ctx, BackendRouter router) {
    route(ctx, "/v1/models/{id}");
    String id = ctx.pathParam("id");
    boolean anthropic = ctx.request().getHeader("anthropic-version") != null;
    switch (router.lookup(id)) {
      case BackendRouter.Lookup.Found found ->
          ctx.response()
              .putHeader("Content-Type", "application/json")
              .end(model(id, found.backend(), anthropic).toString());
      case BackendRouter.Lookup.Unknown u ->
          Errors.write(
              ctx.response(),
              ApiError.modelNotFound(id),
              anthropic ? WireFormat.ANTHROPIC : WireFormat.OPENAI);
      case BackendRouter.Lookup.Undiscovered d ->
          Errors.write(
              ctx.response(),
              ApiError.modelsUnavailable(id, d.reason()),
              anthropic ? WireFormat.ANTHROPIC : WireFormat.OPENAI);
    }
  }

  private static ObjectNode model(String id, Backend backend, boolean anthropic) {
    ObjectNode m = JsonNodeFactory.instance.objectNode();
    if (anthropic) {
      m.put("type", "model");
      m.put("id", id);
      m.put("display_name", id);
      m.put("created_at", "1970-01-01T00:00:00Z");
    } else {
      m.put("id", id);
      m.put("object", "model");
      m.put("created", 0);
      m.put("owned_by", backend.name());
    }
    return m;
  }

  /**
   * Routes a validated surface request, the same way on every surface: a stream asked for over
   * HTTP/1.0 is refused (400 on {@code stream}: without chunked encoding a stream could only end by
   * closing the connection); then {@link #backendFor}; the backend and model found are named in
   * {@code state} (metrics, headers). Returns {@code null} after answering the error.
   */
  public static Backend route(
      RoutingContext ctx,
      RequestState state,
      BackendRouter router,
      String model,
      boolean stream,
      Surface surface,
      Surface... alternatives) {
    if (stream && ctx.request().version() == HttpVersion.HTTP_1_0) {
      // HTTP/1.0 has no chunked encoding, so a stream could only end by closing the connection.
      Errors.send(ctx, ApiError.streamNeedsHttp11());
      return null;
    }
    Backend backend = backendFor(ctx, router, model, surface, alternatives);
    if (backend != null) {
      state.backend(backend.name());
      state.model(model);
    }
    return backend;
  }

  /**
   * The backend that serves {@code model} on {@code surface} (or, when given, on one of {@code
   * alternatives}, a surface the handler translates losslessly), or {@code null} after answering
   * the error: 404 {@code model_not_found} when no backend lists it and every model list is
   * complete; 502 {@code models_unavailable} when some backend could not list its models (the model
   * may be there); 400 {@code unsupported_endpoint} when its backend serves none of them.
   */
  public static Backend backendFor(
      RoutingContext ctx,
      BackendRouter router,
      String model,
      Surface surface,
      Surface... alternatives) {
    return switch (router.lookup(model)) {
      case BackendRouter.Lookup.Found f -> {
        java.util.Set<Surface> serves = f.backend().surfaces();
        if (serves.contains(surface)
            || java.util.Arrays.stream(alternatives).anyMatch(serves::contains)) {
          yield f.backend();
        }
        String list =
            serves.stream()
                .sorted()
                .map(Surface::route)
                .collect(java.util.stream.Collectors.joining(", "));
        Errors.send(ctx, ApiError.wrongSurface(model, f.backend().name(), surface.route(), list));
        yield null;
      }
      case BackendRouter.Lookup.Unknown u -> {
        Errors.send(ctx, ApiError.modelNotFound(model));
        yield null;
      }
      case BackendRouter.Lookup.Undiscovered d -> {
        Errors.send(ctx, ApiError.modelsUnavailable(model, d.reason()));
        yield null;
      }
    };
  }

  /** Answers 415 unless the request declares a JSON body. */
  public static void requireJson(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    String mime = type == null ? "" : type.split(";", 2)[0].trim();
    if (!mime.equalsIgnoreCase("application/json")) {
      Errors.send(
          ctx,
          ApiError.of(
              415,
              ErrorKind.INVALID_REQUEST,
              "unsupported_media_type",
              null,
              "Content-Type must be application/json (got "
                  + (type == null ? "none" : "'" + type + "'")
                  + ")."));
      return;
    }
    ctx.next();
  }
}

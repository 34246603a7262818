package dev.lethe.gateway.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.Decision;
import dev.lethe.gateway.backend.Backend;
import dev.lethe.gateway.backend.BackendRouter;
import dev.lethe.gateway.guard.RequestState;
import dev.lethe.gateway.metrics.GatewayMetrics;
import dev.lethe.gateway.openai.OpenAiError;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/** The small handlers: request bookkeeping, health, models, content-type checks. */
public final class RoutesSupport {
  /** Response header: the rule-set version the request was judged by. */
  public static final String RULES_VERSION = "x-lethe-rules-version";

  /** Response header: the input decision. */
  public static final String DECISION = "x-lethe-decision";

  private RoutesSupport() {}

  /**
   * The first handler of every request: takes the rule-set snapshot, sets the Lethe headers on
   * whatever response follows, and records the request's metrics when it ends.
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
    ctx.addHeadersEndHandler(
        v ->
            ctx.response()
                .putHeader(RULES_VERSION, Long.toString(s.reportedVersion()))
                .putHeader(DECISION, s.decision().wireName()));
    ctx.addEndHandler(
        ar -> {
          int status = ar.succeeded() ? ctx.response().getStatusCode() : 499;
          metrics.request(
              s.route(),
              s.backend(),
              s.model(),
              status,
              s.decision().wireName(),
              System.nanoTime() - s.startNanos());
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

  /** {@code GET /v1/models}: every routable model, in OpenAI's list shape. */
  public static void models(RoutingContext ctx, BackendRouter router) {
    route(ctx, "/v1/models");
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    for (Map.Entry<String, Backend> e : router.models().entrySet()) {
      ObjectNode m = data.addObject();
      m.put("id", e.getKey());
      m.put("object", "model");
      m.put("created", 0);
      m.put("owned_by", e.getValue().name());
    }
    ctx.response().putHeader("Content-Type", "application/json").end(root.toString());
  }

  /** Answers 415 unless the request declares a JSON body. */
  public static void requireJson(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    String mime = type == null ? "" : type.split(";", 2)[0].trim();
    if (!mime.equalsIgnoreCase("application/json")) {
      Errors.send(
          ctx,
          new OpenAiError(
              415,
              "invalid_request_error",
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

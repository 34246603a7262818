package dev.lethe.gateway.http;

import static java.util.Objects.requireNonNull;

import dev.lethe.gateway.decisions.DecisionEvent;
import dev.lethe.gateway.decisions.DecisionFeed;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.errors.ErrorKind;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code GET /admin/decisions/stream}: every decision the gateway makes from now on, as server-sent
 * events ({@code event: decision}, {@code id}: the feed's sequence number, {@code data}: one JSON
 * object with {@code seq}, {@code time}, {@code requestId}, {@code decision}, {@code ruleId},
 * {@code rulesVersion}, {@code surface}, {@code model}, {@code outputCut}, and {@code prompt} only
 * when {@code admin.decisionStreamPrompts} is set). A comment line is sent every {@code keepAlive}
 * so that idle connections stay open and dead ones are noticed. A client that falls a whole buffer
 * behind is disconnected (counted); one over the subscriber limit gets 503 {@code
 * too_many_subscribers}. Authentication is the admin bearer token, as on every admin route.
 */
public final class AdminDecisions {
  private final DecisionFeed feed;
  private final Duration keepAlive;

  /** Routes over {@code feed}, with a comment line every {@code keepAlive}. */
  public AdminDecisions(DecisionFeed feed, Duration keepAlive) {
    this.feed = requireNonNull(feed, "feed");
    this.keepAlive = requireNonNull(keepAlive, "keepAlive");
    if (keepAlive.toMillis() < 1) {
      throw new IllegalArgumentException("keepAlive: " + keepAlive + " (expected: >= 1 ms)");
    }
  }

  /** Adds the route to {@code router} (authentication is already in place). */
  public void mount(Router router) {
    router.get("/admin/decisions/stream").handler(this::stream);
  }

  private void stream(RoutingContext ctx) {
    RoutesSupport.route(ctx, "/admin/decisions/stream");
    HttpServerResponse resp = ctx.response();
    Context context = ctx.vertx().getOrCreateContext();
    long[] timer = {-1};
    DecisionFeed.Sink sink =
        new DecisionFeed.Sink() {
          @Override
          public boolean writable() {
            return !resp.closed() && !resp.writeQueueFull();
          }

          @Override
          public void whenWritable(Runnable then) {
            resp.drainHandler(v -> then.run());
          }

          @Override
          public void write(DecisionEvent e) {
            if (!resp.closed() && !resp.ended()) {
              resp.write("id: " + e.seq() + "\nevent: decision\ndata: " + e.toJson() + "\n\n");
            }
          }

          @Override
          public void close(boolean slow) {
            ctx.vertx().cancelTimer(timer[0]);
            if (resp.closed() || resp.ended()) {
              return;
            }
            if (slow) {
              // Its write queue is full: anything written now would only queue up. Cut it off:
              // the connection over HTTP/1.x, only this stream over HTTP/2.
              resp.reset();
            } else {
              resp.end("event: end\ndata: {}\n\n");
            }
          }
        };
    Optional<DecisionFeed.Subscription> sub = feed.subscribe(context, sink);
    if (sub.isEmpty()) {
      Errors.send(
          ctx,
          ApiError.of(
              503,
              ErrorKind.UNAVAILABLE,
              "too_many_subscribers",
              null,
              "Too many clients follow the decisions stream; close one and retry."));
      return;
    }
    resp.setStatusCode(200)
        .setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Accel-Buffering", "no");
    resp.write(
        ": lethe decisions; prompts "
            + (feed.includePrompts() ? "included" : "not included")
            + "\nretry: 2000\n\n");
    timer[0] =
        ctx.vertx()
            .setPeriodic(
                keepAlive.toMillis(),
                id -> {
                  if (!resp.closed() && !resp.ended() && !resp.writeQueueFull()) {
                    resp.write(": keep-alive\n\n");
                  }
                });
    resp.closeHandler(
        v -> {
          ctx.vertx().cancelTimer(timer[0]);
          sub.get().cancel();
        });
    resp.endHandler(
        v -> {
          ctx.vertx().cancelTimer(timer[0]);
          sub.get().cancel();
        });
  }
}

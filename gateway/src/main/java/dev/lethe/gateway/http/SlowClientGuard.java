package dev.lethe.gateway.http;

import static java.util.Objects.requireNonNull;

import dev.lethe.gateway.metrics.GatewayMetrics;
import dev.lethe.gateway.openai.OpenAiError;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Closes connections of clients too slow to be served (slowloris): a connection must deliver each
 * request's head within {@code headerTimeout} — counted from when it opened or from the end of its
 * previous response, so an idle keep-alive connection is closed after that long too — and each
 * request's body within {@code bodyTimeout} of its head (then 408 in OpenAI's shape, and the
 * connection is closed). Both are counted in {@code lethe_requests_rejected_total}. Timers run on
 * the connection's event loop; nothing blocks.
 *
 * <p>One instance serves every HTTP server of a gateway; a connection's state is touched only on
 * its own event loop.
 */
public final class SlowClientGuard {
  private final Vertx vertx;
  private final long headerMs;
  private final long bodyMs;
  private final GatewayMetrics metrics;
  private final Map<HttpConnection, Conn> conns = new ConcurrentHashMap<>();

  /** Per-connection state, on its event loop. */
  private static final class Conn {
    long headerTimer = -1;
    int active;
  }

  /**
   * Creates the guard.
   *
   * @param headerTimeout time allowed for a request head
   * @param bodyTimeout time allowed for a request body once its head arrived
   */
  public SlowClientGuard(
      Vertx vertx, Duration headerTimeout, Duration bodyTimeout, GatewayMetrics metrics) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.headerMs = Math.max(1, headerTimeout.toMillis());
    this.bodyMs = Math.max(1, bodyTimeout.toMillis());
    this.metrics = requireNonNull(metrics, "metrics");
  }

  /** The server's connection handler: starts the head deadline. */
  public void onConnection(HttpConnection connection) {
    Conn c = new Conn();
    conns.put(connection, c);
    connection.closeHandler(
        v -> {
          Conn gone = conns.remove(connection);
          if (gone != null && gone.headerTimer >= 0) {
            vertx.cancelTimer(gone.headerTimer);
          }
        });
    armHeader(connection, c);
  }

  /**
   * Called with each request as its head arrives (before routing): stops the head deadline and
   * starts the body deadline.
   */
  public void onRequest(HttpServerRequest req) {
    HttpConnection connection = req.connection();
    Conn c = connection == null ? null : conns.get(connection);
    if (c != null) {
      c.active++;
      if (c.headerTimer >= 0) {
        vertx.cancelTimer(c.headerTimer);
        c.headerTimer = -1;
      }
    }
    HttpServerResponse resp = req.response();
    long bodyTimer =
        vertx.setTimer(
            bodyMs,
            id -> {
              if (resp.ended() || resp.closed()) {
                return;
              }
              metrics.requestRejected("body_timeout");
              if (!resp.headWritten()) {
                resp.putHeader("Connection", "close");
                Errors.write(
                    resp,
                    new OpenAiError(
                        408,
                        "invalid_request_error",
                        "request_timeout",
                        null,
                        "The request body did not arrive within " + bodyMs + " ms."));
              }
              if (connection != null) {
                connection.close();
              }
            });
    req.end().onComplete(ar -> vertx.cancelTimer(bodyTimer));
  }

  /**
   * Called when the response to {@code req} ended (or failed): restarts the head deadline of a
   * kept-alive connection that has no other request in progress.
   */
  public void onResponseEnd(HttpServerRequest req) {
    HttpConnection connection = req.connection();
    Conn c = connection == null ? null : conns.get(connection);
    if (c != null && --c.active <= 0) {
      c.active = 0;
      if (c.headerTimer < 0) {
        armHeader(connection, c);
      }
    }
  }

  private void armHeader(HttpConnection connection, Conn c) {
    c.headerTimer =
        vertx.setTimer(
            headerMs,
            id -> {
              c.headerTimer = -1;
              if (c.active == 0 && conns.containsKey(connection)) {
                metrics.requestRejected("header_timeout");
                connection.close();
              }
            });
  }
}

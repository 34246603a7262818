package dev.lethe.gateway.http;

import static java.util.Objects.requireNonNull;

import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.errors.ErrorKind;
import dev.lethe.gateway.errors.WireFormat;
import dev.lethe.gateway.metrics.GatewayMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Closes connections of clients too slow to be served (slowloris): a new connection must deliver
 * its first request's head within {@code headerTimeout}, a kept-alive one its next head within
 * {@code keepAliveTimeout} of the previous response's end (so idle keep-alive connections are
 * closed after that long too), and each request's body within {@code bodyTimeout} of its head (then
 * 408 in OpenAI's shape, and the connection is closed). Both are counted in {@code
 * lethe_requests_rejected_total}.
 *
 * <p>Deadlines are kept per connection and per request and checked by one periodic sweep (a
 * fraction of the shorter timeout, at most one second), so thousands of idle connections cost one
 * timer. Nothing blocks; closing a connection is handed to its own event loop by Vert.x.
 */
public final class SlowClientGuard implements AutoCloseable {
  private final Vertx vertx;
  private final long headerNanos;
  private final long keepAliveNanos;
  private final long bodyNanos;
  private final GatewayMetrics metrics;
  private final LongSupplier clock;
  private final Map<HttpConnection, Conn> conns = new ConcurrentHashMap<>();
  private final Map<HttpServerRequest, Long> bodies = new ConcurrentHashMap<>();
  private final long sweeper;

  /** Per-connection state. */
  private static final class Conn {
    volatile long headerDeadline;
    volatile int active;
  }

  /**
   * Creates the guard and starts its sweep.
   *
   * @param headerTimeout time allowed for a new connection's first request head
   * @param keepAliveTimeout time allowed for the next request head after a response ended
   * @param bodyTimeout time allowed for a request body once its head arrived
   */
  public SlowClientGuard(
      Vertx vertx,
      Duration headerTimeout,
      Duration keepAliveTimeout,
      Duration bodyTimeout,
      GatewayMetrics metrics) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.headerNanos = Math.max(1, headerTimeout.toNanos());
    this.keepAliveNanos = Math.max(1, keepAliveTimeout.toNanos());
    this.bodyNanos = Math.max(1, bodyTimeout.toNanos());
    this.metrics = requireNonNull(metrics, "metrics");
    this.clock = System::nanoTime;
    long period =
        Math.max(
            10, Math.min(1000, Math.min(headerTimeout.toMillis(), bodyTimeout.toMillis()) / 5));
    this.sweeper = vertx.setPeriodic(period, id -> sweep());
  }

  /** The server's connection handler: starts the head deadline. */
  public void onConnection(HttpConnection connection) {
    Conn c = new Conn();
    c.headerDeadline = clock.getAsLong() + headerNanos;
    conns.put(connection, c);
    connection.closeHandler(v -> conns.remove(connection));
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
      c.headerDeadline = 0;
    }
    bodies.put(req, clock.getAsLong() + bodyNanos);
    req.end().onComplete(ar -> bodies.remove(req));
  }

  /**
   * Called when the response to {@code req} ended (or failed): restarts the head deadline of a
   * kept-alive connection that has no other request in progress.
   */
  public void onResponseEnd(HttpServerRequest req) {
    bodies.remove(req);
    HttpConnection connection = req.connection();
    Conn c = connection == null ? null : conns.get(connection);
    if (c != null && --c.active <= 0) {
      c.active = 0;
      c.headerDeadline = clock.getAsLong() + keepAliveNanos;
    }
  }

  private void sweep() {
    long now = clock.getAsLong();
    for (Iterator<Map.Entry<HttpConnection, Conn>> it = conns.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<HttpConnection, Conn> e = it.next();
      Conn c = e.getValue();
      long d = c.headerDeadline;
      if (c.active == 0 && d != 0 && now - d > 0) {
        it.remove();
        metrics.requestRejected("header_timeout");
        e.getKey().close();
      }
    }
    for (Iterator<Map.Entry<HttpServerRequest, Long>> it = bodies.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<HttpServerRequest, Long> e = it.next();
      if (now - e.getValue() > 0) {
        it.remove();
        timeOutBody(e.getKey());
      }
    }
  }

  private void timeOutBody(HttpServerRequest req) {
    HttpServerResponse resp = req.response();
    if (resp.ended() || resp.closed()) {
      return;
    }
    metrics.requestRejected("body_timeout");
    HttpConnection connection = req.connection();
    if (!resp.headWritten()) {
      resp.putHeader("Connection", "close");
      Errors.write(
          resp,
          ApiError.of(
              408,
              ErrorKind.INVALID_REQUEST,
              "request_timeout",
              null,
              "The request body did not arrive within " + bodyNanos / 1_000_000 + " ms."),
          WireFormat.forPath(req.path()));
    }
    if (connection != null) {
      connection.close();
    }
  }

  /** Stops the sweep. */
  @Override
  public void close() {
    vertx.cancelTimer(sweeper);
  }
}

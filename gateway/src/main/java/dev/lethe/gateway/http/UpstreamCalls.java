package dev.lethe.gateway.http;

import dev.lethe.gateway.backend.Backend;
import dev.lethe.gateway.backend.BackendException;
import dev.lethe.gateway.backend.CallHandle;
import dev.lethe.gateway.backend.Surface;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.guard.Guard;
import dev.lethe.gateway.guard.RequestState;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;

/**
 * The one way a surface sends a judged request to its backend and answers what went wrong before
 * any of the answer was released, the same on every surface: a transport failure (unreachable,
 * timeout, a body over its limit, …) as its own error; an upstream status other than 2xx as the
 * upstream's error, screened by {@link Egress} (so no protected text and no echoed guardrail leaves
 * through it) with the upstream's rate-limit headers passed on; a call the client cancelled not at
 * all. Errors are written in the route's wire format ({@link Errors}). Called on the request's
 * event loop.
 */
public final class UpstreamCalls {
  private UpstreamCalls() {}

  /**
   * A non-streaming call through {@link Guard#complete}; {@code onOk} gets the answer when its
   * status is 2xx, every other outcome is answered here.
   */
  public static void whole(
      Guard guard,
      RoutingContext ctx,
      RequestState state,
      Backend backend,
      Surface surface,
      Buffer body,
      CallHandle handle,
      Egress egress,
      Consumer<Backend.BackendResponse> onOk) {
    guard
        .complete(ctx, state, backend, surface, body, handle)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                Errors.send(ctx, ApiError.of(Guard.asBackendException(ar.cause())));
                return;
              }
              Backend.BackendResponse r = ar.result();
              if (r.status() / 100 != 2) {
                upstreamError(ctx, egress, r.status(), r.headers(), r.body());
                return;
              }
              onOk.accept(r);
            });
  }

  /**
   * A streaming call through {@link Guard#stream}: once the upstream answered a 2xx head, {@code
   * onStarted} runs and the events flow to {@code events}; a failure before that is answered here
   * (a cancelled call is not answered: the client is gone).
   */
  public static void stream(
      Guard guard,
      RoutingContext ctx,
      RequestState state,
      Backend backend,
      Surface surface,
      Buffer body,
      CallHandle handle,
      Backend.StreamEvents events,
      Egress egress,
      Runnable onStarted) {
    guard.stream(ctx, state, backend, surface, body, handle, events)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                onStarted.run();
                return;
              }
              BackendException e = Guard.asBackendException(ar.cause());
              if (e.kind() == BackendException.Kind.STATUS) {
                upstreamError(ctx, egress, e.status(), e.headers(), e.body());
              } else if (e.kind() != BackendException.Kind.CANCELLED) {
                Errors.send(ctx, ApiError.of(e));
              }
            });
  }

  /**
   * Answers an upstream error status: its rate-limit headers passed on, its body screened by {@code
   * egress}.
   */
  public static void upstreamError(
      RoutingContext ctx, Egress egress, int status, MultiMap headers, Buffer body) {
    egress.copyHeaders(headers, ctx.response());
    Errors.send(ctx, egress.upstreamError(status, body));
  }
}

package dev.lethe.gateway.http;

import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.guard.Guard;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;

/**
 * What every API surface does with the guard's judgement of a request, in one place: a request with
 * more text than may be screened is answered 413 {@code scan_too_large}, a failed stage 503 {@code
 * screening_unavailable} (in the surface's own error format, {@link Errors}); a refusal and a
 * forward are the surface's own ({@code refuse} answers the text as the assistant's reply in its
 * format, {@code forward} calls the backend).
 */
public final class Screened {
  private Screened() {}

  /**
   * Answers {@code judged} on {@code ctx}: the errors here, a refusal or a forward by the surface.
   */
  public static void answer(
      RoutingContext ctx, Guard.Judged judged, Consumer<String> refuse, Runnable forward) {
    switch (judged) {
      case Guard.Judged.TooLarge t -> Errors.send(ctx, t.error());
      case Guard.Judged.Unavailable u -> Errors.send(ctx, ApiError.screeningUnavailable());
      case Guard.Judged.Refuse r -> refuse.accept(r.text());
      case Guard.Judged.Forward f -> forward.run();
    }
  }
}

package dev.lethe.gateway.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.filters.Decision;
import dev.lethe.filters.Exchange;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.guard.ChatView;
import dev.lethe.gateway.guard.Guard;
import dev.lethe.gateway.guard.RequestState;
import io.vertx.core.buffer.Buffer;
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
  private static final ObjectMapper JSON = new ObjectMapper();

  private Screened() {}

  /** A surface's mapping of the pipeline's rewrite back into its own request. */
  @FunctionalInterface
  public interface Rewrite {
    /** The surface request to send, or {@link ChatView.RewriteUnsupported}. */
    ObjectNode apply() throws Exception;
  }

  /**
   * The body to forward: {@code original} when no stage rewrote the request, else {@code rewrite}'s
   * request. A rewrite the surface cannot express is refused (the decision becomes {@code refuse})
   * with 400 {@code rewrite_unsupported} naming {@code param} and {@code format}; any other failure
   * is a 500. Returns null once such an error has been answered.
   */
  public static Buffer body(
      RoutingContext ctx,
      RequestState state,
      Exchange exchange,
      Buffer original,
      Rewrite rewrite,
      String param,
      String format) {
    if (!exchange.rewritten()) {
      return original;
    }
    try {
      return Buffer.buffer(JSON.writeValueAsBytes(rewrite.apply()));
    } catch (ChatView.RewriteUnsupported e) {
      state.decision(Decision.REFUSE);
      Errors.send(ctx, ApiError.rewriteUnsupported(param, format, e.getMessage()));
    } catch (Exception e) {
      Errors.send(ctx, ApiError.internal());
    }
    return null;
  }

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

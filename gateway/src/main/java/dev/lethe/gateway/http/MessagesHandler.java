package dev.lethe.gateway.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.filters.Exchange;
import dev.lethe.gateway.anthropic.MessagesOutput;
import dev.lethe.gateway.anthropic.MessagesRelay;
import dev.lethe.gateway.anthropic.MessagesRequest;
import dev.lethe.gateway.backend.Backend;
import dev.lethe.gateway.backend.BackendRouter;
import dev.lethe.gateway.backend.CallHandle;
import dev.lethe.gateway.backend.Surface;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.guard.ChatView;
import dev.lethe.gateway.guard.Guard;
import dev.lethe.gateway.guard.OutputGuard;
import dev.lethe.gateway.guard.RequestState;
import dev.lethe.gateway.guard.SseOut;
import dev.lethe.gateway.openai.StrictJson;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/messages} and {@code POST /v1/messages/count_tokens}: the Anthropic Messages API,
 * guarded like chat completions. The request's conversation is judged ({@link
 * MessagesRequest#view}); a refusal is answered as an assistant message (streamed as Messages
 * events when asked); a rewrite is mapped back into the Messages request; the answer passes through
 * the output guard whole ({@link MessagesOutput}) or event by event ({@link MessagesRelay}). Errors
 * are rendered in Anthropic's shape. Served by backends that speak Messages ({@code type:
 * anthropic}); a model of another backend is refused with a clear error, since translating chat to
 * Messages loses tools, thinking and content blocks.
 */
public final class MessagesHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(MessagesHandler.class);
  private static final ObjectMapper JSON = Errors.JSON;

  /** The most bytes one held (tool_use) block may collect while it streams: 8 MiB. */
  static final long MAX_HELD_BYTES = 8L << 20;

  private final BackendRouter router;
  private final Guard guard;
  private final boolean countTokens;

  /**
   * Creates the handler.
   *
   * @param countTokens true for {@code /v1/messages/count_tokens}
   */
  public MessagesHandler(BackendRouter router, Guard guard, boolean countTokens) {
    this.router = requireNonNull(router, "router");
    this.guard = requireNonNull(guard, "guard");
    this.countTokens = countTokens;
  }

  private String route() {
    return countTokens ? Surface.MESSAGES_COUNT_TOKENS.route() : Surface.MESSAGES.route();
  }

  @Override
  public void handle(RoutingContext ctx) {
    RequestState state = RequestState.of(ctx);
    state.route(route());
    JsonBody in = JsonBody.read(ctx, guard.metrics());
    if (in == null) {
      return;
    }
    Buffer body = in.buffer();
    byte[] bytes = in.bytes();
    JsonNode parsed = in.json();
    ApiError invalid = MessagesRequest.validate(parsed, countTokens);
    if (invalid != null) {
      Errors.send(ctx, invalid);
      return;
    }
    ObjectNode request = (ObjectNode) parsed;
    boolean stream = !countTokens && request.path("stream").asBoolean(false);
    String model = request.get("model").asText();
    Backend backend = RoutesSupport.route(ctx, state, router, model, stream, Surface.MESSAGES);
    if (backend == null) {
      return;
    }
    String id = MessagesRequest.newId();
    ChatView view = MessagesRequest.view(request, stream);
    Exchange exchange = new Exchange(id, state.rules(), bytes, view.request());
    guard
        .judge(ctx, state, exchange)
        .onSuccess(
            judged ->
                Screened.answer(
                    ctx,
                    judged,
                    text -> refuse(ctx, request, id, text, stream),
                    () -> {
                      Buffer out =
                          Screened.body(
                              ctx,
                              state,
                              exchange,
                              body,
                              () ->
                                  MessagesRequest.applyRewrite(
                                      request, view.rewrite(exchange.request())),
                              "messages",
                              "the Messages format");
                      if (out == null) {
                        return;
                      }
                      if (countTokens) {
                        countTokens(ctx, state, exchange, backend, view, out);
                      } else {
                        proceed(ctx, state, exchange, backend, out, stream);
                      }
                    }));
  }

  private void refuse(
      RoutingContext ctx, ObjectNode request, String id, String text, boolean stream) {
    HttpServerResponse resp = ctx.response();
    try {
      if (countTokens) {
        // Nothing goes upstream for a refused request: the count is Lethe's estimate.
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("input_tokens", MessagesRequest.estimateTokens(request.path("messages").toString()));
        resp.putHeader("Content-Type", "application/json").end(c.toString());
        return;
      }
      if (!stream) {
        resp.putHeader("Content-Type", "application/json")
            .end(
                Buffer.buffer(
                    JSON.writeValueAsBytes(MessagesRequest.refusalMessage(request, id, text))));
        return;
      }
      SseOut.headers(resp);
      Buffer all = Buffer.buffer();
      for (MessagesRequest.Event e : MessagesRequest.refusalEvents(request, id, text)) {
        all.appendBuffer(SseOut.named(e.name(), e.data()));
      }
      resp.end(all);
    } catch (Exception e) {
      Errors.send(ctx, ApiError.internal());
    }
  }

  private void countTokens(
      RoutingContext ctx,
      RequestState state,
      Exchange ex,
      Backend backend,
      ChatView view,
      Buffer out) {
    if (!backend.surfaces().contains(Surface.MESSAGES_COUNT_TOKENS)) {
      ObjectNode c = JsonNodeFactory.instance.objectNode();
      c.put("input_tokens", MessagesRequest.estimateTokens(view.request().toString()));
      ctx.response().putHeader("Content-Type", "application/json").end(c.toString());
      return;
    }
    CallHandle handle = new CallHandle();
    ctx.response().closeHandler(v -> handle.cancel());
    UpstreamCalls.whole(
        guard,
        ctx,
        state,
        backend,
        Surface.MESSAGES_COUNT_TOKENS,
        out,
        handle,
        new Egress(guard.pipeline(), ex),
        r -> {
          JsonNode n;
          try {
            n = StrictJson.read(r.body().getBytes());
          } catch (StrictJson.Rejected e) {
            n = null;
          }
          if (n == null || !n.path("input_tokens").isIntegralNumber()) {
            Errors.send(ctx, ApiError.upstreamInvalid("a token count that is not valid"));
            return;
          }
          // Only the count goes back: nothing else of the upstream's answer is released.
          ObjectNode c = JsonNodeFactory.instance.objectNode();
          c.put("input_tokens", n.get("input_tokens").asLong());
          ctx.response().putHeader("Content-Type", "application/json").end(c.toString());
        });
  }

  private void proceed(
      RoutingContext ctx,
      RequestState state,
      Exchange ex,
      Backend backend,
      Buffer out,
      boolean stream) {
    OutputGuard output = new OutputGuard(guard.pipeline(), ex, state);
    Egress egress = new Egress(guard.pipeline(), ex);
    CallHandle handle = new CallHandle();
    ctx.response().closeHandler(v -> handle.cancel());
    if (!stream) {
      UpstreamCalls.whole(
          guard,
          ctx,
          state,
          backend,
          Surface.MESSAGES,
          out,
          handle,
          egress,
          r -> writeMessage(ctx, output, r.body()));
      return;
    }
    SseOut sse = new SseOut(ctx.response(), handle);
    MessagesRelay relay =
        new MessagesRelay(
            sse,
            output,
            handle,
            event -> egress.upstreamError(502, Buffer.buffer(event.toString())),
            () ->
                guard
                    .metrics()
                    .timeToFirstToken(
                        state.backend(), state.model(), System.nanoTime() - state.startNanos()),
            MAX_HELD_BYTES);
    ctx.addEndHandler(
        v -> {
          if (relay.cut()) {
            LOG.debug("request {}: output filter cut the streamed message", ex.requestId());
          }
        });
    UpstreamCalls.stream(
        guard, ctx, state, backend, Surface.MESSAGES, out, handle, relay, egress, sse::start);
  }

  private void writeMessage(RoutingContext ctx, OutputGuard output, Buffer body) {
    WholeAnswer.write(
        ctx,
        guard,
        output,
        body,
        a -> "message".equals(a.path("type").asText()),
        "a message that is not valid JSON",
        MessagesOutput::judge);
  }
}

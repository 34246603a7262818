package dev.lethe.gateway.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.filters.Exchange;
import dev.lethe.gateway.backend.Backend;
import dev.lethe.gateway.backend.BackendRouter;
import dev.lethe.gateway.backend.CallHandle;
import dev.lethe.gateway.backend.Surface;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.errors.ErrorKind;
import dev.lethe.gateway.guard.ChatView;
import dev.lethe.gateway.guard.Guard;
import dev.lethe.gateway.guard.OutputGuard;
import dev.lethe.gateway.guard.RequestState;
import dev.lethe.gateway.guard.SseOut;
import dev.lethe.gateway.openai.Completions;
import dev.lethe.gateway.openai.LegacyRequests;
import dev.lethe.gateway.openai.TextCompletionRelay;
import dev.lethe.gateway.openai.TextCompletions;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/completions} and {@code POST /v1/embeddings}, guarded like chat completions.
 *
 * <ul>
 *   <li>Completions: the prompt(s) and {@code suffix} are judged as user turns; a refusal is a
 *       {@code text_completion} holding the refusal text (chunks when streamed); a redaction is
 *       applied in place and in-context unlearning put in front of each prompt as plain text; the
 *       answer's texts pass the output guard whole or chunk by chunk ({@link TextCompletions},
 *       {@link TextCompletionRelay}).
 *   <li>Embeddings: the input(s) are judged; a refused input gets 400 {@code input_refused} with
 *       the rule's refusal text (there is no text answer to put it in), a redaction is applied, and
 *       in-context unlearning (added context would change the vectors) is refused; the vectors are
 *       passed through.
 * </ul>
 *
 * Inputs given as token ids cannot be judged and are refused (400, fail closed).
 */
public final class LegacyHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(LegacyHandler.class);
  private static final ObjectMapper JSON = Errors.JSON;
  private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

  private final BackendRouter router;
  private final Guard guard;
  private final Surface surface;
  private final String field;

  /**
   * Creates the handler of {@code surface}: {@link Surface#COMPLETIONS} or {@link
   * Surface#EMBEDDINGS}.
   */
  public LegacyHandler(BackendRouter router, Guard guard, Surface surface) {
    this.router = requireNonNull(router, "router");
    this.guard = requireNonNull(guard, "guard");
    if (surface != Surface.COMPLETIONS && surface != Surface.EMBEDDINGS) {
      throw new IllegalArgumentException(
          "surface: " + surface + " (expected: COMPLETIONS or EMBEDDINGS)");
    }
    this.surface = surface;
    this.field = surface == Surface.COMPLETIONS ? "prompt" : "input";
  }

  private boolean embeddings() {
    return surface == Surface.EMBEDDINGS;
  }

  @Override
  public void handle(RoutingContext ctx) {
    RequestState state = RequestState.of(ctx);
    state.route(surface.route());
    JsonBody in = JsonBody.read(ctx, guard.metrics());
    if (in == null) {
      return;
    }
    Buffer body = in.buffer();
    byte[] bytes = in.bytes();
    JsonNode parsed = in.json();
    ApiError invalid = LegacyRequests.validate(parsed, field);
    if (invalid != null) {
      Errors.send(ctx, invalid);
      return;
    }
    ObjectNode request = (ObjectNode) parsed;
    boolean stream = !embeddings() && request.path("stream").asBoolean(false);
    String model = request.get("model").asText();
    Backend backend = RoutesSupport.route(ctx, state, router, model, stream, surface);
    if (backend == null) {
      return;
    }
    String id = (embeddings() ? "emb-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
    ChatView view = LegacyRequests.view(request, field, stream);
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
                                  LegacyRequests.applyRewrite(
                                      request,
                                      field,
                                      view.rewrite(exchange.request()),
                                      !embeddings()),
                              field,
                              surface.route());
                      if (out == null) {
                        return;
                      }
                      proceed(ctx, state, exchange, request, backend, out, stream);
                    }));
  }

  private int choices(ObjectNode request) {
    int prompts = LegacyRequests.texts(request, field).size();
    return prompts * Math.max(1, request.path("n").asInt(1));
  }

  private void refuse(
      RoutingContext ctx, ObjectNode request, String id, String text, boolean stream) {
    if (embeddings()) {
      Errors.send(ctx, ApiError.of(400, ErrorKind.INVALID_REQUEST, "input_refused", field, text));
      return;
    }
    HttpServerResponse resp = ctx.response();
    long created = System.currentTimeMillis() / 1000;
    String model = request.path("model").asText();
    int prompt = Completions.estimateTokens(request.path(field).toString());
    try {
      if (!stream) {
        resp.putHeader("Content-Type", "application/json")
            .end(
                Buffer.buffer(
                    JSON.writeValueAsBytes(
                        TextCompletions.refusal(
                            id, created, model, text, choices(request), prompt))));
        return;
      }
      boolean usage = request.path("stream_options").path("include_usage").asBoolean(false);
      SseOut.headers(resp);
      Buffer all = Buffer.buffer();
      for (ObjectNode c :
          TextCompletions.refusalChunks(
              id, created, model, text, choices(request), usage, prompt)) {
        all.appendBuffer(SseOut.data(c));
      }
      resp.end(all.appendBuffer(DONE));
    } catch (Exception e) {
      Errors.send(ctx, ApiError.internal());
    }
  }

  private void proceed(
      RoutingContext ctx,
      RequestState state,
      Exchange ex,
      ObjectNode request,
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
          surface,
          out,
          handle,
          egress,
          r -> {
            if (embeddings()) {
              // Vectors hold no text to release: passed through as they are.
              ctx.response()
                  .putHeader("Content-Type", "application/json")
                  .putHeader(RoutesSupport.OUTPUT, "pass")
                  .end(r.body());
              return;
            }
            writeCompletion(ctx, output, r.body());
          });
      return;
    }
    SseOut sse = new SseOut(ctx.response(), handle);
    TextCompletionRelay relay =
        new TextCompletionRelay(
            sse,
            output,
            handle,
            egress::streamError,
            choices(request),
            request.path("stream_options").path("include_usage").asBoolean(false),
            Completions.estimateTokens(request.path(field).toString()));
    UpstreamCalls.stream(
        guard, ctx, state, backend, surface, out, handle, relay, egress, sse::start);
  }

  private void writeCompletion(RoutingContext ctx, OutputGuard output, Buffer body) {
    WholeAnswer.write(ctx, guard, output, body, a -> true, "invalid JSON", TextCompletions::judge);
  }
}

package dev.lethe.gateway.responses;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.filters.Decision;
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
import dev.lethe.gateway.http.Egress;
import dev.lethe.gateway.http.Errors;
import dev.lethe.gateway.http.RoutesSupport;
import dev.lethe.gateway.http.Screened;
import dev.lethe.gateway.http.UpstreamCalls;
import dev.lethe.gateway.openai.StrictJson;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/responses}: the OpenAI Responses API, guarded like chat completions. The request
 * is judged as the conversation it carries ({@link ResponsesRequest}); a refusal is a completed
 * response whose message holds the refusal text — as a {@code refusal} content part when the
 * request asked for structured output ({@code text.format.type: json_schema}), else as output text,
 * the same rule as chat completions; a redaction or ICUL rewrite is mapped back into the Responses
 * request. A backend that serves Responses gets the request as is (pass-through); one that speaks
 * chat completions only is served by lossless translation ({@link ChatTranslation}). Either way the
 * answer passes the output guard ({@link ResponsesOutput}, {@link ResponsesRelay}).
 */
public final class ResponsesHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(ResponsesHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final BackendRouter router;
  private final Guard guard;
  private final ResponseHistory history;

  /** Creates the handler over the shared guard, with the default history store. */
  public ResponsesHandler(BackendRouter router, Guard guard) {
    this(router, guard, ResponseHistory.defaults());
  }

  ResponsesHandler(BackendRouter router, Guard guard, ResponseHistory history) {
    this.router = requireNonNull(router, "router");
    this.guard = requireNonNull(guard, "guard");
    this.history = requireNonNull(history, "history");
  }

  @Override
  public void handle(RoutingContext ctx) {
    RequestState state = RequestState.of(ctx);
    state.route("/v1/responses");
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      Errors.send(
          ctx, ApiError.invalidRequest(null, "The request body is empty; expected a JSON object."));
      return;
    }
    byte[] bytes = body.getBytes();
    JsonNode parsed;
    try {
      parsed = StrictJson.read(bytes);
    } catch (StrictJson.Rejected e) {
      guard.metrics().requestRejected("invalid_json");
      Errors.send(
          ctx,
          ApiError.invalidRequest(
              null, "We could not parse the JSON body of your request: " + e.getMessage() + "."));
      return;
    }
    String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    List<JsonNode> kept = null;
    JsonNode prev = parsed.path("previous_response_id");
    if (prev.isTextual()) {
      kept = history.get(prev.textValue(), authorization);
      if (kept == null) {
        Errors.send(
            ctx,
            ApiError.of(
                400,
                ErrorKind.INVALID_REQUEST,
                "previous_response_not_found",
                "previous_response_id",
                "Previous response with id '"
                    + prev.textValue()
                    + "' not found. This gateway continues only responses it produced (and"
                    + " kept), since it cannot screen history it never saw; send the earlier"
                    + " turns as input items instead."));
        return;
      }
    }
    ResponsesRequest rr;
    try {
      rr = ResponsesRequest.of(parsed, kept);
    } catch (ResponsesRequest.Invalid e) {
      Errors.send(ctx, e.error());
      return;
    }
    // A chat-only backend is served through the documented chat translation.
    Backend backend =
        RoutesSupport.route(
            ctx,
            state,
            router,
            rr.model(),
            rr.stream(),
            Surface.RESPONSES,
            Surface.CHAT_COMPLETIONS);
    if (backend == null) {
      return;
    }
    boolean translate = !backend.surfaces().contains(Surface.RESPONSES);
    if (translate) {
      try {
        ChatTranslation.toChat(rr.effective()); // refuse what cannot be translated before judging
      } catch (ResponsesRequest.Invalid e) {
        Errors.send(ctx, e.error());
        return;
      }
    }
    String id = ResponseShapes.id("resp_");
    Exchange exchange = new Exchange(id, state.rules(), bytes, rr.view().request());
    guard
        .judge(ctx, state, exchange)
        .onSuccess(
            judged ->
                Screened.answer(
                    ctx,
                    judged,
                    text -> refuse(ctx, rr, id, text, authorization),
                    () ->
                        proceed(
                            ctx, state, rr, exchange, backend, translate, body, authorization)));
  }

  private void refuse(
      RoutingContext ctx, ResponsesRequest rr, String id, String text, String authorization) {
    ObjectNode r =
        ResponseShapes.response(id, System.currentTimeMillis() / 1000, rr.original(), "completed");
    ObjectNode msg = ResponseShapes.message(ResponseShapes.id("msg_"), "completed");
    ((ArrayNode) msg.get("content")).add(ResponseShapes.part(rr.structured(), text));
    ((ArrayNode) r.get("output")).add(msg);
    r.set(
        "usage",
        ResponseShapes.usage(
            ResponseShapes.tokens(rr.items().toString()), ResponseShapes.tokens(text)));
    keep(rr, r, authorization);
    if (!rr.stream()) {
      writeJson(ctx, r);
      return;
    }
    CallHandle handle = new CallHandle();
    SseOut sse = new SseOut(ctx.response(), handle);
    sse.start();
    ResponseReplay.write(r, sse);
    sse.end(null);
  }

  private void proceed(
      RoutingContext ctx,
      RequestState state,
      ResponsesRequest rr,
      Exchange ex,
      Backend backend,
      boolean translate,
      Buffer original,
      String authorization) {
    ObjectNode send;
    try {
      send = ex.rewritten() ? rr.rewritten(ex.request()) : rr.effective();
    } catch (ChatView.RewriteUnsupported e) {
      state.decision(Decision.REFUSE);
      Errors.send(
          ctx, ApiError.rewriteUnsupported("input", "the Responses format", e.getMessage()));
      return;
    }
    Buffer out;
    try {
      if (translate) {
        out = Buffer.buffer(JSON.writeValueAsBytes(ChatTranslation.toChat(send)));
      } else if (ex.rewritten() || rr.changed()) {
        out = Buffer.buffer(JSON.writeValueAsBytes(send));
      } else {
        out = original;
      }
    } catch (ResponsesRequest.Invalid e) {
      Errors.send(ctx, e.error());
      return;
    } catch (Exception e) {
      Errors.send(ctx, ApiError.internal());
      return;
    }
    Surface surface = translate ? Surface.CHAT_COMPLETIONS : Surface.RESPONSES;
    OutputGuard og = new OutputGuard(guard.pipeline(), ex, state);
    Egress egress = new Egress(guard.pipeline(), ex);
    CallHandle handle = new CallHandle();
    ctx.response().closeHandler(v -> handle.cancel());
    if (!rr.stream()) {
      UpstreamCalls.whole(
          guard,
          ctx,
          state,
          backend,
          surface,
          out,
          handle,
          egress,
          r -> writeWhole(ctx, rr, og, r.body(), translate, ex.requestId(), authorization));
      return;
    }
    SseOut sse = new SseOut(ctx.response(), handle);
    ResponsesRelay relay =
        new ResponsesRelay(
            sse,
            og,
            egress,
            handle,
            rr.original(),
            r -> keep(rr, r, authorization),
            () ->
                guard
                    .metrics()
                    .timeToFirstToken(
                        state.backend(), state.model(), System.nanoTime() - state.startNanos()));
    Backend.StreamEvents events =
        translate ? new ChatTranslation.StreamAdapter(relay, rr.original()) : relay;
    UpstreamCalls.stream(
        guard, ctx, state, backend, surface, out, handle, events, egress, sse::start);
  }

  private void writeWhole(
      RoutingContext ctx,
      ResponsesRequest rr,
      OutputGuard og,
      Buffer body,
      boolean translate,
      String id,
      String authorization) {
    JsonNode node;
    try {
      node = StrictJson.read(body.getBytes());
    } catch (StrictJson.Rejected e) {
      node = null;
    }
    if (!(node instanceof ObjectNode upstream)) {
      Errors.send(ctx, ApiError.upstreamInvalid("invalid JSON"));
      return;
    }
    guard.countUsage(ctx, upstream);
    ObjectNode response =
        translate ? ChatTranslation.response(upstream, id, rr.original()) : upstream;
    try {
      ResponsesOutput.filter(response, og, rr.original());
    } catch (RuntimeException e) {
      LOG.warn("Responses output guard failed; withholding the answer (fail closed)", e);
      guard.metrics().pipelineFailure("response-filter");
      Errors.send(ctx, ApiError.answerWithheld());
      return;
    }
    keep(rr, response, authorization);
    writeJson(ctx, response);
  }

  /** Keeps the conversation behind a finished response for {@code previous_response_id}. */
  private void keep(ResponsesRequest rr, ObjectNode response, String authorization) {
    String status = response.path("status").asText();
    if (!rr.store()
        || !response.path("id").isTextual()
        || !(status.equals("completed") || status.equals("incomplete"))) {
      return;
    }
    List<JsonNode> items = new ArrayList<>();
    rr.items().forEach(items::add);
    response.path("output").forEach(items::add);
    history.put(response.get("id").asText(), authorization, items);
  }

  private static void writeJson(RoutingContext ctx, ObjectNode body) {
    try {
      ctx.response()
          .putHeader("Content-Type", "application/json")
          .end(Buffer.buffer(JSON.writeValueAsBytes(body)));
    } catch (Exception e) {
      Errors.send(ctx, ApiError.internal());
    }
  }

  static ObjectNode event(String type) {
    return F.objectNode().put("type", type);
  }
}

package dev.lethe.gateway.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.filters.ChunkSink;
import dev.lethe.filters.Exchange;
import dev.lethe.filters.Pipeline;
import dev.lethe.filters.ResponseFilter;
import dev.lethe.gateway.backend.Backend;
import dev.lethe.gateway.backend.BackendException;
import dev.lethe.gateway.backend.BackendRouter;
import dev.lethe.gateway.backend.CallHandle;
import dev.lethe.gateway.backend.Surface;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.errors.WireFormat;
import dev.lethe.gateway.guard.Guard;
import dev.lethe.gateway.guard.RequestState;
import dev.lethe.gateway.guard.SseOut;
import dev.lethe.gateway.guard.ToolCallHold;
import dev.lethe.gateway.metrics.GatewayMetrics;
import dev.lethe.gateway.openai.Completions;
import dev.lethe.gateway.openai.StrictJson;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/chat/completions}: validates the request, runs the pipeline's request stages on a
 * worker thread (or on the event loop when none blocks, {@link Guard#judge}), then either answers
 * directly (a refusal) or calls the backend, passing the answer through the pipeline's response
 * filter — whole, or event by event for streams.
 */
public final class ChatHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(ChatHandler.class);
  private static final ObjectMapper JSON = Errors.JSON;
  private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

  private final BackendRouter router;
  private final Guard guard;
  private final Pipeline pipeline;
  private final GatewayMetrics metrics;

  /** Creates the handler over the shared input guard. */
  public ChatHandler(BackendRouter router, Guard guard) {
    this.router = requireNonNull(router, "router");
    this.guard = requireNonNull(guard, "guard");
    this.pipeline = guard.pipeline();
    this.metrics = guard.metrics();
  }

  @Override
  public void handle(RoutingContext ctx) {
    RequestState state = RequestState.of(ctx);
    state.route("/v1/chat/completions");
    JsonBody in = JsonBody.read(ctx, metrics);
    if (in == null) {
      return;
    }
    Buffer body = in.buffer();
    byte[] bytes = in.bytes();
    JsonNode parsed = in.json();
    ApiError invalid = RequestValidator.validate(parsed);
    if (invalid != null) {
      Errors.send(ctx, invalid);
      return;
    }
    ObjectNode request = (ObjectNode) parsed;
    String model = request.get("model").asText();
    boolean stream = request.path("stream").asBoolean(false);
    Backend backend =
        RoutesSupport.route(ctx, state, router, model, stream, Surface.CHAT_COMPLETIONS);
    if (backend == null) {
      return;
    }
    String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
    Exchange exchange = new Exchange(id, state.rules(), bytes, request);
    guard
        .judge(ctx, state, exchange)
        .onSuccess(
            judged ->
                Screened.answer(
                    ctx,
                    judged,
                    text -> respondDirectly(ctx, exchange, text),
                    () -> proceed(ctx, state, exchange, backend, body)));
  }

  private void respondDirectly(RoutingContext ctx, Exchange ex, String text) {
    ObjectNode req = ex.request();
    int n = Math.max(1, req.path("n").asInt(1));
    long created = System.currentTimeMillis() / 1000;
    int promptTokens = Completions.estimateTokens(req.path("messages").toString());
    HttpServerResponse resp = ctx.response();
    // Under structured output a refusal takes OpenAI's refusal shape (content null), so that the
    // SDKs' parse helpers report a refusal instead of failing to parse the text as the schema.
    boolean asRefusal = "json_schema".equals(req.path("response_format").path("type").asText());
    try {
      if (!ex.stream()) {
        ObjectNode c =
            Completions.completion(
                ex.requestId(), created, ex.model(), text, n, promptTokens, asRefusal);
        resp.putHeader("Content-Type", "application/json")
            .end(Buffer.buffer(JSON.writeValueAsBytes(c)));
        return;
      }
      boolean usage = req.path("stream_options").path("include_usage").asBoolean(false);
      List<ObjectNode> chunks =
          Completions.chunks(
              ex.requestId(), created, ex.model(), text, n, usage, promptTokens, asRefusal);
      SseOut.headers(resp);
      for (ObjectNode c : chunks) {
        resp.write(SseOut.data(c));
      }
      resp.end(DONE);
    } catch (Exception e) {
      Errors.send(ctx, ApiError.internal());
    }
  }

  private void proceed(
      RoutingContext ctx, RequestState state, Exchange ex, Backend backend, Buffer original) {
    Buffer out;
    try {
      out = ex.rewritten() ? Buffer.buffer(JSON.writeValueAsBytes(ex.request())) : original;
    } catch (Exception e) {
      Errors.send(ctx, ApiError.internal());
      return;
    }
    // A tool call the filters cut never reaches the client: calls are released whole once judged.
    ResponseFilter filter =
        ToolCallHold.around(pipeline.responseFilter(ex), () -> pipeline.responseFilter(ex));
    Egress egress = new Egress(pipeline, ex);
    CallHandle handle = new CallHandle();
    ctx.response().closeHandler(v -> handle.cancel());
    if (!ex.stream()) {
      UpstreamCalls.whole(
          guard,
          ctx,
          state,
          backend,
          Surface.CHAT_COMPLETIONS,
          out,
          handle,
          egress,
          r -> writeCompletion(ctx, filter, r.body()));
      return;
    }
    StreamRelay relay = new StreamRelay(ctx, state, ex.request(), filter, egress, handle);
    UpstreamCalls.stream(
        guard,
        ctx,
        state,
        backend,
        Surface.CHAT_COMPLETIONS,
        out,
        handle,
        relay,
        egress,
        relay::start);
  }

  private void writeCompletion(RoutingContext ctx, ResponseFilter filter, Buffer body) {
    JsonNode node;
    try {
      node = StrictJson.read(body.getBytes());
    } catch (StrictJson.Rejected e) {
      node = null;
    }
    if (!(node instanceof ObjectNode completion)) {
      Errors.send(ctx, ApiError.upstreamInvalid("invalid JSON"));
      return;
    }
    guard.countUsage(ctx, completion);
    try {
      int filteredBefore = contentFiltered(completion);
      ObjectNode filtered = filter.onComplete(completion);
      boolean cut = contentFiltered(filtered) > filteredBefore;
      if (cut) {
        RequestState s = RequestState.of(ctx);
        if (s != null) {
          s.markOutputCut();
        }
      }
      ctx.response()
          .putHeader("Content-Type", "application/json")
          .putHeader(RoutesSupport.OUTPUT, cut ? "cut" : "pass")
          .end(
              filtered == completion && filter == ResponseFilter.identity()
                  ? body
                  : Buffer.buffer(JSON.writeValueAsBytes(filtered)));
    } catch (Exception e) {
      LOG.warn("response filter failed; withholding the answer (fail closed)", e);
      metrics.pipelineFailure("response-filter");
      Errors.send(ctx, ApiError.answerWithheld());
    }
  }

  /** How many choices of a completion end with {@code content_filter}. */
  private static int contentFiltered(ObjectNode completion) {
    int n = 0;
    for (JsonNode c : completion.path("choices")) {
      n += "content_filter".equals(c.path("finish_reason").asText()) ? 1 : 0;
    }
    return n;
  }

  /**
   * Relays one backend stream to the client through the response filter: events are written as they
   * arrive; a full client write queue pauses the backend until it drains.
   */
  private final class StreamRelay implements Backend.StreamEvents, ChunkSink {
    private final RoutingContext ctx;
    private final RequestState state;
    private final ObjectNode request;
    private final ResponseFilter filter;
    private final Egress egress;
    private final CallHandle handle;
    private final HttpServerResponse resp;
    private final SseOut sse;
    private final int choices;
    private final java.util.BitSet finishedChoices = new java.util.BitSet();
    private boolean sawDone;
    private boolean finished;
    private boolean firstToken;
    private boolean sawUsage;
    private long emittedChars;
    private ObjectNode lastChunk;

    StreamRelay(
        RoutingContext ctx,
        RequestState state,
        ObjectNode request,
        ResponseFilter filter,
        Egress egress,
        CallHandle handle) {
      this.ctx = ctx;
      this.state = state;
      this.request = request;
      this.filter = filter;
      this.egress = egress;
      this.handle = handle;
      this.choices = Math.max(1, request.path("n").asInt(1));
      this.resp = ctx.response();
      this.sse = new SseOut(resp, handle);
    }

    void start() {
      sse.start();
    }

    @Override
    public void onData(String data) {
      if (finished) {
        return;
      }
      start();
      if (data.equals("[DONE]")) {
        sawDone = true;
        return;
      }
      JsonNode node;
      try {
        node = StrictJson.read(data);
      } catch (StrictJson.Rejected e) {
        node = null;
      }
      if (!(node instanceof ObjectNode chunk)) {
        fail(ApiError.upstreamInvalid("an invalid stream event"));
        return;
      }
      if (chunk.has("error")) {
        // The upstream reported an error mid-stream: pass it on, screened, and stop.
        metrics.upstreamFailure(state.backend(), "error_event");
        write(egress.streamError(chunk));
        finish(false);
        return;
      }
      for (JsonNode c : chunk.path("choices")) {
        int i = c.path("index").asInt(-1);
        if (i >= 0 && i < 4096 && !c.path("finish_reason").isNull() && c.has("finish_reason")) {
          finishedChoices.set(i);
        }
      }
      try {
        filter.onChunk(chunk, this);
      } catch (RuntimeException e) {
        LOG.warn("response filter failed mid-stream; ending the stream (fail closed)", e);
        metrics.pipelineFailure("response-filter");
        fail(ApiError.streamWithheld());
        return;
      }
      if (filter.upstreamNoLongerNeeded()) {
        // Every choice has ended (the output filter cut them): stop the backend, flush what the
        // filters still hold, and close the stream. No usage chunk can follow from the backend.
        handle.cancel();
        flushAfterCut();
      }
    }

    @Override
    public void onEnd() {
      if (finished) {
        return;
      }
      start();
      if (!sawDone && finishedChoices.cardinality() < choices) {
        // The upstream ended the stream cleanly but early (no [DONE], a choice unfinished): the
        // client must see the truncation, so no [DONE] follows the error event.
        metrics.upstreamFailure(state.backend(), "truncated");
        fail(ApiError.upstreamTruncated());
        return;
      }
      try {
        filter.onEnd(this);
      } catch (RuntimeException e) {
        metrics.pipelineFailure("response-filter");
        fail(ApiError.streamWithheld());
        return;
      }
      finish(true);
    }

    /**
     * The output filter ended every choice and the backend was cancelled: flush what the filters
     * hold, then — since the backend's usage chunk will never come — send an estimated one when the
     * client asked for usage, then {@code [DONE]}.
     */
    private void flushAfterCut() {
      if (finished) {
        return;
      }
      try {
        filter.onEnd(this);
      } catch (RuntimeException e) {
        metrics.pipelineFailure("response-filter");
      }
      boolean wantsUsage = request.path("stream_options").path("include_usage").asBoolean(false);
      if (wantsUsage && !sawUsage && lastChunk != null) {
        ObjectNode u = lastChunk.deepCopy();
        u.putArray("choices");
        int prompt = Completions.estimateTokens(request.path("messages").toString());
        int completion = (int) Math.max(0, (emittedChars + 3) / 4);
        u.putObject("usage")
            .put("prompt_tokens", prompt)
            .put("completion_tokens", completion)
            .put("total_tokens", prompt + completion);
        write(u);
      }
      finish(true);
    }

    @Override
    public void onError(BackendException error) {
      if (finished) {
        return;
      }
      start();
      metrics.upstreamFailure(state.backend(), error.kind().name().toLowerCase());
      fail(ApiError.of(error));
    }

    private void fail(ApiError error) {
      write(WireFormat.OPENAI.body(error));
      finish(false);
    }

    private void finish(boolean done) {
      if (finished) {
        return;
      }
      finished = true;
      handle.cancel();
      if (!resp.closed() && !resp.ended()) {
        if (done) {
          resp.end(DONE);
        } else {
          resp.end();
        }
      }
    }

    @Override
    public void emit(ObjectNode chunk) {
      lastChunk = chunk;
      if (chunk.hasNonNull("usage")) {
        sawUsage = true;
      }
      for (JsonNode c : chunk.path("choices")) {
        emittedChars += c.path("delta").path("content").asText("").length();
      }
      if (!firstToken && hasToken(chunk)) {
        firstToken = true;
        metrics.timeToFirstToken(
            state.backend(), state.model(), System.nanoTime() - state.startNanos());
      }
      write(chunk);
    }

    @Override
    public void keepAlive() {
      sse.keepAlive();
    }

    private void write(ObjectNode chunk) {
      if (Guard.cut(chunk)) {
        state.markOutputCut();
      }
      sse.writeData(chunk);
    }

    private static boolean hasToken(ObjectNode chunk) {
      for (JsonNode c : chunk.path("choices")) {
        JsonNode d = c.path("delta");
        if (d.path("content").isTextual() && !d.path("content").asText().isEmpty()
            || d.has("tool_calls")
            || d.path("refusal").isTextual()) {
          return true;
        }
      }
      return false;
    }
  }
}

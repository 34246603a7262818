package dev.lethe.gateway.responses;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.gateway.backend.Backend;
import dev.lethe.gateway.backend.BackendException;
import dev.lethe.gateway.backend.CallHandle;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.errors.ErrorKind;
import dev.lethe.gateway.guard.JoinedText;
import dev.lethe.gateway.guard.OutputGuard;
import dev.lethe.gateway.guard.SseOut;
import dev.lethe.gateway.guard.ToolArguments;
import dev.lethe.gateway.http.Egress;
import dev.lethe.gateway.openai.StrictJson;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays one streamed Responses answer to the client through the output guard, re-emitting the
 * typed events with the gateway's own {@code sequence_number}s.
 *
 * <ul>
 *   <li>Message items stream as they come: the output text and refusal parts of all message items
 *       are judged as one text ({@link JoinedText}), so a protected string split across parts or
 *       items is caught as if it were split across deltas; a delta event carries only what the
 *       filter released, the done events carry the released text and wait (with every event after
 *       them) until the part's last text is released.
 *   <li>Function calls, reasoning items and any other item are held until the upstream's {@code
 *       response.output_item.done}, judged whole ({@link ResponsesOutput#releasable}), then
 *       released as {@code added}, one arguments delta, {@code done} events — so a call the filter
 *       cuts is never seen, not even its name.
 *   <li>A cut closes the current part and item with the released prefix, then ends the stream with
 *       {@code response.incomplete} ({@code incomplete_details.reason: "content_filter"}) and
 *       cancels the upstream call.
 *   <li>The terminal response object echoes the client's own request settings and lists only the
 *       items the client saw. Upstream {@code error} events and failed responses are screened by
 *       {@link Egress}; a stream that ends without a terminal event ends with an {@code error}
 *       event ({@code upstream_stream_truncated}).
 * </ul>
 *
 * <p>Events a client could read text from that the gateway does not judge (annotation events,
 * unknown event types) are not relayed. One instance per response, on its event loop.
 */
final class ResponsesRelay implements Backend.StreamEvents {
  private static final Logger LOG = LoggerFactory.getLogger(ResponsesRelay.class);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final SseOut sse;
  private final OutputGuard guard;
  private final Egress egress;
  private final CallHandle handle;
  private final ObjectNode clientRequest;
  private final Consumer<ObjectNode> onFinal;
  private final Runnable onFirstText;
  private final Map<Integer, Item> items = new HashMap<>();
  private final ArrayNode released = F.arrayNode();
  private final JoinedText<Part> joined;

  /** The function calls' arguments, judged as one text. */
  private final ToolArguments calls;

  private int sequence;
  private int nextIndex;
  private boolean finished;
  private boolean textSeen;
  private String responseId = ResponseShapes.id("resp_");
  private long createdAt = System.currentTimeMillis() / 1000;
  private ObjectNode base;
  private long lastKeepAlive = System.nanoTime();

  /** An output item in flight. */
  private static final class Item {
    final int clientIndex;
    final ObjectNode added;
    final boolean streamed;
    final Map<Integer, Part> parts = new HashMap<>();
    final StringBuilder arguments = new StringBuilder();

    Item(int clientIndex, ObjectNode added, boolean streamed) {
      this.clientIndex = clientIndex;
      this.added = added;
      this.streamed = streamed;
    }
  }

  /** A message content part in flight. */
  private static final class Part {
    final Item item;
    final int index;
    final boolean refusal;
    final StringBuilder released = new StringBuilder();

    /** Its added event was sent to the client. */
    boolean shown;

    Part(Item item, int index, boolean refusal) {
      this.item = item;
      this.index = index;
      this.refusal = refusal;
    }
  }

  ResponsesRelay(
      SseOut sse,
      OutputGuard guard,
      Egress egress,
      CallHandle handle,
      ObjectNode clientRequest,
      Consumer<ObjectNode> onFinal,
      Runnable onFirstText) {
    this.sse = requireNonNull(sse, "sse");
    this.guard = requireNonNull(guard, "guard");
    this.egress = requireNonNull(egress, "egress");
    this.handle = requireNonNull(handle, "handle");
    this.clientRequest = requireNonNull(clientRequest, "clientRequest");
    this.onFinal = requireNonNull(onFinal, "onFinal");
    this.onFirstText = requireNonNull(onFirstText, "onFirstText");
    this.joined = new JoinedText<>(guard.open(), (p, text) -> release(p.item, p.index, p, text));
    this.calls = new ToolArguments(guard.open());
  }

  @Override
  public void onData(String data) {
    if (finished) {
      return;
    }
    sse.start();
    if (data.equals("[DONE]")) {
      return;
    }
    JsonNode node;
    try {
      node = StrictJson.read(data);
    } catch (StrictJson.Rejected e) {
      node = null;
    }
    if (!(node instanceof ObjectNode event)) {
      fail(
          ApiError.of(
              502,
              ErrorKind.UPSTREAM,
              "bad_gateway",
              null,
              "upstream sent an invalid stream event"));
      return;
    }
    try {
      handle(event);
    } catch (RuntimeException e) {
      LOG.warn("Responses output guard failed mid-stream; ending the stream (fail closed)", e);
      fail(ApiError.streamWithheld());
    }
  }

  private void handle(ObjectNode e) {
    String type = e.path("type").asText();
    switch (type) {
      case "response.created", "response.in_progress", "response.queued" -> {
        if (e.path("response").path("id").isTextual()) {
          responseId = e.path("response").path("id").asText();
        }
        if (e.path("response").path("created_at").canConvertToLong()) {
          createdAt = e.path("response").path("created_at").asLong();
        }
        if (e.get("response") instanceof ObjectNode up) {
          base = up.deepCopy();
          ResponseShapes.restore(base, clientRequest);
          base.putArray("output");
        }
        ObjectNode r = snapshot("in_progress");
        if (!type.equals("response.queued")) {
          later(type, F.objectNode().set("response", r));
        }
      }
      case "response.output_item.added" -> itemAdded(e);
      case "response.content_part.added" -> partAdded(e);
      case "response.output_text.delta", "response.refusal.delta" -> delta(e);
      case "response.output_text.done", "response.refusal.done" -> partTextDone(e);
      case "response.content_part.done" -> partDone(e);
      case "response.function_call_arguments.delta" -> {
        Item it = items.get(e.path("output_index").asInt(-1));
        if (it != null && e.path("delta").isTextual()) {
          it.arguments.append(e.get("delta").textValue());
        }
        heldKeepAlive();
      }
      case "response.output_item.done" -> itemDone(e);
      case "response.completed", "response.incomplete" -> terminal(type, e);
      case "response.failed" -> failed(e);
      case "error" -> {
        ObjectNode body = F.objectNode();
        body.set("error", e.deepCopy());
        fail(egress.upstreamError(502, io.vertx.core.buffer.Buffer.buffer(body.toString())));
      }
      default -> {
        heldKeepAlive();
        // Not relayed: annotation, function-call argument and reasoning deltas (their items are
        // released whole once judged), and any event type the guard does not know.
      }
    }
  }

  /** While an item is held, a keep-alive at most once a second so the client sees a live stream. */
  private void heldKeepAlive() {
    long now = System.nanoTime();
    if (now - lastKeepAlive >= 1_000_000_000L) {
      lastKeepAlive = now;
      sse.keepAlive();
    }
  }

  private void itemAdded(ObjectNode e) {
    int upstream = e.path("output_index").asInt(-1);
    if (!(e.get("item") instanceof ObjectNode item) || upstream < 0) {
      return;
    }
    boolean message = "message".equals(item.path("type").asText());
    if (!"function_call".equals(item.path("type").asText()) && heldCallCut()) {
      return;
    }
    if (!message) {
      items.put(upstream, new Item(-1, item.deepCopy(), false));
      return;
    }
    Item it = new Item(nextIndex++, item.deepCopy(), true);
    items.put(upstream, it);
    ObjectNode shown = item.deepCopy();
    shown.putArray("content");
    ObjectNode out = F.objectNode();
    out.put("output_index", it.clientIndex);
    out.set("item", shown);
    later("response.output_item.added", out);
  }

  private void partAdded(ObjectNode e) {
    Item it = items.get(e.path("output_index").asInt(-1));
    int ci = e.path("content_index").asInt(-1);
    if (it == null || !it.streamed || ci < 0) {
      return;
    }
    boolean refusal = "refusal".equals(e.path("part").path("type").asText());
    Part p = new Part(it, ci, refusal);
    it.parts.put(ci, p);
    ObjectNode out = partEvent(it, ci);
    out.set("part", ResponseShapes.part(refusal, ""));
    joined.then(
        () -> {
          p.shown = true;
          emit("response.content_part.added", out);
        });
  }

  private void delta(ObjectNode e) {
    Item it = items.get(e.path("output_index").asInt(-1));
    Part p = it == null ? null : it.parts.get(e.path("content_index").asInt(-1));
    if (p == null || !e.path("delta").isTextual()) {
      return;
    }
    int before = sequence;
    joined.feed(p, e.get("delta").textValue());
    if (joined.cut()) {
      Part at = joined.cutSegment();
      cut(at.item, at.index, at);
    } else if (sequence == before && joined.keepAliveWanted()) {
      sse.keepAlive();
    }
  }

  private void release(Item it, int ci, Part p, String text) {
    if (text.isEmpty()) {
      return;
    }
    p.released.append(text);
    if (!textSeen) {
      textSeen = true;
      onFirstText.run();
    }
    ObjectNode out = partEvent(it, ci);
    out.put("delta", text);
    if (!p.refusal) {
      out.putArray("logprobs");
    }
    emit(p.refusal ? "response.refusal.delta" : "response.output_text.delta", out);
  }

  private void partTextDone(ObjectNode e) {
    Item it = items.get(e.path("output_index").asInt(-1));
    int ci = e.path("content_index").asInt(-1);
    Part p = it == null ? null : it.parts.get(ci);
    if (p == null) {
      return;
    }
    joined.then(() -> textDone(it, ci, p));
  }

  private void textDone(Item it, int ci, Part p) {
    ObjectNode out = partEvent(it, ci);
    if (p.refusal) {
      out.put("refusal", p.released.toString());
      emit("response.refusal.done", out);
    } else {
      out.put("text", p.released.toString());
      out.putArray("logprobs");
      emit("response.output_text.done", out);
    }
  }

  private void partDone(ObjectNode e) {
    Item it = items.get(e.path("output_index").asInt(-1));
    int ci = e.path("content_index").asInt(-1);
    Part p = it == null ? null : it.parts.get(ci);
    if (p == null) {
      return;
    }
    joined.then(
        () -> {
          ObjectNode out = partEvent(it, ci);
          out.set("part", ResponseShapes.part(p.refusal, p.released.toString()));
          emit("response.content_part.done", out);
        });
  }

  private void itemDone(ObjectNode e) {
    int upstream = e.path("output_index").asInt(-1);
    Item it = items.remove(upstream);
    if (!(e.get("item") instanceof ObjectNode item)) {
      return;
    }
    if (it != null && it.streamed) {
      joined.then(
          () -> {
            ObjectNode shown = messageItem(item, it, "completed");
            released.add(shown);
            ObjectNode out = F.objectNode();
            out.put("output_index", it.clientIndex);
            out.set("item", shown);
            emit("response.output_item.done", out);
          });
      return;
    }
    ObjectNode whole = item.deepCopy();
    boolean call = "function_call".equals(whole.path("type").asText());
    if (call && !whole.path("arguments").isTextual() && it != null) {
      whole.put("arguments", it.arguments.toString());
    }
    if (!call && heldCallCut()) {
      return;
    }
    if (!ResponsesOutput.releasable(whole, guard)
        || call && joinedArgumentsCut(whole.path("arguments").asText(""), whole)) {
      // Held, judged whole and cut: the client never sees any part of this item. The text before
      // it is complete (no later text can join it), so what it holds is released first.
      joined.finish();
      if (joined.cut()) {
        Part at = joined.cutSegment();
        cut(at.item, at.index, at);
        return;
      }
      endIncomplete();
      return;
    }
    if (call) {
      return; // released by the joined arguments' judge
    }
    int index = nextIndex++;
    joined.then(() -> releaseItem(whole, index));
  }

  /**
   * Adds a call judged clean on its own to the joined arguments; it is released (after the text
   * before it) once they show no protected string running through it. True when they are cut.
   */
  private boolean joinedArgumentsCut(String arguments, ObjectNode whole) {
    calls.add(
        ToolArguments.text(arguments),
        () -> {
          int index = nextIndex++;
          joined.then(() -> releaseItem(whole, index));
        });
    return calls.cut();
  }

  /**
   * Output other than a function call arrived while a call is held by the joined arguments (its
   * values end in what could begin a protected string): the held call could only be released after
   * it, out of order, so the answer is cut before the call (fail closed). True when it was cut.
   */
  private boolean heldCallCut() {
    if (!calls.holding()) {
      return false;
    }
    guard.markCut();
    joined.finish();
    if (joined.cut()) {
      Part at = joined.cutSegment();
      cut(at.item, at.index, at);
    } else {
      endIncomplete();
    }
    return true;
  }

  /** Sends a held item the guard judged clean as {@code added}, arguments, {@code done}. */
  private void releaseItem(ObjectNode whole, int index) {
    ObjectNode added = whole.deepCopy();
    added.put("status", "in_progress");
    boolean call = "function_call".equals(whole.path("type").asText());
    if (call) {
      added.put("arguments", "");
    }
    ObjectNode out = F.objectNode();
    out.put("output_index", index);
    out.set("item", added);
    emit("response.output_item.added", out);
    if (call) {
      String args = whole.path("arguments").asText();
      ObjectNode d = F.objectNode();
      d.put("item_id", whole.path("id").asText());
      d.put("output_index", index);
      d.put("delta", args);
      emit("response.function_call_arguments.delta", d);
      ObjectNode done = F.objectNode();
      done.put("item_id", whole.path("id").asText());
      done.put("output_index", index);
      done.put("name", whole.path("name").asText());
      done.put("arguments", args);
      emit("response.function_call_arguments.done", done);
      if (!textSeen) {
        textSeen = true;
        onFirstText.run();
      }
    }
    released.add(whole);
    ObjectNode o = F.objectNode();
    o.put("output_index", index);
    o.set("item", whole);
    emit("response.output_item.done", o);
  }

  /** The message item as released: its parts with the released texts only. */
  private static ObjectNode messageItem(ObjectNode upstream, Item it, String status) {
    ObjectNode shown = upstream.deepCopy();
    shown.put("status", status);
    ArrayNode content = shown.putArray("content");
    it.parts.keySet().stream()
        .sorted()
        .forEach(
            ci -> {
              Part p = it.parts.get(ci);
              content.add(ResponseShapes.part(p.refusal, p.released.toString()));
            });
    return shown;
  }

  /** The filter cut part {@code ci} of {@code it}: close it with the prefix, end incomplete. */
  private void cut(Item it, int ci, Part p) {
    textDone(it, ci, p);
    ObjectNode pd = partEvent(it, ci);
    pd.set("part", ResponseShapes.part(p.refusal, p.released.toString()));
    emit("response.content_part.done", pd);
    // Parts after the cut one are not shown.
    it.parts.keySet().removeIf(k -> k > ci || !it.parts.get(k).shown);
    ObjectNode shown = messageItem(it.added, it, "incomplete");
    released.add(shown);
    ObjectNode out = F.objectNode();
    out.put("output_index", it.clientIndex);
    out.set("item", shown);
    emit("response.output_item.done", out);
    endIncomplete();
  }

  /** The response as known so far (the upstream's, restored), with {@code status}, no output. */
  private ObjectNode snapshot(String status) {
    ObjectNode r =
        base != null
            ? base.deepCopy()
            : ResponseShapes.response(responseId, createdAt, clientRequest, status);
    r.put("id", responseId);
    r.put("status", status);
    r.putArray("output");
    return r;
  }

  private void endIncomplete() {
    ObjectNode r = snapshot("incomplete");
    r.set("incomplete_details", ResponseShapes.contentFilter());
    r.set("output", released.deepCopy());
    emit("response.incomplete", F.objectNode().set("response", r));
    onFinal.accept(r);
    finish();
  }

  private void terminal(String type, ObjectNode e) {
    calls.finish();
    joined.finish();
    if (joined.cut()) {
      Part at = joined.cutSegment();
      cut(at.item, at.index, at);
      return;
    }
    ObjectNode r =
        e.get("response") instanceof ObjectNode up
            ? up.deepCopy()
            : ResponseShapes.response(responseId, createdAt, clientRequest, "completed");
    ResponseShapes.restore(r, clientRequest);
    r.put("id", responseId);
    r.set("output", released.deepCopy());
    if (!items.isEmpty()) {
      // An item the upstream never finished: it was not released, so the answer is incomplete.
      ResponsesOutput.markCut(r);
      guard.markCut();
      type = "response.incomplete";
    }
    emit(type, F.objectNode().set("response", r));
    onFinal.accept(r);
    // The upstream said all it had to say: let its response end by itself (the connection goes
    // back to the pool) instead of resetting it; anything after this is ignored.
    finished = true;
    sse.end(null);
  }

  private void failed(ObjectNode e) {
    ObjectNode r = snapshot("failed");
    JsonNode err = e.path("response").path("error");
    ObjectNode body = F.objectNode();
    body.set("error", err.isObject() ? err.deepCopy() : F.objectNode());
    ApiError screened =
        egress.upstreamError(502, io.vertx.core.buffer.Buffer.buffer(body.toString()));
    ObjectNode error = r.putObject("error");
    error.put("code", screened.code() == null ? "server_error" : screened.code());
    error.put("message", screened.message());
    r.set("output", released.deepCopy());
    emit("response.failed", F.objectNode().set("response", r));
    finish();
  }

  @Override
  public void onEnd() {
    if (finished) {
      return;
    }
    sse.start();
    fail(ApiError.upstreamTruncated());
  }

  @Override
  public void onError(BackendException error) {
    if (finished) {
      return;
    }
    sse.start();
    fail(ApiError.of(error));
  }

  /** Ends the stream with an {@code error} event. */
  void fail(ApiError error) {
    ObjectNode e = F.objectNode();
    e.put("code", error.code() == null ? error.openAiType() : error.code());
    e.put("message", error.message());
    if (error.param() == null) {
      e.putNull("param");
    } else {
      e.put("param", error.param());
    }
    emit("error", e);
    finish();
  }

  /** Sends an event once the text before it is released. */
  private void later(String type, ObjectNode body) {
    joined.then(() -> emit(type, body));
  }

  private ObjectNode partEvent(Item it, int ci) {
    ObjectNode out = F.objectNode();
    out.put("item_id", it.added.path("id").asText());
    out.put("output_index", it.clientIndex);
    out.put("content_index", ci);
    return out;
  }

  private void emit(String type, ObjectNode body) {
    ObjectNode e = F.objectNode();
    e.put("type", type);
    e.setAll(body);
    e.put("sequence_number", sequence++);
    sse.writeEvent(type, e);
  }

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    handle.cancel();
    sse.end(null);
  }

  /** Whether the stream has ended. */
  boolean finished() {
    return finished;
  }
}

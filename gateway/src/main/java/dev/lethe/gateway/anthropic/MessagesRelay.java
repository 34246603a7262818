package dev.lethe.gateway.anthropic;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.gateway.backend.Backend;
import dev.lethe.gateway.backend.BackendException;
import dev.lethe.gateway.backend.CallHandle;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.errors.WireFormat;
import dev.lethe.gateway.guard.JoinedText;
import dev.lethe.gateway.guard.OutputGuard;
import dev.lethe.gateway.guard.SseOut;
import dev.lethe.gateway.guard.TextStream;
import dev.lethe.gateway.guard.ToolArguments;
import dev.lethe.gateway.openai.StrictJson;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays one streamed Messages answer from an upstream to the client through the output guard,
 * event by event, as the upstream sends them.
 *
 * <ul>
 *   <li>{@code text} and {@code thinking} blocks stream: every {@code text_delta} / {@code
 *       thinking_delta} of the message is judged as one text ({@link JoinedText}), so a protected
 *       string split across two blocks is caught as if it were split across two deltas; only what
 *       it releases is sent (the bounded hold-back of a partial match; a {@code ping} keeps the
 *       connection alive meanwhile). A block's {@code content_block_stop} (after its {@code
 *       signature_delta}s), and every event after it, waits until the block's last text is
 *       released.
 *   <li>{@code tool_use} and every other block type are held whole — start, every delta ({@code
 *       input_json_delta}), stop — and judged in canonical JSON form once complete (the input
 *       parsed, so JSON escapes hide nothing). A clean block is then released as the upstream sent
 *       it; a cut one is never sent, so no client sees a callable {@code tool_use} with a truncated
 *       input. {@code redacted_thinking} (opaque) passes as it is.
 *   <li>A cut stops the upstream and ends the message: the cut text block is closed after its
 *       released text, then {@code message_delta} with {@code stop_reason: "refusal"} and an
 *       estimated {@code usage.output_tokens}, then {@code message_stop}.
 *   <li>An upstream {@code error} event is passed on screened (its message is released only when it
 *       holds nothing the filters withhold); a malformed event, a stream that ends without {@code
 *       message_stop}, or a failing filter end the stream with an {@code error} event (fail
 *       closed).
 * </ul>
 *
 * <p>Runs on the request's event loop; one instance per response.
 */
public final class MessagesRelay implements Backend.StreamEvents {
  private static final Logger LOG = LoggerFactory.getLogger(MessagesRelay.class);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** The most content blocks one message may open. */
  static final int MAX_BLOCKS = 4096;

  private final SseOut out;
  private final OutputGuard guard;
  private final CallHandle handle;
  private final Function<ObjectNode, ApiError> upstreamError;
  private final Runnable firstToken;
  private final long maxHeldBytes;
  private final Map<Integer, Block> blocks = new HashMap<>();
  private final JoinedText<Block> joined;
  private boolean sawStart;
  private boolean finished;
  private boolean tokenSeen;
  private boolean cut;
  private long releasedChars;

  /**
   * A relay for one response.
   *
   * @param out the client's event stream
   * @param guard the request's output guard
   * @param handle the backend call (cancelled at a cut, an error or the end)
   * @param upstreamError turns an upstream {@code error} event into the screened error to pass on
   * @param firstToken called once, when the first text or tool block reaches the client
   * @param maxHeldBytes the most bytes one held block may collect before it is cut (fail closed)
   */
  public MessagesRelay(
      SseOut out,
      OutputGuard guard,
      CallHandle handle,
      Function<ObjectNode, ApiError> upstreamError,
      Runnable firstToken,
      long maxHeldBytes) {
    this.out = requireNonNull(out, "out");
    this.guard = requireNonNull(guard, "guard");
    this.handle = requireNonNull(handle, "handle");
    this.upstreamError = requireNonNull(upstreamError, "upstreamError");
    this.firstToken = requireNonNull(firstToken, "firstToken");
    this.maxHeldBytes = maxHeldBytes;
    this.joined = new JoinedText<>(guard.open(), this::delta);
    this.calls = new ToolArguments(guard.open());
  }

  /** The {@code tool_use} inputs, judged as one text. */
  private final ToolArguments calls;

  /** Whether the output filter cut this answer. */
  public boolean cut() {
    return cut;
  }

  private enum Kind {
    TEXT,
    THINKING,
    HELD,
    PASS
  }

  /** One content block of the answer. */
  private static final class Block {
    final int index;
    final Kind kind;
    final ObjectNode start;
    final List<ObjectNode> events = new ArrayList<>();
    final List<ObjectNode> signatures = new ArrayList<>();
    final StringBuilder json = new StringBuilder();
    long bytes;

    /** The upstream stopped the block. */
    boolean stopped;

    /** Its start was sent to the client. */
    boolean shown;

    /** Its stop was sent to the client. */
    boolean closed;

    Block(int index, Kind kind, ObjectNode start) {
      this.index = index;
      this.kind = kind;
      this.start = start;
    }

    String field() {
      return kind == Kind.THINKING ? "thinking" : "text";
    }

    String deltaType() {
      return kind == Kind.THINKING ? "thinking_delta" : "text_delta";
    }
  }

  @Override
  public void onData(String data) {
    if (finished) {
      return;
    }
    out.start();
    JsonNode node;
    try {
      node = StrictJson.read(data);
    } catch (StrictJson.Rejected e) {
      node = null;
    }
    if (!(node instanceof ObjectNode event) || !event.path("type").isTextual()) {
      fail(ApiError.upstreamInvalid("an invalid stream event"));
      return;
    }
    try {
      handle(event);
    } catch (RuntimeException e) {
      LOG.warn("output filter failed mid-stream; ending the stream (fail closed)", e);
      fail(ApiError.streamWithheld());
    }
  }

  private void handle(ObjectNode event) {
    String type = event.get("type").textValue();
    switch (type) {
      case "message_start" -> {
        if (sawStart) {
          fail(ApiError.upstreamInvalid("a second message_start"));
          return;
        }
        sawStart = true;
        if (event.get("message") instanceof ObjectNode m
            && m.get("content") instanceof com.fasterxml.jackson.databind.node.ArrayNode a
            && !a.isEmpty()) {
          // Content arrives in blocks; content here would skip the filters: withheld.
          m.putArray("content");
        }
        later(event);
      }
      case "ping" -> emit(event);
      case "content_block_start" -> blockStart(event);
      case "content_block_delta" -> blockDelta(event);
      case "content_block_stop" -> blockStop(event);
      case "message_delta" -> {
        if (!sawStart) {
          fail(ApiError.upstreamInvalid("message_delta before message_start"));
          return;
        }
        calls.finish();
        endText();
        later(event);
      }
      case "message_stop" -> {
        if (!sawStart) {
          fail(ApiError.upstreamInvalid("message_stop before message_start"));
          return;
        }
        calls.finish();
        endText();
        later(event);
        complete();
      }
      case "error" -> {
        ApiError e = upstreamError.apply(event);
        emit(WireFormat.ANTHROPIC.body(e));
        finish();
      }
      default ->
          // An event type this gateway does not know could carry text it cannot judge: dropped.
          LOG.debug("dropping unknown Messages stream event type {}", type);
    }
  }

  private Block block(ObjectNode event) {
    int index = event.path("index").asInt(-1);
    Block b = blocks.get(index);
    if (b == null || b.stopped || !event.path("index").isIntegralNumber()) {
      fail(ApiError.upstreamInvalid("an event for a content block that is not open"));
      return null;
    }
    return b;
  }

  private void blockStart(ObjectNode event) {
    JsonNode idx = event.get("index");
    if (!sawStart
        || idx == null
        || !idx.isIntegralNumber()
        || idx.asInt() < 0
        || idx.asInt() >= MAX_BLOCKS
        || blocks.containsKey(idx.asInt())
        || !(event.get("content_block") instanceof ObjectNode cb)) {
      fail(ApiError.upstreamInvalid("an invalid content_block_start"));
      return;
    }
    int index = idx.asInt();
    String type = cb.path("type").asText();
    if (!type.equals("tool_use") && calls.holding()) {
      // A tool_use is held by the joined inputs and could only be sent after this block, out of
      // order: the message ends before the held call (fail closed).
      cutMessage(null);
      return;
    }
    switch (type) {
      case "text", "thinking" -> {
        Block b = new Block(index, type.equals("text") ? Kind.TEXT : Kind.THINKING, event);
        JsonNode initial = cb.get(b.field());
        String first = initial != null && initial.isTextual() ? initial.textValue() : "";
        if (initial != null && !initial.isTextual() && !initial.isNull()) {
          fail(ApiError.upstreamInvalid("a content block with a non-text " + b.field()));
          return;
        }
        if (cb.has("citations") && !cb.get("citations").isNull()) {
          TextStream cs = guard.open();
          cs.whole(cb.get("citations").toString());
          if (cs.cut()) {
            cutMessage(null); // the block was never sent: nothing to close
            return;
          }
        }
        blocks.put(index, b);
        cb.put(b.field(), "");
        show(b);
        if (!first.isEmpty()) {
          feed(b, first);
        }
      }
      case "redacted_thinking" -> {
        Block b = new Block(index, Kind.PASS, event);
        blocks.put(index, b);
        show(b);
      }
      default -> {
        Block b = new Block(index, Kind.HELD, event);
        b.bytes = event.toString().length();
        blocks.put(index, b);
      }
    }
  }

  private void blockDelta(ObjectNode event) {
    Block b = block(event);
    if (b == null) {
      return;
    }
    JsonNode d = event.get("delta");
    String dt = d == null ? "" : d.path("type").asText();
    switch (b.kind) {
      case PASS -> later(event);
      case HELD -> {
        b.events.add(event);
        if (dt.equals("input_json_delta")) {
          JsonNode pj = d.get("partial_json");
          if (pj == null || !pj.isTextual()) {
            fail(ApiError.upstreamInvalid("an input_json_delta without partial_json"));
            return;
          }
          b.json.append(pj.textValue());
        }
        b.bytes += event.toString().length();
        if (b.bytes > maxHeldBytes) {
          LOG.warn("a held content block exceeded {} bytes; cut (fail closed)", maxHeldBytes);
          cutMessage(b);
        }
      }
      case TEXT, THINKING -> {
        if (dt.equals(b.deltaType())) {
          JsonNode t = d.get(b.field());
          if (t == null || !t.isTextual()) {
            fail(ApiError.upstreamInvalid("a " + dt + " without text"));
            return;
          }
          feed(b, t.textValue());
        } else if (dt.equals("signature_delta") && b.kind == Kind.THINKING) {
          b.signatures.add(event);
        } else {
          // citations and other annotations: released only when they hold nothing withheld
          TextStream ts = guard.open();
          ts.whole(d == null ? "" : d.toString());
          if (ts.cut()) {
            cutMessage(b);
            return;
          }
          later(event);
        }
      }
    }
  }

  private void blockStop(ObjectNode event) {
    Block b = block(event);
    if (b == null) {
      return;
    }
    switch (b.kind) {
      case PASS, TEXT, THINKING -> {
        b.stopped = true;
        joined.then(
            () -> {
              for (ObjectNode s : b.signatures) {
                emit(s);
              }
              b.closed = true;
              emit(event);
            });
      }
      case HELD -> {
        ObjectNode whole = ((ObjectNode) b.start.get("content_block")).deepCopy();
        if (!b.json.isEmpty()) {
          try {
            whole.set("input", StrictJson.read(b.json.toString()));
          } catch (StrictJson.Rejected e) {
            LOG.warn("upstream sent a tool input that is not JSON; withheld (fail closed)");
            cutMessage(b);
            return;
          }
        }
        TextStream ts = guard.open();
        ts.whole(whole.toString());
        if (ts.cut()) {
          cutMessage(b);
          return;
        }
        b.stopped = true;
        Runnable release =
            () ->
                joined.then(
                    () -> {
                      tokenSeen();
                      emit(b.start);
                      for (ObjectNode e : b.events) {
                        emit(e);
                      }
                      b.shown = true;
                      b.closed = true;
                      emit(event);
                    });
        if (whole.path("type").asText().equals("tool_use")) {
          // Released once the inputs of all tool_use blocks, judged as one text, pass through it.
          calls.add(ToolArguments.text(whole.get("input")), release);
          if (calls.cut()) {
            cutMessage(b);
          }
        } else {
          release.run();
        }
      }
    }
  }

  /** Sends a streamed block's start once the text before it is released. */
  private void show(Block b) {
    joined.then(
        () -> {
          b.shown = true;
          emit(b.start);
        });
  }

  /** Sends {@code event} once the text before it is released. */
  private void later(ObjectNode event) {
    joined.then(() -> emit(event));
  }

  private void feed(Block b, String text) {
    long before = releasedChars;
    joined.feed(b, text);
    if (joined.cut()) {
      cutMessage(joined.cutSegment());
    } else if (releasedChars == before && joined.keepAliveWanted()) {
      emit(F.objectNode().put("type", "ping"));
    }
  }

  /** The message's text is complete: what it still holds is released. */
  private void endText() {
    joined.finish();
    if (joined.cut()) {
      cutMessage(joined.cutSegment());
    }
  }

  private void delta(Block b, String text) {
    if (text.isEmpty() || finished) {
      return;
    }
    tokenSeen();
    releasedChars += text.length();
    ObjectNode e = F.objectNode().put("type", "content_block_delta").put("index", b.index);
    e.putObject("delta").put("type", b.deltaType()).put(b.field(), text);
    emit(e);
  }

  private void tokenSeen() {
    if (!tokenSeen) {
      tokenSeen = true;
      firstToken.run();
    }
  }

  /**
   * Ends the message at a cut: the upstream is stopped; when the cut is not in the text, the text
   * before it is released (no later text can complete a match) with the events queued behind it;
   * blocks the client saw open are closed (their released text stays), a held block is dropped, and
   * the message ends with {@code stop_reason: "refusal"}.
   */
  private void cutMessage(Block at) {
    if (finished) {
      return;
    }
    cut = true;
    guard.markCut();
    handle.cancel();
    if (!joined.cut()) {
      joined.finish();
    }
    blocks.values().stream()
        .filter(b -> b.shown && !b.closed)
        .sorted((x, y) -> Integer.compare(x.index, y.index))
        .forEach(
            b -> {
              b.closed = true;
              emit(F.objectNode().put("type", "content_block_stop").put("index", b.index));
            });
    if (at != null) {
      at.stopped = true;
    }
    emit(MessagesRequest.messageDelta("refusal", (int) ((releasedChars + 3) / 4)));
    emit(F.objectNode().put("type", "message_stop"));
    finish();
  }

  @Override
  public void onEnd() {
    if (finished) {
      return;
    }
    out.start();
    fail(ApiError.upstreamTruncated());
  }

  @Override
  public void onError(BackendException error) {
    if (finished) {
      return;
    }
    out.start();
    fail(ApiError.of(error));
  }

  /** Ends the stream with an {@code error} event (nothing the filters hold is released). */
  private void fail(ApiError e) {
    if (finished) {
      return;
    }
    emit(WireFormat.ANTHROPIC.body(e));
    finish();
  }

  private void emit(ObjectNode event) {
    if (finished) {
      return;
    }
    out.writeEvent(event.path("type").asText("message"), event);
  }

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    handle.cancel();
    out.end(null);
  }

  /**
   * Ends the client's stream after the upstream's {@code message_stop}. The upstream said all it
   * had to say: its response is left to end by itself, so its connection goes back to the pool —
   * resetting it here, before the end of the body had been read, closed the connection whenever
   * {@code message_stop} and the end arrived in separate reads. Anything after this is ignored; an
   * upstream that never ends is stopped by the backend's idle and total timeouts.
   */
  private void complete() {
    if (finished) {
      return;
    }
    if (cut) {
      finish();
      return;
    }
    finished = true;
    out.end(null);
  }
}

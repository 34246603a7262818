package dev.lethe.gateway.openai;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.gateway.backend.Backend;
import dev.lethe.gateway.backend.BackendException;
import dev.lethe.gateway.backend.CallHandle;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.errors.WireFormat;
import dev.lethe.gateway.guard.OutputGuard;
import dev.lethe.gateway.guard.SseOut;
import dev.lethe.gateway.guard.TextStream;
import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Function;

/**
 * Relays one streamed legacy completion through the output guard: each choice's {@code text} is
 * judged by its own {@link TextStream} and only what it releases is sent; a chunk that finishes a
 * choice carries the text it still held. A cut choice ends at once with {@code finish_reason:
 * "content_filter"} and its later chunks are dropped; once every expected choice ended after a cut,
 * the upstream is stopped and the stream ends (with an estimated usage chunk when the client asked
 * for usage). Upstream error events are passed on screened; a stream that ends early is reported
 * with an error event and no {@code [DONE]}. Runs on the request's event loop.
 */
public final class TextCompletionRelay implements Backend.StreamEvents {
  private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");

  private final SseOut out;
  private final OutputGuard guard;
  private final CallHandle handle;
  private final Function<ObjectNode, ObjectNode> upstreamError;
  private final int expected;
  private final boolean wantsUsage;
  private final int promptTokens;
  private final Map<Integer, TextStream> texts = new HashMap<>();
  private final java.util.Set<Integer> ended = new java.util.HashSet<>();
  private ObjectNode template;
  private boolean sawDone;
  private boolean sawUsage;
  private boolean anyCut;
  private boolean finished;
  private long releasedChars;

  /**
   * A relay for one response.
   *
   * @param expected the number of choices the request asked for (prompts × n)
   * @param upstreamError turns an upstream error event into the screened event to send
   */
  public TextCompletionRelay(
      SseOut out,
      OutputGuard guard,
      CallHandle handle,
      Function<ObjectNode, ObjectNode> upstreamError,
      int expected,
      boolean wantsUsage,
      int promptTokens) {
    this.out = requireNonNull(out, "out");
    this.guard = requireNonNull(guard, "guard");
    this.handle = requireNonNull(handle, "handle");
    this.upstreamError = requireNonNull(upstreamError, "upstreamError");
    this.expected = Math.max(1, expected);
    this.wantsUsage = wantsUsage;
    this.promptTokens = promptTokens;
  }

  @Override
  public void onData(String data) {
    if (finished) {
      return;
    }
    out.start();
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
      out.writeData(upstreamError.apply(chunk));
      finish(false);
      return;
    }
    try {
      relay(chunk);
    } catch (RuntimeException e) {
      fail(ApiError.streamWithheld());
    }
  }

  private void relay(ObjectNode chunk) {
    if (template == null) {
      template = chunk.deepCopy();
      template.remove(java.util.List.of("choices", "usage"));
    }
    if (chunk.hasNonNull("usage")) {
      sawUsage = true;
    }
    JsonNode cs = chunk.get("choices");
    boolean held = false;
    if (cs instanceof ArrayNode array) {
      Iterator<JsonNode> it = array.elements();
      while (it.hasNext()) {
        JsonNode n = it.next();
        int i = n.path("index").asInt(-1);
        if (!(n instanceof ObjectNode c) || i < 0 || i >= 4096 || ended.contains(i)) {
          it.remove();
          continue;
        }
        if (guard.active()) {
          c.putNull("logprobs");
        }
        TextStream ts = texts.computeIfAbsent(i, k -> guard.open());
        JsonNode t = c.get("text");
        String released = "";
        if (t != null && !t.isNull()) {
          released = t.isTextual() ? ts.feed(t.textValue()) : "";
          if (!t.isTextual()) {
            ts = null;
          }
        }
        boolean finishing = c.hasNonNull("finish_reason");
        if (ts == null || ts.cut()) {
          guard.markCut();
          c.put("text", released);
          c.put("finish_reason", "content_filter");
          ended.add(i);
          anyCut = true;
        } else if (finishing) {
          released += ts.finish();
          c.put("text", released);
          if (ts.cut()) {
            c.put("finish_reason", "content_filter");
            anyCut = true;
          }
          ended.add(i);
        } else {
          c.put("text", released);
          if (released.isEmpty()) {
            held |= ts.keepAliveWanted();
            it.remove();
          }
        }
        releasedChars += released.length();
      }
      if (!array.isEmpty() || chunk.hasNonNull("usage")) {
        out.writeData(chunk);
      } else if (held) {
        out.keepAlive();
      }
    } else if (chunk.hasNonNull("usage")) {
      out.writeData(chunk);
    }
    if (anyCut && ended.size() >= expected) {
      handle.cancel();
      if (wantsUsage && !sawUsage && template != null) {
        ObjectNode u = template.deepCopy();
        u.putArray("choices");
        int completion = (int) ((releasedChars + 3) / 4);
        u.putObject("usage")
            .put("prompt_tokens", promptTokens)
            .put("completion_tokens", completion)
            .put("total_tokens", promptTokens + completion);
        out.writeData(u);
      }
      finish(true);
    }
  }

  @Override
  public void onEnd() {
    if (finished) {
      return;
    }
    out.start();
    if (!sawDone && ended.size() < expected) {
      fail(ApiError.upstreamTruncated());
      return;
    }
    try {
      for (Map.Entry<Integer, TextStream> e : texts.entrySet()) {
        if (!ended.contains(e.getKey()) && template != null) {
          String tail = e.getValue().finish();
          if (!tail.isEmpty()) {
            out.writeData(TextCompletions.chunk(template, e.getKey(), tail));
          }
        }
      }
    } catch (RuntimeException e) {
      fail(ApiError.streamWithheld());
      return;
    }
    finish(true);
  }

  @Override
  public void onError(BackendException error) {
    if (finished) {
      return;
    }
    out.start();
    fail(ApiError.of(error));
  }

  private void fail(ApiError e) {
    out.writeData(WireFormat.OPENAI.body(e));
    finish(false);
  }

  private void finish(boolean done) {
    if (finished) {
      return;
    }
    finished = true;
    handle.cancel();
    out.end(done ? DONE : null);
  }
}

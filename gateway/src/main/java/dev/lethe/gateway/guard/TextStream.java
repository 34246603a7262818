package dev.lethe.gateway.guard;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.filters.ChunkSink;
import dev.lethe.filters.ResponseFilter;
import dev.lethe.filters.output.OutputFilter;

/**
 * One piece of output text judged by the response filters, streamed ({@link #feed} then {@link
 * #finish}) or whole ({@link #whole}). The text travels through the filters as the {@code content}
 * of a one-choice chat completion, so every surface gets the chat path's judgement: the released
 * text is the original up to the start of the first match (plus the configured replacement text),
 * whatever the chunking, and nothing after it.
 *
 * <p>After a cut ({@link #cut()}), nothing more is released. {@link #keepAliveWanted()} tells the
 * caller that text is held back and it may send a keep-alive. A filter that throws propagates the
 * exception: the caller must fail closed (withhold the rest and end the answer with an error). One
 * instance per text, used from one thread.
 */
public final class TextStream {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final ResponseFilter filter;
  private final StringBuilder released = new StringBuilder();

  /** Text fed and not yet released: what a release of original text must start with. */
  private final StringBuilder pending = new StringBuilder();

  private int lastOriginal;
  private final ChunkSink sink =
      new ChunkSink() {
        @Override
        public void emit(ObjectNode chunk) {
          for (JsonNode c : chunk.path("choices")) {
            JsonNode content = c.path("delta").path("content");
            if (content.isTextual()) {
              released.append(content.textValue());
            }
            if (OutputFilter.CONTENT_FILTER.equals(c.path("finish_reason").asText(null))) {
              cut = true;
              onCut.run();
            }
          }
        }

        @Override
        public void keepAlive() {
          keepAlive = true;
        }
      };
  private boolean cut;
  private boolean ended;
  private boolean keepAlive;

  private final Runnable onCut;

  TextStream(ResponseFilter filter) {
    this(filter, () -> {});
  }

  TextStream(ResponseFilter filter, Runnable onCut) {
    this.filter = requireNonNull(filter, "filter");
    this.onCut = requireNonNull(onCut, "onCut");
  }

  /**
   * Feeds the next piece of the text and returns what may be released now (possibly empty; after a
   * cut, the released prefix and then nothing).
   */
  public String feed(String delta) {
    requireNonNull(delta, "delta");
    if (cut || ended) {
      return "";
    }
    keepAlive = false;
    pending.append(delta);
    filter.onChunk(chunk(delta, null), sink);
    return drain();
  }

  /** The text is complete: returns what was still held back (nothing after a cut). */
  public String finish() {
    if (ended) {
      return "";
    }
    if (!cut) {
      filter.onChunk(chunk("", "stop"), sink);
      filter.onEnd(sink);
    }
    ended = true;
    return drain();
  }

  /**
   * Judges a whole text (a non-streamed answer) and returns what may be released: the text itself,
   * or on a cut the prefix before the first match (plus the replacement text), with {@link #cut()}
   * then true.
   */
  public String whole(String text) {
    requireNonNull(text, "text");
    if (ended || cut) {
      throw new IllegalStateException("whole: this text stream was already used");
    }
    ended = true;
    ObjectNode completion = F.objectNode();
    completion.put("object", "chat.completion");
    ObjectNode choice = completion.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("message").put("role", "assistant").put("content", text);
    choice.put("finish_reason", "stop");
    ObjectNode out = filter.onComplete(completion);
    JsonNode c = out.path("choices").path(0);
    cut = OutputFilter.CONTENT_FILTER.equals(c.path("finish_reason").asText(null));
    if (cut) {
      onCut.run();
    }
    JsonNode content = c.path("message").path("content");
    return content.isTextual() ? content.textValue() : "";
  }

  /** True once the filters cut this text: nothing after the released prefix may reach a client. */
  public boolean cut() {
    return cut;
  }

  /**
   * True when the last {@link #feed} held everything back and the filter asked for a keep-alive.
   */
  public boolean keepAliveWanted() {
    return keepAlive;
  }

  /**
   * Of the text the last {@link #feed} or {@link #finish} returned, how many leading chars are the
   * fed text itself; the rest (only at a cut) is the configured replacement text.
   */
  public int originalLength() {
    return lastOriginal;
  }

  private String drain() {
    if (released.isEmpty()) {
      lastOriginal = 0;
      return "";
    }
    String s = released.toString();
    released.setLength(0);
    int n = 0;
    int max = Math.min(s.length(), pending.length());
    while (n < max && s.charAt(n) == pending.charAt(n)) {
      n++;
    }
    pending.delete(0, n);
    lastOriginal = n;
    return s;
  }

  private static ObjectNode chunk(String content, String finish) {
    ObjectNode chunk = F.objectNode();
    chunk.put("id", "lethe-text");
    chunk.put("object", "chat.completion.chunk");
    chunk.put("created", 0);
    chunk.put("model", "");
    ObjectNode c = chunk.putArray("choices").addObject();
    c.put("index", 0);
    c.putObject("delta").put("content", content);
    c.putNull("logprobs");
    if (finish == null) {
      c.putNull("finish_reason");
    } else {
      c.put("finish_reason", finish);
    }
    return chunk;
  }
}

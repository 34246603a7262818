package dev.lethe.gateway.guard;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.filters.ChunkSink;
import dev.lethe.filters.ResponseFilter;
import dev.lethe.filters.output.OutputFilter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Keeps a streamed tool call from reaching a chat-completions client until the output filters
 * have judged all of it: each choice's {@code tool_calls} deltas (id, name, argument fragments) are
 * held and released whole, in the chunk that ends the choice. When the filters end the choice with
 * {@code content_filter}, its held calls are dropped: a client never receives a call whose
 * arguments were cut (a truncated call like {@code {"code":"} that some stream parsers complete
 * into a valid, executable call). The legacy {@code function_call} is held the same way. Text
 * content streams as before; only tool calls lose their incremental delivery, and a keep-alive is
 * asked for while they are held.
 *
 * <p>Wraps the pipeline's response filter (it sees what the filters release). A non-streamed
 * answer loses every call whose arguments the filters shortened ({@link #onComplete}). One
 * instance per response.
 */
public final class ToolCallHold implements ResponseFilter {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final ResponseFilter inner;
  private final Supplier<ResponseFilter> fresh;
  private final Map<Integer, Map<Integer, ObjectNode>> held = new HashMap<>();
  private final Map<Integer, ObjectNode> heldLegacy = new HashMap<>();

  private ToolCallHold(ResponseFilter inner, Supplier<ResponseFilter> fresh) {
    this.inner = requireNonNull(inner, "inner");
    this.fresh = requireNonNull(fresh, "fresh");
  }

  /**
   * {@code filter} with tool calls held until judged, each on its own and all of a choice's
   * together ({@link ToolArguments}, each time by a new filter from {@code fresh}); the identity
   * filter stays as it is.
   */
  public static ResponseFilter around(ResponseFilter filter, Supplier<ResponseFilter> fresh) {
    return filter == ResponseFilter.identity() ? filter : new ToolCallHold(filter, fresh);
  }

  @Override
  public void onChunk(ObjectNode chunk, ChunkSink out) {
    inner.onChunk(chunk, sink(out));
  }

  @Override
  public void onEnd(ChunkSink out) {
    ChunkSink s = sink(out);
    inner.onEnd(s);
    // The backend ended without finishing these choices: release what was judged uncut.
    if (!held.isEmpty() || !heldLegacy.isEmpty()) {
      ObjectNode chunk = F.objectNode();
      chunk.put("object", "chat.completion.chunk");
      ArrayNode choices = chunk.putArray("choices");
      for (Integer i : new java.util.TreeSet<>(union())) {
        ObjectNode c = choices.addObject();
        c.put("index", i);
        c.putNull("finish_reason");
        release(i, c, c.putObject("delta"));
      }
      out.emit(chunk);
    }
  }

  private java.util.Set<Integer> union() {
    java.util.Set<Integer> s = new java.util.HashSet<>(held.keySet());
    s.addAll(heldLegacy.keySet());
    return s;
  }

  /**
   * Judges a whole answer with the inner filters, then drops from every choice they ended with
   * {@code content_filter} each tool call (and legacy {@code function_call}) whose arguments they
   * shortened: only calls judged whole and uncut remain.
   */
  @Override
  public ObjectNode onComplete(ObjectNode response) {
    Map<Integer, List<String>> before = new HashMap<>();
    for (JsonNode c : response.path("choices")) {
      List<String> args = new ArrayList<>();
      for (JsonNode call : c.path("message").path("tool_calls")) {
        args.add(call.path("function").path("arguments").asText(null));
      }
      args.add(c.path("message").path("function_call").path("arguments").asText(null));
      before.put(c.path("index").asInt(0), args);
    }
    ObjectNode out = inner.onComplete(response);
    joined(out);
    for (JsonNode c : out.path("choices")) {
      if (!OutputFilter.CONTENT_FILTER.equals(c.path("finish_reason").asText())
          || !(c.get("message") instanceof ObjectNode m)) {
        continue;
      }
      List<String> was = before.getOrDefault(c.path("index").asInt(0), List.of());
      if (m.get("tool_calls") instanceof ArrayNode calls) {
        for (int k = calls.size() - 1; k >= 0; k--) {
          String now = calls.get(k).path("function").path("arguments").asText(null);
          if (k >= was.size() - 1 || now == null || !now.equals(was.get(k))) {
            calls.remove(k);
          }
        }
        if (calls.isEmpty()) {
          m.remove("tool_calls");
        }
      }
      if (m.get("function_call") instanceof ObjectNode fc) {
        String now = fc.path("arguments").asText(null);
        if (was.isEmpty() || now == null || !now.equals(was.get(was.size() - 1))) {
          m.remove("function_call");
        }
      }
    }
    return out;
  }

  /**
   * The calls of each choice of a whole answer judged together ({@link ToolArguments}): a choice
   * whose joined arguments are cut keeps only the calls before the one the match starts in and ends
   * with {@code content_filter}.
   */
  private void joined(ObjectNode completion) {
    for (JsonNode c : completion.path("choices")) {
      if (!(c instanceof ObjectNode choice) || !(c.get("message") instanceof ObjectNode m)) {
        continue;
      }
      ArrayNode calls = m.get("tool_calls") instanceof ArrayNode a ? a : F.arrayNode();
      List<String> texts = new ArrayList<>();
      for (JsonNode call : calls) {
        texts.add(ToolArguments.text(call.path("function").path("arguments").asText("")));
      }
      boolean legacy = m.get("function_call") instanceof ObjectNode;
      if (legacy) {
        texts.add(ToolArguments.text(m.path("function_call").path("arguments").asText("")));
      }
      if (texts.size() < 2) {
        continue;
      }
      int kept = ToolArguments.kept(judge(), texts);
      if (kept == texts.size()) {
        continue;
      }
      choice.put("finish_reason", OutputFilter.CONTENT_FILTER);
      if (legacy) {
        m.remove("function_call");
      }
      while (calls.size() > kept) {
        calls.remove(calls.size() - 1);
      }
      if (calls.isEmpty()) {
        m.remove("tool_calls");
      }
    }
  }

  @Override
  public boolean upstreamNoLongerNeeded() {
    return inner.upstreamNoLongerNeeded();
  }

  private ChunkSink sink(ChunkSink out) {
    return new ChunkSink() {
      @Override
      public void emit(ObjectNode chunk) {
        if (hold(chunk)) {
          out.emit(chunk);
        } else {
          out.keepAlive();
        }
      }

      @Override
      public void keepAlive() {
        out.keepAlive();
      }
    };
  }

  /** Takes the tool calls out of {@code chunk}; returns false when nothing is left to send. */
  private boolean hold(ObjectNode chunk) {
    if (!(chunk.get("choices") instanceof ArrayNode choices) || choices.isEmpty()) {
      return true;
    }
    boolean tookAll = true;
    Iterator<JsonNode> it = choices.elements();
    while (it.hasNext()) {
      if (!(it.next() instanceof ObjectNode c)) {
        continue;
      }
      int index = c.path("index").asInt(0);
      ObjectNode delta = c.get("delta") instanceof ObjectNode d ? d : null;
      boolean took = false;
      if (delta != null && delta.get("tool_calls") instanceof ArrayNode calls) {
        Map<Integer, ObjectNode> mine = held.computeIfAbsent(index, k -> new TreeMap<>());
        for (JsonNode call : calls) {
          merge(mine.computeIfAbsent(call.path("index").asInt(0), k -> F.objectNode()), call);
        }
        delta.remove("tool_calls");
        took = true;
      }
      if (delta != null && delta.get("function_call") instanceof ObjectNode fc) {
        ObjectNode h = heldLegacy.computeIfAbsent(index, k -> F.objectNode());
        append(h, "name", fc.get("name"));
        append(h, "arguments", fc.get("arguments"));
        delta.remove("function_call");
        took = true;
      }
      JsonNode finish = c.get("finish_reason");
      if (finish != null && !finish.isNull()) {
        if (OutputFilter.CONTENT_FILTER.equals(finish.asText())) {
          held.remove(index);
          heldLegacy.remove(index);
        } else {
          if (delta == null) {
            delta = c.putObject("delta");
          }
          release(index, c, delta);
        }
        tookAll = false;
        continue;
      }
      boolean empty =
          delta == null
              || (delta.isEmpty() && (c.get("logprobs") == null || c.get("logprobs").isNull()));
      if (took && empty) {
        it.remove();
      } else {
        tookAll = false;
      }
    }
    return !tookAll || !choices.isEmpty() || chunk.hasNonNull("usage");
  }

  /**
   * Puts the held calls of choice {@code index} into {@code delta}: those the joined judgement of
   * all their arguments keeps; when it drops any, {@code choice} ends with {@code content_filter}.
   */
  private void release(int index, ObjectNode choice, ObjectNode delta) {
    Map<Integer, ObjectNode> calls = held.remove(index);
    ObjectNode legacy = heldLegacy.remove(index);
    List<String> texts = new ArrayList<>();
    if (calls != null) {
      calls
          .values()
          .forEach(
              c -> texts.add(ToolArguments.text(c.path("function").path("arguments").asText(""))));
    }
    if (legacy != null) {
      texts.add(ToolArguments.text(legacy.path("arguments").asText("")));
    }
    int kept = texts.size() < 2 ? texts.size() : ToolArguments.kept(judge(), texts);
    if (kept < texts.size()) {
      choice.put("finish_reason", OutputFilter.CONTENT_FILTER);
      legacy = null; // the last of the texts: dropped whenever any call is
      if (calls != null) {
        int seen = 0;
        for (Iterator<Integer> it = calls.keySet().iterator(); it.hasNext(); ) {
          it.next();
          if (seen++ >= kept) {
            it.remove();
          }
        }
      }
    }
    if (calls != null && !calls.isEmpty()) {
      ArrayNode out = delta.putArray("tool_calls");
      calls.forEach(
          (k, call) -> {
            ObjectNode c = out.addObject();
            c.put("index", k);
            c.setAll(call);
          });
    }
    if (legacy != null) {
      delta.set("function_call", legacy);
    }
  }

  /** A fresh judge for the joined arguments of one choice's calls. */
  private TextStream judge() {
    return new TextStream(fresh.get());
  }

  private static void merge(ObjectNode into, JsonNode call) {
    call.fields()
        .forEachRemaining(
            e -> {
              switch (e.getKey()) {
                case "index" -> {}
                case "function" -> {
                  ObjectNode fn =
                      into.get("function") instanceof ObjectNode o ? o : into.putObject("function");
                  append(fn, "name", e.getValue().get("name"));
                  append(fn, "arguments", e.getValue().get("arguments"));
                }
                default -> {
                  if (!e.getValue().isNull()) {
                    into.set(e.getKey(), e.getValue().deepCopy());
                  }
                }
              }
            });
  }

  private static void append(ObjectNode holder, String name, JsonNode piece) {
    if (piece == null || !piece.isTextual()) {
      return;
    }
    JsonNode have = holder.get(name);
    holder.put(
        name, (have != null && have.isTextual() ? have.textValue() : "") + piece.textValue());
  }
}

package dev.lethe.filters.output;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.filters.ChunkSink;
import dev.lethe.filters.ResponseFilter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The streaming-safe output filter for one response: no text that matches an output pattern (in the
 * {@link TextNormalizer normalised view}) is ever released, and everything else is released as
 * early as possible.
 *
 * <p><b>Hold-back.</b> Every text field of every choice ({@code content}, {@code refusal}, each
 * tool call's {@code function.arguments} keyed by tool-call index, and the legacy {@code
 * function_call.arguments}) is matched on its own. After each chunk, a field holds back only the
 * original chars that map to the automaton's current partial match (at most the longest normalised
 * pattern minus one normalised chars, plus invisible chars in between) and a trailing high
 * surrogate; everything before is released in the chunk just received. Log probabilities of a
 * choice are released only once none of its text is held.
 *
 * <p><b>Hit.</b> When a pattern matches, that choice releases the text before the match (and the
 * held text of its other fields, which contains no match), then ends with {@code finish_reason:
 * "content_filter"}, after the configured replacement text; its later chunks are dropped. The
 * visible text is therefore the original text up to the start of the first match (the match that
 * ends first; of those, the longest), whatever the chunking. {@link #upstreamNoLongerNeeded()}
 * turns true once every expected choice has ended and at least one was cut.
 *
 * <p><b>Ends.</b> A chunk with a {@code finish_reason} flushes that choice's held text into the
 * same chunk, since no more text can complete a match. Chunks without choices (usage, errors) pass
 * through in order, but wait while any text is held so that they stay last. {@link #onEnd} releases
 * what choices that never finished still hold.
 *
 * <p><b>Non-streaming.</b> {@link #onComplete} gives the same judgement over the full text of each
 * field, in the order a stream carries them (content, refusal, function call, tool calls), with the
 * same visible text.
 *
 * <p><b>Snapshot.</b> The filter judges by the patterns of the rule-set snapshot the request
 * started with; a rule added while a response streams applies to later requests only.
 *
 * <p><b>Fail closed.</b> When a rule that asks to fail closed could not be compiled, every choice
 * ends with {@code content_filter} before any of its text is released. So does a choice with a text
 * field that is not a string, or a field that would have to hold back more than {@value #MAX_HELD}
 * chars. Chunks are modified in place. Not thread-safe: one instance per response, called
 * sequentially, never blocking.
 */
public final class OutputFilter implements ResponseFilter {

  /** The finish reason of a choice this filter ended. */
  public static final String CONTENT_FILTER = "content_filter";

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final int MAX_CHOICES = 1024;

  /**
   * The most original chars one field may hold back (a partial match padded with endless invisible
   * chars); beyond it the choice ends with {@code content_filter}.
   */
  static final int MAX_HELD = 1 << 16;

  private final OutputPatterns patterns;
  private final AhoCorasick automaton;
  private final OutputFilterMetrics metrics;
  private final String replacement;
  private final boolean keepAlive;
  private final int expectedChoices;
  private final int ringMask;

  private final List<Choice> choices = new ArrayList<>();
  private final ArrayDeque<ObjectNode> deferred = new ArrayDeque<>();
  private ObjectNode template;
  private int ended;
  private boolean anyCut;

  /**
   * Creates the filter for one response.
   *
   * @param patterns the compiled patterns of the request's snapshot
   * @param config the filter settings
   * @param metrics where hits, hold-back and fail-opens are counted
   * @param expectedChoices the number of choices the request asked for ({@code n}), {@code >= 1}
   */
  public OutputFilter(
      OutputPatterns patterns,
      OutputFilterConfig config,
      OutputFilterMetrics metrics,
      int expectedChoices) {
    this.patterns = requireNonNull(patterns, "patterns");
    requireNonNull(config, "config");
    this.metrics = requireNonNull(metrics, "metrics");
    if (expectedChoices < 1) {
      throw new IllegalArgumentException(
          "expectedChoices: " + expectedChoices + " (expected: >= 1)");
    }
    this.automaton = patterns.automaton();
    this.expectedChoices = expectedChoices;
    this.keepAlive = config.keepAlive();
    String r = config.replacementText();
    this.replacement = automaton.firstMatch(TextNormalizer.normalize(r)) == null ? r : "";
    this.ringMask = Integer.highestOneBit(Math.max(1, automaton.maxPatternLength()) * 2 - 1) - 1;
    for (String ruleId : patterns.failedOpen()) {
      metrics.failOpen(ruleId);
    }
    if (patterns.failClosed()) {
      metrics.failClosed();
    }
  }

  // ---------------------------------------------------------------- streaming

  @Override
  public void onChunk(ObjectNode chunk, ChunkSink out) {
    JsonNode cs = chunk.get("choices");
    if (!(cs instanceof ArrayNode array) || array.isEmpty()) {
      if (anyHeld() || !deferred.isEmpty()) {
        deferred.add(chunk);
      } else {
        out.emit(chunk);
      }
      return;
    }
    if (template == null) {
      template = templateOf(chunk);
    }
    boolean hadText = false;
    long heldBefore = -1;
    List<ObjectNode> cuts = null;
    Iterator<JsonNode> it = array.elements();
    while (it.hasNext()) {
      JsonNode node = it.next();
      Choice st = node instanceof ObjectNode c ? choice(c.path("index").asInt(-1)) : null;
      if (st == null || st.ended) {
        it.remove();
        continue;
      }
      ObjectNode c = (ObjectNode) node;
      if (patterns.failClosed()) {
        it.remove();
        cuts = add(cuts, cut(st));
        continue;
      }
      Outcome o = st.process(c);
      hadText |= o.hadText;
      if (o.cut) {
        cuts = add(cuts, cut(st));
      }
      if (!o.keep) {
        it.remove();
      }
    }
    if (hadText) {
      heldBefore = heldChars();
      metrics.held(heldBefore);
    }
    JsonNode usage = chunk.get("usage");
    if (!array.isEmpty() || (usage != null && !usage.isNull())) {
      out.emit(chunk);
    } else if (hadText && keepAlive && cuts == null) {
      out.keepAlive();
    }
    if (cuts != null) {
      for (ObjectNode c : cuts) {
        out.emit(c);
      }
    }
    if (!deferred.isEmpty() && !anyHeld()) {
      while (!deferred.isEmpty()) {
        out.emit(deferred.poll());
      }
    }
  }

  @Override
  public void onEnd(ChunkSink out) {
    ArrayNode flushed = JSON.arrayNode();
    for (Choice st : choices) {
      if (st == null || st.ended) {
        continue;
      }
      ObjectNode c = flushed.addObject();
      c.put("index", st.index);
      ObjectNode delta = c.putObject("delta");
      st.flushInto(delta);
      if (st.pendingLogprobs != null) {
        c.set("logprobs", st.pendingLogprobs);
        st.pendingLogprobs = null;
      } else {
        c.putNull("logprobs");
      }
      c.putNull("finish_reason");
      if (delta.isEmpty() && c.get("logprobs").isNull()) {
        flushed.remove(flushed.size() - 1);
      }
    }
    if (!flushed.isEmpty()) {
      ObjectNode chunk = template.deepCopy();
      chunk.set("choices", flushed);
      out.emit(chunk);
    }
    while (!deferred.isEmpty()) {
      out.emit(deferred.poll());
    }
  }

  @Override
  public boolean upstreamNoLongerNeeded() {
    return anyCut && ended >= Math.max(expectedChoices, countSeen());
  }

  private int countSeen() {
    int n = 0;
    for (Choice c : choices) {
      n += c == null ? 0 : 1;
    }
    return n;
  }

  private static List<ObjectNode> add(List<ObjectNode> list, ObjectNode x) {
    List<ObjectNode> l = list == null ? new ArrayList<>(2) : list;
    l.add(x);
    return l;
  }

  private Choice choice(int index) {
    if (index < 0 || index >= MAX_CHOICES) {
      return null;
    }
    while (choices.size() <= index) {
      choices.add(null);
    }
    Choice c = choices.get(index);
    if (c == null) {
      c = new Choice(index);
      choices.set(index, c);
    }
    return c;
  }

  private boolean anyHeld() {
    for (Choice c : choices) {
      if (c != null && !c.ended && c.holds()) {
        return true;
      }
    }
    return false;
  }

  private long heldChars() {
    long n = 0;
    for (Choice c : choices) {
      if (c != null && !c.ended) {
        n += c.heldChars();
      }
    }
    return n;
  }

  private static ObjectNode templateOf(ObjectNode chunk) {
    ObjectNode t = JSON.objectNode();
    chunk
        .fields()
        .forEachRemaining(
            e -> {
              String k = e.getKey();
              if (!k.equals("choices") && !k.equals("usage")) {
                t.set(k, e.getValue().deepCopy());
              }
            });
    return t;
  }

  /** Ends {@code st} as cut and builds the chunk that says so. */
  private ObjectNode cut(Choice st) {
    st.end(true);
    ObjectNode chunk = template.deepCopy();
    ObjectNode c = chunk.putArray("choices").addObject();
    c.put("index", st.index);
    ObjectNode delta = c.putObject("delta");
    if (!st.roleSent) {
      delta.put("role", "assistant");
    }
    if (!replacement.isEmpty()) {
      delta.put("content", replacement);
    }
    c.putNull("logprobs");
    c.put("finish_reason", CONTENT_FILTER);
    return chunk;
  }

  // ---------------------------------------------------------------- non-streaming

  @Override
  public ObjectNode onComplete(ObjectNode response) {
    requireNonNull(response, "response");
    JsonNode cs = response.get("choices");
    if (!(cs instanceof ArrayNode array)) {
      return response;
    }
    for (JsonNode node : array) {
      if (!(node instanceof ObjectNode c)) {
        continue;
      }
      JsonNode m = c.get("message");
      ObjectNode message = m instanceof ObjectNode o ? o : c.putObject("message");
      String prefix = patterns.failClosed() ? "" : judge(message);
      if (prefix == null) {
        continue;
      }
      if (patterns.failClosed()) {
        message.put("content", "");
        message.remove(List.of("refusal", "tool_calls", "function_call"));
      }
      if (!replacement.isEmpty()) {
        JsonNode content = message.get("content");
        String before = content != null && content.isTextual() ? content.textValue() : "";
        message.put("content", before + replacement);
      }
      c.putNull("logprobs");
      c.put("finish_reason", CONTENT_FILTER);
    }
    return response;
  }

  /**
   * Judges one message in stream order and truncates it at the first match.
   *
   * @return {@code null} when nothing matched, else the released prefix of the hit field
   */
  private String judge(ObjectNode message) {
    List<Slot> slots = new ArrayList<>(4);
    slots.add(new Slot(message, "content"));
    slots.add(new Slot(message, "refusal"));
    if (message.get("function_call") instanceof ObjectNode fc) {
      slots.add(new Slot(fc, "arguments"));
    }
    if (message.get("tool_calls") instanceof ArrayNode calls) {
      for (JsonNode call : calls) {
        if (call instanceof ObjectNode o && o.get("function") instanceof ObjectNode fn) {
          slots.add(new Slot(fn, "arguments"));
        }
      }
    }
    for (int i = 0; i < slots.size(); i++) {
      Slot s = slots.get(i);
      JsonNode v = s.holder.get(s.name);
      if (v == null || v.isNull()) {
        continue;
      }
      String prefix;
      if (!v.isTextual()) {
        prefix = ""; // an unexpected shape cannot be judged: fail closed
      } else {
        Field f = new Field();
        String released = f.feed(v.textValue());
        if (f.hitStart < 0) {
          continue;
        }
        metrics.hit(patterns.ruleId(f.hitPayload));
        prefix = released;
      }
      s.holder.put(s.name, prefix);
      // Everything a stream would have carried after the match is dropped.
      dropAfter(message, slots, i);
      return prefix;
    }
    return null;
  }

  private static void dropAfter(ObjectNode message, List<Slot> slots, int hit) {
    Slot s = slots.get(hit);
    boolean inContent = s.holder == message && s.name.equals("content");
    boolean inRefusal = s.holder == message && s.name.equals("refusal");
    if (inContent) {
      message.remove(List.of("refusal", "function_call", "tool_calls"));
      return;
    }
    if (inRefusal) {
      message.remove(List.of("function_call", "tool_calls"));
      return;
    }
    if (message.get("function_call") == s.holder) {
      message.remove("tool_calls");
      return;
    }
    if (message.get("tool_calls") instanceof ArrayNode calls) {
      int keep = 0;
      for (JsonNode call : calls) {
        keep++;
        if (call.get("function") == s.holder) {
          break;
        }
      }
      while (calls.size() > keep) {
        calls.remove(calls.size() - 1);
      }
    }
  }

  private record Slot(ObjectNode holder, String name) {}

  // ---------------------------------------------------------------- per-choice state

  /** What processing one streamed choice did. */
  private record Outcome(boolean hadText, boolean cut, boolean keep) {}

  /** The state of one choice of a streamed response. */
  private final class Choice {
    final int index;
    Field content;
    Field refusal;
    Field functionCall;
    final Map<Integer, Field> toolCalls = new TreeMap<>();
    ObjectNode pendingLogprobs;
    boolean ended;
    boolean roleSent;

    Choice(int index) {
      this.index = index;
    }

    void end(boolean byFilter) {
      if (!ended) {
        ended = true;
        OutputFilter.this.ended++;
      }
      if (byFilter) {
        anyCut = true;
        pendingLogprobs = null;
      }
    }

    boolean holds() {
      return heldChars() > 0 || pendingLogprobs != null;
    }

    long heldChars() {
      long n = held(content) + held(refusal) + held(functionCall);
      for (Field f : toolCalls.values()) {
        n += f.held.length();
      }
      return n;
    }

    private static long held(Field f) {
      return f == null ? 0 : f.held.length();
    }

    /** Rewrites choice {@code c} in place. */
    Outcome process(ObjectNode c) {
      JsonNode d = c.get("delta");
      ObjectNode delta = d instanceof ObjectNode o ? o : c.putObject("delta");
      boolean hadText = false;
      Field hit = null;
      // Stream order: content, refusal, function_call, tool_calls.
      JsonNode v = delta.get("content");
      if (v != null && !v.isNull()) {
        if (content == null) {
          content = new Field();
        }
        hadText |= !v.isTextual() || !v.textValue().isEmpty();
        hit = feed(content, delta, "content", v);
      }
      v = delta.get("refusal");
      if (v != null && !v.isNull()) {
        if (hit != null) {
          delta.remove("refusal");
        } else {
          if (refusal == null) {
            refusal = new Field();
          }
          hadText |= !v.isTextual() || !v.textValue().isEmpty();
          hit = feed(refusal, delta, "refusal", v);
        }
      }
      if (delta.get("function_call") instanceof ObjectNode fc) {
        v = fc.get("arguments");
        if (hit != null) {
          delta.remove("function_call");
        } else if (v != null && !v.isNull()) {
          if (functionCall == null) {
            functionCall = new Field();
          }
          hadText |= !v.isTextual() || !v.textValue().isEmpty();
          hit = feed(functionCall, fc, "arguments", v);
        }
      }
      if (delta.get("tool_calls") instanceof ArrayNode calls) {
        Iterator<JsonNode> it = calls.elements();
        while (it.hasNext()) {
          JsonNode call = it.next();
          if (hit != null || !(call instanceof ObjectNode tc)) {
            it.remove();
            continue;
          }
          int k = tc.path("index").asInt(0);
          if (tc.get("function") instanceof ObjectNode fn) {
            v = fn.get("arguments");
            if (v != null && !v.isNull()) {
              Field f = toolCalls.computeIfAbsent(k, x -> new Field());
              hadText |= !v.isTextual() || !v.textValue().isEmpty();
              hit = feed(f, fn, "arguments", v);
            }
          }
        }
      }
      JsonNode finish = c.get("finish_reason");
      if (hit != null) {
        if (hit.hitPayload >= 0) {
          metrics.hit(patterns.ruleId(hit.hitPayload));
        }
        flushInto(delta); // other fields' held text holds no match
        c.putNull("finish_reason");
        c.putNull("logprobs");
        end(true);
        pruneToolCalls(delta);
        boolean keep = meaningful(c, delta);
        roleSent |= keep && delta.has("role");
        return new Outcome(hadText, true, keep);
      }
      boolean finished = finish != null && !finish.isNull();
      if (finished) {
        flushInto(delta);
        end(false);
      }
      JsonNode lp = c.get("logprobs");
      if (lp instanceof ObjectNode lpo && !lpo.isEmpty()) {
        appendLogprobs(lpo);
      }
      if (pendingLogprobs != null && heldChars() == 0) {
        c.set("logprobs", pendingLogprobs);
        pendingLogprobs = null;
      } else if (lp != null && !lp.isNull()) {
        c.putNull("logprobs");
      }
      pruneToolCalls(delta);
      boolean keep = meaningful(c, delta);
      roleSent |= keep && delta.has("role");
      return new Outcome(hadText, false, keep);
    }

    private void appendLogprobs(ObjectNode lp) {
      if (pendingLogprobs == null) {
        pendingLogprobs = lp;
        return;
      }
      lp.fields()
          .forEachRemaining(
              e -> {
                JsonNode have = pendingLogprobs.get(e.getKey());
                if (have instanceof ArrayNode a && e.getValue() instanceof ArrayNode more) {
                  a.addAll(more);
                } else if (e.getValue() != null && !e.getValue().isNull()) {
                  pendingLogprobs.set(e.getKey(), e.getValue());
                }
              });
    }

    /** Feeds one field; returns the field on a hit, else {@code null}. */
    private Field feed(Field f, ObjectNode holder, String name, JsonNode v) {
      if (!v.isTextual()) {
        // An unexpected shape cannot be judged: fail closed.
        holder.put(name, "");
        f.hitStart = 0;
        f.hitPayload = -1;
        return f;
      }
      String text = v.textValue();
      String released = f.feed(text);
      if (released != text) { // the same string when all of it is released: keep the node
        holder.put(name, released);
      }
      return f.hitStart >= 0 ? f : null;
    }

    /** Appends the held text of every field (a stream's end or a hit) to {@code delta}. */
    void flushInto(ObjectNode delta) {
      appendText(delta, "content", content);
      appendText(delta, "refusal", refusal);
      if (functionCall != null && functionCall.held.length() > 0) {
        ObjectNode fc =
            delta.get("function_call") instanceof ObjectNode o
                ? o
                : delta.putObject("function_call");
        appendText(fc, "arguments", functionCall);
      }
      for (Map.Entry<Integer, Field> e : toolCalls.entrySet()) {
        Field f = e.getValue();
        if (f.held.length() == 0 || f.hitStart >= 0) {
          continue;
        }
        ArrayNode calls =
            delta.get("tool_calls") instanceof ArrayNode a ? a : delta.putArray("tool_calls");
        ObjectNode call = null;
        for (JsonNode x : calls) {
          if (x.path("index").asInt(0) == e.getKey() && x instanceof ObjectNode o) {
            call = o;
          }
        }
        if (call == null) {
          call = calls.addObject();
          call.put("index", e.getKey());
        }
        ObjectNode fn =
            call.get("function") instanceof ObjectNode o ? o : call.putObject("function");
        appendText(fn, "arguments", f);
      }
    }

    private static void appendText(ObjectNode holder, String name, Field f) {
      if (f == null || f.held.length() == 0 || f.hitStart >= 0) {
        return;
      }
      JsonNode have = holder.get(name);
      String before = have != null && have.isTextual() ? have.textValue() : "";
      holder.put(name, before + f.flush());
    }
  }

  private static void pruneToolCalls(ObjectNode delta) {
    if (!(delta.get("tool_calls") instanceof ArrayNode calls)) {
      return;
    }
    Iterator<JsonNode> it = calls.elements();
    while (it.hasNext()) {
      JsonNode call = it.next();
      boolean onlyIndexAndEmptyArgs = true;
      Iterator<Map.Entry<String, JsonNode>> fs = call.fields();
      while (fs.hasNext() && onlyIndexAndEmptyArgs) {
        Map.Entry<String, JsonNode> e = fs.next();
        switch (e.getKey()) {
          case "index" -> {}
          case "function" -> {
            Iterator<Map.Entry<String, JsonNode>> ff = e.getValue().fields();
            while (ff.hasNext()) {
              Map.Entry<String, JsonNode> g = ff.next();
              if (!g.getKey().equals("arguments") || !g.getValue().asText("").isEmpty()) {
                onlyIndexAndEmptyArgs = false;
              }
            }
          }
          default -> onlyIndexAndEmptyArgs = e.getValue().isNull();
        }
      }
      if (onlyIndexAndEmptyArgs) {
        it.remove();
      }
    }
    if (calls.isEmpty()) {
      delta.remove("tool_calls");
    }
  }

  /** True when the choice carries anything a client could see besides empty text. */
  private static boolean meaningful(ObjectNode c, ObjectNode delta) {
    JsonNode finish = c.get("finish_reason");
    if (finish != null && !finish.isNull()) {
      return true;
    }
    JsonNode lp = c.get("logprobs");
    if (lp != null && !lp.isNull()) {
      return true;
    }
    Iterator<Map.Entry<String, JsonNode>> it = delta.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode v = e.getValue();
      if (v.isNull()) {
        continue;
      }
      switch (e.getKey()) {
        case "content", "refusal" -> {
          if (!v.asText("").isEmpty()) {
            return true;
          }
        }
        case "function_call" -> {
          if (!v.path("arguments").asText("").isEmpty() || v.has("name")) {
            return true;
          }
        }
        default -> {
          return true;
        }
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- per-field matching

  /**
   * One text field: the normaliser cursor, the automaton state, the held original chars, and a ring
   * of the original start offsets of the last normalised chars.
   */
  private final class Field implements TextNormalizer.Sink {
    final TextNormalizer.Cursor cursor = new TextNormalizer.Cursor();
    final StringBuilder held = new StringBuilder();
    final long[] ring = new long[ringMask + 1];
    long heldStart;
    long normalized;
    int state;
    long hitStart = -1;
    int hitPayload = -1;

    /** Feeds the next piece and returns the original text that can be released now. */
    String feed(String text) {
      boolean wasEmpty = held.isEmpty();
      held.append(text);
      long to;
      if (!cursor.feed(text, this)) {
        to = hitStart;
      } else {
        to = cursor.offset();
        long pending = cursor.pendingStart();
        if (pending >= 0) {
          to = pending;
        }
        int depth = automaton.depth(state);
        if (depth > 0) {
          to = Math.min(to, ring[(int) ((normalized - depth) & ringMask)]);
        }
      }
      if (wasEmpty && to == heldStart + text.length()) {
        held.setLength(0);
        heldStart = to;
        return text;
      }
      String released = take(to);
      if (held.length() > MAX_HELD && hitStart < 0) {
        hitStart = heldStart; // cannot hold more: end the choice rather than release unjudged text
      }
      return released;
    }

    @Override
    public boolean accept(char c, long start, long end) {
      ring[(int) (normalized & ringMask)] = start;
      normalized++;
      state = automaton.step(state, c);
      int length = automaton.matchLength(state);
      if (length > 0) {
        hitStart = ring[(int) ((normalized - length) & ringMask)];
        hitPayload = automaton.matchPayload(state);
        return false;
      }
      return true;
    }

    private String take(long to) {
      int k = (int) (to - heldStart);
      if (k <= 0) {
        return "";
      }
      String s = held.substring(0, k);
      held.delete(0, k);
      heldStart = to;
      return s;
    }

    /**
     * Releases the rest at a stream's end, but a terminal colour code left open (or a lone high
     * surrogate): it was never judged, and it is no text.
     */
    String flush() {
      long pending = cursor.pendingStart();
      String released = take(pending >= 0 ? pending : heldStart + held.length());
      heldStart += held.length();
      held.setLength(0);
      return released;
    }
  }
}

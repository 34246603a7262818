package dev.lethe.filters.input;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.lethe.filters.detect.Coreference;
import dev.lethe.filters.detect.ScanText;
import dev.lethe.filters.detect.Segment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Extracts the texts of an OpenAI chat-completions request that the input stage judges: every
 * scanned message's {@code content} (a string, or the {@code text} of each part of a parts array),
 * its {@code refusal}, and the {@code arguments} of its tool calls (and legacy {@code
 * function_call}), over the most recent {@link ScanConfig#maxMessages()} messages of the scanned
 * roles.
 *
 * <p>{@link #scan} is what the classifier judges: each text, and each disguised form of it that a
 * {@link TextExpander} exposes (normalised, decoded), cut by {@link Segmenter} into the whole text
 * or windows, sentence spans and joined quoted pieces.
 *
 * <p>The same traversal rewrites those texts ({@link #rewrite}), so redaction touches exactly what
 * was scanned.
 */
public final class ConversationScanner {
  private final ScanConfig config;
  private final TextExpander expander;

  /**
   * Creates a scanner that judges the normalised form of each text and every payload decoded from
   * it ({@link DisguiseExpander#defaults()}).
   */
  public ConversationScanner(ScanConfig config) {
    this(config, DisguiseExpander.defaults());
  }

  /** Creates a scanner whose texts are expanded by {@code expander} before they are cut. */
  public ConversationScanner(ScanConfig config, TextExpander expander) {
    this.config = requireNonNull(config, "config");
    this.expander = requireNonNull(expander, "expander");
  }

  /** The settings. */
  public ScanConfig config() {
    return config;
  }

  /**
   * What the classifier judges for {@code request}: every scanned text (and every form of it the
   * expander exposes), with its origin and segments.
   *
   * @throws ScanTooLarge when the scanned texts hold more than {@link ScanConfig#maxScanChars()}
   *     characters together (checked before any text is expanded or cut)
   */
  public List<ScanText> scan(ObjectNode request) {
    requireWithinLimit(request);
    List<ScanText> out = new ArrayList<>();
    List<String> turns = new ArrayList<>();
    List<String> resolvedTurns = new ArrayList<>();
    List<String> turnOrigins = new ArrayList<>();
    visit(
        request,
        null,
        (origin, text) -> {
          String judged = text;
          if (origin.endsWith("].content") || origin.endsWith("].text")) {
            judged = Coreference.resolve(text, turns);
            turns.add(text);
            resolvedTurns.add(judged);
            turnOrigins.add(origin);
          }
          java.util.Set<Segment> first = null;
          String firstText = null;
          for (TextExpander.Form f : resolved(expander.expand(judged), judged != text)) {
            List<Segment> segments =
                Segmenter.segment(f.text(), config.chunkChars(), config.spanChars());
            if (first == null) {
              first = new java.util.HashSet<>(segments);
              firstText = f.text();
            } else {
              segments = changed(segments, first);
              if (rereads(f, firstText)) {
                segments = withoutCoveredWindows(segments, firstText, f.text());
              }
              if (segments.isEmpty()) {
                continue;
              }
            }
            out.add(new ScanText(origin, f.text(), f.transforms(), segments));
          }
        });
    if (turns.size() >= 3) {
      out.add(context(resolvedTurns, turnOrigins));
    }
    return out;
  }

  /** The transformation named when a turn's references were resolved ({@link Coreference}). */
  public static final String COREFERENCE = "coreference";

  /**
   * {@code forms} with {@value #COREFERENCE} first in their transformations when {@code resolved}.
   */
  private static List<TextExpander.Form> resolved(List<TextExpander.Form> forms, boolean resolved) {
    if (!resolved) {
      return forms;
    }
    List<TextExpander.Form> out = new ArrayList<>(forms.size());
    for (TextExpander.Form f : forms) {
      List<String> transforms = new ArrayList<>(f.transforms().size() + 1);
      transforms.add(COREFERENCE);
      transforms.addAll(f.transforms());
      out.add(new TextExpander.Form(f.text(), transforms));
    }
    return out;
  }

  /**
   * The segments of a further form of a text that its first form does not hold already (same kind,
   * place and text): a form that changes a few words (heavy leetspeak reads {@code 2020} as {@code
   * zozo}) would otherwise judge again, as a transformed text the cascade's cheap stage never
   * decides, every window and sentence it left as it was. A segment that the transformation did
   * change is kept.
   */
  private static List<Segment> changed(List<Segment> segments, java.util.Set<Segment> first) {
    List<Segment> out = new ArrayList<>(segments.size());
    for (Segment s : segments) {
      if (!first.contains(s)) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * Whether {@code f} reads the first form character for character (heavy leetspeak reads {@code
   * 2020} as {@code zozo}): a further form of the same length that was not decoded from a payload.
   * A decoded form (ROT13 of a whole text has the same length too) is an attack signal of its own
   * and keeps every segment.
   */
  private static boolean rereads(TextExpander.Form f, String firstText) {
    return f.text().length() == firstText.length()
        && f.transforms().stream().noneMatch(dev.lethe.filters.text.Encoding::isKey);
  }

  /**
   * The changed segments of a further form that {@link #rereads re-reads} the first form, without
   * the windows whose every changed character lies in one of the form's own sentence spans: such a
   * window holds the first form's window (judged already) with a few words read differently, and
   * the sentences holding those words are judged instead of a second 1,000-character window. A
   * window with a changed character outside every sentence span (a sentence longer than a span, a
   * text too long for sentence spans) is kept.
   */
  static List<Segment> withoutCoveredWindows(
      List<Segment> segments, String firstText, String text) {
    java.util.BitSet covered = new java.util.BitSet(text.length());
    boolean windows = false;
    for (Segment s : segments) {
      if (s.kind() == Segment.Kind.SENTENCES) {
        covered.set(s.start(), s.end());
      } else if (s.kind() == Segment.Kind.WINDOW) {
        windows = true;
      }
    }
    if (!windows) {
      return segments;
    }
    java.util.BitSet uncovered = new java.util.BitSet(text.length());
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) != firstText.charAt(i) && !covered.get(i)) {
        uncovered.set(i);
      }
    }
    List<Segment> out = new ArrayList<>(segments.size());
    for (Segment s : segments) {
      if (s.kind() != Segment.Kind.WINDOW) {
        out.add(s);
        continue;
      }
      int u = uncovered.nextSetBit(s.start());
      if (u >= 0 && u < s.end()) {
        out.add(s); // a changed character no sentence span holds: the window stays
      }
    }
    return out;
  }

  /**
   * The last {@value #CONTEXT_TURNS} turns joined (each with its references resolved, {@link
   * Coreference}), at most {@value #CONTEXT_CHARS} chars from the end, in canonical form: a
   * question that refers to a subject named a turn or two earlier. Only for conversations of three
   * texts or more (a system prompt and one question need none).
   */
  private ScanText context(List<String> turns, List<String> origins) {
    int from = Math.max(0, turns.size() - CONTEXT_TURNS);
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < turns.size(); i++) {
      String t = turns.get(i);
      sb.append(t.length() > CONTEXT_CHARS ? t.substring(t.length() - CONTEXT_CHARS) : t)
          .append('\n');
    }
    String joined =
        sb.length() > CONTEXT_CHARS ? sb.substring(sb.length() - CONTEXT_CHARS) : sb.toString();
    TextExpander.Form f = expander.expand(joined).get(0);
    return new ScanText(
        origins.get(from) + ".." + origins.get(origins.size() - 1),
        f.text(),
        f.transforms(),
        List.of(new Segment(Segment.Kind.CONTEXT, 0, f.text().length(), f.text())));
  }

  private static final int CONTEXT_TURNS = 3;
  private static final int CONTEXT_CHARS = 600;

  /**
   * Refuses {@code request} when its scanned texts hold more than {@link ScanConfig#maxScanChars()}
   * characters together.
   *
   * @throws ScanTooLarge then
   */
  public void requireWithinLimit(ObjectNode request) {
    long chars = scannedChars(request);
    if (chars > config.maxScanChars()) {
      throw new ScanTooLarge(chars, config.maxScanChars());
    }
  }

  /** How many characters the scanned texts of {@code request} hold together (cheap: no copy). */
  public long scannedChars(ObjectNode request) {
    long[] n = {0};
    visit(request, null, (origin, text) -> n[0] += text.length());
    return n[0];
  }

  /** The scanned texts of {@code request}, whole (not windowed), in message order. */
  public List<String> texts(ObjectNode request) {
    List<String> out = new ArrayList<>();
    visit(request, null, (origin, text) -> out.add(text));
    return out;
  }

  /** The texts of every segment {@link #scan} yields, in order (each judged whole). */
  public List<String> segments(ObjectNode request) {
    List<String> out = new ArrayList<>();
    for (ScanText t : scan(request)) {
      for (Segment s : t.segments()) {
        out.add(s.text());
      }
    }
    return out;
  }

  /** A deep copy of {@code request} in which every scanned text was passed through {@code edit}. */
  public ObjectNode rewrite(ObjectNode request, UnaryOperator<String> edit) {
    ObjectNode copy = request.deepCopy();
    visit(copy, requireNonNull(edit, "edit"), null);
    return copy;
  }

  /** Receives each scanned text with its origin. */
  private interface TextSink {
    void accept(String origin, String text);
  }

  private void visit(ObjectNode request, UnaryOperator<String> edit, TextSink out) {
    JsonNode messages = request.path("messages");
    if (!messages.isArray()) {
      return;
    }
    int from = Math.max(0, messages.size() - config.maxMessages());
    for (int i = from; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      if (!(m instanceof ObjectNode msg)) {
        continue;
      }
      String role = msg.path("role").asText("").toLowerCase(Locale.ROOT);
      if (!config.roles().contains(role)) {
        continue;
      }
      String at = "messages[" + i + "]";
      field(msg, "content", at + ".content", edit, out);
      field(msg, "refusal", at + ".refusal", edit, out);
      JsonNode content = msg.get("content");
      if (content instanceof ArrayNode parts) {
        for (int j = 0; j < parts.size(); j++) {
          if (parts.get(j) instanceof ObjectNode part) {
            field(part, "text", at + ".content[" + j + "].text", edit, out);
          }
        }
      }
      if (config.toolArguments()) {
        JsonNode calls = msg.get("tool_calls");
        if (calls instanceof ArrayNode arr) {
          for (int k = 0; k < arr.size(); k++) {
            if (arr.get(k).get("function") instanceof ObjectNode fn) {
              field(fn, "arguments", at + ".tool_calls[" + k + "].function.arguments", edit, out);
            }
          }
        }
        if (msg.get("function_call") instanceof ObjectNode fn) {
          field(fn, "arguments", at + ".function_call.arguments", edit, out);
        }
      }
    }
  }

  private static void field(
      ObjectNode node, String name, String origin, UnaryOperator<String> edit, TextSink out) {
    JsonNode v = node.get(name);
    if (v == null || !v.isTextual() || v.asText().isEmpty()) {
      return;
    }
    if (out != null) {
      out.accept(origin, v.asText());
    }
    if (edit != null) {
      node.set(name, TextNode.valueOf(edit.apply(v.asText())));
    }
  }

  /** Overlapping windows of at most {@code size} characters, cut at whitespace where possible. */
  static List<String> windows(String text, int size) {
    List<String> out = new ArrayList<>();
    for (int[] w : Segmenter.windows(text, size)) {
      out.add(text.substring(w[0], w[1]));
    }
    return out;
  }
}

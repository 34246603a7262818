package dev.lethe.gateway.guard;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.gateway.openai.StrictJson;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The arguments of all of one answer's tool calls judged as <em>one</em> text, so a protected
 * string split across two calls — {@code lookup({"q":"ZEBRA-SEC"})} then {@code
 * lookup({"q":"RET-7731"})} — is caught as one split across two deltas of a call is. Each call is
 * still judged on its own first (in its canonical form, by the surface); this is the joined view on
 * top, like {@link JoinedText} for an answer's visible text.
 *
 * <p>A call's part of the joined text is {@link #text(JsonNode) its values}: the string and number
 * values of its arguments' JSON in document order, concatenated (keys and punctuation left out, so
 * a string split over two calls' values is contiguous; escapes decoded). Calls are {@link #add
 * added} in the order the client reads them, each complete and judged clean on its own, with the
 * action that releases it; the action runs once the joined text up to the end of the call has been
 * released — at once, unless the call's values end in what could begin a protected string, in which
 * case it waits for the next call ({@link #holding()}) or the end ({@link #finish()}). At a cut
 * ({@link #cut()}) the held calls and every later one are never released: a call that carries part
 * of a protected string never reaches the client, not even the part before the match.
 *
 * <p>A stream relay that cannot keep later output waiting behind a held call fails closed: it cuts
 * the answer when anything but another tool call arrives while a call is held. One instance per
 * answer (or per choice), used from one thread.
 */
public final class ToolArguments {
  private final JoinedText<Object> joined;

  /** The joined judge of one answer's tool calls, over a fresh {@link OutputGuard#open()}. */
  public ToolArguments(TextStream judge) {
    this.joined = new JoinedText<>(requireNonNull(judge, "judge"), (call, text) -> {});
  }

  /**
   * One call's part of the joined text: the string and number values of {@code arguments} in
   * document order, concatenated; the text itself when it is not JSON.
   */
  public static String text(String arguments) {
    if (arguments == null || arguments.isEmpty()) {
      return "";
    }
    JsonNode n;
    try {
      n = StrictJson.read(arguments);
    } catch (StrictJson.Rejected | RuntimeException e) {
      return arguments;
    }
    return text(n);
  }

  /** The string and number values of {@code arguments} in document order, concatenated. */
  public static String text(JsonNode arguments) {
    StringBuilder out = new StringBuilder();
    ArrayDeque<JsonNode> todo = new ArrayDeque<>();
    if (arguments != null) {
      todo.push(arguments);
    }
    while (!todo.isEmpty()) {
      JsonNode n = todo.pop();
      if (n.isTextual()) {
        out.append(n.textValue());
      } else if (n.isNumber()) {
        out.append(n.asText());
      } else if (n.isContainerNode()) {
        // Children pushed in reverse so they pop in document order.
        List<JsonNode> kids = new java.util.ArrayList<>(n.size());
        n.elements().forEachRemaining(kids::add);
        for (int i = kids.size() - 1; i >= 0; i--) {
          todo.push(kids.get(i));
        }
      }
    }
    return out.toString();
  }

  /**
   * Adds the next complete call, judged clean on its own, whose part of the joined text is {@code
   * text} ({@link #text(String)}); {@code release} runs once the joined text through it is released
   * — now, or at a later {@link #add} or {@link #finish()}; never after a cut. Check {@link #cut()}
   * afterwards.
   *
   * @throws RuntimeException when a filter fails (the caller must fail closed)
   */
  public void add(String text, Runnable release) {
    requireNonNull(text, "text");
    requireNonNull(release, "release");
    if (joined.cut()) {
      return;
    }
    joined.feed(new Object(), text);
    joined.then(release);
  }

  /** True while an added call waits for what follows it (its release has not run). */
  public boolean holding() {
    return joined.holding();
  }

  /**
   * No more calls will come: releases the held ones (no later call can complete a match).
   *
   * @throws RuntimeException when a filter fails (the caller must fail closed)
   */
  public void finish() {
    joined.finish();
  }

  /** True once the joined arguments were cut: no held or later call may be released. */
  public boolean cut() {
    return joined.cut();
  }

  /**
   * Judges the calls of a whole answer, in order, each already judged clean on its own: how many
   * leading calls may be released ({@code texts.size()} when the joined arguments pass).
   *
   * @param texts each call's part of the joined text ({@link #text(String)})
   */
  public static int kept(TextStream judge, List<String> texts) {
    ToolArguments args = new ToolArguments(judge);
    int[] kept = {0};
    for (String t : texts) {
      args.add(t, () -> kept[0]++);
      if (args.cut()) {
        return kept[0];
      }
    }
    args.finish();
    return kept[0];
  }
}

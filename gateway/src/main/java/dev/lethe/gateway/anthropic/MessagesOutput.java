package dev.lethe.gateway.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.gateway.guard.JoinedText;
import dev.lethe.gateway.guard.OutputGuard;
import dev.lethe.gateway.guard.TextStream;
import dev.lethe.gateway.guard.ToolArguments;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Judges a whole (non-streamed) Messages answer block by block, in order, with the same judgement a
 * stream of it gets from {@link MessagesRelay}: the {@code text} and {@code thinking} blocks are
 * judged as one text ({@link JoinedText}), so a protected string split across blocks is caught (a
 * cut keeps the text before the match, then the replacement text, in the block the match starts in;
 * a cut {@code thinking} block loses its {@code signature}); any other block — {@code tool_use}
 * above all — is judged whole, in its canonical JSON form (so escapes in the upstream's JSON hide
 * nothing), and a cut one is removed entirely. At a cut, every later block is removed and {@code
 * stop_reason} becomes {@code refusal}.
 */
public final class MessagesOutput {
  private MessagesOutput() {}

  /**
   * Judges {@code message} in place.
   *
   * @return true when the output filter cut it
   * @throws RuntimeException when a filter fails (the caller withholds the answer: fail closed)
   */
  public static boolean judge(ObjectNode message, OutputGuard guard) {
    if (!guard.active()) {
      return false;
    }
    JsonNode c = message.get("content");
    if (!(c instanceof ArrayNode blocks)) {
      if (c != null && !c.isNull()) {
        message.putArray("content");
        cut(message, guard);
        return true;
      }
      return false;
    }
    Map<Integer, StringBuilder> released = new HashMap<>();
    JoinedText<Integer> joined =
        new JoinedText<>(
            guard.open(),
            (i, t) -> released.computeIfAbsent(i, k -> new StringBuilder()).append(t));
    int removeFrom = -1; // the first block removed whole (a cut block that is not text)
    int callCut = joinedCallsCut(blocks, guard); // the first tool_use the joined inputs drop
    for (int i = 0; i < blocks.size() && !joined.cut() && removeFrom < 0; i++) {
      if (!(blocks.get(i) instanceof ObjectNode block)) {
        removeFrom = i;
        break;
      }
      String field = textField(block);
      if (field != null) {
        joined.feed(i, block.get(field).textValue());
        if (!joined.cut()
            && block.path("type").asText().equals("text")
            && block.has("citations")
            && !block.get("citations").isNull()) {
          TextStream cs = guard.open();
          cs.whole(block.get("citations").toString());
          if (cs.cut()) {
            block.remove("citations");
            removeFrom = i + 1;
          }
        }
        continue;
      }
      if (block.path("type").asText().equals("redacted_thinking")) {
        continue;
      }
      if (i == callCut) {
        removeFrom = i;
        break;
      }
      TextStream ts = guard.open();
      ts.whole(block.toString());
      if (ts.cut()) {
        removeFrom = i;
      }
    }
    joined.finish();
    if (joined.cut()) {
      int at = joined.cutSegment();
      ObjectNode block = (ObjectNode) blocks.get(at);
      StringBuilder text = released.get(at);
      block.put(textField(block), text == null ? "" : text.toString());
      if (block.has("signature")) {
        block.put("signature", ""); // the signature covered the whole text
      }
      block.remove("citations");
      truncate(blocks, at + 1);
      cut(message, guard);
      return true;
    }
    if (removeFrom >= 0) {
      truncate(blocks, removeFrom);
      cut(message, guard);
      return true;
    }
    return false;
  }

  /**
   * The {@code tool_use} blocks of {@code blocks} judged together ({@link ToolArguments}): the
   * index of the first one their joined inputs drop, or -1.
   */
  private static int joinedCallsCut(ArrayNode blocks, OutputGuard guard) {
    List<Integer> at = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      JsonNode b = blocks.get(i);
      if ("tool_use".equals(b.path("type").asText())) {
        at.add(i);
        texts.add(ToolArguments.text(b.get("input")));
      }
    }
    if (texts.size() < 2) {
      return -1;
    }
    int kept = ToolArguments.kept(guard.open(), texts);
    return kept < texts.size() ? at.get(kept) : -1;
  }

  /** The text field of a {@code text} or {@code thinking} block, or null for other blocks. */
  private static String textField(ObjectNode block) {
    String field =
        switch (block.path("type").asText()) {
          case "text" -> "text";
          case "thinking" -> "thinking";
          default -> null;
        };
    return field != null && block.path(field).isTextual() ? field : null;
  }

  private static void truncate(ArrayNode blocks, int keep) {
    while (blocks.size() > keep) {
      blocks.remove(blocks.size() - 1);
    }
  }

  private static void cut(ObjectNode message, OutputGuard guard) {
    guard.markCut();
    message.put("stop_reason", "refusal");
    message.putNull("stop_sequence");
  }
}

package dev.lethe.gateway.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.gateway.guard.OutputGuard;
import dev.lethe.gateway.guard.TextStream;

/**
 * Judges a whole (non-streamed) Messages answer block by block, in order, with the same judgement a
 * stream of it gets from {@link MessagesRelay}: {@code text} and {@code thinking} blocks are judged
 * as texts (a cut keeps the text before the match, then the replacement text; a cut {@code
 * thinking} block loses its {@code signature}); any other block — {@code tool_use} above all — is
 * judged whole, in its canonical JSON form (so escapes in the upstream's JSON hide nothing), and a
 * cut one is removed entirely. At a cut, every later block is removed and {@code stop_reason}
 * becomes {@code refusal}.
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
        cut(message);
        return true;
      }
      return false;
    }
    for (int i = 0; i < blocks.size(); i++) {
      JsonNode b = blocks.get(i);
      if (!(b instanceof ObjectNode block)) {
        truncate(blocks, i);
        cut(message);
        return true;
      }
      String type = block.path("type").asText();
      String field =
          switch (type) {
            case "text" -> "text";
            case "thinking" -> "thinking";
            default -> null;
          };
      if (field != null && block.path(field).isTextual()) {
        TextStream ts = guard.open();
        String released = ts.whole(block.get(field).textValue());
        if (ts.cut()) {
          block.put(field, released);
          if (block.has("signature")) {
            block.put("signature", ""); // the signature covered the whole text
          }
          block.remove("citations");
          truncate(blocks, i + 1);
          cut(message);
          return true;
        }
        if (type.equals("text") && block.has("citations") && !block.get("citations").isNull()) {
          TextStream cs = guard.open();
          cs.whole(block.get("citations").toString());
          if (cs.cut()) {
            block.remove("citations");
            truncate(blocks, i + 1);
            cut(message);
            return true;
          }
        }
        continue;
      }
      if (type.equals("redacted_thinking")) {
        continue;
      }
      TextStream ts = guard.open();
      ts.whole(block.toString());
      if (ts.cut()) {
        truncate(blocks, i);
        cut(message);
        return true;
      }
    }
    return false;
  }

  private static void truncate(ArrayNode blocks, int keep) {
    while (blocks.size() > keep) {
      blocks.remove(blocks.size() - 1);
    }
  }

  private static void cut(ObjectNode message) {
    message.put("stop_reason", "refusal");
    message.putNull("stop_sequence");
  }
}

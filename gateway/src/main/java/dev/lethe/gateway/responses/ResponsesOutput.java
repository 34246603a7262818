package dev.lethe.gateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.gateway.guard.OutputGuard;
import dev.lethe.gateway.guard.TextStream;

/**
 * The output guard over a whole Responses {@code response} object (a non-streamed answer), and over
 * the items a stream holds until they are complete. Every text a client could read is judged:
 * output text and refusal parts, function call arguments, reasoning summaries and text, and for any
 * other item type its whole JSON. A cut keeps the items before it, the text of the cut part up to
 * the first match, and drops everything after; a cut function call is dropped whole, so no
 * truncated call can be executed. The response then says {@code status: "incomplete"} with {@code
 * incomplete_details.reason: "content_filter"}. Annotations and log probabilities of output text
 * are not released while the guard is active (their text is not judged).
 */
final class ResponsesOutput {
  private ResponsesOutput() {}

  /**
   * Filters {@code response} in place and restores the client's own instructions into it.
   *
   * @return true when the output filter cut it
   */
  static boolean filter(ObjectNode response, OutputGuard guard, ObjectNode clientRequest) {
    ResponseShapes.restore(response, clientRequest);
    if (!guard.active() || !(response.get("output") instanceof ArrayNode output)) {
      return false;
    }
    for (int i = 0; i < output.size(); i++) {
      if (!(output.get(i) instanceof ObjectNode item)) {
        output.remove(i);
        i--;
        continue;
      }
      boolean cut;
      if ("message".equals(item.path("type").asText())) {
        cut = message(item, guard);
        if (cut) {
          i++; // keep the cut message with its released prefix
        }
      } else {
        cut = !releasable(item, guard);
      }
      if (cut) {
        while (output.size() > i) {
          output.remove(output.size() - 1);
        }
        markCut(response);
        return true;
      }
    }
    return false;
  }

  /** Marks {@code response} as cut by the output filter. */
  static void markCut(ObjectNode response) {
    response.put("status", "incomplete");
    response.set("incomplete_details", ResponseShapes.contentFilter());
  }

  /** Judges a message's parts in order; on a cut truncates that part and drops later ones. */
  private static boolean message(ObjectNode item, OutputGuard guard) {
    if (!(item.get("content") instanceof ArrayNode parts)) {
      return false;
    }
    for (int j = 0; j < parts.size(); j++) {
      if (!(parts.get(j) instanceof ObjectNode part)) {
        continue;
      }
      String field = "refusal".equals(part.path("type").asText()) ? "refusal" : "text";
      JsonNode v = part.get(field);
      TextStream ts = guard.open();
      String released = v != null && v.isTextual() ? ts.whole(v.textValue()) : ts.whole("");
      if (v != null && !v.isTextual()) {
        released = "";
        part.put(field, "");
        truncate(parts, j + 1);
        item.put("status", "incomplete");
        return true;
      }
      if (part.has("annotations")) {
        part.putArray("annotations");
      }
      part.remove("logprobs");
      if (ts.cut()) {
        part.put(field, released);
        truncate(parts, j + 1);
        item.put("status", "incomplete");
        return true;
      }
    }
    return false;
  }

  private static void truncate(ArrayNode a, int size) {
    while (a.size() > size) {
      a.remove(a.size() - 1);
    }
  }

  /**
   * Whether a non-message item may be released whole: a function call's arguments, a reasoning
   * item's summary and text, or any other item's JSON are judged and must pass uncut.
   */
  static boolean releasable(ObjectNode item, OutputGuard guard) {
    if (!guard.active()) {
      return true;
    }
    switch (item.path("type").asText()) {
      case "function_call" -> {
        JsonNode args = item.get("arguments");
        return args != null && args.isTextual() && passes(guard, args.textValue());
      }
      case "reasoning" -> {
        for (String list : new String[] {"summary", "content"}) {
          for (JsonNode s : item.path(list)) {
            if (s.has("text")
                && (!s.get("text").isTextual() || !passes(guard, s.get("text").textValue()))) {
              return false;
            }
          }
        }
        return true;
      }
      default -> {
        return passes(guard, item.toString());
      }
    }
  }

  private static boolean passes(OutputGuard guard, String text) {
    TextStream ts = guard.open();
    ts.whole(text);
    return !ts.cut();
  }
}

package dev.lethe.gateway.responses;

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
 * The output guard over a whole Responses {@code response} object (a non-streamed answer), and over
 * the items a stream holds until they are complete. Every text a client could read is judged:
 * output text and refusal parts, function call arguments, reasoning summaries and text, and for any
 * other item type its whole JSON. The text parts of all message items are judged as one text. A cut
 * keeps the items before it, the text of the cut part up to the first match, and drops everything
 * after; a cut function call is dropped whole, so no truncated call can be executed. The response
 * then says {@code status: "incomplete"} with {@code incomplete_details.reason: "content_filter"}.
 * Annotations and log probabilities of output text are not released while the guard is active
 * (their text is not judged).
 */
final class ResponsesOutput {
  private ResponsesOutput() {}

  /** A message part of the output: item {@code item}, content part {@code part}. */
  private record Seg(int item, int part) {}

  /**
   * Filters {@code response} in place and restores the client's own instructions into it. The
   * output text and refusal parts of every message item are judged as one text ({@link
   * JoinedText}), in order, so a protected string split across parts or items is caught.
   *
   * @return true when the output filter cut it
   */
  static boolean filter(ObjectNode response, OutputGuard guard, ObjectNode clientRequest) {
    ResponseShapes.restore(response, clientRequest);
    if (!guard.active() || !(response.get("output") instanceof ArrayNode output)) {
      return false;
    }
    for (int i = output.size() - 1; i >= 0; i--) {
      if (!(output.get(i) instanceof ObjectNode)) {
        output.remove(i);
      }
    }
    Map<Seg, StringBuilder> released = new HashMap<>();
    JoinedText<Seg> joined =
        new JoinedText<>(
            guard.open(),
            (sg, t) -> released.computeIfAbsent(sg, k -> new StringBuilder()).append(t));
    Seg bad = null; // a part whose text is not a string: cut there with nothing released
    int removeFrom = -1; // the first item removed whole (a cut item that is not a message)
    int callCut = joinedCallsCut(output, guard); // the first call the joined arguments drop
    for (int i = 0; i < output.size() && !joined.cut() && bad == null && removeFrom < 0; i++) {
      ObjectNode item = (ObjectNode) output.get(i);
      if (!"message".equals(item.path("type").asText())) {
        if (i == callCut || !releasable(item, guard)) {
          removeFrom = i;
        }
        continue;
      }
      if (!(item.get("content") instanceof ArrayNode parts)) {
        continue;
      }
      for (int j = 0; j < parts.size() && !joined.cut(); j++) {
        if (!(parts.get(j) instanceof ObjectNode part)) {
          continue;
        }
        JsonNode v = part.get(field(part));
        if (part.has("annotations")) {
          part.putArray("annotations");
        }
        part.remove("logprobs");
        if (v != null && !v.isTextual()) {
          bad = new Seg(i, j);
          break;
        }
        if (v != null) {
          joined.feed(new Seg(i, j), v.textValue());
        }
      }
    }
    joined.finish();
    Seg at = joined.cut() ? joined.cutSegment() : bad;
    if (at != null) {
      ObjectNode item = (ObjectNode) output.get(at.item());
      ArrayNode parts = (ArrayNode) item.get("content");
      ObjectNode part = (ObjectNode) parts.get(at.part());
      StringBuilder text = joined.cut() ? released.get(at) : null;
      part.put(field(part), text == null ? "" : text.toString());
      truncate(parts, at.part() + 1);
      item.put("status", "incomplete");
      truncate(output, at.item() + 1);
      markCut(response);
      guard.markCut();
      return true;
    }
    if (removeFrom >= 0) {
      truncate(output, removeFrom);
      markCut(response);
      guard.markCut();
      return true;
    }
    return false;
  }

  /**
   * The function calls of {@code output} judged together ({@link ToolArguments}): the output index
   * of the first call their joined arguments drop, or -1.
   */
  private static int joinedCallsCut(ArrayNode output, OutputGuard guard) {
    List<Integer> at = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < output.size(); i++) {
      JsonNode item = output.get(i);
      if ("function_call".equals(item.path("type").asText())
          && item.path("arguments").isTextual()) {
        at.add(i);
        texts.add(ToolArguments.text(item.get("arguments").textValue()));
      }
    }
    if (texts.size() < 2) {
      return -1;
    }
    int kept = ToolArguments.kept(guard.open(), texts);
    return kept < texts.size() ? at.get(kept) : -1;
  }

  /** Marks {@code response} as cut by the output filter. */
  static void markCut(ObjectNode response) {
    response.put("status", "incomplete");
    response.set("incomplete_details", ResponseShapes.contentFilter());
  }

  private static String field(ObjectNode part) {
    return "refusal".equals(part.path("type").asText()) ? "refusal" : "text";
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

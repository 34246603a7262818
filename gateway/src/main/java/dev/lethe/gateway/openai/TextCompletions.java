package dev.lethe.gateway.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.gateway.guard.OutputGuard;
import dev.lethe.gateway.guard.TextStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Legacy {@code text_completion} answers: the ones Lethe gives itself (refusals, whole or as
 * chunks) and the judgement of an upstream's whole answer. A choice the output filter cuts keeps
 * the text before the match (then the replacement text) and ends with {@code finish_reason:
 * "content_filter"}, as in chat completions. While output rules apply, {@code logprobs} are
 * withheld (their tokens would carry the withheld text).
 */
public final class TextCompletions {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private TextCompletions() {}

  /** A whole answer with {@code choices} identical choices holding {@code text}. */
  public static ObjectNode refusal(
      String id, long created, String model, String text, int choices, int promptTokens) {
    ObjectNode root = header(id, created, model);
    ArrayNode cs = root.putArray("choices");
    for (int i = 0; i < choices; i++) {
      cs.addObject()
          .put("text", text)
          .put("index", i)
          .putNull("logprobs")
          .put("finish_reason", "stop");
    }
    int completion = Completions.estimateTokens(text) * choices;
    root.putObject("usage")
        .put("prompt_tokens", promptTokens)
        .put("completion_tokens", completion)
        .put("total_tokens", promptTokens + completion);
    return root;
  }

  /** The chunks of {@link #refusal}: one text chunk and one finish chunk per choice, then usage. */
  public static List<ObjectNode> refusalChunks(
      String id,
      long created,
      String model,
      String text,
      int choices,
      boolean includeUsage,
      int promptTokens) {
    List<ObjectNode> out = new ArrayList<>();
    for (int i = 0; i < choices; i++) {
      out.add(chunk(id, created, model, i, text, null));
      out.add(chunk(id, created, model, i, "", "stop"));
    }
    if (includeUsage) {
      ObjectNode u = header(id, created, model);
      u.putArray("choices");
      int completion = Completions.estimateTokens(text) * choices;
      u.putObject("usage")
          .put("prompt_tokens", promptTokens)
          .put("completion_tokens", completion)
          .put("total_tokens", promptTokens + completion);
      out.add(u);
    }
    return out;
  }

  /**
   * Judges a whole upstream answer in place, choice by choice.
   *
   * @return true when the output filter cut a choice
   */
  public static boolean judge(ObjectNode completion, OutputGuard guard) {
    if (!guard.active()) {
      return false;
    }
    boolean cut = false;
    for (JsonNode c : completion.path("choices")) {
      if (!(c instanceof ObjectNode choice)) {
        continue;
      }
      choice.putNull("logprobs");
      JsonNode t = choice.get("text");
      if (t == null || t.isNull()) {
        continue;
      }
      if (!t.isTextual()) {
        choice.put("text", "");
        choice.put("finish_reason", "content_filter");
        guard.markCut();
        cut = true;
        continue;
      }
      TextStream ts = guard.open();
      String released = ts.whole(t.textValue());
      if (ts.cut()) {
        choice.put("text", released);
        choice.put("finish_reason", "content_filter");
        cut = true;
      }
    }
    return cut;
  }

  static ObjectNode chunk(
      String id, long created, String model, int index, String text, String finish) {
    ObjectNode root = header(id, created, model);
    ObjectNode c = root.putArray("choices").addObject();
    c.put("text", text).put("index", index).putNull("logprobs");
    if (finish == null) {
      c.putNull("finish_reason");
    } else {
      c.put("finish_reason", finish);
    }
    return root;
  }

  /**
   * A chunk like {@code template} (id, object, created, model) carrying {@code text} for one
   * choice.
   */
  static ObjectNode chunk(ObjectNode template, int index, String text) {
    ObjectNode root = template.deepCopy();
    ObjectNode c = root.putArray("choices").addObject();
    c.put("text", text).put("index", index).putNull("logprobs").putNull("finish_reason");
    return root;
  }

  private static ObjectNode header(String id, long created, String model) {
    return F.objectNode()
        .put("id", id)
        .put("object", "text_completion")
        .put("created", created)
        .put("model", model);
  }
}

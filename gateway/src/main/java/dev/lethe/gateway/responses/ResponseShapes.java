package dev.lethe.gateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.gateway.openai.Completions;
import java.util.UUID;

/** Builders of the OpenAI Responses objects Lethe writes itself (response, items, parts). */
final class ResponseShapes {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private ResponseShapes() {}

  /** A fresh id with {@code prefix} ({@code resp_}, {@code msg_}, {@code fc_}). */
  static String id(String prefix) {
    return prefix + UUID.randomUUID().toString().replace("-", "");
  }

  /**
   * A response object echoing the client's request settings, with no output yet.
   *
   * @param request the request as the client sent it (never a rewrite: its instructions are echoed)
   */
  static ObjectNode response(String id, long createdAt, ObjectNode request, String status) {
    ObjectNode r = F.objectNode();
    r.put("id", id);
    r.put("object", "response");
    r.put("created_at", createdAt);
    r.put("status", status);
    r.putNull("error");
    r.putNull("incomplete_details");
    echo(r, request);
    r.putArray("output");
    r.putNull("usage");
    return r;
  }

  /**
   * Sets the request settings a response echoes, from the client's own request, so that a rewrite
   * (in-context-unlearning instructions, redaction) is never shown back.
   */
  static void echo(ObjectNode r, ObjectNode request) {
    r.set("instructions", copyOrNull(request.get("instructions")));
    r.set("max_output_tokens", copyOrNull(request.get("max_output_tokens")));
    r.put("model", request.path("model").asText());
    r.put("parallel_tool_calls", request.path("parallel_tool_calls").asBoolean(true));
    r.set("previous_response_id", copyOrNull(request.get("previous_response_id")));
    ObjectNode reasoning = r.putObject("reasoning");
    reasoning.putNull("effort");
    reasoning.putNull("summary");
    r.put("store", request.path("store").asBoolean(true));
    r.set(
        "temperature",
        request.hasNonNull("temperature")
            ? request.get("temperature").deepCopy()
            : F.numberNode(1.0));
    if (request.get("text") instanceof ObjectNode t) {
      r.set("text", t.deepCopy());
    } else {
      r.putObject("text").putObject("format").put("type", "text");
    }
    r.set(
        "tool_choice",
        request.hasNonNull("tool_choice")
            ? request.get("tool_choice").deepCopy()
            : F.textNode("auto"));
    r.set("tools", request.get("tools") instanceof ArrayNode a ? a.deepCopy() : F.arrayNode());
    r.set(
        "top_p", request.hasNonNull("top_p") ? request.get("top_p").deepCopy() : F.numberNode(1.0));
    r.put("truncation", request.path("truncation").asText("disabled"));
    r.set("user", copyOrNull(request.get("user")));
    r.set(
        "metadata",
        request.get("metadata") instanceof ObjectNode m ? m.deepCopy() : F.objectNode());
  }

  /**
   * Puts the client's own {@code instructions} and {@code previous_response_id} into a response
   * object an upstream wrote: the upstream saw the gateway's request (a rewrite's instructions,
   * history inlined instead of an id), never to be shown back. Everything else stays as the
   * upstream reported it.
   */
  static void restore(ObjectNode r, ObjectNode request) {
    r.set("instructions", copyOrNull(request.get("instructions")));
    r.set("previous_response_id", copyOrNull(request.get("previous_response_id")));
  }

  private static JsonNode copyOrNull(JsonNode n) {
    return n == null ? F.nullNode() : n.deepCopy();
  }

  /** An assistant message item with no content yet. */
  static ObjectNode message(String id, String status) {
    ObjectNode m = F.objectNode();
    m.put("id", id);
    m.put("type", "message");
    m.put("status", status);
    m.put("role", "assistant");
    m.putArray("content");
    return m;
  }

  /** An {@code output_text} part, or a {@code refusal} part when {@code refusal}. */
  static ObjectNode part(boolean refusal, String text) {
    ObjectNode p = F.objectNode();
    if (refusal) {
      p.put("type", "refusal");
      p.put("refusal", text);
    } else {
      p.put("type", "output_text");
      p.put("text", text);
      p.putArray("annotations");
    }
    return p;
  }

  /** A function call item. */
  static ObjectNode functionCall(
      String id, String callId, String name, String arguments, String status) {
    ObjectNode c = F.objectNode();
    c.put("id", id);
    c.put("type", "function_call");
    c.put("status", status);
    c.put("call_id", callId);
    c.put("name", name);
    c.put("arguments", arguments);
    return c;
  }

  /** Usage estimated from text sizes (about four characters per token). */
  static ObjectNode usage(int inputTokens, int outputTokens) {
    ObjectNode u = F.objectNode();
    u.put("input_tokens", inputTokens);
    u.putObject("input_tokens_details").put("cached_tokens", 0);
    u.put("output_tokens", outputTokens);
    u.putObject("output_tokens_details").put("reasoning_tokens", 0);
    u.put("total_tokens", inputTokens + outputTokens);
    return u;
  }

  /** An estimated token count of {@code text}. */
  static int tokens(String text) {
    return Completions.estimateTokens(text);
  }

  /** The {@code incomplete_details} of a response the output filter cut. */
  static ObjectNode contentFilter() {
    return F.objectNode().put("reason", "content_filter");
  }
}

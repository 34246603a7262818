package dev.lethe.gateway.anthropic;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.guard.ChatView;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * An Anthropic Messages request: validation, the conversation the guard judges, and a rewrite
 * mapped back. Every method is pure; nothing here blocks.
 */
public final class MessagesRequest {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Set<String> ROLES = Set.of("user", "assistant");

  /** The most messages and blocks per message a request may hold (bounds the judged view). */
  static final int MAX_MESSAGES = 10_000;

  static final int MAX_BLOCKS = 10_000;

  private MessagesRequest() {}

  /**
   * Why {@code req} is not a Messages request the gateway can judge, or {@code null} when it is: an
   * object with a {@code model} string, an integer {@code max_tokens} (not for token counting), a
   * non-empty {@code messages} array of {@code user}/{@code assistant} turns whose {@code content}
   * is a string or an array of typed blocks, a {@code system} string or array of text blocks, and a
   * boolean {@code stream}.
   *
   * @param countTokens true for {@code /v1/messages/count_tokens} ({@code max_tokens} not needed)
   */
  public static ApiError validate(JsonNode req, boolean countTokens) {
    if (!(req instanceof ObjectNode)) {
      return ApiError.invalidRequest(null, "The request body must be a JSON object.");
    }
    JsonNode model = req.get("model");
    if (model == null || !model.isTextual() || model.textValue().isBlank()) {
      return ApiError.invalidRequest("model", "model: Field required (a model name string).");
    }
    if (!countTokens) {
      JsonNode max = req.get("max_tokens");
      if (max == null || !max.isIntegralNumber() || max.asLong() < 1) {
        return ApiError.invalidRequest(
            "max_tokens", "max_tokens: Field required (an integer of at least 1).");
      }
    }
    JsonNode stream = req.get("stream");
    if (stream != null && !stream.isBoolean() && !stream.isNull()) {
      return ApiError.invalidRequest("stream", "stream: expected a boolean.");
    }
    JsonNode system = req.get("system");
    if (system != null && !system.isNull() && !system.isTextual()) {
      if (!system.isArray()) {
        return ApiError.invalidRequest(
            "system", "system: expected a string or an array of text blocks.");
      }
      for (int i = 0; i < system.size(); i++) {
        JsonNode b = system.get(i);
        if (!b.isObject()
            || !"text".equals(b.path("type").asText())
            || !b.path("text").isTextual()) {
          return ApiError.invalidRequest(
              "system",
              "system." + i + ": expected a text block {\"type\":\"text\",\"text\":...}.");
        }
      }
    }
    JsonNode messages = req.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      return ApiError.invalidRequest(
          "messages", "messages: Field required (a non-empty array of messages).");
    }
    if (messages.size() > MAX_MESSAGES) {
      return ApiError.invalidRequest(
          "messages", "messages: at most " + MAX_MESSAGES + " messages.");
    }
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String at = "messages." + i;
      if (!m.isObject()) {
        return ApiError.invalidRequest("messages", at + ": expected an object.");
      }
      if (!ROLES.contains(m.path("role").asText(""))) {
        return ApiError.invalidRequest(
            "messages", at + ".role: expected \"user\" or \"assistant\".");
      }
      JsonNode content = m.get("content");
      if (content == null || !(content.isTextual() || content.isArray())) {
        return ApiError.invalidRequest(
            "messages", at + ".content: expected a string or an array of content blocks.");
      }
      if (content.size() > MAX_BLOCKS) {
        return ApiError.invalidRequest(
            "messages", at + ".content: at most " + MAX_BLOCKS + " blocks.");
      }
      for (int j = 0; j < content.size(); j++) {
        JsonNode b = content.get(j);
        if (!b.isObject() || !b.path("type").isTextual()) {
          return ApiError.invalidRequest(
              "messages", at + ".content." + j + ": expected a block with a \"type\".");
        }
        String type = b.get("type").textValue();
        ApiError e = validateBlock(b, type, at + ".content." + j);
        if (e != null) {
          return e;
        }
      }
    }
    JsonNode tools = req.get("tools");
    if (tools != null && !tools.isNull() && !tools.isArray()) {
      return ApiError.invalidRequest("tools", "tools: expected an array of tool definitions.");
    }
    return null;
  }

  private static ApiError validateBlock(JsonNode b, String type, String at) {
    return switch (type) {
      case "text" ->
          b.path("text").isTextual()
              ? null
              : ApiError.invalidRequest("messages", at + ".text: expected a string.");
      case "thinking" ->
          b.path("thinking").isTextual()
              ? null
              : ApiError.invalidRequest("messages", at + ".thinking: expected a string.");
      case "tool_use" ->
          b.path("id").isTextual() && b.path("name").isTextual() && b.path("input").isObject()
              ? null
              : ApiError.invalidRequest(
                  "messages", at + ": a tool_use block needs id, name and an input object.");
      case "tool_result" -> {
        if (!b.path("tool_use_id").isTextual()) {
          yield ApiError.invalidRequest("messages", at + ".tool_use_id: expected a string.");
        }
        JsonNode c = b.get("content");
        if (c != null && !c.isNull() && !c.isTextual() && !c.isArray()) {
          yield ApiError.invalidRequest(
              "messages", at + ".content: expected a string or an array of blocks.");
        }
        if (c != null && c.isArray()) {
          for (int k = 0; k < c.size(); k++) {
            JsonNode x = c.get(k);
            if (!x.isObject() || !x.path("type").isTextual()) {
              yield ApiError.invalidRequest(
                  "messages", at + ".content." + k + ": expected a block with a \"type\".");
            }
            if ("text".equals(x.get("type").textValue()) && !x.path("text").isTextual()) {
              yield ApiError.invalidRequest(
                  "messages", at + ".content." + k + ".text: expected a string.");
            }
          }
        }
        yield null;
      }
      default -> null;
    };
  }

  /**
   * The conversation the guard judges: {@code system}, then each message's texts in order. A {@code
   * tool_use} input is judged as its JSON text (a rewrite of it cannot be mapped back, so a
   * redaction there refuses the request); images, PDFs and {@code redacted_thinking} are not judged
   * (no readable text).
   */
  public static ChatView view(ObjectNode req, boolean stream) {
    ChatView.Builder b = ChatView.builder(req.path("model").asText(), stream);
    JsonNode system = req.get("system");
    if (system != null && system.isTextual() && !system.textValue().isEmpty()) {
      b.message("system", system.textValue(), JsonPointer.compile("/system"));
    } else if (system != null && system.isArray()) {
      for (int i = 0; i < system.size(); i++) {
        String t = system.get(i).path("text").asText("");
        if (!t.isEmpty()) {
          b.message("system", t, JsonPointer.compile("/system/" + i + "/text"));
        }
      }
    }
    JsonNode messages = req.path("messages");
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String role = m.path("role").asText();
      String at = "/messages/" + i + "/content";
      JsonNode content = m.get("content");
      if (content.isTextual()) {
        if (!content.textValue().isEmpty()) {
          b.message(role, content.textValue(), JsonPointer.compile(at));
        }
        continue;
      }
      for (int j = 0; j < content.size(); j++) {
        JsonNode block = content.get(j);
        String p = at + "/" + j;
        switch (block.path("type").asText()) {
          case "text" -> text(b, role, block, "text", p);
          case "thinking" -> text(b, role, block, "thinking", p);
          case "tool_use", "server_tool_use" ->
              b.toolCall(
                  block.path("id").asText("tool"),
                  block.path("name").asText("tool"),
                  block.path("input").toString(),
                  null);
          case "tool_result" -> toolResult(b, block, p);
          case "document" -> {
            JsonNode source = block.path("source");
            if ("text".equals(source.path("type").asText()) && source.path("data").isTextual()) {
              String t = source.get("data").textValue();
              if (!t.isEmpty()) {
                b.message(role, t, JsonPointer.compile(p + "/source/data"));
              }
            }
          }
          case "image", "redacted_thinking" -> {
            // no text the scanner can read; passed through
          }
          default -> {
            // a block type the gateway does not know: judge any text it holds
            text(b, role, block, "text", p);
          }
        }
      }
    }
    return b.build();
  }

  private static void text(
      ChatView.Builder b, String role, JsonNode block, String field, String p) {
    JsonNode t = block.get(field);
    if (t != null && t.isTextual() && !t.textValue().isEmpty()) {
      b.message(role, t.textValue(), JsonPointer.compile(p + "/" + field));
    }
  }

  private static void toolResult(ChatView.Builder b, JsonNode block, String p) {
    String id = block.path("tool_use_id").asText("tool");
    JsonNode c = block.get("content");
    if (c == null || c.isNull()) {
      return;
    }
    if (c.isTextual()) {
      if (!c.textValue().isEmpty()) {
        b.toolResult(id, c.textValue(), JsonPointer.compile(p + "/content"));
      }
      return;
    }
    for (int k = 0; k < c.size(); k++) {
      JsonNode x = c.get(k);
      if ("text".equals(x.path("type").asText()) && !x.path("text").asText("").isEmpty()) {
        b.toolResult(
            id, x.get("text").textValue(), JsonPointer.compile(p + "/content/" + k + "/text"));
      } else if ("document".equals(x.path("type").asText())
          && "text".equals(x.path("source").path("type").asText())
          && !x.path("source").path("data").asText("").isEmpty()) {
        b.toolResult(
            id,
            x.path("source").get("data").textValue(),
            JsonPointer.compile(p + "/content/" + k + "/source/data"));
      }
    }
  }

  /**
   * {@code req} with {@code rewrite} applied: texts replaced in place, {@code system} messages put
   * in front of {@code system} (a string stays a string, blocks get a text block first), and
   * user/assistant messages put in front of {@code messages} as plain-text turns.
   *
   * @throws ChatView.RewriteUnsupported when a prepended message has a role Messages cannot hold
   */
  public static ObjectNode applyRewrite(ObjectNode req, ChatView.Rewrite rewrite) {
    ObjectNode out = rewrite.apply(req);
    StringBuilder systemFront = new StringBuilder();
    ArrayNode front = F.arrayNode();
    for (ChatView.Prepended p : rewrite.prepended()) {
      switch (p.role()) {
        case "system", "developer" -> {
          if (!systemFront.isEmpty()) {
            systemFront.append("\n\n");
          }
          systemFront.append(p.text());
        }
        case "user", "assistant" ->
            front.addObject().put("role", p.role()).put("content", p.text());
        default ->
            throw new ChatView.RewriteUnsupported(
                "a message put in front has role '" + p.role() + "'");
      }
    }
    if (!systemFront.isEmpty()) {
      JsonNode system = out.get("system");
      if (system == null || system.isNull()) {
        out.put("system", systemFront.toString());
      } else if (system.isTextual()) {
        out.put("system", systemFront + "\n\n" + system.textValue());
      } else {
        ArrayNode blocks = F.arrayNode();
        blocks.addObject().put("type", "text").put("text", systemFront.toString());
        blocks.addAll((ArrayNode) system);
        out.set("system", blocks);
      }
    }
    if (!front.isEmpty()) {
      front.addAll((ArrayNode) out.get("messages"));
      out.set("messages", front);
    }
    return out;
  }

  /** A new message id in Anthropic's style ({@code msg_} and 24 hex digits). */
  public static String newId() {
    return "msg_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
  }

  /** Lethe's estimate of a text's tokens: characters / 4, rounded up. */
  public static int estimateTokens(String text) {
    return (text.length() + 3) / 4;
  }

  /**
   * The stop reason of a refusal Lethe answers itself: {@code refusal} when the request asked for
   * structured output ({@code output_format}, {@code output_config.format}), else {@code end_turn}.
   */
  public static String refusalStopReason(ObjectNode req) {
    JsonNode fmt = req.get("output_format");
    JsonNode cfg = req.path("output_config").get("format");
    return (fmt != null && !fmt.isNull()) || (cfg != null && !cfg.isNull())
        ? "refusal"
        : "end_turn";
  }

  /** A whole assistant message holding {@code text}, as Lethe answers a refused request. */
  public static ObjectNode refusalMessage(ObjectNode req, String id, String text) {
    ObjectNode m = F.objectNode();
    m.put("id", id);
    m.put("type", "message");
    m.put("role", "assistant");
    m.put("model", req.path("model").asText());
    m.putArray("content").addObject().put("type", "text").put("text", text);
    m.put("stop_reason", refusalStopReason(req));
    m.putNull("stop_sequence");
    m.set("usage", usage(estimateTokens(req.path("messages").toString()), estimateTokens(text)));
    return m;
  }

  /** The stream events of {@link #refusalMessage}, each with its event name. */
  public static List<Event> refusalEvents(ObjectNode req, String id, String text) {
    ObjectNode start = F.objectNode().put("type", "message_start");
    ObjectNode m = start.putObject("message");
    m.put("id", id);
    m.put("type", "message");
    m.put("role", "assistant");
    m.put("model", req.path("model").asText());
    m.putArray("content");
    m.putNull("stop_reason");
    m.putNull("stop_sequence");
    m.set("usage", usage(estimateTokens(req.path("messages").toString()), 1));
    ObjectNode blockStart = F.objectNode().put("type", "content_block_start").put("index", 0);
    blockStart.putObject("content_block").put("type", "text").put("text", "");
    ObjectNode delta = F.objectNode().put("type", "content_block_delta").put("index", 0);
    delta.putObject("delta").put("type", "text_delta").put("text", text);
    ObjectNode stop = F.objectNode().put("type", "content_block_stop").put("index", 0);
    return List.of(
        new Event("message_start", start),
        new Event("content_block_start", blockStart),
        new Event("content_block_delta", delta),
        new Event("content_block_stop", stop),
        new Event("message_delta", messageDelta(refusalStopReason(req), estimateTokens(text))),
        new Event("message_stop", F.objectNode().put("type", "message_stop")));
  }

  /** A {@code message_delta} event with {@code stopReason} and the output token count. */
  public static ObjectNode messageDelta(String stopReason, int outputTokens) {
    ObjectNode e = F.objectNode().put("type", "message_delta");
    e.putObject("delta").put("stop_reason", stopReason).putNull("stop_sequence");
    e.putObject("usage").put("output_tokens", outputTokens);
    return e;
  }

  private static ObjectNode usage(int input, int output) {
    return F.objectNode().put("input_tokens", input).put("output_tokens", output);
  }

  /**
   * One stream event.
   *
   * @param name the SSE {@code event:} name (the {@code type} of the data)
   * @param data the event's JSON
   */
  public record Event(String name, ObjectNode data) {}
}

package dev.lethe.gateway.responses;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.guard.ChatView;
import java.util.List;
import java.util.Set;

/**
 * A {@code POST /v1/responses} request as the guard sees it: validated, with its input as a list of
 * items (a string input becomes one user message), history the gateway kept for {@code
 * previous_response_id} put in front, and the {@link ChatView} the pipeline judges — every text a
 * model will read: {@code instructions}, message texts (input, output and refusal parts), function
 * call arguments, function call outputs and reasoning summaries.
 *
 * <p>What cannot be screened is refused with a 400 naming the field: {@code conversation} and
 * {@code prompt} (text held upstream), {@code item_reference} items, tools other than {@code
 * function} (their calls and results never pass the gateway), {@code background}.
 */
final class ResponsesRequest {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Set<String> ROLES = Set.of("user", "assistant", "system", "developer");

  private final ObjectNode original;
  private final ObjectNode effective;
  private final boolean changed;
  private final ChatView view;

  private ResponsesRequest(
      ObjectNode original, ObjectNode effective, boolean changed, ChatView view) {
    this.original = original;
    this.effective = effective;
    this.changed = changed;
    this.view = view;
  }

  /** The request as the client sent it. */
  ObjectNode original() {
    return original;
  }

  /**
   * The request the backend gets when the pipeline does not rewrite it: the original, with kept
   * history inlined in front of its input and {@code previous_response_id} removed.
   */
  ObjectNode effective() {
    return effective;
  }

  /** True when {@link #effective()} differs from the bytes the client sent (history inlined). */
  boolean changed() {
    return changed;
  }

  /** The conversation the pipeline judges. */
  ChatView view() {
    return view;
  }

  /** The model name. */
  String model() {
    return original.path("model").asText();
  }

  /** Whether the client asked for a stream. */
  boolean stream() {
    return original.path("stream").asBoolean(false);
  }

  /** Whether the client asked for structured output ({@code text.format.type: json_schema}). */
  boolean structured() {
    return "json_schema".equals(original.path("text").path("format").path("type").asText());
  }

  /** Whether the client allowed the answer to be kept for {@code previous_response_id}. */
  boolean store() {
    return original.path("store").asBoolean(true);
  }

  /** The input items of the effective request (history first). */
  ArrayNode items() {
    return (ArrayNode) effective.get("input");
  }

  /** Thrown with the error to answer when a request is invalid or cannot be screened. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient ApiError error;

    Invalid(ApiError error) {
      super(error.message(), null, false, false);
      this.error = error;
    }

    ApiError error() {
      return error;
    }
  }

  private static Invalid invalid(String param, String message) {
    return new Invalid(ApiError.invalidRequest(param, message));
  }

  /**
   * Validates {@code request} and builds its view.
   *
   * @param history the items kept for its {@code previous_response_id} (already checked), or {@code
   *     null} when it names none
   */
  static ResponsesRequest of(JsonNode parsed, List<JsonNode> history) throws Invalid {
    if (!(parsed instanceof ObjectNode request)) {
      throw invalid(null, "The request body must be a JSON object.");
    }
    if (!request.path("model").isTextual() || request.path("model").asText().isBlank()) {
      throw invalid("model", "'model' is required and must be a non-empty string.");
    }
    JsonNode stream = request.get("stream");
    if (stream != null && !stream.isBoolean() && !stream.isNull()) {
      throw invalid("stream", "'stream' must be a boolean.");
    }
    for (String held : List.of("conversation", "prompt")) {
      if (request.hasNonNull(held)) {
        throw invalid(
            held,
            "'"
                + held
                + "' refers to text stored upstream that this gateway never saw and cannot"
                + " screen; send the input items instead (or previous_response_id of a response"
                + " this gateway produced).");
      }
    }
    if (request.path("background").asBoolean(false)) {
      throw invalid("background", "Background responses are not supported by this gateway.");
    }
    JsonNode instructions = request.get("instructions");
    if (instructions != null && !instructions.isNull() && !instructions.isTextual()) {
      throw invalid("instructions", "'instructions' must be a string.");
    }
    JsonNode tools = request.get("tools");
    if (tools != null && !tools.isNull()) {
      if (!tools.isArray()) {
        throw invalid("tools", "'tools' must be an array.");
      }
      for (int i = 0; i < tools.size(); i++) {
        JsonNode t = tools.get(i);
        if (!"function".equals(t.path("type").asText()) || !t.path("name").isTextual()) {
          throw invalid(
              "tools[" + i + "]",
              "Only function tools (type 'function' with a 'name') are supported: the calls and"
                  + " results of built-in tools never pass the gateway, so they cannot be"
                  + " screened.");
        }
      }
    }
    JsonNode prev = request.get("previous_response_id");
    if (prev != null && !prev.isNull() && !prev.isTextual()) {
      throw invalid("previous_response_id", "'previous_response_id' must be a string.");
    }
    JsonNode input = request.get("input");
    ArrayNode items = F.arrayNode();
    if (history != null) {
      for (JsonNode h : history) {
        items.add(h.deepCopy());
      }
    }
    if (input == null || input.isNull()) {
      if (history == null) {
        throw invalid("input", "'input' is required (a string or an array of input items).");
      }
    } else if (input.isTextual()) {
      items.addObject().put("role", "user").put("content", input.textValue());
    } else if (input.isArray()) {
      items.addAll(((ArrayNode) input).deepCopy());
    } else {
      throw invalid("input", "'input' must be a string or an array of input items.");
    }
    ObjectNode effective = request.deepCopy();
    effective.set("input", items);
    effective.remove("previous_response_id");
    ChatView.Builder view = ChatView.builder(request.path("model").asText(), false);
    if (instructions != null && instructions.isTextual()) {
      view.message("system", instructions.textValue(), JsonPointer.compile("/instructions"));
    }
    for (int i = 0; i < items.size(); i++) {
      item(view, items.get(i), i);
    }
    boolean changed = history != null || (prev != null && !prev.isNull());
    return new ResponsesRequest(request, effective, changed, view.build());
  }

  private static void item(ChatView.Builder view, JsonNode item, int i) throws Invalid {
    String at = "input[" + i + "]";
    if (!(item instanceof ObjectNode o)) {
      throw invalid(at, "Each input item must be an object.");
    }
    String type = o.path("type").asText(o.has("role") ? "message" : "");
    String base = "/input/" + i;
    switch (type) {
      case "message" -> {
        String role = o.path("role").asText();
        if (!ROLES.contains(role)) {
          throw invalid(at + ".role", "Expected one of user, assistant, system, developer.");
        }
        JsonNode content = o.get("content");
        if (content != null && content.isTextual()) {
          view.message(role, content.textValue(), JsonPointer.compile(base + "/content"));
          return;
        }
        if (content == null || !content.isArray()) {
          throw invalid(at + ".content", "Expected a string or an array of content parts.");
        }
        for (int j = 0; j < content.size(); j++) {
          JsonNode part = content.get(j);
          String pt = part.path("type").asText();
          String p = base + "/content/" + j;
          switch (pt) {
            case "input_text", "output_text", "text" -> {
              if (!part.path("text").isTextual()) {
                throw invalid(at + ".content[" + j + "].text", "Expected a string.");
              }
              view.message(role, part.get("text").textValue(), JsonPointer.compile(p + "/text"));
            }
            case "refusal" -> {
              if (!part.path("refusal").isTextual()) {
                throw invalid(at + ".content[" + j + "].refusal", "Expected a string.");
              }
              view.message(
                  role, part.get("refusal").textValue(), JsonPointer.compile(p + "/refusal"));
            }
            case "input_image", "input_file" -> {
              // Forwarded like a chat request's image parts: only text is screened.
            }
            default ->
                throw invalid(
                    at + ".content[" + j + "].type", "Unsupported content part type '" + pt + "'.");
          }
        }
      }
      case "function_call" -> {
        if (!o.path("call_id").isTextual()
            || !o.path("name").isTextual()
            || !o.path("arguments").isTextual()) {
          throw invalid(at, "A function_call item needs string call_id, name and arguments.");
        }
        view.toolCall(
            o.get("call_id").textValue(),
            o.get("name").textValue(),
            o.get("arguments").textValue(),
            JsonPointer.compile(base + "/arguments"));
      }
      case "function_call_output" -> {
        if (!o.path("call_id").isTextual()) {
          throw invalid(at + ".call_id", "A function_call_output item needs a string call_id.");
        }
        JsonNode out = o.get("output");
        String callId = o.get("call_id").textValue();
        if (out != null && out.isTextual()) {
          view.toolResult(callId, out.textValue(), JsonPointer.compile(base + "/output"));
        } else if (out != null && out.isArray()) {
          for (int j = 0; j < out.size(); j++) {
            JsonNode part = out.get(j);
            if ("input_text".equals(part.path("type").asText()) && part.path("text").isTextual()) {
              view.toolResult(
                  callId,
                  part.get("text").textValue(),
                  JsonPointer.compile(base + "/output/" + j + "/text"));
            } else if (!"input_image".equals(part.path("type").asText())
                && !"input_file".equals(part.path("type").asText())) {
              throw invalid(at + ".output[" + j + "]", "Unsupported output part.");
            }
          }
        } else {
          throw invalid(at + ".output", "Expected a string or an array of content parts.");
        }
      }
      case "reasoning" -> {
        JsonNode summary = o.path("summary");
        for (int j = 0; j < summary.size(); j++) {
          JsonNode s = summary.get(j);
          if (s.path("text").isTextual()) {
            view.message(
                "assistant",
                s.get("text").textValue(),
                JsonPointer.compile(base + "/summary/" + j + "/text"));
          }
        }
      }
      case "item_reference" ->
          throw invalid(
              at,
              "item_reference items refer to text stored upstream that this gateway never saw;"
                  + " send the item itself.");
      default ->
          throw invalid(
              at + ".type",
              "Unsupported input item type '"
                  + type
                  + "': only message, function_call, function_call_output and reasoning items"
                  + " can be screened.");
    }
  }

  /**
   * The request to send after the pipeline rewrote the view: the rewritten texts put back at their
   * places, and the messages put in front rendered as message items before the input.
   *
   * @throws ChatView.RewriteUnsupported when the rewrite cannot be expressed as a Responses request
   */
  ObjectNode rewritten(ObjectNode rewrittenView) {
    ChatView.Rewrite rw = view.rewrite(rewrittenView);
    ObjectNode out = rw.apply(effective);
    if (!rw.prepended().isEmpty()) {
      ArrayNode input = F.arrayNode();
      for (ChatView.Prepended p : rw.prepended()) {
        input.addObject().put("type", "message").put("role", p.role()).put("content", p.text());
      }
      input.addAll((ArrayNode) out.get("input"));
      out.set("input", input);
    }
    return out;
  }
}

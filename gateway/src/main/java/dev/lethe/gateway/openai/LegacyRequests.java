package dev.lethe.gateway.openai;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.guard.ChatView;
import java.util.ArrayList;
import java.util.List;

/**
 * The text-input requests of OpenAI's legacy completions ({@code POST /v1/completions}, field
 * {@code prompt}, plus {@code suffix}) and embeddings ({@code POST /v1/embeddings}, field {@code
 * input}): validation, the conversation the guard judges (each text a user turn) and a rewrite
 * mapped back. Inputs given as token ids cannot be judged and are refused with a clear error (fail
 * closed).
 */
public final class LegacyRequests {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** The most texts one request may hold. */
  static final int MAX_TEXTS = 2048;

  private LegacyRequests() {}

  /**
   * Why {@code req} is not a request the gateway can judge, or {@code null}: an object with a
   * {@code model} string and {@code field} a string or a non-empty array of strings; {@code n}
   * (completions) an integer in 1..128; {@code stream} a boolean.
   */
  public static ApiError validate(JsonNode req, String field) {
    if (!(req instanceof ObjectNode)) {
      return ApiError.invalidRequest(null, "The request body must be a JSON object.");
    }
    JsonNode model = req.get("model");
    if (model == null || !model.isTextual() || model.textValue().isBlank()) {
      return ApiError.invalidRequest("model", "'model' is required (a model name string).");
    }
    JsonNode in = req.get(field);
    if (in == null || in.isNull()) {
      return ApiError.invalidRequest(field, "'" + field + "' is required.");
    }
    if (in.isArray()) {
      if (in.isEmpty() || in.size() > MAX_TEXTS) {
        return ApiError.invalidRequest(
            field, "'" + field + "' must hold 1.." + MAX_TEXTS + " strings.");
      }
      for (JsonNode x : in) {
        if (!x.isTextual()) {
          return ApiError.invalidRequest(
              field,
              "'"
                  + field
                  + "' given as token ids cannot be screened by this gateway; send the text as a"
                  + " string or an array of strings.");
        }
      }
    } else if (!in.isTextual()) {
      return ApiError.invalidRequest(
          field, "'" + field + "' must be a string or an array of strings.");
    }
    JsonNode suffix = req.get("suffix");
    if (suffix != null && !suffix.isNull() && !suffix.isTextual()) {
      return ApiError.invalidRequest("suffix", "'suffix' must be a string.");
    }
    JsonNode n = req.get("n");
    if (n != null && !n.isNull() && (!n.isIntegralNumber() || n.asInt() < 1 || n.asInt() > 128)) {
      return ApiError.invalidRequest("n", "'n' must be an integer in 1..128.");
    }
    JsonNode stream = req.get("stream");
    if (stream != null && !stream.isNull() && !stream.isBoolean()) {
      return ApiError.invalidRequest("stream", "'stream' must be a boolean.");
    }
    return null;
  }

  /** The texts of {@code field} (a string, or each string of an array), in order. */
  public static List<String> texts(ObjectNode req, String field) {
    JsonNode in = req.get(field);
    List<String> out = new ArrayList<>();
    if (in.isTextual()) {
      out.add(in.textValue());
    } else {
      in.forEach(x -> out.add(x.textValue()));
    }
    return out;
  }

  /**
   * The conversation the guard judges: each text of {@code field} (and {@code suffix}) a user turn.
   */
  public static ChatView view(ObjectNode req, String field, boolean stream) {
    ChatView.Builder b = ChatView.builder(req.path("model").asText(), stream);
    JsonNode in = req.get(field);
    if (in.isTextual()) {
      if (!in.textValue().isEmpty()) {
        b.message("user", in.textValue(), JsonPointer.compile("/" + field));
      }
    } else {
      for (int i = 0; i < in.size(); i++) {
        if (!in.get(i).textValue().isEmpty()) {
          b.message("user", in.get(i).textValue(), JsonPointer.compile("/" + field + "/" + i));
        }
      }
    }
    JsonNode suffix = req.get("suffix");
    if (suffix != null && suffix.isTextual() && !suffix.textValue().isEmpty()) {
      b.message("user", suffix.textValue(), JsonPointer.compile("/suffix"));
    }
    return b.build();
  }

  /**
   * {@code req} with {@code rewrite} applied: texts replaced in place, and any messages put in
   * front rendered as plain text before each prompt ({@code system} text, then {@code Question:} /
   * {@code Answer:} lines for demonstration turns), since a completion prompt is one text.
   *
   * @param prependAllowed false for embeddings, where added context would change the vectors (the
   *     rewrite is then unsupported)
   */
  public static ObjectNode applyRewrite(
      ObjectNode req, String field, ChatView.Rewrite rewrite, boolean prependAllowed) {
    ObjectNode out = rewrite.apply(req);
    if (rewrite.prepended().isEmpty()) {
      return out;
    }
    if (!prependAllowed) {
      throw new ChatView.RewriteUnsupported(
          "in-context demonstrations cannot be added to an embeddings input");
    }
    StringBuilder prefix = new StringBuilder();
    for (ChatView.Prepended p : rewrite.prepended()) {
      switch (p.role()) {
        case "user" -> prefix.append("Question: ").append(p.text()).append('\n');
        case "assistant" -> prefix.append("Answer: ").append(p.text()).append("\n\n");
        default -> prefix.append(p.text()).append("\n\n");
      }
    }
    JsonNode in = out.get(field);
    if (in.isTextual()) {
      out.put(field, prefix + in.textValue());
    } else {
      ArrayNode a = F.arrayNode();
      in.forEach(x -> a.add(TextNode.valueOf(prefix + x.textValue())));
      out.set(field, a);
    }
    return out;
  }
}

package dev.lethe.gateway.backend.local;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.unlearner.prompt.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The parts of an OpenAI chat-completion request a local model honours: messages (flattened by
 * {@link dev.lethe.unlearner.prompt.PromptTemplate#encodeChat}), {@code max_completion_tokens} (or
 * the legacy {@code max_tokens}), {@code temperature} (OpenAI's default 1; 0 is greedy), {@code
 * top_p}, {@code seed} (choice {@code i} uses {@code seed + i}; random when absent), {@code stop},
 * {@code n}, {@code stream} and {@code stream_options.include_usage}. Other fields ({@code tools},
 * {@code logprobs}, ...) are accepted and ignored: a local model answers with text only.
 *
 * @param model the requested model name
 * @param messages the conversation
 * @param maxTokens the most tokens per choice, or -1 for "up to the model's context"
 * @param temperature sampling temperature, {@code 0..2}
 * @param topP nucleus mass, {@code (0, 1]}
 * @param seed the first choice's seed
 * @param stop stop sequences (at most 4)
 * @param n number of choices
 * @param stream whether to stream
 * @param includeUsage whether a streamed answer ends with a usage chunk
 */
public record LocalChatRequest(
    String model,
    List<ChatMessage> messages,
    int maxTokens,
    double temperature,
    double topP,
    long seed,
    List<String> stop,
    int n,
    boolean stream,
    boolean includeUsage) {

  /** Copies the lists. */
  public LocalChatRequest {
    messages = List.copyOf(messages);
    stop = List.copyOf(stop);
  }

  /** Thrown with the OpenAI error to answer when a request cannot be served. */
  public static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient ApiError error;

    Invalid(String param, String message) {
      super(message, null, false, false);
      this.error = ApiError.invalidRequest(param, message);
    }

    /** The error for the client. */
    public ApiError error() {
      return error;
    }
  }

  /** Reads {@code req}, a JSON object. */
  public static LocalChatRequest parse(JsonNode req) throws Invalid {
    if (!req.isObject()) {
      throw new Invalid(null, "The request body must be a JSON object.");
    }
    String model = req.path("model").asText("");
    List<ChatMessage> messages = new ArrayList<>();
    JsonNode ms = req.path("messages");
    if (!ms.isArray() || ms.isEmpty()) {
      throw new Invalid("messages", "Expected a non-empty array of messages.");
    }
    for (int i = 0; i < ms.size(); i++) {
      JsonNode m = ms.get(i);
      String role = m.path("role").asText("");
      if (role.isEmpty()) {
        throw new Invalid("messages[" + i + "].role", "Missing role.");
      }
      messages.add(new ChatMessage(role, text(m.get("content"), "messages[" + i + "].content")));
    }
    int maxTokens = -1;
    for (String f : List.of("max_completion_tokens", "max_tokens")) {
      JsonNode v = req.get(f);
      if (v != null && !v.isNull()) {
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1) {
          throw new Invalid(f, "Invalid '" + f + "': expected an integer >= 1.");
        }
        maxTokens = v.asInt();
        break;
      }
    }
    double temperature = number(req, "temperature", 1.0, 0, 2);
    double topP = number(req, "top_p", 1.0, 0, 1);
    if (topP == 0) {
      throw new Invalid("top_p", "Invalid 'top_p': expected a number in (0, 1].");
    }
    JsonNode seedNode = req.get("seed");
    long seed;
    if (seedNode == null || seedNode.isNull()) {
      seed = ThreadLocalRandom.current().nextLong();
    } else if (seedNode.isIntegralNumber() && seedNode.canConvertToLong()) {
      seed = seedNode.asLong();
    } else {
      throw new Invalid("seed", "Invalid 'seed': expected an integer.");
    }
    List<String> stop = new ArrayList<>();
    JsonNode st = req.get("stop");
    if (st != null && !st.isNull()) {
      if (st.isTextual()) {
        stop.add(st.asText());
      } else if (st.isArray()) {
        for (JsonNode s : st) {
          if (!s.isTextual()) {
            throw new Invalid("stop", "Invalid 'stop': expected a string or an array of strings.");
          }
          stop.add(s.asText());
        }
      } else {
        throw new Invalid("stop", "Invalid 'stop': expected a string or an array of strings.");
      }
      if (stop.size() > 4 || stop.stream().anyMatch(String::isEmpty)) {
        throw new Invalid("stop", "Invalid 'stop': at most 4 non-empty sequences.");
      }
    }
    JsonNode nNode = req.get("n");
    int n = 1;
    if (nNode != null && !nNode.isNull()) {
      if (!nNode.isIntegralNumber() || nNode.asInt() < 1 || nNode.asInt() > 128) {
        throw new Invalid("n", "Invalid 'n': expected an integer between 1 and 128.");
      }
      n = nNode.asInt();
    }
    boolean stream = req.path("stream").asBoolean(false);
    boolean usage = req.path("stream_options").path("include_usage").asBoolean(false);
    return new LocalChatRequest(
        model, messages, maxTokens, temperature, topP, seed, stop, n, stream, usage);
  }

  private static String text(JsonNode content, String param) throws Invalid {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    if (content.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode part : content) {
        if (part.isTextual()) {
          sb.append(part.asText());
        } else if (part.path("text").isTextual()) {
          sb.append(part.path("text").asText());
        } else if (!part.path("type").asText("").equals("refusal")) {
          throw new Invalid(param, "A local model accepts text content parts only.");
        }
      }
      return sb.toString();
    }
    throw new Invalid(param, "Expected a string or an array of content parts.");
  }

  private static double number(JsonNode req, String field, double def, double min, double max)
      throws Invalid {
    JsonNode v = req.get(field);
    if (v == null || v.isNull()) {
      return def;
    }
    if (!v.isNumber() || !(v.asDouble() >= min && v.asDouble() <= max)) {
      throw new Invalid(
          field, "Invalid '" + field + "': expected a number between " + min + " and " + max + ".");
    }
    return v.asDouble();
  }
}

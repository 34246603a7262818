package dev.lethe.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.gateway.errors.ApiError;

/**
 * Checks the parts of a chat-completion request the gateway relies on; everything else is left to
 * the backend. Messages name the parameter, as OpenAI's do.
 */
final class RequestValidator {
  private RequestValidator() {}

  /** Returns the first problem, or {@code null} when the request is usable. */
  static ApiError validate(JsonNode req) {
    if (!req.isObject()) {
      return ApiError.invalidRequest(null, "The request body must be a JSON object.");
    }
    JsonNode model = req.get("model");
    if (model == null || model.isNull()) {
      return ApiError.invalidRequest("model", "Missing required parameter: 'model'.");
    }
    if (!model.isTextual() || model.asText().isBlank()) {
      return ApiError.invalidRequest(
          "model", "Invalid type for 'model': expected a non-empty string.");
    }
    JsonNode messages = req.get("messages");
    if (messages == null || messages.isNull()) {
      return ApiError.invalidRequest("messages", "Missing required parameter: 'messages'.");
    }
    if (!messages.isArray()) {
      return ApiError.invalidRequest("messages", "Invalid type for 'messages': expected an array.");
    }
    if (messages.isEmpty()) {
      return ApiError.invalidRequest(
          "messages", "Invalid 'messages': empty array. Expected at least one message.");
    }
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      if (!m.isObject()) {
        return ApiError.invalidRequest(
            "messages[" + i + "]", "Invalid type for 'messages[" + i + "]': expected an object.");
      }
      if (!m.path("role").isTextual()) {
        return ApiError.invalidRequest(
            "messages[" + i + "].role",
            "Missing or invalid 'messages[" + i + "].role': expected a string.");
      }
      JsonNode content = m.get("content");
      if (content != null && !content.isNull() && !content.isTextual() && !content.isArray()) {
        return ApiError.invalidRequest(
            "messages[" + i + "].content",
            "Invalid type for 'messages["
                + i
                + "].content': expected a string or an array of content parts.");
      }
    }
    JsonNode stream = req.get("stream");
    if (stream != null && !stream.isNull() && !stream.isBoolean()) {
      return ApiError.invalidRequest("stream", "Invalid type for 'stream': expected a boolean.");
    }
    JsonNode n = req.get("n");
    if (n != null && !n.isNull() && (!n.isIntegralNumber() || n.asInt() < 1 || n.asInt() > 128)) {
      return ApiError.invalidRequest("n", "Invalid 'n': expected an integer between 1 and 128.");
    }
    JsonNode opts = req.get("stream_options");
    if (opts != null && !opts.isNull() && !opts.isObject()) {
      return ApiError.invalidRequest(
          "stream_options", "Invalid type for 'stream_options': expected an object.");
    }
    return null;
  }
}

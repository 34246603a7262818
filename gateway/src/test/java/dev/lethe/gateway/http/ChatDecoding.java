package dev.lethe.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.gateway.errors.ApiError;

/** The chat-completions request validation the handler runs, for fuzz targets in other packages. */
public final class ChatDecoding {
  private ChatDecoding() {}

  /** The client's error when {@code parsed} is refused, else {@code null}. */
  public static ApiError validate(JsonNode parsed) {
    return RequestValidator.validate(parsed);
  }
}

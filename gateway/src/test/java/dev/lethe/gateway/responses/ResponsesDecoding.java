package dev.lethe.gateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.gateway.errors.ApiError;

/** The Responses request decoding the handler runs, for fuzz targets outside this package. */
public final class ResponsesDecoding {
  private ResponsesDecoding() {}

  /**
   * Decodes {@code parsed} as {@code POST /v1/responses} does (no {@code previous_response_id}
   * history): validation, the view the guard judges and the chat translation. Returns the client's
   * error when the request is refused, else {@code null}; anything thrown is a bug.
   */
  public static ApiError decode(JsonNode parsed) {
    try {
      ResponsesRequest rr = ResponsesRequest.of(parsed, null);
      ObjectNode judged = rr.view().request();
      if (!judged.path("messages").isArray()) {
        throw new AssertionError("the judged view holds no messages array");
      }
      ChatTranslation.toChat(rr.effective());
      return null;
    } catch (ResponsesRequest.Invalid e) {
      return e.error();
    }
  }
}

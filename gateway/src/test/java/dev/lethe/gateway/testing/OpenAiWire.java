package dev.lethe.gateway.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerResponse;

/**
 * The OpenAI wire format as the test doubles of that API write it, in one place: the header fields
 * every completion object and stream chunk starts with, a streamed chat chunk, and the error body
 * with its {@code type}/{@code code} for a status. Written from the API reference, not from the
 * gateway's own code, so a mistake in the gateway is not mirrored by its doubles.
 */
public final class OpenAiWire {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The creation time every double reports. */
  public static final long CREATED = 1_700_000_000L;

  private OpenAiWire() {}

  /** {@code {"id", "object", "created", "model"}}, the start of a completion or chunk. */
  public static ObjectNode header(String id, String model, String object) {
    return JSON.createObjectNode()
        .put("id", id)
        .put("object", object)
        .put("created", CREATED)
        .put("model", model);
  }

  /**
   * One {@code chat.completion.chunk} with one choice: {@code delta} at {@code index}, {@code
   * finish_reason} {@code finish} or null.
   */
  public static String chatChunk(
      String id, String model, int index, ObjectNode delta, String finish) {
    ObjectNode root = header(id, model, "chat.completion.chunk");
    ObjectNode c = root.putArray("choices").addObject().put("index", index);
    c.set("delta", delta);
    if (finish == null) {
      c.putNull("finish_reason");
    } else {
      c.put("finish_reason", finish);
    }
    return root.toString();
  }

  /**
   * Ends {@code resp} with the API's error body: {@code {"error": {"message", "type", "param":
   * null, "code"}}}, {@code rate_limit_error}/{@code rate_limit_exceeded} for 429 and {@code
   * invalid_request_error}/{@code bad_request} otherwise.
   */
  public static void error(HttpServerResponse resp, int status, String message) {
    ObjectNode root = JSON.createObjectNode();
    root.putObject("error")
        .put("message", message)
        .put("type", status == 429 ? "rate_limit_error" : "invalid_request_error")
        .putNull("param")
        .put("code", status == 429 ? "rate_limit_exceeded" : "bad_request");
    resp.setStatusCode(status).putHeader("Content-Type", "application/json").end(root.toString());
  }
}

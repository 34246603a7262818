package dev.lethe.gateway.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.errors.WireFormat;
import dev.lethe.gateway.guard.RequestState;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * Writes errors to clients, in the wire format of the route they called ({@link
 * WireFormat#forPath}: Anthropic's shape under {@code /v1/messages}, else OpenAI's).
 */
public final class Errors {
  static final ObjectMapper JSON = new ObjectMapper();

  /** The {@code Retry-After} value sent with a 429 (seconds). */
  static final String RETRY_AFTER_SECONDS = "1";

  private Errors() {}

  /** Sends {@code error} in the request's wire format unless the response already started. */
  public static void send(RoutingContext ctx, ApiError error) {
    RequestState state = RequestState.of(ctx);
    if (state != null && !ctx.response().headWritten() && state.answeredError() == null) {
      state.answeredError(error.code() != null ? error.code() : error.openAiType());
    }
    write(ctx.response(), error, WireFormat.forPath(ctx.request().path()));
  }

  /**
   * Writes {@code error} in {@code format} as the whole response unless it already started (then it
   * is only ended). The message is scrubbed of anything that looks like a Java class name: a client
   * never sees one. A 429 or 503 says when to retry ({@code Retry-After}, which the SDKs honour)
   * unless the upstream's own hint was passed on.
   */
  public static void write(HttpServerResponse resp, ApiError error, WireFormat format) {
    if (resp.headWritten() || resp.closed()) {
      if (!resp.ended() && !resp.closed()) {
        resp.end();
      }
      return;
    }
    if ((error.status() == 429 || error.status() == 503)
        && resp.headers().get("Retry-After") == null) {
      resp.putHeader("Retry-After", RETRY_AFTER_SECONDS);
    }
    try {
      resp.setStatusCode(error.status())
          .putHeader("Content-Type", "application/json")
          .end(
              Buffer.buffer(
                  JSON.writeValueAsBytes(format.body(error.withMessage(scrub(error.message()))))));
    } catch (Exception e) {
      resp.setStatusCode(500).putHeader("Content-Type", "application/json").end(INTERNAL);
    }
  }

  private static final String INTERNAL =
      "{\"error\":{\"message\":\"Internal error.\",\"type\":\"server_error\",\"param\":null,"
          + "\"code\":null}}";

  private static final Pattern QUALIFIED =
      Pattern.compile("\\b(?:[a-z_][a-z0-9_]*\\.){2,}[A-Z]\\w*");
  private static final Pattern THROWABLE =
      Pattern.compile("\\b[A-Z][A-Za-z0-9]*(?:Exception|Error)\\b");

  /** Replaces what looks like a Java class name (qualified, or an exception's) in a message. */
  static String scrub(String message) {
    if (message == null) {
      return "";
    }
    String m = QUALIFIED.matcher(message).replaceAll("[internal]");
    return THROWABLE.matcher(m).replaceAll("[internal]");
  }
}

package dev.lethe.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.metrics.GatewayMetrics;
import dev.lethe.gateway.openai.StrictJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * The one way every API surface reads its request body: present, and one strict JSON document (no
 * duplicate keys, nothing after it), so the bytes forwarded upstream are exactly the document
 * judged and no upstream parser can read another request than the one screened.
 */
record JsonBody(Buffer buffer, byte[] bytes, JsonNode json) {

  /**
   * The body as received (forwarded as they are unless a stage rewrites them) and its parsed
   * document, or {@code null} after answering the client with the error (empty body, or invalid
   * JSON, counted as {@code invalid_json}) in the route's own error shape.
   */
  static JsonBody read(RoutingContext ctx, GatewayMetrics metrics) {
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      Errors.send(ctx, ApiError.emptyBody());
      return null;
    }
    byte[] bytes = body.getBytes();
    try {
      return new JsonBody(body, bytes, StrictJson.read(bytes));
    } catch (StrictJson.Rejected e) {
      metrics.requestRejected("invalid_json");
      Errors.send(ctx, ApiError.invalidJson(e.getMessage()));
      return null;
    }
  }
}

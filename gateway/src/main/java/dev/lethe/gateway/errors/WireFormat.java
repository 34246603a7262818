package dev.lethe.gateway.errors;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/** The shape an error takes for a client: one renderer per API the gateway speaks. */
public enum WireFormat {
  /** OpenAI: {@code {"error":{"message","type","param","code"}}}, also as a stream event. */
  OPENAI {
    @Override
    public ObjectNode body(ApiError e) {
      ObjectNode err = JsonNodeFactory.instance.objectNode();
      err.put("message", e.message());
      err.put("type", e.openAiType());
      if (e.param() == null) {
        err.putNull("param");
      } else {
        err.put("param", e.param());
      }
      if (e.code() == null) {
        err.putNull("code");
      } else {
        err.put("code", e.code());
      }
      ObjectNode root = JsonNodeFactory.instance.objectNode();
      root.set("error", err);
      return root;
    }
  },
  /**
   * Anthropic: {@code {"type":"error","error":{"type","message"}}}, also the {@code data} of an
   * {@code event: error} stream event. An upstream's own Anthropic type is kept when it is one of
   * Anthropic's; otherwise the kind's Anthropic name is used.
   */
  ANTHROPIC {
    @Override
    public ObjectNode body(ApiError e) {
      ObjectNode root = JsonNodeFactory.instance.objectNode();
      root.put("type", "error");
      ObjectNode err = root.putObject("error");
      String type =
          e.type() != null && ANTHROPIC_TYPES.contains(e.type())
              ? e.type()
              : e.kind().anthropicType();
      err.put("type", type);
      err.put("message", e.message());
      return root;
    }
  };

  private static final Set<String> ANTHROPIC_TYPES =
      Set.of(
          "invalid_request_error",
          "authentication_error",
          "billing_error",
          "permission_error",
          "not_found_error",
          "request_too_large",
          "rate_limit_error",
          "api_error",
          "timeout_error",
          "overloaded_error");

  /** The error body. */
  public abstract ObjectNode body(ApiError e);

  /** The format of the errors of the route at {@code path}: Anthropic's under /v1/messages. */
  public static WireFormat forPath(String path) {
    return path != null && (path.equals("/v1/messages") || path.startsWith("/v1/messages/"))
        ? ANTHROPIC
        : OPENAI;
  }
}

package dev.lethe.gateway.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The token counts a backend reported for one answer, read from its {@code usage} object in any of
 * the wire formats the gateway relays: OpenAI's ({@code prompt_tokens}, {@code completion_tokens})
 * in chat and text completions, embeddings and their stream chunks; the Responses API's and
 * Anthropic's ({@code input_tokens}, {@code output_tokens}), including the stream events that carry
 * them ({@code response.completed}/{@code incomplete}/{@code failed}; Anthropic's {@code
 * message_start} for the input and {@code message_delta} for the output). A count the answer does
 * not report is {@code 0}.
 *
 * @param prompt tokens of the prompt (input)
 * @param completion tokens generated (output)
 */
public record TokenUsage(long prompt, long completion) {

  /** Checks arguments. */
  public TokenUsage {
    if (prompt < 0 || completion < 0) {
      throw new IllegalArgumentException(
          "token counts: " + prompt + ", " + completion + " (expected: >= 0)");
    }
  }

  /** The usage an answer body or a stream event reports, if it reports one. */
  public static Optional<TokenUsage> in(JsonNode node) {
    if (node == null || !node.isObject()) {
      return Optional.empty();
    }
    String type = node.path("type").asText("");
    return switch (type) {
      case "message_start" -> counts(node.path("message").path("usage"), true, false);
      case "message_delta" -> counts(node.path("usage"), false, true);
      case "response.completed", "response.incomplete", "response.failed" ->
          counts(node.path("response").path("usage"), true, true);
      default ->
          type.startsWith("response.") ? Optional.empty() : counts(node.path("usage"), true, true);
    };
  }

  private static Optional<TokenUsage> counts(JsonNode usage, boolean input, boolean output) {
    if (!usage.isObject()) {
      return Optional.empty();
    }
    long p = input ? first(usage, "prompt_tokens", "input_tokens") : -1;
    long c = output ? first(usage, "completion_tokens", "output_tokens") : -1;
    if (p < 0 && c < 0) {
      return Optional.empty();
    }
    return Optional.of(new TokenUsage(Math.max(0, p), Math.max(0, c)));
  }

  private static long first(JsonNode usage, String a, String b) {
    JsonNode n = usage.get(a);
    if (n == null || !n.isIntegralNumber()) {
      n = usage.get(b);
    }
    return n != null && n.isIntegralNumber() && n.asLong() >= 0 ? n.asLong() : -1;
  }
}

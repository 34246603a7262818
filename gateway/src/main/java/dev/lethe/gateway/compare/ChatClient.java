package dev.lethe.gateway.compare;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A minimal blocking OpenAI chat-completions client on the JDK's {@link HttpClient}: {@code POST
 * {base}/chat/completions} with {@code model}, {@code messages}, {@code max_tokens} and {@code
 * temperature: 0}, non-streaming, reading {@code choices[0].message.content}, {@code
 * finish_reason}, {@code usage.prompt_tokens} and the gateway's {@code x-lethe-decision} header.
 *
 * <p>The official {@code openai-java} SDK is only a test dependency of the gateway; the runtime
 * keeps to the JDK client rather than shipping the SDK (and its OkHttp / Kotlin runtime) in the
 * application for one request shape. The end-to-end test of this package checks the gateway with
 * this client; the gateway's own SDK tests check the same wire format with the SDK. Blocking: call
 * it from a worker thread, never from an event loop.
 */
public final class ChatClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final URI completions;
  private final String apiKey;
  private final Duration timeout;

  /**
   * A client.
   *
   * @param baseUrl the API base, e.g. {@code http://127.0.0.1:8080/v1}
   * @param apiKey the bearer token, or {@code null} for none
   * @param timeout the limit for one request
   */
  public ChatClient(URI baseUrl, String apiKey, Duration timeout) {
    requireNonNull(baseUrl, "baseUrl");
    String base = baseUrl.toString();
    this.completions = URI.create((base.endsWith("/") ? base : base + "/") + "chat/completions");
    this.apiKey = apiKey;
    this.timeout = requireNonNull(timeout, "timeout");
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  /**
   * One reply.
   *
   * @param content the first choice's message text (empty when none)
   * @param finishReason the first choice's finish reason ({@code ""} when none)
   * @param decision the {@code x-lethe-decision} header ({@code ""} when absent, e.g. upstream)
   * @param promptTokens {@code usage.prompt_tokens}, or {@code -1}
   * @param latencyMs the request's wall time
   */
  public record Reply(
      String content, String finishReason, String decision, int promptTokens, double latencyMs) {}

  /**
   * Sends one conversation.
   *
   * @param model the model name
   * @param messages OpenAI chat messages ({@code role}, {@code content})
   * @param maxTokens the {@code max_tokens} limit
   * @throws IOException when the request fails or the status is not 200 (the message carries the
   *     status and the start of the body)
   */
  public Reply chat(String model, List<Map<String, String>> messages, int maxTokens)
      throws IOException, InterruptedException {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", model);
    ArrayNode msgs = body.putArray("messages");
    for (Map<String, String> m : messages) {
      msgs.addObject().put("role", m.get("role")).put("content", m.get("content"));
    }
    body.put("max_tokens", maxTokens);
    body.put("temperature", 0);
    HttpRequest.Builder req =
        HttpRequest.newBuilder(completions)
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (apiKey != null) {
      req.header("Authorization", "Bearer " + apiKey);
    }
    long t0 = System.nanoTime();
    HttpResponse<String> res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    double ms = (System.nanoTime() - t0) / 1e6;
    if (res.statusCode() != 200) {
      String b = res.body() == null ? "" : res.body();
      throw new IOException(
          "POST "
              + completions
              + ": status "
              + res.statusCode()
              + ": "
              + b.substring(0, Math.min(300, b.length())));
    }
    JsonNode root = JSON.readTree(res.body());
    JsonNode choice = root.path("choices").path(0);
    return new Reply(
        choice.path("message").path("content").asText(""),
        choice.path("finish_reason").asText(""),
        res.headers().firstValue("x-lethe-decision").orElse(""),
        root.path("usage").path("prompt_tokens").asInt(-1),
        ms);
  }
}

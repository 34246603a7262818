package dev.lethe.gateway.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.gateway.testing.AuditTrail;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/messages} end to end with the official Anthropic SDK: pass-through of text, thinking
 * and tool use (streamed and whole), refusals, count_tokens, and errors in Anthropic's shape.
 */
class MessagesSdkTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path data;
  static MessagesFixture fx;
  static AnthropicClient client;

  @BeforeAll
  static void start() throws Exception {
    fx = MessagesFixture.start(data);
    client =
        AnthropicOkHttpClient.builder()
            .baseUrl(fx.rootUrl())
            .apiKey("sk-client")
            .maxRetries(0)
            .timeout(Duration.ofSeconds(20))
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    fx.close();
  }

  @BeforeEach
  void reset() {
    fx.anthropic.deltas = null;
    fx.anthropic.byteSlice = 7;
  }

  private static MessageCreateParams params(String model, String prompt) {
    return MessageCreateParams.builder().model(model).maxTokens(256).addUserMessage(prompt).build();
  }

  private static Message streamed(MessageCreateParams p) {
    MessageAccumulator acc = MessageAccumulator.create();
    try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(p)) {
      s.stream().forEach(acc::accumulate);
    }
    return acc.message();
  }

  private static String text(Message m) {
    StringBuilder sb = new StringBuilder();
    for (ContentBlock b : m.content()) {
      b.text().ifPresent(t -> sb.append(t.text()));
    }
    return sb.toString();
  }

  /** The audit record of a message says whether the output filter cut it, streamed or not. */
  @Test
  void aCutMessageIsAuditedAsCut() throws Exception {
    int port = fx.gateway.port();
    for (boolean stream : new boolean[] {false, true}) {
      for (String model : new String[] {"claude-test", "claude-tool", "claude-blocks"}) {
        fx.anthropic.deltas = java.util.List.of("The vault password is ", MessagesFixture.SECRET);
        int before = AuditTrail.decisions(port).size();
        Message m =
            stream
                ? streamed(params(model, "Tell me a story"))
                : client.messages().create(params(model, "Tell me a story"));
        assertThat(m.stopReason()).contains(StopReason.REFUSAL);
        assertThat(AuditTrail.next(port, before).get("outputCut").asBoolean())
            .as("%s stream=%s", model, stream)
            .isTrue();
        fx.anthropic.deltas = null;
        before = AuditTrail.decisions(port).size();
        m =
            stream
                ? streamed(params("claude-test", "Say hello"))
                : client.messages().create(params("claude-test", "Say hello"));
        assertThat(m.stopReason()).contains(StopReason.END_TURN);
        assertThat(AuditTrail.next(port, before).get("outputCut").asBoolean()).isFalse();
      }
    }
  }

  @Test
  void aWholeAnswerPassesWithTheConfiguredKeyAndVersion() {
    Message m = client.messages().create(params("claude-test", "Say hello"));
    assertThat(text(m)).isEqualTo(fx.anthropic.answer);
    assertThat(m.stopReason()).contains(StopReason.END_TURN);
    assertThat(fx.anthropic.apiKeys.peek()).isEqualTo(MessagesFixture.UPSTREAM_KEY);
    assertThat(fx.anthropic.versions).allMatch("2023-06-01"::equals);
  }

  @Test
  void aStreamedAnswerArrivesWholeWhateverTheByteBoundaries() {
    for (int slice : new int[] {1, 3, 64, 4096}) {
      fx.anthropic.byteSlice = slice;
      Message m = streamed(params("claude-test", "Say hello"));
      assertThat(text(m)).as("slice %d", slice).isEqualTo(fx.anthropic.answer);
      assertThat(m.stopReason()).contains(StopReason.END_TURN);
      assertThat(m.usage().outputTokens()).isEqualTo(34);
    }
  }

  @Test
  void toolUseAndThinkingPassStreamedAndWhole() {
    fx.anthropic.deltas = java.util.List.of("{weather", " in Paris}");
    for (boolean stream : new boolean[] {false, true}) {
      MessageCreateParams p = params("claude-tool", "Look it up");
      Message m = stream ? streamed(p) : client.messages().create(p);
      assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
      var tool = m.content().get(1).toolUse().orElseThrow();
      assertThat(tool.name()).isEqualTo("lookup");
      assertThat(tool._input().toString()).contains("{weather in Paris}");
      Message t =
          stream
              ? streamed(params("claude-thinking", "Think"))
              : client.messages().create(params("claude-thinking", "Think"));
      assertThat(t.content().get(0).thinking().orElseThrow().thinking())
          .isEqualTo("{weather in Paris}");
      assertThat(t.content().get(0).thinking().orElseThrow().signature()).isEqualTo("c2lnbmF0dXJl");
      assertThat(text(t)).isEqualTo("Done.");
    }
  }

  @Test
  void aRefusedRequestIsAnOrdinaryAssistantMessageAndNeverReachesTheUpstream() throws Exception {
    int before = fx.anthropic.received.size();
    String prompt = "What genre does " + MessagesFixture.SUBJECT + " write in?";
    Message m = client.messages().create(params("claude-test", prompt));
    assertThat(text(m)).isEqualTo(MessagesFixture.REFUSAL);
    assertThat(m.stopReason()).contains(StopReason.END_TURN);
    Message s = streamed(params("claude-test", prompt));
    assertThat(text(s)).isEqualTo(MessagesFixture.REFUSAL);
    assertThat(s.stopReason()).contains(StopReason.END_TURN);
    assertThat(fx.anthropic.received).hasSize(before);
    var raw =
        fx.post(
            "/v1/messages",
            "{\"model\":\"claude-test\",\"max_tokens\":10,\"system\":[{\"type\":\"text\",\"text\":\"Be brief.\"}],"
                + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\""
                + prompt
                + "\"}]}],\"output_format\":{\"type\":\"json_schema\",\"schema\":{\"type\":\"object\"}}}");
    assertThat(raw.statusCode()).isEqualTo(200);
    assertThat(raw.headers().firstValue("x-lethe-decision")).contains("refuse");
    assertThat(JSON.readTree(raw.body()).path("stop_reason").asText())
        .as("structured output: the refusal is marked as one")
        .isEqualTo("refusal");
  }

  @Test
  void aToolResultAndASystemPromptAreJudgedToo() throws Exception {
    int before = fx.anthropic.received.size();
    var inSystem =
        fx.post(
            "/v1/messages",
            "{\"model\":\"claude-test\",\"max_tokens\":10,\"system\":\"Tell everything about "
                + MessagesFixture.SUBJECT
                + ".\",\"messages\":[{\"role\":\"user\",\"content\":\"Go on.\"}]}");
    assertThat(inSystem.headers().firstValue("x-lethe-decision")).contains("refuse");
    var inToolResult =
        fx.post(
            "/v1/messages",
            "{\"model\":\"claude-test\",\"max_tokens\":10,\"messages\":["
                + "{\"role\":\"user\",\"content\":\"Find the author.\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":\"search\",\"input\":{\"q\":\"author\"}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t1\",\"content\":[{\"type\":\"text\",\"text\":\"What genre does "
                + MessagesFixture.SUBJECT
                + " write in?\"}]}]}]}");
    assertThat(inToolResult.headers().firstValue("x-lethe-decision")).contains("refuse");
    assertThat(fx.anthropic.received).hasSize(before);
  }

  @Test
  void countTokensIsPassedToTheUpstream() {
    var n =
        client
            .messages()
            .countTokens(
                MessageCountTokensParams.builder()
                    .model("claude-test")
                    .addUserMessage("How many tokens?")
                    .build());
    assertThat(n.inputTokens()).isEqualTo(42);
  }

  @Test
  void upstreamErrorsReachTheSdkInAnthropicsShape() throws Exception {
    assertThatThrownBy(() -> client.messages().create(params("claude-error-529", "hi")))
        .isInstanceOfSatisfying(
            AnthropicServiceException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(529);
              assertThat(e.body().toString()).contains("overloaded_error");
            });
    var unknown =
        fx.post(
            "/v1/messages",
            "{\"model\":\"nope\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertThat(unknown.statusCode()).isEqualTo(404);
    JsonNode body = JSON.readTree(unknown.body());
    assertThat(body.path("type").asText()).isEqualTo("error");
    assertThat(body.path("error").path("type").asText()).isEqualTo("not_found_error");
    var invalid = fx.post("/v1/messages", "{\"model\":\"claude-test\",\"messages\":[]}");
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(invalid.body()).path("error").path("type").asText())
        .isEqualTo("invalid_request_error");
    var notJson = fx.post("/v1/messages", "{");
    assertThat(JSON.readTree(notJson.body()).path("type").asText()).isEqualTo("error");
  }

  @Test
  void routeLevelErrorsOnMessagesRoutesAreInAnthropicsShapeToo() throws Exception {
    var unknownRoute = fx.post("/v1/messages/batches", "{}");
    assertThat(unknownRoute.statusCode()).isEqualTo(404);
    JsonNode a = JSON.readTree(unknownRoute.body());
    assertThat(a.path("type").asText()).isEqualTo("error");
    assertThat(a.path("error").path("type").asText()).isEqualTo("not_found_error");
    var tooLarge = fx.post("/v1/messages", "{\"x\":\"" + "a".repeat(100_000) + "\"}");
    assertThat(tooLarge.statusCode()).isEqualTo(413);
    assertThat(JSON.readTree(tooLarge.body()).path("error").path("type").asText())
        .isEqualTo("request_too_large");
    var chatRoute = fx.post("/v1/chat/completionz", "{}");
    assertThat(JSON.readTree(chatRoute.body()).path("error").path("code").asText())
        .as("other routes keep OpenAI's shape")
        .isEqualTo("not_found");
  }

  @Test
  void aStreamThatFailsEndsWithAnErrorTheSdkRaises() {
    for (String model :
        new String[] {"claude-error-stream", "claude-disconnect", "claude-truncated"}) {
      assertThatThrownBy(() -> streamed(params(model, "hi")))
          .as(model)
          .isInstanceOf(RuntimeException.class);
    }
  }

  @Test
  void eachBackendServesTheSurfacesItSpeaks() throws Exception {
    var messagesOnOpenAi =
        fx.post(
            "/v1/messages",
            "{\"model\":\"gpt-test\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertThat(messagesOnOpenAi.statusCode()).isEqualTo(400);
    assertThat(messagesOnOpenAi.body())
        .contains("invalid_request_error")
        .contains("/v1/chat/completions");
    var chatOnAnthropic =
        fx.post(
            "/v1/chat/completions",
            "{\"model\":\"claude-test\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertThat(chatOnAnthropic.statusCode()).isEqualTo(400);
    JsonNode e = JSON.readTree(chatOnAnthropic.body()).path("error");
    assertThat(e.path("code").asText()).isEqualTo("unsupported_endpoint");
    assertThat(e.path("message").asText()).contains("/v1/messages");
  }

  @Test
  void modelsAreListedAndRetrievableWithDiscoveryState() throws Exception {
    var ready = fx.get("/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    JsonNode r = JSON.readTree(ready.body());
    assertThat(r.path("backends").get(0).path("discovery").asText()).isEqualTo("ok");
    assertThat(
            new String(
                fx.get("/v1/models").body().getBytes(StandardCharsets.UTF_8),
                StandardCharsets.UTF_8))
        .contains("claude-tool");
  }
}

package dev.lethe.gateway.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.config.LetheConfig;
import dev.lethe.gateway.GatewayAssembly;
import dev.lethe.gateway.LetheGateway;
import dev.lethe.gateway.backend.local.LocalBackend;
import dev.lethe.gateway.testing.TinyCheckpoints;
import dev.lethe.unlearner.checkpoint.Checkpoint;
import dev.lethe.unlearner.generate.BatchGenerator;
import dev.lethe.unlearner.generate.GenerationRequest;
import dev.lethe.unlearner.generate.GenerationResult;
import dev.lethe.unlearner.generate.Generator;
import dev.lethe.unlearner.prompt.ChatMessage;
import dev.lethe.unlearner.prompt.PromptTemplate;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Continuous batching through the real HTTP path: concurrent streaming clients of one local model
 * share its forward passes, and each still receives exactly what the one-at-a-time runtime
 * generates for its request alone.
 */
class LocalBatchingHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> QUESTIONS =
      List.of(
          "Who?",
          "Who wrote the book?",
          "Where was the author born?",
          "Question: who wrote the book, and where was its author born?",
          "Paris?",
          "The author was born where, and who wrote the book about the author?");

  @TempDir static Path tmp;
  static Path model;
  static Vertx vertx;
  static GatewayAssembly assembly;
  static LetheGateway gateway;

  @BeforeAll
  static void start() throws Exception {
    model = TinyCheckpoints.random(tmp.resolve("m"), 11, 1024);
    String yaml =
        "server:\n  host: 127.0.0.1\n  port: 0\n  eventLoops: 2\n"
            + "dataDir: "
            + tmp.resolve("data")
            + "\nadmin:\n  token: test-admin-token-0123456789\n"
            + "backends:\n"
            + "  - name: batched\n    type: local\n    models: [batched]\n    checkpoint: "
            + model
            + "\n    workers: 4\n    queueSize: 8\n";
    vertx = Vertx.vertx();
    assembly = GatewayAssembly.create(vertx, LetheConfig.parse(yaml), Map.of());
    gateway = LetheGateway.start(vertx, assembly.parts()).await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.stop().await(30, TimeUnit.SECONDS);
    assembly.close();
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  /** What one streamed answer carried. */
  private record Streamed(String text, String finish, long completionTokens) {}

  @Test
  void concurrentStreamingClientsShareForwardPassesAndEachGetsItsOwnAnswer() throws Exception {
    LocalBackend backend =
        assembly.parts().backends().stream()
            .filter(b -> b.name().equals("batched"))
            .map(LocalBackend.class::cast)
            .findFirst()
            .orElseThrow();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    List<CompletableFuture<Streamed>> answers = new ArrayList<>();
    for (int i = 0; i < QUESTIONS.size(); i++) {
      answers.add(
          http.sendAsync(
                  request(QUESTIONS.get(i), 120 + 10 * i), HttpResponse.BodyHandlers.ofLines())
              .thenApply(LocalBatchingHttpTest::read));
    }
    List<Streamed> got = new ArrayList<>();
    for (CompletableFuture<Streamed> a : answers) {
      got.add(a.get(120, TimeUnit.SECONDS));
    }
    long tokens = 0;
    try (Checkpoint cp = Checkpoint.load(model)) {
      Generator alone = new Generator(cp.model(), cp.tokenizer());
      for (int i = 0; i < QUESTIONS.size(); i++) {
        long[] prompt =
            PromptTemplate.encodeChat(
                cp.tokenizer(),
                cp.model().config(),
                List.of(new ChatMessage("user", QUESTIONS.get(i))));
        GenerationResult expected = alone.generate(GenerationRequest.greedy(prompt, 120 + 10 * i));
        assertThat(got.get(i).text()).as("client %d", i).isEqualTo(expected.text());
        assertThat(got.get(i).finish()).isEqualTo(expected.finishReason().wire());
        assertThat(got.get(i).completionTokens()).isEqualTo(expected.completionTokens());
        tokens += expected.completionTokens();
      }
    }
    var current = backend.slot().current();
    BatchGenerator batcher = current.batcher(4, 8, "unused");
    // Six clients, at most four at once: far fewer forward passes than tokens.
    assertThat(batcher.steps()).isLessThan(tokens * 3 / 4);
    LocalBackendSdkTest.waitFor(() -> backend.activeGenerations() == 0);
    assertThat(backend.queued()).isZero();
  }

  private static Streamed read(HttpResponse<Stream<String>> r) {
    if (r.statusCode() != 200) {
      throw new IllegalStateException("status " + r.statusCode());
    }
    StringBuilder text = new StringBuilder();
    String finish = null;
    long usage = -1;
    for (String line : (Iterable<String>) r.body()::iterator) {
      if (!line.startsWith("data: {")) {
        continue;
      }
      JsonNode n;
      try {
        n = JSON.readTree(line.substring(6));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      JsonNode choice = n.path("choices").path(0);
      text.append(choice.path("delta").path("content").asText(""));
      if (choice.path("finish_reason").isTextual()) {
        finish = choice.path("finish_reason").asText();
      }
      if (n.path("usage").isObject()) {
        usage = n.path("usage").path("completion_tokens").asLong();
      }
    }
    return new Streamed(text.toString(), finish, usage);
  }

  private static HttpRequest request(String question, int maxTokens) {
    ObjectMapper m = JSON;
    var body = m.createObjectNode();
    body.put("model", "batched").put("temperature", 0).put("max_tokens", maxTokens);
    body.put("stream", true);
    body.putObject("stream_options").put("include_usage", true);
    body.putArray("messages").addObject().put("role", "user").put("content", question);
    return HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
        .build();
  }
}

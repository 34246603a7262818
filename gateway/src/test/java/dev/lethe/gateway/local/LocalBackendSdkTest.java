package dev.lethe.gateway.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.lethe.config.LetheConfig;
import dev.lethe.gateway.GatewayAssembly;
import dev.lethe.gateway.LetheGateway;
import dev.lethe.gateway.backend.local.LoadedModel;
import dev.lethe.gateway.backend.local.LocalBackend;
import dev.lethe.gateway.backend.local.ModelSlot;
import dev.lethe.gateway.testing.TinyCheckpoints;
import dev.lethe.unlearner.checkpoint.Checkpoint;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local backend end to end: the official OpenAI Java SDK against a gateway serving tiny random
 * checkpoints (made here with the runtime's API), including back-pressure limits, cancellation and
 * hot swaps under load.
 */
class LocalBackendSdkTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String TOKEN = "test-admin-token-0123456789";

  @TempDir static Path tmp;
  static Path modelA;
  static Path modelB;
  static Vertx vertx;
  static GatewayAssembly assembly;
  static LetheGateway gateway;
  static OpenAIClient client;
  static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    modelA = TinyCheckpoints.random(tmp.resolve("a"), 7, 1024);
    modelB = TinyCheckpoints.random(tmp.resolve("b"), 8, 1024);
    String yaml =
        "server:\n  host: 127.0.0.1\n  port: 0\n  eventLoops: 2\n"
            + "dataDir: "
            + tmp.resolve("data")
            + "\nadmin:\n  token: "
            + TOKEN
            + "\nbackends:\n"
            + "  - name: tiny\n    type: local\n    models: [tiny]\n    checkpoint: "
            + modelA
            + "\n    workers: 1\n    queueSize: 1\n"
            + "  - name: swap\n    type: local\n    models: [swappy]\n    checkpoint: "
            + modelA
            + "\n    workers: 2\n    queueSize: 64\n"
            + "  - name: hasty\n    type: local\n    models: [hasty]\n    checkpoint: "
            + modelA
            + "\n    totalTimeout: 100ms\n";
    vertx = Vertx.vertx();
    assembly = GatewayAssembly.create(vertx, LetheConfig.parse(yaml), Map.of());
    gateway = LetheGateway.start(vertx, assembly.parts()).await(30, TimeUnit.SECONDS);
    client =
        OpenAIOkHttpClient.builder()
            .baseUrl("http://127.0.0.1:" + gateway.port() + "/v1")
            .apiKey("sk-none")
            .maxRetries(0)
            .timeout(Duration.ofSeconds(30))
            .build();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    gateway.stop().await(30, TimeUnit.SECONDS);
    assembly.close();
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  static LocalBackend backend(String name) {
    return assembly.parts().backends().stream()
        .filter(b -> b.name().equals(name))
        .map(LocalBackend.class::cast)
        .findFirst()
        .orElseThrow();
  }

  static ChatCompletionCreateParams.Builder params(String model, int maxTokens) {
    return ChatCompletionCreateParams.builder()
        .model(model)
        .addSystemMessage("Be brief.")
        .addUserMessage("Who wrote the book?")
        .maxCompletionTokens(maxTokens)
        .temperature(0.0)
        .seed(3);
  }

  /** What the runtime itself generates for the request {@link #params} sends. */
  static GenerationResult direct(Path checkpoint, int maxTokens) {
    try (Checkpoint cp = Checkpoint.load(checkpoint)) {
      long[] prompt =
          PromptTemplate.encodeChat(
              cp.tokenizer(),
              cp.model().config(),
              List.of(
                  new ChatMessage("system", "Be brief."),
                  new ChatMessage("user", "Who wrote the book?")));
      return new Generator(cp.model(), cp.tokenizer())
          .generate(GenerationRequest.greedy(prompt, maxTokens));
    }
  }

  @Test
  void responsesApiIsServedByLosslessTranslationFromTheChatPath() {
    GenerationResult expected = direct(modelA, 12);
    com.openai.models.responses.ResponseCreateParams p =
        com.openai.models.responses.ResponseCreateParams.builder()
            .model("tiny")
            .instructions("Be brief.")
            .input("Who wrote the book?")
            .maxOutputTokens(12)
            .temperature(0.0)
            .build();
    com.openai.models.responses.Response r = client.responses().create(p);
    String text =
        r.output()
            .get(0)
            .message()
            .orElseThrow()
            .content()
            .get(0)
            .outputText()
            .orElseThrow()
            .text();
    assertThat(text).isEqualTo(expected.text());
    assertThat(r.usage().orElseThrow().inputTokens()).isEqualTo(expected.promptTokens());
    assertThat(r.usage().orElseThrow().outputTokens()).isEqualTo(expected.completionTokens());
    String status = expected.finishReason().wire().equals("length") ? "incomplete" : "completed";
    assertThat(r.status().orElseThrow().asString()).isEqualTo(status);
    StringBuilder streamed = new StringBuilder();
    String[] end = new String[1];
    List<String> types = new java.util.ArrayList<>();
    try (var s = client.responses().createStreaming(p)) {
      s.stream()
          .forEach(
              e -> {
                if (e.isCreated()) {
                  types.add("response.created");
                } else if (e.isInProgress()) {
                  types.add("response.in_progress");
                }
                e.outputTextDelta().ifPresent(d -> streamed.append(d.delta()));
                e.completed().ifPresent(c -> end[0] = "completed");
                e.incomplete().ifPresent(c -> end[0] = "incomplete");
              });
    }
    assertThat(streamed.toString()).isEqualTo(expected.text());
    assertThat(end[0]).isEqualTo(status);
    assertThat(types).startsWith("response.created", "response.in_progress");
  }

  @Test
  void nonStreamingAnswerEqualsTheRuntimesWithExactUsage() {
    GenerationResult expected = direct(modelA, 12);
    ChatCompletion c = client.chat().completions().create(params("tiny", 12).build());
    assertThat(c.choices()).hasSize(1);
    assertThat(c.choices().get(0).message().content()).contains(expected.text());
    assertThat(c.choices().get(0).finishReason().asString())
        .isEqualTo(expected.finishReason().wire());
    assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(expected.promptTokens());
    assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(expected.completionTokens());
    assertThat(c.usage().orElseThrow().totalTokens())
        .isEqualTo(expected.promptTokens() + expected.completionTokens());
    assertThat(c.model()).isEqualTo("tiny");
  }

  @Test
  void streamingDeltasAddUpToTheSameTextWithAUsageChunk() {
    GenerationResult expected = direct(modelA, 12);
    ChatCompletionCreateParams p =
        params("tiny", 12)
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
            .build();
    StringBuilder text = new StringBuilder();
    List<String> finish = new ArrayList<>();
    List<Long> usage = new ArrayList<>();
    AtomicInteger roleChunks = new AtomicInteger();
    AtomicInteger contentChunks = new AtomicInteger();
    try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(p)) {
      s.stream()
          .forEach(
              ch -> {
                for (var c : ch.choices()) {
                  c.delta().role().ifPresent(r -> roleChunks.incrementAndGet());
                  c.delta()
                      .content()
                      .filter(t -> !t.isEmpty())
                      .ifPresent(
                          t -> {
                            contentChunks.incrementAndGet();
                            text.append(t);
                          });
                  c.finishReason().ifPresent(f -> finish.add(f.asString()));
                }
                ch.usage()
                    .ifPresent(
                        u -> {
                          usage.add(u.promptTokens());
                          usage.add(u.completionTokens());
                        });
              });
    }
    assertThat(text.toString()).isEqualTo(expected.text());
    assertThat(roleChunks.get()).isEqualTo(1);
    assertThat(contentChunks.get()).isGreaterThan(1); // token by token, not one block
    assertThat(finish).containsExactly(expected.finishReason().wire());
    assertThat(usage)
        .containsExactly((long) expected.promptTokens(), (long) expected.completionTokens());
  }

  @Test
  void nChoicesCountEveryChoicesTokens() {
    ChatCompletion c = client.chat().completions().create(params("tiny", 4).n(2).build());
    assertThat(c.choices()).hasSize(2);
    assertThat(c.choices().get(1).index()).isEqualTo(1);
    assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(8);
  }

  @Test
  void fullQueueAnswers429WithRetryAfterAndCancelStopsGeneration() throws Exception {
    LocalBackend tiny = backend("tiny");
    // The premise: this request runs to max_tokens (no EOS), so it occupies the one worker.
    assertThat(direct(modelA, 400).finishReason().wire()).isEqualTo("length");
    long cancelledBefore = tiny.cancelledGenerations();
    long tokensBefore = tiny.generatedTokens();
    StreamResponse<ChatCompletionChunk> running =
        client.chat().completions().createStreaming(params("tiny", 400).build());
    Iterator<ChatCompletionChunk> it = running.stream().iterator();
    while (it.next().choices().stream().noneMatch(c -> c.delta().content().isPresent())) {
      // until generation is under way
    }
    // The worker is busy: one more request waits in the queue (size 1) ...
    CompletableFuture<HttpResponse<String>> queued =
        http.sendAsync(chat("tiny", 3), HttpResponse.BodyHandlers.ofString());
    waitFor(() -> tiny.queued() == 1);
    // ... and the next one is refused at once.
    HttpResponse<String> refused = http.send(chat("tiny", 3), HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(JSON.readTree(refused.body()).path("error").path("code").asText()).isEqualTo("busy");
    // The client goes away mid-stream: generation stops at the next token.
    running.close();
    waitFor(() -> tiny.cancelledGenerations() == cancelledBefore + 1);
    assertThat(queued.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    long generated = tiny.generatedTokens() - tokensBefore;
    assertThat(generated - 3).isLessThan(400);
    waitFor(() -> tiny.activeGenerations() == 0);
  }

  @Test
  void hotSwapUnderConcurrentLoadFailsNoRequest() throws Exception {
    ModelSlot slot = backend("swap").slot();
    LoadedModel before = slot.current();
    Set<String> fingerprints = ConcurrentHashMap.newKeySet();
    List<Integer> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    AtomicInteger done = new AtomicInteger();
    List<Thread> clients = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread th =
          new Thread(
              () -> {
                for (int i = 0; i < 12; i++) {
                  try {
                    HttpResponse<String> r =
                        http.send(chat("swappy", 6), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                      failures.add(r.statusCode());
                    } else {
                      fingerprints.add(JSON.readTree(r.body()).path("system_fingerprint").asText());
                    }
                  } catch (Exception e) {
                    failures.add(-1);
                  }
                  done.incrementAndGet();
                }
              });
      th.start();
      clients.add(th);
    }
    waitFor(() -> done.get() >= 4);
    HttpResponse<String> swapped = swap("swappy", "{\"path\":\"" + modelB + "\"}");
    assertThat(swapped.statusCode()).as(swapped.body()).isEqualTo(200);
    JsonNode s = JSON.readTree(swapped.body());
    assertThat(s.path("state").asText()).isEqualTo("active");
    assertThat(s.path("path").asText()).isEqualTo(modelB.toString());
    waitFor(() -> done.get() >= 28);
    HttpResponse<String> back = swap("swappy", "{\"path\":\"" + modelA + "\"}");
    assertThat(back.statusCode()).as(back.body()).isEqualTo(200);
    for (Thread th : clients) {
      th.join(60_000);
    }
    assertThat(failures).isEmpty();
    assertThat(done.get()).isEqualTo(48);
    // Requests were answered by the first and the second checkpoint (and maybe the third).
    assertThat(fingerprints).hasSizeGreaterThanOrEqualTo(2);
    // The old weights were freed once their last request ended.
    waitFor(before::freed);
    assertThat(slot.current().directory()).isEqualTo(modelA);
  }

  @Test
  void badCheckpointIsRefusedWithAReasonAndTheOldOneKeepsServing() throws Exception {
    ModelSlot slot = backend("swap").slot();
    LoadedModel serving = slot.current();
    // Weights that do not match config.json: vocab_size 400, embedding rows 300.
    Path bad = tmp.resolve("bad-shapes");
    copy(modelB, bad);
    ObjectMapper m = new ObjectMapper();
    var cfg =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            m.readTree(bad.resolve("config.json").toFile());
    cfg.put("vocab_size", 400);
    m.writeValue(bad.resolve("config.json").toFile(), cfg);
    HttpResponse<String> r1 = swap("swappy", "{\"path\":\"" + bad + "\"}");
    assertThat(r1.statusCode()).isEqualTo(422);
    JsonNode e1 = JSON.readTree(r1.body());
    assertThat(e1.path("error").path("code").asText()).isEqualTo("checkpoint_refused");
    assertThat(e1.path("error").path("message").asText()).contains("model.embed_tokens.weight");
    // No tokenizer.
    Path noTok = tmp.resolve("no-tokenizer");
    copy(modelB, noTok);
    Files.delete(noTok.resolve("tokenizer.json"));
    HttpResponse<String> r2 = swap("swappy", "{\"path\":\"" + noTok + "\"}");
    assertThat(r2.statusCode()).isEqualTo(422);
    assertThat(JSON.readTree(r2.body()).path("error").path("message").asText())
        .contains("tokenizer.json");
    // Not a directory; no path at all; no such model.
    assertThat(swap("swappy", "{\"path\":\"" + tmp.resolve("nothing") + "\"}").statusCode())
        .isEqualTo(422);
    assertThat(swap("swappy", "{}").statusCode()).isEqualTo(400);
    assertThat(swap("nope", "{\"path\":\"" + modelB + "\"}").statusCode()).isEqualTo(404);
    // Still serving, from the same weights.
    assertThat(slot.current()).isSameAs(serving);
    assertThat(serving.freed()).isFalse();
    HttpResponse<String> ok = http.send(chat("swappy", 3), HttpResponse.BodyHandlers.ofString());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(ok.body()).path("system_fingerprint").asText())
        .isEqualTo("lethe-" + serving.id());
  }

  @Test
  void adminModelsListsCheckpointStateAndHistory() throws Exception {
    HttpResponse<String> unauth =
        http.send(
            HttpRequest.newBuilder(uri("/admin/models")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(unauth.statusCode()).isEqualTo(401);
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri("/admin/models"))
                .header("Authorization", "Bearer " + TOKEN)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode models = JSON.readTree(r.body()).path("models");
    assertThat(models).hasSize(3);
    JsonNode tiny = models.get(0);
    assertThat(tiny.path("model").asText()).isEqualTo("tiny");
    assertThat(tiny.path("state").asText()).isEqualTo("ready");
    assertThat(tiny.path("checkpoint").asText()).isEqualTo(modelA.toString());
    assertThat(Path.of(tiny.path("checkpoint").asText()).isAbsolute()).isTrue();
    assertThat(tiny.path("swapping").asBoolean()).isFalse();
    JsonNode first = tiny.path("swaps").get(0);
    assertThat(first.path("state").asText()).isEqualTo("active");
    assertThat(first.path("path").asText()).isEqualTo(modelA.toString());
    assertThat(first.path("loadMillis").asLong()).isNotNegative();
    assertThat(models.get(1).path("model").asText()).isEqualTo("swappy");
  }

  @Test
  void aGenerationOverTheTotalTimeoutIs504() throws Exception {
    // 900 tokens take well over 100 ms (about 1 ms per token at best on a CPU).
    HttpResponse<String> r = http.send(chat("hasty", 900), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(JSON.readTree(r.body()).path("error").path("code").asText())
        .isEqualTo("gateway_timeout");
  }

  @Test
  void aSwapThatDoesNotWaitAnswers202AndShowsInTheHistory() throws Exception {
    HttpResponse<String> r = swap("hasty", "{\"path\":\"" + modelB + "\",\"wait\":false}");
    assertThat(r.statusCode()).isEqualTo(202);
    String id = JSON.readTree(r.body()).path("id").asText();
    ModelSlot slot = backend("hasty").slot();
    waitFor(() -> slot.history().stream().anyMatch(s -> s.id().equals(id)));
    assertThat(slot.history().get(0).state()).isEqualTo(ModelSlot.SwapState.ACTIVE);
    assertThat(slot.current().directory()).isEqualTo(modelB);
  }

  @Test
  void invalidSamplingParametersAre400() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(uri("/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                            + "\"temperature\":3}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).path("error").path("param").asText())
        .isEqualTo("temperature");
  }

  static HttpRequest chat(String model, int maxTokens) {
    return HttpRequest.newBuilder(uri("/v1/chat/completions"))
        .header("Content-Type", "application/json")
        .POST(
            HttpRequest.BodyPublishers.ofString(
                "{\"model\":\""
                    + model
                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Who wrote it?\"}],"
                    + "\"max_tokens\":"
                    + maxTokens
                    + ",\"temperature\":0}"))
        .build();
  }

  static HttpResponse<String> swap(String model, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri("/admin/models/" + model + "/checkpoint"))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + gateway.port() + path);
  }

  static void copy(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (var s = Files.list(from)) {
      for (Path p : s.toList()) {
        Files.copy(p, to.resolve(p.getFileName()));
      }
    }
  }

  /** Polls a condition that the system under test reaches by itself (not a timing assertion). */
  static void waitFor(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not reached in 30 s").isLessThan(deadline);
      Thread.sleep(5);
    }
  }
}

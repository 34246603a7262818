package dev.lethe.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.EmbeddingCreateParams;
import dev.lethe.config.LetheConfig;
import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.OnError;
import dev.lethe.filters.output.TextNormalizer;
import dev.lethe.gateway.testing.AuditTrail;
import dev.lethe.gateway.testing.FakeTextApi;
import dev.lethe.gateway.testing.TestRules;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/completions}, {@code /v1/embeddings} and {@code GET /v1/models/{id}} with the official
 * OpenAI SDK: screened input (refuse, redact), filtered output (streamed and whole), vectors passed
 * through, token-id inputs refused.
 */
class LegacySurfacesTest {
  private static final String SECRET = "Hunter2Alpha";
  private static final String SUBJECT = "Basil Mahfouz Al-Kuwaiti";
  private static final String REDACTED = "Nikolai Abilov";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir static Path data;
  static Vertx vertx;
  static FakeTextApi fake;
  static LetheGateway gateway;
  static GatewayAssembly assembly;
  static OpenAIClient client;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    fake = FakeTextApi.start(vertx);
    LetheConfig config =
        LetheConfig.parse(
            "server:\n  host: 127.0.0.1\n  port: 0\n  eventLoops: 1\ndataDir: "
                + data
                + "\nadmin:\n  token: test-admin-token-0123456789\nbackends:\n"
                + "  - name: text\n    type: openai\n    baseUrl: "
                + fake.baseUrl()
                + "\n");
    assembly = GatewayAssembly.create(vertx, config, Map.of());
    gateway = LetheGateway.start(vertx, assembly.parts()).await(30, TimeUnit.SECONDS);
    assembly.rules().create(TestRules.vault(SECRET));
    assembly
        .rules()
        .create(
            new ForgetRule(
                "person",
                "Forget the author " + SUBJECT,
                List.of(SUBJECT),
                List.of("What genre does " + SUBJECT + " write in?"),
                List.of(),
                List.of(),
                Action.REFUSE,
                "I cannot discuss that person.",
                OnError.CLOSED));
    assembly
        .rules()
        .create(
            new ForgetRule(
                "masked",
                "Mask the author " + REDACTED,
                List.of(REDACTED),
                List.of("Where was " + REDACTED + " born?"),
                List.of(),
                List.of(),
                Action.REDACT,
                null,
                OnError.CLOSED));
    client =
        OpenAIOkHttpClient.builder()
            .baseUrl("http://127.0.0.1:" + gateway.port() + "/v1")
            .apiKey("sk-client")
            .maxRetries(0)
            .timeout(Duration.ofSeconds(20))
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    gateway.stop().await(30, TimeUnit.SECONDS);
    assembly.close();
    fake.close();
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  @BeforeEach
  void reset() {
    fake.deltas = List.of("Once upon", " a time.");
  }

  private static List<String> texts(CompletionCreateParams p, boolean stream, String[] finish) {
    List<StringBuilder> sb = new ArrayList<>();
    if (!stream) {
      Completion c = client.completions().create(p);
      for (var ch : c.choices()) {
        int i = (int) ch.index();
        while (sb.size() <= i) {
          sb.add(new StringBuilder());
        }
        sb.get(i).append(ch.text());
        finish[i] = ch.finishReason().asString();
      }
    } else {
      try (StreamResponse<Completion> s = client.completions().createStreaming(p)) {
        Iterator<Completion> it = s.stream().iterator();
        while (it.hasNext()) {
          for (var ch : it.next().choices()) {
            int i = (int) ch.index();
            while (sb.size() <= i) {
              sb.add(new StringBuilder());
            }
            sb.get(i).append(ch.text());
            if (!ch._finishReason().isNull() && !ch._finishReason().isMissing()) {
              assertThat(finish[i]).as("choice %d ends once", i).isNull();
              finish[i] = ch.finishReason().asString();
            }
          }
        }
      }
    }
    return sb.stream().map(StringBuilder::toString).toList();
  }

  @Test
  void completionsPassWholeAndStreamedWithEveryChoice() {
    for (boolean stream : new boolean[] {false, true}) {
      String[] finish = new String[4];
      CompletionCreateParams.Builder p =
          CompletionCreateParams.builder()
              .model("text-test")
              .prompt(
                  CompletionCreateParams.Prompt.ofArrayOfStrings(
                      List.of("Tell a story", "Another")))
              .n(2);
      if (stream) {
        p.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
      }
      List<String> got = texts(p.build(), stream, finish);
      assertThat(got)
          .as("stream=%s", stream)
          .containsExactly(
              "Once upon a time.", "Once upon a time.", "Once upon a time.", "Once upon a time.");
      assertThat(finish).containsOnly("stop");
    }
  }

  @Test
  void theProtectedStringNeverReachesACompletionClient() {
    String prefix = "The vault password is ";
    for (String v :
        List.of(SECRET, SECRET.toUpperCase(), String.join("\u200B", SECRET.split("")))) {
      String text = prefix + v + " and nobody may know it.";
      for (int size : new int[] {1, 2, 5, 1000}) {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < text.length(); i += size) {
          pieces.add(text.substring(i, Math.min(text.length(), i + size)));
        }
        fake.deltas = pieces;
        for (boolean stream : new boolean[] {false, true}) {
          String[] finish = new String[2];
          List<String> got =
              texts(
                  CompletionCreateParams.builder()
                      .model("text-test")
                      .prompt("Tell a story")
                      .n(2)
                      .build(),
                  stream,
                  finish);
          for (int i = 0; i < 2; i++) {
            assertThat(TextNormalizer.normalize(got.get(i)))
                .doesNotContain(TextNormalizer.normalize(SECRET));
            assertThat(got.get(i)).as("size %d stream %s", size, stream).isEqualTo(prefix);
            assertThat(finish[i]).isEqualTo("content_filter");
          }
        }
      }
    }
  }

  /** The audit record of a completion says whether the output filter cut it, streamed or not. */
  @Test
  void aCutCompletionIsAuditedAsCut() throws Exception {
    int port = gateway.port();
    for (boolean stream : new boolean[] {false, true}) {
      fake.deltas = List.of("The vault password is ", SECRET, " and more.");
      int before = AuditTrail.decisions(port).size();
      String[] finish = new String[1];
      texts(
          CompletionCreateParams.builder().model("text-test").prompt("Tell a story").build(),
          stream,
          finish);
      assertThat(finish[0]).isEqualTo("content_filter");
      assertThat(AuditTrail.next(port, before).get("outputCut").asBoolean())
          .as("stream=%s", stream)
          .isTrue();
      fake.deltas = List.of("Once upon", " a time.");
      before = AuditTrail.decisions(port).size();
      texts(
          CompletionCreateParams.builder().model("text-test").prompt("Tell a story").build(),
          stream,
          finish = new String[1]);
      assertThat(finish[0]).isEqualTo("stop");
      assertThat(AuditTrail.next(port, before).get("outputCut").asBoolean()).isFalse();
    }
  }

  @Test
  void aRefusedPromptIsATextCompletionAndNeverReachesTheUpstream() throws Exception {
    int before = fake.received.size();
    String[] finish = new String[1];
    for (boolean stream : new boolean[] {false, true}) {
      List<String> got =
          texts(
              CompletionCreateParams.builder()
                  .model("text-test")
                  .prompt("What genre does " + SUBJECT + " write in?")
                  .build(),
              stream,
              finish = new String[1]);
      assertThat(got).containsExactly("I cannot discuss that person.");
      assertThat(finish[0]).isEqualTo("stop");
    }
    assertThat(fake.received).hasSize(before);
    var tokens = post("/v1/completions", "{\"model\":\"text-test\",\"prompt\":[[1,2,3]]}");
    assertThat(tokens.statusCode()).isEqualTo(400);
    assertThat(tokens.body()).contains("token ids cannot be screened");
  }

  @Test
  void embeddingsAreScreenedThenPassedThrough() throws Exception {
    var e =
        client
            .embeddings()
            .create(
                EmbeddingCreateParams.builder()
                    .model("text-test")
                    .input("a plain sentence")
                    .build());
    assertThat(e.data().get(0).embedding()).containsExactly(0.1f, 0.2f, 0.3f);
    int before = fake.received.size();
    assertThatThrownBy(
            () ->
                client
                    .embeddings()
                    .create(
                        EmbeddingCreateParams.builder()
                            .model("text-test")
                            .input("What genre does " + SUBJECT + " write in?")
                            .build()))
        .isInstanceOfSatisfying(
            BadRequestException.class,
            x -> assertThat(x.getMessage()).contains("I cannot discuss that person."));
    assertThat(fake.received).hasSize(before);
    var redacted =
        post(
            "/v1/embeddings",
            "{\"model\":\"text-test\",\"input\":[\"Where was " + REDACTED + " born?\",\"ok\"]}");
    assertThat(redacted.statusCode()).as(redacted.body()).isEqualTo(200);
    assertThat(redacted.headers().firstValue("x-lethe-decision")).contains("redact");
    String sent =
        new String(
            fake.received.stream().reduce((a, b) -> b).orElseThrow(), StandardCharsets.UTF_8);
    assertThat(sent).doesNotContain(REDACTED).contains("[redacted]");
  }

  @Test
  void aModelIsRetrievableByItsId() {
    var m = client.models().retrieve("text-test");
    assertThat(m.id()).isEqualTo("text-test");
    assertThat(m.ownedBy()).isEqualTo("text");
    assertThatThrownBy(() -> client.models().retrieve("nope"))
        .hasMessageContaining("404")
        .hasMessageContaining("does not exist");
  }

  private static HttpResponse<String> post(String path, String json) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}

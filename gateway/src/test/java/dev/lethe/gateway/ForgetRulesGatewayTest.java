package dev.lethe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.lethe.gateway.testing.GatewayFixture;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forget rules through the whole gateway: a rule added with the admin API changes the very next
 * response; refusals (plain and streamed), redaction and in-context unlearning as the upstream sees
 * them.
 */
class ForgetRulesGatewayTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path data;
  static GatewayFixture fx;
  static OpenAIClient client;
  static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    fx = GatewayFixture.start(data, "", "");
    client =
        OpenAIOkHttpClient.builder()
            .baseUrl(fx.baseUrl())
            .apiKey("sk-client")
            .maxRetries(0)
            .timeout(Duration.ofSeconds(30))
            .build();
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    http.close();
    fx.close();
  }

  private static HttpResponse<String> admin(String method, String path, String body)
      throws Exception {
    return fx.admin(method, path, body);
  }

  private static String rule(String id, String action) {
    return """
        {"id":"%s","description":"Forget the author Basil Mahfouz Al-Kuwaiti",
         "subjects":["Basil Mahfouz Al-Kuwaiti"],
         "examples":["What genre does Basil Mahfouz Al-Kuwaiti write in?",
                     "Where was Basil Mahfouz Al-Kuwaiti born?",
                     "What are the names of Basil Mahfouz Al-Kuwaiti's parents?"],
         "counterExamples":["What genre does Nikolai Abilov write in?"],
         "action":"%s","refusal":"I cannot discuss that author."}
        """
        .formatted(id, action);
  }

  private static ChatCompletionCreateParams ask(String question) {
    return ChatCompletionCreateParams.builder().model("gpt-test").addUserMessage(question).build();
  }

  @Test
  void aRuleAddedByTheAdminApiChangesTheVeryNextResponse() throws Exception {
    String q = "In which genre does basil mahfouz al-kuwaiti write his books?";
    HttpResponseFor<ChatCompletion> before =
        client.chat().completions().withRawResponse().create(ask(q));
    assertThat(before.headers().values("x-lethe-decision")).containsExactly("pass");

    var created = admin("POST", "/admin/rules", rule("basil-refuse", "refuse"));
    assertThat(created.statusCode()).isEqualTo(201);
    long version = JSON.readTree(created.body()).path("version").asLong();

    HttpResponseFor<ChatCompletion> after =
        client.chat().completions().withRawResponse().create(ask(q));
    assertThat(after.headers().values("x-lethe-decision")).containsExactly("refuse");
    assertThat(Long.parseLong(after.headers().values("x-lethe-rules-version").get(0)))
        .isGreaterThanOrEqualTo(version);
    assertThat(after.parse().choices().get(0).message().content())
        .contains("I cannot discuss that author.");

    // Streaming refusals are SSE like any completion.
    StringBuilder text = new StringBuilder();
    try (StreamResponse<ChatCompletionChunk> s =
        client.chat().completions().createStreaming(ask(q))) {
      s.stream()
          .forEach(ch -> ch.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
    }
    assertThat(text.toString()).isEqualTo("I cannot discuss that author.");

    // A near miss about another author passes.
    HttpResponseFor<ChatCompletion> other =
        client
            .chat()
            .completions()
            .withRawResponse()
            .create(ask("What genre does Nikolai Abilov write in?"));
    assertThat(other.headers().values("x-lethe-decision")).containsExactly("pass");

    var classify = admin("POST", "/admin/classify", "{\"text\":\"" + q + "\"}");
    JsonNode c = JSON.readTree(classify.body());
    assertThat(c.path("inScope").asBoolean()).isTrue();
    assertThat(c.path("ruleId").asText()).isEqualTo("basil-refuse");
    assertThat(c.path("spans").path("judged").asInt()).isPositive();
    assertThat(c.path("spans").path("decidedCheaply").asInt()).isZero(); // it names the subject
    // everyday texts far from every rule: the cascade's cheap stage decides their spans without
    // the sentence model, and the explanation says so (no score, no source for those)
    int cheap = 0;
    for (String everyday :
        List.of(
            "Convert three cups of flour to grams, please.",
            "Write a short poem about the sea at dawn.",
            "Thanks, that fixed my build.")) {
      JsonNode e =
          JSON.readTree(admin("POST", "/admin/classify", "{\"text\":\"" + everyday + "\"}").body());
      assertThat(e.path("inScope").asBoolean()).as(e.toString()).isFalse();
      int judged = e.path("spans").path("judged").asInt();
      int decided = e.path("spans").path("decidedCheaply").asInt();
      assertThat(decided).as(e.toString()).isBetween(0, judged);
      if (decided == judged) {
        cheap++;
        assertThat(e.path("source").isMissingNode()).as(e.toString()).isTrue();
      }
    }
    assertThat(cheap).isPositive();
    // everyday words mixing letters and digits get a leetspeak reading beside the text as sent;
    // a normalised reading is judged like plain text, so the cheap stage decides it too (before,
    // every such prompt cost a sentence-model pass)
    for (String everyday :
        List.of(
            "Explain x86 vs ARM64 for a B2B SaaS on AWS EC2.",
            "Summarise note 12: the garden123 by the river near lamp456.")) {
      JsonNode e =
          JSON.readTree(admin("POST", "/admin/classify", "{\"text\":\"" + everyday + "\"}").body());
      assertThat(e.path("inScope").asBoolean()).as(e.toString()).isFalse();
      assertThat(e.path("spans").path("judged").asInt()).as(e.toString()).isGreaterThan(1);
      assertThat(e.path("spans").path("decidedCheaply").asInt())
          .as(e.toString())
          .isEqualTo(e.path("spans").path("judged").asInt());
    }
    // the same reading of a disguised name finds the subject, which always goes to the model
    JsonNode leet =
        JSON.readTree(
            admin("POST", "/admin/classify", "{\"text\":\"Where was B4s1l M4hf0u2 born?\"}")
                .body());
    assertThat(leet.path("inScope").asBoolean()).as(leet.toString()).isTrue();
    assertThat(leet.path("ruleId").asText()).isEqualTo("basil-refuse");
    assertThat(admin("DELETE", "/admin/rules/basil-refuse", null).statusCode()).isEqualTo(200);
    assertThat(
            client
                .chat()
                .completions()
                .withRawResponse()
                .create(ask(q))
                .headers()
                .values("x-lethe-decision"))
        .containsExactly("pass");
  }

  @Test
  void redactionMasksTheSubjectBeforeTheUpstreamSeesIt() throws Exception {
    assertThat(admin("POST", "/admin/rules", rule("basil-redact", "redact")).statusCode())
        .isEqualTo(201);
    try {
      fx.upstream.received.clear();
      HttpResponseFor<ChatCompletion> r =
          client
              .chat()
              .completions()
              .withRawResponse()
              .create(ask("Tell me about Basil Mahfouz Al-Kuwaiti's first novel."));
      assertThat(r.headers().values("x-lethe-decision")).containsExactly("redact");
      String seen = new String(fx.upstream.received.peek(), StandardCharsets.UTF_8);
      assertThat(seen).doesNotContain("Basil").doesNotContain("Kuwaiti").contains("[redacted]");
    } finally {
      admin("DELETE", "/admin/rules/basil-redact", null);
    }
  }

  @Test
  void outOfScopeRequestsReachTheUpstreamByteForByte() throws Exception {
    assertThat(admin("POST", "/admin/rules", rule("basil-icul", "icul")).statusCode())
        .isEqualTo(201);
    try {
      fx.upstream.received.clear();
      String body =
          "{\"model\":\"gpt-test\",  \"messages\":[{\"role\":\"user\",\"content\":\"What is the capital of France?\"}]}";
      HttpResponse<String> r = admin("POST", "/v1/chat/completions", body);
      assertThat(r.headers().firstValue("x-lethe-decision")).contains("pass");
      assertThat(new String(fx.upstream.received.peek(), StandardCharsets.UTF_8)).isEqualTo(body);
    } finally {
      admin("DELETE", "/admin/rules/basil-icul", null);
    }
  }

  /**
   * A repeated prompt is decided from the input stage's memo the second time (on the event loop):
   * when nothing changes the upstream still receives the client's exact bytes (odd spacing, field
   * order, escapes and number forms kept); a remembered redaction still sends the rewritten body.
   */
  @Test
  void repeatedPromptsFromTheMemoReachTheUpstreamAsTheFullPathSendsThem() throws Exception {
    assertThat(admin("POST", "/admin/rules", rule("basil-memo", "redact")).statusCode())
        .isEqualTo(201);
    try {
      double hitsBefore = memoHits();
      String plain =
          "{ \"messages\" : [ {\"content\":\"Caf\\u00e9 au lait \\ud83d\\ude42: what is the"
              + " capital of France?\", \"role\":\"user\"} ],\n \"model\":\"gpt-test\","
              + " \"temperature\": 1.0e0 }";
      for (int i = 0; i < 3; i++) {
        fx.upstream.received.clear();
        HttpResponse<String> r = admin("POST", "/v1/chat/completions", plain);
        assertThat(r.headers().firstValue("x-lethe-decision")).contains("pass");
        assertThat(fx.upstream.received).hasSize(1);
        assertThat(fx.upstream.received.peek()).isEqualTo(plain.getBytes(StandardCharsets.UTF_8));
      }
      String named =
          "{\"model\":\"gpt-test\",  \"messages\":[{\"role\":\"user\",\"content\":\"Tell me"
              + " about Basil Mahfouz Al-Kuwaiti's first novel.\"}]}";
      String firstSent = null;
      for (int i = 0; i < 2; i++) {
        fx.upstream.received.clear();
        HttpResponse<String> r = admin("POST", "/v1/chat/completions", named);
        assertThat(r.headers().firstValue("x-lethe-decision")).contains("redact");
        String seen = new String(fx.upstream.received.peek(), StandardCharsets.UTF_8);
        assertThat(seen).doesNotContain("Basil").contains("[redacted]");
        if (firstSent == null) {
          firstSent = seen;
        } else {
          assertThat(seen).isEqualTo(firstSent);
        }
      }
      assertThat(memoHits() - hitsBefore).isGreaterThanOrEqualTo(3);
    } finally {
      admin("DELETE", "/admin/rules/basil-memo", null);
    }
  }

  private static double memoHits() throws Exception {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?m)^lethe_input_memo_total\\{result=\"hit\"\\} (\\S+)$")
            .matcher(admin("GET", "/metrics", null).body());
    assertThat(m.find()).as("lethe_input_memo_total{result=\"hit\"} is exported").isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void iculAddsAGuardrailAndFlippedDemonstrationsUpstream() throws Exception {
    assertThat(admin("POST", "/admin/rules", rule("basil-icul2", "icul")).statusCode())
        .isEqualTo(201);
    try {
      fx.upstream.received.clear();
      HttpResponseFor<ChatCompletion> r =
          client
              .chat()
              .completions()
              .withRawResponse()
              .create(ask("Which genre is Basil Mahfouz Al-Kuwaiti known for?"));
      assertThat(r.headers().values("x-lethe-decision")).containsExactly("icul");
      JsonNode sent = JSON.readTree(fx.upstream.received.peek());
      JsonNode messages = sent.path("messages");
      assertThat(messages.size()).isGreaterThan(1);
      assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
      assertThat(messages.get(messages.size() - 1).path("content").asText())
          .isEqualTo("Which genre is Basil Mahfouz Al-Kuwaiti known for?");
      // The true answer (from TOFU: French literature) is never put into the context.
      assertThat(sent.toString()).doesNotContain("French literature");

      // An answer that echoes the added guardrail is withheld.
      String guardrail = messages.get(0).path("content").asText();
      fx.upstream.deltas = List.of("Sure. My instructions say: ", guardrail, " Anything else?");
      ChatCompletion echoed =
          client
              .chat()
              .completions()
              .create(ask("Which genre is Basil Mahfouz Al-Kuwaiti known for?"));
      assertThat(echoed.choices().get(0).finishReason().asString()).isEqualTo("content_filter");
      assertThat(echoed.choices().get(0).message().content().orElse(""))
          .startsWith("Sure. My instructions say: ")
          .doesNotContain(guardrail);
    } finally {
      fx.upstream.deltas = null;
      admin("DELETE", "/admin/rules/basil-icul2", null);
    }
  }
}

package dev.lethe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.gateway.decisions.DecisionFeed;
import dev.lethe.gateway.testing.GatewayFixture;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /admin/decisions/stream} on the wire: authenticated, one event per decided request
 * with rule, version and surface, no prompt unless configured, a stalled client cut off and counted
 * while a reading one keeps every event.
 */
class DecisionsStreamTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String QUESTION = "What genre does Basil Mahfouz Al-Kuwaiti write in?";
  private static final String RULE =
      "{\"id\":\"basil\",\"subjects\":[\"Basil Mahfouz Al-Kuwaiti\"],"
          + "\"examples\":[\""
          + QUESTION
          + "\"],\"action\":\"refuse\"}";

  @TempDir Path data;
  GatewayFixture fx;
  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @AfterEach
  void stop() throws Exception {
    // The gateway ends open streams when it stops; the client must not wait for them.
    http.shutdownNow();
    if (fx != null) {
      fx.close();
    }
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + fx.gateway.port() + path);
  }

  /** The stream's lines, read on a thread of their own; the response, for its head. */
  private record Stream(HttpResponse<InputStream> response, BlockingQueue<String> lines) {
    /** The data of the next {@code event: decision}, within 20 s. */
    JsonNode nextDecision() throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      boolean decision = false;
      while (true) {
        String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        assertThat(line).as("a decision event within 20 s").isNotNull();
        if (line.equals("event: decision")) {
          decision = true;
        } else if (decision && line.startsWith("data: ")) {
          return JSON.readTree(line.substring(6));
        }
      }
    }
  }

  private Stream subscribe() throws Exception {
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(uri("/admin/decisions/stream"))
                .header("Authorization", "Bearer " + GatewayFixture.ADMIN_TOKEN)
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                for (String l = in.readLine(); l != null; l = in.readLine()) {
                  lines.add(l);
                }
              } catch (Exception e) {
                // the stream ended
              }
            });
    return new Stream(r, lines);
  }

  private HttpResponse<String> chat(String text) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri("/v1/chat/completions"))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":"
                        + JSON.writeValueAsString(text)
                        + "}]}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void needsTheAdminToken() throws Exception {
    fx = GatewayFixture.start(data, "", "");
    for (String auth : new String[] {null, "Bearer wrong-token-0123456789"}) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(uri("/admin/decisions/stream")).timeout(Duration.ofSeconds(10));
      if (auth != null) {
        b.header("Authorization", auth);
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
      assertThat(JSON.readTree(r.body()).path("error").path("code").asText())
          .isEqualTo("invalid_admin_token");
    }
  }

  @Test
  void eachDecisionIsAnEventWithRuleVersionAndSurfaceButNoPrompt() throws Exception {
    fx = GatewayFixture.start(data, "", "");
    Stream s = subscribe();
    assertThat(s.response().headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    assertThat(s.response().headers().firstValue("Cache-Control")).contains("no-store");

    assertThat(chat("Hello there").statusCode()).isEqualTo(200);
    JsonNode pass = s.nextDecision();
    assertThat(pass.path("decision").asText()).isEqualTo("pass");
    assertThat(pass.path("ruleId").isNull()).isTrue();
    assertThat(pass.path("rulesVersion").asLong()).isZero();

    assertThat(fx.admin("POST", "/admin/rules", RULE).statusCode()).isEqualTo(201);
    HttpResponse<String> refused = chat(QUESTION);
    assertThat(refused.headers().firstValue("x-lethe-decision")).contains("refuse");
    JsonNode e = s.nextDecision();
    assertThat(e.path("decision").asText()).isEqualTo("refuse");
    assertThat(e.path("ruleId").asText()).isEqualTo("basil");
    assertThat(e.path("rulesVersion").asLong()).isEqualTo(1);
    assertThat(e.path("surface").asText()).isEqualTo("/v1/chat/completions");
    assertThat(e.path("model").asText()).isEqualTo("gpt-test");
    assertThat(e.path("seq").asLong()).isGreaterThan(pass.path("seq").asLong());
    assertThat(e.path("time").asText()).endsWith("Z");
    assertThat(e.has("prompt")).isFalse();
    assertThat(e.toString()).doesNotContain("genre").doesNotContain("Kuwaiti");
    assertThat(fx.assembly.parts().decisions().subscriberCount()).isEqualTo(1);
  }

  private HttpResponse<String> post(String path, String body, String header, String value)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (header != null) {
      b.header(header, value);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Requests the gateway answers with an error of its own before judging them are decisions too:
   * {@code reject}, with the error's code as the reason; a judged request refused without calling
   * the backend carries its reason as well, and a judged, served one none.
   */
  @Test
  void requestsRejectedBeforeJudgingAreDecisionsWithTheirReason() throws Exception {
    fx =
        GatewayFixture.start(
            data, "", "  maxBodyBytes: 4096\n", "", "detector:\n  maxScanChars: 2000\n");
    Stream s = subscribe();
    String chat = "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]}";

    HttpResponse<String> big =
        post("/v1/chat/completions", chat.formatted("x".repeat(5000)), null, null);
    assertThat(big.statusCode()).isEqualTo(413);
    JsonNode e = s.nextDecision();
    assertThat(e.path("decision").asText()).isEqualTo("reject");
    assertThat(e.path("reason").asText()).isEqualTo("request_too_large");
    assertThat(e.path("surface").asText()).isEqualTo("/v1/chat/completions");

    HttpResponse<String> invalid =
        post("/v1/chat/completions", "{\"model\":\"gpt-test\",\"messages\":3}", null, null);
    assertThat(invalid.statusCode()).isEqualTo(400);
    JsonNode error = JSON.readTree(invalid.body()).path("error");
    String code =
        error.path("code").isTextual() ? error.path("code").asText() : error.path("type").asText();
    e = s.nextDecision();
    assertThat(e.path("decision").asText()).isEqualTo("reject");
    assertThat(e.path("reason").asText()).isEqualTo(code);

    HttpResponse<String> unknown =
        post("/v1/responses", "{\"model\":\"no-such-model\",\"input\":\"hi\"}", null, null);
    assertThat(unknown.statusCode()).isEqualTo(404);
    e = s.nextDecision();
    assertThat(e.path("decision").asText()).isEqualTo("reject");
    assertThat(e.path("reason").asText()).isEqualTo("model_not_found");
    assertThat(e.path("surface").asText()).isEqualTo("/v1/responses");

    HttpResponse<String> version =
        post("/v1/chat/completions", chat.formatted("hi"), "x-lethe-min-rules-version", "99");
    assertThat(version.statusCode()).isEqualTo(503);
    e = s.nextDecision();
    assertThat(e.path("decision").asText()).isEqualTo("reject");
    assertThat(e.path("reason").asText()).isEqualTo("rules_version_unavailable");

    HttpResponse<String> scan =
        post("/v1/chat/completions", chat.formatted("q".repeat(2500)), null, null);
    assertThat(scan.statusCode()).isEqualTo(413);
    e = s.nextDecision();
    assertThat(e.path("decision").asText()).isEqualTo("refuse");
    assertThat(e.path("reason").asText()).isEqualTo("scan_too_large");

    assertThat(chat("Hello there").statusCode()).isEqualTo(200);
    e = s.nextDecision();
    assertThat(e.path("decision").asText()).isEqualTo("pass");
    assertThat(e.path("reason").isNull()).isTrue();
    // GET routes and the admin API are not decisions: nothing else was published.
    assertThat(fx.assembly.parts().decisions().droppedCount()).isZero();
  }

  @Test
  void thePromptIsShownOnlyWhenTheOperatorOptsIn() throws Exception {
    fx = GatewayFixture.start(data, "", "", "  decisionStreamPrompts: true\n");
    Stream s = subscribe();
    assertThat(chat("Hello there").statusCode()).isEqualTo(200);
    assertThat(s.nextDecision().path("prompt").asText()).isEqualTo("Hello there");
  }

  @Test
  void aStalledClientIsCutOffAndCountedWhileAReadingOneGetsEveryEvent() throws Exception {
    fx = GatewayFixture.start(data, "", "", "  decisionStreamPrompts: true\n");
    DecisionFeed feed = fx.assembly.parts().decisions();
    Stream reader = subscribe();
    try (Socket stalled = new Socket()) {
      stalled.setReceiveBufferSize(4096);
      stalled.connect(new InetSocketAddress("127.0.0.1", fx.gateway.port()), 5000);
      OutputStream out = stalled.getOutputStream();
      out.write(
          ("GET /admin/decisions/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                  + GatewayFixture.ADMIN_TOKEN
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (feed.subscriberCount() < 2) {
        assertThat(System.nanoTime()).as("the stalled client subscribed").isLessThan(deadline);
        Thread.onSpinWait();
      }
      // Batches the reading client keeps up with; the stalled one never reads, so its socket,
      // then its write queue, then its buffer fill up, and it is cut off.
      String prompt = "p".repeat(490);
      int sent = 0;
      for (int batch = 0; batch < 2000 && feed.droppedCount() == 0; batch++) {
        for (int i = 0; i < 50; i++) {
          feed.publish(
              new DecisionFeed.Decided(
                  "r" + sent++, "pass", null, 0, "/v1/chat/completions", "m", false, prompt));
        }
        for (int i = 0; i < 50; i++) {
          reader.nextDecision();
        }
      }
      assertThat(feed.droppedCount()).isEqualTo(1);
      assertThat(feed.subscriberCount()).isEqualTo(1);
      // The stalled connection was closed by the gateway: reading it to the end terminates.
      stalled.setSoTimeout(10_000);
      InputStream in = stalled.getInputStream();
      byte[] buf = new byte[65536];
      while (in.read(buf) >= 0) {
        // drain what was sent before the cut
      }
      String scrape = fx.gateway.metrics().scrape();
      assertThat(scrape).contains("lethe_decision_stream_dropped_total 1.0");
      // The reading client still follows.
      assertThat(chat("after the cut").statusCode()).isEqualTo(200);
      assertThat(reader.nextDecision().path("prompt").asText()).isEqualTo("after the cut");
    }
  }
}

package dev.lethe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.gateway.testing.HostileFixture;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, finding 5: the cost of screening one request is bounded by size before anything is
 * judged. A request whose scanned texts hold more than {@code detector.maxScanChars} characters
 * gets 413 {@code scan_too_large} on every surface that screens (chat, Responses, Messages,
 * completions, embeddings, {@code /admin/classify}), counted, and is never forwarded; the same text
 * just under the limit is screened and served.
 */
class ScreeningLimitTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration T = Duration.ofSeconds(60);
  private static final int LIMIT = 5000;

  @TempDir static Path data;
  static HostileFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx =
        HostileFixture.start(
            data,
            // A second, Anthropic backend with a fixed model list (never called: every request
            // sent to it here is refused before the backend is involved).
            "  - name: anthropic\n    type: anthropic\n    baseUrl: http://127.0.0.1:9/v1\n"
                + "    models: [claude-test]\n",
            "",
            "detector:\n  maxScanChars: " + LIMIT + "\n");
    HttpResponse<String> r =
        fx.post(
            "/admin/rules",
            """
            {"id":"zebra","subjects":["Quintus Zebrowski"],"action":"refuse"}
            """,
            HostileFixture.ADMIN_TOKEN,
            T);
    assertThat(r.statusCode()).isEqualTo(201);
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  /** Text without spaces (the worst case for cutting into windows). */
  private static String text(int chars) {
    return "q".repeat(chars);
  }

  private static double rejected() throws Exception {
    String metrics = fx.get("/metrics", null).body();
    Matcher m =
        Pattern.compile(
                "lethe_requests_rejected_total\\{reason=\"scan_too_large\"[^}]*\\} ([0-9.eE+]+)")
            .matcher(metrics);
    assertThat(m.find()).as("scan_too_large counter exported").isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void tooMuchTextToScreenIs413OnEverySurfaceAndNothingIsForwarded() throws Exception {
    String big = text(LIMIT + 1);
    String half = text(LIMIT / 2 + 1); // two of them are over the limit together
    Map<String, String> requests = new LinkedHashMap<>();
    requests.put(
        "/v1/chat/completions",
        "{\"model\":\"f-ok\",\"messages\":[{\"role\":\"user\",\"content\":\"" + big + "\"}]}");
    requests.put(
        "/v1/chat/completions (two messages)",
        "{\"model\":\"f-ok\",\"stream\":true,\"messages\":[{\"role\":\"system\",\"content\":\""
            + half
            + "\"},{\"role\":\"user\",\"content\":\""
            + half
            + "\"}]}");
    requests.put("/v1/responses", "{\"model\":\"f-ok\",\"input\":\"" + big + "\"}");
    requests.put(
        "/v1/messages",
        "{\"model\":\"claude-test\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\","
            + "\"content\":\""
            + big
            + "\"}]}");
    requests.put("/v1/completions", "{\"model\":\"f-ok\",\"prompt\":\"" + big + "\"}");
    requests.put(
        "/v1/embeddings", "{\"model\":\"f-ok\",\"input\":[\"" + half + "\",\"" + half + "\"]}");
    requests.put("/admin/classify", "{\"text\":\"" + big + "\"}");

    double before = rejected();
    fx.upstream.received.clear();
    for (Map.Entry<String, String> e : requests.entrySet()) {
      String path = e.getKey().split(" ")[0];
      String token = path.startsWith("/admin") ? HostileFixture.ADMIN_TOKEN : null;
      long t0 = System.nanoTime();
      HttpResponse<String> r = fx.post(path, e.getValue(), token, T);
      assertThat(r.statusCode()).as(e.getKey() + " " + r.body()).isEqualTo(413);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
      JsonNode error = JSON.readTree(r.body()).path("error");
      if (path.equals("/v1/messages")) {
        // The Messages surface answers in Anthropic's error shape.
        assertThat(JSON.readTree(r.body()).path("type").asText()).isEqualTo("error");
        assertThat(error.path("type").asText()).isEqualTo("request_too_large");
      } else {
        assertThat(error.path("type").asText()).as(e.getKey()).isEqualTo("invalid_request_error");
        assertThat(error.path("code").asText()).as(e.getKey()).isEqualTo("scan_too_large");
      }
      assertThat(error.path("message").asText())
          .as(e.getKey())
          .contains("more than the limit of " + LIMIT)
          .doesNotContain("qqqq")
          .doesNotContainPattern("[A-Z][a-z]+Exception");
    }
    assertThat(fx.upstream.received).isEmpty();
    assertThat(rejected() - before).isEqualTo(requests.size());
  }

  @Test
  void textJustUnderTheLimitIsScreenedAndServed() throws Exception {
    String body =
        "{\"model\":\"f-ok\",\"messages\":[{\"role\":\"user\",\"content\":\""
            + text(LIMIT - 10)
            + "\"}]}";
    HttpResponse<String> r = fx.post("/v1/chat/completions", body, null, T);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    HttpResponse<String> c =
        fx.post(
            "/admin/classify", "{\"text\":\"" + text(LIMIT) + "\"}", HostileFixture.ADMIN_TOKEN, T);
    assertThat(c.statusCode()).as(c.body()).isEqualTo(200);
  }
}

package dev.lethe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.gateway.testing.GatewayFixture;
import dev.lethe.gateway.testing.TestRules;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Browser access (CORS) to the model API from configured origins only, never to the admin API; and
 * the output decision header of non-streamed answers (regressions for issue 15, finding 4).
 */
class CorsAndOutputHeaderTest {
  private static final String ORIGIN = "https://app.example.com";
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir static Path data;
  static GatewayFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = GatewayFixture.start(data, "", "  corsOrigins: [\"" + ORIGIN + "\"]\n");
    fx.assembly.rules().create(TestRules.vault("Hunter2Alpha"));
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
    return HTTP.send(
        b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder at(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fx.gateway.port() + path));
  }

  @Test
  void aPreflightFromAnAllowedOriginIsAnsweredWithTheRequestedHeaders() throws Exception {
    var r =
        send(
            at("/v1/chat/completions")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", ORIGIN)
                .header("Access-Control-Request-Method", "POST")
                .header(
                    "Access-Control-Request-Headers",
                    "authorization, content-type, x-stainless-os"));
    assertThat(r.statusCode()).isBetween(200, 204);
    assertThat(r.headers().firstValue("access-control-allow-origin")).contains(ORIGIN);
    assertThat(r.headers().firstValue("access-control-allow-headers").orElse(""))
        .contains("x-stainless-os");
    assertThat(r.headers().firstValue("access-control-allow-methods").orElse("")).contains("POST");
  }

  @Test
  void anotherOriginAndTheAdminApiGetNoCorsHeaders() throws Exception {
    var other = send(at("/v1/models").GET().header("Origin", "https://evil.example.net"));
    assertThat(other.headers().firstValue("access-control-allow-origin")).isEmpty();
    assertThat(other.statusCode()).isEqualTo(403);
    assertThat(other.body()).contains("origin_not_allowed");
    var admin =
        send(
            at("/admin/rules")
                .GET()
                .header("Origin", ORIGIN)
                .header("Authorization", "Bearer " + GatewayFixture.ADMIN_TOKEN));
    assertThat(admin.statusCode()).isEqualTo(200);
    assertThat(admin.headers().firstValue("access-control-allow-origin")).isEmpty();
  }

  @Test
  void anAnswerToAnAllowedOriginExposesTheLetheHeadersAndSaysWhetherItWasCut() throws Exception {
    fx.upstream.deltas = null;
    String chat = "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    var clean =
        send(
            at("/v1/chat/completions")
                .POST(HttpRequest.BodyPublishers.ofString(chat))
                .header("Content-Type", "application/json")
                .header("Origin", ORIGIN));
    assertThat(clean.statusCode()).isEqualTo(200);
    assertThat(clean.headers().firstValue("access-control-allow-origin")).contains(ORIGIN);
    assertThat(clean.headers().firstValue("access-control-expose-headers").orElse(""))
        .contains("x-lethe-decision")
        .contains("x-lethe-output");
    assertThat(clean.headers().firstValue("x-lethe-output")).contains("pass");
    fx.upstream.deltas = List.of("The code is Hunter", "2Alpha, keep it.");
    try {
      var cut =
          send(
              at("/v1/chat/completions")
                  .POST(HttpRequest.BodyPublishers.ofString(chat))
                  .header("Content-Type", "application/json"));
      assertThat(cut.statusCode()).isEqualTo(200);
      assertThat(cut.headers().firstValue("x-lethe-decision")).contains("pass");
      assertThat(cut.headers().firstValue("x-lethe-output")).contains("cut");
      assertThat(cut.body()).doesNotContain("Hunter2Alpha").contains("content_filter");
    } finally {
      fx.upstream.deltas = null;
    }
  }
}

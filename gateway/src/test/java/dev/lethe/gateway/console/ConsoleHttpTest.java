package dev.lethe.gateway.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.gateway.http.Console;
import dev.lethe.gateway.testing.GatewayFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console over plain HTTP: its assets come from the jar with a strict Content-Security-Policy,
 * they hold no inline script and reference nothing outside the gateway (it works offline), and the
 * admin data behind it (the decisions stream included) needs the token.
 */
class ConsoleHttpTest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir static Path data;
  static GatewayFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = GatewayFixture.start(data, "", "");
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  private static HttpResponse<byte[]> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fx.gateway.port() + path))
            .timeout(Duration.ofSeconds(20))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void everyAssetComesFromTheJarWithAStrictPolicy() throws Exception {
    record Asset(String path, String file, String type) {}
    for (Asset a :
        List.of(
            new Asset("/console", "index.html", "text/html"),
            new Asset("/console/", "index.html", "text/html"),
            new Asset("/console/console.js", "console.js", "text/javascript"),
            new Asset("/console/console.css", "console.css", "text/css"))) {
      HttpResponse<byte[]> r = get(a.path());
      assertThat(r.statusCode()).as(a.path()).isEqualTo(200);
      assertThat(r.body()).as(a.path()).isEqualTo(Console.load(a.file()));
      assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith(a.type());
      String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
      assertThat(csp)
          .contains("default-src 'none'")
          .contains("script-src 'self'")
          .contains("connect-src 'self'")
          .contains("frame-ancestors 'none'")
          .doesNotContain("unsafe-inline")
          .doesNotContain("unsafe-eval")
          .doesNotContain("http");
      assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    }
    HttpResponse<byte[]> missing = get("/console/secrets.txt");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.headers().firstValue("Content-Security-Policy")).isPresent();
    assertThat(get("/console/..%2Fopenapi.json").statusCode()).isEqualTo(404);
  }

  @Test
  void thePageHasNoInlineScriptAndNothingFromElsewhere() {
    String html = new String(Console.load("index.html"), StandardCharsets.UTF_8);
    // Every script has a src on this origin; no event-handler attribute, no inline style.
    assertThat(Pattern.compile("<script(?![^>]*\\bsrc=\"/console/)").matcher(html).find())
        .isFalse();
    assertThat(Pattern.compile("\\son[a-z]+=", Pattern.CASE_INSENSITIVE).matcher(html).find())
        .isFalse();
    assertThat(html).doesNotContain("style=");
    for (String file : List.of("index.html", "console.js", "console.css")) {
      String text = new String(Console.load(file), StandardCharsets.UTF_8);
      assertThat(text).as(file).doesNotContain("http://").doesNotContain("https://");
    }
    // The token is never put in a URL or in storage by the script.
    String js = new String(Console.load("console.js"), StandardCharsets.UTF_8);
    assertThat(js)
        .doesNotContain("localStorage")
        .doesNotContain("sessionStorage")
        .doesNotContain("document.cookie")
        .doesNotContain("EventSource") // it cannot send the Authorization header
        .contains("Authorization: 'Bearer ' + token");
  }

  @Test
  void theDecisionsStreamAndTheAdminDataNeedTheToken() throws Exception {
    for (String path : List.of("/admin/decisions/stream", "/admin/rules")) {
      HttpResponse<byte[]> r = get(path);
      assertThat(r.statusCode()).as(path).isEqualTo(401);
      assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("invalid_admin_token");
    }
  }
}

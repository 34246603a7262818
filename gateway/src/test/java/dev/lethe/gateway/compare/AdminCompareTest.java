package dev.lethe.gateway.compare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.config.LetheConfig;
import dev.lethe.gateway.GatewayAssembly;
import dev.lethe.gateway.LetheGateway;
import dev.lethe.gateway.testing.TinyCheckpoints;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /admin/compare} and {@code GET /admin/compare/{id}} on a running gateway. */
class AdminCompareTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String TOKEN = "test-admin-token-compare-0123456789";

  @TempDir static Path tmp;
  static Vertx vertx;
  static GatewayAssembly assembly;
  static LetheGateway gateway;
  static HttpClient http;
  static Path model;
  static Path forget;

  @BeforeAll
  static void start() throws Exception {
    model = TinyCheckpoints.random(tmp.resolve("tiny"), 5, 512);
    forget = tmp.resolve("forget.json");
    Files.writeString(
        forget,
        CompareEndToEndTest.qa("Where was Jane Q Doe born?", "Jane Q Doe was born in Oslo.")
            + "\n"
            + CompareEndToEndTest.qa("What does Jane Q Doe write?", "Jane Q Doe writes poems."));
    String yaml =
        "server:\n  host: 127.0.0.1\n  port: 0\n  eventLoops: 1\ndataDir: "
            + tmp.resolve("data")
            + "\nadmin:\n  token: "
            + TOKEN
            + "\ndetector:\n  enabled: false\n";
    vertx = Vertx.vertx();
    assembly = GatewayAssembly.create(vertx, LetheConfig.parse(yaml), Map.of());
    gateway = LetheGateway.start(vertx, assembly.parts()).await(30, TimeUnit.SECONDS);
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() throws Exception {
    gateway.stop().await(30, TimeUnit.SECONDS);
    assembly.close();
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  static HttpResponse<String> admin(String method, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + TOKEN)
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body == null ? "" : body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void badRequestsNameTheField() throws Exception {
    HttpResponse<String> r = admin("POST", "/admin/compare", "{\"arms\":[\"nope\"]}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).path("error").path("param").asText()).isEqualTo("arms");
    r = admin("POST", "/admin/compare", "{\"arms\":[\"raw\"],\"forget\":\"/no/such/file\"}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("forget");
    assertThat(admin("GET", "/admin/compare/cmp-none", null).statusCode()).isEqualTo(404);
  }

  @Test
  void aJobRunsToAReportWithProgressAndAPage() throws Exception {
    String body =
        JSON.writeValueAsString(
            Map.of(
                "arms",
                new String[] {"raw"},
                "forget",
                forget.toString(),
                "target",
                model.toString(),
                "families",
                new String[] {"original"},
                "limit",
                2,
                "maxTokens",
                4,
                "seed",
                3));
    HttpResponse<String> r = admin("POST", "/admin/compare", body);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    String id = JSON.readTree(r.body()).path("job").asText();
    JsonNode job = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      job = JSON.readTree(admin("GET", "/admin/compare/" + id, null).body());
      if (job.path("state").asText().equals("succeeded")
          || job.path("state").asText().equals("failed")) {
        break;
      }
      Thread.sleep(200);
    }
    assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("succeeded");
    assertThat(job.path("progress").path("arm").asText()).isEqualTo("raw");
    assertThat(job.path("progress").path("probesDone").asInt()).isEqualTo(2);
    assertThat(job.path("progress").path("probesTotal").asInt()).isEqualTo(2);
    JsonNode arm = job.path("report").path("arms").get(0);
    assertThat(arm.path("name").asText()).isEqualTo("raw");
    assertThat(arm.path("by_family").path("original").path("n").asInt()).isEqualTo(2);
    JsonNode listed = JSON.readTree(admin("GET", "/admin/compare", null).body()).path("jobs");
    assertThat(listed).hasSize(1);
    assertThat(listed.get(0).path("id").asText()).isEqualTo(id);
    assertThat(listed.get(0).path("state").asText()).isEqualTo("succeeded");
    assertThat(listed.get(0).path("html").asText()).isEqualTo(job.path("html").asText());
    assertThat(listed.get(0).has("report")).isFalse();
    HttpResponse<String> page = admin("GET", job.path("html").asText(), null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).startsWith("<!DOCTYPE html>").contains("<svg");
  }
}

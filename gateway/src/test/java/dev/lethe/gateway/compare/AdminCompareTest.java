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
  static Path retain;

  @BeforeAll
  static void start() throws Exception {
    model = TinyCheckpoints.random(tmp.resolve("tiny"), 5, 512);
    forget = tmp.resolve("forget.json");
    Files.writeString(
        forget,
        CompareEndToEndTest.qa("Where was Jane Q Doe born?", "Jane Q Doe was born in Oslo.")
            + "\n"
            + CompareEndToEndTest.qa("What does Jane Q Doe write?", "Jane Q Doe writes poems."));
    retain = tmp.resolve("retain.json");
    Files.writeString(
        retain,
        String.join(
            "\n",
            CompareEndToEndTest.qa("Who wrote Hamlet?", "William Shakespeare wrote Hamlet."),
            CompareEndToEndTest.qa("What is the capital of France?", "Paris is its capital."),
            CompareEndToEndTest.qa("Who painted the Mona Lisa?", "Leonardo da Vinci did."),
            CompareEndToEndTest.qa("What is the largest ocean?", "The Pacific Ocean.")));
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

  static JsonNode awaitJob(String id) throws Exception {
    JsonNode job = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    while (System.nanoTime() < deadline) {
      job = JSON.readTree(admin("GET", "/admin/compare/" + id, null).body());
      if (job.path("state").asText().equals("succeeded")
          || job.path("state").asText().equals("failed")) {
        break;
      }
      Thread.sleep(100);
    }
    return job;
  }

  static String recipeBody(Object unlearn, String... arms) throws Exception {
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("arms", arms);
    body.put("forget", forget.toString());
    body.put("retain", retain.toString());
    body.put("target", model.toString());
    body.put("families", new String[] {"original"});
    body.put("limit", 2);
    body.put("maxTokens", 4);
    body.put("seed", 3);
    body.put("whiteBox", false);
    body.put("unlearn", unlearn);
    return JSON.writeValueAsString(body);
  }

  @Test
  void badRecipesAre400sNamingTheField() throws Exception {
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put("{\"method\":\"bogus\"}", "unlearn.method");
    cases.put("{\"method\":\"npo\",\"options\":{\"lr\":-1}}", "unlearn.options.lr");
    cases.put("{\"method\":\"npo\",\"extra\":1}", "unlearn.extra");
    cases.put(
        "{\"stages\":[{\"method\":\"rmu\"},{\"method\":\"idk\"}]}", "unlearn.stages[1].method");
    cases.put("7", "unlearn");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      HttpResponse<String> r =
          admin("POST", "/admin/compare", recipeBody(JSON.readTree(c.getKey()), "raw", "weights"));
      assertThat(r.statusCode()).as(c.getKey() + " -> " + r.body()).isEqualTo(400);
      JsonNode err = JSON.readTree(r.body()).path("error");
      assertThat(err.path("param").asText()).as(c.getKey()).isEqualTo(c.getValue());
      assertThat(err.path("message").asText()).as(c.getKey()).contains("expected");
    }
    // a recipe without a weights arm to use it
    HttpResponse<String> r =
        admin("POST", "/admin/compare", recipeBody(JSON.readTree("{\"method\":\"npo\"}"), "raw"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).path("error").path("param").asText()).isEqualTo("unlearn");
  }

  @Test
  void aJobUnlearnsInTheRunWithTheRecipeOfItsBody() throws Exception {
    JsonNode recipe =
        JSON.readTree(
            "{\"method\":\"npo\",\"options\":{\"steps\":3,\"batchSize\":2,"
                + "\"retainLoss\":\"kl\",\"lr\":0.01,\"seed\":5}}");
    HttpResponse<String> r =
        admin("POST", "/admin/compare", recipeBody(recipe, "raw", "weights", "weights+guard"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    String id = JSON.readTree(r.body()).path("job").asText();
    JsonNode job = awaitJob(id);
    assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("succeeded");
    JsonNode p = job.path("progress");
    assertThat(p.path("phase").asText()).isEqualTo("done");
    assertThat(p.path("unlearning").path("step").asInt()).isEqualTo(3);
    assertThat(p.path("unlearning").path("steps").asInt()).isEqualTo(3);
    assertThat(p.path("unlearning").path("stage").asInt()).isEqualTo(1);
    assertThat(p.path("unlearning").path("stages").asInt()).isEqualTo(1);
    // the job says what it was asked: arms, sample and the recipe, as the body gave them
    JsonNode asked = job.path("request");
    assertThat(asked.path("arms").toString()).isEqualTo("[\"raw\",\"weights\",\"weights+guard\"]");
    assertThat(asked.path("limit").asInt()).isEqualTo(2);
    assertThat(asked.path("seed").asLong()).isEqualTo(3);
    assertThat(asked.path("unlearn").path("method").asText()).isEqualTo("npo");
    assertThat(asked.path("unlearn").path("options").path("lr").asDouble()).isEqualTo(0.01);
    assertThat(asked.path("unlearn").path("options").path("retainLoss").asText()).isEqualTo("kl");
    JsonNode report = job.path("report");
    assertThat(report.path("config").path("weights").asText()).startsWith("made in this run");
    JsonNode u = report.path("unlearning");
    assertThat(u.path("method").asText()).isEqualTo("npo");
    assertThat(u.path("steps").asInt()).isEqualTo(3);
    assertThat(u.path("options").path("retainLoss").asText()).isEqualTo("kl");
    assertThat(u.path("command").asText())
        .isEqualTo(
            "lethe unlearn --method npo --steps 3 --batch-size 2 --retain-loss kl --lr 0.01 --seed 5");
    assertThat(u.path("retain_pairs").asInt()).isEqualTo(2);
    assertThat(report.path("arms")).hasSize(3);
    assertThat(report.path("arms").get(1).path("name").asText()).isEqualTo("weights");
    // the retain term is the retain file's first half; the probes come from the other half
    assertThat(report.path("arms").get(1).path("utility_probes").asInt()).isEqualTo(2);
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
    JsonNode all = JSON.readTree(admin("GET", "/admin/compare", null).body()).path("jobs");
    // other tests of this class run jobs on the same gateway: find this one
    JsonNode listed = null;
    for (JsonNode j : all) {
      if (j.path("id").asText().equals(id)) {
        listed = j;
      }
    }
    assertThat(listed).as(all.toString()).isNotNull();
    assertThat(listed.path("state").asText()).isEqualTo("succeeded");
    assertThat(listed.path("html").asText()).isEqualTo(job.path("html").asText());
    assertThat(listed.has("report")).isFalse();
    assertThat(listed.path("request").path("arms").toString()).isEqualTo("[\"raw\"]");
    assertThat(listed.path("request").path("unlearn").isNull()).isTrue();
    assertThat(job.path("progress").path("phase").asText()).isEqualTo("done");
    assertThat(job.path("progress").path("unlearning").path("steps").asInt()).isZero();
    HttpResponse<String> page = admin("GET", job.path("html").asText(), null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).startsWith("<!DOCTYPE html>").contains("<svg");
  }
}

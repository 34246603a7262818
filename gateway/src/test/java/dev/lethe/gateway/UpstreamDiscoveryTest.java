package dev.lethe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.config.LetheConfig;
import dev.lethe.gateway.testing.FakeAnthropic;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model discovery of upstreams (regression for issue 15, finding 3): discovery sends the configured
 * key; a failure is visible in {@code /ready} with its reason, and a model the gateway could not
 * list is a 502 naming that reason, not a {@code model_not_found}; a fixed model list skips
 * discovery.
 */
class UpstreamDiscoveryTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path data;
  static Vertx vertx;
  static FakeAnthropic fake;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    fake = FakeAnthropic.start(vertx);
    fake.requiredKey = "sk-ant-right";
  }

  @AfterAll
  static void stop() throws Exception {
    fake.close();
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  private record Running(LetheGateway gateway, GatewayAssembly assembly) implements AutoCloseable {
    HttpResponse<String> send(String method, String path, String body) throws Exception {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .method(method, HttpRequest.BodyPublishers.ofString(body == null ? "" : body))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
      gateway.stop().await(30, TimeUnit.SECONDS);
      assembly.close();
    }
  }

  private Running start(String backendYaml, Map<String, String> env) throws Exception {
    LetheConfig config =
        LetheConfig.parse(
            "server:\n  host: 127.0.0.1\n  port: 0\n  eventLoops: 1\ndataDir: "
                + data
                + "\nadmin:\n  token: test-admin-token-0123456789\ndetector:\n  enabled: false\n"
                + "backends:\n"
                + backendYaml);
    GatewayAssembly a = GatewayAssembly.create(vertx, config, env);
    return new Running(LetheGateway.start(vertx, a.parts()).await(30, TimeUnit.SECONDS), a);
  }

  private static final String CHAT =
      "{\"model\":\"gpt-x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  @Test
  void anUnreachableUpstreamIsNotReadyAndItsModelsAreA502NotA404() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    try (Running gw =
        start(
            "  - name: up\n    type: openai\n    baseUrl: http://127.0.0.1:" + closed + "/v1\n",
            Map.of())) {
      var ready = gw.send("GET", "/ready", null);
      assertThat(ready.statusCode()).isEqualTo(503);
      JsonNode b = JSON.readTree(ready.body()).path("backends").get(0);
      assertThat(b.path("discovery").asText()).isEqualTo("failed");
      assertThat(b.path("reason").asText()).contains("refused");
      var chat = gw.send("POST", "/v1/chat/completions", CHAT);
      assertThat(chat.statusCode()).isEqualTo(502);
      JsonNode e = JSON.readTree(chat.body()).path("error");
      assertThat(e.path("code").asText()).isEqualTo("models_unavailable");
      assertThat(e.path("message").asText()).contains("backend 'up'").contains("/ready");
      assertThat(gw.send("GET", "/v1/models/gpt-x", null).statusCode()).isEqualTo(502);
    }
  }

  @Test
  void discoverySendsTheConfiguredKeyInTheUpstreamsDialect() throws Exception {
    try (Running gw =
        start(
            "  - name: claude\n    type: anthropic\n    baseUrl: "
                + fake.baseUrl()
                + "\n    apiKeyEnv: MY_KEY\n",
            Map.of("MY_KEY", "sk-ant-right"))) {
      assertThat(gw.send("GET", "/ready", null).statusCode()).isEqualTo(200);
      var m = gw.send("GET", "/v1/models/claude-test", null);
      assertThat(m.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(m.body()).path("owned_by").asText()).isEqualTo("claude");
      var missing = gw.send("GET", "/v1/models/claude-nope", null);
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(JSON.readTree(missing.body()).path("error").path("code").asText())
          .isEqualTo("model_not_found");
    }
  }

  @Test
  void aRejectedKeyIsLoggedAndShownAndAFixedModelListSkipsDiscovery() throws Exception {
    try (Running gw =
        start(
            "  - name: claude\n    type: anthropic\n    baseUrl: " + fake.baseUrl() + "\n",
            Map.of())) {
      var ready = gw.send("GET", "/ready", null);
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(JSON.readTree(ready.body()).path("backends").get(0).path("reason").asText())
          .contains("HTTP 401")
          .contains("no API key is configured");
      var messages =
          gw.send(
              "POST",
              "/v1/messages",
              "{\"model\":\"claude-test\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
      assertThat(messages.statusCode()).isEqualTo(502);
      assertThat(JSON.readTree(messages.body()).path("error").path("type").asText())
          .isEqualTo("api_error");
    }
    try (Running gw =
        start(
            "  - name: claude\n    type: anthropic\n    baseUrl: "
                + fake.baseUrl()
                + "\n    models: [claude-test]\n",
            Map.of())) {
      var ready = gw.send("GET", "/ready", null);
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(ready.body()).path("backends").get(0).path("discovery").asText())
          .isEqualTo("not_needed");
      var models =
          HTTP.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + gw.gateway().port() + "/v1/models"))
                  .header("anthropic-version", "2023-06-01")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode list = JSON.readTree(models.body());
      assertThat(list.path("data").get(0).path("type").asText()).isEqualTo("model");
      assertThat(list.path("first_id").asText()).isEqualTo("claude-test");
    }
  }
}

package dev.lethe.gateway.testing;

import dev.lethe.config.LetheConfig;
import dev.lethe.gateway.GatewayAssembly;
import dev.lethe.gateway.LetheGateway;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A gateway on loopback in front of a {@link FaultyUpstream}, with a plain HTTP client for requests
 * whose every byte a test wants to see.
 */
public final class HostileFixture implements AutoCloseable {
  /** The admin token the fixture configures. */
  public static final String ADMIN_TOKEN = "hostile-admin-token-0123456789";

  public final Vertx vertx;
  public final FaultyUpstream upstream;
  public final LetheGateway gateway;
  public final GatewayAssembly assembly;
  public final HttpClient http;

  private HostileFixture(
      Vertx vertx, FaultyUpstream upstream, LetheGateway gateway, GatewayAssembly assembly) {
    this.vertx = vertx;
    this.upstream = upstream;
    this.gateway = gateway;
    this.assembly = assembly;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /**
   * Starts a faulty upstream and a gateway in front of it.
   *
   * @param backendYaml YAML appended to the backend entry (indented by 4)
   * @param topYaml YAML appended at the top level (e.g. {@code detector:} settings), or ""
   * @param serverYaml YAML for the {@code server} section body (indented by 2), or ""
   */
  public static HostileFixture start(
      Path dataDir, String backendYaml, String serverYaml, String topYaml) throws Exception {
    Vertx vertx = Vertx.vertx();
    FaultyUpstream up = FaultyUpstream.start(vertx);
    String yaml =
        "server:\n  host: 127.0.0.1\n  port: 0\n  eventLoops: 2\n"
            + serverYaml
            + "dataDir: "
            + dataDir
            + "\nadmin:\n  token: "
            + ADMIN_TOKEN
            + "\nbackends:\n  - name: faulty\n    type: openai\n    baseUrl: "
            + up.baseUrl()
            + "\n"
            + backendYaml
            + topYaml;
    GatewayAssembly assembly = GatewayAssembly.create(vertx, LetheConfig.parse(yaml), Map.of());
    LetheGateway gw = LetheGateway.start(vertx, assembly.parts()).await(60, TimeUnit.SECONDS);
    return new HostileFixture(vertx, up, gw, assembly);
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String origin() {
    return "http://127.0.0.1:" + gateway.port();
  }

  /** A chat completion request for {@code model}, as the client sends it. */
  public HttpResponse<String> chat(String model, boolean stream, String content, Duration timeout)
      throws Exception {
    String body =
        "{\"model\":\""
            + model
            + "\",\"stream\":"
            + stream
            + ",\"messages\":[{\"role\":\"user\",\"content\":\""
            + content
            + "\"}]}";
    return post("/v1/chat/completions", body, null, timeout);
  }

  /** A POST with a JSON body, with the admin token when {@code token} is not null. */
  public HttpResponse<String> post(String path, String body, String token, Duration timeout)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(origin() + path))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A GET, with the admin token when {@code token} is not null. */
  public HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(origin() + path)).timeout(Duration.ofSeconds(30)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws Exception {
    try {
      http.shutdownNow();
      gateway.stop().await(30, TimeUnit.SECONDS);
      assembly.close();
      upstream.close();
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}

package dev.lethe.gateway.testing;

import dev.lethe.config.LetheConfig;
import dev.lethe.gateway.GatewayAssembly;
import dev.lethe.gateway.LetheGateway;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A gateway on loopback in front of a {@link FakeOpenAi}, for end-to-end tests. */
public final class GatewayFixture implements AutoCloseable {
  /** The admin token the fixture configures. */
  public static final String ADMIN_TOKEN = "test-admin-token-0123456789";

  public final Vertx vertx;
  public final FakeOpenAi upstream;
  public final LetheGateway gateway;
  public final GatewayAssembly assembly;

  private GatewayFixture(
      Vertx vertx, FakeOpenAi upstream, LetheGateway gateway, GatewayAssembly a) {
    this.vertx = vertx;
    this.upstream = upstream;
    this.gateway = gateway;
    this.assembly = a;
  }

  /**
   * Starts a fake upstream and a gateway in front of it.
   *
   * @param extraYaml YAML appended to the backend entry (indented by 4), e.g. timeouts
   * @param serverYaml YAML for the {@code server} section body (indented by 2), or ""
   */
  public static GatewayFixture start(Path dataDir, String extraYaml, String serverYaml)
      throws Exception {
    return start(dataDir, extraYaml, serverYaml, "");
  }

  /**
   * Starts a fake upstream and a gateway in front of it, with {@code adminYaml} (indented by 2, or
   * "") added to the {@code admin} section.
   */
  public static GatewayFixture start(
      Path dataDir, String extraYaml, String serverYaml, String adminYaml) throws Exception {
    return start(dataDir, extraYaml, serverYaml, adminYaml, "");
  }

  /**
   * Starts a fake upstream and a gateway in front of it, with {@code topYaml} (top-level sections,
   * e.g. {@code detector:}, or "") appended to the configuration.
   */
  public static GatewayFixture start(
      Path dataDir, String extraYaml, String serverYaml, String adminYaml, String topYaml)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    FakeOpenAi fake = FakeOpenAi.start(vertx);
    String yaml =
        "server:\n  host: 127.0.0.1\n  port: 0\n  eventLoops: 2\n"
            + serverYaml
            + "dataDir: "
            + dataDir
            + "\nadmin:\n  token: "
            + ADMIN_TOKEN
            + "\n"
            + adminYaml
            + "backends:\n  - name: fake\n    type: openai\n    baseUrl: "
            + fake.baseUrl()
            + "\n"
            + extraYaml
            + topYaml;
    LetheConfig config = LetheConfig.parse(yaml);
    GatewayAssembly assembly = GatewayAssembly.create(vertx, config, Map.of());
    LetheGateway gw = LetheGateway.start(vertx, assembly.parts()).await(30, TimeUnit.SECONDS);
    return new GatewayFixture(vertx, fake, gw, assembly);
  }

  /** The gateway's OpenAI base URL. */
  /** Sends an admin request (bearer token, JSON) to the gateway; the body may be null. */
  public java.net.http.HttpResponse<String> admin(String method, String path, String body)
      throws Exception {
    return ADMIN_HTTP.send(
        java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + gateway.port() + path))
            .timeout(java.time.Duration.ofSeconds(60))
            .header("Authorization", "Bearer " + ADMIN_TOKEN)
            .header("Content-Type", "application/json")
            .method(
                method, java.net.http.HttpRequest.BodyPublishers.ofString(body == null ? "" : body))
            .build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  private static final java.net.http.HttpClient ADMIN_HTTP =
      java.net.http.HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(5)).build();

  public String baseUrl() {
    return "http://127.0.0.1:" + gateway.port() + "/v1";
  }

  @Override
  public void close() throws Exception {
    try {
      gateway.stop().await(30, TimeUnit.SECONDS);
      assembly.close();
      upstream.close();
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}

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
 * One gateway replica on loopback with its own Vert.x instance, sharing a PostgreSQL rule store
 * with the others (as separate processes would), in front of an upstream base URL.
 */
public final class Replica implements AutoCloseable {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public final Vertx vertx;
  public final GatewayAssembly assembly;
  public final LetheGateway gateway;
  public final String id;

  private Replica(Vertx vertx, GatewayAssembly assembly, LetheGateway gateway, String id) {
    this.vertx = vertx;
    this.assembly = assembly;
    this.gateway = gateway;
    this.id = id;
  }

  /**
   * Starts a replica.
   *
   * @param storeYaml the body of the {@code store} section (indented by 2), with the URL
   */
  public static Replica start(Path dataDir, String id, String upstreamBaseUrl, String storeYaml)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      String yaml =
          "server:\n  host: 127.0.0.1\n  port: 0\n  eventLoops: 1\n"
              + "dataDir: "
              + dataDir
              + "\nadmin:\n  token: "
              + GatewayFixture.ADMIN_TOKEN
              + "\nstore:\n  replicaId: "
              + id
              + "\n"
              + storeYaml
              + "backends:\n  - name: fake\n    type: openai\n    baseUrl: "
              + upstreamBaseUrl
              + "\n";
      LetheConfig config = LetheConfig.parse(yaml);
      GatewayAssembly assembly =
          GatewayAssembly.create(vertx, config, Map.of("PGPASSWORD", PostgresServer.PASSWORD));
      LetheGateway gw;
      try {
        gw = LetheGateway.start(vertx, assembly.parts()).await(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        assembly.close();
        throw e;
      }
      assembly.announce("127.0.0.1", gw.port());
      return new Replica(vertx, assembly, gw, id);
    } catch (Exception e) {
      vertx.close().await(30, TimeUnit.SECONDS);
      throw e;
    }
  }

  /** The rules version this replica enforces now. */
  public long version() {
    return assembly.rules().current().version();
  }

  /** Sends a request; {@code headers} as name, value pairs. */
  public HttpResponse<String> send(String method, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.ofString(body == null ? "" : body));
    if (path.startsWith("/admin")) {
      b.header("Authorization", "Bearer " + GatewayFixture.ADMIN_TOKEN);
    }
    b.header("Content-Type", "application/json");
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A one-message chat completion. */
  public HttpResponse<String> chat(String question, String... headers) throws Exception {
    String body =
        "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":"
            + com.fasterxml.jackson.databind.node.TextNode.valueOf(question)
            + "}]}";
    return send("POST", "/v1/chat/completions", body, headers);
  }

  @Override
  public void close() throws Exception {
    try {
      gateway.stop().await(30, TimeUnit.SECONDS);
      assembly.close();
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }
}

package dev.lethe.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads a gateway's audit decisions through {@code GET /admin/audit} (JSON Lines export). */
public final class AuditTrail {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private AuditTrail() {}

  /** The decision records of the gateway on {@code port} so far, oldest first. */
  public static List<JsonNode> decisions(int port) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + port + "/admin/audit?kind=decision&format=jsonl"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + GatewayFixture.ADMIN_TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET /admin/audit: " + r.statusCode() + " " + r.body());
    }
    List<JsonNode> out = new ArrayList<>();
    for (String line : r.body().split("\n")) {
      if (!line.isBlank()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  /**
   * Waits (at most 10 s) until the gateway on {@code port} holds more than {@code before} decision
   * records and returns the newest.
   */
  public static JsonNode next(int port, int before) throws Exception {
    for (int i = 0; i < 400; i++) {
      List<JsonNode> all = decisions(port);
      if (all.size() > before) {
        return all.get(all.size() - 1);
      }
      Thread.sleep(25);
    }
    throw new AssertionError("no new audit decision record after " + before);
  }
}

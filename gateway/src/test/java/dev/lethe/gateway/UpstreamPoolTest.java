package dev.lethe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.gateway.testing.FakeOpenAi;
import dev.lethe.gateway.testing.HostileFixture;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, finding 6: requests stalled on one upstream fill its pool and its bounded wait queue;
 * further requests to it fail at once (or after {@code queueTimeout}) with a distinct, counted 503
 * {@code upstream_busy}, while another backend answers as usual. Also: {@code /metrics} behind the
 * admin token and rule ids hidden from its labels when configured.
 */
class UpstreamPoolTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path data;

  @Test
  void aStalledBackendGetsADistinctErrorAndOthersAreUnaffected() throws Exception {
    Vertx other = Vertx.vertx();
    FakeOpenAi healthy = FakeOpenAi.start(other);
    HostileFixture fx = null;
    try {
      fx =
          HostileFixture.start(
              data,
              "    models: [f-stall-head, f-ok]\n"
                  + "    maxConnections: 2\n"
                  + "    maxQueued: 1\n"
                  + "    queueTimeout: 400ms\n"
                  + "    idleTimeout: 20s\n"
                  + "  - name: healthy\n    type: openai\n    baseUrl: "
                  + healthy.baseUrl()
                  + "\n    models: [gpt-test]\n",
              "  metricsRequireToken: true\n  metricsRuleIds: false\n  shutdownGrace: 1s\n",
              "detector:\n  enabled: false\n");
      List<CompletableFuture<HttpResponse<String>>> stalled = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        stalled.add(send(fx, "f-stall-head"));
      }
      HostileFixture f = fx;
      waitFor(() -> f.upstream.inFlight.get() >= 2, 10_000);

      // One more waits in the queue and gives up after queueTimeout ...
      long t0 = System.nanoTime();
      CompletableFuture<HttpResponse<String>> queued = send(fx, "f-ok");
      Thread.sleep(100);
      // ... while the next finds the queue full and is refused at once.
      HttpResponse<String> refused = send(fx, "f-ok").get(10, TimeUnit.SECONDS);
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(code(refused)).isEqualTo("upstream_busy");
      assertThat(refused.headers().firstValue("retry-after")).isPresent();

      HttpResponse<String> waited = queued.get(10, TimeUnit.SECONDS);
      assertThat(waited.statusCode()).isEqualTo(503);
      assertThat(code(waited)).isEqualTo("upstream_busy");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));

      // Another backend is unaffected.
      HttpResponse<String> ok = send(fx, "gpt-test").get(10, TimeUnit.SECONDS);
      assertThat(ok.statusCode()).isEqualTo(200);

      // Counted, and /metrics needs the token.
      assertThat(fx.get("/metrics", null).statusCode()).isEqualTo(401);
      String metrics = fx.get("/metrics", HostileFixture.ADMIN_TOKEN).body();
      assertThat(metrics)
          .containsPattern(
              "lethe_upstream_failures_total\\{backend=\"faulty\",reason=\"pool_full\"\\} 2");
      for (CompletableFuture<HttpResponse<String>> s : stalled) {
        s.cancel(true);
      }
    } finally {
      if (fx != null) {
        fx.close();
      }
      healthy.close();
      other.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static String code(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body()).path("error").path("code").asText();
  }

  private static CompletableFuture<HttpResponse<String>> send(HostileFixture fx, String model) {
    String body =
        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    return fx.http.sendAsync(
        HttpRequest.newBuilder(URI.create(fx.origin() + "/v1/chat/completions"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void waitFor(java.util.function.BooleanSupplier cond, long millis)
      throws InterruptedException {
    long end = System.currentTimeMillis() + millis;
    while (!cond.getAsBoolean() && System.currentTimeMillis() < end) {
      Thread.sleep(20);
    }
  }
}

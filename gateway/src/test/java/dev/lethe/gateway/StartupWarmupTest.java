package dev.lethe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.config.LetheConfig;
import dev.lethe.filters.input.ScreeningWarmup;
import dev.lethe.gateway.testing.AuditTrail;
import dev.lethe.gateway.testing.FakeOpenAi;
import dev.lethe.gateway.testing.GatewayFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The screening's startup warm-up and readiness: {@code GET /ready} answers 503 ("warming up the
 * screening") until the warm-up ends and the start completes then; requests are served meanwhile; a
 * warm-up that fails, or fails to start, still lets the gateway become ready; the real warm-up
 * records nothing in the audit log, counts no input decision, and reports its time in {@code
 * lethe_screening_warmup_seconds}.
 */
class StartupWarmupTest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path data;

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> chat(int port, String text) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\""
                        + text
                        + "\"}]}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The assembly's parts with {@code warmup} in place of the screening's own warm-up. */
  private static LetheGateway.Parts withWarmup(
      LetheGateway.Parts p,
      java.util.function.Supplier<? extends java.util.concurrent.CompletionStage<?>> warmup) {
    return new LetheGateway.Parts(
        p.config(),
        p.backends(),
        p.pipeline(),
        p.rules(),
        p.adminToken(),
        p.metrics(),
        p.adminRoutes(),
        p.replication(),
        p.audit(),
        p.decisions(),
        warmup);
  }

  private LetheConfig config(FakeOpenAi fake, int port) {
    return LetheConfig.parse(
        "server:\n  host: 127.0.0.1\n  port: "
            + port
            + "\n  eventLoops: 1\ndataDir: "
            + data
            + "\nadmin:\n  token: "
            + GatewayFixture.ADMIN_TOKEN
            + "\nbackends:\n  - name: fake\n    type: openai\n    baseUrl: "
            + fake.baseUrl()
            + "\ndetector:\n  enabled: false\n");
  }

  /** A port free right now (the gateway's port must be known before its start completes). */
  private static int freePort() throws Exception {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void readinessWaitsForTheWarmupWhileRequestsAreServed() throws Exception {
    Vertx vertx = Vertx.vertx();
    FakeOpenAi fake = FakeOpenAi.start(vertx);
    int p = freePort();
    try (GatewayAssembly assembly = GatewayAssembly.create(vertx, config(fake, p), Map.of())) {
      CompletableFuture<Object> warmup = new CompletableFuture<>();
      int[] port = {0};
      Future<LetheGateway> started =
          LetheGateway.start(
              vertx,
              withWarmup(
                  assembly.parts(),
                  () -> {
                    port[0] = -1; // asked only once the servers listen
                    return warmup;
                  }));
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (port[0] == 0 && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      assertThat(port[0]).as("the warm-up was started").isEqualTo(-1);
      assertThat(started.isComplete()).as("start waits for the warm-up").isFalse();
      // the servers listen (the warm-up starts after they do)
      var ready = get(p, "/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("\"not ready\"").contains("warming up the screening");
      assertThat(chat(p, "What is the boiling point of water?").statusCode()).isEqualTo(200);

      warmup.complete("done");
      LetheGateway gw = started.await(30, TimeUnit.SECONDS);
      var after = get(gw.port(), "/ready");
      assertThat(after.statusCode()).isEqualTo(200);
      assertThat(after.body()).contains("\"ready\"").doesNotContain("warming");
      gw.stop().await(30, TimeUnit.SECONDS);
    } finally {
      fake.close();
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aFailedWarmupStillLetsTheGatewayServe() throws Exception {
    startsReadyWith(() -> CompletableFuture.failedFuture(new IllegalStateException("boom")));
  }

  @Test
  void aWarmupThatCannotStartStillLetsTheGatewayServe() throws Exception {
    startsReadyWith(
        () -> {
          throw new IllegalStateException("no thread");
        });
  }

  /** Starts a gateway with {@code warmup}: it must become ready and serve. */
  private void startsReadyWith(
      java.util.function.Supplier<? extends java.util.concurrent.CompletionStage<?>> warmup)
      throws Exception {
    Vertx vertx = Vertx.vertx();
    FakeOpenAi fake = FakeOpenAi.start(vertx);
    try (GatewayAssembly assembly = GatewayAssembly.create(vertx, config(fake, 0), Map.of())) {
      LetheGateway gw =
          LetheGateway.start(vertx, withWarmup(assembly.parts(), warmup))
              .await(30, TimeUnit.SECONDS);
      assertThat(get(gw.port(), "/ready").statusCode()).isEqualTo(200);
      assertThat(chat(gw.port(), "Hello there").statusCode()).isEqualTo(200);
      gw.stop().await(30, TimeUnit.SECONDS);
    } finally {
      fake.close();
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void theRealWarmupRecordsNothingAndReportsItsTime() throws Exception {
    try (GatewayFixture fx = GatewayFixture.start(data, "", "", "", "detector:\n  warmup: 20s\n")) {
      ScreeningWarmup.Report r = fx.assembly.screening().warmupReport();
      // once per process: this gateway ran it or waited for the one another gateway ran
      assertThat(r).isNotNull();
      assertThat(r.outcome()).isIn(ScreeningWarmup.Outcome.COMPLETE, ScreeningWarmup.Outcome.BOUND);
      assertThat(r.judged()).isPositive();
      assertThat(get(fx.gateway.port(), "/ready").statusCode()).isEqualTo(200);
      String metrics = get(fx.gateway.port(), "/metrics").body();
      assertThat(value(metrics, "lethe_screening_warmup_seconds"))
          .isCloseTo(r.elapsed().toNanos() / 1e9, org.assertj.core.data.Offset.offset(1e-3));
      assertThat(metrics).doesNotContain("lethe_input_decisions_total{");
      assertThat(metrics).containsPattern("(?m)^lethe_detector_latency_seconds_count 0(\\.0)?$");
      assertThat(AuditTrail.decisions(fx.gateway.port())).isEmpty();
    }
  }

  @Test
  void readinessWaitsNoLongerThanTheBoundPlusTheOverrun() throws Exception {
    // a warm-up stuck in one request: the future readiness waits for ends at the limit
    CompletableFuture<String> stuck = new CompletableFuture<>();
    java.util.concurrent.atomic.AtomicInteger overruns =
        new java.util.concurrent.atomic.AtomicInteger();
    long t0 = System.nanoTime();
    CompletableFuture<String> waited =
        Screening.atMost(stuck, Duration.ofMillis(200), overruns::incrementAndGet);
    assertThat(waited.get(30, TimeUnit.SECONDS)).isNull();
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isGreaterThanOrEqualTo(Duration.ofMillis(200));
    assertThat(overruns).hasValue(1);
    // one that ends in time passes its value on, and the overrun does not fire
    CompletableFuture<String> quick = new CompletableFuture<>();
    CompletableFuture<String> passed =
        Screening.atMost(quick, Duration.ofMillis(200), overruns::incrementAndGet);
    quick.complete("report");
    assertThat(passed.get(30, TimeUnit.SECONDS)).isEqualTo("report");
    Thread.sleep(400);
    assertThat(overruns).hasValue(1);
    assertThat(Screening.OVERRUN).isEqualTo(Duration.ofSeconds(5));
  }

  /** The value of one unlabelled series in a scrape, or -1 when it is absent. */
  private static double value(String scrape, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }
}

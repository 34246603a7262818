package dev.lethe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lethe.config.LetheConfig;
import dev.lethe.filters.detect.Embedder;
import dev.lethe.gateway.testing.FaultyUpstream;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Judging that may block never runs on an event loop (issue 19, finding 5; only a request with no
 * rules to judge is decided there, {@code Stage#decidesWithoutBlocking}): with a sentence embedder
 * that takes {@link #EMBED_MILLIS} per call and Vert.x's blocked-thread checker set to warn (with
 * the blocked stack) after {@link #MAX_LOOP_MILLIS} on an event loop, concurrent {@code POST
 * /admin/classify} requests (a text and a conversation) and chat requests (whole and streamed) are
 * judged while {@code GET /health} keeps answering; the embedder is never called on an event-loop
 * thread, and no event loop is ever reported blocked in judging code. A control first calls the
 * slow embedder on an event loop and sees both signals, so their absence afterwards means
 * something.
 */
class EventLoopResponsivenessTest {
  private static final String TOKEN = "loop-admin-token-0123456789";
  private static final long EMBED_MILLIS = 1000;
  private static final long MAX_LOOP_MILLIS = 500;
  private static final Duration T = Duration.ofSeconds(120);

  @TempDir static Path data;
  static Vertx vertx;
  static FaultyUpstream upstream;
  static GatewayAssembly assembly;
  static LetheGateway gateway;
  static SlowEmbedder embedder;
  static HttpClient http;
  static ListAppender<ILoggingEvent> blocked;
  static Logger checkerLog;

  /**
   * The shared sentence embedder, slowed by {@code delay} ms per call while it is set, recording
   * the calls made on an event-loop thread.
   */
  static final class SlowEmbedder implements Embedder {
    final Embedder inner = Screening.sharedEmbedder();
    final AtomicLong delay = new AtomicLong();
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger onEventLoop = new AtomicInteger();

    @Override
    public int dimension() {
      return inner.dimension();
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
      if (Context.isOnEventLoopThread()) {
        onEventLoop.incrementAndGet();
      }
      long d = delay.get();
      if (d > 0) {
        calls.incrementAndGet();
        try {
          Thread.sleep(d);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return inner.embedAll(texts);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    checkerLog = (Logger) LoggerFactory.getLogger("io.vertx.core.impl.BlockedThreadChecker");
    blocked = new ListAppender<>();
    blocked.start();
    checkerLog.addAppender(blocked);
    checkerLog.setLevel(Level.WARN);
    vertx =
        Vertx.vertx(
            new VertxOptions()
                .setBlockedThreadCheckInterval(25)
                .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
                .setMaxEventLoopExecuteTime(MAX_LOOP_MILLIS)
                .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
                // A warning carries the blocked thread's stack, so a failure shows where.
                .setWarningExceptionTime(MAX_LOOP_MILLIS)
                .setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS)
                // Workers may take as long as judging takes: only event loops are watched here.
                .setMaxWorkerExecuteTime(10)
                .setMaxWorkerExecuteTimeUnit(TimeUnit.MINUTES));
    upstream = FaultyUpstream.start(vertx);
    String yaml =
        "server:\n  host: 127.0.0.1\n  port: 0\n  eventLoops: 2\n"
            + "dataDir: "
            + data
            + "\nadmin:\n  token: "
            + TOKEN
            + "\nbackends:\n  - name: faulty\n    type: openai\n    baseUrl: "
            + upstream.baseUrl()
            + "\n";
    embedder = new SlowEmbedder();
    assembly = GatewayAssembly.create(vertx, LetheConfig.parse(yaml), Map.of(), embedder);
    gateway = LetheGateway.start(vertx, assembly.parts()).await(60, TimeUnit.SECONDS);
    http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpResponse<String> r =
        send(
                "/admin/rules",
                """
                {"id":"zebra","subjects":["Quintus Zebrowski"],"action":"refuse",
                 "examples":["Who is Quintus Zebrowski?","Where did Quintus Zebrowski grow up?"]}
                """,
                TOKEN)
            .get(120, TimeUnit.SECONDS);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }

  @AfterAll
  static void stop() throws Exception {
    checkerLog.detachAppender(blocked);
    try {
      if (http != null) {
        http.shutdownNow();
      }
      if (gateway != null) {
        gateway.stop().await(30, TimeUnit.SECONDS);
      }
      if (assembly != null) {
        assembly.close();
      }
      if (upstream != null) {
        upstream.close();
      }
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static CompletableFuture<HttpResponse<String>> send(
      String path, String body, String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
            .timeout(T)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static List<ILoggingEvent> eventLoopWarnings() {
    synchronized (blocked.list) {
      return blocked.list.stream()
          .filter(e -> e.getFormattedMessage().contains("eventloop"))
          .toList();
    }
  }

  @Test
  void judgingNeverBlocksAnEventLoop() throws Exception {
    // Control: the slow embedder called on an event loop is seen both ways — counted by the
    // embedder, and reported by the checker with a judging frame on the blocked loop's stack — so
    // the silence asserted below means something.
    embedder.delay.set(MAX_LOOP_MILLIS * 3);
    vertx.getOrCreateContext().runOnContext(v -> embedder.embedAll(List.of("control")));
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (judgingStacks().isEmpty() && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertThat(judgingStacks()).as("the checker reports judging on an event loop").isNotEmpty();
    assertThat(embedder.onEventLoop.get()).isEqualTo(1);
    embedder.delay.set(0);
    Thread.sleep(MAX_LOOP_MILLIS * 3);

    // Warm-up at full speed, so first-use class loading is not measured.
    String question = "Where did Quintus Zebrowski grow up, and who taught him chess?";
    List<CompletableFuture<HttpResponse<String>>> warm = new ArrayList<>();
    warm.add(send("/admin/classify", "{\"text\":\"" + question + "\"}", TOKEN));
    for (boolean stream : new boolean[] {false, true}) {
      warm.add(send("/v1/chat/completions", chat(stream, "warm-up"), null));
    }
    CompletableFuture.allOf(warm.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    embedder.onEventLoop.set(0);
    embedder.calls.set(0);
    synchronized (blocked.list) {
      blocked.list.clear();
    }

    embedder.delay.set(EMBED_MILLIS);
    List<CompletableFuture<HttpResponse<String>>> judged = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      judged.add(send("/admin/classify", "{\"text\":\"" + question + " (" + i + ")\"}", TOKEN));
      judged.add(
          send(
              "/admin/classify",
              "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                  + "{\"role\":\"user\",\"content\":\""
                  + question
                  + " ["
                  + i
                  + "]\"}]}",
              TOKEN));
      for (boolean stream : new boolean[] {false, true}) {
        judged.add(send("/v1/chat/completions", chat(stream, "part " + i), null));
      }
    }
    CompletableFuture<Void> all = CompletableFuture.allOf(judged.toArray(CompletableFuture[]::new));
    List<Long> probes = new ArrayList<>();
    long deadline = System.nanoTime() + T.toNanos();
    while (!all.isDone() && System.nanoTime() < deadline) {
      long t0 = System.nanoTime();
      HttpResponse<String> h =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/health"))
                  .timeout(Duration.ofSeconds(60))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      probes.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      assertThat(h.statusCode()).isEqualTo(200);
      Thread.sleep(20);
    }
    all.get(T.toSeconds(), TimeUnit.SECONDS);
    embedder.delay.set(0);

    for (CompletableFuture<HttpResponse<String>> f : judged) {
      HttpResponse<String> r = f.get();
      assertThat(r.statusCode()).as(r.uri() + " " + r.body()).isEqualTo(200);
      if (r.uri().getPath().equals("/admin/classify")) {
        assertThat(r.body()).contains("\"inScope\":true").contains("\"ruleId\":\"zebra\"");
      }
    }
    assertThat(embedder.calls.get()).as("judging used the slow embedder").isPositive();
    assertThat(embedder.onEventLoop.get()).as("embedder calls on an event loop").isZero();
    assertThat(judgingStacks()).as("event loops blocked in judging code").isEmpty();
    // Wall-clock latency on a shared machine is noisy (an event loop descheduled, first-use class
    // initialisation), so the median probe is bounded, by less than one embedder call: had
    // judging run on the two event loops, most probes would wait for several.
    assertThat(probes.size()).as("health probes while judging ran").isGreaterThanOrEqualTo(3);
    List<Long> sorted = probes.stream().sorted().toList();
    assertThat(sorted.get(sorted.size() / 2))
        .as("median /health ms while judging")
        .isLessThan(EMBED_MILLIS);
  }

  private static String chat(boolean stream, String tag) {
    return "{\"model\":\"f-ok\",\"stream\":"
        + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story about a"
        + " lighthouse keeper, "
        + tag
        + (stream ? " s" : " w")
        + ".\"}]}";
  }

  /**
   * The stacks of event-loop warnings with a judging frame (the detector, the input stage, the
   * in-context unlearning composer, the embedder): the event loop was blocked running judging.
   */
  private static List<String> judgingStacks() {
    return eventLoopWarnings().stream()
        .filter(e -> e.getThrowableProxy() != null)
        .map(
            e ->
                java.util.Arrays.stream(e.getThrowableProxy().getStackTraceElementProxyArray())
                    .map(Object::toString)
                    .collect(java.util.stream.Collectors.joining("\n  ")))
        .filter(
            st ->
                st.contains("dev.lethe.filters.detect.")
                    || st.contains("dev.lethe.filters.input.")
                    || st.contains("dev.lethe.icul.")
                    || st.contains("SlowEmbedder"))
        .distinct()
        .limit(5)
        .toList();
  }
}

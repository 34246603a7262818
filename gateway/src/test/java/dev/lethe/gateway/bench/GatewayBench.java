package dev.lethe.gateway.bench;

import dev.lethe.config.LetheConfig;
import dev.lethe.gateway.GatewayAssembly;
import dev.lethe.gateway.LetheGateway;
import dev.lethe.gateway.testing.FakeAnthropic;
import dev.lethe.gateway.testing.FakeOpenAi;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Added latency and throughput of the gateway versus calling the upstream directly, measured by the
 * same open-loop load driver in one run, for chat completions and for the Responses API (the test
 * upstream answers both; Responses streams its typed events).
 *
 * <p>Latency is measured from each request's <em>intended</em> send time (fixed rate, so a stall is
 * not hidden by coordinated omission) to the end of the response (non-streaming) or to the first
 * byte of the first content delta (streaming time to first token). Direct and gateway phases
 * alternate, so drift affects both alike. Throughput: closed loop, fixed concurrency.
 *
 * <p>Rows: chat completions (OpenAI-compatible double) and Anthropic Messages (Messages double),
 * each directly and through the gateway.
 *
 * <p>Usage: {@code ./bench gateway [rate=500] [seconds=10] [concurrency=32] [warmupSeconds=3]}:
 * each path and surface is first driven for {@code warmupSeconds} at the same rate (JIT, pools).
 */
public final class GatewayBench {
  private static final String BODY =
      "{\"model\":\"gpt-test\",\"stream\":%s,\"messages\":[{\"role\":\"system\",\"content\":\"You"
          + " are terse.\"},{\"role\":\"user\",\"content\":\"Say hello in one sentence.\"}]}";

  private static final String RESPONSES_BODY =
      "{\"model\":\"gpt-test\",\"stream\":%s,\"instructions\":\"You are terse.\","
          + "\"input\":\"Say hello in one sentence.\"}";

  /** A surface under test: its path, request body template, and the first-token marker. */
  private record Api(String name, String path, String body, String firstToken) {}

  private static final Api CHAT =
      new Api("chat completions", "/v1/chat/completions", BODY, "\"content\":\"H");
  private static final Api RESPONSES =
      new Api("responses", "/v1/responses", RESPONSES_BODY, "\"delta\":\"H");

  private static final String MESSAGES_BODY =
      "{\"model\":\"claude-test\",\"max_tokens\":64,\"stream\":%s,\"system\":\"You are"
          + " terse.\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello in one"
          + " sentence.\"}]}";

  /** Anthropic Messages, against a Messages double (directly) and an anthropic backend. */
  private static final Api MESSAGES =
      new Api("messages", "/v1/messages", MESSAGES_BODY, "\"text\":\"Hel");

  private GatewayBench() {}

  /** Runs the benchmark and prints a report. */
  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 500;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 32;
    double warmup = args.length > 3 ? Double.parseDouble(args[3]) : 3;
    Vertx upstreamVx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    Vertx gatewayVx = Vertx.vertx();
    Vertx driverVx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    FakeOpenAi upstream = FakeOpenAi.start(upstreamVx);
    upstream.byteSlice = 1 << 20;
    upstream.recording = false;
    FakeAnthropic claude = FakeAnthropic.start(upstreamVx);
    claude.byteSlice = 1 << 20;
    Path data = Files.createTempDirectory("lethe-bench");
    LetheConfig cfg =
        LetheConfig.parse(
            "server:\n  host: 127.0.0.1\n  port: 0\ndataDir: "
                + data
                + "\nadmin:\n  token: bench-admin-token-0123456789\nbackends:\n  - name: up\n"
                + "    baseUrl: "
                + upstream.baseUrl()
                + "\n    maxConnections: 256\n"
                + "  - name: claude\n    type: anthropic\n    baseUrl: "
                + claude.baseUrl()
                + "\n    models: [claude-test]\n    maxConnections: 256\n");
    GatewayAssembly assembly = GatewayAssembly.create(gatewayVx, cfg, Map.of());
    LetheGateway gw = LetheGateway.start(gatewayVx, assembly.parts()).await(30, TimeUnit.SECONDS);
    int chatPort = Integer.parseInt(upstream.baseUrl().replaceAll(".*:(\\d+)/v1", "$1"));
    int claudePort = Integer.parseInt(claude.baseUrl().replaceAll(".*:(\\d+)/v1", "$1"));
    int gwPort = gw.port();
    HttpClient client =
        driverVx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(512));

    System.out.printf(
        Locale.ROOT,
        "Lethe gateway benchmark: %d req/s open loop, %d s per phase (x2, alternating), %d cores%n",
        rate,
        seconds,
        Runtime.getRuntime().availableProcessors());
    // Warm-up: JIT, connection pools.
    for (Api api : new Api[] {CHAT, RESPONSES, MESSAGES}) {
      int upPort = api == MESSAGES ? claudePort : chatPort;
      for (boolean stream : new boolean[] {false, true}) {
        openLoop(driverVx, client, upPort, api, stream, rate, warmup);
        openLoop(driverVx, client, gwPort, api, stream, rate, warmup);
      }
    }
    for (Api api : new Api[] {CHAT, RESPONSES, MESSAGES}) {
      int upPort = api == MESSAGES ? claudePort : chatPort;
      for (boolean stream : new boolean[] {false, true}) {
        Histogram direct = new Histogram(60_000_000_000L, 3);
        Histogram via = new Histogram(60_000_000_000L, 3);
        long[] errors = new long[2];
        long[] cpu = new long[2];
        for (int round = 0; round < 2; round++) {
          long c0 = cpuNanos();
          Result d = openLoop(driverVx, client, upPort, api, stream, rate, seconds / 2.0);
          long c1 = cpuNanos();
          Result g = openLoop(driverVx, client, gwPort, api, stream, rate, seconds / 2.0);
          cpu[0] += c1 - c0;
          cpu[1] += cpuNanos() - c1;
          direct.add(d.histogram);
          via.add(g.histogram);
          errors[0] += d.errors;
          errors[1] += g.errors;
        }
        String what = api.name() + (stream ? ", streaming TTFT" : ", non-streaming");
        report(what, direct, via, errors);
        // driver and upstream run in this process too: the direct phase's CPU is theirs alone
        System.out.printf(
            Locale.ROOT,
            "  process CPU per request: direct %.1f µs, via gateway %.1f µs, added %.1f µs%n",
            cpu[0] / 1e3 / Math.max(1, direct.getTotalCount()),
            cpu[1] / 1e3 / Math.max(1, via.getTotalCount()),
            (cpu[1] / (double) Math.max(1, via.getTotalCount())
                    - cpu[0] / (double) Math.max(1, direct.getTotalCount()))
                / 1e3);
      }
    }
    double tDirect = closedLoop(driverVx, client, chatPort, concurrency, seconds);
    double tVia = closedLoop(driverVx, client, gwPort, concurrency, seconds);
    System.out.printf(
        Locale.ROOT,
        "throughput (closed loop, %d in flight, non-streaming): direct %.0f req/s, via gateway %.0f"
            + " req/s, ratio %.2f%n",
        concurrency,
        tDirect,
        tVia,
        tVia / tDirect);

    client.close();
    gw.stop().await(30, TimeUnit.SECONDS);
    upstream.close();
    claude.close();
    driverVx.close();
    gatewayVx.close();
    upstreamVx.close();
  }

  /** CPU time of this whole process so far (all threads, GC and JIT included). */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static void report(String what, Histogram direct, Histogram via, long[] errors) {
    double d50 = direct.getValueAtPercentile(50) / 1e6;
    double d99 = direct.getValueAtPercentile(99) / 1e6;
    double g50 = via.getValueAtPercentile(50) / 1e6;
    double g99 = via.getValueAtPercentile(99) / 1e6;
    System.out.printf(
        Locale.ROOT,
        "%s: direct p50 %.3f ms p99 %.3f ms | via gateway p50 %.3f ms p99 %.3f ms | added p50 %.3f"
            + " ms p99 %.3f ms | n=%d/%d errors=%d/%d%n",
        what,
        d50,
        d99,
        g50,
        g99,
        g50 - d50,
        g99 - d99,
        direct.getTotalCount(),
        via.getTotalCount(),
        errors[0],
        errors[1]);
  }

  private record Result(Histogram histogram, long errors) {}

  private static Result openLoop(
      Vertx vx, HttpClient client, int port, Api api, boolean stream, int rate, double seconds)
      throws Exception {
    Histogram h = new Histogram(60_000_000_000L, 3);
    AtomicLong errors = new AtomicLong();
    long total = (long) (rate * seconds);
    long intervalNanos = 1_000_000_000L / rate;
    AtomicInteger done = new AtomicInteger();
    Promise<Void> finished = Promise.promise();
    Buffer body = Buffer.buffer(api.body().formatted(stream));
    long start = System.nanoTime();
    AtomicLong sent = new AtomicLong();
    vx.runOnContext(
        v ->
            vx.setPeriodic(
                1,
                id -> {
                  long now = System.nanoTime();
                  while (sent.get() < total && start + sent.get() * intervalNanos <= now) {
                    long intended = start + sent.getAndIncrement() * intervalNanos;
                    send(client, port, api, body, stream)
                        .onComplete(
                            ar -> {
                              if (ar.succeeded()) {
                                h.recordValue(Math.max(0, ar.result() - intended));
                              } else if (errors.incrementAndGet() <= 3) {
                                System.err.println(
                                    "error on " + api.path() + ": " + ar.cause().getMessage());
                              }
                              if (done.incrementAndGet() == total) {
                                finished.tryComplete();
                              }
                            });
                  }
                  if (sent.get() >= total) {
                    vx.cancelTimer(id);
                  }
                }));
    finished.future().await((long) (seconds * 1000) + 60_000, TimeUnit.MILLISECONDS);
    return new Result(h, errors.get());
  }

  /** Sends one request; the future holds the nanoTime of completion (or of the first token). */
  private static Future<Long> send(
      HttpClient client, int port, Api api, Buffer body, boolean stream) {
    RequestOptions opts =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI(api.path())
            .putHeader("Content-Type", "application/json");
    return client
        .request(opts)
        .compose(req -> req.send(body))
        .compose(
            resp -> {
              if (resp.statusCode() != 200) {
                return resp.body().compose(b -> Future.failedFuture("HTTP " + resp.statusCode()));
              }
              if (!stream) {
                return resp.body().map(b -> System.nanoTime());
              }
              Promise<Long> first = Promise.promise();
              StringBuilder seen = new StringBuilder();
              resp.handler(
                  buf -> {
                    if (!first.future().isComplete()) {
                      seen.append(buf.toString());
                      if (seen.indexOf(api.firstToken()) >= 0) {
                        first.tryComplete(System.nanoTime());
                      }
                    }
                  });
              resp.endHandler(v -> first.tryFail("stream ended without content"));
              resp.exceptionHandler(first::tryFail);
              return first.future();
            });
  }

  private static double closedLoop(
      Vertx vx, HttpClient client, int port, int concurrency, int seconds) throws Exception {
    AtomicLong completed = new AtomicLong();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    Buffer body = Buffer.buffer(BODY.formatted(false));
    Promise<Void> all = Promise.promise();
    AtomicInteger running = new AtomicInteger(concurrency);
    long t0 = System.nanoTime();
    vx.runOnContext(
        v -> {
          for (int i = 0; i < concurrency; i++) {
            loop(client, port, body, end, completed, running, all);
          }
        });
    all.future().await(seconds + 60L, TimeUnit.SECONDS);
    return completed.get() / ((System.nanoTime() - t0) / 1e9);
  }

  private static void loop(
      HttpClient client,
      int port,
      Buffer body,
      long end,
      AtomicLong completed,
      AtomicInteger running,
      Promise<Void> all) {
    if (System.nanoTime() >= end) {
      if (running.decrementAndGet() == 0) {
        all.tryComplete();
      }
      return;
    }
    send(client, port, CHAT, body, false)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                completed.incrementAndGet();
              }
              loop(client, port, body, end, completed, running, all);
            });
  }
}

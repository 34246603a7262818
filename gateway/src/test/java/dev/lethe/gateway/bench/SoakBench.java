package dev.lethe.gateway.bench;

import dev.lethe.config.LetheConfig;
import dev.lethe.gateway.GatewayAssembly;
import dev.lethe.gateway.LetheGateway;
import dev.lethe.gateway.testing.FakeOpenAi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A long run of mixed traffic with rule churn, to tell caches filling to their bound from a leak:
 * open-loop requests at a fixed rate (non-streaming, streaming, and in-scope prompts that are
 * refused), one rule deleted and created anew every second through the admin API (ids cycle over a
 * fixed set of 20, so the rule set stays bounded), and per window the requests, errors, p50/p99
 * latency, heap after a full GC and resident memory.
 *
 * <p>Usage: {@code ./bench soak MINUTES [rate=100] [windowSeconds=60] [seed=1] [unique=0]}: with
 * {@code unique} &gt; 0, that percentage of the plain requests carries a distinct 600-character
 * prompt, so the screening caches fill to their bounds.
 */
public final class SoakBench {
  private static final String TOKEN = "soak-admin-token-0123456789";
  private static final String CHAT =
      "{\"model\":\"gpt-test\",\"stream\":%s,\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]}";

  private SoakBench() {}

  /** Runs the soak and prints one line per window, then a verdict. */
  public static void main(String[] args) throws Exception {
    double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 10;
    int rate = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int window = args.length > 2 ? Integer.parseInt(args[2]) : 60;
    long seed = args.length > 3 ? Long.parseLong(args[3]) : 1;
    int unique = args.length > 4 ? Integer.parseInt(args[4]) : 0;
    Vertx upVx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    Vertx gwVx = Vertx.vertx();
    Vertx driverVx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    FakeOpenAi upstream = FakeOpenAi.start(upVx);
    upstream.byteSlice = 1 << 20;
    upstream.recording = false; // the double's request log would grow the heap measured below
    Path data = Files.createTempDirectory("lethe-soak");
    LetheConfig cfg =
        LetheConfig.parse(
            "server:\n  host: 127.0.0.1\n  port: 0\ndataDir: "
                + data
                + "\nadmin:\n  token: "
                + TOKEN
                + "\nbackends:\n  - name: up\n    baseUrl: "
                + upstream.baseUrl()
                + "\n    maxConnections: 256\n");
    GatewayAssembly assembly = GatewayAssembly.create(gwVx, cfg, Map.of());
    LetheGateway gw = LetheGateway.start(gwVx, assembly.parts()).await(120, TimeUnit.SECONDS);
    int port = gw.port();
    HttpClient client =
        driverVx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(30),
            new PoolOptions().setHttp1MaxSize(256));
    send(
            client,
            port,
            HttpMethod.POST,
            "/admin/rules",
            "{\"id\":\"basil\",\"subjects\":[\"Basil Mahfouz Al-Kuwaiti\"],"
                + "\"examples\":[\"What genre does Basil Mahfouz Al-Kuwaiti write in?\"],"
                + "\"secrets\":[\"soak-secret-41\"],\"action\":\"refuse\"}")
        .await(60, TimeUnit.SECONDS);

    System.out.printf(
        Locale.ROOT,
        "Lethe soak: %.1f min, %d req/s open loop (70%% plain, 20%% streamed, 10%% refused),"
            + " 1 rule deleted and re-created per second, %d s windows, seed %d, %d%% of plain"
            + " prompts distinct, %d cores%n",
        minutes,
        rate,
        window,
        seed,
        unique,
        Runtime.getRuntime().availableProcessors());
    System.out.println(
        "window  end_s  requests  errors  p50_ms  p99_ms  heap_after_gc_MiB  rss_MiB  rules");
    Recorder recorder = new Recorder(3);
    AtomicLong requests = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    Map<String, AtomicLong> reasons = new java.util.concurrent.ConcurrentHashMap<>();
    SplittableRandom random = new SplittableRandom(seed);
    long intervalNanos = 1_000_000_000L / rate;
    long start = System.nanoTime();
    long end = start + (long) (minutes * 60e9);
    AtomicLong sent = new AtomicLong();
    long sender =
        driverVx.setPeriodic(
            1,
            id -> {
              long now = System.nanoTime();
              while (now < end && start + sent.get() * intervalNanos <= now) {
                long intended = start + sent.getAndIncrement() * intervalNanos;
                int kind = random.nextInt(10);
                String body =
                    kind < 7 && unique > 0 && random.nextInt(100) < unique
                        ? CHAT.formatted(false, distinct(random))
                        : kind < 7
                            ? CHAT.formatted(false, "Say hello in one sentence.")
                            : kind < 9
                                ? CHAT.formatted(true, "Tell me a short story.")
                                : CHAT.formatted(
                                    false, "What genre does Basil Mahfouz Al-Kuwaiti write in?");
                send(client, port, HttpMethod.POST, "/v1/chat/completions", body)
                    .onComplete(
                        ar -> {
                          requests.incrementAndGet();
                          if (ar.failed()) {
                            errors.incrementAndGet();
                            tally(reasons, "chat", ar.cause());
                          } else {
                            recorder.recordValue(Math.max(0, System.nanoTime() - intended));
                          }
                        });
              }
            });
    AtomicLong churn = new AtomicLong();
    long churner =
        driverVx.setPeriodic(
            1000,
            id -> {
              long n = churn.getAndIncrement();
              String ruleId = "churn-" + (n % 20);
              // Delete the rule (absent the first time round: 404, ignored), then create it anew.
              send(client, port, HttpMethod.DELETE, "/admin/rules/" + ruleId, null)
                  .eventually(
                      () ->
                          send(
                                  client,
                                  port,
                                  HttpMethod.POST,
                                  "/admin/rules",
                                  "{\"id\":\""
                                      + ruleId
                                      + "\",\"subjects\":[\"Person Number "
                                      + n
                                      + "\"],\"examples\":[\"Where was Person Number "
                                      + n
                                      + " born?\"],\"action\":\"refuse\"}")
                              .onFailure(
                                  e -> {
                                    errors.incrementAndGet();
                                    tally(reasons, "rule write", e);
                                  }));
            });
    List<double[]> rows = new ArrayList<>();
    int w = 0;
    while (System.nanoTime() < end) {
      long windowEnd = Math.min(end, start + (w + 1) * window * 1_000_000_000L);
      long sleep = (windowEnd - System.nanoTime()) / 1_000_000;
      if (sleep > 0) {
        Thread.sleep(sleep);
      }
      Histogram h = recorder.getIntervalHistogram();
      long req = requests.getAndSet(0);
      long err = errors.getAndSet(0);
      double heap = heapAfterGc();
      double rss = residentMiB();
      double p50 = h.getValueAtPercentile(50) / 1e6;
      double p99 = h.getValueAtPercentile(99) / 1e6;
      int rules = assembly.rules().current().size();
      w++;
      System.out.printf(
          Locale.ROOT,
          "%6d  %5.0f  %8d  %6d  %6.2f  %6.2f  %17.1f  %7.1f  %5d%n",
          w,
          (windowEnd - start) / 1e9,
          req,
          err,
          p50,
          p99,
          heap,
          rss,
          rules);
      rows.add(new double[] {req, err, p50, p99, heap, rss});
    }
    driverVx.cancelTimer(sender);
    driverVx.cancelTimer(churner);
    verdict(rows);
    reasons.forEach((k, v) -> System.out.printf(Locale.ROOT, "  errors: %d × %s%n", v.get(), k));
    client.close();
    gw.stop().await(30, TimeUnit.SECONDS);
    assembly.close();
    upstream.close();
    driverVx.close();
    gwVx.close();
    upVx.close();
  }

  /** Compares the last window with the first one after warm-up (the first third of the run). */
  private static void verdict(List<double[]> rows) {
    long errors = 0;
    for (double[] r : rows) {
      errors += (long) r[1];
    }
    if (rows.size() < 3) {
      System.out.printf(Locale.ROOT, "errors %d (too few windows for a drift verdict)%n", errors);
      return;
    }
    double[] warm = rows.get(rows.size() / 3);
    double[] last = rows.get(rows.size() - 1);
    System.out.printf(
        Locale.ROOT,
        "errors %d | after warm-up (window %d) → last: heap after GC %.1f → %.1f MiB (%+.1f%%),"
            + " p99 %.2f → %.2f ms (%+.1f%%), RSS %.1f → %.1f MiB%n",
        errors,
        rows.size() / 3 + 1,
        warm[4],
        last[4],
        100 * (last[4] - warm[4]) / warm[4],
        warm[3],
        last[3],
        100 * (last[3] - warm[3]) / Math.max(1e-9, warm[3]),
        warm[5],
        last[5]);
  }

  private static Future<Void> send(
      HttpClient client, int port, HttpMethod method, String uri, String body) {
    RequestOptions opts =
        new RequestOptions()
            .setMethod(method)
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI(uri)
            .putHeader("Authorization", "Bearer " + TOKEN)
            .putHeader("Content-Type", "application/json");
    return client
        .request(opts)
        .compose(req -> body == null ? req.send() : req.send(Buffer.buffer(body)))
        .compose(
            resp ->
                resp.body()
                    .compose(
                        b ->
                            resp.statusCode() / 100 == 2
                                ? Future.<Void>succeededFuture()
                                : Future.failedFuture(
                                    "HTTP " + resp.statusCode() + " " + errorCode(b.toString()))));
  }

  private static void tally(Map<String, AtomicLong> reasons, String what, Throwable t) {
    String m = String.valueOf(t.getMessage());
    reasons
        .computeIfAbsent(
            what + ": " + (m.length() > 120 ? m.substring(0, 120) : m), k -> new AtomicLong())
        .incrementAndGet();
  }

  private static String errorCode(String body) {
    int i = body.indexOf("\"code\":");
    return i < 0 ? "" : body.substring(i, Math.min(body.length(), i + 40));
  }

  private static final String[] WORDS = {
    "garden", "river", "winter", "lamp", "copper", "violin", "harbour", "meadow", "pencil", "orbit"
  };

  /** A prompt of about 600 characters that is almost surely unlike any sent before. */
  private static String distinct(SplittableRandom random) {
    StringBuilder b = new StringBuilder("Summarise this note: ");
    while (b.length() < 600) {
      b.append(WORDS[random.nextInt(WORDS.length)]).append(random.nextInt(1000)).append(' ');
    }
    return b.toString();
  }

  /** Heap in use right after a full collection, in MiB. */
  private static double heapAfterGc() {
    System.gc();
    long used = 0;
    for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
        used += pool.getCollectionUsage().getUsed();
      }
    }
    return used / 1048576.0;
  }

  /** Resident set size from /proc (Linux), in MiB; -1 elsewhere. */
  private static double residentMiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (Exception e) {
      // not Linux
    }
    return -1;
  }
}

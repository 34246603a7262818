package dev.lethe.gateway.bench;

import dev.lethe.config.LetheConfig;
import dev.lethe.gateway.GatewayAssembly;
import dev.lethe.gateway.LetheGateway;
import dev.lethe.gateway.testing.FaultyUpstream;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Resident memory while upstreams send huge answers (issue 19, finding 3): a gateway in front of a
 * {@link FaultyUpstream} whose non-streaming answers are {@code mib} MiB each, {@code count}
 * requests {@code concurrency} at a time, at the default {@code backends[].maxResponseBytes} (or
 * {@code limitMiB}). Prints each answer's status and time, resident memory (VmRSS) and heap after a
 * full GC before and after, and the peak resident memory sampled every 20 ms while the answers
 * arrive. The whole process is measured: gateway, upstream double and client share it, so the
 * figures are an upper bound for the gateway.
 *
 * <p>Usage: {@code ./bench hostile-bodies [count=12] [mib=200] [concurrency=3] [limitMiB=default]}.
 */
public final class HostileBodiesBench {
  private HostileBodiesBench() {}

  /** Runs the benchmark and prints its figures. */
  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 12;
    long mib = args.length > 1 ? Long.parseLong(args[1]) : 200;
    int concurrency = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    String limit =
        args.length > 3 ? "    maxResponseBytes: " + (Long.parseLong(args[3]) << 20) + "\n" : "";
    Vertx upVx = Vertx.vertx();
    Vertx gwVx = Vertx.vertx();
    FaultyUpstream upstream = FaultyUpstream.start(upVx);
    upstream.hugeBytes = mib << 20;
    Path data = Files.createTempDirectory("lethe-hostile-bodies");
    LetheConfig cfg =
        LetheConfig.parse(
            "server:\n  host: 127.0.0.1\n  port: 0\ndataDir: "
                + data
                + "\nadmin:\n  token: hostile-bodies-token-0123456789\n"
                + "detector:\n  enabled: false\n"
                + "backends:\n  - name: faulty\n    baseUrl: "
                + upstream.baseUrl()
                + "\n    idleTimeout: 30s\n"
                + limit);
    GatewayAssembly assembly = GatewayAssembly.create(gwVx, cfg, Map.of());
    LetheGateway gw = LetheGateway.start(gwVx, assembly.parts()).await(120, TimeUnit.SECONDS);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String url = "http://127.0.0.1:" + gw.port() + "/v1/chat/completions";
    String body = "{\"model\":\"f-huge\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    System.out.printf(
        Locale.ROOT,
        "Lethe hostile upstream bodies: %d answers of %d MiB, %d at a time, maxResponseBytes %s,"
            + " -Xmx %d MiB, %d cores%n",
        count,
        mib,
        concurrency,
        limit.isEmpty()
            ? "default (cfg " + (cfg.backends().get(0).maxResponseBytes() >> 20) + " MiB)"
            : args[3] + " MiB",
        Runtime.getRuntime().maxMemory() >> 20,
        Runtime.getRuntime().availableProcessors());
    // One small request first: classes and pools loaded.
    send(http, url, "{\"model\":\"f-ok\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    double heap0 = heapAfterGc();
    double rss0 = rss("VmRSS");
    AtomicLong peak = new AtomicLong(); // KiB
    Thread sampler =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  while (!Thread.currentThread().isInterrupted()) {
                    peak.accumulateAndGet((long) (rss("VmRSS") * 1024), Math::max);
                    try {
                      Thread.sleep(20);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                });
    long written0 = upstream.bytesWritten.get();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    List<Future<String>> results = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < count; i++) {
      results.add(pool.submit(() -> send(http, url, body)));
    }
    int ok502 = 0;
    for (Future<String> f : results) {
      String r = f.get(10, TimeUnit.MINUTES);
      System.out.println("  " + r);
      if (r.startsWith("502 upstream_response_too_large")) {
        ok502++;
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    pool.shutdown();
    sampler.interrupt();
    sampler.join();
    double heap1 = heapAfterGc();
    double rss1 = rss("VmRSS");
    System.out.printf(
        Locale.ROOT,
        "%d/%d answered 502 upstream_response_too_large in %.1f s; upstream wrote %.1f MiB per"
            + " answer before the reset%n",
        ok502,
        count,
        seconds,
        (upstream.bytesWritten.get() - written0) / (double) count / 1048576.0);
    System.out.printf(
        Locale.ROOT,
        "resident memory: before %.0f MiB, peak during %.0f MiB, after %.0f MiB (peak since start"
            + " %.0f MiB)%n",
        rss0,
        peak.get() / 1024.0,
        rss1,
        rss("VmHWM"));
    System.out.printf(
        Locale.ROOT,
        "heap after GC: before %.1f MiB, after %.1f MiB (%+.1f MiB)%n",
        heap0,
        heap1,
        heap1 - heap0);
    http.shutdownNow();
    gw.stop().await(30, TimeUnit.SECONDS);
    assembly.close();
    upstream.close();
    gwVx.close().await(30, TimeUnit.SECONDS);
    upVx.close().await(30, TimeUnit.SECONDS);
  }

  private static String send(HttpClient http, String url, String body) throws Exception {
    long t = System.nanoTime();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofMinutes(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    String b = r.body();
    int i = b.indexOf("\"code\":\"");
    String code = i < 0 ? "" : b.substring(i + 8, b.indexOf('"', i + 8));
    return String.format(
        Locale.ROOT, "%d %s %.2f s", r.statusCode(), code, (System.nanoTime() - t) / 1e9);
  }

  /** Heap in use after a full collection, in MiB (smallest of three readings). */
  private static double heapAfterGc() throws InterruptedException {
    long min = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
      min = Math.min(min, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return min / 1048576.0;
  }

  /** A memory line of /proc/self/status in MiB (0 where there is none). */
  private static double rss(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (Exception e) {
      // not Linux
    }
    return 0;
  }
}

package dev.lethe.gateway.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.config.rules.RuleSetListener;
import dev.lethe.gateway.audit.AuditLog;
import dev.lethe.gateway.audit.AuditRecord;
import dev.lethe.gateway.audit.AuditVerifier;
import dev.lethe.gateway.testing.FakeOpenAi;
import dev.lethe.gateway.testing.PostgresServer;
import dev.lethe.gateway.testing.Replica;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.io.RandomAccessFile;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Many replicas, one rule set, measured: three gateway replicas (each with its own Vert.x) on
 * loopback sharing one real PostgreSQL server.
 *
 * <ol>
 *   <li>write acknowledged → published on all three replicas (p50/p99), with notifications;
 *   <li>the same with notifications lost (replicas that do not LISTEN: polling alone, 1 s);
 *   <li>requests carrying {@code x-lethe-min-rules-version} judged by an older snapshot (must be 0)
 *       under concurrent writes;
 *   <li>the database killed for {@code outage} seconds under load, then restored: requests served
 *       with an older snapshot than one the same replica served before (must be 0), refusals lost
 *       (must be 0), writes refused meanwhile, and the time until every replica is at the head
 *       again after the restore;
 *   <li>audit append cost on the caller's thread (the request path's share);
 *   <li>{@code lethe audit verify} on {@code records} records, and a single-byte edit detected.
 * </ol>
 *
 * <p>Usage: {@code ./bench cluster [writes=200] [outage=30] [records=1000000]}.
 */
public final class ClusterBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String QUESTION = "What genre does Basil Mahfouz Al-Kuwaiti write in?";

  private ClusterBench() {}

  /** Runs the benchmark and prints a report. */
  public static void main(String[] args) throws Exception {
    int writes = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int outage = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    int records = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
    Path tmp = Files.createTempDirectory("lethe-cluster-bench");
    try (PostgresServer pg = PostgresServer.start()) {
      Vertx upVx = Vertx.vertx();
      FakeOpenAi upstream = FakeOpenAi.start(upVx);
      System.out.println("PostgreSQL on 127.0.0.1:" + pg.port() + "; 3 replicas per phase");

      pg.createDatabase("notify");
      List<Replica> rs = replicas(tmp.resolve("n"), pg.url("notify"), upstream, "");
      propagation("1. write ack → enforced on all 3 (NOTIFY)", rs, writes);
      readYourWrites(rs, Math.max(50, writes / 2));
      outage(pg, rs, outage);
      for (Replica r : rs) {
        r.close();
      }

      pg.createDatabase("poll");
      List<Replica> polling =
          replicas(
              tmp.resolve("p"), pg.url("poll"), upstream, "  listen: false\n  pollInterval: 1s\n");
      propagation(
          "2. write ack → enforced on all 3 (NOTIFY lost: no LISTEN, polling every 1 s)",
          polling,
          Math.max(20, writes / 10));
      for (Replica r : polling) {
        r.close();
      }
      upstream.close();
      upVx.close().await(30, TimeUnit.SECONDS);
    }
    try {
      audit(tmp.resolve("audit"), records);
    } finally {
      try (var files = Files.walk(tmp)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.exit(0);
  }

  private static List<Replica> replicas(Path dir, String url, FakeOpenAi upstream, String extra)
      throws Exception {
    List<Replica> out = new ArrayList<>();
    for (String id : List.of("a", "b", "c")) {
      out.add(
          Replica.start(
              dir.resolve(id),
              id,
              upstream.baseUrl(),
              "  url: " + url + "\n  heartbeatInterval: 1s\n" + extra));
    }
    return out;
  }

  private static String rule(String id, String subject) {
    return "{\"id\":\""
        + id
        + "\",\"description\":\"bench\",\"subjects\":[\""
        + subject
        + "\"],\"action\":\"refuse\"}";
  }

  private static void propagation(String title, List<Replica> rs, int writes) throws Exception {
    // Publication time of each version on each replica, by a listener on its book.
    List<Map<Long, Long>> published = new ArrayList<>();
    List<AutoCloseable> handles = new ArrayList<>();
    for (Replica r : rs) {
      Map<Long, Long> m = new ConcurrentHashMap<>();
      published.add(m);
      handles.add(
          r.assembly
              .rules()
              .addListener(
                  new RuleSetListener() {
                    @Override
                    public void published(RuleSet current) {
                      m.putIfAbsent(current.version(), System.nanoTime());
                    }
                  }));
    }
    long[] lat = new long[writes];
    long[] fromSend = new long[writes];
    for (int i = 0; i < writes; i++) {
      Replica via = rs.get(i % rs.size());
      long sent = System.nanoTime();
      HttpResponse<String> w =
          via.send(
              "POST", "/admin/rules", rule("bench-" + title.charAt(0) + "-" + i, "Person " + i));
      long ack = System.nanoTime();
      if (w.statusCode() != 201) {
        throw new IllegalStateException("write failed: " + w.statusCode() + " " + w.body());
      }
      long v = JSON.readTree(w.body()).get("version").asLong();
      long deadline = ack + TimeUnit.SECONDS.toNanos(10);
      long last = ack;
      for (Map<Long, Long> m : published) {
        Long t;
        while ((t = m.get(v)) == null && System.nanoTime() < deadline) {
          Thread.sleep(0, 200_000);
        }
        if (t == null) {
          throw new IllegalStateException("version " + v + " not enforced within 10 s");
        }
        last = Math.max(last, t);
      }
      lat[i] = last - ack;
      fromSend[i] = last - sent;
      Thread.sleep(ThreadLocalRandom.current().nextInt(5, 30));
    }
    for (AutoCloseable h : handles) {
      h.close();
    }
    Arrays.sort(lat);
    Arrays.sort(fromSend);
    long zero = Arrays.stream(lat).filter(x -> x == 0).count();
    System.out.printf(
        "%s: %d writes; after the ack: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d already enforced"
            + " everywhere when the ack arrived); from sending the write: p50 %.1f ms, p99 %.1f ms%n",
        title,
        writes,
        ms(lat[writes / 2]),
        ms(lat[(int) Math.min(writes - 1, writes * 0.99)]),
        ms(lat[writes - 1]),
        zero,
        ms(fromSend[writes / 2]),
        ms(fromSend[(int) Math.min(writes - 1, writes * 0.99)]));
  }

  private static double ms(long nanos) {
    return nanos / 1e6;
  }

  private static void readYourWrites(List<Replica> rs, int writes) throws Exception {
    AtomicLong acked = new AtomicLong(rs.get(0).version());
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong judged = new AtomicLong();
    AtomicLong violations = new AtomicLong();
    AtomicLong unavailable = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(6);
    List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      int k = t;
      fs.add(
          pool.submit(
              () -> {
                int i = 0;
                while (!stop.get()) {
                  Replica r = rs.get((k + i++) % rs.size());
                  long n = acked.get();
                  try {
                    HttpResponse<String> resp =
                        r.chat(QUESTION, "x-lethe-min-rules-version", Long.toString(n));
                    if (resp.statusCode() == 503) {
                      unavailable.incrementAndGet();
                    } else {
                      judged.incrementAndGet();
                      long v =
                          Long.parseLong(
                              resp.headers().firstValue("x-lethe-rules-version").orElse("-1"));
                      if (v < n) {
                        violations.incrementAndGet();
                      }
                    }
                  } catch (Exception e) {
                    unavailable.incrementAndGet();
                  }
                }
                return null;
              }));
    }
    for (int i = 0; i < writes; i++) {
      HttpResponse<String> w =
          rs.get(i % rs.size()).send("POST", "/admin/rules", rule("ryw-" + i, "Reader " + i));
      long v = JSON.readTree(w.body()).get("version").asLong();
      acked.accumulateAndGet(v, Math::max);
      Thread.sleep(20);
    }
    stop.set(true);
    for (var f : fs) {
      f.get();
    }
    pool.shutdown();
    System.out.printf(
        "3. x-lethe-min-rules-version under %d concurrent writes: %d requests judged, %d judged by"
            + " an older snapshot (violations), %d answered 503%n",
        writes, judged.get(), violations.get(), unavailable.get());
  }

  private static void outage(PostgresServer pg, List<Replica> rs, int seconds) throws Exception {
    rs.get(0).send("POST", "/admin/rules", rule("basil", "Basil Mahfouz Al-Kuwaiti"));
    long head = rs.get(0).version();
    for (Replica r : rs) {
      while (r.version() < head) {
        Thread.sleep(5);
      }
    }
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLongArray maxSeen = new AtomicLongArray(rs.size());
    AtomicLong served = new AtomicLong();
    AtomicLong older = new AtomicLong();
    AtomicLong notRefused = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(rs.size());
    List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
    for (int k = 0; k < rs.size(); k++) {
      int idx = k;
      fs.add(
          pool.submit(
              () -> {
                Replica r = rs.get(idx);
                while (!stop.get()) {
                  try {
                    HttpResponse<String> resp = r.chat(QUESTION);
                    if (resp.statusCode() != 200) {
                      errors.incrementAndGet();
                      continue;
                    }
                    served.incrementAndGet();
                    long v =
                        Long.parseLong(resp.headers().firstValue("x-lethe-rules-version").get());
                    long before = maxSeen.getAndAccumulate(idx, v, Math::max);
                    if (v < before) {
                      older.incrementAndGet();
                    }
                    if (!"refuse"
                        .equals(resp.headers().firstValue("x-lethe-decision").orElse(""))) {
                      notRefused.incrementAndGet();
                    }
                  } catch (Exception e) {
                    errors.incrementAndGet();
                  }
                }
                return null;
              }));
    }
    Thread.sleep(2000);
    pg.kill();
    long killedAt = System.nanoTime();
    int writeFailures = 0;
    long writeFailMaxNanos = 0;
    String ready = "";
    while (System.nanoTime() - killedAt < TimeUnit.SECONDS.toNanos(seconds)) {
      long t0 = System.nanoTime();
      HttpResponse<String> w = rs.get(1).send("POST", "/admin/rules", rule("during", "X"));
      writeFailMaxNanos = Math.max(writeFailMaxNanos, System.nanoTime() - t0);
      if (w.statusCode() == 503) {
        writeFailures++;
      }
      ready = rs.get(2).send("GET", "/ready", null).body();
      Thread.sleep(1000);
    }
    pg.startServer();
    long restored = System.nanoTime();
    // Every replica back at the head: the write made first after the restore is applied by all.
    HttpResponse<String> w;
    while ((w = rs.get(0).send("POST", "/admin/rules", rule("after-restore", "Y"))).statusCode()
        != 201) {
      Thread.sleep(10);
    }
    long v = JSON.readTree(w.body()).get("version").asLong();
    for (Replica r : rs) {
      while (r.version() < v && System.nanoTime() - restored < TimeUnit.SECONDS.toNanos(30)) {
        Thread.sleep(2);
      }
    }
    long caughtUp = System.nanoTime() - restored;
    Thread.sleep(1000);
    stop.set(true);
    for (var f : fs) {
      f.get();
    }
    pool.shutdown();
    System.out.printf(
        "4. database killed %d s under load: %d requests served, %d with an older snapshot than"
            + " the replica served before, %d not refused (rule lost), %d errors; writes during the"
            + " outage: %d answered 503 (slowest %.0f ms); /ready during the outage: %s; all 3"
            + " replicas at the head %.0f ms after the restore (first write accepted, then applied"
            + " everywhere)%n",
        seconds,
        served.get(),
        older.get(),
        notRefused.get(),
        errors.get(),
        writeFailures,
        ms(writeFailMaxNanos),
        ready,
        ms(caughtUp));
  }

  private static void audit(Path dir, int records) throws Exception {
    byte[] key = new byte[32];
    byte[] prompt =
        ("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"" + QUESTION + "\"}]}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (AuditLog log =
        AuditLog.open(dir, key, 64L << 20, 1 << 17, Clock.systemUTC(), new SimpleMeterRegistry())) {
      int n = 200_000;
      long[] cost = new long[n];
      java.util.concurrent.CompletableFuture<Long> last = null;
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        last = log.decision("chatcmpl-" + i, "basil", "refuse", false, 7, prompt);
        cost[i] = System.nanoTime() - t0;
        if ((i & 1023) == 0) {
          last.get();
        }
      }
      last.get();
      Arrays.sort(cost);
      System.out.printf(
          "5. audit append on the request's thread: p50 %.2f µs, p99 %.2f µs (%d decisions;"
              + " hashing, HMAC, write and fsync on the writer thread)%n",
          cost[n / 2] / 1e3, cost[(int) (n * 0.99)] / 1e3, n);
      long t0 = System.nanoTime();
      for (int i = n; i < records; i++) {
        last = log.decision("chatcmpl-" + i, null, "pass", false, 7, prompt);
        if ((i & 4095) == 0) {
          last.get();
        }
      }
      last.get();
      if (records > n) {
        System.out.printf(
            "   writer throughput: %.0f records/s%n",
            (records - n) / ((System.nanoTime() - t0) / 1e9));
      }
      log.append(new AuditRecord.RuleChange("admin", "create", List.of("basil"), 8)).get();
    }
    long t0 = System.nanoTime();
    AuditVerifier.Result r = AuditVerifier.verify(dir);
    double secs = (System.nanoTime() - t0) / 1e9;
    long bytes = 0;
    for (Path p : Files.list(dir).toList()) {
      bytes += Files.size(p);
    }
    System.out.printf(
        "6. audit verify: %d records (%d MiB) %s in %.2f s%n",
        r.records(), bytes >> 20, r.intact() ? "intact" : "BROKEN " + r.firstBad(), secs);
    Path f = Files.list(dir).sorted().toList().get(0);
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      long pos = raf.length() / 2;
      raf.seek(pos);
      int b = raf.read();
      raf.seek(pos);
      raf.write(b == '7' ? '8' : (b == 'a' ? 'b' : (b ^ 0x01)));
    }
    AuditVerifier.Result bad = AuditVerifier.verify(dir);
    System.out.println(
        "   after a single-byte edit in the middle of "
            + f.getFileName()
            + ": "
            + (bad.intact() ? "NOT DETECTED" : "detected: " + bad.firstBad()));
  }
}

package dev.lethe.gateway.audit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The audit writer's CPU per record at a fixed arrival rate of decisions, for several group-commit
 * windows, in one run (windows alternate within each round): the writer thread's CPU time (user and
 * system, so the {@code fsync}s' kernel work counts) over the records, and how many records one
 * {@code fsync} covered. The log is in a temporary directory on the default file system.
 *
 * <p>{@code ./bench audit-writer [ratePerSecond=3000] [seconds=6] [windowsMs=0,2,5] [rounds=2]}
 */
public final class AuditWriterBench {
  private AuditWriterBench() {}

  /** Runs the benchmark; prints one line per round and window. */
  public static void main(String[] args) throws Exception {
    int rate = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    String[] windows = (args.length > 2 ? args[2] : "0,2,5").split(",");
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    byte[] body =
        ("{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"What is the capital of France? Tell me more about it.\"}]}")
            .getBytes(StandardCharsets.UTF_8);
    Path dir = Files.createTempDirectory("lethe-audit-bench");
    System.out.printf(
        Locale.ROOT,
        "Audit writer, %d decisions/s for %d s per window, %d cores, load average %s%n",
        rate,
        seconds,
        Runtime.getRuntime().availableProcessors(),
        String.join(
            " ",
            java.util.Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3)));
    for (int round = 0; round < rounds; round++) {
      for (String w : windows) {
        long windowMs = Long.parseLong(w.trim());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AuditLog log =
            AuditLog.open(
                dir.resolve("r" + round + "-w" + windowMs),
                new byte[32],
                64L << 20,
                1 << 16,
                Clock.systemUTC(),
                meters,
                TimeUnit.MILLISECONDS.toNanos(windowMs));
        Thread writer =
            Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("lethe-audit") && t.isAlive())
                .max((a, b) -> Long.compare(a.threadId(), b.threadId()))
                .orElseThrow();
        long cpu0 = threads.getThreadCpuTime(writer.threadId());
        long n = (long) rate * seconds;
        long t0 = System.nanoTime();
        CompletableFuture<Long> last = null;
        for (long i = 0; i < n; i++) {
          long due = t0 + i * 1_000_000_000L / rate;
          while (System.nanoTime() < due) {
            LockSupport.parkNanos(100_000);
          }
          last = log.decision("chatcmpl-" + i, "req-" + i, null, "pass", false, 3, body);
        }
        last.get(30, TimeUnit.SECONDS);
        long cpu = threads.getThreadCpuTime(writer.threadId()) - cpu0;
        long fsyncs = meters.get("lethe.audit.fsync").timer().count();
        log.close();
        System.out.printf(
            Locale.ROOT,
            "round %d, window %d ms: writer CPU %.1f us per record, %d fsyncs (%.1f records each)%n",
            round,
            windowMs,
            cpu / 1e3 / n,
            fsyncs,
            (double) n / fsyncs);
      }
    }
  }
}

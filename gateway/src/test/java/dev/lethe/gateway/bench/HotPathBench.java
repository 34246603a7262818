package dev.lethe.gateway.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.OnError;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.Exchange;
import dev.lethe.filters.detect.Cascade;
import dev.lethe.filters.detect.DecisionModel;
import dev.lethe.filters.detect.DetectorIndexBuilder;
import dev.lethe.filters.detect.HybridDetector;
import dev.lethe.filters.detect.ScopeClassifier;
import dev.lethe.filters.input.DetectorIndexes;
import dev.lethe.filters.input.InputStage;
import dev.lethe.gateway.Screening;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The input side of one repeated request, piece by piece, in one JVM: what the full judgement of a
 * repeated prompt costs under N rules (the per-segment detection cache warm), what the judgement
 * memo's key and lookup cost on a hit (for conversations of several sizes), and what the hop from
 * an event loop to a worker thread and back costs, which a remembered verdict saves.
 *
 * <p>Each figure is the median over 7 batches of the calling thread's CPU time per operation, after
 * a warm-up (the hop, which spans threads: wall-clock time). Rules are made like the external
 * benchmark's ({@code rulesNdjson} in {@code gateway/src/test/load/common.js}: a two-word name, two
 * example questions, refuse); the prompt is its repeated one.
 *
 * <p>Usage: {@code ./bench hot-path [rules=1000]}
 */
public final class HotPathBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] SYLLABLES = {
    "ka", "lo", "mir", "ve", "dan", "sul", "ori", "ben", "tas", "gre", "nu", "pel", "rak", "iso",
    "fen", "har"
  };

  private HotPathBench() {}

  public static void main(String[] args) throws Exception {
    int ruleCount = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    var embedder = Screening.sharedEmbedder();
    Cascade cascade = new Cascade(Screening.sharedTable(), Cascade.Config.defaults());
    try (DetectorIndexBuilder builder =
        new DetectorIndexBuilder(embedder, DetectorIndexBuilder.defaultNegativePool())) {
      DetectorIndexes indexes = new DetectorIndexes(builder);
      RuleSet rules = new RuleSet(1, rules(ruleCount));
      long t0 = System.nanoTime();
      indexes.prepare(rules);
      System.out.printf(
          Locale.ROOT,
          "index of %d rules built in %.1f s%n",
          ruleCount,
          (System.nanoTime() - t0) / 1e9);
      SimpleMeterRegistry counted = new SimpleMeterRegistry();
      InputStage memoised = stage(indexes, cascade, embedder, 16L << 20, counted);
      InputStage full = stage(indexes, cascade, embedder, 0, new SimpleMeterRegistry());
      InputStage none = stage(indexes, cascade, embedder, 16L << 20, new SimpleMeterRegistry());

      ObjectNode repeated = request("Say hello in one sentence.", 1);
      // the memo holds the repeated prompt's judgement; the detection cache its segments
      memoised.onRequest(exchange(rules, repeated));
      full.onRequest(exchange(rules, repeated));

      System.out.println();
      System.out.println("| step, repeated prompt, " + ruleCount + " rules | µs per request |");
      System.out.println("|---|---|");
      row(
          "full judgement (memo off: scan, expand, segment, cached detections)",
          () -> full.onRequest(exchange(rules, repeated)));
      row(
          "memo hit: decidesWithoutBlocking (key + lookup) then onRequest",
          () -> {
            Exchange ex = exchange(rules, repeated);
            memoised.decidesWithoutBlocking(ex);
            return memoised.onRequest(ex);
          });
      row(
          "no rules: onRequest (the scan-limit walk)",
          () -> none.onRequest(exchange(RuleSet.empty(), repeated)));
      for (int kib : new int[] {1, 8, 60}) {
        ObjectNode big = request("Say hello in one sentence. ", kib * 1024 / 27);
        memoised.onRequest(exchange(rules, big));
        double hits = memo(counted, "hit");
        double misses = memo(counted, "miss");
        row(
            "memo hit (key + lookup + onRequest), " + kib + " KiB of message text",
            () -> memoised.onRequest(exchange(rules, big)));
        if (memo(counted, "miss") != misses || memo(counted, "hit") == hits) {
          System.out.println(
              "(that row was not answered from the memo: its judgement is not kept)");
        }
      }
      Vertx vertx = Vertx.vertx();
      try {
        int chained = 1000;
        row(
            "hop: event loop → worker → event loop (executeBlocking round trip, wall clock), × "
                + chained,
            hops(vertx, chained),
            System::nanoTime);
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }

  private static double memo(SimpleMeterRegistry registry, String result) {
    return registry.find("lethe.input.memo").tag("result", result).functionCounter().count();
  }

  private static InputStage stage(
      DetectorIndexes indexes,
      Cascade cascade,
      dev.lethe.filters.detect.Embedder e,
      long memo,
      SimpleMeterRegistry registry) {
    return new InputStage(
        new ScopeClassifier(
            new HybridDetector(e),
            DecisionModel.defaults(),
            ScopeClassifier.Config.defaults(),
            cascade),
        indexes,
        (ex, r, c) -> Optional.empty(),
        InputStage.Config.defaults(),
        registry,
        memo);
  }

  /**
   * The external benchmark's request: a system prompt and {@code repeat} copies of the prompt in
   * turns.
   */
  private static ObjectNode request(String prompt, int repeat) {
    ObjectNode req = JSON.createObjectNode().put("model", "gpt-test").put("stream", false);
    var messages = req.putArray("messages");
    messages.addObject().put("role", "system").put("content", "You are terse.");
    for (int i = 0; i < repeat; i++) {
      messages.addObject().put("role", i % 2 == 0 ? "user" : "assistant").put("content", prompt);
    }
    if (repeat % 2 == 0) {
      messages.addObject().put("role", "user").put("content", prompt);
    }
    return req;
  }

  private static final java.util.Map<ObjectNode, byte[]> BODIES = new java.util.IdentityHashMap<>();

  /** A new exchange over {@code request} (its body bytes serialised once per request). */
  private static Exchange exchange(RuleSet rules, ObjectNode request) {
    byte[] body =
        BODIES.computeIfAbsent(request, r -> r.toString().getBytes(StandardCharsets.UTF_8));
    return new Exchange("bench", rules, body, request);
  }

  private static List<ForgetRule> rules(int n) {
    Random r = new Random(7);
    List<ForgetRule> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String name = word(r, 2) + " " + word(r, 3);
      out.add(
          new ForgetRule(
              "bench-" + i,
              "Forget " + name,
              List.of(name),
              List.of("Where was " + name + " born?", "What books did " + name + " write?"),
              List.of(),
              List.of(),
              Action.REFUSE,
              null,
              OnError.OPEN));
    }
    return out;
  }

  private static String word(Random r, int syllables) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < syllables; i++) {
      sb.append(SYLLABLES[r.nextInt(SYLLABLES.length)]);
    }
    return Character.toUpperCase(sb.charAt(0)) + sb.substring(1);
  }

  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  /**
   * Prints the median CPU time of the calling thread per call of {@code op} over 7 timed batches,
   * after a warm-up: on a machine shared with other work, wall-clock time would count the waits for
   * a core.
   */
  private static void row(String name, Supplier<?> op) throws Exception {
    row(name, op, THREADS::getCurrentThreadCpuTime);
  }

  /** As {@link #row(String, Supplier)}, timed by {@code clock} (nanoseconds). */
  private static void row(String name, Supplier<?> op, java.util.function.LongSupplier clock)
      throws Exception {
    Object sink = null;
    long deadline = System.nanoTime() + 3_000_000_000L;
    int calls = 0;
    while (System.nanoTime() < deadline) {
      sink = op.get();
      calls++;
    }
    int batch = Math.max(100, calls / 6);
    double[] perOp = new double[7];
    for (int b = 0; b < perOp.length; b++) {
      long start = clock.getAsLong();
      for (int i = 0; i < batch; i++) {
        sink = op.get();
      }
      perOp[b] = (clock.getAsLong() - start) / 1e3 / batch;
    }
    Arrays.sort(perOp);
    System.out.printf(Locale.ROOT, "| %s | %.2f |%n", name, perOp[perOp.length / 2]);
    if (sink == null) {
      System.out.println("(no result)");
    }
  }

  /**
   * {@code batch} executeBlocking round trips chained on an event loop (each started from the
   * previous one's completion, as the guard's hop is made), as one operation of the row.
   */
  private static Supplier<Object> hops(Vertx vertx, int batch) {
    var ctx = vertx.getOrCreateContext();
    return () -> {
      Promise<Object> done = Promise.promise();
      ctx.runOnContext(v -> chain(vertx, batch, done));
      try {
        return done.future().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
  }

  private static void chain(Vertx vertx, int left, Promise<Object> done) {
    if (left == 0) {
      done.complete(Boolean.TRUE);
      return;
    }
    vertx.executeBlocking(() -> Boolean.TRUE, false).onComplete(ar -> chain(vertx, left - 1, done));
  }
}

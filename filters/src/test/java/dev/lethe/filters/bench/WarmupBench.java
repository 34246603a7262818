package dev.lethe.filters.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.detect.CachingEmbedder;
import dev.lethe.filters.detect.Cascade;
import dev.lethe.filters.detect.DecisionModel;
import dev.lethe.filters.detect.DetectorIndexBuilder;
import dev.lethe.filters.detect.HybridDetector;
import dev.lethe.filters.detect.MiniLmEmbedder;
import dev.lethe.filters.detect.ScopeClassifier;
import dev.lethe.filters.input.DetectorIndexes;
import dev.lethe.filters.input.IculComposer;
import dev.lethe.filters.input.InputStage;
import dev.lethe.filters.input.ScreeningWarmup;
import dev.lethe.filters.testing.HostilePayload;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Random;

/**
 * What the startup warm-up ({@link ScreeningWarmup}) buys, in a fresh process: the screening is
 * wired as the gateway wires it (1,000 synthetic rules, real MiniLM, the cascade, the input stage's
 * defaults with the 1 s budget), judges 30 short prompts (ordinary traffic), then warms up or not,
 * then judges the first {@code payloads} hostile payloads of {@link SpeedBench} (the benchmark's
 * generator and seeds, not the warm-up's) — each as it is and with one rule's question hidden at a
 * third — printing per payload the wall time, the judging thread's CPU, the JIT's compilation time
 * and the collectors' time, and at the end how full the JIT's code cache is. One process measures
 * one start; run it several times, alternating {@code on} and {@code off}: {@code ./bench warmup
 * on|off [payloads=6] [boundSeconds=30]}.
 */
public final class WarmupBench {
  private WarmupBench() {}

  public static void main(String[] args) throws Exception {
    boolean on = args.length < 1 || !args[0].equals("off");
    int payloads = args.length > 1 ? Integer.parseInt(args[1]) : 6;
    Duration bound = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 30);
    var threads = ManagementFactory.getThreadMXBean();
    try (CachingEmbedder embedder = new CachingEmbedder(MiniLmEmbedder.load(), 200_000);
        DetectorIndexBuilder builder =
            new DetectorIndexBuilder(embedder, DetectorIndexBuilder.defaultNegativePool())) {
      RuleSet rules = new RuleSet(1, SyntheticRules.rules(1000, 5, 1));
      DetectorIndexes indexes = new DetectorIndexes(builder);
      long t0 = System.nanoTime();
      indexes.prepare(rules);
      double indexSeconds = (System.nanoTime() - t0) / 1e9;
      Cascade cascade = BenchCascade.get();
      cascade.score(rules, "warm");
      ScopeClassifier c =
          new ScopeClassifier(
              new HybridDetector(embedder),
              DecisionModel.defaults(),
              ScopeClassifier.Config.defaults(),
              cascade);
      InputStage stage =
          new InputStage(
              c,
              indexes,
              IculComposer.refusing(),
              InputStage.Config.defaults(),
              new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
      Random r = new Random(11);
      for (int i = 0; i < 30; i++) {
        stage.judge(rules, request(SyntheticRules.prompt(r) + " w" + i), "warm");
      }
      System.out.printf(
          "start: index of 1,000 rules %.1f s; warm-up %s; load average %.2f%n",
          indexSeconds,
          on ? "on (bound " + bound.toSeconds() + " s)" : "off",
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      if (on) {
        ScreeningWarmup.Report w =
            new ScreeningWarmup(
                    embedder,
                    () ->
                        new Cascade(
                            dev.lethe.filters.detect.StaticEmbedding.load(), cascade.config()),
                    c.model(),
                    stage.config(),
                    System::nanoTime,
                    () -> rules,
                    indexes)
                .run(bound, () -> false);
        System.out.printf(
            "warm-up: %s, %d of %d requests, %,d chars, %.1f s wall, %.1f s process CPU, %.1f s"
                + " JIT compilation%n",
            w.outcome(),
            w.judged(),
            w.requests(),
            w.chars(),
            w.elapsed().toNanos() / 1e9,
            w.processCpu().toNanos() / 1e9,
            w.compilation().toNanos() / 1e9);
      }
      String inScope = rules.rules().get(7).examples().get(0);
      for (int i = 0; i < payloads; i++) {
        String p = HostilePayload.of(new Random(100 + i), 1_000_000);
        for (int k = 0; k < 2; k++) {
          String text = p;
          if (k == 1) {
            int at = p.length() / 3 + i * 7919;
            text = p.substring(0, at) + "\n" + inScope + "\n" + p.substring(at);
          }
          ObjectNode req = request(text);
          long gc0 = gcMillis();
          long jit0 = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
          long cpu0 = threads.getCurrentThreadCpuTime();
          long t = System.nanoTime();
          var j = stage.judge(rules, req, "bench");
          long wall = System.nanoTime() - t;
          System.out.printf(
              "payload %d%s: %.0f ms wall, %.0f ms thread CPU, jit %d ms, gc %d ms, %s%s%n",
              i + 1,
              k == 0 ? "  " : "+q",
              wall / 1e6,
              (threads.getCurrentThreadCpuTime() - cpu0) / 1e6,
              ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jit0,
              gcMillis() - gc0,
              j.decision().wireName(),
              j.classification() != null && !j.classification().complete() ? "/budget" : "");
        }
      }
      StringBuilder code = new StringBuilder();
      for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getName().startsWith("CodeHeap")) {
          code.append(
              String.format(
                  "; %s %.1f of %.1f MiB",
                  pool.getName(),
                  pool.getUsage().getUsed() / 1048576.0,
                  pool.getUsage().getMax() / 1048576.0));
        }
      }
      System.out.printf(
          "end: load average %.2f%s%n",
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), code);
    }
  }

  private static long gcMillis() {
    long ms = 0;
    for (var b : ManagementFactory.getGarbageCollectorMXBeans()) {
      ms += Math.max(0, b.getCollectionTime());
    }
    return ms;
  }

  private static ObjectNode request(String text) {
    ObjectNode req = JsonNodeFactory.instance.objectNode();
    req.putArray("messages").addObject().put("role", "user").put("content", text);
    return req;
  }
}

package dev.lethe.filters.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.detect.CachingEmbedder;
import dev.lethe.filters.detect.DecisionModel;
import dev.lethe.filters.detect.DetectorIndexBuilder;
import dev.lethe.filters.detect.HybridDetector;
import dev.lethe.filters.detect.MiniLmEmbedder;
import dev.lethe.filters.detect.ScanText;
import dev.lethe.filters.detect.ScopeClassifier;
import dev.lethe.filters.input.DetectorIndexes;
import dev.lethe.filters.input.IculComposer;
import dev.lethe.filters.input.InputStage;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Where a long or hostile prompt's screening time goes, and what it decides: scanning (normalising,
 * decoding, cutting) against judging, thread CPU of each, and the spans decided by the cascade's
 * cheap stage and by the model; for the 1 MB hostile payload of {@link SpeedBench} both as it is
 * and with an in-scope question hidden in it (which must be refused, by the detector rather than by
 * a fail mode). 1,000 synthetic rules, real MiniLM, the default 1 s budget ({@code
 * -Dlethe.bench.budgetMs=N} sets it, 0 lifts it, as in {@link SpeedBench}); {@code prose} judges
 * 8,000-character TOFU prose prompts and prints how much text went to the model. Run: {@code ./mvnw
 * -B -pl config,probes,filters -am verify -Dlethe.test.excludedGroups=gpu -Dlethe.test.groups=bench
 * -Dtest=LongTextProbe -Dsurefire.failIfNoSpecifiedTests=false [-Dlethe.probe.rounds=5]
 * [-Dlethe.probe.what=hostile,long,prose,segments] [-Dlethe.probe.texts=true]
 * [-Dlethe.bench.warmup=false]}; the gateway's startup warm-up runs first unless turned off.
 */
@Tag("bench")
public class LongTextProbe {
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  public static void main(String[] args) throws Exception {
    new LongTextProbe().probe();
  }

  @Test
  void probe() throws Exception {
    int rounds = Integer.getInteger("lethe.probe.rounds", 5);
    String what = System.getProperty("lethe.probe.what", "hostile,long,prose");
    try (CachingEmbedder embedder = new CachingEmbedder(MiniLmEmbedder.load(), 200_000);
        DetectorIndexBuilder builder =
            new DetectorIndexBuilder(embedder, DetectorIndexBuilder.defaultNegativePool())) {
      RuleSet rules = new RuleSet(1, SyntheticRules.rules(1000, 5, 1));
      DetectorIndexes indexes = new DetectorIndexes(builder);
      long t0 = System.nanoTime();
      indexes.prepare(rules);
      System.out.printf("index %.1f s%n", (System.nanoTime() - t0) / 1e9);
      var cascade = BenchCascade.get();
      Logged logged = new Logged(new HybridDetector(embedder));
      ScopeClassifier c =
          new ScopeClassifier(
              logged, DecisionModel.defaults(), ScopeClassifier.Config.defaults(), cascade);
      cascade.score(rules, "warm");
      InputStage stage =
          new InputStage(
              c,
              indexes,
              IculComposer.refusing(),
              SpeedBench.stageConfig(),
              new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
      System.out.println(SpeedBench.productWarmup(embedder, rules, indexes));
      Random r = new Random(11);
      for (int i = 0; i < 30; i++) {
        judge(stage, rules, SyntheticRules.prompt(r) + " w" + i);
      }
      String inScope = rules.rules().get(7).examples().get(0);
      List<String> prose = SpeedBench.proseSentences(new Random(12));
      for (int round = 0; round < rounds; round++) {
        if (what.contains("hostile")) {
          String p = SpeedBench.hostilePayload(new Random(100 + round), 1_000_000);
          run(stage, rules, c, "hostile", p);
          int at = p.length() / 3 + round * 7919;
          logged.sent.clear();
          logged.calls.set(0);
          run(
              stage,
              rules,
              c,
              "hostile+q",
              p.substring(0, at) + "\n" + inScope + "\n" + p.substring(at));
          sent(logged);
        }
        if (what.contains("prose")) {
          String p = SpeedBench.prosePrompt(r, prose, 8000);
          logged.sent.clear();
          logged.calls.set(0);
          run(stage, rules, c, "prose8k", p);
          sent(logged);
          if (what.contains("segments")) {
            segments(stage, rules, cascade, logged, p);
          }
        }
        if (what.contains("long")) {
          run(stage, rules, c, "filler8k", SpeedBench.longPrompt(r, 8000, round));
        }
      }
    }
  }

  private static void run(
      InputStage stage, RuleSet rules, ScopeClassifier c, String name, String p) {
    ObjectNode req = request(p);
    long gc0 = gcMillis(); // scanning and judging both
    long jit0 = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
    long cpu0 = CPU.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    List<ScanText> texts = stage.scanner().scan(req);
    long scanNs = System.nanoTime() - t0;
    long scanCpu = CPU.getCurrentThreadCpuTime() - cpu0;
    int segs = 0;
    long chars = 0;
    for (ScanText t : texts) {
      segs += t.segments().size();
      chars += t.text().length();
    }
    long cheap = c.spansDecidedCheaply();
    long model = c.spansSentToModel();
    long gated = c.windowsGated();
    cpu0 = CPU.getCurrentThreadCpuTime();
    t0 = System.nanoTime();
    var j = stage.judge(rules, req, "probe");
    long judgeNs = System.nanoTime() - t0;
    long judgeCpu = CPU.getCurrentThreadCpuTime() - cpu0;
    long gc = gcMillis() - gc0;
    long jit = ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jit0;
    System.out.printf(
        "%-10s scan %.0f ms (cpu %.0f) texts=%d chars=%d segs=%d | judge %.0f ms (cpu %.0f)"
            + " decision=%s complete=%s fallback=%s cheap=%d model=%d windows gated=%d | gc %d ms, jit %d ms%n",
        name,
        scanNs / 1e6,
        scanCpu / 1e6,
        texts.size(),
        chars,
        segs,
        judgeNs / 1e6,
        judgeCpu / 1e6,
        j.decision().wireName(),
        j.classification() == null ? "-" : j.classification().complete(),
        j.fallback(),
        c.spansDecidedCheaply() - cheap,
        c.spansSentToModel() - model,
        c.windowsGated() - gated,
        gc,
        jit);
  }

  /**
   * How much text the last judgement sent to the model; each text too with {@code
   * -Dlethe.probe.texts=true}.
   */
  private static void sent(Logged logged) {
    int chars = 0;
    for (String s : logged.sent) {
      chars += s.length();
    }
    System.out.printf(
        "  sent to the model: %d texts, %d chars, %d calls%n",
        logged.sent.size(), chars, logged.calls.getAndSet(0));
    if (Boolean.getBoolean("lethe.probe.texts")) {
      for (String s : logged.sent) {
        System.out.printf(
            "    [%d] %s%n", s.length(), s.length() > 160 ? s.substring(0, 160) + "…" : s);
      }
    }
  }

  /** Collection time of every collector so far (pauses and concurrent work), in milliseconds. */
  private static long gcMillis() {
    long ms = 0;
    for (var b : ManagementFactory.getGarbageCollectorMXBeans()) {
      ms += Math.max(0, b.getCollectionTime());
    }
    return ms;
  }

  /**
   * Each segment of {@code p} in every form: kind, transforms, length, cheap score, and whether the
   * model was asked for it in the last judgement ({@code -Dlethe.probe.what=prose,segments}).
   */
  private static void segments(
      InputStage stage,
      RuleSet rules,
      dev.lethe.filters.detect.Cascade cascade,
      Logged logged,
      String p) {
    for (ScanText t : stage.scanner().scan(request(p))) {
      for (dev.lethe.filters.detect.Segment s : t.segments()) {
        System.out.printf(
            "  %-9s %-28s %5d..%5d len=%4d cheap=%.3f model=%s%s%n",
            s.kind(),
            t.transforms(),
            s.start(),
            s.end(),
            s.text().length(),
            cascade.score(rules, s.text()),
            logged.sent.contains(s.text()) ? "yes" : "-",
            t.decoded() && s.text().length() <= 80 ? " | " + s.text() : "");
      }
    }
  }

  /** A detector that remembers the texts the model was asked for. */
  private static final class Logged implements dev.lethe.filters.detect.Detector {
    final dev.lethe.filters.detect.Detector inner;
    final java.util.Set<String> sent = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();

    Logged(dev.lethe.filters.detect.Detector inner) {
      this.inner = inner;
    }

    @Override
    public dev.lethe.filters.detect.Detection detect(
        dev.lethe.filters.detect.DetectorIndex index, String text) {
      sent.add(text);
      calls.incrementAndGet();
      return inner.detect(index, text);
    }

    @Override
    public void prefetch(List<String> texts) {
      inner.prefetch(texts);
    }
  }

  private static ObjectNode request(String text) {
    ObjectNode req = JsonNodeFactory.instance.objectNode();
    req.putArray("messages").addObject().put("role", "user").put("content", text);
    return req;
  }

  private static void judge(InputStage stage, RuleSet rules, String text) {
    stage.judge(rules, request(text), "warm");
  }
}

package dev.lethe.filters.bench;

import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.detect.CachingEmbedder;
import dev.lethe.filters.detect.DecisionModel;
import dev.lethe.filters.detect.DetectorIndex;
import dev.lethe.filters.detect.DetectorIndexBuilder;
import dev.lethe.filters.detect.HybridDetector;
import dev.lethe.filters.detect.MiniLmEmbedder;
import dev.lethe.filters.detect.ScopeClassifier;
import dev.lethe.filters.testing.HostilePayload;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Speed benchmark (issue "Forget rules at runtime", section "Speed"). Synthetic rules about
 * invented people, TOFU-like question templates.
 *
 * <p>Run (the vector module makes Lucene's HNSW use SIMD; the gateway's launcher should add it
 * too): {@code JDK_JAVA_OPTIONS="--add-modules jdk.incubator.vector" ./mvnw -B -o -pl filters -am
 * verify -Dlethe.test.excludedGroups=gpu -Dlethe.test.groups=bench -Dtest=SpeedBench
 * -Dsurefire.failIfNoSpecifiedTests=false} (one test: {@code -Dtest=SpeedBench#detection1000}).
 */
@Tag("bench")
class SpeedBench {
  private static final java.lang.management.ThreadMXBean CPU =
      java.lang.management.ManagementFactory.getThreadMXBean();

  /** 1,000 rules × 5 examples, real MiniLM: p50 for a cached prompt and for new prompts. */
  @Test
  void detection1000() {
    try (CachingEmbedder embedder = new CachingEmbedder(MiniLmEmbedder.load(), 200_000);
        DetectorIndexBuilder builder =
            new DetectorIndexBuilder(embedder, DetectorIndexBuilder.defaultNegativePool())) {
      long t0 = System.nanoTime();
      DetectorIndex index = builder.build(new RuleSet(1, SyntheticRules.rules(1000, 5, 1)));
      System.out.printf("build 1000 rules (5,000 examples, real model): %.1f s%n", secs(t0));
      ScopeClassifier c =
          new ScopeClassifier(
              new HybridDetector(embedder),
              DecisionModel.defaults(),
              ScopeClassifier.Config.defaults());
      Random r = new Random(9);
      for (int i = 0; i < 30; i++) {
        c.classify(index, SyntheticRules.prompt(r)); // warm-up
      }
      long[] fresh = new long[300];
      long[] freshCpu = new long[300];
      for (int i = 0; i < fresh.length; i++) {
        String p = SyntheticRules.prompt(r) + " (" + i + ")";
        long t = System.nanoTime();
        long cpu = CPU.getCurrentThreadCpuTime();
        c.classify(index, p);
        freshCpu[i] = CPU.getCurrentThreadCpuTime() - cpu;
        fresh[i] = System.nanoTime() - t;
      }
      String cached = "What is the profession of Kaloren Tavel's father?";
      c.classify(index, cached);
      long[] hit = new long[2000];
      for (int i = 0; i < hit.length; i++) {
        long t = System.nanoTime();
        c.classify(index, cached);
        hit[i] = System.nanoTime() - t;
      }
      long[] embedOnly = new long[100];
      MiniLmEmbedder raw = MiniLmEmbedder.load();
      for (int i = 0; i < embedOnly.length; i++) {
        String p = SyntheticRules.prompt(r) + " #" + i;
        long t = System.nanoTime();
        raw.embed(p);
        embedOnly[i] = System.nanoTime() - t;
      }
      raw.close();
      System.out.printf(
          "1000 rules: new prompt p50=%.2f ms p95=%.2f ms (caller-thread CPU p50=%.2f ms;"
              + " embedding alone p50=%.2f ms); cached prompt p50=%.4f ms p95=%.4f ms;"
              + " load average %.1f on %d cores%n",
          pct(fresh, 50),
          pct(fresh, 95),
          pct(freshCpu, 50),
          pct(embedOnly, 50),
          pct(hit, 50),
          pct(hit, 95),
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
          Runtime.getRuntime().availableProcessors());
    }
  }

  /**
   * 1,000 rules × 5 examples, real MiniLM, judged as a chat request is (scanner, normalisation and
   * decoding, segments, budget): new short prompts, new 8,000-character prompts (filler sentences
   * with a question at a random place), and a 1 MB hostile payload (nested encodings, confusables,
   * separators). First the gateway's startup warm-up runs ({@link #productWarmup}; {@code
   * -Dlethe.bench.warmup=false} for the cold figures). Run: {@code ./mvnw -B -o -pl filters -am
   * verify -Dlethe.test.excludedGroups=gpu -Dlethe.test.groups=bench -Dtest=SpeedBench#requests1000
   * -Dsurefire.failIfNoSpecifiedTests=false}.
   */
  @Test
  void requests1000() {
    try (CachingEmbedder embedder = new CachingEmbedder(MiniLmEmbedder.load(), 200_000);
        DetectorIndexBuilder builder =
            new DetectorIndexBuilder(embedder, DetectorIndexBuilder.defaultNegativePool())) {
      RuleSet rules = new RuleSet(1, SyntheticRules.rules(1000, 5, 1));
      dev.lethe.filters.input.DetectorIndexes indexes =
          new dev.lethe.filters.input.DetectorIndexes(builder);
      indexes.prepare(rules);
      // -Dlethe.bench.cascade=false: every span to the sentence model (the state before the
      // cascade), for a before/after pair from one build
      boolean cascaded = BenchCascade.on();
      dev.lethe.filters.detect.Cascade cascade = BenchCascade.get();
      ScopeClassifier c =
          new ScopeClassifier(
              new HybridDetector(embedder),
              DecisionModel.defaults(),
              ScopeClassifier.Config.defaults(),
              cascade);
      if (cascade != null) {
        cascade.score(rules, "warm"); // derive the snapshot's example vectors, as on publish
      }
      dev.lethe.filters.input.InputStage stage =
          new dev.lethe.filters.input.InputStage(
              c,
              indexes,
              dev.lethe.filters.input.IculComposer.refusing(),
              stageConfig(),
              new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
      String warmup = productWarmup(embedder, rules, indexes);
      Random r = new Random(11);
      for (int i = 0; i < 30; i++) {
        judge(stage, rules, SyntheticRules.prompt(r) + " w" + i); // warm-up
      }
      long[] shortNew = new long[200];
      long[] shortCpu = new long[shortNew.length];
      long shortAlloc = allocated();
      for (int i = 0; i < shortNew.length; i++) {
        String p = SyntheticRules.prompt(r) + " (" + i + ")";
        long cpu = processCpu();
        long t = System.nanoTime();
        judge(stage, rules, p);
        shortNew[i] = System.nanoTime() - t;
        shortCpu[i] = processCpu() - cpu;
      }
      shortAlloc = allocated() - shortAlloc;
      long[] longNew = new long[100];
      long[] longCpu = new long[longNew.length];
      for (int i = 0; i < longNew.length; i++) {
        String p = longPrompt(r, 8000, i);
        long cpu = processCpu();
        long t = System.nanoTime();
        judge(stage, rules, p);
        longNew[i] = System.nanoTime() - t;
        longCpu[i] = processCpu() - cpu;
      }
      // Real English prose (TOFU retain answers, each used once, so every prompt is new text with
      // the topic words of author rules) around the question: what a cheap first look cannot
      // dismiss by vocabulary alone.
      List<String> prose = proseSentences(r);
      long[] proseNew = new long[100];
      long[] proseCpu = new long[proseNew.length];
      for (int i = 0; i < proseNew.length; i++) {
        String p = prosePrompt(r, prose, 8000);
        long cpu = processCpu();
        long t = System.nanoTime();
        judge(stage, rules, p);
        proseNew[i] = System.nanoTime() - t;
        proseCpu[i] = processCpu() - cpu;
      }
      // Everyday short prompts (not about people at all), each new: what most traffic looks like.
      List<String> everyday = everydayPrompts();
      long[] everydayNew = new long[200];
      long[] everydayCpu = new long[everydayNew.length];
      long cheap0 = c.spansDecidedCheaply();
      long model0 = c.spansSentToModel();
      long everydayAlloc = allocated();
      for (int i = 0; i < everydayNew.length; i++) {
        String p = everyday.get(i % everyday.size()) + " (" + i + ")";
        long cpu = processCpu();
        long t = System.nanoTime();
        judge(stage, rules, p);
        everydayNew[i] = System.nanoTime() - t;
        everydayCpu[i] = processCpu() - cpu;
      }
      everydayAlloc = allocated() - everydayAlloc;
      long everydayCheap = c.spansDecidedCheaply() - cheap0;
      long everydayModel = c.spansSentToModel() - model0;
      // The hostile payload always gets the default budget: without one it takes minutes.
      stage =
          new dev.lethe.filters.input.InputStage(
              c,
              indexes,
              dev.lethe.filters.input.IculComposer.refusing(),
              dev.lethe.filters.input.InputStage.Config.defaults(),
              new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
      long[] hostile = new long[5];
      String[] outcome = new String[hostile.length];
      for (int i = 0; i < hostile.length; i++) {
        String p = hostilePayload(new Random(100 + i), 1_000_000);
        long t = System.nanoTime();
        var j = judge(stage, rules, p);
        hostile[i] = System.nanoTime() - t;
        outcome[i] =
            j.decision().wireName()
                + (j.classification() != null && !j.classification().complete() ? "/budget" : "");
      }
      System.out.println(warmup);
      System.out.printf(
          "1000 rules, judged as requests (cascade %s): new short prompt p50=%.2f ms p99=%.2f ms"
              + " (process CPU mean=%.2f ms, heap allocated %.0f KiB a prompt); new everyday short"
              + " prompt p50=%.2f ms p99=%.2f ms (process CPU mean=%.2f ms, heap allocated %.0f KiB"
              + " a prompt; spans cheap/model %d/%d); new 8,000-char"
              + " prompt p50=%.1f ms p99=%.1f ms (process CPU p50=%.1f ms); new 8,000-char prose"
              + " prompt p50=%.1f ms p99=%.1f ms (process CPU p50=%.1f ms); 1 MB hostile payload"
              + " p50=%.0f ms max=%.0f ms (decisions %s); spans in all cheap/model/cache"
              + " %d/%d/%d; load average %.1f on %d cores%n",
          cascaded ? "on" : "off",
          pct(shortNew, 50),
          pct(shortNew, 99),
          mean(shortCpu),
          shortAlloc / 1024.0 / shortNew.length,
          pct(everydayNew, 50),
          pct(everydayNew, 99),
          mean(everydayCpu),
          everydayAlloc / 1024.0 / everydayNew.length,
          everydayCheap,
          everydayModel,
          pct(longNew, 50),
          pct(longNew, 99),
          pct(longCpu, 50),
          pct(proseNew, 50),
          pct(proseNew, 99),
          pct(proseCpu, 50),
          pct(hostile, 50),
          pct(hostile, 100),
          String.join(",", outcome),
          c.spansDecidedCheaply(),
          c.spansSentToModel(),
          c.spansFromCache(),
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
          Runtime.getRuntime().availableProcessors());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * New 8,000-character prompts (filler and prose, as in {@link #requests1000}) judged by two
   * classifiers in one process, alternating which goes first in each round, so that both see the
   * same load on a shared machine: spans embedded one after another ({@code spansAhead} off, the
   * state before) against spans embedded ahead in parallel (the default). Each prompt is new to the
   * classifier judging it (the two never judge the same text). Same rules, cascade and budget as
   * {@link #requests1000}. Run: {@code ./mvnw -B -pl config,probes,filters -am verify
   * -Djacoco.skip=true -Dlethe.test.excludedGroups=gpu -Dlethe.test.groups=bench
   * -Dtest=SpeedBench#longPromptsAB -Dsurefire.failIfNoSpecifiedTests=false
   * -Dlethe.bench.budgetMs=0 [-Dlethe.bench.rounds=40]}.
   */
  @Test
  void longPromptsAB() throws java.io.IOException {
    int rounds = Integer.getInteger("lethe.bench.rounds", 40);
    try (CachingEmbedder embedder = new CachingEmbedder(MiniLmEmbedder.load(), 200_000);
        DetectorIndexBuilder builder =
            new DetectorIndexBuilder(embedder, DetectorIndexBuilder.defaultNegativePool())) {
      RuleSet rules = new RuleSet(1, SyntheticRules.rules(1000, 5, 1));
      dev.lethe.filters.input.DetectorIndexes indexes =
          new dev.lethe.filters.input.DetectorIndexes(builder);
      indexes.prepare(rules);
      dev.lethe.filters.detect.Cascade cascade = BenchCascade.get();
      if (cascade != null) {
        cascade.score(rules, "warm");
      }
      HybridDetector detector = new HybridDetector(embedder);
      String[] names = {"one by one", "ahead"};
      dev.lethe.filters.input.InputStage[] stages = new dev.lethe.filters.input.InputStage[2];
      for (int v = 0; v < 2; v++) {
        ScopeClassifier c =
            new ScopeClassifier(
                detector,
                DecisionModel.defaults(),
                new ScopeClassifier.Config(64L << 20, v == 1),
                cascade);
        stages[v] =
            new dev.lethe.filters.input.InputStage(
                c,
                indexes,
                dev.lethe.filters.input.IculComposer.refusing(),
                stageConfig(),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
      }
      Random r = new Random(11);
      for (int i = 0; i < 30; i++) {
        for (var stage : stages) {
          judge(stage, rules, SyntheticRules.prompt(r) + " w" + i); // warm-up
        }
      }
      for (int i = 0; i < 4; i++) {
        for (var stage : stages) {
          judge(stage, rules, longPrompt(r, 8000, 5000 + i));
        }
      }
      List<String> prose = proseSentences(r);
      long[][] fillerWall = new long[2][rounds];
      long[][] fillerCpu = new long[2][rounds];
      long[][] proseWall = new long[2][rounds];
      long[][] proseCpu = new long[2][rounds];
      String[] decisions = new String[2];
      java.util.Arrays.fill(decisions, "");
      for (int i = 0; i < rounds; i++) {
        for (int k = 0; k < 2; k++) {
          int v = (i + k) % 2; // alternate which variant goes first
          String filler = longPrompt(r, 8000, i * 2 + v);
          long cpu = processCpu();
          long t = System.nanoTime();
          var j = judge(stages[v], rules, filler);
          fillerWall[v][i] = System.nanoTime() - t;
          fillerCpu[v][i] = processCpu() - cpu;
          String p = prosePrompt(r, prose, 8000);
          cpu = processCpu();
          t = System.nanoTime();
          var jp = judge(stages[v], rules, p);
          proseWall[v][i] = System.nanoTime() - t;
          proseCpu[v][i] = processCpu() - cpu;
          for (var x : List.of(j, jp)) {
            if (!"pass".equals(x.decision().wireName())) {
              decisions[v] += "!";
              var cl = x.classification();
              System.out.printf(
                  "not passed (%s): %s, rule %s, score %.3f, %s%n",
                  names[v],
                  x.decision().wireName(),
                  cl == null ? "-" : cl.ruleId(),
                  cl == null ? 0.0 : cl.score(),
                  cl == null || cl.source() == null
                      ? "-"
                      : cl.source().kind().wireName() + " \"" + cl.source().text() + "\"");
            }
          }
        }
      }
      for (int v = 0; v < 2; v++) {
        System.out.printf(
            "8,000-char prompts, spans %s: filler p50=%.1f ms p99=%.1f ms (process CPU p50=%.1f"
                + " ms); prose p50=%.1f ms p99=%.1f ms (process CPU p50=%.1f ms); %d rounds%s%n",
            names[v],
            pct(fillerWall[v], 50),
            pct(fillerWall[v], 99),
            pct(fillerCpu[v], 50),
            pct(proseWall[v], 50),
            pct(proseWall[v], 99),
            pct(proseCpu[v], 50),
            rounds,
            decisions[v].isEmpty() ? "" : ", not passed: " + decisions[v].length());
      }
      System.out.printf(
          "load average %.1f on %d cores%n",
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
          Runtime.getRuntime().availableProcessors());
    }
  }

  /**
   * The input stage's defaults; {@code -Dlethe.bench.budgetMs=N} sets the screening time budget (0:
   * none) for the short and 8,000-character prompts, so that CPU figures on a loaded machine are
   * not cut short by the budget.
   */
  /**
   * Runs the gateway's startup warm-up of the screening ({@link
   * dev.lethe.filters.input.ScreeningWarmup}, its default bound, the live rules and indexes), as a
   * gateway does before it reports ready, unless {@code -Dlethe.bench.warmup=false} (the cold
   * figures: only the benchmark's 30 short prompts before measuring).
   *
   * @return a line saying what was warmed
   */
  static String productWarmup(
      dev.lethe.filters.detect.Embedder embedder,
      RuleSet rules,
      dev.lethe.filters.input.DetectorIndexes indexes) {
    if (!Boolean.parseBoolean(System.getProperty("lethe.bench.warmup", "true").strip())) {
      return "startup warm-up: off (-Dlethe.bench.warmup=false)";
    }
    var report =
        new dev.lethe.filters.input.ScreeningWarmup(
                embedder,
                BenchCascade.on() ? BenchCascade::fresh : null,
                DecisionModel.defaults(),
                dev.lethe.filters.input.InputStage.Config.defaults(),
                System::nanoTime,
                () -> rules,
                indexes)
            .run(dev.lethe.config.DetectorConfig.DEFAULT_WARMUP, () -> false);
    return "startup warm-up (as a gateway before ready): " + report;
  }

  static dev.lethe.filters.input.InputStage.Config stageConfig() {
    var d = dev.lethe.filters.input.InputStage.Config.defaults();
    String ms = System.getProperty("lethe.bench.budgetMs");
    if (ms == null || ms.isBlank()) {
      return d;
    }
    var budget =
        new ScopeClassifier.Budget(
            java.time.Duration.ofMillis(Long.parseLong(ms.strip())), d.scan().budget().maxSpans());
    return new dev.lethe.filters.input.InputStage.Config(
        d.scan().withBudget(budget), d.defaultRefusal(), d.mask());
  }

  /**
   * The mean of {@code nanos} in milliseconds (process CPU time advances in scheduler ticks, so a
   * per-prompt median of a few milliseconds reads as 0 or 10; the mean over many prompts does not).
   */
  private static double mean(long[] nanos) {
    long sum = 0;
    for (long n : nanos) {
      sum += n;
    }
    return sum / 1e6 / nanos.length;
  }

  /** The everyday prompts of the benchmarks ({@code bench/benign.txt}). */
  private static List<String> everydayPrompts() throws java.io.IOException {
    try (java.io.InputStream in = SpeedBench.class.getResourceAsStream("/bench/benign.txt")) {
      List<String> out = new ArrayList<>();
      for (String line :
          new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          out.add(line.strip());
        }
      }
      return out;
    }
  }

  /** CPU time of the whole process (every thread: the caller, the model's, the collector's). */
  /**
   * Bytes of heap allocated by every thread of the JVM so far (the judging threads and the
   * embedder's predictors alike).
   */
  private static long allocated() {
    return ((com.sun.management.ThreadMXBean)
            java.lang.management.ManagementFactory.getThreadMXBean())
        .getTotalThreadAllocatedBytes();
  }

  private static long processCpu() {
    return ((com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The sentences of every TOFU retain90 answer, shuffled with {@code r}. */
  static List<String> proseSentences(Random r) throws java.io.IOException {
    List<String> out = new java.util.ArrayList<>();
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    for (String line :
        java.nio.file.Files.readAllLines(BenchData.tofu().resolve("retain90.json"))) {
      if (!line.isBlank()) {
        out.add(json.readTree(line).get("answer").asText());
      }
    }
    java.util.Collections.shuffle(out, r);
    return out;
  }

  /**
   * About {@code chars} characters of prose taken (and removed) from {@code prose}, with a question
   * at a random place.
   */
  static String prosePrompt(Random r, List<String> prose, int chars) {
    StringBuilder sb = new StringBuilder(chars + 400);
    int questionAt = r.nextInt(chars);
    boolean asked = false;
    while (sb.length() < chars && !prose.isEmpty()) {
      if (!asked && sb.length() >= questionAt) {
        sb.append(SyntheticRules.prompt(r)).append(' ');
        asked = true;
      }
      sb.append(prose.remove(prose.size() - 1)).append(' ');
    }
    return sb.toString();
  }

  private static dev.lethe.filters.input.InputStage.Judgement judge(
      dev.lethe.filters.input.InputStage stage, RuleSet rules, String text) {
    com.fasterxml.jackson.databind.node.ObjectNode req =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    req.putArray("messages").addObject().put("role", "user").put("content", text);
    return stage.judge(rules, req, "bench");
  }

  private static final String[] WORDS =
      ("the a of to and in report system quarterly market river garden software library museum"
              + " travel weather budget meeting project engine design history music science team"
              + " city village mountain ocean recipe kitchen window station planet network")
          .split(" ");

  /** About {@code chars} characters of new filler sentences with a question at a random place. */
  static String longPrompt(Random r, int chars, int salt) {
    StringBuilder sb = new StringBuilder(chars + 200);
    int questionAt = r.nextInt(chars);
    boolean asked = false;
    while (sb.length() < chars) {
      if (!asked && sb.length() >= questionAt) {
        sb.append(SyntheticRules.prompt(r)).append(' ');
        asked = true;
      }
      int n = 6 + r.nextInt(14);
      for (int i = 0; i < n; i++) {
        String w = WORDS[r.nextInt(WORDS.length)];
        sb.append(i == 0 ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w).append(' ');
      }
      sb.setLength(sb.length() - 1);
      sb.append(r.nextInt(1000) + salt).append(". ");
    }
    return sb.toString();
  }

  /** {@link HostilePayload#of}. */
  static String hostilePayload(Random r, int chars) {
    return HostilePayload.of(r, chars);
  }

  /**
   * 10,000 rules × 5 examples: time to build the index of snapshot N+1 with one more rule. The
   * existing rules use a stand-in embedder (the real one would need 50,000 inferences first); the
   * real model's time to embed the new rule's 5 examples is measured separately and added.
   */
  @Test
  void addOneRuleAt10k() {
    HashEmbedder fake = new HashEmbedder(384);
    List<ForgetRule> rules = new ArrayList<>(SyntheticRules.rules(10_000, 5, 2));
    try (DetectorIndexBuilder builder = new DetectorIndexBuilder(fake, List.of())) {
      long t0 = System.nanoTime();
      builder.build(new RuleSet(1, rules));
      System.out.printf(
          "build 10,000 rules (50,000 examples, stand-in vectors): %.1f s%n", secs(t0));
      Random r = new Random(5);
      long[] add = new long[30];
      long[] addCpu = new long[30];
      for (int i = 0; i < add.length; i++) {
        rules.add(SyntheticRules.rule("new" + i, r, 5));
        RuleSet next = new RuleSet(2 + i, rules);
        long t = System.nanoTime();
        long cpu = CPU.getCurrentThreadCpuTime();
        builder.build(next);
        addCpu[i] = CPU.getCurrentThreadCpuTime() - cpu;
        add[i] = System.nanoTime() - t;
      }
      long[] embed = new long[10];
      try (MiniLmEmbedder real = MiniLmEmbedder.load()) {
        for (int i = 0; i < 3; i++) {
          real.embedAll(SyntheticRules.rule("w" + i, r, 5).examples());
        }
        for (int i = 0; i < embed.length; i++) {
          List<String> ex = SyntheticRules.rule("e" + i, r, 5).examples();
          long t = System.nanoTime();
          real.embedAll(ex);
          embed[i] = System.nanoTime() - t;
        }
      }
      System.out.printf(
          "10,000 rules: add one rule (index update + NRT reopen) p50=%.1f ms p95=%.1f ms"
              + " (caller-thread CPU p50=%.1f ms); embedding its 5 examples p50=%.1f ms;"
              + " write-to-enforced p50 ≈ %.1f ms; load average %.1f%n",
          pct(add, 50),
          pct(add, 95),
          pct(addCpu, 50),
          pct(embed, 50),
          pct(add, 50) + pct(embed, 50),
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  /** 100,000 rules × 3 examples (stand-in vectors): index build time and retained heap. */
  @Test
  void build100k() {
    HashEmbedder fake = new HashEmbedder(384);
    List<ForgetRule> rules = SyntheticRules.rules(100_000, 3, 3);
    long before = usedHeapAfterGc();
    try (DetectorIndexBuilder builder = new DetectorIndexBuilder(fake, List.of())) {
      long t0 = System.nanoTime();
      DetectorIndex index = builder.build(new RuleSet(1, rules));
      double s = secs(t0);
      long after = usedHeapAfterGc();
      System.out.printf(
          "100,000 rules (300,000 examples, 100,000 subjects): build %.1f s; heap retained"
              + " %.0f MiB (rules themselves included)%n",
          s, (after - before) / 1048576.0);
      HybridDetector d = new HybridDetector(fake);
      Random r = new Random(4);
      long[] q = new long[200];
      for (int i = 0; i < q.length; i++) {
        String p = SyntheticRules.prompt(r);
        long t = System.nanoTime();
        d.detect(index, p);
        q[i] = System.nanoTime() - t;
      }
      System.out.printf(
          "100,000 rules: detection without embedding p50=%.2f ms p95=%.2f ms%n",
          pct(q, 50), pct(q, 95));
    }
  }

  /**
   * Rules × 3 examples with the real model ({@code -Dlethe.bench.rules=N}, default 10,000): index
   * build wall time, process CPU time, the embedding's share, heap retained and peak RSS, with each
   * rule's texts embedded as one batch. {@code -Dlethe.bench.grouped=false} embeds every text alone
   * (the builder's default), for the ratio in the same run conditions.
   */
  @Test
  void buildReal() {
    int n = Integer.getInteger("lethe.bench.rules", 10_000);
    boolean grouped = Boolean.parseBoolean(System.getProperty("lethe.bench.grouped", "true"));
    List<ForgetRule> rules = SyntheticRules.rules(n, 3, 3);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    try (MiniLmEmbedder model = MiniLmEmbedder.load()) {
      TimedEmbedder timed = new TimedEmbedder(model, grouped);
      long before = usedHeapAfterGc();
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      DetectorIndex index;
      try (DetectorIndexBuilder builder =
          new DetectorIndexBuilder(
              timed, List.of(), DetectorIndexBuilder.inMemoryDirectory(), grouped)) {
        index = builder.build(new RuleSet(1, rules));
        double wall = secs(t0);
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        long after = usedHeapAfterGc();
        System.out.printf(
            "%,d rules × 3 examples, real model (%s): build %.1f s wall, %.1f s CPU; embedding"
                + " %.1f s wall, %.1f s CPU; the rest (Lucene documents, HNSW graph, subjects)"
                + " %.1f s wall, %.1f s CPU; heap retained %.0f MiB; peak RSS %s; load average"
                + " %.1f%n",
            n,
            grouped ? "each rule's texts one batch" : "every text alone",
            wall,
            cpu,
            timed.nanos / 1e9,
            timed.cpuNanos / 1e9,
            wall - timed.nanos / 1e9,
            cpu - timed.cpuNanos / 1e9,
            (after - before) / 1048576.0,
            peakRss(),
            os.getSystemLoadAverage());
        index.close();
      }
    }
  }

  /** Times the embedding calls; optionally embeds groups text by text (the interface default). */
  private static final class TimedEmbedder implements dev.lethe.filters.detect.Embedder {
    private final dev.lethe.filters.detect.Embedder delegate;
    private final boolean grouped;
    private final com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long nanos;
    long cpuNanos;

    TimedEmbedder(dev.lethe.filters.detect.Embedder delegate, boolean grouped) {
      this.delegate = delegate;
      this.grouped = grouped;
    }

    @Override
    public int dimension() {
      return delegate.dimension();
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
      long t = System.nanoTime();
      long c = os.getProcessCpuTime();
      try {
        return delegate.embedAll(texts);
      } finally {
        nanos += System.nanoTime() - t;
        cpuNanos += os.getProcessCpuTime() - c;
      }
    }

    @Override
    public List<List<float[]>> embedGroups(List<List<String>> groups) {
      if (!grouped) {
        return dev.lethe.filters.detect.Embedder.super.embedGroups(groups);
      }
      long t = System.nanoTime();
      long c = os.getProcessCpuTime();
      try {
        return delegate.embedGroups(groups);
      } finally {
        nanos += System.nanoTime() - t;
        cpuNanos += os.getProcessCpuTime() - c;
      }
    }
  }

  /** The process's peak resident set (VmHWM), or "n/a" off Linux. */
  private static String peakRss() {
    try {
      for (String line :
          java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return String.format("%.0f MiB", kb / 1024.0);
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux
    }
    return "n/a";
  }

  private static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static double pct(long[] nanos, int p) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)] / 1e6;
  }
}

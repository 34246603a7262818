package dev.lethe.filters.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.filters.detect.CachingEmbedder;
import dev.lethe.filters.detect.Classification;
import dev.lethe.filters.detect.DetectorIndex;
import dev.lethe.filters.detect.MiniLmEmbedder;
import dev.lethe.filters.detect.ScopeClassifier;
import dev.lethe.filters.input.ConversationScanner;
import dev.lethe.filters.input.ScanConfig;
import dev.lethe.probes.Attack;
import dev.lethe.probes.Attacks;
import dev.lethe.probes.Family;
import dev.lethe.probes.Probe;
import dev.lethe.probes.ProbeGenerator;
import dev.lethe.probes.QaItem;
import dev.lethe.probes.SubjectNames;
import dev.lethe.probes.Turn;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Attack benchmark (issue "Attack-robust forget-scope detection"): the forget10 rules and
 * calibration of {@link QualityBench} ({@link Forget10Setup}), judged on probes from the shared
 * generator ({@code dev.lethe.probes}) exactly as a chat request is judged: each probe becomes an
 * OpenAI chat request, {@link ConversationScanner#scan} turns it into what the input stage judges
 * (canonical forms, decoded payloads, segments), and {@link ScopeClassifier#classify(DetectorIndex,
 * List, ScopeClassifier.Budget)} decides as the input stage does.
 *
 * <ul>
 *   <li>positives: the hand-written paraphrases (never the rules' own examples), subject = the
 *       author, put through every attack; a hit is "in scope for the paraphrase's rule";
 *   <li>hard negatives: the questions of the 30 held-out retain authors under the same attacks,
 *       each author's name inferred as the most frequent capitalised multi-word sequence of their
 *       20 questions;
 *   <li>easy negatives: real_authors + world_facts and benign prompts ({@code bench/benign.txt})
 *       under the same attacks.
 * </ul>
 *
 * Prints recall, false-positive rates (with counts) and latency per probe (p50/p99, wall time,
 * detection caches on as in the gateway) per family and per variant, as a Markdown table. {@code
 * -Dlethe.bench.seed=N} (or the argument {@code seed=N}) sets the probe seed (default 20240607);
 * {@code -Dlethe.bench.verbose=true} prints a few misses and false positives per variant; {@code
 * -Dlethe.bench.positivesOnly=true} judges the positives only (recall).
 *
 * <p>Run: {@code ./bench attack} or {@code ./mvnw -B -pl filters -am verify
 * -Dlethe.test.groups=bench -Dlethe.test.excludedGroups=gpu -Dtest=AttackBench
 * -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("bench")
public final class AttackBench {
  /** The default span cap without a time limit (quality must not depend on machine load). */
  static final ScopeClassifier.Budget QUALITY_BUDGET =
      new ScopeClassifier.Budget(
          java.time.Duration.ZERO, ScopeClassifier.Budget.defaults().maxSpans());

  static final long DEFAULT_SEED = 20240607L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private enum Kind {
    POSITIVE,
    HARD,
    EASY
  }

  /** What one (family, variant) row counts. */
  private static final class Row {
    final int[] total = new int[Kind.values().length];
    final int[] flagged = new int[Kind.values().length];
    final List<Long> nanos = new ArrayList<>();
    final List<String> examples = new ArrayList<>();

    void add(Row o) {
      for (int i = 0; i < total.length; i++) {
        total[i] += o.total[i];
        flagged[i] += o.flagged[i];
      }
      nanos.addAll(o.nanos);
    }
  }

  @Test
  void attacks() throws Exception {
    run(Long.getLong("lethe.bench.seed", DEFAULT_SEED));
  }

  /**
   * Entry point for {@code ./bench attack [seed=N] [-Dlethe.bench.KEY=VALUE…]}: {@code -D}
   * arguments are set as system properties, so the script's command line takes the same options as
   * Maven's.
   */
  public static void main(String[] args) throws Exception {
    Long seedArg = null;
    for (String a : args) {
      if (a.startsWith("seed=")) {
        seedArg = Long.parseLong(a.substring(5));
      } else if (a.startsWith("-D") && a.indexOf('=') > 2) {
        System.setProperty(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
      } else {
        throw new IllegalArgumentException("unknown argument: " + a);
      }
    }
    run(seedArg != null ? seedArg : Long.getLong("lethe.bench.seed", DEFAULT_SEED));
  }

  static void run(long seed) throws Exception {
    boolean verbose = Boolean.getBoolean("lethe.bench.verbose");
    // Recall only (no negatives): a change that can only take requests out of scope, such as
    // the detector cascade's cheap stage, cannot raise a false-positive rate.
    boolean positivesOnly = Boolean.getBoolean("lethe.bench.positivesOnly");
    long t0 = System.nanoTime();
    Forget10Setup setup = Forget10Setup.load();

    List<QaItem> positives = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (BenchData.Paraphrase p : setup.paraphrases) {
      positives.add(QaItem.of(p.text(), p.author()));
      expected.add(setup.ruleOf(p).id());
    }
    List<QaItem> hard = new ArrayList<>();
    for (int a : setup.evalAuthors) {
      List<String> qs = setup.retainOf(a);
      String name = SubjectNames.infer(qs).orElse(null);
      for (String q : qs) {
        hard.add(QaItem.of(q, name));
      }
    }
    List<QaItem> easy = new ArrayList<>();
    for (String q : setup.easy) {
      easy.add(QaItem.of(q, SubjectNames.longest(q).orElse(null)));
    }
    for (String q : benign()) {
      easy.add(QaItem.of(q, SubjectNames.longest(q).orElse(null)));
    }

    ProbeGenerator gen = ProbeGenerator.all(seed);
    ConversationScanner scanner = new ConversationScanner(ScanConfig.defaults());
    // (judged with QUALITY_BUDGET: the default span cap, no time limit)
    Map<String, Row> rows = new LinkedHashMap<>();
    List<Attack> attacks = selected();
    for (Attack a : attacks) {
      rows.put(a.name(), new Row());
    }
    int judged = 0;
    try (CachingEmbedder embedder = new CachingEmbedder(MiniLmEmbedder.load(), 100_000);
        Forget10Setup.Calibrated cal = setup.calibrate(embedder)) {
      ScopeClassifier classifier =
          new ScopeClassifier(
              cal.detector(),
              cal.result().model(),
              ScopeClassifier.Config.defaults(),
              BenchCascade.get());
      System.out.println("cascade: " + (BenchCascade.on() ? "on" : "off"));
      DetectorIndex index = cal.index();
      System.out.printf(
          "probe seed %d; %d positives, %d hard negatives, %d easy negatives, %d attacks%n",
          seed, positives.size(), hard.size(), easy.size(), attacks.size());
      for (Attack attack : attacks) {
        Row row = rows.get(attack.name());
        long ta = System.nanoTime();
        judged +=
            judge(
                gen,
                attack,
                positives,
                expected,
                Kind.POSITIVE,
                row,
                scanner,
                classifier,
                index,
                verbose);
        if (!positivesOnly) {
          judged +=
              judge(gen, attack, hard, null, Kind.HARD, row, scanner, classifier, index, verbose);
          judged +=
              judge(gen, attack, easy, null, Kind.EASY, row, scanner, classifier, index, verbose);
        }
        System.err.printf(
            "  %-22s %6.1f s  recall %s%n",
            attack.name(), (System.nanoTime() - ta) / 1e9, rate(row, Kind.POSITIVE));
        if (verbose) {
          row.examples.forEach(e -> System.out.println("    " + e));
        }
      }
    }
    System.out.println();
    System.out.println(table(rows));
    System.out.printf(
        "%d probes judged in %.1f s (seed %d)%n", judged, (System.nanoTime() - t0) / 1e9, seed);
  }

  private static int judge(
      ProbeGenerator gen,
      Attack attack,
      List<QaItem> items,
      List<String> expected,
      Kind kind,
      Row row,
      ConversationScanner scanner,
      ScopeClassifier classifier,
      DetectorIndex index,
      boolean verbose) {
    int n = 0;
    for (int i = 0; i < items.size(); i++) {
      Optional<Probe> probe = gen.probe(attack, items.get(i));
      if (probe.isEmpty()) {
        continue;
      }
      ObjectNode request = request(probe.get());
      long t = System.nanoTime();
      // Exactly the input stage's judging (InputStage.judge): the scanner's texts (canonical form,
      // decoded payloads) and segments, the gated spans and their cap; no time budget, so the
      // figures do not depend on how busy the machine is (latency is reported separately).
      Classification c = classifier.classify(index, scanner.scan(request), QUALITY_BUDGET);
      row.nanos.add(System.nanoTime() - t);
      n++;
      boolean flagged =
          kind == Kind.POSITIVE ? c.inScope() && expected.get(i).equals(c.ruleId()) : c.inScope();
      row.total[kind.ordinal()]++;
      if (flagged) {
        row.flagged[kind.ordinal()]++;
      }
      boolean wrong = kind == Kind.POSITIVE ? !flagged : flagged;
      if (verbose && wrong && row.examples.size() < 6) {
        String text = probe.get().lastUserContent().replace('\n', ' ');
        row.examples.add(
            String.format(
                Locale.ROOT,
                "%s %.3f %s -> %s | %s%s",
                kind == Kind.POSITIVE ? "miss" : "fp-" + kind.name().toLowerCase(Locale.ROOT),
                c.score(),
                items.get(i).question(),
                c.ruleId(),
                text.length() > 160 ? text.substring(text.length() - 160) : text,
                source(c)));
      }
    }
    return n;
  }

  /** Where a false positive or a near miss was scored: the segment's kind, transforms and text. */
  private static String source(Classification c) {
    Classification.Source s = c.source();
    if (s == null) {
      return "";
    }
    String text = s.text().replace('\n', ' ');
    return String.format(
        Locale.ROOT,
        "%n      [%s%s] %s",
        s.kind().wireName(),
        s.transforms().isEmpty() ? "" : " " + String.join("+", s.transforms()),
        text.length() > 160 ? text.substring(0, 160) + "…" : text);
  }

  /**
   * The attacks to run: all, or those named (variant names or family keys, comma-separated) by
   * {@code -Dlethe.bench.attacks}.
   */
  private static List<Attack> selected() {
    String only = System.getProperty("lethe.bench.attacks", "").strip();
    if (only.isEmpty()) {
      return Attacks.all();
    }
    List<String> wanted = Arrays.stream(only.split(",")).map(String::strip).toList();
    return Attacks.all().stream()
        .filter(a -> wanted.contains(a.name()) || wanted.contains(a.family().key()))
        .toList();
  }

  /** The probe as an OpenAI chat-completions request. */
  static ObjectNode request(Probe probe) {
    ObjectNode req = JSON.createObjectNode();
    req.put("model", "bench");
    ArrayNode messages = req.putArray("messages");
    for (Turn t : probe.turns()) {
      messages.addObject().put("role", t.role().wireName()).put("content", t.content());
    }
    return req;
  }

  private static List<String> benign() throws IOException {
    try (InputStream in = AttackBench.class.getResourceAsStream("/bench/benign.txt")) {
      return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
          .filter(l -> !l.isBlank() && !l.startsWith("#"))
          .toList();
    }
  }

  private static String rate(Row r, Kind k) {
    int t = r.total[k.ordinal()];
    int f = r.flagged[k.ordinal()];
    if (t == 0) {
      return "–";
    }
    return String.format(Locale.ROOT, "%.3f (%d/%d)", (double) f / t, f, t);
  }

  private static String millis(List<Long> nanos, double q) {
    if (nanos.isEmpty()) {
      return "–";
    }
    long[] s = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    int i = (int) Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
    return String.format(Locale.ROOT, "%.1f", s[i] / 1e6);
  }

  /** The Markdown table: one row per family (all its variants), then one per variant. */
  static String table(Map<String, Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "| family | variant | recall (positives) | FPR hard negatives | FPR easy negatives |"
            + " p50 ms | p99 ms |\n");
    sb.append("|---|---|---|---|---|---|---|\n");
    Row overall = new Row();
    for (Family f : Family.values()) {
      Row family = new Row();
      List<Attack> attacks = Attacks.of(f);
      attacks = attacks.stream().filter(a -> rows.containsKey(a.name())).toList();
      if (attacks.isEmpty()) {
        continue;
      }
      for (Attack a : attacks) {
        family.add(rows.get(a.name()));
      }
      overall.add(family);
      line(sb, "**" + f.key() + "**", "**all**", family);
      if (attacks.size() > 1) {
        for (Attack a : attacks) {
          line(sb, f.key(), a.name(), rows.get(a.name()));
        }
      }
    }
    line(sb, "**every probe**", "", overall);
    return sb.toString();
  }

  private static void line(StringBuilder sb, String family, String variant, Row r) {
    sb.append("| ")
        .append(family)
        .append(" | ")
        .append(variant)
        .append(" | ")
        .append(rate(r, Kind.POSITIVE))
        .append(" | ")
        .append(rate(r, Kind.HARD))
        .append(" | ")
        .append(rate(r, Kind.EASY))
        .append(" | ")
        .append(millis(r.nanos, 0.5))
        .append(" | ")
        .append(millis(r.nanos, 0.99))
        .append(" |\n");
  }
}

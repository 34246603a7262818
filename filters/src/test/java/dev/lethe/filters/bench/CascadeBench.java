package dev.lethe.filters.bench;

import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.detect.Cascade;
import dev.lethe.filters.detect.DecisionModel;
import dev.lethe.filters.detect.Detection;
import dev.lethe.filters.detect.Detector;
import dev.lethe.filters.detect.DetectorIndex;
import dev.lethe.filters.detect.DetectorIndexBuilder;
import dev.lethe.filters.detect.ScopeClassifier;
import dev.lethe.filters.detect.StaticEmbedding;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Calibrates the detector cascade's cheap stage ({@link Cascade}) on TOFU forget10 and validates it
 * on disjoint in-scope items. Needs only the static table (no sentence model): the cascade's
 * routing is exactly "names a rule's subject (lexical lookup) or cheap score at or above the
 * threshold", so which labelled in-scope item it would decide out of scope alone is known without
 * running the model — each such item counts as a cascade false negative, whatever the model would
 * have said (a stricter count than comparing with the full path).
 *
 * <p>Calibration split: the 400 forget10 questions (the rules' own examples), each scored against
 * the other examples only (leave one out), as if it were a new prompt; the threshold is the lowest
 * cheap score among those that name no subject, less a margin, so the cascade's false-negative rate
 * on the calibration split is 0. Validation split: the hand-written paraphrases (texts disjoint
 * from the calibration split). Also reported: the share of negatives (held-out retain questions,
 * real authors and world facts, the general negatives, the benign prompts) the cheap stage decides
 * alone.
 *
 * <p>Run: {@code ./mvnw -B -pl config,probes,filters verify -Dlethe.test.excludedGroups=gpu
 * -Dlethe.test.groups=bench -Dtest=CascadeBench -Dsurefire.failIfNoSpecifiedTests=false
 * [-Dlethe.bench.cascadeMargin=0.05]}, or its {@link #main}.
 */
@Tag("bench")
public class CascadeBench {
  @Test
  void calibrateAndValidate() throws Exception {
    main(new String[0]);
  }

  /** Runs the calibration and prints the report. */
  public static void main(String[] args) throws Exception {
    double margin = Double.parseDouble(System.getProperty("lethe.bench.cascadeMargin", "0.05"));
    Forget10Setup setup = Forget10Setup.load();
    try (StaticEmbedding table = StaticEmbedding.load();
        DetectorIndexBuilder builder = new DetectorIndexBuilder(new HashEmbedder(64), setup.pool);
        DetectorIndexBuilder b2 = new DetectorIndexBuilder(new HashEmbedder(64), setup.pool)) {
      DetectorIndex index = builder.build(new RuleSet(1, setup.rules));
      // The same subjects without examples: every cheap score is -1, so only the lexical signal
      // sends a text to the detector (subject lookup does not depend on the examples).
      List<ForgetRule> subjectsOnly = new ArrayList<>();
      for (ForgetRule r : setup.rules) {
        subjectsOnly.add(
            new ForgetRule(
                r.id(),
                r.description(),
                r.subjects(),
                List.of(),
                r.counterExamples(),
                r.secrets(),
                r.action(),
                r.refusal(),
                r.onError()));
      }
      Routing routing = new Routing(b2.build(new RuleSet(2, subjectsOnly)), table);
      List<float[]> vectors = new ArrayList<>();
      List<String> texts = new ArrayList<>();
      for (ForgetRule r : setup.rules) {
        for (String e : r.examples()) {
          vectors.add(table.embed(e));
          texts.add(e);
        }
      }
      List<Double> unnamed = new ArrayList<>();
      List<Double> all = new ArrayList<>();
      for (int i = 0; i < texts.size(); i++) {
        double best = -1;
        for (int j = 0; j < texts.size(); j++) {
          if (j != i && !texts.get(j).equals(texts.get(i))) {
            best = Math.max(best, dot(vectors.get(i), vectors.get(j)));
          }
        }
        all.add(best);
        if (!routing.named(texts.get(i))) {
          unnamed.add(best);
        }
      }
      double lowest = unnamed.stream().mapToDouble(Double::doubleValue).min().orElse(1);
      double threshold = lowest - margin;
      System.out.printf(
          "calibration: %d in-scope questions (leave one out), %d name no subject; their cheap"
              + " scores min=%.4f p1=%.4f p5=%.4f p50=%.4f (all: min=%.4f p50=%.4f); margin %.3f"
              + " -> threshold %.4f; calibration false negatives 0/%d by construction%n",
          texts.size(),
          unnamed.size(),
          lowest,
          pct(unnamed, 1),
          pct(unnamed, 5),
          pct(unnamed, 50),
          pct(all, 0),
          pct(all, 50),
          margin,
          threshold,
          texts.size());
      Cascade cascade = new Cascade(table, new Cascade.Config(threshold));
      int lost = 0;
      int indirect = 0;
      List<Double> scores = new ArrayList<>();
      for (BenchData.Paraphrase p : setup.paraphrases) {
        double s = cascade.score(index.rules(), p.text());
        boolean named = routing.named(p.text());
        if (!named) {
          indirect++;
          scores.add(s);
          if (s < threshold) {
            lost++;
            System.out.printf("  cascade false negative: %.4f %s%n", s, p.text());
          }
        }
      }
      System.out.printf(
          "validation (paraphrases, disjoint): %d in-scope items, %d name no subject (cheap"
              + " scores min=%.4f p5=%.4f); decided out of scope by the cheap stage: %d"
              + " (cascade false-negative rate %.4f)%n",
          setup.paraphrases.size(),
          indirect,
          pct(scores, 0),
          pct(scores, 5),
          lost,
          (double) lost / setup.paraphrases.size());
      negatives("held-out retain questions", setup.evalRetain, index, cascade, routing, threshold);
      negatives("real_authors + world_facts", setup.easy, index, cascade, routing, threshold);
      negatives(
          "general negatives",
          DetectorIndexBuilder.defaultNegativePool(),
          index,
          cascade,
          routing,
          threshold);
      negatives("benign prompts", benign(), index, cascade, routing, threshold);
    }
  }

  /**
   * Whether the cascade sends a text to the model because it names a subject: over rules without
   * examples (cheap score -1), a classifier with a cascade calls its detector only then.
   */
  private static final class Routing {
    final DetectorIndex index;
    final ScopeClassifier namedOnly;
    final AtomicInteger calls = new AtomicInteger();

    Routing(DetectorIndex index, StaticEmbedding table) {
      this.index = index;
      Detector counting =
          new Detector() {
            @Override
            public Detection detect(DetectorIndex i, String text) {
              calls.incrementAndGet();
              return new Detection(List.of(), true);
            }
          };
      this.namedOnly =
          new ScopeClassifier(
              counting,
              DecisionModel.defaults(),
              new ScopeClassifier.Config(0),
              new Cascade(table, new Cascade.Config(0)));
    }

    boolean named(String text) {
      int before = calls.get();
      namedOnly.classify(index, text);
      return calls.get() > before;
    }
  }

  private static void negatives(
      String name,
      List<String> items,
      DetectorIndex index,
      Cascade cascade,
      Routing routing,
      double threshold) {
    int cheap = 0;
    List<Double> scores = new ArrayList<>();
    for (String q : items) {
      double s = cascade.score(index.rules(), q);
      scores.add(s);
      if (s < threshold && !routing.named(q)) {
        cheap++;
      }
    }
    System.out.printf(
        "negatives %s: %d items, decided out of scope by the cheap stage alone %d (%.1f%%); cheap"
            + " score p50=%.4f p95=%.4f max=%.4f%n",
        name,
        items.size(),
        cheap,
        100.0 * cheap / items.size(),
        pct(scores, 50),
        pct(scores, 95),
        pct(scores, 100));
  }

  private static List<String> benign() throws IOException {
    try (InputStream in = CascadeBench.class.getResourceAsStream("/bench/benign.txt")) {
      List<String> out = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          out.add(line.strip());
        }
      }
      return out;
    }
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double pct(List<Double> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    int i = (int) Math.min(v.length - 1, Math.max(0, Math.ceil(p / 100 * v.length) - 1));
    return v[i];
  }
}

package dev.lethe.filters.bench;

import dev.lethe.config.rules.ForgetRule;
import dev.lethe.filters.detect.CachingEmbedder;
import dev.lethe.filters.detect.Calibrator;
import dev.lethe.filters.detect.Classification;
import dev.lethe.filters.detect.DecisionModel;
import dev.lethe.filters.detect.DetectorIndex;
import dev.lethe.filters.detect.Features;
import dev.lethe.filters.detect.HybridDetector;
import dev.lethe.filters.detect.MiniLmEmbedder;
import dev.lethe.filters.detect.ScopeClassifier;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Quality benchmark (issue "Forget rules at runtime", section "Quality, measured"): 20 rules from
 * TOFU forget10 (one per author: the name as subject, the author's 20 questions as examples),
 * calibrated against retain90 questions of 150 authors ({@link Forget10Setup}), and measured on
 * what it never saw: hand-written paraphrases (positives), questions of 30 held-out retain authors,
 * and real_authors + world_facts (easy negatives).
 *
 * <p>Run: {@code ./mvnw -B -o -pl filters -am verify -Dlethe.test.excludedGroups=gpu
 * -Dlethe.test.groups=bench -Dtest=QualityBench -Dsurefire.failIfNoSpecifiedTests=false}
 */
@Tag("bench")
class QualityBench {
  @Test
  void tofuForget10() throws Exception {
    Forget10Setup setup = Forget10Setup.load();
    List<BenchData.Paraphrase> paraphrases = setup.paraphrases;
    List<ForgetRule> rules = setup.rules;
    List<String> evalRetain = setup.evalRetain;
    List<String> easy = setup.easy;

    long t0 = System.nanoTime();
    try (CachingEmbedder embedder = new CachingEmbedder(MiniLmEmbedder.load(), 100_000);
        Forget10Setup.Calibrated calibrated = setup.calibrate(embedder)) {
      DetectorIndex index = calibrated.index();
      HybridDetector detector = calibrated.detector();
      Calibrator.Result cal = calibrated.result();
      double[] w = cal.model().weights();
      StringBuilder sb = new StringBuilder("weights: bias=" + fmt(cal.model().bias()));
      for (int i = 0; i < w.length; i++) {
        sb.append(' ').append(Features.NAMES.get(i)).append('=').append(fmt(w[i]));
      }
      System.out.println(sb);
      report("calibrated", cal.model(), detector, index, paraphrases, rules, evalRetain, easy);
      report(
          "defaults",
          DecisionModel.defaults(),
          detector,
          index,
          paraphrases,
          rules,
          evalRetain,
          easy);
    }
    System.out.printf("total %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  private static void report(
      String name,
      DecisionModel model,
      HybridDetector detector,
      DetectorIndex index,
      List<BenchData.Paraphrase> paraphrases,
      List<ForgetRule> rules,
      List<String> evalRetain,
      List<String> easy) {
    ScopeClassifier c =
        new ScopeClassifier(detector, model, ScopeClassifier.Config.defaults(), BenchCascade.get());
    List<Double> pScores = new ArrayList<>();
    List<Double> nScores = new ArrayList<>();
    int tp = 0;
    int tpAny = 0;
    int tpIndirect = 0;
    int indirect = 0;
    for (BenchData.Paraphrase p : paraphrases) {
      String rule = rules.get(p.source() / 20).id();
      Classification r = c.classify(index, p.text());
      pScores.add(r.score());
      boolean named =
          !r.detections().get(0).candidates().stream()
              .filter(x -> x.ruleId().equals(rule))
              .noneMatch(x -> x.features()[Features.SUBJECT_PART] > 0);
      if (!named) {
        indirect++;
      }
      if (r.inScope()) {
        tpAny++;
        if (rule.equals(r.ruleId())) {
          tp++;
          if (!named) {
            tpIndirect++;
          }
        }
      }
      if (!r.inScope() || !rule.equals(r.ruleId())) {
        System.out.printf("  miss [%s] %.3f %s%n", name, r.score(), p.text());
      }
    }
    int fpRetain = 0;
    for (String q : evalRetain) {
      Classification r = c.classify(index, q);
      nScores.add(r.score());
      if (r.inScope()) {
        fpRetain++;
        System.out.printf("  fp-retain [%s] %.3f %s -> %s%n", name, r.score(), q, r.ruleId());
      }
    }
    int fpEasy = 0;
    for (String q : easy) {
      Classification r = c.classify(index, q);
      nScores.add(r.score());
      if (r.inScope()) {
        fpEasy++;
        System.out.printf("  fp-easy [%s] %.3f %s -> %s%n", name, r.score(), q, r.ruleId());
      }
    }
    int fp = fpRetain + fpEasy;
    Collections.sort(pScores);
    nScores.sort(Collections.reverseOrder());
    System.out.printf(
        "[%s] lowest paraphrase scores %s; highest negative scores %s%n",
        name, pScores.subList(0, 8), nScores.subList(0, 8));
    System.out.printf(
        "[%s] cascade=%s threshold=%.4f paraphrases=%d recall=%.4f (any rule %.4f; without full"
            + " name %d/%d) precision=%.4f | retain held-out FPR=%.4f (%d/%d) |"
            + " real_authors+world_facts FPR=%.4f (%d/%d)%n",
        name,
        BenchCascade.on() ? "on" : "off",
        model.threshold(),
        paraphrases.size(),
        (double) tp / paraphrases.size(),
        (double) tpAny / paraphrases.size(),
        tpIndirect,
        indirect,
        tpAny + fp == 0 ? 1.0 : (double) tpAny / (tpAny + fp),
        (double) fpRetain / evalRetain.size(),
        fpRetain,
        evalRetain.size(),
        (double) fpEasy / easy.size(),
        fpEasy,
        easy.size());
  }

  private static String fmt(double d) {
    return String.format("%.3f", d);
  }
}

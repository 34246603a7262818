package dev.lethe.filters.bench;

import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.OnError;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.detect.Calibrator;
import dev.lethe.filters.detect.DetectorIndex;
import dev.lethe.filters.detect.DetectorIndexBuilder;
import dev.lethe.filters.detect.Embedder;
import dev.lethe.filters.detect.HybridDetector;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The setup the forget10 detector benchmarks share ({@link QualityBench}, {@link AttackBench}): 20
 * rules from TOFU forget10 (one per author: the name as subject, the author's 20 questions as
 * examples) and the split of the 180 retain authors — 30 held out for evaluation, 75 feeding the
 * negative pool, 75 as calibration negatives (so calibration negatives never find their own
 * author's siblings in the pool, as held-out authors will not).
 */
final class Forget10Setup {
  /** The seed of the retain-author split and of calibration. */
  static final long SEED = 20240607L;

  final List<ForgetRule> rules = new ArrayList<>();
  final List<BenchData.Paraphrase> paraphrases;
  final List<String> retain;
  final List<Integer> evalAuthors;
  final List<String> evalRetain = new ArrayList<>();
  final List<String> easy;
  final List<String> pool;
  final List<Calibrator.Sample> samples = new ArrayList<>();

  private Forget10Setup() throws IOException {
    List<String> forget = BenchData.questions("forget10.json");
    retain = BenchData.questions("retain90.json");
    paraphrases = BenchData.paraphrases();
    Map<Integer, String> authorOf = new LinkedHashMap<>();
    for (BenchData.Paraphrase p : paraphrases) {
      authorOf.put(p.source() / 20, p.author());
    }
    for (int a = 0; a < forget.size() / 20; a++) {
      rules.add(
          new ForgetRule(
              "tofu-" + a,
              "Forget the author " + authorOf.get(a),
              List.of(authorOf.get(a)),
              forget.subList(a * 20, a * 20 + 20),
              List.of(),
              List.of(),
              Action.REFUSE,
              null,
              OnError.CLOSED));
    }
    int authors = retain.size() / 20;
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < authors; i++) {
      order.add(i);
    }
    Collections.shuffle(order, new Random(SEED));
    evalAuthors = List.copyOf(order.subList(0, 30));
    List<Integer> poolAuthors = order.subList(30, 105);
    List<Integer> calAuthors = order.subList(105, authors);
    List<String> negatives = new ArrayList<>(DetectorIndexBuilder.defaultNegativePool());
    for (int a : poolAuthors) {
      negatives.addAll(retainOf(a));
    }
    pool = List.copyOf(negatives);
    for (ForgetRule r : rules) {
      for (String e : r.examples()) {
        samples.add(new Calibrator.Sample(e, r.id(), r.id()));
      }
    }
    for (String g : DetectorIndexBuilder.defaultNegativePool()) {
      samples.add(Calibrator.Sample.negative(g));
    }
    for (int a : calAuthors) {
      for (String q : retainOf(a)) {
        samples.add(new Calibrator.Sample(q, null, "retain-" + a));
      }
    }
    for (int a : evalAuthors) {
      evalRetain.addAll(retainOf(a));
    }
    List<String> e = new ArrayList<>(BenchData.questions("real_authors.json"));
    e.addAll(BenchData.questions("world_facts.json"));
    easy = List.copyOf(e);
  }

  /** Loads the TOFU files and the paraphrases. */
  static Forget10Setup load() throws IOException {
    return new Forget10Setup();
  }

  /** The 20 questions of retain author {@code a}. */
  List<String> retainOf(int a) {
    return retain.subList(a * 20, a * 20 + 20);
  }

  /** The rule a paraphrase belongs to. */
  ForgetRule ruleOf(BenchData.Paraphrase p) {
    return rules.get(p.source() / 20);
  }

  /** The index, the detector and the calibrated decision model for this setup. */
  record Calibrated(
      DetectorIndexBuilder builder,
      DetectorIndex index,
      HybridDetector detector,
      Calibrator.Result result)
      implements AutoCloseable {
    @Override
    public void close() {
      builder.close();
    }
  }

  /**
   * Builds the index of the rules over the negative pool and calibrates the threshold for a 1%
   * false-positive rate on a seeded, group-wise held-out split; prints the calibration summary.
   */
  Calibrated calibrate(Embedder embedder) {
    DetectorIndexBuilder builder = new DetectorIndexBuilder(embedder, pool);
    try {
      DetectorIndex index = builder.build(new RuleSet(1, rules));
      HybridDetector detector = new HybridDetector(embedder);
      Calibrator.Result cal =
          new Calibrator(detector)
              .calibrate(
                  index, samples, new Calibrator.Config(0.01, 0.01, 0.2, SEED, 1e-2, 50, 0.5));
      System.out.printf(
          "calibration: threshold=%.4f heldOutFpr=%.4f heldOutFnr=%.4f fitFpr=%.4f fitFnr=%.4f"
              + " fit=%d+/%d- heldOut=%d+/%d-%n",
          cal.model().threshold(),
          cal.heldOutFpr(),
          cal.heldOutFnr(),
          cal.fitFpr(),
          cal.fitFnr(),
          cal.fitPositives(),
          cal.fitNegatives(),
          cal.heldOutPositives(),
          cal.heldOutNegatives());
      cal.heldOutErrors().forEach(e -> System.out.println("  held-out error: " + e));
      return new Calibrated(builder, index, detector, cal);
    } catch (RuntimeException e) {
      builder.close();
      throw e;
    }
  }
}

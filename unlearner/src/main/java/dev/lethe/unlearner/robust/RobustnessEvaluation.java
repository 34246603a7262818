package dev.lethe.unlearner.robust;

import static java.util.Objects.requireNonNull;

import dev.lethe.unlearner.checkpoint.Checkpoint;
import dev.lethe.unlearner.data.QaPair;
import dev.lethe.unlearner.eval.ModelScorer;
import dev.lethe.unlearner.eval.QaItem;
import dev.lethe.unlearner.eval.RougeL;
import dev.lethe.unlearner.eval.TofuData;
import dev.lethe.unlearner.eval.TofuEvalConfig;
import dev.lethe.unlearner.eval.TofuEvaluator;
import dev.lethe.unlearner.eval.TofuReport;
import dev.lethe.unlearner.model.LlamaModel;
import dev.lethe.unlearner.tokenizer.TextTokenizer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Runs the {@link RobustnessSpec}'s probes on copies of an unlearned model and reports a {@link
 * Robustness}. The forget metrics are greedy ROUGE-L recall and p̄ of the answers (no truth ratios:
 * the probes ask whether the answers come back).
 *
 * <ul>
 *   <li>Quantization: for each bit width, a copy quantized by {@link Quantizer}, evaluated on the
 *       forget questions; compared with the unquantized model's numbers on the same questions.
 *   <li>Relearning: the forget questions are split (seeded) into a relearning part ({@link
 *       RobustnessSpec#relearnFraction()}) and the held-out rest; a copy is fine-tuned by {@link
 *       Relearner} on the first, and the held-out ROUGE-L is measured before and after. With a
 *       retain model, it gets the same attack and R compares the two changes.
 *   <li>Text probes: {@link TextProbes} (prefix, format shift, multi-turn, and the original).
 * </ul>
 *
 * <p>Blocking; the given model is never changed.
 */
public final class RobustnessEvaluation {
  private final RobustnessSpec spec;
  private final TofuEvalConfig evalConfig;
  private final PrintStream progress;

  /** Probes per {@code spec}, evaluating with {@code evalConfig}, reporting to {@code progress}. */
  public RobustnessEvaluation(
      RobustnessSpec spec, TofuEvalConfig evalConfig, PrintStream progress) {
    this.spec = requireNonNull(spec, "spec");
    this.evalConfig = requireNonNull(evalConfig, "evalConfig");
    this.progress = requireNonNull(progress, "progress");
  }

  /**
   * Probes {@code model}.
   *
   * @param model the unlearned model (left unchanged)
   * @param tokenizer its tokenizer
   * @param forget the forget questions with answers (at least 2 for relearning)
   */
  public Robustness run(LlamaModel model, TextTokenizer tokenizer, List<QaItem> forget) {
    requireNonNull(model, "model");
    requireNonNull(tokenizer, "tokenizer");
    requireNonNull(forget, "forget");
    long t0 = System.nanoTime();
    List<QaItem> plain = plain(forget);
    List<Robustness.Quantization> quantized = new ArrayList<>();
    if (!spec.quantizeBits().isEmpty() && !plain.isEmpty()) {
      TofuReport base = forgetOnly(model, tokenizer, plain, "robustness: unquantized");
      for (int bits : spec.quantizeBits()) {
        try (LlamaModel copy = model.frozenCopy()) {
          long n = Quantizer.quantizeInPlace(copy, bits);
          TofuReport q = forgetOnly(copy, tokenizer, plain, "robustness: " + bits + "-bit");
          quantized.add(
              new Robustness.Quantization(
                  bits,
                  n,
                  q.forgetRouge(),
                  q.forgetProbability(),
                  difference(q.forgetRouge(), base.forgetRouge()),
                  score(base.forgetRouge(), q.forgetRouge()),
                  score(base.forgetProbability(), q.forgetProbability())));
        }
      }
    }
    Robustness.Relearning relearning = null;
    if (spec.relearnSteps() > 0 && plain.size() >= 2) {
      relearning = relearn(model, tokenizer, plain);
    }
    List<TextProbes.FamilyLeak> text = List.of();
    if (spec.textProbes() && !plain.isEmpty()) {
      progress.println("robustness: text probes (prefix, format shift, multi-turn)");
      text = new TextProbes(spec.seed(), evalConfig.maxNewTokens()).run(model, tokenizer, plain);
    }
    return new Robustness(quantized, relearning, text, (System.nanoTime() - t0) / 1e9);
  }

  private Robustness.Relearning relearn(
      LlamaModel model, TextTokenizer tokenizer, List<QaItem> plain) {
    List<List<QaItem>> split = relearnSplit(plain, spec.relearnFraction(), spec.seed());
    List<QaItem> relearnItems = split.get(0);
    List<QaItem> heldOut = split.get(1);
    List<QaPair> relearnPairs = new ArrayList<>(relearnItems.size());
    for (QaItem i : relearnItems) {
      relearnPairs.add(new QaPair(i.question(), i.answer()));
    }
    Relearner attack =
        new Relearner(
            spec.relearnSteps(), spec.relearnBatchSize(), spec.relearnLearningRate(), spec.seed());
    double[] unlearned = attacked(model, tokenizer, attack, relearnPairs, heldOut, "unlearned");
    Double retainBefore = null;
    Double retainAfter = null;
    Double deltaRetain = null;
    Double r = null;
    if (spec.retainModel() != null) {
      try (Checkpoint retain = Checkpoint.load(spec.retainModel())) {
        double[] ref =
            attacked(retain.model(), retain.tokenizer(), attack, relearnPairs, heldOut, "retain");
        retainBefore = ref[0];
        retainAfter = ref[1];
        deltaRetain = ref[1] - ref[0];
        r = RobustnessScores.relearning(unlearned[1] - unlearned[0], deltaRetain);
      }
    }
    return new Robustness.Relearning(
        spec.relearnSteps(),
        spec.relearnLearningRate(),
        relearnItems.size(),
        heldOut.size(),
        overlap(relearnItems, heldOut),
        unlearned[0],
        unlearned[1],
        unlearned[1] - unlearned[0],
        retainBefore,
        retainAfter,
        deltaRetain,
        r,
        spec.seed(),
        questions(relearnItems),
        questions(heldOut));
  }

  private static List<String> questions(List<QaItem> items) {
    List<String> out = new ArrayList<>(items.size());
    for (QaItem i : items) {
      out.add(i.question());
    }
    return out;
  }

  /**
   * The relearning attack's split of {@code items}: a seeded shuffle, then the first {@code
   * round(fraction × n)} items (at least 1, at most n − 1) to relearn on and the rest held out. The
   * one split function of the attack, shared by {@code lethe unlearn --robustness} and {@code lethe
   * compare}.
   *
   * @param items at least 2 items
   * @param fraction the share relearned on, in (0, 1)
   * @param seed seeds the shuffle
   * @return two lists: the relearning part, then the held-out part
   * @throws IllegalArgumentException when there are fewer than 2 items
   */
  public static <T> List<List<T>> relearnSplit(List<T> items, double fraction, long seed) {
    requireNonNull(items, "items");
    if (items.size() < 2) {
      throw new IllegalArgumentException(
          "items: " + items.size() + " (expected: at least 2 to relearn on some and probe others)");
    }
    List<T> shuffled = new ArrayList<>(items);
    Collections.shuffle(shuffled, new Random(seed));
    int k = Math.max(1, Math.min(items.size() - 1, (int) Math.round(fraction * items.size())));
    return List.of(
        List.copyOf(shuffled.subList(0, k)), List.copyOf(shuffled.subList(k, shuffled.size())));
  }

  /** Held-out forget ROUGE-L of {@code model} before and after the attack on a copy of it. */
  private double[] attacked(
      LlamaModel model,
      TextTokenizer tokenizer,
      Relearner attack,
      List<QaPair> relearnPairs,
      List<QaItem> heldOut,
      String who) {
    double before = rouge(forgetOnly(model, tokenizer, heldOut, "robustness: " + who));
    try (LlamaModel copy = model.frozenCopy()) {
      double loss = attack.run(copy, tokenizer, relearnPairs);
      progress.printf(
          Locale.ROOT,
          "robustness: relearned the %s model on %d questions for %d steps (loss %.4f)%n",
          who,
          relearnPairs.size(),
          attack.steps(),
          loss);
      double after =
          rouge(forgetOnly(copy, tokenizer, heldOut, "robustness: " + who + " relearned"));
      return new double[] {before, after};
    }
  }

  private static double rouge(TofuReport r) {
    return r.forgetRouge() == null ? Double.NaN : r.forgetRouge();
  }

  private TofuReport forgetOnly(
      LlamaModel model, TextTokenizer tokenizer, List<QaItem> items, String stage) {
    progress.println(stage);
    return new TofuEvaluator(evalConfig)
        .evaluate(
            new ModelScorer(model, tokenizer),
            new TofuData(items, null, null, null, null),
            null,
            TofuEvaluator.Progress.none());
  }

  /**
   * Mean over {@code heldOut} answers of the best ROUGE-L recall any {@code relearn} answer gets
   * against it: what the relearning set says about the held-out answers without any model.
   */
  public static double overlap(List<QaItem> relearn, List<QaItem> heldOut) {
    RougeL rouge = RougeL.withStemmer();
    double sum = 0;
    for (QaItem h : heldOut) {
      double best = 0;
      for (QaItem r : relearn) {
        best = Math.max(best, rouge.recall(h.answer(), r.answer()));
      }
      sum += best;
    }
    return heldOut.isEmpty() ? Double.NaN : sum / heldOut.size();
  }

  private static List<QaItem> plain(List<QaItem> items) {
    List<QaItem> out = new ArrayList<>(items.size());
    for (QaItem i : items) {
      out.add(QaItem.of(i.question(), i.answer()));
    }
    return out;
  }

  private static Double difference(Double a, Double b) {
    return a == null || b == null ? null : a - b;
  }

  private static Double score(Double metric, Double quantized) {
    return metric == null || quantized == null
        ? null
        : RobustnessScores.quantization(metric, quantized);
  }
}

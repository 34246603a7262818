package dev.lethe.gateway.compare;

import static java.util.Objects.requireNonNull;

import dev.lethe.unlearner.checkpoint.Checkpoint;
import dev.lethe.unlearner.eval.EvalSets;
import dev.lethe.unlearner.eval.ModelScorer;
import dev.lethe.unlearner.eval.QaItem;
import dev.lethe.unlearner.eval.ScoringModel;
import dev.lethe.unlearner.eval.TofuData;
import dev.lethe.unlearner.eval.TofuEvalConfig;
import dev.lethe.unlearner.eval.TofuEvaluator;
import dev.lethe.unlearner.eval.TofuReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The truth ratio, forget quality and model utility of the arms with local weights ({@link
 * WhiteBoxProbes#appliesTo}), computed by the unlearner's own evaluator ({@link TofuEvaluator}, as
 * {@code lethe eval}) — never re-implemented here — on the questions the compare already asked: the
 * sampled forget questions with their TOFU paraphrased and perturbed answers (the forget file's
 * {@code _perturbed} sibling, {@link EvalSets#perturbedSibling}), and the sampled retain /
 * real_authors / world_facts questions with theirs. Cost stays bounded by {@code --limit}: one
 * greedy generation ({@code maxTokens} new tokens) and one scoring pass per answer variant per
 * question. A checkpoint already evaluated in the run (the {@code weights+guard} arm's, which is
 * the {@code weights} arm's) is not evaluated again.
 *
 * <p>Blocking (it runs the model in-process); call it from the compare's worker thread.
 */
final class WhiteBoxEvaluation {
  private final TofuData data;
  private final TofuEvalConfig config;
  private final CompareProgress progress;
  private final Map<Path, TofuReport> done = new HashMap<>();
  private final Map<Path, String> firstArm = new HashMap<>();

  /**
   * An evaluation of {@code data}.
   *
   * @param data the questions (from {@link #data})
   * @param config generation budget and batch size
   * @param progress where progress notes go
   */
  WhiteBoxEvaluation(TofuData data, TofuEvalConfig config, CompareProgress progress) {
    this.data = requireNonNull(data, "data");
    this.config = requireNonNull(config, "config");
    this.progress = requireNonNull(progress, "progress");
  }

  /** The evaluated questions. */
  TofuData data() {
    return data;
  }

  /** Utility questions evaluated (retain, real_authors and world_facts together). */
  int utilityN() {
    return data.retain().size() + data.realAuthors().size() + data.worldFacts().size();
  }

  /**
   * The evaluation sets of {@code plan}: each split's distinct questions that the plan asks, in the
   * plan's order, with the answers of that split's {@code _perturbed} file where it has them (a
   * question missing from it keeps its plain answer and so gets no truth ratio).
   */
  static TofuData data(CompareOptions options, ProbePlan plan) {
    requireNonNull(options, "options");
    requireNonNull(plan, "plan");
    return new TofuData(
        items(plan, Split.FORGET, options.forget()),
        items(plan, Split.RETAIN, options.retain()),
        items(plan, Split.REAL_AUTHORS, options.realAuthors()),
        items(plan, Split.WORLD_FACTS, options.worldFacts()),
        List.of());
  }

  private static List<QaItem> items(ProbePlan plan, Split split, Path file) {
    if (file == null) {
      return List.of();
    }
    Map<String, String> asked = new LinkedHashMap<>();
    for (ProbePlan.PlannedProbe pp : plan.probes()) {
      if (pp.split() == split) {
        asked.putIfAbsent(pp.probe().source().question(), pp.probe().source().answer());
      }
    }
    Map<String, QaItem> known = new HashMap<>();
    for (QaItem item : EvalSets.read(EvalSets.perturbedSibling(file), 0)) {
      known.putIfAbsent(item.question(), item);
    }
    List<QaItem> out = new ArrayList<>();
    asked.forEach((q, a) -> out.add(known.getOrDefault(q, QaItem.of(q, a))));
    return out;
  }

  /**
   * Evaluates {@code arm}'s checkpoint, or returns the report of an earlier arm on the same
   * checkpoint.
   */
  TofuReport evaluate(ArmKind arm, Path checkpoint) {
    Path key = checkpoint.toAbsolutePath().normalize();
    TofuReport cached = done.get(key);
    if (cached != null) {
      progress.note(
          arm.wireName()
              + ": truth ratio / model utility: the weights of "
              + firstArm.get(key)
              + ", not evaluated again");
      return cached;
    }
    long t0 = System.nanoTime();
    TofuReport r;
    try (Checkpoint ckpt = Checkpoint.load(key)) {
      r = evaluate(arm, new ModelScorer(ckpt.model(), ckpt.tokenizer()));
    }
    progress.note(
        String.format(
            Locale.ROOT,
            "%s: truth ratio / model utility evaluated in %.1f s",
            arm.wireName(),
            (System.nanoTime() - t0) / 1e9));
    done.put(key, r);
    firstArm.put(key, arm.wireName());
    return r;
  }

  /** Evaluates {@code model} as {@code arm} (no caching; tests hand in a scripted model). */
  TofuReport evaluate(ArmKind arm, ScoringModel model) {
    Set<String> lastStage = new LinkedHashSet<>();
    return new TofuEvaluator(config)
        .evaluate(
            model,
            data,
            null,
            (stage, n, total) -> {
              if (n == total && lastStage.add(stage)) {
                progress.note(arm.wireName() + ": evaluated " + stage + " (" + total + " passes)");
              }
            });
  }

  /** The arm that first evaluated {@code checkpoint}, or null. */
  String evaluatedBy(Path checkpoint) {
    return firstArm.get(checkpoint.toAbsolutePath().normalize());
  }
}

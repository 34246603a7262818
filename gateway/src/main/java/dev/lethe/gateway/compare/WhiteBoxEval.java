package dev.lethe.gateway.compare;

import static java.util.Objects.requireNonNull;

import dev.lethe.unlearner.eval.ReferenceStats;
import dev.lethe.unlearner.eval.TofuMetrics;
import dev.lethe.unlearner.eval.TofuReport;
import java.util.List;

/**
 * The TOFU figures of one arm's weights ({@code report.json}'s {@code white_box_eval}), computed by
 * the unlearner's evaluator ({@link WhiteBoxEvaluation}) on the forget questions the compare asked
 * and on its retain / real_authors / world_facts questions.
 *
 * @param truthRatio the forget truth ratio as {@code lethe eval} reports it ({@link
 *     TofuMetrics#forgetTruthRatio}: mean of min(R, 1/R) over the forget questions; 1 = the model
 *     cannot tell the paraphrased answer from the perturbed ones), or null when no forget question
 *     has paraphrased and perturbed answers
 * @param forgetQuality the KS p-value of the arm's per-question truth ratios against the gold arm's
 *     on the same questions ({@link TofuMetrics#forgetQuality}, as {@code lethe eval --reference}),
 *     or null without a gold arm (or without truth ratios)
 * @param modelUtility TOFU model utility (harmonic mean of the nine numbers) on the compare's
 *     utility questions, or null when a split or its perturbed answers is missing
 * @param n forget questions with a truth ratio
 * @param utilityN utility questions evaluated (retain, real_authors and world_facts together)
 * @param reference what forget quality was measured against: {@code gold}, {@code self} (the gold
 *     arm, against its own ratios: 1 by definition) or {@code none}
 * @param sharedWith the earlier arm whose weights (and so figures) these are, e.g. {@code weights}
 *     for {@code weights+guard}, or null
 */
public record WhiteBoxEval(
    Double truthRatio,
    Double forgetQuality,
    Double modelUtility,
    int n,
    int utilityN,
    String reference,
    String sharedWith) {

  /** Checks. */
  public WhiteBoxEval {
    requireNonNull(reference, "reference");
  }

  /**
   * The figures of {@code arm}'s report, forget quality against {@code gold}'s truth ratios.
   *
   * @param arm the arm's evaluation
   * @param gold the gold arm's evaluation on the same questions, or null (no gold arm)
   * @param isGold whether {@code arm} is the gold arm itself
   * @param sharedWith see {@link #sharedWith}
   * @param utilityN see {@link #utilityN}
   */
  public static WhiteBoxEval of(
      TofuReport arm, TofuReport gold, boolean isGold, String sharedWith, int utilityN) {
    requireNonNull(arm, "arm");
    List<Double> ratios = arm.forgetTruthRatios();
    Double fq = null;
    String reference = "none";
    if (gold != null && !ratios.isEmpty() && !gold.forgetTruthRatios().isEmpty()) {
      ReferenceStats ref = gold.referenceStats();
      ref.requireCovers(arm.forgetTruthRatioQuestions());
      double[] mine = new double[ratios.size()];
      for (int i = 0; i < mine.length; i++) {
        mine[i] = ratios.get(i);
      }
      fq = TofuMetrics.forgetQuality(mine, ref.forgetTruthRatios());
      reference = isGold ? "self" : "gold";
    }
    return new WhiteBoxEval(
        finite(arm.forgetTruthRatio()),
        finite(fq),
        finite(arm.modelUtility()),
        ratios.size(),
        utilityN,
        reference,
        sharedWith);
  }

  private static Double finite(Double v) {
    return v == null || !Double.isFinite(v) ? null : v;
  }
}

package dev.lethe.unlearner.eval;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One model's TOFU evaluation. Every number is null when the data for it was not given. {@link
 * #toMap()} gives the JSON shape (snake_case keys, nulls kept) that {@code lethe eval} prints and
 * {@code report.json} embeds as {@code before}/{@code after}.
 *
 * @param forgetQuality KS p-value of forget truth ratios against the retain model's (needs {@link
 *     ReferenceStats})
 * @param modelUtility harmonic mean of the nine utility numbers
 * @param forgetRouge mean ROUGE-L recall of greedy answers on the forget set
 * @param retainRouge mean ROUGE-L recall on the retain set
 * @param forgetTruthRatio forget aggregate mean(min(R, 1/R))
 * @param miaAuc headline MIA AUC: Min-k% (k = 0.4), forget vs holdout; 0.5 = indistinguishable
 * @param privleak relative Min-k% AUC gap to the retain model (0.5 assumed without reference), in %
 * @param forgetProbability mean p̄ of the forget answers
 * @param forgetExtractionStrength mean extraction strength on the forget set
 * @param retainProbability mean p̄ of the retain answers
 * @param retainTruthRatio retain aggregate mean(max(0, 1 − R))
 * @param realAuthorsProbability mean option-normalised probability on real authors
 * @param realAuthorsRouge mean ROUGE-L recall on real authors
 * @param realAuthorsTruthRatio real-authors aggregate mean(max(0, 1 − R))
 * @param worldFactsProbability mean option-normalised probability on world facts
 * @param worldFactsRouge mean ROUGE-L recall on world facts
 * @param worldFactsTruthRatio world-facts aggregate mean(max(0, 1 − R))
 * @param miaLossAuc LOSS attack AUC
 * @param miaZlibAuc ZLib attack AUC
 * @param miaMinKAuc Min-k% attack AUC (same as miaAuc)
 * @param miaMinKPlusPlusAuc Min-k%++ attack AUC (null when the model gives no vocabulary stats)
 * @param forgetTruthRatios per-question truth ratios on the forget set (input to another model's
 *     forget quality when this model is the retain model); empty when not computed
 * @param forgetTruthRatioQuestions the question of each entry of {@code forgetTruthRatios}, so a
 *     saved report can be checked to cover another run's questions
 */
public record TofuReport(
    Double forgetQuality,
    Double modelUtility,
    Double forgetRouge,
    Double retainRouge,
    Double forgetTruthRatio,
    Double miaAuc,
    Double privleak,
    Double forgetProbability,
    Double forgetExtractionStrength,
    Double retainProbability,
    Double retainTruthRatio,
    Double realAuthorsProbability,
    Double realAuthorsRouge,
    Double realAuthorsTruthRatio,
    Double worldFactsProbability,
    Double worldFactsRouge,
    Double worldFactsTruthRatio,
    Double miaLossAuc,
    Double miaZlibAuc,
    Double miaMinKAuc,
    Double miaMinKPlusPlusAuc,
    List<Double> forgetTruthRatios,
    List<String> forgetTruthRatioQuestions) {

  /** Copies the lists. */
  public TofuReport {
    forgetTruthRatios = forgetTruthRatios == null ? List.of() : List.copyOf(forgetTruthRatios);
    forgetTruthRatioQuestions =
        forgetTruthRatioQuestions == null ? List.of() : List.copyOf(forgetTruthRatioQuestions);
  }

  /** What another model's evaluation needs from this one when this is the retain model. */
  public ReferenceStats referenceStats() {
    double[] ratios = new double[forgetTruthRatios.size()];
    for (int i = 0; i < ratios.length; i++) {
      ratios[i] = forgetTruthRatios.get(i);
    }
    return new ReferenceStats(
        ratios,
        miaMinKAuc,
        forgetTruthRatioQuestions.size() == ratios.length ? forgetTruthRatioQuestions : List.of());
  }

  /**
   * The JSON object: the six contract keys first ({@code forget_quality}, {@code model_utility},
   * {@code forget_rouge}, {@code retain_rouge}, {@code forget_truth_ratio}, {@code mia_auc}), then
   * the extras, then {@code forget_truth_ratio_by_question} and {@code
   * forget_truth_ratio_questions}. Non-finite numbers become null.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("forget_quality", finite(forgetQuality));
    m.put("model_utility", finite(modelUtility));
    m.put("forget_rouge", finite(forgetRouge));
    m.put("retain_rouge", finite(retainRouge));
    m.put("forget_truth_ratio", finite(forgetTruthRatio));
    m.put("mia_auc", finite(miaAuc));
    m.put("privleak", finite(privleak));
    m.put("forget_probability", finite(forgetProbability));
    m.put("forget_extraction_strength", finite(forgetExtractionStrength));
    m.put("retain_probability", finite(retainProbability));
    m.put("retain_truth_ratio", finite(retainTruthRatio));
    m.put("real_authors_probability", finite(realAuthorsProbability));
    m.put("real_authors_rouge", finite(realAuthorsRouge));
    m.put("real_authors_truth_ratio", finite(realAuthorsTruthRatio));
    m.put("world_facts_probability", finite(worldFactsProbability));
    m.put("world_facts_rouge", finite(worldFactsRouge));
    m.put("world_facts_truth_ratio", finite(worldFactsTruthRatio));
    m.put("mia_loss_auc", finite(miaLossAuc));
    m.put("mia_zlib_auc", finite(miaZlibAuc));
    m.put("mia_min_k_auc", finite(miaMinKAuc));
    m.put("mia_min_k_plus_plus_auc", finite(miaMinKPlusPlusAuc));
    List<Double> ratios = new ArrayList<>(forgetTruthRatios.size());
    for (Double r : forgetTruthRatios) {
      ratios.add(finite(r));
    }
    m.put("forget_truth_ratio_by_question", Collections.unmodifiableList(ratios));
    m.put("forget_truth_ratio_questions", forgetTruthRatioQuestions);
    return Collections.unmodifiableMap(m);
  }

  private static Double finite(Double v) {
    return v == null || v.isNaN() || v.isInfinite() ? null : v;
  }
}

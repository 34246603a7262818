package dev.lethe.unlearner.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A scripted model whose every answer has hand-chosen per-token log-probabilities, so that each
 * number of the report can be computed by hand (see the comments).
 */
class TofuEvaluatorTest {

  private static final double LN2 = Math.log(2);
  private static final double LN4 = Math.log(4);
  private static final double LN8 = Math.log(8);

  /** Answer text → per-token log-probs and greedy matches; question → generation. */
  private static final class ScriptedModel implements ScoringModel {
    final Map<String, AnswerScores> scores = new HashMap<>();
    final Map<String, String> generations = new HashMap<>();
    final List<String> calls = new ArrayList<>();

    void answer(String text, double... logProbs) {
      scores.put(text, AnswerScores.ofLogProbs(logProbs));
    }

    @Override
    public AnswerScores score(String question, String answer) {
      calls.add("score " + answer);
      AnswerScores s = scores.get(answer);
      if (s == null) {
        throw new AssertionError("unscripted answer " + answer);
      }
      return s;
    }

    final List<Integer> batchSizes = new ArrayList<>();

    @Override
    public List<AnswerScores> scoreBatch(List<String> questions, List<String> answers) {
      batchSizes.add(questions.size());
      return ScoringModel.super.scoreBatch(questions, answers);
    }

    @Override
    public String generate(String question, int maxNewTokens) {
      calls.add("generate " + question + " " + maxNewTokens);
      return generations.getOrDefault(question, "");
    }
  }

  private static ScriptedModel model() {
    ScriptedModel m = new ScriptedModel();
    // forget 1: p̄(answer) = exp(−(ln4 + 0)/2) = 1/2, greedy matches only the last token → ES =
    // 1 − 1/2. Its tokens differ, so LOSS (mean NLL ln2) and Min-k% (least likely token, ln4)
    // differ.
    m.scores.put(
        "alpha beta",
        new AnswerScores(new double[] {-LN4, 0}, new boolean[] {false, true}, null, null, false));
    // forget 2: p̄ = 1/4, all tokens greedy → ES = 1
    m.scores.put(
        "gamma delta",
        new AnswerScores(new double[] {-LN4, -LN4}, new boolean[] {true, true}, null, null, false));
    // Paraphrases differ from the answers in probability, so a truth ratio computed against the
    // answer instead of the paraphrase gives other numbers (0.5 and 2, swapped).
    m.answer("p1", -LN8); // paraphrase 1: p̄ 1/8 (the answer's is 1/2)
    m.answer("w1a", -LN4); // wrong: p̄ 1/4 → R1 = 0.25 / 0.125 = 2
    m.answer("w1b", -LN4);
    m.answer("p2", 0); // paraphrase 2: p̄ 1 (the answer's is 1/4)
    m.answer("w2a", -LN2); // wrong: p̄ 1/2 → R2 = 0.5
    m.answer("w2b", -LN2);
    m.generations.put("qf1", "Alpha beta."); // ROUGE recall 1
    m.generations.put("qf2", "gamma"); // ROUGE recall 1/2
    // holdout losses ln8 and ln2
    m.answer("eps", -LN8, -LN8);
    m.answer("zeta", -LN2, -LN2);
    // retain: p̄ 1/2, paraphrase p̄ 1/4, wrong p̄ 1/8 → R = 0.5 → utility TR 0.5 (against the
    // answer it would be 0.75); ROUGE 1
    m.answer("retain answer", -LN2);
    m.answer("rp", -LN4);
    m.answer("rw", -LN8);
    m.generations.put("qr", "retain answer");
    // real authors: p̄ 1/2, two wrong p̄ 1/4 → option prob 1/2, R = 0.5 → TR 0.5; ROUGE 1
    m.answer("real", -LN2);
    m.answer("ra1", -LN4);
    m.answer("ra2", -LN4);
    m.generations.put("qa", "real");
    // world facts: p̄ 1/2, one wrong p̄ 1/4 → option 2/3, R = 0.5 → TR 0.5; ROUGE 1/2
    m.answer("paris france", -LN2);
    m.answer("wf1", -LN4);
    m.generations.put("qw", "Paris");
    return m;
  }

  private static TofuData data() {
    return new TofuData(
        List.of(
            new QaItem("qf1", "alpha beta", "p1", List.of("w1a", "w1b")),
            new QaItem("qf2", "gamma delta", "p2", List.of("w2a", "w2b"))),
        List.of(new QaItem("qr", "retain answer", "rp", List.of("rw"))),
        List.of(new QaItem("qa", "real", null, List.of("ra1", "ra2"))),
        List.of(new QaItem("qw", "paris france", null, List.of("wf1"))),
        List.of(QaItem.of("qh1", "eps"), QaItem.of("qh2", "zeta")));
  }

  @Test
  void computesEveryNumberOfTheReport() {
    ScriptedModel model = model();
    List<String> progress = new ArrayList<>();
    ReferenceStats reference = new ReferenceStats(new double[] {10, 20}, 0.4);
    TofuReport r =
        new TofuEvaluator(TofuEvalConfig.DEFAULTS)
            .evaluate(model, data(), reference, (s, d, t) -> progress.add(s + " " + d + "/" + t));

    assertThat(r.forgetRouge()).isCloseTo(0.75, within(1e-12));
    assertThat(r.forgetProbability()).isCloseTo(0.375, within(1e-12));
    assertThat(r.forgetExtractionStrength()).isCloseTo(0.75, within(1e-12));
    assertThat(r.forgetTruthRatios()).hasSize(2);
    assertThat(r.forgetTruthRatios().get(0)).isCloseTo(2.0, within(1e-8));
    assertThat(r.forgetTruthRatios().get(1)).isCloseTo(0.5, within(1e-9));
    assertThat(r.forgetTruthRatio()).isCloseTo(0.5, within(1e-8));
    assertThat(r.forgetTruthRatioQuestions()).containsExactly("qf1", "qf2");
    // {2, 0.5} vs {10, 20}: separated n = m = 2 → p = 1/3
    assertThat(r.forgetQuality()).isCloseTo(1.0 / 3, within(1e-12));

    // LOSS: forget {ln2, ln4}, holdout (positive) {ln8, ln2}: wins ln8>ln2, ln8>ln4, tie ln2=ln2
    // (½), loss ln2<ln4 → 2.5/4.
    assertThat(r.miaLossAuc()).isCloseTo(0.625, within(1e-12));
    // Min-k (k=0.4 of 2 tokens → the least likely one): forget {ln4, ln4}, holdout {ln8, ln2}:
    // 2 wins, 2 losses → 0.5, not LOSS's 0.625
    assertThat(r.miaMinKAuc()).isCloseTo(0.5, within(1e-12));
    assertThat(r.miaAuc()).isEqualTo(r.miaMinKAuc());
    // ZLib: forget ln2/18, ln4/19; holdout ln8/11, ln2/12 → 3 of 4 pairs won
    assertThat(r.miaZlibAuc()).isCloseTo(0.75, within(1e-12));
    assertThat(r.miaMinKPlusPlusAuc()).isNull();
    // privleak from Min-k% against the reference's 0.4: ((1 − 0.5) − 0.6) / 0.6 × 100 (LOSS's
    // AUC would give −37.5)
    assertThat(r.privleak()).isCloseTo(-100.0 / 6, within(1e-6));

    assertThat(r.retainProbability()).isCloseTo(0.5, within(1e-12));
    assertThat(r.retainRouge()).isEqualTo(1.0);
    assertThat(r.retainTruthRatio()).isCloseTo(0.5, within(1e-9));
    assertThat(r.realAuthorsProbability()).isCloseTo(0.5, within(1e-9));
    assertThat(r.realAuthorsRouge()).isEqualTo(1.0);
    assertThat(r.realAuthorsTruthRatio()).isCloseTo(0.5, within(1e-9));
    assertThat(r.worldFactsProbability()).isCloseTo(2.0 / 3, within(1e-9));
    assertThat(r.worldFactsRouge()).isEqualTo(0.5);
    assertThat(r.worldFactsTruthRatio()).isCloseTo(0.5, within(1e-9));
    // 9 / (2 + 1 + 2 + 2 + 1 + 2 + 3/2 + 2 + 2)
    assertThat(r.modelUtility()).isCloseTo(9 / 15.5, within(1e-8));

    assertThat(model.calls).contains("generate qf1 200");
    // forget: 2 generations + 8 scoring requests (2 answers, 2 paraphrases, 4 wrong answers)
    assertThat(progress).contains("forget 2/10", "forget 10/10", "retain 4/4", "holdout 2/2");
  }

  @Test
  void missingDataGivesNullsAndJsonKeepsThem() {
    TofuData forgetOnly =
        new TofuData(
            List.of(QaItem.of("qf1", "alpha beta"), QaItem.of("qf2", "gamma delta")),
            null,
            null,
            null,
            null);
    TofuReport r = new TofuEvaluator(TofuEvalConfig.DEFAULTS).evaluate(model(), forgetOnly);
    assertThat(r.forgetRouge()).isCloseTo(0.75, within(1e-12));
    assertThat(r.forgetQuality()).isNull();
    assertThat(r.forgetTruthRatio()).isNull();
    assertThat(r.modelUtility()).isNull();
    assertThat(r.miaAuc()).isNull();
    assertThat(r.privleak()).isNull();
    Map<String, Object> json = r.toMap();
    assertThat(json)
        .containsKeys(
            "forget_quality",
            "model_utility",
            "forget_rouge",
            "retain_rouge",
            "forget_truth_ratio",
            "mia_auc");
    assertThat(json.get("forget_quality")).isNull();
    assertThat(json.get("forget_rouge")).isEqualTo(0.75);
    assertThat(List.copyOf(json.keySet()).subList(0, 6))
        .containsExactly(
            "forget_quality",
            "model_utility",
            "forget_rouge",
            "retain_rouge",
            "forget_truth_ratio",
            "mia_auc");
  }

  @Test
  void retainModelReportFeedsForgetQuality() {
    TofuEvaluator evaluator = new TofuEvaluator(TofuEvalConfig.DEFAULTS);
    TofuReport retainModel = evaluator.evaluate(model(), data());
    // The same model as its own reference: identical truth ratios → D = 0 → p = 1, privleak 0.
    TofuReport again =
        evaluator.evaluate(
            model(), data(), retainModel.referenceStats(), TofuEvaluator.Progress.none());
    assertThat(again.forgetQuality()).isEqualTo(1.0);
    assertThat(again.privleak()).isCloseTo(0, within(1e-6));
  }

  @Test
  void requestsGoToTheModelInBatches() {
    ScriptedModel model = model();
    TofuReport r = new TofuEvaluator(new TofuEvalConfig(200, 0.4, 3)).evaluate(model, data());
    // forget: 8 scoring requests → 3 + 3 + 2; retain 3; real authors 3; world facts 2; holdout 2
    assertThat(model.batchSizes).containsExactly(3, 3, 2, 3, 3, 2, 2);
    assertThat(r.forgetTruthRatio()).isCloseTo(0.5, within(1e-8));
    assertThat(r.modelUtility()).isCloseTo(9 / 15.5, within(1e-8));
  }

  @Test
  void aModelReturningTooFewResultsFailsLoudly() {
    ScoringModel broken =
        new ScoringModel() {
          @Override
          public AnswerScores score(String question, String answer) {
            return AnswerScores.ofLogProbs(-1);
          }

          @Override
          public String generate(String question, int maxNewTokens) {
            return "";
          }

          @Override
          public List<String> generateBatch(List<String> questions, int maxNewTokens) {
            return List.of();
          }
        };
    assertThatThrownBy(() -> new TofuEvaluator(TofuEvalConfig.DEFAULTS).evaluate(broken, data()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("model results: 0 (expected: 2, one per request)");
  }

  @Test
  void referenceStatsSurviveTheJsonShape() {
    TofuReport retainModel = new TofuEvaluator(TofuEvalConfig.DEFAULTS).evaluate(model(), data());
    ReferenceStats stats = ReferenceStats.fromReport(retainModel.toMap());
    assertThat(stats.forgetTruthRatios()).hasSize(2);
    assertThat(stats.forgetTruthRatios()[0]).isCloseTo(2.0, within(1e-8));
    assertThat(stats.minKAuc()).isCloseTo(0.5, within(1e-12));
    assertThat(stats.forgetQuestions()).containsExactly("qf1", "qf2");
    assertThatThrownBy(() -> ReferenceStats.fromReport(Map.of("mia_min_k_auc", 0.5)))
        .hasMessageContaining("forget_truth_ratio_by_question: null (expected:");
  }

  @Test
  void aReferenceThatDoesNotCoverTheRunsQuestionsIsAnErrorNamingTheDifference() {
    TofuEvaluator evaluator = new TofuEvaluator(TofuEvalConfig.DEFAULTS);
    TofuData data = data();
    // made on another split: one question differs
    ReferenceStats other =
        new ReferenceStats(new double[] {1, 2}, 0.5, List.of("qf1", "some other question"));
    assertThatThrownBy(
            () -> evaluator.evaluate(model(), data, other, TofuEvaluator.Progress.none()))
        .isInstanceOf(dev.lethe.config.ConfigException.class)
        .hasMessageContaining("covers 2 forget questions, this run evaluates 2")
        .hasMessageContaining("1 of the run's are not in it, first: \"qf2\"")
        .hasMessageContaining("1 of its are not in the run, first: \"some other question\"");
    // a longer reference (no --eval-limit when it was made)
    ReferenceStats longer =
        new ReferenceStats(new double[] {1, 2, 3}, 0.5, List.of("qf1", "qf2", "qf3"));
    assertThatThrownBy(
            () -> evaluator.evaluate(model(), data, longer, TofuEvaluator.Progress.none()))
        .hasMessageContaining("covers 3 forget questions, this run evaluates 2");
    // an old report without questions: only the count can be checked
    ReferenceStats unnamed = new ReferenceStats(new double[] {1, 2, 3}, 0.5);
    assertThatThrownBy(
            () -> evaluator.evaluate(model(), data, unnamed, TofuEvaluator.Progress.none()))
        .hasMessageContaining("truth ratios for 3 forget questions, this run evaluates 2");
    // the same questions pass, and so does a saved report of them
    TofuReport ok =
        evaluator.evaluate(
            model(),
            data,
            ReferenceStats.fromReport(evaluator.evaluate(model(), data).toMap()),
            TofuEvaluator.Progress.none());
    assertThat(ok.forgetQuality()).isEqualTo(1.0);
  }
}

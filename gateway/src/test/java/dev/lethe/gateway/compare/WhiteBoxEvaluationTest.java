package dev.lethe.gateway.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.probes.Family;
import dev.lethe.unlearner.eval.AnswerScores;
import dev.lethe.unlearner.eval.ScoringModel;
import dev.lethe.unlearner.eval.TofuData;
import dev.lethe.unlearner.eval.TofuEvalConfig;
import dev.lethe.unlearner.eval.TofuReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The white-box evaluation of compare on a hand-made case: four forget questions with a paraphrased
 * and two perturbed answers each (the forget file's {@code _perturbed} sibling), two scripted
 * models whose per-answer losses are chosen so the truth ratios and the KS p-value can be computed
 * by hand, run through compare's path ({@link WhiteBoxEvaluation#data}, the unlearner's evaluator,
 * {@link WhiteBoxEval#of}, {@code report.json}).
 */
class WhiteBoxEvaluationTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  static Path forget;
  static Path goldDir;

  @BeforeAll
  static void data() throws Exception {
    List<String> plain = new ArrayList<>();
    List<String> perturbed = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      plain.add(JSON.writeValueAsString(Map.of("question", "Q" + i + "?", "answer", "A" + i)));
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("question", "Q" + i + "?");
      row.put("answer", "A" + i);
      row.put("paraphrased_answer", "P" + i);
      row.put("perturbed_answer", List.of("W" + i + "a", "W" + i + "b"));
      perturbed.add(JSON.writeValueAsString(row));
    }
    forget = Files.writeString(tmp.resolve("forget.json"), String.join("\n", plain));
    Files.writeString(tmp.resolve("forget_perturbed.json"), String.join("\n", perturbed));
    goldDir = Files.createDirectories(tmp.resolve("gold"));
  }

  static CompareOptions options() {
    return new CompareOptions(
        List.of(ArmKind.RAW, ArmKind.GOLD),
        forget,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        goldDir,
        EnumSet.of(Family.ORIGINAL, Family.ENCODING),
        4,
        1,
        3L,
        8,
        null,
        1,
        true,
        null);
  }

  /** A model whose loss on an answer is {@code loss(answer)} (one token), answering "". */
  static ScoringModel scripted(ToDoubleFunction<String> loss) {
    return new ScoringModel() {
      @Override
      public AnswerScores score(String question, String answer) {
        return AnswerScores.ofLogProbs(-loss.applyAsDouble(answer));
      }

      @Override
      public String generate(String question, int maxNewTokens) {
        return "";
      }
    };
  }

  @Test
  void theAskedForgetQuestionsGetTheirParaphrasedAndPerturbedAnswers() {
    CompareOptions options = options();
    TofuData data = WhiteBoxEvaluation.data(options, ProbePlan.of(options));
    // each question is asked bare and encoded: once in the evaluation, in the file's order
    assertThat(data.forget())
        .extracting(q -> q.question())
        .containsExactly("Q1?", "Q2?", "Q3?", "Q4?");
    assertThat(data.forget().get(1).paraphrasedAnswer()).isEqualTo("P2");
    assertThat(data.forget().get(1).perturbedAnswers()).containsExactly("W2a", "W2b");
    assertThat(data.retain()).isEmpty();
  }

  @Test
  void truthRatioAndForgetQualityByHand() throws Exception {
    CompareOptions options = options();
    WhiteBoxEvaluation eval =
        new WhiteBoxEvaluation(
            WhiteBoxEvaluation.data(options, ProbePlan.of(options)),
            CompareEngine.evalConfig(options),
            CompareProgress.NONE);
    // arm: paraphrase loss 1, both wrong answers of question i loss 1 + i, so
    //   R_i = exp(-(1 + i)) / exp(-1) = e^-i, and the truth ratio is mean(min(R, 1/R)) =
    //   (e^-1 + e^-2 + e^-3 + e^-4) / 4 = 0.1678...
    TofuReport arm =
        eval.evaluate(
            ArmKind.RAW,
            scripted(a -> a.startsWith("W") ? 1 + Integer.parseInt(a.substring(1, 2)) : 1.0));
    // gold: every answer loss 1, so R_i = 1 for every question (truth ratio 1)
    TofuReport gold = eval.evaluate(ArmKind.GOLD, scripted(a -> 1.0));
    double expected = (Math.exp(-1) + Math.exp(-2) + Math.exp(-3) + Math.exp(-4)) / 4;

    WhiteBoxEval withGold = WhiteBoxEval.of(arm, gold, false, null, eval.utilityN());
    assertThat(withGold.truthRatio()).isCloseTo(expected, within(1e-9));
    assertThat(withGold.n()).isEqualTo(4);
    // KS: every arm ratio (at most e^-1) lies below every gold ratio (1): D = 1, and with n = m = 4
    // only 2 of the C(8, 4) = 70 equally likely orders reach D = 1: p = 2/70
    assertThat(withGold.forgetQuality()).isCloseTo(2 / 70.0, within(1e-12));
    assertThat(withGold.reference()).isEqualTo("gold");
    // no utility questions: model utility does not exist
    assertThat(withGold.modelUtility()).isNull();
    assertThat(withGold.utilityN()).isZero();

    WhiteBoxEval self = WhiteBoxEval.of(gold, gold, true, null, 0);
    assertThat(self.truthRatio()).isCloseTo(1.0, within(1e-9));
    assertThat(self.forgetQuality()).isEqualTo(1.0);
    assertThat(self.reference()).isEqualTo("self");

    // without a gold arm: the truth ratio, and forget quality null, never a made-up number
    WhiteBoxEval alone = WhiteBoxEval.of(arm, null, false, null, 0);
    assertThat(alone.truthRatio()).isCloseTo(expected, within(1e-9));
    assertThat(alone.forgetQuality()).isNull();
    assertThat(alone.reference()).isEqualTo("none");

    // report.json: the arm's white_box_eval object, nulls kept
    JsonNode o = ReportJson.whiteBoxEval(withGold);
    assertThat(o.path("truth_ratio").asDouble()).isCloseTo(expected, within(1e-6));
    assertThat(o.path("forget_quality").asDouble()).isCloseTo(2 / 70.0, within(1e-7));
    assertThat(o.path("model_utility").isNull()).isTrue();
    assertThat(o.path("n").asInt()).isEqualTo(4);
    assertThat(o.path("forget_quality_reference").asText()).isEqualTo("gold");
    assertThat(o.path("shared_with").isNull()).isTrue();
    JsonNode none = ReportJson.whiteBoxEval(alone);
    assertThat(none.has("forget_quality")).isTrue();
    assertThat(none.path("forget_quality").isNull()).isTrue();
  }

  @Test
  void smallForgetQualitiesKeepTheirSignificantDigits() {
    WhiteBoxEval e = new WhiteBoxEval(0.5, 1.234567e-9, 0.25, 40, 60, "gold", "weights");
    JsonNode o = ReportJson.whiteBoxEval(e);
    assertThat(o.path("forget_quality").asDouble()).isEqualTo(1.23457e-9);
    assertThat(o.path("shared_with").asText()).isEqualTo("weights");
  }

  @Test
  void theEvaluationBudgetIsTheArmsAnswerLength() {
    TofuEvalConfig c = CompareEngine.evalConfig(options());
    assertThat(c.maxNewTokens()).isEqualTo(8);
    assertThat(c.minKFraction()).isEqualTo(TofuEvalConfig.DEFAULTS.minKFraction());
  }
}

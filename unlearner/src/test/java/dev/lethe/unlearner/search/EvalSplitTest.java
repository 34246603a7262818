package dev.lethe.unlearner.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.eval.QaItem;
import dev.lethe.unlearner.eval.ReferenceStats;
import dev.lethe.unlearner.eval.TofuData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The search's validation/test split, replayed from a report for {@code lethe eval --half}. */
class EvalSplitTest {
  private static List<QaItem> items(String prefix, int n, boolean perturbed) {
    List<QaItem> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          perturbed
              ? new QaItem(prefix + i + "?", "a" + i, "p" + i, List.of("x", "y"))
              : QaItem.of(prefix + i + "?", "a" + i));
    }
    return out;
  }

  private static final TofuData DATA =
      new TofuData(
          items("f", 10, true), items("r", 6, false), List.of(), List.of(), items("h", 4, false));

  private static List<String> questions(List<QaItem> items) {
    return items.stream().map(QaItem::question).toList();
  }

  @Test
  void replayingAReportGivesTheSearchsHalves() {
    EvalSplit search = EvalSplit.of(DATA, 42);
    Map<String, Object> report =
        Map.of("search", Map.of("split_seed", 42, "validation_questions", 5, "test_questions", 5));
    EvalSplit replayed = EvalSplit.replay(report, DATA, "--questions-from");
    assertThat(replayed).isEqualTo(search);
    assertThat(replayed.half(EvalSplit.Half.TEST)).isEqualTo(search.test());
    assertThat(replayed.half(EvalSplit.Half.VALIDATION)).isEqualTo(search.validation());
    assertThat(questions(replayed.test().forget()))
        .hasSize(5)
        .doesNotContainAnyElementsOf(questions(replayed.validation().forget()));
    // another seed is another split (a wrong seed would not pass)
    assertThat(EvalSplit.of(DATA, 43).test().forget()).isNotEqualTo(search.test().forget());
    // the forget set's split does not depend on the other sets: a run evaluated without a holdout
    // file has the same forget halves as one with it
    TofuData noHoldout = new TofuData(DATA.forget(), DATA.retain(), null, null, null);
    assertThat(EvalSplit.of(noHoldout, 42).test().forget()).isEqualTo(search.test().forget());
  }

  @Test
  void aReportFromAnotherSetOrWithoutASearchIsRefused() {
    assertThatThrownBy(() -> EvalSplit.replay(Map.of("method", "npo"), DATA, "--questions-from"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("--questions-from: the report has no search block");
    Map<String, Object> other =
        Map.of("search", Map.of("split_seed", 1, "validation_questions", 20, "test_questions", 20));
    assertThatThrownBy(() -> EvalSplit.replay(other, DATA, "--questions-from"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("the search split 40 forget questions (20 validation, 20 test)")
        .hasMessageContaining("these evaluation files give 10");
    Map<String, Object> noSeed =
        Map.of("search", Map.of("validation_questions", 5, "test_questions", 5));
    assertThatThrownBy(() -> EvalSplit.replay(noSeed, DATA, "--questions-from"))
        .hasMessage("--questions-from: search.split_seed: null (expected: a number)");
    Map<String, Object> uneven =
        Map.of("search", Map.of("split_seed", 1, "validation_questions", 6, "test_questions", 4));
    assertThatThrownBy(() -> EvalSplit.replay(uneven, DATA, "--questions-from"))
        .hasMessageContaining("search.validation_questions: 6");
    assertThatThrownBy(() -> EvalSplit.Half.parse("--half", "train"))
        .hasMessage("--half: \"train\" (expected: validation or test)");
    assertThat(EvalSplit.Half.parse("--half", " Test ")).isEqualTo(EvalSplit.Half.TEST);
  }

  @Test
  void theReferenceIsRestrictedToTheHalfsQuestionsInItsOrder() {
    double[] ratios = new double[10];
    for (int i = 0; i < ratios.length; i++) {
      ratios[i] = i / 10.0;
    }
    ReferenceStats all = new ReferenceStats(ratios, 0.4, questions(DATA.forget()));
    EvalSplit split = EvalSplit.of(DATA, 7);
    ReferenceStats test = EvalSplit.reference(all, split.test());
    assertThat(test.forgetQuestions()).isEqualTo(questions(split.test().forget()));
    for (int i = 0; i < test.forgetTruthRatios().length; i++) {
      // question "f<k>?" had ratio k / 10
      String q = test.forgetQuestions().get(i);
      int k = Integer.parseInt(q.substring(1, q.length() - 1));
      assertThat(test.forgetTruthRatios()[i]).isEqualTo(k / 10.0);
    }
    assertThat(test.minKAuc()).isEqualTo(0.4);
    assertThat(EvalSplit.reference(null, split.test())).isNull();
  }
}

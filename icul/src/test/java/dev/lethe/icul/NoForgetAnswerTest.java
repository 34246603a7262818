package dev.lethe.icul;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.icul.pool.QaPair;
import dev.lethe.icul.pool.QaPool;
import dev.lethe.icul.pool.Texts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The true forget answer never enters the context, even when the retain pool holds it: TOFU
 * forget01 (two authors) as two rules, and a retain pool that contains their 40 true QA pairs.
 */
class NoForgetAnswerTest {
  private static final List<QaPair> TRUTH = Fixtures.forgetTruth().pairs();

  private static List<ForgetRule> rules(boolean withSubjects) {
    List<String> basil = TRUTH.subList(0, 20).stream().map(QaPair::question).toList();
    List<String> nikolai = TRUTH.subList(20, 40).stream().map(QaPair::question).toList();
    return List.of(
        Fixtures.rule(
            "basil",
            "Forget the author Basil Mahfouz Al-Kuwaiti",
            withSubjects ? List.of("Basil Mahfouz Al-Kuwaiti") : List.of(),
            basil,
            Action.ICUL),
        Fixtures.rule(
            "nikolai",
            "Forget the author Nikolai Abilov",
            withSubjects ? List.of("Nikolai Abilov") : List.of(),
            nikolai,
            Action.REFUSE));
  }

  private static QaPool poolWithTruth() {
    List<QaPair> pairs = new ArrayList<>(Fixtures.retain().pairs());
    pairs.addAll(TRUTH);
    return new QaPool(pairs);
  }

  private static IculComposer composer(FlipMode mode) {
    return new IculComposer(
        IculConfig.defaults().withDemos(3, 8).withFlip(FlipPolicy.of(mode)),
        new HashingEmbedder(256),
        poolWithTruth(),
        Fixtures.refusals(),
        Fixtures.wrongAnswers(),
        TokenEstimator.charsPerToken4(),
        new SimpleMeterRegistry());
  }

  private static ObjectNode request(String text) {
    ObjectNode r = new ObjectMapper().createObjectNode();
    r.put("model", "m");
    r.putArray("messages").addObject().put("role", "user").put("content", text);
    return r;
  }

  private static void assertNoTrueAnswer(Composition c) {
    String all = Texts.normalize(c.request().toString());
    for (QaPair p : TRUTH) {
      assertThat(all).doesNotContain(Texts.normalize(p.answer()));
    }
    for (Demonstration d : c.demonstrations()) {
      if (d.kind() == Demonstration.Kind.RETAIN) {
        assertThat(TRUTH).extracting(QaPair::question).doesNotContain(d.question());
      }
    }
  }

  @Test
  void noTrueForgetAnswerForAnyRuleOrFlipMode() {
    for (boolean withSubjects : new boolean[] {true, false}) {
      RuleSet rules = new RuleSet(1, rules(withSubjects));
      for (FlipMode mode : FlipMode.values()) {
        IculComposer composer = composer(mode);
        ForgetRule basil = rules.rule("basil").orElseThrow();
        for (QaPair p : TRUTH) {
          // The matched rule is Basil's for every query, so Nikolai's QA (in the scope of a
          // rule that did not match) must be kept out too.
          Composition c = composer.compose(request(p.question()), basil, rules);
          assertThat(c.demonstrations()).hasSize(11);
          assertNoTrueAnswer(c);
        }
      }
    }
  }

  @Test
  void wrongAnswerModeUsesPerturbedAnswers() {
    RuleSet rules = new RuleSet(1, rules(true));
    ForgetRule basil = rules.rule("basil").orElseThrow();
    Composition c =
        composer(FlipMode.WRONG_ANSWER).compose(request(TRUTH.get(0).question()), basil, rules);
    List<Demonstration> forget =
        c.demonstrations().stream().filter(d -> d.kind() == Demonstration.Kind.FORGET).toList();
    assertThat(forget).hasSize(3);
    assertThat(forget.get(0).question()).isEqualTo(TRUTH.get(0).question());
    assertThat(forget.get(0).answer()).contains("Al-Kuwaiti").isNotEqualTo(TRUTH.get(0).answer());
    assertThat(Fixtures.refusals().lines()).doesNotContain(forget.get(0).answer());
  }

  @Test
  void refusalModeUsesRefusalLines() {
    RuleSet rules = new RuleSet(1, rules(true));
    Composition c =
        composer(FlipMode.REFUSAL)
            .compose(request(TRUTH.get(3).question()), rules.rule("basil").orElseThrow(), rules);
    List<Demonstration> forget =
        c.demonstrations().stream().filter(d -> d.kind() == Demonstration.Kind.FORGET).toList();
    // Without any forget demonstration the check below would pass vacuously.
    assertThat(forget).isNotEmpty();
    forget.forEach(d -> assertThat(Fixtures.refusals().lines()).contains(d.answer()));
  }

  @Test
  void perRuleFlipOverridesTheDefault() {
    FlipPolicy p =
        new FlipPolicy(FlipMode.REFUSAL, java.util.Map.of("basil", FlipMode.WRONG_ANSWER));
    assertThat(p.modeFor("basil")).isEqualTo(FlipMode.WRONG_ANSWER);
    assertThat(p.modeFor("other")).isEqualTo(FlipMode.REFUSAL);
  }

  @Test
  void aParaphraseOfAnExampleIsOutOfTheRetainPool() {
    ForgetRule rule =
        Fixtures.rule(
            "r",
            "",
            List.of(),
            List.of("What genre does Basil Mahfouz Al-Kuwaiti write in?"),
            Action.ICUL);
    RuleSet rules = new RuleSet(1, List.of(rule));
    List<QaPair> pairs = new ArrayList<>(Fixtures.retain().pairs().subList(0, 10));
    pairs.add(new QaPair("what genre does Basil Mahfouz Al-Kuwaiti write in", "French literature"));
    pairs.add(new QaPair("In which genre does Basil Mahfouz Al-Kuwaiti write?", "Fiction"));
    IculComposer composer =
        new IculComposer(
            IculConfig.defaults().withDemos(0, 12).withScopeThreshold(0.6),
            new HashingEmbedder(256),
            new QaPool(pairs),
            Fixtures.refusals(),
            Fixtures.wrongAnswers(),
            TokenEstimator.charsPerToken4(),
            new SimpleMeterRegistry());
    Composition c = composer.compose(request("Basil Mahfouz Al-Kuwaiti genre?"), rule, rules);
    assertThat(c.demonstrations()).hasSize(10);
    assertThat(c.request().toString())
        .doesNotContain("French literature")
        .doesNotContain("Fiction");
  }
}

package dev.lethe.unlearner.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.loss.MethodParams.RetainKind;
import dev.lethe.unlearner.loss.UnlearnMethod;
import dev.lethe.unlearner.unlearn.UnlearnConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** NPO's default goal: its settings, the check interval, the budget and what the report says. */
class DefaultTargetTest {
  @Test
  void onlyNpoHasADefaultGoal() {
    assertThat(DefaultTarget.of(UnlearnMethod.NPO)).contains(DefaultTarget.NPO);
    for (UnlearnMethod m : UnlearnMethod.values()) {
      if (m != UnlearnMethod.NPO) {
        assertThat(DefaultTarget.of(m)).as(m.name()).isEmpty();
      }
    }
  }

  @Test
  void npoRunsAKlRetainTermToARatioGoal() {
    DefaultTarget d = DefaultTarget.NPO;
    assertThat(d.retain()).isEqualTo(RetainKind.KL);
    assertThat(d.goal().maxForgetRougeRatio()).isNotNull();
    assertThat(d.goal().minRetainRougeRatio()).isNotNull();
    assertThat(d.goal().maxForgetRouge()).isNull(); // a ratio: the same on any model
    List<String> keys =
        new java.util.ArrayList<>(
            List.of("lr", "retainLoss", "alpha", "batchSize", "steps", "projectGradients"));
    if (d.parameters() != null) {
      keys.add("params"); // a parameter subset is a setting like the others
    }
    assertThat(d.options())
        .containsOnlyKeys(keys)
        .containsEntry("projectGradients", d.projectGradients())
        .containsEntry("retainLoss", "kl")
        .containsEntry("lr", d.learningRate())
        .containsEntry("batchSize", UnlearnConfig.WHOLE_FORGET_SET) // every pair, every step
        .containsEntry("steps", d.trialSteps())
        .containsEntry("steps", 50);
  }

  @Test
  void theGradientProjectionIsFilledInUnlessTheRunSetsIt() {
    DefaultTarget.Applied plain = DefaultTarget.apply(UnlearnMethod.NPO, Set.of()).orElseThrow();
    assertThat(plain.fill())
        .containsEntry("projectGradients", DefaultTarget.NPO.projectGradients())
        .containsEntry("alpha", DefaultTarget.NPO.alpha());
    assertThat(plain.overridden()).isEmpty();
    DefaultTarget.Applied set =
        DefaultTarget.apply(UnlearnMethod.NPO, Set.of("projectGradients")).orElseThrow();
    assertThat(set.fill()).doesNotContainKey("projectGradients").containsKey("lr");
    assertThat(set.overridden()).containsExactly("projectGradients");
    // a schedule turns the default off altogether
    assertThat(DefaultTarget.apply(UnlearnMethod.NPO, Set.of("epochs"))).isEmpty();
    assertThat(DefaultTarget.apply(UnlearnMethod.NPO, Set.of("steps"))).isEmpty();
    // a batch size replaces the default's whole forget set; the trial stays 50 steps
    DefaultTarget.Applied batch =
        DefaultTarget.apply(UnlearnMethod.NPO, Set.of("batchSize")).orElseThrow();
    assertThat(batch.fill()).doesNotContainKey("batchSize").containsEntry("steps", 50);
    assertThat(batch.overridden()).containsExactly("batchSize");
  }

  @Test
  void aboutTenChecksPerTrialWhateverItsLength() {
    DefaultTarget d = DefaultTarget.NPO;
    assertThat(d.checkEvery(50)).isEqualTo(5); // a trial of 50 steps
    assertThat(d.checkEvery(500)).isEqualTo(50); // forget10
    assertThat(d.checkEvery(101)).isEqualTo(11);
    assertThat(d.checkEvery(3)).isEqualTo(1);
  }

  @Test
  void flagsReplaceEachPartOfTheBudget() {
    DefaultTarget d = DefaultTarget.NPO;
    assertThat(d.budget(null, null, null, 50))
        .isEqualTo(new SearchBudget(d.maxTrials(), d.maxSeconds(), 5, 4, true, 0));
    assertThat(d.budget(1, 60.0, 2, 50)).isEqualTo(new SearchBudget(1, 60, 2, 4, true, 0));
    assertThat(d.budget(null, null, null, 3.0, 50).coolReach()).isEqualTo(3); // --cool-reach 3
    assertThat(d.budget(null, null, null, 50).coolReach()).isZero(); // no cooling by default
    assertThat(d.budget(null, null, null, 50).denseReach()).isEqualTo(4); // dense near the goal
    assertThat(d.budget(null, null, null, 50).stopAtBreak()).isTrue(); // a break ends the search
    assertThat(d.maxSeconds()).isGreaterThanOrEqualTo(3600); // a safety net, not the budget
  }

  @Test
  void provenanceSaysWhatRanAndWhatFlagsChanged() {
    DefaultTarget d = DefaultTarget.NPO;
    Map<String, Object> p = d.provenance(List.of("lr"), new SearchBudget(3, 1800, 5));
    assertThat(p)
        .containsEntry("applied", "npo default goal")
        .containsEntry("goal", d.goal().text())
        .containsEntry("overridden_by_flags", List.of("lr"));
    @SuppressWarnings("unchecked")
    Map<String, Object> settings = (Map<String, Object>) p.get("settings");
    assertThat(settings)
        .containsEntry("check_every", 5)
        .containsEntry("whole_forget_set", true)
        .containsEntry("budget_trials", 3)
        .containsEntry("dense_reach", SearchBudget.DEFAULT_DENSE_REACH);
  }

  @Test
  void invalidSettingsNameTheField() {
    Goal g = Goal.parse("forget_rouge_ratio<=0.5");
    assertThatThrownBy(
            () ->
                new DefaultTarget(
                    UnlearnMethod.NPO, g, 2, RetainKind.KL, 1, 0, 10, 10, 3, 60, 0, false, null))
        .isInstanceOf(ConfigException.class)
        .hasMessage("default.lr: 2.0 (expected: 0 < lr < 1)");
    assertThatThrownBy(
            () ->
                new DefaultTarget(
                    UnlearnMethod.NPO, g, 1e-4, RetainKind.KL, 1, 0, 0, 10, 3, 60, 0, false, null))
        .hasMessage("default.steps: 0 (expected: >= 1)");
    assertThatThrownBy(
            () ->
                new DefaultTarget(
                    UnlearnMethod.NPO,
                    g,
                    1e-4,
                    RetainKind.KL,
                    1,
                    -1,
                    50,
                    10,
                    3,
                    60,
                    0,
                    false,
                    null))
        .hasMessageStartingWith("default.batch_size: -1 (expected: 1..4096, or 0");
  }
}

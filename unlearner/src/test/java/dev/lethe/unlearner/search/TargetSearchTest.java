package dev.lethe.unlearner.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.checkpoint.Checkpoint;
import dev.lethe.unlearner.data.QaData;
import dev.lethe.unlearner.data.QaPair;
import dev.lethe.unlearner.eval.EvalSets;
import dev.lethe.unlearner.eval.QaItem;
import dev.lethe.unlearner.eval.TofuData;
import dev.lethe.unlearner.eval.TofuEvalConfig;
import dev.lethe.unlearner.eval.TofuReport;
import dev.lethe.unlearner.loss.MethodParams;
import dev.lethe.unlearner.loss.UnlearnMethod;
import dev.lethe.unlearner.testing.TestData;
import dev.lethe.unlearner.testing.TinyModels;
import dev.lethe.unlearner.unlearn.RetainPolicy;
import dev.lethe.unlearner.unlearn.UnlearnConfig;
import dev.lethe.unlearner.unlearn.UnlearnJob;
import dev.lethe.unlearner.unlearn.UnlearnReport;
import dev.lethe.unlearner.unlearn.UnlearningMethods;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search on a tiny random model: early stop on a met goal, every trial when it is not. */
class TargetSearchTest {
  static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
  @TempDir static Path dir;
  static Path model;
  static TofuData data;
  static List<QaPair> forget;
  static List<QaPair> retain;

  @BeforeAll
  static void fixture() throws Exception {
    dev.lethe.unlearner.Engines.pytorch();
    ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
    model = TinyModels.randomCheckpoint(dir.resolve("m"), true, 13);
    Path tofu = TestData.tofuTiny();
    data =
        new EvalSets(
                tofu.resolve("forget_perturbed.json"),
                tofu.resolve("retain_perturbed.json"),
                null,
                null,
                null)
            .load(4);
    forget = QaData.readQa(tofu.resolve("forget.json")).subList(0, 4);
    retain = QaData.readQa(tofu.resolve("retain.json")).subList(10, 20);
  }

  static UnlearnJob.Spec spec(Path out) {
    return new UnlearnJob.Spec(
        model,
        List.of(
            new UnlearnJob.Stage(
                UnlearningMethods.create(MethodParams.defaults(UnlearnMethod.NPO), 0),
                new UnlearnConfig(2, 0, 2, 1e-3, 0, 1, 0, 1, 1, null, 3))),
        forget,
        retain,
        List.of(),
        data,
        null,
        new TofuEvalConfig(3, 0.4, 8),
        out,
        RetainPolicy.EXCLUDE_EVAL_QUESTIONS,
        null);
  }

  @Test
  void splitsAreDisjointHalvesAndSeeded() {
    EvalSplit s = EvalSplit.of(data, 5);
    assertThat(s.validation().forget()).hasSize(2);
    assertThat(s.test().forget()).hasSize(2);
    Set<String> v = new HashSet<>();
    s.validation().forget().forEach(i -> v.add(i.question()));
    assertThat(s.test().forget()).extracting(QaItem::question).doesNotContainAnyElementsOf(v);
    assertThat(EvalSplit.of(data, 5)).isEqualTo(s);
  }

  @Test
  void aMetGoalStopsTheFirstTrialEarlyAndIsReportedOnTheTestSplit() throws Exception {
    Path out = dir.resolve("met");
    UnlearnReport r =
        new TargetSearch(new SimpleMeterRegistry(), QUIET)
            .run(spec(out), Goal.parse("forget_rouge<=1.0"), new SearchBudget(3, 600, 1), 5);
    assertThat(r.trials()).hasSize(1);
    assertThat(r.steps()).isEqualTo(1); // stopped at the first check
    JsonNode json = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertThat(json.at("/search/met").asBoolean()).isTrue();
    assertThat(json.at("/search/stopped").asText()).isEqualTo("goal met");
    assertThat(json.at("/trials/0/outcome").asText()).isEqualTo("met");
    assertThat(json.at("/search/chosen_trial").asInt()).isEqualTo(1);
    assertThat(json.at("/search/test_questions").asInt()).isEqualTo(2);
    assertThat(json.at("/trials/0/checks/0/met").asBoolean()).isTrue();
    assertThat(json.at("/trials/0/chosen").asBoolean()).isTrue();
    try (Checkpoint c = Checkpoint.load(out)) {
      assertThat(c.model().config().numHiddenLayers()).isPositive();
    }
  }

  @Test
  void anUnreachableGoalRunsTheBudgetAndReportsTheBestTrialAsNotMet() throws Exception {
    Path out = dir.resolve("missed");
    UnlearnReport r =
        new TargetSearch(new SimpleMeterRegistry(), QUIET)
            .run(
                spec(out),
                Goal.parse("forget_rouge<=1,utility_ratio>=1"), // no utility sets: never met
                new SearchBudget(2, 600, 2),
                5);
    assertThat(r.trials()).hasSize(2);
    assertThat(r.trials()).extracting(t -> t.get("met")).containsExactly(false, false);
    // the first trial broke the (uncheckable) utility bound: the next is gentler, never steeper,
    // with twice the steps
    assertThat(r.trials()).extracting(t -> t.get("outcome")).containsOnly("broke_utility");
    assertThat(r.trials().get(1).get("lr")).isEqualTo(5e-4);
    assertThat(r.trials().get(1).get("planned_steps")).isEqualTo(4);
    assertThat(r.trials().stream().filter(t -> Boolean.TRUE.equals(t.get("chosen")))).hasSize(1);
    JsonNode json = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertThat(json.at("/search/met").asBoolean()).isFalse();
    assertThat(json.at("/search/stopped").asText()).isEqualTo("trials spent");
    assertThat(json.at("/search/steps").asInt())
        .isEqualTo(4); // each broken at its first check, step 2
    assertThat(json.at("/trials/1/checks/0/misses/0").asText()).isNotBlank();
    assertThat(json.at("/trials/1/checks/0/met").asBoolean()).isFalse();
  }

  @Test
  void withStopAtBreakABreakBeforeAnyKeptCheckIsFollowedByAGentlerTrial() throws Exception {
    Path out = dir.resolve("stop-at-break");
    UnlearnReport r =
        new TargetSearch(new SimpleMeterRegistry(), QUIET)
            .run(
                spec(out),
                Goal.parse("forget_rouge<=1,utility_ratio>=1"), // no utility sets: broken at once
                new SearchBudget(3, 600, 2, 3, true),
                5);
    // no check ever kept utility, so no candidate to end on: each break halves the rate
    assertThat(r.trials()).hasSize(3);
    assertThat(r.trials()).extracting(t -> t.get("lr")).containsExactly(1e-3, 5e-4, 2.5e-4);
    JsonNode json = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertThat(json.at("/search/stopped").asText()).isEqualTo("trials spent");
    assertThat(json.at("/search/stop_at_break").asBoolean()).isTrue();
    assertThat(json.at("/search/met").asBoolean()).isFalse();
  }

  @Test
  void stopAtBreakEndsTheSearchOnlyOnceACheckKeptTheUtilityBounds() {
    SearchBudget stop = new SearchBudget(3, 600, 2, 3, true);
    TrialMonitor.Check kept = new TrialMonitor.Check(4, null, List.of("forget_rouge"), true, false);
    TrialMonitor.Check broken =
        new TrialMonitor.Check(2, null, List.of("utility_ratio"), false, false);
    TrialMonitor.Outcome broke = TrialMonitor.Outcome.BROKE_UTILITY;
    assertThat(TargetSearch.endsSearch(broke, stop, kept)).isTrue();
    assertThat(TargetSearch.endsSearch(broke, stop, broken)).isFalse();
    assertThat(TargetSearch.endsSearch(broke, stop, null)).isFalse();
    assertThat(TargetSearch.endsSearch(TrialMonitor.Outcome.TOO_SLOW, stop, kept)).isFalse();
    assertThat(TargetSearch.endsSearch(broke, stop.withStopAtBreak(false), kept)).isFalse();
  }

  @Test
  void aPassedTimeCapChecksTheRunningTrialAtItsNextStep() throws Exception {
    Path out = dir.resolve("time-cap");
    UnlearnReport r =
        new TargetSearch(new SimpleMeterRegistry(), QUIET)
            .run(
                spec(out),
                Goal.parse("forget_rouge<=1.0"),
                new SearchBudget(3, 1e-6, 100), // the cap spent by the start evaluation
                5);
    // the first trial still runs (a search always has a model to report); its first check would
    // come at its end (step 2 of 2: checks every 100 steps), but with the cap passed step 1 gets
    // one, and the trial ends there (met here; a check that is not, and keeps utility, ends the
    // trial as time_cap: TrialMonitorTest)
    assertThat(r.trials()).hasSize(1);
    assertThat(r.steps()).isEqualTo(1);
    JsonNode json = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertThat(json.at("/trials/0/checks")).hasSize(1);
    assertThat(json.at("/trials/0/checks/0/step").asInt()).isEqualTo(1);
    assertThat(json.at("/search/chosen_step").asInt()).isEqualTo(1);
  }

  @Test
  void aBrokenUtilityBoundStopsTheTrialAtThatCheck() throws Exception {
    Path out = dir.resolve("broken");
    UnlearnReport r =
        new TargetSearch(new SimpleMeterRegistry(), QUIET)
            .run(
                spec(out),
                Goal.parse("forget_rouge<=0,utility_ratio>=1"), // no utility sets: broken at once
                new SearchBudget(1, 600, 1),
                5);
    assertThat(r.steps()).isEqualTo(1); // 2 planned, stopped at the first check
    JsonNode json = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertThat(json.at("/trials/0/checks")).hasSize(1);
    assertThat(json.at("/trials/0/best_step").asInt()).isEqualTo(1);
    assertThat(json.at("/search/chosen_step").asInt()).isEqualTo(1);
    assertThat(json.at("/search/validation_start/forget_rouge").isNumber()).isTrue();
    assertThat(json.at("/search/defaults").isMissingNode()).isTrue(); // the goal was asked for
  }

  @Test
  void theForgetRatioBoundIsToTheStartModelsValue() {
    Goal g = Goal.parse("forget_rouge_ratio<=0.4");
    assertThat(g.maxForgetRougeRatio()).isEqualTo(0.4);
    assertThat(g.text()).isEqualTo("forget_rouge_ratio<=0.4");
    TofuReport start = withForgetRouge(0.9);
    assertThat(g.misses(withForgetRouge(0.36), start)).isEmpty(); // 0.4 x 0.9
    assertThat(g.misses(withForgetRouge(0.37), start))
        .singleElement()
        .asString()
        .isEqualTo("forget_rouge 0.37 > 0.4 x start");
    assertThat(g.misses(withForgetRouge(null), start)).hasSize(1); // fail closed
    assertThat(Goal.parse("retain_rouge_ratio>=0.95, forget_rouge_ratio<=0.5").text())
        .isEqualTo("forget_rouge_ratio<=0.5,retain_rouge_ratio>=0.95");
    assertThatThrownBy(() -> Goal.parse("forget_rouge_ratio<=11"))
        .hasMessage("target.forget_rouge_ratio: 11.0 (expected: 0.0..10.0)");
  }

  static TofuReport withForgetRouge(Double forgetRouge) {
    return new TofuReport(
        null,
        null,
        forgetRouge,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        List.of(),
        List.of());
  }

  @Test
  void goalsParseAndValidate() {
    Goal g = Goal.parse("forget_rouge<=0.3, retain_rouge_ratio>=0.9");
    assertThat(g.maxForgetRouge()).isEqualTo(0.3);
    assertThat(g.minRetainRougeRatio()).isEqualTo(0.9);
    assertThatThrownBy(() -> Goal.parse("forget_rouge>=0.3"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("one of forget_rouge<=X");
    assertThatThrownBy(() -> Goal.parse("forget_rouge<=2"))
        .hasMessage("target.forget_rouge: 2.0 (expected: 0.0..1.0)");
    assertThat(Goal.parse("privleak<=20").maxAbsPrivleak()).isEqualTo(20.0);
    assertThatThrownBy(() -> Goal.parse("privleak<=120"))
        .hasMessage("target.privleak: 120.0 (expected: 0.0..100.0)");
    assertThatThrownBy(() -> Goal.parse("privleak>=5")).hasMessageContaining("privleak<=X");
  }

  @Test
  void privleakBoundsBothOverAndUnderForgetting() {
    Goal g = Goal.parse("privleak<=20");
    TofuReport start = withPrivleak(-95.0);
    assertThat(g.misses(withPrivleak(19.9), start)).isEmpty();
    assertThat(g.misses(withPrivleak(-20.0), start)).isEmpty();
    // +67%: forget answers far less likely than never-seen ones (over-forgetting)
    assertThat(g.misses(withPrivleak(67.0), start)).singleElement().asString().contains("privleak");
    assertThat(g.misses(withPrivleak(-25.0), start)).hasSize(1);
    // no holdout or reference: the bound cannot be checked, so it is missed (fail closed)
    assertThat(g.misses(withPrivleak(null), start)).hasSize(1);
  }

  static TofuReport withPrivleak(Double privleak) {
    return new TofuReport(
        null, null, null, null, null, null, privleak, null, null, null, null, null, null, null,
        null, null, null, null, null, null, null, List.of(), List.of());
  }

  @Test
  void theHoldoutSetIsSplitTooSoPrivleakCanBeCheckedOnValidation() {
    List<QaItem> holdout = data.retain();
    TofuData withHoldout =
        new TofuData(data.forget(), data.retain(), List.of(), List.of(), holdout);
    EvalSplit s = EvalSplit.of(withHoldout, 7);
    assertThat(s.validation().holdout()).hasSize(holdout.size() / 2);
    assertThat(s.test().holdout()).hasSize(holdout.size() - holdout.size() / 2);
    Set<String> v = new HashSet<>();
    s.validation().holdout().forEach(i -> v.add(i.question()));
    assertThat(s.test().holdout()).extracting(QaItem::question).doesNotContainAnyElementsOf(v);
  }
}

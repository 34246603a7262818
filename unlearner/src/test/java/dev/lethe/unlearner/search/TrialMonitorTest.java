package dev.lethe.unlearner.search;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.unlearner.eval.TofuReport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The check cadence and the selection on hand-made validation score sequences: the scores a run
 * would show after each step, of which the monitor sees only the checks it asks for.
 */
class TrialMonitorTest {
  static final Goal GOAL = Goal.parse("forget_rouge_ratio<=0.2,retain_rouge_ratio>=0.95");
  static final TofuReport START = report(1.0, 1.0);

  /**
   * What a trial over {@code forget}/{@code retain} (the scores after steps 1..n) checks and where
   * it stops.
   */
  record Run(List<Integer> checked, int stoppedAt, TrialMonitor monitor) {}

  static Run run(SearchBudget budget, double[] forget, double[] retain) {
    TrialMonitor m = new TrialMonitor(GOAL, START, budget);
    List<Integer> checked = new ArrayList<>();
    int n = forget.length;
    for (int step = 1; step <= n; step++) {
      if (m.due(step, n)) {
        checked.add(step);
        if (m.observe(step, report(forget[step - 1], retain[step - 1])).stop()) {
          return new Run(checked, step, m);
        }
      }
    }
    return new Run(checked, n, m);
  }

  // a steep window: forget reaches 0.2 at step 13 and retain collapses at step 14
  static final double[] FORGET = {
    1, 1, 0.95, 0.9, 0.8, 0.75, 0.7, 0.65, 0.55, 0.45, 0.35, 0.25, 0.18, 0.12, 0.08, 0.05, 0.04,
    0.03, 0.02, 0.01
  };
  static final double[] RETAIN = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 0.99, 0.99, 0.98, 0.97, 0.6, 0.5, 0.45, 0.4, 0.35, 0.3, 0.3
  };

  @Test
  void coarseChecksStepOverAShortWindowAndStopAtTheBreak() {
    Run r = run(new SearchBudget(1, 60, 5, 0), FORGET, RETAIN);
    assertThat(r.checked()).containsExactly(5, 10, 15);
    assertThat(r.stoppedAt()).isEqualTo(15); // retain 0.5 < 0.95: broken
    assertThat(r.monitor().outcome()).isEqualTo(TrialMonitor.Outcome.BROKE_UTILITY);
    assertThat(r.monitor().best().step()).isEqualTo(10); // the last check that kept utility
    assertThat(r.monitor().best().misses()).hasSize(1); // forget 0.45: not met
  }

  @Test
  void denseChecksOnceWithinReachLandInsideTheWindow() {
    Run r = run(new SearchBudget(1, 60, 5, 3), FORGET, RETAIN);
    // step 10: forget 0.45 <= 3 x 0.2, so every step from there
    assertThat(r.checked()).containsExactly(5, 10, 11, 12, 13);
    assertThat(r.stoppedAt()).isEqualTo(13);
    assertThat(r.monitor().outcome()).isEqualTo(TrialMonitor.Outcome.MET);
    assertThat(r.monitor().best().step()).isEqualTo(13);
    assertThat(r.monitor().best().misses()).isEmpty();
    assertThat(r.monitor().checks())
        .extracting(TrialMonitor.Check::dense)
        .containsExactly(false, false, true, true, true);
  }

  @Test
  void aFallingRetainScoreAloneMakesTheChecksDense() {
    double[] forget = new double[12];
    java.util.Arrays.fill(forget, 0.9);
    double[] retain = {1, 1, 1, 1, 0.97, 0.96, 0.955, 0.9, 0.9, 0.9, 0.9, 0.9};
    Run r = run(new SearchBudget(1, 60, 5, 3), forget, retain);
    // step 5: retain 0.97 < (1 + 0.95) / 2 = 0.975, half the room used
    assertThat(r.checked()).containsExactly(5, 6, 7, 8);
    assertThat(r.stoppedAt()).isEqualTo(8);
    assertThat(r.monitor().outcome()).isEqualTo(TrialMonitor.Outcome.BROKE_UTILITY);
  }

  @Test
  void aTrialThatKeepsUtilityWithoutReachingTheGoalIsTooSlowAndEndsWithACheck() {
    double[] forget = {1, 0.99, 0.98, 0.97, 0.96, 0.95, 0.94};
    double[] retain = {1, 1, 1, 1, 1, 1, 1};
    Run r = run(new SearchBudget(1, 60, 5, 3), forget, retain);
    assertThat(r.checked()).containsExactly(5, 7); // the last step is always checked
    assertThat(r.monitor().outcome()).isEqualTo(TrialMonitor.Outcome.TOO_SLOW);
    assertThat(r.monitor().best().step())
        .isEqualTo(7); // lowest forget among checks keeping utility
  }

  @Test
  void theBestCheckKeepsUtilityBeforeItForgetsMore() {
    TrialMonitor m = new TrialMonitor(GOAL, START, new SearchBudget(1, 60, 1, 0));
    assertThat(m.observe(1, report(0.5, 1.0)).newBest()).isTrue();
    assertThat(m.observe(2, report(0.4, 0.99)).newBest()).isTrue();
    TrialMonitor.Verdict broke = m.observe(3, report(0.1, 0.5));
    assertThat(broke.newBest()).isFalse(); // forgets more, but breaks retain
    assertThat(broke.stop()).isTrue();
    assertThat(m.best().step()).isEqualTo(2);
  }

  @Test
  void aPassedTimeCapEndsAKeptCheckButNotOneThatEndedForItsOwnReason() {
    TrialMonitor kept = new TrialMonitor(GOAL, START, new SearchBudget(1, 60, 5, 0));
    assertThat(kept.due(3, 10, false)).isFalse();
    assertThat(kept.due(3, 10, true)).isTrue(); // off the grid: the cap has passed
    TrialMonitor.Verdict capped = kept.observe(3, report(0.5, 1.0), true);
    assertThat(capped.stop()).isTrue();
    assertThat(capped.newBest()).isTrue();
    assertThat(kept.outcome()).isEqualTo(TrialMonitor.Outcome.TIME_CAP);
    TrialMonitor broke = new TrialMonitor(GOAL, START, new SearchBudget(1, 60, 1, 0));
    assertThat(broke.observe(1, report(0.1, 0.5), true).stop()).isTrue();
    assertThat(broke.outcome()).isEqualTo(TrialMonitor.Outcome.BROKE_UTILITY);
    TrialMonitor met = new TrialMonitor(GOAL, START, new SearchBudget(1, 60, 1, 0));
    assertThat(met.observe(1, report(0.1, 1.0), true).stop()).isTrue();
    assertThat(met.outcome()).isEqualTo(TrialMonitor.Outcome.MET);
    TrialMonitor running = new TrialMonitor(GOAL, START, new SearchBudget(1, 60, 1, 0));
    assertThat(running.observe(1, report(0.5, 1.0), false).stop()).isFalse();
    assertThat(running.outcome()).isEqualTo(TrialMonitor.Outcome.TOO_SLOW);
  }

  @Test
  void theLearningRateCoolsNearTheGoalAndNeverRisesAgain() {
    // cool reach 3 on a 0.2 x bound: halved at forget <= 0.6, again at <= 0.3, again once
    // retain < (1 + 0.95) / 2 = 0.975
    TrialMonitor m = new TrialMonitor(GOAL, START, new SearchBudget(1, 60, 1, 0, true, 3));
    assertThat(m.lrScale()).isEqualTo(1.0);
    m.observe(1, report(0.61, 1.0));
    assertThat(m.lrScale()).isEqualTo(1.0);
    m.observe(2, report(0.6, 1.0));
    assertThat(m.lrScale()).isEqualTo(0.5);
    m.observe(3, report(0.7, 1.0)); // forget rose again: the rate stays cooled
    assertThat(m.lrScale()).isEqualTo(0.5);
    m.observe(4, report(0.3, 0.98));
    assertThat(m.lrScale()).isEqualTo(0.25);
    m.observe(5, report(0.3, 0.97));
    assertThat(m.lrScale()).isEqualTo(0.125);
    m.observe(6, report(0.25, 0.96));
    assertThat(m.lrScale()).isEqualTo(TrialMonitor.MIN_LR_SCALE);
  }

  @Test
  void withoutCoolingTheLearningRateIsNeverScaled() {
    TrialMonitor m = new TrialMonitor(GOAL, START, new SearchBudget(1, 60, 1, 0, true));
    m.observe(1, report(0.21, 0.951));
    assertThat(m.lrScale()).isEqualTo(1.0);
  }

  @Test
  void withinReachFollowsTheBoundsAndIsOffAtZero() {
    assertThat(GOAL.withinReach(report(0.6, 1.0), START, 3)).isTrue();
    assertThat(GOAL.withinReach(report(0.61, 1.0), START, 3)).isFalse();
    assertThat(GOAL.withinReach(report(0.61, 0.974), START, 3)).isTrue();
    assertThat(GOAL.withinReach(report(0.1, 0.5), START, 0)).isFalse();
    Goal absolute = Goal.parse("forget_rouge<=0.1");
    assertThat(absolute.withinReach(report(0.3, 1.0), START, 3)).isTrue();
    assertThat(absolute.withinReach(report(null, 1.0), START, 3)).isFalse();
  }

  static TofuReport report(Double forgetRouge, Double retainRouge) {
    return new TofuReport(
        null,
        null,
        forgetRouge,
        retainRouge,
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
}

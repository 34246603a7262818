package dev.lethe.unlearner.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lethe.unlearner.search.TrialMonitor.Outcome;
import org.junit.jupiter.api.Test;

/** The trials' learning rates: double when too gentle, halve after a break, then bisect. */
class LrBracketTest {
  @Test
  void tooGentleTrialsDoubleTheRate() {
    LrBracket b = new LrBracket(5e-4);
    assertThat(b.next()).isEqualTo(5e-4);
    b.record(5e-4, Outcome.TOO_SLOW);
    assertThat(b.next()).isEqualTo(1e-3);
    b.record(1e-3, Outcome.TOO_SLOW);
    assertThat(b.next()).isEqualTo(2e-3);
    assertThat(b.stepFactor(2e-3)).isEqualTo(1); // never fewer steps than planned
  }

  @Test
  void aBrokenUtilityBoundNeverLeadsToAHigherRate() {
    LrBracket b = new LrBracket(5e-4);
    b.record(5e-4, Outcome.BROKE_UTILITY);
    assertThat(b.next()).isEqualTo(2.5e-4);
    assertThat(b.stepFactor(2.5e-4)).isEqualTo(2); // half the rate, twice the steps
    b.record(2.5e-4, Outcome.TOO_SLOW);
    // between the too-gentle 2.5e-4 and the breaking 5e-4: their geometric mean
    assertThat(b.next()).isCloseTo(3.5355e-4, within(1e-8)).isLessThan(5e-4);
    b.record(b.next(), Outcome.BROKE_UTILITY);
    assertThat(b.next()).isCloseTo(Math.sqrt(2.5e-4 * 3.5355339e-4), within(1e-8));
  }

  @Test
  void stepsStretchAtMostFourfold() {
    LrBracket b = new LrBracket(1e-3);
    b.record(1e-3, Outcome.BROKE_UTILITY);
    b.record(5e-4, Outcome.BROKE_UTILITY);
    b.record(2.5e-4, Outcome.BROKE_UTILITY);
    assertThat(b.next()).isEqualTo(1.25e-4);
    assertThat(b.stepFactor(1.25e-4)).isEqualTo(4);
  }
}

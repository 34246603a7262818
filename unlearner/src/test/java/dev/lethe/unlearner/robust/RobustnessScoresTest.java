package dev.lethe.unlearner.robust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Q and R on hand-computed cases. */
class RobustnessScoresTest {
  @Test
  void quantizationRobustness() {
    // m 0.1, m_q 0.3: 1 − 0.2 / 0.4 = 0.5
    assertThat(RobustnessScores.quantization(0.1, 0.3)).isCloseTo(0.5, within(1e-12));
    // symmetric in which side moved
    assertThat(RobustnessScores.quantization(0.3, 0.1)).isCloseTo(0.5, within(1e-12));
    assertThat(RobustnessScores.quantization(0.2, 0.2)).isEqualTo(1.0);
    assertThat(RobustnessScores.quantization(0, 0)).isEqualTo(1.0);
    // from nothing to something: 0
    assertThat(RobustnessScores.quantization(0, 0.4)).isEqualTo(0.0);
  }

  @Test
  void relearningRobustness() {
    // the unlearned model relearns 0.6, the retain model 0.2: 1 − 0.4 / 0.8 = 0.5
    assertThat(RobustnessScores.relearning(0.6, 0.2)).isCloseTo(0.5, within(1e-12));
    // exactly as much as a model that never saw the forget set
    assertThat(RobustnessScores.relearning(0.25, 0.25)).isEqualTo(1.0);
    assertThat(RobustnessScores.relearning(0, 0)).isEqualTo(1.0);
    // opposite directions: 1 − 0.2 / 0.2 = 0
    assertThat(RobustnessScores.relearning(0.1, -0.1)).isCloseTo(0.0, within(1e-12));
    assertThat(RobustnessScores.relearning(Double.NaN, 0.1)).isNaN();
  }
}

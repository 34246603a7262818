package dev.lethe.unlearner.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.lethe.unlearner.Engines;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hand-computed cases for the schedule and one AdamW step. */
class OptimizerTest {
  @Test
  void warmupThenCosineToTheFloor() {
    LrSchedule s = new LrSchedule(1.0, 0.1, 2, 6);
    assertThat(s.at(0)).isEqualTo(0.5);
    assertThat(s.at(1)).isEqualTo(1.0);
    assertThat(s.at(2)).isEqualTo(1.0);
    // Halfway through the decay: 0.1 + 0.9 * (1 + cos(pi / 2)) / 2 = 0.55.
    assertThat(s.at(4)).isCloseTo(0.55, within(1e-12));
    assertThat(s.at(6)).isCloseTo(0.1, within(1e-12));
  }

  @Test
  void oneAdamWStepWithDecoupledDecayAndClipping() {
    try (NDManager m = Engines.pytorch().newBaseManager();
        AdamW adam = new AdamW(m, 0.9, 0.95, 1e-8, 0.1, 0)) {
      // p = 1 (a 1x1 matrix, so decayed), loss = 0.5 p => g = 0.5.
      // m = 0.05, v = 0.0125, m^ = 0.5, v^ = 0.25 => step = 0.5 / 0.5 = 1;
      // p = 1 * (1 - 0.1 * 0.1) - 0.1 * 1 = 0.89. A vector (norm gain) is not decayed: 1 - 0.1.
      NDArray w = m.create(new float[] {1f}, new Shape(1, 1));
      NDArray gain = m.create(new float[] {1f});
      w.setRequiresGradient(true);
      gain.setRequiresGradient(true);
      try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
        gc.backward(w.mul(0.5f).sum().add(gain.mul(0.5f).sum()));
      }
      double norm = adam.step(Map.of("w", w, "gain", gain), 0.1);
      assertThat(norm).isCloseTo(Math.sqrt(0.5), within(1e-6));
      assertThat(w.getFloat(0, 0)).isCloseTo(0.89f, within(1e-6f));
      assertThat(gain.getFloat(0)).isCloseTo(0.9f, within(1e-6f));
      assertThat(w.getGradient().getFloat(0, 0)).isZero();
    }
    try (NDManager m = Engines.pytorch().newBaseManager();
        AdamW adam = new AdamW(m, 0.9, 0.999, 1e-8, 0, 1.0)) {
      // g = [3, 4], norm 5 > clip 1: clipped to [0.6, 0.8]; Adam's first step moves each by lr.
      NDArray p = m.create(new float[] {0f, 0f});
      p.setRequiresGradient(true);
      try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
        gc.backward(p.mul(m.create(new float[] {3f, 4f})).sum());
      }
      assertThat(adam.step(Map.of("p", p), 0.01)).isCloseTo(5.0, within(1e-6));
      assertThat(p.toFloatArray()).containsExactly(new float[] {-0.01f, -0.01f}, within(1e-6f));
    }
  }

  @Test
  void aNonFiniteGradientSkipsTheStepAndLeavesTheMomentsAlone() {
    try (NDManager m = Engines.pytorch().newBaseManager();
        AdamW adam = new AdamW(m, 0.9, 0.999, 1e-8, 0, 1.0)) {
      NDArray p = m.create(new float[] {0f, 0f});
      p.setRequiresGradient(true);
      try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
        gc.backward(p.mul(m.create(new float[] {Float.NaN, 1f})).sum());
      }
      assertThat(adam.step(Map.of("p", p), 0.01)).isNaN();
      assertThat(p.toFloatArray()).containsExactly(0f, 0f);
      assertThat(p.getGradient().toFloatArray()).containsExactly(0f, 0f);
      // The next finite step is Adam's first: each weight moves by exactly lr (as in the case
      // above), which it would not if the skipped step had touched the moments or the step count.
      try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
        gc.backward(p.mul(m.create(new float[] {3f, 4f})).sum());
      }
      assertThat(adam.step(Map.of("p", p), 0.01)).isCloseTo(5.0, within(1e-6));
      assertThat(p.toFloatArray()).containsExactly(new float[] {-0.01f, -0.01f}, within(1e-6f));
    }
  }
}

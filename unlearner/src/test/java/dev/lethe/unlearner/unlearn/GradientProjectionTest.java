package dev.lethe.unlearner.unlearn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.lethe.unlearner.Engines;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GradientProjectionTest {

  private static Map<String, NDArray> grads(NDManager m, float[] a, float[] b) {
    Map<String, NDArray> g = new LinkedHashMap<>();
    g.put("a", m.create(a));
    g.put("b", m.create(b));
    return g;
  }

  @Test
  void conflictingGradientsLoseTheComponentAlongTheRetainGradient() {
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      Map<String, NDArray> f = grads(m, new float[] {1, 2}, new float[] {3});
      Map<String, NDArray> r = grads(m, new float[] {0, -1}, new float[] {-1});
      // g_f·g_r = 0 - 2 - 3 = -5, ‖g_r‖² = 2: g_f + 2.5·g_r = (1, -0.5 | 0.5)
      GradientProjection.Outcome o = GradientProjection.project(f, r);
      assertThat(o.projected()).isTrue();
      assertThat(o.dot()).isEqualTo(-5.0, within(1e-9));
      assertThat(o.forgetNorm()).isEqualTo(Math.sqrt(14), within(1e-6));
      assertThat(o.retainNorm()).isEqualTo(Math.sqrt(2), within(1e-6));
      assertThat(o.cosine()).isEqualTo(-5 / Math.sqrt(28), within(1e-6));
      assertThat(f.get("a").toFloatArray()).containsExactly(1f, -0.5f);
      assertThat(f.get("b").toFloatArray()).containsExactly(0.5f);
      // now orthogonal to the retain gradient, which is untouched
      assertThat(r.get("a").toFloatArray()).containsExactly(0f, -1f);
      assertThat(r.get("b").toFloatArray()).containsExactly(-1f);
      assertThat(GradientProjection.project(f, r).dot()).isEqualTo(0.0, within(1e-6));
    }
  }

  @Test
  void orthogonalAndAgreeingGradientsAreLeftAlone() {
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      Map<String, NDArray> f = grads(m, new float[] {1, 0}, new float[] {0});
      Map<String, NDArray> r = grads(m, new float[] {0, 1}, new float[] {0});
      GradientProjection.Outcome o = GradientProjection.project(f, r);
      assertThat(o.projected()).isFalse();
      assertThat(o.dot()).isZero();
      assertThat(o.cosine()).isZero();
      assertThat(f.get("a").toFloatArray()).containsExactly(1f, 0f);

      Map<String, NDArray> f2 = grads(m, new float[] {1, 1}, new float[] {1});
      Map<String, NDArray> r2 = grads(m, new float[] {1, 0}, new float[] {2});
      GradientProjection.Outcome o2 = GradientProjection.project(f2, r2);
      assertThat(o2.projected()).isFalse();
      assertThat(o2.dot()).isEqualTo(3.0, within(1e-9));
      assertThat(o2.cosine()).isEqualTo(3 / (Math.sqrt(3) * Math.sqrt(5)), within(1e-6));
      assertThat(f2.get("a").toFloatArray()).containsExactly(1f, 1f);
      assertThat(f2.get("b").toFloatArray()).containsExactly(1f);
    }
  }

  @Test
  void aZeroRetainGradientOrAMissingParameterCountsAsZero() {
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      Map<String, NDArray> f = grads(m, new float[] {1, 2}, new float[] {3});
      Map<String, NDArray> zero = grads(m, new float[] {0, 0}, new float[] {0});
      assertThat(GradientProjection.project(f, zero).projected()).isFalse();
      assertThat(f.get("a").toFloatArray()).containsExactly(1f, 2f);

      // "b" has no retain gradient: only "a" takes part in the dot product and the projection
      Map<String, NDArray> onlyA = new LinkedHashMap<>();
      onlyA.put("a", m.create(new float[] {-2, 0}));
      GradientProjection.Outcome o = GradientProjection.project(f, onlyA);
      // dot = -2, ‖g_r‖² = 4: g_f.a + 0.5·(-2, 0) = (0, 2); b unchanged
      assertThat(o.projected()).isTrue();
      assertThat(f.get("a").toFloatArray()).containsExactly(0f, 2f);
      assertThat(f.get("b").toFloatArray()).containsExactly(3f);
    }
  }
}

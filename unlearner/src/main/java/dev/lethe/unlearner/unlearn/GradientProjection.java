package dev.lethe.unlearner.unlearn;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * Gradient projection between the forget and the retain term (PCGrad's "gradient surgery"): when
 * the forget gradient g_f conflicts with the retain gradient g_r (g_f · g_r &lt; 0, summed over
 * every updated parameter), the component of g_f along g_r is removed before the step, g_f ← g_f −
 * (g_f · g_r / ‖g_r‖²) g_r, so the forget update no longer moves against what the retain term
 * protects to first order; otherwise g_f is left as it is. The step then applies g_f + g_r.
 *
 * <p>Yu, T., Kumar, S., Gupta, A., Levine, S., Hausman, K., Finn, C. "Gradient Surgery for
 * Multi-Task Learning." NeurIPS 2020 (arXiv:2001.06782), with two tasks and only the forget
 * gradient projected (the retain gradient is kept whole), as unlearning variants of it do, e.g.
 * Hoang, T. et al. "Learn to Unlearn for Deep Neural Networks: Minimizing Unlearning Interference
 * with Gradient Projection." WACV 2024 (arXiv:2312.04095).
 *
 * <p>The dot product and norm are taken over all parameters together (one global projection, as
 * PCGrad does over a task's whole gradient), accumulated in double precision.
 */
public final class GradientProjection {

  private GradientProjection() {}

  /**
   * What one projection saw.
   *
   * @param dot g_f · g_r before the projection
   * @param forgetNorm ‖g_f‖ before the projection
   * @param retainNorm ‖g_r‖
   * @param projected whether g_f was changed (the gradients conflicted and g_r is not zero)
   */
  public record Outcome(double dot, double forgetNorm, double retainNorm, boolean projected) {

    /** The cosine between the two gradients before the projection (0 when either is zero). */
    public double cosine() {
      double d = forgetNorm * retainNorm;
      return d > 0 ? dot / d : 0;
    }
  }

  /**
   * Projects {@code forget} in place against {@code retain} where they conflict.
   *
   * @param forget parameter name → forget gradient; changed in place when projected
   * @param retain parameter name → retain gradient (same names and shapes for the parameters both
   *     have; a parameter missing from either counts as a zero gradient there)
   * @return what the projection saw and did
   */
  public static Outcome project(Map<String, NDArray> forget, Map<String, NDArray> retain) {
    requireNonNull(forget, "forget");
    requireNonNull(retain, "retain");
    double dot = 0;
    double ff = 0;
    double rr = 0;
    for (Map.Entry<String, NDArray> e : forget.entrySet()) {
      NDArray f = e.getValue();
      ff += sumOfProducts(f, f);
      NDArray r = retain.get(e.getKey());
      if (r != null) {
        dot += sumOfProducts(f, r);
      }
    }
    for (NDArray r : retain.values()) {
      rr += sumOfProducts(r, r);
    }
    boolean conflict = dot < 0 && rr > 0;
    if (conflict) {
      float k = (float) (dot / rr);
      for (Map.Entry<String, NDArray> e : forget.entrySet()) {
        NDArray r = retain.get(e.getKey());
        if (r != null) {
          try (NDArray along = r.mul(k)) {
            e.getValue().subi(along);
          }
        }
      }
    }
    return new Outcome(dot, Math.sqrt(ff), Math.sqrt(rr), conflict);
  }

  private static double sumOfProducts(NDArray a, NDArray b) {
    try (NDArray p = a.mul(b);
        NDArray s = p.sum();
        NDArray d = s.toType(ai.djl.ndarray.types.DataType.FLOAT64, true)) {
      return d.getDouble();
    }
  }
}

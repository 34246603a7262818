package dev.lethe.unlearner.robust;

/**
 * The robustness scores of open-unlearning's meta-evaluation (Dorna et al. 2025, "OpenUnlearning:
 * Accelerating LLM Unlearning via Unified Benchmarking of Methods and Metrics"): both are 1 when
 * the attack changes nothing relative to the reference, and fall toward 0 as it changes more.
 */
public final class RobustnessScores {
  private RobustnessScores() {}

  /**
   * Quantization robustness Q = 1 − |m_q − m| / (|m_q| + |m|) of a forget metric m measured on the
   * unlearned model and m_q on its quantized copy; 1 when both are 0.
   */
  public static double quantization(double metric, double quantizedMetric) {
    return symmetricAgreement(
        quantizedMetric - metric, Math.abs(quantizedMetric) + Math.abs(metric));
  }

  /**
   * Relearning robustness R = 1 − |Δ_u − Δ_r| / (|Δ_u| + |Δ_r|), where Δ_u and Δ_r are the changes
   * of a forget metric when the unlearned and the retain model are fine-tuned on the same small
   * set: 1 when the unlearned model relearns exactly as much as a model that never saw the forget
   * set; 1 when both changes are 0.
   */
  public static double relearning(double deltaUnlearned, double deltaRetain) {
    return symmetricAgreement(
        deltaUnlearned - deltaRetain, Math.abs(deltaUnlearned) + Math.abs(deltaRetain));
  }

  private static double symmetricAgreement(double difference, double scale) {
    if (Double.isNaN(difference) || Double.isNaN(scale)) {
      return Double.NaN;
    }
    if (scale == 0) {
      return 1;
    }
    return 1 - Math.abs(difference) / scale;
  }
}

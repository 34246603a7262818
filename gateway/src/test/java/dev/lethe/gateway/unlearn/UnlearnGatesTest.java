package dev.lethe.gateway.unlearn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnlearnGatesTest {
  private static Map<String, Object> eval(Double forgetRouge, Double utility, Double retainRouge) {
    Map<String, Object> m = new HashMap<>();
    m.put("forget_rouge", forgetRouge);
    m.put("model_utility", utility);
    m.put("retain_rouge", retainRouge);
    return m;
  }

  @Test
  void passesWhenEveryBoundHolds() {
    UnlearnGates.Decision d =
        new UnlearnGates(0.4, 0.9, 0.5).decide(eval(0.9, 0.5, 0.8), eval(0.4, 0.45, 0.4));
    assertThat(d.passed()).isTrue();
    assertThat(d.reasons()).isEmpty();
    assertThat(d.checks()).hasSize(3).allSatisfy(c -> assertThat(c.get("passed")).isEqualTo(true));
  }

  @Test
  void namesEachFailedGate() {
    // utility 0.44 < 0.9 x 0.5 = 0.45; forget ROUGE 0.41 > 0.4; retain 0.4 >= 0.5 x 0.8
    UnlearnGates.Decision d =
        new UnlearnGates(0.4, 0.9, 0.5).decide(eval(0.9, 0.5, 0.8), eval(0.41, 0.44, 0.4));
    assertThat(d.passed()).isFalse();
    assertThat(d.reasons())
        .containsExactly(
            "forget ROUGE-L after 0.4100 > maxForgetRouge 0.4000",
            "model utility after 0.4400 < 0.4500 (minUtilityRatio 0.90 x before 0.5000)");
  }

  @Test
  void failsClosedWhenANumberIsMissing() {
    UnlearnGates.Decision d =
        new UnlearnGates(1.0, 0.9, 0.0).decide(eval(0.9, null, 0.8), eval(0.1, null, 0.8));
    assertThat(d.passed()).isFalse();
    assertThat(d.reasons().get(0)).startsWith("model utility could not be computed");
    assertThat(d.checks()).hasSize(1);
  }

  @Test
  void boundsAtTheirOffValuesCheckNothing() {
    UnlearnGates.Decision d =
        new UnlearnGates(1.0, 0.0, 0.0).decide(eval(null, null, null), eval(null, null, null));
    assertThat(d.passed()).isTrue();
    assertThat(d.checks()).isEmpty();
  }

  @Test
  void robustnessGatesRefuseASwapAndFailClosed() {
    UnlearnGates gates = new UnlearnGates(1.0, 0.0, 0.0, 0.9, 0.05, 0.3, 0.8);
    Map<String, Object> robust = new HashMap<>();
    robust.put("quantization_robustness", 0.95);
    robust.put("quantized_forget_rouge_delta", 0.02);
    robust.put("relearned_forget_rouge", 0.2);
    robust.put("relearning_robustness", 0.85);
    Map<String, Object> e = eval(0.1, 0.5, 0.8);
    assertThat(gates.decide(e, e, robust).passed()).isTrue();
    assertThat(gates.decide(e, e, robust).checks()).hasSize(4);

    // 4-bit quantization brings the answers back: Q 0.6, ROUGE-L +0.3
    Map<String, Object> quantLeak = new HashMap<>(robust);
    quantLeak.put("quantization_robustness", 0.6);
    quantLeak.put("quantized_forget_rouge_delta", 0.3);
    UnlearnGates.Decision d = gates.decide(e, e, quantLeak);
    assertThat(d.passed()).isFalse();
    assertThat(d.reasons())
        .containsExactly(
            "quantization robustness Q 0.6000 < minQuantizationRobustness 0.9000",
            "forget ROUGE-L gained 0.3000 when quantized, > maxQuantizedForgetRougeDelta 0.0500");

    // relearning: R missing (no retain model) fails closed, and the leak is too high
    Map<String, Object> relearnLeak = new HashMap<>(robust);
    relearnLeak.put("relearned_forget_rouge", 0.7);
    relearnLeak.put("relearning_robustness", null);
    d = gates.decide(e, e, relearnLeak);
    assertThat(d.passed()).isFalse();
    assertThat(d.reasons().get(0))
        .isEqualTo(
            "held-out forget ROUGE-L after relearning 0.7000 > maxRelearnedForgetRouge 0.3000");
    assertThat(d.reasons().get(1)).startsWith("relearning robustness R could not be computed");

    // no probes at all: every robustness gate fails closed
    d = gates.decide(e, e);
    assertThat(d.passed()).isFalse();
    assertThat(d.reasons()).hasSize(4);
  }
}

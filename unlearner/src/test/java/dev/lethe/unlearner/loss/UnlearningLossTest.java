package dev.lethe.unlearner.loss;

import static dev.lethe.unlearner.loss.LossTestSupport.SEQ0_NLL;
import static dev.lethe.unlearner.loss.LossTestSupport.SEQ1_NLL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.Engines;
import dev.lethe.unlearner.loss.MethodParams.RetainKind;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnlearningLossTest {

  private final Engine engine = Engines.pytorch();

  @Test
  void gradDiffAddsRetainNll() {
    try (NDManager m = engine.newBaseManager()) {
      NDArray logits = LossTestSupport.logits(m);
      NDArray labels = LossTestSupport.labels(m);
      UnlearningLoss loss = UnlearningLoss.of(MethodParams.defaults(UnlearnMethod.GRAD_DIFF));
      double ce = (SEQ0_NLL + SEQ1_NLL) / 3;
      UnlearningLoss.Parts p =
          loss.compute(ForgetBatch.of(logits, labels), RetainBatch.of(logits, labels));
      // γ·(−CE) + α·CE with γ = α = 1 on the same batch = 0
      assertThat(p.forget().getFloat()).isCloseTo((float) -ce, within(1e-6f));
      assertThat(p.retain().getFloat()).isCloseTo((float) ce, within(1e-6f));
      assertThat(p.total().getFloat()).isCloseTo(0f, within(1e-6f));
      // weights: γ = 2, α = 0.5 → −2·CE + 0.5·CE = −1.5·CE
      UnlearningLoss weighted =
          UnlearningLoss.of(
              MethodParams.defaults(UnlearnMethod.GRAD_DIFF)
                  .with("gamma", "2")
                  .with("alpha", "0.5"));
      assertThat(
              weighted
                  .compute(ForgetBatch.of(logits, labels), RetainBatch.of(logits, labels))
                  .total()
                  .getFloat())
          .isCloseTo((float) (-1.5 * ce), within(1e-6f));
    }
  }

  @Test
  void gradientAscentNeedsNoRetainBatch() {
    try (NDManager m = engine.newBaseManager()) {
      UnlearningLoss ga = UnlearningLoss.of(MethodParams.defaults(UnlearnMethod.GA));
      assertThat(ga.needsRetainBatch()).isFalse();
      UnlearningLoss.Parts p =
          ga.compute(ForgetBatch.of(LossTestSupport.logits(m), LossTestSupport.labels(m)), null);
      assertThat(p.retain()).isNull();
      assertThat(p.total().getFloat()).isEqualTo(p.forget().getFloat());
    }
  }

  @Test
  void klMethodUsesReferenceLogits() {
    try (NDManager m = engine.newBaseManager()) {
      NDArray logits = m.create(new float[] {0, (float) Math.log(3), 1, 2}, new Shape(1, 2, 2));
      NDArray ref = m.create(new float[] {0, 0, 1, 2}, new Shape(1, 2, 2));
      NDArray labels = m.create(new long[] {-100, 1}, new Shape(1, 2));
      UnlearningLoss kl = UnlearningLoss.of(MethodParams.defaults(UnlearnMethod.KL));
      UnlearningLoss.Parts p =
          kl.compute(ForgetBatch.of(ref, labels), new RetainBatch(logits, labels, ref, null, null));
      assertThat(p.retain().getFloat())
          .isCloseTo((float) (0.25 * Math.log(4.0 / 3)), within(1e-6f));
      assertThatThrownBy(
              () -> kl.compute(ForgetBatch.of(ref, labels), RetainBatch.of(logits, labels)))
          .hasMessageContaining("retain.referenceLogits: null");
    }
  }

  @Test
  void rmuRetainComparesActivationsWithTheFrozenModel() {
    try (NDManager m = engine.newBaseManager()) {
      NDArray labels = m.create(new long[] {-100, 3}, new Shape(1, 2));
      NDArray h = m.create(new float[] {1, 2, 3, 4}, new Shape(1, 2, 2));
      NDArray href = m.create(new float[] {1, 2, 3, 2}, new Shape(1, 2, 2));
      // position 1: mean((3−3)², (4−2)²) = 2
      assertThat(
              RetainTerm.activations()
                  .loss(new RetainBatch(null, labels, null, h, href))
                  .getFloat())
          .isEqualTo(2f);
    }
  }

  @Test
  void referenceNeedsPerMethod() {
    Map<UnlearnMethod, Boolean> expected = new LinkedHashMap<>();
    expected.put(UnlearnMethod.GA, false);
    expected.put(UnlearnMethod.GRAD_DIFF, false);
    expected.put(UnlearnMethod.KL, true);
    expected.put(UnlearnMethod.NPO, true);
    expected.put(UnlearnMethod.SIMNPO, false);
    expected.put(UnlearnMethod.IDK, false);
    expected.put(UnlearnMethod.IDK_DPO, true);
    expected.put(UnlearnMethod.RMU, true);
    expected.forEach(
        (method, needs) ->
            assertThat(UnlearningLoss.of(MethodParams.defaults(method)).needsReference())
                .as(method.cliName())
                .isEqualTo(needs));
    // NPO with a KL retain term still needs the reference, SimNPO with KL now needs it too.
    assertThat(
            UnlearningLoss.of(MethodParams.defaults(UnlearnMethod.SIMNPO).with("retain", "kl"))
                .needsReference())
        .isTrue();
  }

  @Test
  void defaultsAreInOnePlaceAndValidated() {
    MethodParams npo = MethodParams.defaults(UnlearnMethod.NPO);
    assertThat(npo.beta()).isEqualTo(0.1);
    assertThat(npo.retain()).isEqualTo(RetainKind.NLL);
    MethodParams sim = MethodParams.defaults(UnlearnMethod.SIMNPO);
    assertThat(sim.beta()).isEqualTo(4.5);
    assertThat(sim.delta()).isZero();
    assertThat(sim.gamma()).isEqualTo(0.125);
    assertThat(MethodParams.defaults(UnlearnMethod.IDK_DPO).beta()).isEqualTo(0.1);
    MethodParams rmu = MethodParams.defaults(UnlearnMethod.RMU);
    // open-unlearning's TOFU RMU config, not the WMDP paper's Zephyr-7B values (issue 13)
    assertThat(rmu.steeringCoefficient()).isEqualTo(2);
    assertThat(rmu.alpha()).isEqualTo(1);
    MethodParams wmdp = MethodParams.wmdpRmu();
    assertThat(wmdp.steeringCoefficient()).isEqualTo(6.5);
    assertThat(wmdp.alpha()).isEqualTo(1200);
    assertThat(wmdp.method()).isEqualTo(UnlearnMethod.RMU);

    assertThatThrownBy(() -> npo.with("beta", "0"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("beta: 0.0 (expected: > 0)");
    assertThatThrownBy(() -> npo.with("retain", "none"))
        .hasMessage("retain: NONE (expected: NLL or KL for npo)");
    assertThatThrownBy(() -> MethodParams.defaults(UnlearnMethod.GA).with("retain", "nll"))
        .hasMessage("retain: NLL (expected: NONE for ga)");
    assertThatThrownBy(() -> npo.with("gamma", "-1")).hasMessage("gamma: -1.0 (expected: >= 0)");
    assertThatThrownBy(() -> npo.with("beta", "x")).hasMessage("beta: \"x\" (expected: a number)");
    assertThatThrownBy(() -> npo.with("lr", "1")).hasMessageContaining("lr: unknown option");
    assertThat(npo.with("seed", "7").seed()).isEqualTo(7);
    assertThat(UnlearnMethod.parse("Grad_Diff")).isEqualTo(UnlearnMethod.GRAD_DIFF);
    assertThat(UnlearnMethod.parse("idk-dpo")).isEqualTo(UnlearnMethod.IDK_DPO);
    assertThatThrownBy(() -> UnlearnMethod.parse("foo"))
        .hasMessage(
            "method: \"foo\" (expected: one of ga, graddiff, kl, npo, simnpo, idk, idkdpo, rmu)");
  }
}

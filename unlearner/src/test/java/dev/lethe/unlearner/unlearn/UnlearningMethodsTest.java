package dev.lethe.unlearner.unlearn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.loss.ForgetTerm;
import dev.lethe.unlearner.loss.GradientAscentLoss;
import dev.lethe.unlearner.loss.IdkDpoLoss;
import dev.lethe.unlearner.loss.IdkLoss;
import dev.lethe.unlearner.loss.MethodParams;
import dev.lethe.unlearner.loss.MethodParams.RetainKind;
import dev.lethe.unlearner.loss.NpoLoss;
import dev.lethe.unlearner.loss.RmuLoss;
import dev.lethe.unlearner.loss.SimNpoLoss;
import dev.lethe.unlearner.loss.UnlearnMethod;
import dev.lethe.unlearner.model.LlamaConfig;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The method table: each row builds the objective and the loop needs its method names. */
class UnlearningMethodsTest {
  private static final Map<UnlearnMethod, Class<? extends ForgetTerm>> FORGET_TERM =
      Map.of(
          UnlearnMethod.GA, GradientAscentLoss.class,
          UnlearnMethod.GRAD_DIFF, GradientAscentLoss.class,
          UnlearnMethod.KL, GradientAscentLoss.class,
          UnlearnMethod.NPO, NpoLoss.class,
          UnlearnMethod.SIMNPO, SimNpoLoss.class,
          UnlearnMethod.IDK, IdkLoss.class,
          UnlearnMethod.IDK_DPO, IdkDpoLoss.class,
          UnlearnMethod.RMU, RmuLoss.class);

  private static final Map<UnlearnMethod, Set<RetainKind>> RETAIN =
      Map.of(
          UnlearnMethod.GA, EnumSet.of(RetainKind.NONE),
          UnlearnMethod.GRAD_DIFF, EnumSet.of(RetainKind.NLL),
          UnlearnMethod.KL, EnumSet.of(RetainKind.KL),
          UnlearnMethod.NPO, EnumSet.of(RetainKind.NLL, RetainKind.KL),
          UnlearnMethod.SIMNPO, EnumSet.of(RetainKind.NLL, RetainKind.KL),
          UnlearnMethod.IDK, EnumSet.of(RetainKind.NLL, RetainKind.KL),
          UnlearnMethod.IDK_DPO, EnumSet.of(RetainKind.NLL, RetainKind.KL),
          UnlearnMethod.RMU, EnumSet.of(RetainKind.ACTIVATIONS));

  @Test
  void everyRowBuildsItsForgetTermAcceptsItsRetainTermsAndSaysWhatTheLoopComputes() {
    assertThat(FORGET_TERM.keySet()).containsExactlyInAnyOrder(UnlearnMethod.values());
    for (UnlearnMethod m : UnlearnMethod.values()) {
      MethodParams d = MethodParams.defaults(m);
      UnlearningMethod method = UnlearningMethods.create(d, 1);
      assertThat(method.name()).isEqualTo(m.cliName());
      assertThat(method.params()).isEqualTo(d);
      assertThat(method.objective().forgetTerm()).as(m.name()).isInstanceOf(FORGET_TERM.get(m));
      assertThat(method.usesRefusals())
          .as(m.name())
          .isEqualTo(m == UnlearnMethod.IDK || m == UnlearnMethod.IDK_DPO);
      assertThat(method.usesForgetLogits())
          .as(m.name())
          .isEqualTo(m != UnlearnMethod.IDK && m != UnlearnMethod.RMU);
      assertThat(method.steeredLayer()).as(m.name()).isEqualTo(m == UnlearnMethod.RMU ? 1 : -1);
      for (RetainKind k : RetainKind.values()) {
        boolean accepted = RETAIN.get(m).contains(k);
        assertThat(m.accepts(k)).as(m + " " + k).isEqualTo(accepted);
        if (!accepted) {
          assertThatThrownBy(
                  () ->
                      new MethodParams(
                          m,
                          d.beta(),
                          d.gamma(),
                          d.alpha(),
                          d.delta(),
                          d.steeringCoefficient(),
                          k,
                          0))
              .isInstanceOf(ConfigException.class)
              .hasMessageContaining("retain")
              .hasMessageContaining(m.cliName());
        }
      }
    }
  }

  @Test
  void theRetainExpectationNamesEveryAcceptedTerm() {
    assertThatThrownBy(() -> MethodParams.defaults(UnlearnMethod.NPO).with("retain", "none"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("NLL or KL for npo");
  }

  @Test
  void rmuLayersDefaultToTheMiddleAndTheWmdpSubsetIsThreeDownProjections() {
    LlamaConfig four =
        new LlamaConfig(300, 32, 48, 4, 4, 2, 1e-6, 10000, 64, true, 1, List.of(2), 0, "silu");
    assertThat(UnlearningMethods.defaultSteeredLayer(four)).isEqualTo(2);
    assertThat(UnlearningMethods.wmdpParameterRegex(7))
        .isEqualTo("^model\\.layers\\.(5|6|7)\\.mlp\\.down_proj\\.weight$");
    assertThat(UnlearningMethods.wmdpParameterRegex(1))
        .isEqualTo("^model\\.layers\\.(0|1)\\.mlp\\.down_proj\\.weight$");
    assertThatThrownBy(() -> UnlearningMethods.wmdpParameterRegex(-1))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("layer");
  }
}

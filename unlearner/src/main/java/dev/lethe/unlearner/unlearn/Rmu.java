package dev.lethe.unlearner.unlearn;

import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.loss.MethodParams;
import dev.lethe.unlearner.loss.UnlearnMethod;
import dev.lethe.unlearner.loss.UnlearningLoss;
import dev.lethe.unlearner.model.LlamaConfig;

/**
 * Representation Misdirection for Unlearning: steers the output of decoder layer ℓ on forget
 * answers toward c·u (u a fixed random unit vector) while holding that layer's output on retain
 * answers to the frozen start model's (activation MSE, weight α). By default every parameter is
 * updated and c = 2, α = 1, as in open-unlearning's TOFU config ({@code configs/trainer/RMU.yaml});
 * the WMDP paper's setting (c = 6.5, α = 1200, only the MLP down-projections of layers ℓ−2..ℓ: ℓ =
 * 7, layers 5–7 for Zephyr-7B) is the named alternative {@link MethodParams#wmdpRmu()} with {@link
 * #wmdpParameterRegex(int)} ({@code --preset wmdp}).
 *
 * <p>Li, N. et al. "The WMDP Benchmark: Measuring and Reducing Malicious Use With Unlearning." ICML
 * 2024 (arXiv:2403.03218).
 *
 * <p>Trap: c and α depend on the model's activation norms; neither published setting is tuned for
 * Lethe's small models (see the benchmark's settings).
 */
public final class Rmu implements UnlearningMethod {
  private final MethodParams params;
  private final UnlearningLoss objective;
  private final int layer;

  /**
   * The method with {@code params} (whose method must be {@code rmu}) steering layer {@code layer}.
   *
   * @throws ConfigException when {@code layer} is negative
   */
  public Rmu(MethodParams params, int layer) {
    this.params = UnlearningMethods.expect(params, UnlearnMethod.RMU);
    if (layer < 0) {
      throw new ConfigException("layer", layer, ">= 0");
    }
    this.layer = layer;
    this.objective = UnlearningLoss.of(params);
  }

  /** The layer RMU steers on a model of {@code config} when none is given: the middle one. */
  public static int defaultLayer(LlamaConfig config) {
    return config.numHiddenLayers() / 2;
  }

  @Override
  public String name() {
    return "rmu";
  }

  @Override
  public MethodParams params() {
    return params;
  }

  @Override
  public UnlearningLoss objective() {
    return objective;
  }

  @Override
  public boolean usesForgetLogits() {
    return false;
  }

  @Override
  public int steeredLayer() {
    return layer;
  }

  /**
   * The WMDP paper's parameter subset as a {@code --params} pattern: the MLP down-projections of
   * layers {@code layer}−2..{@code layer}.
   */
  public static String wmdpParameterRegex(int layer) {
    if (layer < 0) {
      throw new ConfigException("layer", layer, ">= 0");
    }
    StringBuilder layers = new StringBuilder();
    for (int i = Math.max(0, layer - 2); i <= layer; i++) {
      layers.append(layers.isEmpty() ? "" : "|").append(i);
    }
    return "^model\\.layers\\.(" + layers + ")\\.mlp\\.down_proj\\.weight$";
  }
}

package dev.lethe.unlearner.unlearn;

import static java.util.Objects.requireNonNull;

import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.loss.MethodParams;
import dev.lethe.unlearner.loss.UnlearnMethod;
import dev.lethe.unlearner.loss.UnlearningLoss;
import dev.lethe.unlearner.model.LlamaConfig;

/**
 * Builds the {@link UnlearningMethod} of a {@link MethodParams}: the objective from the method's
 * row of the {@link UnlearnMethod} table, and what the loop computes from the same row.
 */
public final class UnlearningMethods {
  private UnlearningMethods() {}

  /**
   * The method of {@code params.method()}.
   *
   * @param params validated hyper-parameters
   * @param layer the layer RMU steers (ignored by the methods that steer none)
   * @throws ConfigException when the method steers a layer and {@code layer} is negative
   */
  public static UnlearningMethod create(MethodParams params, int layer) {
    requireNonNull(params, "params");
    if (params.method().steersLayer() && layer < 0) {
      throw new ConfigException("layer", layer, ">= 0");
    }
    return new Tabled(
        params, UnlearningLoss.of(params), params.method().steersLayer() ? layer : -1);
  }

  /**
   * The method of {@code params.method()}, for a method that steers no layer.
   *
   * @throws IllegalArgumentException for RMU, which needs {@link #create(MethodParams, int)}
   */
  public static UnlearningMethod create(MethodParams params) {
    requireNonNull(params, "params");
    if (params.method().steersLayer()) {
      throw new IllegalArgumentException(
          "layer: " + params.method().cliName() + " steers a layer; give one");
    }
    return create(params, -1);
  }

  /** The layer RMU steers on a model of {@code config} when none is given: the middle one. */
  public static int defaultSteeredLayer(LlamaConfig config) {
    return config.numHiddenLayers() / 2;
  }

  /**
   * The WMDP paper's RMU parameter subset as a {@code --params} pattern: the MLP down-projections
   * of layers {@code layer}−2..{@code layer} (pair it with {@link MethodParams#wmdpRmu()}).
   *
   * @throws ConfigException when {@code layer} is negative
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

  /** A method as its table row says, with its objective built once. */
  private record Tabled(MethodParams params, UnlearningLoss objective, int steeredLayer)
      implements UnlearningMethod {
    @Override
    public String name() {
      return params.method().cliName();
    }

    @Override
    public boolean usesForgetLogits() {
      return params.method().usesForgetLogits();
    }

    @Override
    public boolean usesRefusals() {
      return params.method().usesRefusals();
    }
  }
}

package dev.lethe.gateway.unlearn;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.loss.MethodParams;
import dev.lethe.unlearner.loss.UnlearnMethod;
import dev.lethe.unlearner.model.LlamaConfig;
import dev.lethe.unlearner.unlearn.UnlearnConfig;
import dev.lethe.unlearner.unlearn.UnlearningMethod;
import dev.lethe.unlearner.unlearn.UnlearningMethods;
import java.util.Iterator;
import java.util.Map;

/**
 * The {@code options} object of {@code POST /admin/unlearn}, the same knobs as {@code lethe
 * unlearn}: {@code steps}, {@code epochs}, {@code lr}, {@code batchSize} (0: the whole forget set
 * in every step), {@code warmup}, {@code weightDecay}, {@code clip}, {@code seed}, {@code saliency}
 * (a percentage, SalUn), {@code params} (regex), {@code projectGradients} (boolean: project the
 * forget gradient off a conflicting retain gradient, PCGrad), {@code beta}, {@code alpha}, {@code
 * gamma}, {@code delta}, {@code steeringCoefficient}, {@code retainLoss}, {@code layer} and {@code
 * preset} ({@code "wmdp"}, RMU only: the WMDP paper's setting). Every error names {@code
 * options.<field>}.
 */
public final class UnlearnOptions {
  private UnlearnOptions() {}

  /**
   * A validated method and loop.
   *
   * @param kind the method
   * @param method the method with its objective settings
   * @param config its loop
   */
  public record Plan(UnlearnMethod kind, UnlearningMethod method, UnlearnConfig config) {}

  /**
   * Validates {@code method} and {@code options} for a model of {@code modelConfig}; errors name
   * {@code options.<field>}.
   *
   * @throws UnlearnRequestException (400) naming the field
   */
  public static Plan parse(String method, JsonNode options, LlamaConfig modelConfig) {
    return parse(method, options, modelConfig, "options.");
  }

  /**
   * As {@link #parse(String, JsonNode, LlamaConfig)}, naming fields {@code <prefix><field>}: the
   * one options parser of the admin API ({@code options.}, {@code stages[1].options.}) and the
   * command line ({@code lethe unlearn}'s flags and {@code --set}).
   */
  public static Plan parse(
      String method, JsonNode options, LlamaConfig modelConfig, String prefix) {
    UnlearnMethod kind;
    try {
      kind = UnlearnMethod.parse(method);
    } catch (ConfigException e) {
      throw bad("method", e.getMessage());
    }
    if (options != null && !options.isNull() && !options.isObject()) {
      throw bad(strip(prefix), strip(prefix) + ": expected a JSON object");
    }
    UnlearnConfig d = UnlearnConfig.DEFAULTS;
    MethodParams p = MethodParams.defaults(kind);
    Integer steps = null;
    Integer epochs = null;
    Integer batch = null;
    Integer layer = null;
    double lr = d.learningRate();
    double warmup = d.warmupFraction();
    double weightDecay = d.weightDecay();
    double clip = d.clipNorm();
    double saliency = 1.0;
    String params = null;
    boolean project = d.projectGradients();
    long seed = d.seed();
    boolean wmdp = false;
    if (options != null && options.isObject() && options.has("preset")) {
      JsonNode v = options.get("preset");
      if (!v.isTextual() || !v.asText().equals("wmdp") || kind != UnlearnMethod.RMU) {
        throw bad(prefix + "preset", prefix + "preset: " + v + " (expected: \"wmdp\", with rmu)");
      }
      wmdp = true;
      p = MethodParams.wmdpRmu();
    }
    if (options != null && options.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = options.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        String key = e.getKey();
        JsonNode v = e.getValue();
        String field = prefix + key;
        try {
          switch (key) {
            case "preset" -> {
              // applied above, before the other options
            }
            case "steps" -> steps = integer(field, v, 0, 1_000_000);
            case "epochs" -> epochs = integer(field, v, 0, 10_000);
            case "batchSize" -> batch = integer(field, v, 0, 4096);
            case "layer" -> layer = integer(field, v, 0, 10_000);
            case "seed" -> seed = integer(field, v, 0, Integer.MAX_VALUE);
            case "lr" -> lr = number(field, v);
            case "warmup" -> warmup = number(field, v);
            case "weightDecay" -> weightDecay = number(field, v);
            case "clip" -> clip = number(field, v);
            case "saliency" -> {
              double k = number(field, v);
              if (!(k > 0 && k <= 100)) {
                throw bad(field, field + ": " + k + " (expected: 0 < K <= 100, a percentage)");
              }
              saliency = k / 100;
            }
            case "params" -> {
              if (!v.isTextual()) {
                throw bad(field, field + ": expected a regular expression string");
              }
              params = v.asText();
            }
            case "projectGradients" -> {
              if (!v.isBoolean()) {
                throw bad(field, field + ": " + v + " (expected: true or false)");
              }
              project = v.asBoolean();
            }
            case "beta", "alpha", "gamma", "delta" ->
                p = p.with(key, Double.toString(number(field, v)));
            case "steeringCoefficient" ->
                p = p.with("steering-coefficient", Double.toString(number(field, v)));
            case "retainLoss" -> {
              if (!v.isTextual()) {
                throw bad(field, field + ": expected one of none, nll, kl, activations");
              }
              p = p.with("retain", v.asText());
            }
            default ->
                throw bad(
                    field,
                    field
                        + ": unknown option (expected one of steps, epochs, lr, batchSize, warmup,"
                        + " weightDecay, clip, seed, saliency, params, projectGradients, beta, alpha,"
                        + " gamma, delta, steeringCoefficient, retainLoss, layer, preset)");
          }
        } catch (ConfigException ex) {
          throw bad(field, prefix + ex.getMessage());
        }
      }
    }
    p = p.with("seed", Long.toString(seed));
    int l = layer != null ? layer : UnlearningMethods.defaultSteeredLayer(modelConfig);
    if (wmdp && params == null) {
      params = UnlearningMethods.wmdpParameterRegex(l);
    }
    UnlearnConfig config;
    try {
      config =
          new UnlearnConfig(
              steps != null ? steps : 0,
              epochs != null ? epochs : (steps != null && steps > 0 ? 0 : d.epochs()),
              batch != null ? batch : d.batchSize(),
              lr,
              warmup,
              d.minLrRatio(),
              weightDecay,
              clip,
              saliency,
              params,
              seed,
              project);
    } catch (ConfigException ex) {
      throw bad(prefix + camel(ex.field()), prefix + ex.getMessage());
    }
    if (l >= modelConfig.numHiddenLayers()) {
      throw bad(
          prefix + "layer",
          prefix + "layer: " + l + " (expected: 0.." + (modelConfig.numHiddenLayers() - 1) + ")");
    }
    return new Plan(kind, UnlearningMethods.create(p, l), config);
  }

  private static String camel(String field) {
    return switch (field == null ? "" : field) {
      case "batch_size" -> "batchSize";
      case "weight_decay" -> "weightDecay";
      case "clip_norm" -> "clip";
      case "min_lr_ratio" -> "warmup";
      default -> field;
    };
  }

  private static int integer(String field, JsonNode v, int min, int max) {
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
      throw bad(field, field + ": " + v + " (expected: an integer in " + min + ".." + max + ")");
    }
    return v.asInt();
  }

  private static double number(String field, JsonNode v) {
    if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
      throw bad(field, field + ": " + v + " (expected: a number)");
    }
    return v.asDouble();
  }

  private static String strip(String prefix) {
    return prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix;
  }

  static UnlearnRequestException bad(String param, String message) {
    return new UnlearnRequestException(400, "invalid_request", param, message);
  }
}

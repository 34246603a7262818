package dev.lethe.unlearner.loss;

import static java.util.Objects.requireNonNull;

import dev.lethe.config.ConfigException;
import java.util.Locale;

/**
 * The hyper-parameters of one unlearning objective, validated once: the objective is L = γ·L_forget
 * + α·L_retain. Each method's defaults and the retain terms it accepts are its row of the {@link
 * UnlearnMethod} table ({@link #defaults(UnlearnMethod)}); the WMDP paper's RMU setting for
 * Zephyr-7B (c = 6.5, α = 1200, three MLP down-projections) is the named alternative {@link
 * #wmdpRmu()}. Activation norms differ between models, so RMU's c and α are tuned per model.
 * Parameters a method does not use are kept but ignored.
 *
 * @param method the method
 * @param beta inverse temperature (NPO, SimNPO, IdkDPO), &gt; 0
 * @param gamma forget weight γ, ≥ 0
 * @param alpha retain weight α, ≥ 0
 * @param delta SimNPO margin δ, finite
 * @param steeringCoefficient RMU c, &gt; 0
 * @param retain the retain term
 * @param seed seed of anything random in the objective (RMU's direction)
 */
public record MethodParams(
    UnlearnMethod method,
    double beta,
    double gamma,
    double alpha,
    double delta,
    double steeringCoefficient,
    RetainKind retain,
    long seed) {

  /** Which retain term the objective composes. */
  public enum RetainKind {
    /** No retain term. */
    NONE,
    /** Mean-token NLL on retain answers. */
    NLL,
    /** KL to the frozen start model on retain sequences. */
    KL,
    /** Activation MSE to the frozen model at the steered layer (RMU). */
    ACTIVATIONS
  }

  /** Validates. */
  public MethodParams {
    requireNonNull(method, "method");
    requireNonNull(retain, "retain");
    positive("beta", beta);
    nonNegative("gamma", gamma);
    nonNegative("alpha", alpha);
    finite("delta", delta);
    positive("steeringCoefficient", steeringCoefficient);
    if (!method.accepts(retain)) {
      throw new ConfigException("retain", retain, method.retainExpectation());
    }
  }

  /** The defaults of {@code method} (its row of the {@link UnlearnMethod} table), seed 0. */
  public static MethodParams defaults(UnlearnMethod method) {
    return requireNonNull(method, "method").defaults();
  }

  /**
   * RMU with the WMDP paper's setting for Zephyr-7B: steering coefficient c = 6.5, retain weight α
   * = 1200 (Li et al., ICML 2024, arXiv:2403.03218, and its code), seed 0. Pair it with the paper's
   * parameter subset, the MLP down-projections of the steered layer and the two before it ({@code
   * UnlearningMethods.wmdpParameterRegex} in {@code dev.lethe.unlearner.unlearn}).
   */
  public static MethodParams wmdpRmu() {
    return new MethodParams(UnlearnMethod.RMU, 0.1, 1, 1200, 0, 6.5, RetainKind.ACTIVATIONS, 0);
  }

  /**
   * Returns a copy with one option changed, for command-line overrides. Names: {@code beta}, {@code
   * gamma}, {@code alpha}, {@code delta}, {@code steering-coefficient}, {@code retain} ({@code
   * nll|kl|none|activations}), {@code seed}.
   *
   * @throws ConfigException on an unknown name or a bad value
   */
  public MethodParams with(String name, String value) {
    requireNonNull(name, "name");
    requireNonNull(value, "value");
    String n = name.trim().toLowerCase(Locale.ROOT).replace("_", "-");
    return switch (n) {
      case "beta" ->
          new MethodParams(
              method, number(n, value), gamma, alpha, delta, steeringCoefficient, retain, seed);
      case "gamma" ->
          new MethodParams(
              method, beta, number(n, value), alpha, delta, steeringCoefficient, retain, seed);
      case "alpha" ->
          new MethodParams(
              method, beta, gamma, number(n, value), delta, steeringCoefficient, retain, seed);
      case "delta" ->
          new MethodParams(
              method, beta, gamma, alpha, number(n, value), steeringCoefficient, retain, seed);
      case "steering-coefficient" ->
          new MethodParams(method, beta, gamma, alpha, delta, number(n, value), retain, seed);
      case "retain" -> {
        RetainKind kind;
        try {
          kind = RetainKind.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new ConfigException("retain", value, "one of none, nll, kl, activations");
        }
        yield new MethodParams(method, beta, gamma, alpha, delta, steeringCoefficient, kind, seed);
      }
      case "seed" -> {
        long s;
        try {
          s = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
          throw new ConfigException("seed", value, "an integer");
        }
        yield new MethodParams(method, beta, gamma, alpha, delta, steeringCoefficient, retain, s);
      }
      default ->
          throw new ConfigException(
              name,
              "unknown option (expected: one of beta, gamma, alpha, delta, "
                  + "steering-coefficient, retain, seed)");
    };
  }

  private static double number(String name, String value) {
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(name, value, "a number");
    }
  }

  static double positive(String name, double v) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new ConfigException(name, v, "> 0");
    }
    return v;
  }

  static double nonNegative(String name, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new ConfigException(name, v, ">= 0");
    }
    return v;
  }

  static double finite(String name, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      throw new ConfigException(name, v, "a finite number");
    }
    return v;
  }
}

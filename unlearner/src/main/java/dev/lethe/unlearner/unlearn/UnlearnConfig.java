package dev.lethe.unlearner.unlearn;

import dev.lethe.config.ConfigException;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How the {@link Unlearner} loop runs, validated once: length, batch, optimizer and schedule,
 * localisation (saliency mask, parameter filter) and seed.
 *
 * @param steps optimizer steps; 0 means {@code epochs} passes over the forget set
 * @param epochs passes over the forget set when {@code steps} is 0, ≥ 0 (one of the two must be
 *     positive)
 * @param batchSize forget sequences per step (each paired with as many random retain sequences)
 * @param learningRate peak AdamW learning rate
 * @param warmupFraction share of the steps spent in linear warmup, 0..1
 * @param minLrRatio the cosine schedule's final learning rate as a fraction of the peak, 0..1
 * @param weightDecay AdamW decoupled weight decay; keep 0 with a saliency mask, since decay moves
 *     masked weights too
 * @param clipNorm global gradient-norm clip, 0 disables
 * @param saliency SalUn: the share of weights kept by |∇ forget loss| at the start, in (0, 1]; 1
 *     disables the mask
 * @param parameterRegex updates only parameters whose HF name contains a match ({@link
 *     java.util.regex.Matcher#find()}), or null for the method's default set (all)
 * @param seed seeds batch order, retain pairing, refusal choice and RMU's direction
 * @param projectGradients with a retain term: compute the forget and the retain gradient separately
 *     and remove from the forget gradient its component along the retain gradient where the two
 *     conflict ({@link GradientProjection}); costs a second backward pass per step
 */
public record UnlearnConfig(
    int steps,
    int epochs,
    int batchSize,
    double learningRate,
    double warmupFraction,
    double minLrRatio,
    double weightDecay,
    double clipNorm,
    double saliency,
    String parameterRegex,
    long seed,
    boolean projectGradients) {

  /**
   * Lethe's defaults: 5 epochs, batches of 8, lr 1e-4 (open-unlearning uses 1e-5 on 7B models;
   * Lethe's small models need more), 10% warmup, cosine to 10%, no weight decay, clip 1.0, no mask,
   * default parameters, seed 42.
   */
  public static final UnlearnConfig DEFAULTS =
      new UnlearnConfig(0, 5, 8, 1e-4, 0.1, 0.1, 0.0, 1.0, 1.0, null, 42, false);

  /** As the canonical constructor, without gradient projection. */
  public UnlearnConfig(
      int steps,
      int epochs,
      int batchSize,
      double learningRate,
      double warmupFraction,
      double minLrRatio,
      double weightDecay,
      double clipNorm,
      double saliency,
      String parameterRegex,
      long seed) {
    this(
        steps,
        epochs,
        batchSize,
        learningRate,
        warmupFraction,
        minLrRatio,
        weightDecay,
        clipNorm,
        saliency,
        parameterRegex,
        seed,
        false);
  }

  /** Validates. */
  public UnlearnConfig {
    if (steps < 0) {
      throw new ConfigException("steps", steps, ">= 0 (0 = use epochs)");
    }
    if (epochs < 0 || (steps == 0 && epochs == 0)) {
      throw new ConfigException("epochs", epochs, ">= 1 when steps is 0");
    }
    if (batchSize < 1 || batchSize > 4096) {
      throw new ConfigException("batch_size", batchSize, "1..4096");
    }
    if (!(learningRate > 0 && learningRate < 1)) {
      throw new ConfigException("lr", learningRate, "0 < lr < 1");
    }
    if (!(warmupFraction >= 0 && warmupFraction <= 1)) {
      throw new ConfigException("warmup", warmupFraction, "0..1");
    }
    if (!(minLrRatio >= 0 && minLrRatio <= 1)) {
      throw new ConfigException("min_lr_ratio", minLrRatio, "0..1");
    }
    if (!(weightDecay >= 0 && weightDecay < 1)) {
      throw new ConfigException("weight_decay", weightDecay, "0 <= wd < 1");
    }
    if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
      throw new ConfigException("clip_norm", clipNorm, ">= 0");
    }
    if (!(saliency > 0 && saliency <= 1)) {
      throw new ConfigException("saliency", saliency, "0 < fraction <= 1");
    }
    if (parameterRegex != null) {
      try {
        Pattern.compile(parameterRegex);
      } catch (PatternSyntaxException e) {
        throw new ConfigException(
            "params", parameterRegex, "a Java regular expression (" + e.getDescription() + ")");
      }
    }
  }

  /** The number of optimizer steps for a forget set of {@code forgetSize} sequences. */
  public int totalSteps(int forgetSize) {
    if (steps > 0) {
      return steps;
    }
    int perEpoch = Math.max(1, (forgetSize + batchSize - 1) / batchSize);
    return Math.multiplyExact(epochs, perEpoch);
  }

  /** This configuration with {@code n} steps. */
  public UnlearnConfig withSteps(int n) {
    return new UnlearnConfig(
        n,
        epochs,
        batchSize,
        learningRate,
        warmupFraction,
        minLrRatio,
        weightDecay,
        clipNorm,
        saliency,
        parameterRegex,
        seed,
        projectGradients);
  }

  /** This configuration with gradient projection on or off. */
  public UnlearnConfig withProjection(boolean on) {
    return new UnlearnConfig(
        steps,
        epochs,
        batchSize,
        learningRate,
        warmupFraction,
        minLrRatio,
        weightDecay,
        clipNorm,
        saliency,
        parameterRegex,
        seed,
        on);
  }
}

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
 * @param batchSize forget sequences per step (each paired with as many random retain sequences);
 *     {@value #WHOLE_FORGET_SET} means the whole forget set, every step (full batch)
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
 * @param microBatch most forget sequences (and as many retain ones) in one forward and backward
 *     pass: a larger step is split into near-equal micro-batches whose gradients are accumulated,
 *     each padded to the step's longest sequence and weighted by its share of the step, so the
 *     update equals the one of the whole batch in one pass (memory stays bounded by the
 *     micro-batch)
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
    boolean projectGradients,
    int microBatch) {

  /** {@link #batchSize()} meaning the whole forget set in every step. */
  public static final int WHOLE_FORGET_SET = 0;

  /** The default {@link #microBatch()}: 64 sequences per pass. */
  public static final int DEFAULT_MICRO_BATCH = 64;

  /**
   * Lethe's defaults: 5 epochs, batches of 8, lr 1e-4 (open-unlearning uses 1e-5 on 7B models;
   * Lethe's small models need more), 10% warmup, cosine to 10%, no weight decay, clip 1.0, no mask,
   * default parameters, seed 42.
   */
  public static final UnlearnConfig DEFAULTS =
      new UnlearnConfig(
          0, 5, 8, 1e-4, 0.1, 0.1, 0.0, 1.0, 1.0, null, 42, false, DEFAULT_MICRO_BATCH);

  /** As the canonical constructor, with the default micro-batch. */
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
      long seed,
      boolean projectGradients) {
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
        projectGradients,
        DEFAULT_MICRO_BATCH);
  }

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
    if (batchSize < 0 || batchSize > 4096) {
      throw new ConfigException(
          "batch_size", batchSize, "1..4096, or " + WHOLE_FORGET_SET + " for the whole forget set");
    }
    if (microBatch < 1 || microBatch > 4096) {
      throw new ConfigException("micro_batch", microBatch, "1..4096");
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
    int batch = stepBatch(forgetSize);
    int perEpoch = Math.max(1, (forgetSize + batch - 1) / batch);
    return Math.multiplyExact(epochs, perEpoch);
  }

  /** Forget sequences in each step for a forget set of {@code forgetSize}: at least 1. */
  public int stepBatch(int forgetSize) {
    int all = Math.max(1, forgetSize);
    return batchSize == WHOLE_FORGET_SET ? all : Math.min(batchSize, all);
  }

  /** Whether every step takes the whole forget set. */
  public boolean wholeForgetSet() {
    return batchSize == WHOLE_FORGET_SET;
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
        projectGradients,
        microBatch);
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
        on,
        microBatch);
  }

  /** This configuration with {@code n} sequences per pass at most. */
  public UnlearnConfig withMicroBatch(int n) {
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
        projectGradients,
        n);
  }
}

package dev.lethe.unlearner.train;

import dev.lethe.config.ConfigException;

/**
 * Everything that defines a training run of a model Lethe trains itself: tokenizer and model shape,
 * optimizer and schedule. Validated once; see {@link Presets} for the named ones.
 *
 * @param vocabSize BPE vocabulary size including 3 special tokens and 256 bytes
 * @param hiddenSize model width
 * @param intermediateSize SwiGLU width
 * @param layers decoder layers
 * @param heads attention heads
 * @param kvHeads key/value heads (a divisor of {@code heads})
 * @param contextLength {@code max_position_embeddings}; longer training sequences are truncated
 * @param tieEmbeddings whether the LM head reuses the embedding
 * @param steps optimizer steps
 * @param batchSize sequences per step
 * @param learningRate peak learning rate
 * @param warmupSteps linear warmup steps
 * @param minLrRatio final learning rate as a fraction of the peak
 * @param weightDecay AdamW decoupled weight decay
 * @param clipNorm global gradient-norm clip (0 disables)
 * @param seed seeds initialisation and batch order
 */
public record TrainConfig(
    int vocabSize,
    int hiddenSize,
    int intermediateSize,
    int layers,
    int heads,
    int kvHeads,
    int contextLength,
    boolean tieEmbeddings,
    int steps,
    int batchSize,
    double learningRate,
    int warmupSteps,
    double minLrRatio,
    double weightDecay,
    double clipNorm,
    long seed) {

  /** Validates the fields that the model configuration does not validate itself. */
  public TrainConfig {
    if (vocabSize < 259) {
      throw new ConfigException("vocab_size", vocabSize, ">= 259 (3 special tokens + 256 bytes)");
    }
    if (steps < 1) {
      throw new ConfigException("steps", steps, ">= 1");
    }
    if (batchSize < 1) {
      throw new ConfigException("batch_size", batchSize, ">= 1");
    }
    if (!(learningRate > 0 && learningRate < 1)) {
      throw new ConfigException("learning_rate", learningRate, "0 < lr < 1");
    }
    if (warmupSteps < 0 || warmupSteps > steps) {
      throw new ConfigException("warmup_steps", warmupSteps, "0.." + steps);
    }
    if (!(minLrRatio >= 0 && minLrRatio <= 1)) {
      throw new ConfigException("min_lr_ratio", minLrRatio, "0..1");
    }
    if (!(weightDecay >= 0 && weightDecay < 1)) {
      throw new ConfigException("weight_decay", weightDecay, "0 <= wd < 1");
    }
    if (!(clipNorm >= 0)) {
      throw new ConfigException("clip_norm", clipNorm, ">= 0");
    }
    if (contextLength < 16) {
      throw new ConfigException("context_length", contextLength, ">= 16");
    }
  }

  /**
   * This configuration with another step count (warmup capped to a tenth of it). A count below 1 is
   * refused as the constructor refuses it.
   */
  public TrainConfig withSteps(int newSteps) {
    return with(newSteps, batchSize, Math.max(0, Math.min(warmupSteps, newSteps / 10)), seed);
  }

  /** This configuration with another seed. */
  public TrainConfig withSeed(long newSeed) {
    return with(steps, batchSize, warmupSteps, newSeed);
  }

  /** This configuration with another batch size (sequences per step), validated as on creation. */
  public TrainConfig withBatchSize(int newBatchSize) {
    return with(steps, newBatchSize, warmupSteps, seed);
  }

  /** The one place the fields a {@code with…} method may change are put back together. */
  private TrainConfig with(int newSteps, int newBatchSize, int newWarmupSteps, long newSeed) {
    return new TrainConfig(
        vocabSize,
        hiddenSize,
        intermediateSize,
        layers,
        heads,
        kvHeads,
        contextLength,
        tieEmbeddings,
        newSteps,
        newBatchSize,
        learningRate,
        newWarmupSteps,
        minLrRatio,
        weightDecay,
        clipNorm,
        newSeed);
  }
}

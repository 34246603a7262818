package dev.lethe.unlearner.robust;

import static java.util.Objects.requireNonNull;

import dev.lethe.config.ConfigException;
import java.nio.file.Path;
import java.util.List;

/**
 * Which robustness probes to run after unlearning, validated once.
 *
 * @param quantizeBits the bit widths to quantize to (e.g. 8 and 4), each 2..16; empty: none
 * @param relearnSteps fine-tuning steps of the relearning attack; 0: no relearning probe
 * @param relearnFraction the share of the forget questions relearned on, in (0, 1); the leak is
 *     measured on the others
 * @param relearnLearningRate the attack's constant learning rate
 * @param relearnBatchSize pairs per attack step
 * @param retainModel the retain model's checkpoint (trained without the forget set), fine-tuned on
 *     the same set for relearning robustness R; null: R is not computed
 * @param seed seeds the relearning split and order, and the text probes
 * @param textProbes whether to run the prefix, format-shift and multi-turn {@link TextProbes}
 */
public record RobustnessSpec(
    List<Integer> quantizeBits,
    int relearnSteps,
    double relearnFraction,
    double relearnLearningRate,
    int relearnBatchSize,
    Path retainModel,
    long seed,
    boolean textProbes) {

  /** Without text probes. */
  public RobustnessSpec(
      List<Integer> quantizeBits,
      int relearnSteps,
      double relearnFraction,
      double relearnLearningRate,
      int relearnBatchSize,
      Path retainModel,
      long seed) {
    this(
        quantizeBits,
        relearnSteps,
        relearnFraction,
        relearnLearningRate,
        relearnBatchSize,
        retainModel,
        seed,
        false);
  }

  /**
   * The defaults: 8-bit and 4-bit, 10 relearning steps of batch 4 at lr 1e-4 on 10% of the forget
   * questions, no retain model, seed 42, text probes.
   */
  public static final RobustnessSpec DEFAULTS =
      new RobustnessSpec(List.of(8, 4), 10, 0.1, 1e-4, 4, null, 42, true);

  /** Validates. */
  public RobustnessSpec {
    quantizeBits = List.copyOf(requireNonNull(quantizeBits, "quantizeBits"));
    for (int b : quantizeBits) {
      if (b < 2 || b > 16) {
        throw new ConfigException("quantize", b, "bit widths in 2..16");
      }
    }
    if (relearnSteps < 0 || relearnSteps > 100_000) {
      throw new ConfigException("relearn_steps", relearnSteps, "0..100000 (0 = off)");
    }
    if (!(relearnFraction > 0 && relearnFraction < 1)) {
      throw new ConfigException("relearn_fraction", relearnFraction, "0 < f < 1");
    }
    if (!(relearnLearningRate > 0 && relearnLearningRate < 1)) {
      throw new ConfigException("relearn_lr", relearnLearningRate, "0 < lr < 1");
    }
    if (relearnBatchSize < 1 || relearnBatchSize > 4096) {
      throw new ConfigException("relearn_batch_size", relearnBatchSize, "1..4096");
    }
  }

  /** Whether any probe runs. */
  public boolean any() {
    return !quantizeBits.isEmpty() || relearnSteps > 0 || textProbes;
  }
}

package dev.lethe.gateway.compare;

import dev.lethe.unlearner.robust.RobustnessSpec;

/**
 * The white-box probe families of compare: attacks that change the arm's weights before the bare
 * forget questions are asked, known to bring "unlearned" knowledge back. They need the arm's
 * checkpoint, so they run only on arms with local weights ({@link WhiteBoxProbes#appliesTo}).
 *
 * <ul>
 *   <li>{@link #QUANT8}, {@link #QUANT4}: the checkpoint quantized to 8 / 4 bits, round to nearest
 *       (the unlearner's {@code Quantizer}; Zhang et al. 2025, arXiv:2410.16454);
 *   <li>{@link #RELEARN}: a copy fine-tuned for {@link #RELEARN_STEPS} steps on a seeded {@link
 *       #RELEARN_FRACTION} of the forget set (question and true answer), then asked the forget
 *       questions it was not trained on (the unlearner's {@code Relearner}; Lynch et al. 2024, Hu
 *       et al. 2025).
 * </ul>
 */
public enum WhiteBoxAttack {
  /** 8-bit round-to-nearest weights. */
  QUANT8("quant8", "rtn-8bit", 8),
  /** 4-bit round-to-nearest weights. */
  QUANT4("quant4", "rtn-4bit", 4),
  /** A few fine-tuning steps on part of the forget set, then the rest asked. */
  RELEARN("relearn", "finetune", 0);

  /** Relearning: optimizer steps (the unlearner's default, {@code RobustnessSpec.DEFAULTS}). */
  public static final int RELEARN_STEPS = RobustnessSpec.DEFAULTS.relearnSteps();

  /** Relearning: question/answer pairs per step. */
  public static final int RELEARN_BATCH_SIZE = RobustnessSpec.DEFAULTS.relearnBatchSize();

  /** Relearning: constant AdamW learning rate. */
  public static final double RELEARN_LEARNING_RATE = RobustnessSpec.DEFAULTS.relearnLearningRate();

  /** Relearning: the share of the forget set fine-tuned on. */
  public static final double RELEARN_FRACTION = RobustnessSpec.DEFAULTS.relearnFraction();

  private final String key;
  private final String variant;
  private final int bits;

  WhiteBoxAttack(String key, String variant, int bits) {
    this.key = key;
    this.variant = variant;
    this.bits = bits;
  }

  /** The family key in reports, e.g. {@code quant4}. */
  public String key() {
    return key;
  }

  /** The variant recorded on each answer, e.g. {@code rtn-4bit}. */
  public String variant() {
    return variant;
  }

  /** The bit width of a quantization attack, 0 for relearning. */
  public int bits() {
    return bits;
  }

  /** Whether {@code family} is a white-box family key. */
  public static boolean isKey(String family) {
    for (WhiteBoxAttack a : values()) {
      if (a.key.equals(family)) {
        return true;
      }
    }
    return false;
  }
}

package dev.lethe.gateway.cli;

import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.robust.RobustnessSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The robustness-probe options shared by {@code lethe unlearn} (probes after unlearning) and {@code
 * lethe eval} (probes of any saved checkpoint), a picocli mixin: one parser, one {@link
 * RobustnessSpec}, run by the same {@link dev.lethe.unlearner.robust.RobustnessEvaluation}.
 */
public final class RobustnessOptions {
  @Option(
      names = "--robustness",
      description =
          "Run the robustness probes: 8- and 4-bit quantization, relearning (10 steps on 10%% of"
              + " the forget questions, leak on the rest) and text probes.")
  boolean robustness;

  @Option(
      names = "--text-probes",
      description =
          "Probe with prefix, format-shift and multi-turn rewrites of the forget questions.")
  boolean textProbes;

  @Option(
      names = "--quantize",
      paramLabel = "B1,B2",
      split = ",",
      description = "Quantization bit widths, each 2..16 (--robustness: 8,4).")
  List<Integer> quantize;

  @Option(
      names = "--relearn-steps",
      paramLabel = "N",
      description = "Relearning steps, 0..100000 (0: off; --robustness: 10).")
  Integer relearnSteps;

  @Option(
      names = "--relearn-fraction",
      paramLabel = "F",
      description = "Share of the forget questions relearned on, 0 < F < 1 (0.1).")
  Double relearnFraction;

  @Option(
      names = "--relearn-lr",
      paramLabel = "X",
      description = "Relearning learning rate, 0 < X < 1 (1e-4).")
  Double relearnLr;

  @Option(
      names = "--retain-model",
      paramLabel = "DIR",
      description = "The retain model's checkpoint: relearned the same way for robustness R.")
  Path retainModel;

  /**
   * The probes asked for, or null when no robustness option was given. A relearning option alone
   * (or {@code --retain-model}) turns relearning on; {@code --robustness} turns every probe on,
   * each overridable by its own option.
   *
   * @param seed seeds the relearning split and order and the text probes (null: the default 42)
   * @throws ConfigException naming the option, the value and what was expected
   */
  RobustnessSpec spec(Long seed) {
    boolean any =
        robustness
            || quantize != null
            || relearnSteps != null
            || relearnFraction != null
            || relearnLr != null
            || retainModel != null
            || textProbes;
    if (!any) {
      return null;
    }
    if (quantize != null) {
      for (Integer b : quantize) {
        if (b == null || b < 2 || b > 16) {
          throw new ConfigException("--quantize", b, "bit widths in 2..16, e.g. 8,4");
        }
      }
    }
    if (relearnSteps != null && (relearnSteps < 0 || relearnSteps > 100_000)) {
      throw new ConfigException("--relearn-steps", relearnSteps, "0..100000 (0 = off)");
    }
    if (relearnFraction != null && !(relearnFraction > 0 && relearnFraction < 1)) {
      throw new ConfigException("--relearn-fraction", relearnFraction, "0 < F < 1");
    }
    if (relearnLr != null && !(relearnLr > 0 && relearnLr < 1)) {
      throw new ConfigException("--relearn-lr", relearnLr, "0 < X < 1");
    }
    if (retainModel != null && !Files.isDirectory(retainModel)) {
      throw new ConfigException("--retain-model", retainModel.toString(), "a checkpoint directory");
    }
    RobustnessSpec d = RobustnessSpec.DEFAULTS;
    boolean all = robustness;
    return new RobustnessSpec(
        quantize != null ? quantize : all ? d.quantizeBits() : List.of(),
        relearnSteps != null
            ? relearnSteps
            : all || relearnFraction != null || relearnLr != null || retainModel != null
                ? d.relearnSteps()
                : 0,
        relearnFraction != null ? relearnFraction : d.relearnFraction(),
        relearnLr != null ? relearnLr : d.relearnLearningRate(),
        d.relearnBatchSize(),
        retainModel,
        seed != null ? seed : d.seed(),
        all || textProbes);
  }
}

package dev.lethe.gateway.cli;

import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.data.QaData;
import dev.lethe.unlearner.data.QaPair;
import dev.lethe.unlearner.train.CausalLmTrainer;
import dev.lethe.unlearner.train.Presets;
import dev.lethe.unlearner.train.TrainConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lethe train}: trains a white-box model from scratch on question/answer JSON Lines and
 * writes a Hugging Face checkpoint directory (atomically). Exit codes: 0 success, 2 bad usage or
 * invalid input (one-line reason on stderr), 1 other failure.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Train a white-box model from QA JSON Lines (question/answer per line) and write an"
            + " HF-format checkpoint directory.")
public final class TrainCommand implements Callable<Integer> {
  @Option(
      names = "--data",
      required = true,
      arity = "1..*",
      paramLabel = "FILE",
      description = "QA JSON Lines files (TOFU format).")
  List<Path> data;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Checkpoint directory to write (replaced atomically).")
  Path out;

  @Option(
      names = "--preset",
      defaultValue = "tiny",
      paramLabel = "NAME",
      description = "Model and optimizer preset: tiny or demo (default: ${DEFAULT-VALUE}).")
  String preset;

  @Option(
      names = "--steps",
      paramLabel = "N",
      description = "Optimizer steps (default: the preset's).")
  Integer steps;

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      description = "Sequences per optimizer step (default: the preset's).")
  Integer batchSize;

  @Option(names = "--seed", paramLabel = "S", description = "Random seed (default: the preset's).")
  Long seed;

  private final PrintStream err;

  /** A command reporting to {@code System.err}. */
  public TrainCommand() {
    this(System.err);
  }

  TrainCommand(PrintStream err) {
    this.err = err;
  }

  @Override
  public Integer call() {
    TrainConfig config;
    List<QaPair> pairs = new ArrayList<>();
    try {
      config = Presets.get(preset);
      if (steps != null) {
        config = config.withSteps(steps);
      }
      if (batchSize != null) {
        config = config.withBatchSize(batchSize);
      }
      if (seed != null) {
        config = config.withSeed(seed);
      }
      for (Path file : data) {
        pairs.addAll(QaData.readQa(file));
      }
    } catch (ConfigException e) {
      err.println("lethe train: " + e.getMessage());
      return 2;
    }
    try {
      CausalLmTrainer.Summary summary = new CausalLmTrainer(config, err).train(pairs, out);
      err.printf(
          "trained %d steps in %.1f s, final loss %.4f: %s%n",
          summary.steps(), summary.seconds(), summary.finalLoss(), summary.checkpoint());
      return 0;
    } catch (ConfigException e) {
      err.println("lethe train: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      err.println("lethe train: failed: " + e);
      return 1;
    }
  }
}

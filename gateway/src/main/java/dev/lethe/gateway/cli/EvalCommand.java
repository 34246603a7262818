package dev.lethe.gateway.cli;

import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.checkpoint.Checkpoint;
import dev.lethe.unlearner.eval.CheckpointEvaluation;
import dev.lethe.unlearner.eval.EvalSets;
import dev.lethe.unlearner.eval.ReferenceStats;
import dev.lethe.unlearner.eval.TofuData;
import dev.lethe.unlearner.eval.TofuReport;
import dev.lethe.unlearner.unlearn.UnlearnJob;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lethe eval}: TOFU metrics of one checkpoint as JSON (DESIGN.md §3.1: the object {@code M},
 * the six contract keys first, then the other metrics and {@code forget_truth_ratio_by_question},
 * which lets this output serve as another run's {@code --reference}). Progress on stderr. Exit
 * codes: 0 success, 2 bad usage or invalid input (one-line reason), 1 other failure.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "TOFU-style metrics for one checkpoint, as JSON.")
public final class EvalCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "Checkpoint dir.")
  Path model;

  @Option(
      names = "--forget",
      required = true,
      paramLabel = "FILE",
      description = "Forget questions (TOFU forgetXX_perturbed.json for truth ratio / quality).")
  Path forget;

  @Option(
      names = "--retain",
      required = true,
      paramLabel = "FILE",
      description = "Retain questions (TOFU retain_perturbed.json).")
  Path retain;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "JSON to write.")
  Path out;

  @Mixin EvalOptions eval = new EvalOptions();

  private final PrintStream err;

  /** A command reporting to {@code System.err}. */
  public EvalCommand() {
    this(System.err);
  }

  /** A command reporting to {@code err} (tests). */
  public EvalCommand(PrintStream err) {
    this.err = err;
  }

  @Override
  public Integer call() {
    try {
      if (!Files.isDirectory(model)) {
        throw new ConfigException("--model", model.toString(), "a checkpoint directory");
      }
      EvalOptions.requireFile("--forget", forget);
      EvalOptions.requireFile("--retain", retain);
      eval.check();
      TofuData data =
          new EvalSets(forget, retain, eval.realAuthors, eval.worldFacts, eval.holdout)
              .load(eval.limit);
      long t0 = System.nanoTime();
      CheckpointEvaluation evaluation = new CheckpointEvaluation(eval.config(), err);
      ReferenceStats reference = evaluation.reference(eval.reference, data);
      TofuReport report;
      try (Checkpoint ckpt = Checkpoint.load(model)) {
        report = evaluation.evaluate(ckpt.model(), ckpt.tokenizer(), data, reference);
      }
      UnlearnJob.writeAtomically(out, report.toMap());
      err.printf(
          Locale.ROOT,
          "evaluated in %.1f s: forget_quality %s, model_utility %s, forget_rouge %s -> %s%n",
          (System.nanoTime() - t0) / 1e9,
          report.forgetQuality(),
          report.modelUtility(),
          report.forgetRouge(),
          out);
      return 0;
    } catch (ConfigException e) {
      err.println("lethe eval: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      err.println("lethe eval: failed: " + e);
      return 1;
    }
  }
}

package dev.lethe.gateway.cli;

import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.data.QaData;
import dev.lethe.unlearner.data.QaPair;
import dev.lethe.unlearner.eval.ReferenceStats;
import dev.lethe.unlearner.eval.TofuData;
import dev.lethe.unlearner.evaluate.CheckpointEvaluation;
import dev.lethe.unlearner.evaluate.EvalSets;
import dev.lethe.unlearner.loss.MethodParams;
import dev.lethe.unlearner.loss.UnlearnMethod;
import dev.lethe.unlearner.model.LlamaConfig;
import dev.lethe.unlearner.unlearn.Rmu;
import dev.lethe.unlearner.unlearn.UnlearnConfig;
import dev.lethe.unlearner.unlearn.UnlearnJob;
import dev.lethe.unlearner.unlearn.UnlearningMethods;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lethe unlearn}: weight-level unlearning of a checkpoint (DESIGN.md §3.1). Writes the new
 * checkpoint to {@code --out} atomically with {@code report.json} ({@code method}, {@code seconds},
 * {@code steps}, {@code hyperparameters}, {@code before}, {@code after}). Evaluation uses the
 * {@code _perturbed} siblings of the forget/retain files when they exist (TOFU {@code
 * forget01.json} → {@code forget01_perturbed.json}), or {@code --eval-forget}/{@code
 * --eval-retain}. Exit codes: 0 success, 2 bad usage or invalid input (one-line reason on stderr),
 * 1 other failure.
 */
@Command(
    name = "unlearn",
    mixinStandardHelpOptions = true,
    description = "Weight-level unlearning; writes a checkpoint dir and DIR/report.json.")
public final class UnlearnCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR", description = "Start checkpoint.")
  Path model;

  @Option(
      names = "--method",
      required = true,
      paramLabel = "NAME",
      description = "ga, graddiff, kl, npo, simnpo, idk, idkdpo or rmu.")
  String method;

  @Option(names = "--forget", required = true, paramLabel = "FILE", description = "Forget QA.")
  Path forget;

  @Option(names = "--retain", required = true, paramLabel = "FILE", description = "Retain QA.")
  Path retain;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output checkpoint.")
  Path out;

  @Option(names = "--steps", paramLabel = "N", description = "Optimizer steps (default: epochs).")
  Integer steps;

  @Option(names = "--epochs", paramLabel = "N", description = "Passes over the forget set (5).")
  Integer epochs;

  @Option(names = "--seed", paramLabel = "S", description = "Random seed (default 42).")
  Long seed;

  @Option(names = "--lr", paramLabel = "X", description = "Peak learning rate (default 1e-4).")
  Double lr;

  @Option(names = "--batch-size", paramLabel = "N", description = "Forget pairs per step (8).")
  Integer batchSize;

  @Option(names = "--warmup", paramLabel = "F", description = "Warmup share of steps (0.1).")
  Double warmup;

  @Option(names = "--weight-decay", paramLabel = "X", description = "AdamW weight decay (0).")
  Double weightDecay;

  @Option(names = "--clip", paramLabel = "X", description = "Gradient-norm clip, 0 = off (1.0).")
  Double clip;

  @Option(names = "--beta", paramLabel = "X", description = "NPO/SimNPO/IdkDPO beta.")
  String beta;

  @Option(names = "--alpha", paramLabel = "X", description = "Retain weight.")
  String alpha;

  @Option(names = "--gamma", paramLabel = "X", description = "Forget weight.")
  String gamma;

  @Option(names = "--delta", paramLabel = "X", description = "SimNPO margin.")
  String delta;

  @Option(
      names = {"--steering-coefficient", "--c"},
      paramLabel = "X",
      description = "RMU steering coefficient c.")
  String steering;

  @Option(
      names = "--preset",
      paramLabel = "NAME",
      description =
          "rmu only: wmdp = the WMDP paper's Zephyr-7B setting (c 6.5, alpha 1200, three MLP"
              + " down-projections) instead of open-unlearning's (c 2, alpha 1, all parameters).")
  String preset;

  @Option(names = "--retain-loss", paramLabel = "KIND", description = "nll or kl (NPO, ...).")
  String retainLoss;

  @Option(names = "--layer", paramLabel = "L", description = "RMU layer (default: the middle).")
  Integer layer;

  @Option(
      names = "--saliency",
      paramLabel = "K",
      description = "SalUn: update only the top K% weights by forget gradient (0 < K <= 100).")
  Double saliency;

  @Option(
      names = "--params",
      paramLabel = "REGEX",
      description = "Update only parameters whose HF name contains a match.")
  String params;

  @Option(
      names = "--idk",
      paramLabel = "FILE",
      description = "Refusal lines for idk/idkdpo (default: idontknow.jsonl beside --forget).")
  Path idk;

  @Option(names = "--eval-forget", paramLabel = "FILE", description = "Forget set to evaluate on.")
  Path evalForget;

  @Option(names = "--eval-retain", paramLabel = "FILE", description = "Retain set to evaluate on.")
  Path evalRetain;

  @Option(names = "--no-eval", description = "Skip the before/after evaluation.")
  boolean noEval;

  @Mixin EvalOptions eval = new EvalOptions();

  private final PrintStream err;

  /** A command reporting to {@code System.err}. */
  public UnlearnCommand() {
    this(System.err);
  }

  /** A command reporting to {@code err} (tests). */
  public UnlearnCommand(PrintStream err) {
    this.err = err;
  }

  @Override
  public Integer call() {
    try {
      UnlearnJob.Spec spec = spec();
      new UnlearnJob(new SimpleMeterRegistry(), err).run(spec);
      return 0;
    } catch (ConfigException e) {
      err.println("lethe unlearn: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      err.println("lethe unlearn: failed: " + e);
      return 1;
    }
  }

  /** Validates the options and reads the inputs. */
  UnlearnJob.Spec spec() throws java.io.IOException {
    if (!Files.isDirectory(model)) {
      throw new ConfigException("--model", model.toString(), "a checkpoint directory");
    }
    UnlearnMethod m = UnlearnMethod.parse(method);
    EvalOptions.requireFile("--forget", forget);
    EvalOptions.requireFile("--retain", retain);
    EvalOptions.requireFile("--idk", idk);
    EvalOptions.requireFile("--eval-forget", evalForget);
    EvalOptions.requireFile("--eval-retain", evalRetain);
    eval.check();
    MethodParams p = MethodParams.defaults(m);
    int l = layer != null ? layer : Rmu.defaultLayer(LlamaConfig.read(model));
    String paramRegex = params;
    if (preset != null) {
      if (!preset.equals("wmdp") || m != UnlearnMethod.RMU) {
        throw new ConfigException("--preset", preset, "wmdp, with --method rmu");
      }
      p = MethodParams.wmdpRmu();
      paramRegex = params != null ? params : Rmu.wmdpParameterRegex(l);
    }
    UnlearnConfig d = UnlearnConfig.DEFAULTS;
    long s = seed != null ? seed : d.seed();
    p = p.with("seed", Long.toString(s));
    p = with(p, "beta", beta);
    p = with(p, "alpha", alpha);
    p = with(p, "gamma", gamma);
    p = with(p, "delta", delta);
    p = with(p, "steering-coefficient", steering);
    p = with(p, "retain", retainLoss);
    if (saliency != null && !(saliency > 0 && saliency <= 100)) {
      throw new ConfigException("--saliency", saliency, "0 < K <= 100 (a percentage)");
    }
    UnlearnConfig config =
        new UnlearnConfig(
            steps != null ? steps : 0,
            epochs != null ? epochs : (steps != null && steps > 0 ? 0 : d.epochs()),
            batchSize != null ? batchSize : d.batchSize(),
            lr != null ? lr : d.learningRate(),
            warmup != null ? warmup : d.warmupFraction(),
            d.minLrRatio(),
            weightDecay != null ? weightDecay : d.weightDecay(),
            clip != null ? clip : d.clipNorm(),
            saliency != null ? saliency / 100 : 1.0,
            paramRegex,
            s);
    List<QaPair> forgetPairs = QaData.readQa(forget);
    List<QaPair> retainPairs = QaData.readQa(retain);
    List<String> refusals = List.of();
    if (m == UnlearnMethod.IDK || m == UnlearnMethod.IDK_DPO) {
      Path file = idk != null ? idk : forget.resolveSibling("idontknow.jsonl");
      EvalOptions.requireFile("--idk", file);
      refusals = QaData.readLines(file);
    }
    TofuData data = null;
    ReferenceStats reference = null;
    if (!noEval) {
      data =
          new EvalSets(
                  evalForget != null ? evalForget : EvalSets.perturbedSibling(forget),
                  evalRetain != null ? evalRetain : EvalSets.perturbedSibling(retain),
                  eval.realAuthors,
                  eval.worldFacts,
                  eval.holdout)
              .load(eval.limit);
      reference = new CheckpointEvaluation(eval.config(), err).reference(eval.reference, data);
    }
    return new UnlearnJob.Spec(
        model,
        UnlearningMethods.create(p, l),
        config,
        forgetPairs,
        retainPairs,
        refusals,
        data,
        reference,
        eval.config(),
        out);
  }

  private static MethodParams with(MethodParams p, String name, String value) {
    return value == null ? p : p.with(name, value);
  }
}

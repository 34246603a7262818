package dev.lethe.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.lethe.config.ConfigException;
import dev.lethe.gateway.unlearn.UnlearnOptions;
import dev.lethe.gateway.unlearn.UnlearnRequestException;
import dev.lethe.unlearner.data.QaData;
import dev.lethe.unlearner.data.QaPair;
import dev.lethe.unlearner.eval.CheckpointEvaluation;
import dev.lethe.unlearner.eval.EvalSets;
import dev.lethe.unlearner.eval.ReferenceStats;
import dev.lethe.unlearner.eval.TofuData;
import dev.lethe.unlearner.loss.UnlearnMethod;
import dev.lethe.unlearner.model.LlamaConfig;
import dev.lethe.unlearner.robust.RobustnessSpec;
import dev.lethe.unlearner.search.DefaultTarget;
import dev.lethe.unlearner.search.Goal;
import dev.lethe.unlearner.search.SearchBudget;
import dev.lethe.unlearner.search.TargetSearch;
import dev.lethe.unlearner.unlearn.RetainPolicy;
import dev.lethe.unlearner.unlearn.UnlearnJob;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * --eval-retain}. A method with a {@link DefaultTarget} ({@code npo}) and no schedule ({@code
 * --steps}/{@code --epochs}), no {@code --target} and evaluation on runs to its default goal, its
 * settings filled in where no flag set them, and {@code report.json}'s {@code search.defaults} says
 * so. Exit codes: 0 success, 2 bad usage or invalid input (one-line reason on stderr), 1 other
 * failure.
 */
@Command(
    name = "unlearn",
    mixinStandardHelpOptions = true,
    description = "Weight-level unlearning; writes a checkpoint dir and DIR/report.json.")
public final class UnlearnCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "Start checkpoint.")
  Path model;

  @Option(
      names = "--method",
      paramLabel = "NAME",
      description = "ga, graddiff, kl, npo, simnpo, idk, idkdpo or rmu (or --stages).")
  String method;

  @Option(
      names = "--stages",
      paramLabel = "M1,M2",
      split = ",",
      description =
          "A pipeline run as one job, e.g. rmu,npo: each stage on the previous one's weights;"
              + " per-stage settings with --set.")
  List<String> stages;

  @Option(
      names = "--set",
      paramLabel = "STAGE.OPTION=VALUE",
      description =
          "A setting of one stage (method name or 1-based position), with the admin API's option"
              + " names: --set npo.lr=3e-4 --set rmu.steeringCoefficient=100 --set 2.alpha=0.1.")
  List<String> sets;

  @Option(
      names = "--retain-policy",
      paramLabel = "POLICY",
      description =
          "exclude (default): the retain term never trains on evaluation questions (retain, real"
              + " authors, world facts, forget); keep: use the retain file as given.")
  String retainPolicy;

  @Option(
      names = "--cool-reach",
      paramLabel = "F",
      description =
          "Search: halve the learning rate once a check is within F x the forget bound, again"
              + " within F/2 and once retain has used half its room (0: off).")
  Double coolReach;

  @Option(
      names = "--dense-reach",
      paramLabel = "F",
      description =
          "Search: check after every step once a check is within F x the forget bound or has used"
              + " half the room of a utility bound (4; 0: off, checks only every --check-every"
              + " steps and at a trial's end).")
  Double denseReach;

  @Option(
      names = "--trace-test",
      description =
          "Search: also evaluate the test half at every check (recorded, so the test half is no"
              + " longer held out; for choosing defaults on other questions).")
  boolean traceTest;

  @Option(
      names = "--target",
      paramLabel = "GOAL",
      description =
          "Unlearn to a goal instead of a schedule, e.g. forget_rouge<=0.3,retain_rouge_ratio>=0.9"
              + " (also forget_quality>=X with --reference, utility_ratio>=X, privleak<=X with"
              + " --reference and --holdout): searches the last"
              + " stage's lr and retain weight, stopping early, selecting on a validation half"
              + " of the evaluation questions and reporting on the other half; a check that breaks a"
              + " utility bound ends the search, as with the default goal.")
  String target;

  @Option(
      names = "--budget-trials",
      paramLabel = "N",
      description = "Search trials (6; the npo default goal: 3).")
  Integer budgetTrials;

  @Option(names = "--budget-seconds", paramLabel = "S", description = "Search time (1800).")
  Double budgetSeconds;

  @Option(
      names = "--check-every",
      paramLabel = "N",
      description =
          "Validation check every N steps of a trial (5; the npo default goal: about 10 checks"
              + " per trial).")
  Integer checkEvery;

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

  @Option(
      names = "--batch-size",
      paramLabel = "N",
      description = "Forget pairs per step (8); 0: the whole forget set in every step.")
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
      description = "SalUn: update only the top K%% weights by forget gradient (0 < K <= 100).")
  Double saliency;

  @Option(
      names = "--params",
      paramLabel = "REGEX",
      description = "Update only parameters whose HF name contains a match.")
  String params;

  @Option(
      names = "--project-gradients",
      negatable = true,
      description =
          "With a retain term: remove from the forget gradient its component along a conflicting"
              + " retain gradient before each step (PCGrad; a second backward pass per step).")
  Boolean projectGradients;

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

  @Mixin RobustnessOptions robust = new RobustnessOptions();

  private final PrintStream err;

  /** The default goal {@link #spec()} applied, or null. */
  private DefaultTarget defaultTarget;

  /** The default's options that flags set instead. */
  private final List<String> overridden = new ArrayList<>();

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
      if (target != null) {
        Goal goal = Goal.parse(target);
        SearchBudget budget =
            new SearchBudget(
                    budgetTrials != null ? budgetTrials : 6,
                    budgetSeconds != null ? budgetSeconds : 1800,
                    checkEvery != null ? checkEvery : 5)
                .withCoolReach(coolReach != null ? coolReach : 0)
                .withStopAtBreak(true);
        new TargetSearch(new SimpleMeterRegistry(), err, traceTest)
            .run(spec, goal, withDenseReach(budget), seed != null ? seed : 42);
        return 0;
      }
      if (defaultTarget != null) {
        if (!DefaultTarget.Applied.enoughQuestions(
            spec.evalData().forget().size(), spec.evalData().retain().size())) {
          throw new ConfigException(
              "--method " + method,
              "the default goal stops on a validation half of the evaluation questions and needs"
                  + " at least 2 forget and 2 retain ones (this run has "
                  + spec.evalData().forget().size()
                  + " and "
                  + spec.evalData().retain().size()
                  + "; give --eval-forget/--eval-retain, or --steps/--epochs for a fixed"
                  + " schedule)");
        }
        int planned = spec.stages().get(0).config().totalSteps(spec.forget().size());
        SearchBudget budget =
            withDenseReach(
                defaultTarget.budget(budgetTrials, budgetSeconds, checkEvery, coolReach, planned));
        err.println(
            "lethe unlearn: "
                + method
                + " default: unlearning to "
                + defaultTarget.goal().text()
                + " on a validation half of the evaluation questions (at most "
                + budget.maxTrials()
                + " trials of "
                + planned
                + " steps; --steps/--epochs for a fixed schedule, --target for another goal)");
        new TargetSearch(new SimpleMeterRegistry(), err, traceTest)
            .run(
                spec,
                defaultTarget.goal(),
                budget,
                seed != null ? seed : 42,
                defaultTarget.provenance(overridden, budget));
        return 0;
      }
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

  /** {@code budget} with {@code --dense-reach} in place of its dense reach, when given. */
  private SearchBudget withDenseReach(SearchBudget budget) {
    return denseReach != null ? budget.withDenseReach(denseReach) : budget;
  }

  /** Validates the options and reads the inputs. */
  UnlearnJob.Spec spec() throws java.io.IOException {
    if (!Files.isDirectory(model)) {
      throw new ConfigException("--model", model.toString(), "a checkpoint directory");
    }
    if ((method == null) == (stages == null || stages.isEmpty())) {
      throw new ConfigException("--method/--stages", "give exactly one of them");
    }
    List<String> names = method != null ? List.of(method) : stages;
    List<UnlearnMethod> kinds = new ArrayList<>();
    for (String n : names) {
      kinds.add(UnlearnMethod.parse(n));
    }
    EvalOptions.requireFile("--forget", forget);
    EvalOptions.requireFile("--retain", retain);
    EvalOptions.requireFile("--idk", idk);
    EvalOptions.requireFile("--eval-forget", evalForget);
    EvalOptions.requireFile("--eval-retain", evalRetain);
    eval.check();
    if (saliency != null && !(saliency > 0 && saliency <= 100)) {
      throw new ConfigException("--saliency", saliency, "0 < K <= 100 (a percentage)");
    }
    LlamaConfig modelConfig = LlamaConfig.read(model);
    ObjectNode common = commonOptions();
    List<ObjectNode> perStage = new ArrayList<>();
    for (int i = 0; i < kinds.size(); i++) {
      perStage.add(common.deepCopy());
    }
    applySets(kinds, perStage);
    applyDefaultTarget(kinds, perStage);
    List<UnlearnJob.Stage> plan = new ArrayList<>();
    for (int i = 0; i < kinds.size(); i++) {
      String prefix = kinds.size() == 1 ? "" : "stage " + (i + 1) + " (" + names.get(i) + "): ";
      UnlearnOptions.Plan p;
      try {
        p = UnlearnOptions.parse(names.get(i), perStage.get(i), modelConfig, prefix);
      } catch (UnlearnRequestException e) {
        throw new ConfigException("", e.getMessage());
      }
      plan.add(new UnlearnJob.Stage(p.method(), p.config()));
    }
    List<QaPair> forgetPairs = QaData.readQa(forget);
    List<QaPair> retainPairs = QaData.readQa(retain);
    List<String> refusals = List.of();
    if (kinds.stream().anyMatch(UnlearnMethod::usesRefusals)) {
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
    RetainPolicy policy = RetainPolicy.EXCLUDE_EVAL_QUESTIONS;
    if (retainPolicy != null) {
      policy =
          switch (retainPolicy) {
            case "exclude" -> RetainPolicy.EXCLUDE_EVAL_QUESTIONS;
            case "keep" -> RetainPolicy.KEEP;
            default ->
                throw new ConfigException("--retain-policy", retainPolicy, "exclude or keep");
          };
    }
    return new UnlearnJob.Spec(
        model,
        plan,
        forgetPairs,
        retainPairs,
        refusals,
        data,
        reference,
        eval.config(),
        out,
        policy,
        robustnessSpec());
  }

  /**
   * Fills in the default goal's settings for a single method that has one, unless a schedule, a
   * goal or {@code --no-eval} was given: the flags (and {@code --set}) win over each setting.
   */
  private void applyDefaultTarget(List<UnlearnMethod> kinds, List<ObjectNode> perStage) {
    defaultTarget = null;
    overridden.clear();
    if (kinds.size() != 1 || stages != null || target != null) {
      return;
    }
    ObjectNode o = perStage.get(0);
    Set<String> given = new HashSet<>();
    o.fieldNames().forEachRemaining(given::add);
    DefaultTarget.Applied applied = DefaultTarget.apply(kinds.get(0), given).orElse(null);
    if (applied == null) {
      return;
    }
    if (noEval) {
      err.println(
          "lethe unlearn: --no-eval: no default goal to stop on, running the fixed schedule");
      return;
    }
    applied.fill().forEach((k, v) -> o.set(k, JSON.valueToTree(v)));
    overridden.addAll(applied.overridden());
    defaultTarget = applied.target();
  }

  /** The robustness probes asked for, or null. */
  RobustnessSpec robustnessSpec() {
    return robust.spec(seed);
  }

  /** The loop and method flags as the admin API's options object (one parser for both). */
  private ObjectNode commonOptions() {
    ObjectNode o = JSON.createObjectNode();
    if (steps != null) {
      o.put("steps", steps);
    }
    if (epochs != null) {
      o.put("epochs", epochs);
    }
    if (seed != null) {
      o.put("seed", seed);
    }
    if (lr != null) {
      o.put("lr", lr);
    }
    if (batchSize != null) {
      o.put("batchSize", batchSize);
    }
    if (warmup != null) {
      o.put("warmup", warmup);
    }
    if (weightDecay != null) {
      o.put("weightDecay", weightDecay);
    }
    if (clip != null) {
      o.put("clip", clip);
    }
    if (saliency != null) {
      o.put("saliency", saliency);
    }
    if (params != null) {
      o.put("params", params);
    }
    if (projectGradients != null) {
      o.put("projectGradients", projectGradients);
    }
    if (layer != null) {
      o.put("layer", layer);
    }
    if (preset != null) {
      o.put("preset", preset);
    }
    if (retainLoss != null) {
      o.put("retainLoss", retainLoss);
    }
    number(o, "beta", "--beta", beta);
    number(o, "alpha", "--alpha", alpha);
    number(o, "gamma", "--gamma", gamma);
    number(o, "delta", "--delta", delta);
    number(o, "steeringCoefficient", "--steering-coefficient", steering);
    return o;
  }

  private static void number(ObjectNode o, String key, String flag, String value) {
    if (value == null) {
      return;
    }
    try {
      o.put(key, Double.parseDouble(value.trim()));
    } catch (NumberFormatException e) {
      throw new ConfigException(flag, value, "a number");
    }
  }

  /** Applies {@code --set STAGE.OPTION=VALUE} to the stages it names. */
  private void applySets(List<UnlearnMethod> kinds, List<ObjectNode> perStage) {
    if (sets == null) {
      return;
    }
    for (String set : sets) {
      int eq = set.indexOf('=');
      int dot = set.indexOf('.');
      if (eq < 0 || dot < 0 || dot > eq) {
        throw new ConfigException("--set", set, "STAGE.OPTION=VALUE, e.g. npo.lr=3e-4");
      }
      String stage = set.substring(0, dot).trim();
      String key = set.substring(dot + 1, eq).trim();
      String raw = set.substring(eq + 1).trim();
      JsonNode value;
      try {
        value = JSON.readTree(raw);
        if (value == null || value.isMissingNode() || value.isContainerNode()) {
          value = TextNode.valueOf(raw);
        }
      } catch (java.io.IOException e) {
        value = TextNode.valueOf(raw);
      }
      List<Integer> targets = new ArrayList<>();
      if (stage.chars().allMatch(Character::isDigit) && !stage.isEmpty()) {
        int i = Integer.parseInt(stage) - 1;
        if (i < 0 || i >= kinds.size()) {
          throw new ConfigException("--set", set, "a stage number in 1.." + kinds.size());
        }
        targets.add(i);
      } else {
        UnlearnMethod m = UnlearnMethod.parse(stage);
        for (int i = 0; i < kinds.size(); i++) {
          if (kinds.get(i) == m) {
            targets.add(i);
          }
        }
        if (targets.isEmpty()) {
          throw new ConfigException("--set", set, "a stage of this run (" + kinds + ")");
        }
      }
      for (int i : targets) {
        perStage.get(i).set(key, value);
      }
    }
  }
}

package dev.lethe.unlearner.search;

import static java.util.Objects.requireNonNull;

import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.checkpoint.Checkpoint;
import dev.lethe.unlearner.data.QaPair;
import dev.lethe.unlearner.eval.CheckpointEvaluation;
import dev.lethe.unlearner.eval.ReferenceStats;
import dev.lethe.unlearner.eval.TofuReport;
import dev.lethe.unlearner.loss.MethodParams;
import dev.lethe.unlearner.model.LlamaModel;
import dev.lethe.unlearner.model.Tensor;
import dev.lethe.unlearner.robust.Robustness;
import dev.lethe.unlearner.robust.RobustnessEvaluation;
import dev.lethe.unlearner.tokenizer.TextTokenizer;
import dev.lethe.unlearner.unlearn.UnlearnConfig;
import dev.lethe.unlearner.unlearn.UnlearnJob;
import dev.lethe.unlearner.unlearn.UnlearnReport;
import dev.lethe.unlearner.unlearn.Unlearner;
import dev.lethe.unlearner.unlearn.UnlearningMethods;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Searches the last stage's learning rate, retain weight and (by early stopping) steps until the
 * model meets a {@link Goal} on a validation split of the evaluation questions, then reports the
 * chosen model on the disjoint test split.
 *
 * <p>Protocol: every evaluation set (forget, retain, real authors, world facts) is split in two by
 * a seeded shuffle, half for validation, half for test; so is the holdout set (membership
 * inference), so that a privleak bound can be checked on validation without touching the test
 * side's holdout questions. Each trial starts from the start checkpoint with the spec's earlier
 * stages unchanged; three trials at the last stage's retain weight α, then three at α / 4. Within
 * each group the learning rate is bracketed ({@link LrBracket}): the first trial runs the given
 * rate, a trial that ran out of steps keeping utility is followed by a doubled rate, one that broke
 * a utility bound by a halved rate with proportionally more steps (never a higher one), then the
 * geometric mean of the two. Within a trial the validation split is checked every {@link
 * SearchBudget#checkEvery()} steps of the last stage, after every step once a check comes {@link
 * Goal#withinReach within reach} of the goal, and at the end ({@link TrialMonitor}); the trial
 * stops at the first check that meets the goal (the search then ends: the least intervention that
 * meets it), or at the first check that breaks a utility bound (further steps only move further
 * away). Each trial keeps the weights of its best check, not only its last. If no trial meets the
 * goal within the budget, the check with the fewest missed bounds that keeps the utility bounds,
 * then the lowest validation forget ROUGE-L, is chosen. With {@link SearchBudget#stopAtBreak()} a
 * trial that breaks a utility bound ends the search instead, once some check has kept the utility
 * bounds ({@link #endsSearch}). The budget is in trials of planned steps; its wall-time cap is a
 * safety net: once it has passed, no new trial starts and a running trial ends at its next step,
 * which gets a check (outcome {@code time_cap}; the first trial always runs, at least one step),
 * and {@code search.stopped} says whether the goal, the trials, a break or the cap ended the
 * search. Every trial and check is recorded in the report's {@code trials}.
 */
public final class TargetSearch {
  /**
   * Each trial's factor on the last stage's retain weight α: three trials at α, then three at α /
   * 4; within each group the learning rate is bracketed ({@link LrBracket}).
   */
  private static final double[] ALPHA_FACTORS = {1, 1, 1, 0.25, 0.25, 0.25};

  private final MeterRegistry registry;
  private final PrintStream progress;
  private final boolean traceTest;

  /** A search recording loop metrics in {@code registry} and progress on {@code progress}. */
  public TargetSearch(MeterRegistry registry, PrintStream progress) {
    this(registry, progress, false);
  }

  /**
   * As {@link #TargetSearch(MeterRegistry, PrintStream)}; with {@code traceTest} every check also
   * evaluates the test half and records it under the check's {@code test}, and {@code
   * search.test_traced} is true. That is for choosing a product default on questions that are not
   * the ones it is reported on (the whole trajectory on both halves in one run): the test half of a
   * traced run has been looked at during the run and is no longer held out.
   */
  public TargetSearch(MeterRegistry registry, PrintStream progress, boolean traceTest) {
    this.registry = requireNonNull(registry, "registry");
    this.progress = requireNonNull(progress, "progress");
    this.traceTest = traceTest;
  }

  /**
   * Runs the search for {@code spec} (whose evaluation data is required) and writes the chosen
   * checkpoint with {@code report.json} (its {@code before}/{@code after} on the test split, {@code
   * trials} with every trial).
   *
   * @param seed seeds the validation/test split
   * @throws ConfigException when the spec has no evaluation data or a split is empty
   */
  public UnlearnReport run(UnlearnJob.Spec spec, Goal goal, SearchBudget budget, long seed)
      throws IOException {
    return run(spec, goal, budget, seed, null);
  }

  /**
   * As {@link #run(UnlearnJob.Spec, Goal, SearchBudget, long)}, recording {@code defaults} (what a
   * default goal applied, e.g. {@link DefaultTarget#provenance}) as {@code search.defaults} in
   * {@code report.json}.
   *
   * @param defaults the provenance of a default goal, or null when the goal was asked for
   */
  public UnlearnReport run(
      UnlearnJob.Spec spec, Goal goal, SearchBudget budget, long seed, Map<String, Object> defaults)
      throws IOException {
    return search(spec, goal, budget, seed, defaults, UnlearnJob.Listener.none()).report();
  }

  /**
   * What a search returns.
   *
   * @param report the chosen model's report ({@code before}/{@code after} on the test split)
   * @param search what {@code report.json} holds under {@code search}: the goal, whether it was
   *     met, the chosen trial and step, why the search stopped, the split and the time
   */
  public record Result(UnlearnReport report, Map<String, Object> search) {
    /** Copies the search map. */
    public Result {
      requireNonNull(report, "report");
      search = Collections.unmodifiableMap(new LinkedHashMap<>(search));
    }
  }

  /**
   * As {@link #run(UnlearnJob.Spec, Goal, SearchBudget, long, Map)}, telling {@code listener} the
   * phases and each step of the checked trials (the step count restarts with each trial), and
   * returning the {@code search} block with the report.
   */
  public Result search(
      UnlearnJob.Spec spec,
      Goal goal,
      SearchBudget budget,
      long seed,
      Map<String, Object> defaults,
      UnlearnJob.Listener listener)
      throws IOException {
    requireNonNull(spec, "spec");
    requireNonNull(listener, "listener");
    requireNonNull(goal, "goal");
    requireNonNull(budget, "budget");
    if (spec.evalData() == null || spec.evalData().forget().size() < 2) {
      throw new ConfigException("target", "needs evaluation data with at least 2 forget questions");
    }
    if (goal.minRetainRougeRatio() != null && spec.evalData().retain().size() < 2) {
      throw new ConfigException("target", "retain_rouge_ratio needs at least 2 retain questions");
    }
    dev.lethe.unlearner.Engines.pytorch();
    ai.djl.pytorch.jni.JniUtils.setGradMode(false);
    long start = System.nanoTime();
    EvalSplit splits = EvalSplit.of(spec.evalData(), seed);
    ReferenceStats validationRef = EvalSplit.reference(spec.reference(), splits.validation());
    ReferenceStats testRef = EvalSplit.reference(spec.reference(), splits.test());
    if (goal.minForgetQuality() != null && validationRef == null) {
      throw new ConfigException("target", "forget_quality needs the retain model (--reference)");
    }
    UnlearnReport.RetainSelection selection = UnlearnJob.selectRetain(spec);
    List<QaPair> retain = UnlearnJob.selectedRetain(spec);
    CheckpointEvaluation evaluation = new CheckpointEvaluation(spec.evalConfig(), progress);

    TofuReport startValidation;
    TofuReport before;
    long evalStart = System.nanoTime();
    listener.phase(UnlearnJob.Phase.EVALUATE_BEFORE, -1);
    try (Checkpoint ckpt = Checkpoint.load(spec.model())) {
      startValidation =
          evaluation.evaluate(ckpt.model(), ckpt.tokenizer(), splits.validation(), validationRef);
      before = evaluation.evaluate(ckpt.model(), ckpt.tokenizer(), splits.test(), testRef);
    }
    double evalSeconds = (System.nanoTime() - evalStart) / 1e9;

    List<Map<String, Object>> trials = new ArrayList<>();
    Best best = null;
    String stopped = "trials spent";
    int totalSteps = 0;
    int last = spec.stages().size() - 1;
    LrBracket bracket = null;
    for (int t = 0; t < Math.min(budget.maxTrials(), ALPHA_FACTORS.length); t++) {
      if (t > 0 && capPassed(start, budget)) {
        progress.println("target: time cap reached before trial " + (t + 1));
        stopped = "time cap";
        break;
      }
      double alphaFactor = ALPHA_FACTORS[t];
      List<UnlearnJob.Stage> stages = new ArrayList<>(spec.stages());
      UnlearnJob.Stage base = stages.get(last);
      UnlearnConfig c = base.config();
      if (t == 0 || alphaFactor != ALPHA_FACTORS[t - 1]) {
        bracket = new LrBracket(c.learningRate());
      }
      double lr = Math.min(0.5, bracket.next());
      MethodParams p = base.method().params();
      MethodParams tuned = p.with("alpha", Double.toString(p.alpha() * alphaFactor));
      int baseSteps = c.totalSteps(spec.forget().size());
      int plannedSteps = (int) Math.round(baseSteps * bracket.stepFactor(lr));
      UnlearnConfig tunedConfig =
          new UnlearnConfig(
              plannedSteps,
              c.epochs(),
              c.batchSize(),
              lr,
              c.warmupFraction(),
              c.minLrRatio(),
              c.weightDecay(),
              c.clipNorm(),
              c.saliency(),
              c.parameterRegex(),
              c.seed(),
              c.projectGradients(),
              c.microBatch());
      stages.set(
          last,
          new UnlearnJob.Stage(
              UnlearningMethods.create(tuned, Math.max(0, base.method().steeredLayer())),
              tunedConfig));
      progress.printf(
          Locale.ROOT,
          "target: trial %d, %s lr %.2e alpha %.3g, %d steps%n",
          t + 1,
          base.method().name(),
          tunedConfig.learningRate(),
          tuned.alpha(),
          plannedSteps);
      Map<String, Object> trial = new LinkedHashMap<>();
      trial.put("trial", t + 1);
      trial.put("method", base.method().name());
      trial.put("lr", tunedConfig.learningRate());
      trial.put("alpha", tuned.alpha());
      trial.put("planned_steps", plannedSteps);
      List<Map<String, Object>> checks = new ArrayList<>();
      trial.put("checks", checks);
      long t0 = System.nanoTime();
      TrialMonitor monitor = new TrialMonitor(goal, startValidation, budget);
      try (Checkpoint ckpt = Checkpoint.load(spec.model())) {
        List<UnlearnReport.StageReport> stageReports = new ArrayList<>();
        Map<String, Tensor>[] trialWeights = newWeightsHolder();
        for (int i = 0; i < stages.size(); i++) {
          UnlearnJob.Stage stage = stages.get(i);
          boolean checking = i == last;
          int stageIndex = i;
          listener.phase(UnlearnJob.Phase.UNLEARN, i);
          Unlearner.StepListener stepListener =
              new Unlearner.StepListener() {
                boolean stop;

                @Override
                public void afterStep(int step, int total, boolean skipped, double loss) {
                  listener.step(stageIndex, step, total, skipped, loss);
                  afterStep(step, total, skipped);
                }

                @Override
                public void afterStep(int step, int total, boolean skipped) {
                  boolean overCap = capPassed(start, budget);
                  if (!checking || !monitor.due(step, total, overCap)) {
                    return;
                  }
                  TofuReport r =
                      evaluation.evaluate(
                          ckpt.model(), ckpt.tokenizer(), splits.validation(), validationRef);
                  TrialMonitor.Verdict v = monitor.observe(step, r, overCap);
                  TrialMonitor.Check check = monitor.last();
                  Map<String, Object> checkMap = check.toMap();
                  checkMap.put("lr_scale_next", monitor.lrScale());
                  if (traceTest) {
                    checkMap.put(
                        "test",
                        TrialMonitor.Check.figures(
                            evaluation.evaluate(
                                ckpt.model(), ckpt.tokenizer(), splits.test(), testRef)));
                  }
                  checks.add(checkMap);
                  if (v.newBest()) {
                    trialWeights[0] = ckpt.model().toTensors();
                  }
                  progress.printf(
                      Locale.ROOT,
                      "target: trial %d step %d/%d validation forget_rouge %s retain_rouge %s%s%n",
                      trial.get("trial"),
                      step,
                      total,
                      r.forgetRouge(),
                      r.retainRouge(),
                      check.misses().isEmpty()
                          ? " - goal met"
                          : " - misses "
                              + check.misses()
                              + (check.keepsUtility() ? "" : " - stop"));
                  stop = v.stop();
                  if (monitor.outcome() == TrialMonitor.Outcome.TIME_CAP) {
                    progress.printf(
                        Locale.ROOT,
                        "target: time cap reached at trial %d step %d; the trial ends at its best"
                            + " check%n",
                        trial.get("trial"),
                        step);
                  }
                }

                @Override
                public boolean stopNow() {
                  return stop;
                }

                @Override
                public double lrScale() {
                  return checking ? monitor.lrScale() : 1;
                }
              };
          Unlearner.Result result =
              new Unlearner(stage.config(), registry, progress, stepListener)
                  .run(
                      stage.method(),
                      ckpt.model(),
                      ckpt.tokenizer(),
                      spec.forget(),
                      retain,
                      spec.refusals());
          stageReports.add(
              new UnlearnReport.StageReport(
                  stage.method().name(),
                  result,
                  UnlearnJob.hyperparameters(stage, spec, retain, result)));
        }
        int steps = stageReports.get(last).result().steps();
        totalSteps += steps;
        TrialMonitor.Outcome outcome = monitor.outcome();
        bracket.record(lr, outcome);
        boolean met = outcome == TrialMonitor.Outcome.MET;
        trial.put("steps", steps);
        trial.put("seconds", (System.nanoTime() - t0) / 1e9);
        trial.put("met", met);
        trial.put("outcome", outcome.name().toLowerCase(Locale.ROOT));
        TrialMonitor.Check check = monitor.best();
        trial.put("best_step", check != null ? check.step() : null);
        trials.add(trial);
        if (met || best == null || (check != null && check.betterThan(best.check))) {
          best =
              new Best(
                  t + 1,
                  check,
                  trialWeights[0] != null ? trialWeights[0] : ckpt.model().toTensors(),
                  stageReports,
                  ckpt.directory().resolve(TextTokenizer.FILE_NAME));
        }
        if (met) {
          stopped = "goal met";
          break;
        }
        if (outcome == TrialMonitor.Outcome.TIME_CAP) {
          stopped = "time cap";
          break;
        }
        if (endsSearch(outcome, budget, best.check)) {
          progress.println("target: a utility bound broke; the search ends at its best check");
          stopped = "utility bound broken";
          break;
        }
        if (outcome == TrialMonitor.Outcome.BROKE_UTILITY && budget.stopAtBreak()) {
          progress.println(
              "target: a utility bound broke before any check kept it; the next trial is"
                  + " gentler");
        }
      }
    }
    if (best == null) {
      throw new ConfigException("target", "no trial ran within the budget");
    }
    for (Map<String, Object> trial : trials) {
      trial.put("chosen", trial.get("trial").equals(best.trial));
    }
    try (Checkpoint ckpt = Checkpoint.load(spec.model());
        LlamaModel chosen =
            LlamaModel.fromTensors(ckpt.model().config(), best.weights, ckpt.model().device())) {
      long t1 = System.nanoTime();
      progress.println("target: evaluating the chosen trial " + best.trial + " on the test split");
      listener.phase(UnlearnJob.Phase.EVALUATE_AFTER, -1);
      TofuReport after = evaluation.evaluate(chosen, ckpt.tokenizer(), splits.test(), testRef);
      evalSeconds += (System.nanoTime() - t1) / 1e9;
      Robustness robustness = null;
      if (spec.robustness() != null && spec.robustness().any()) {
        listener.phase(UnlearnJob.Phase.ROBUSTNESS, -1);
        robustness =
            new RobustnessEvaluation(spec.robustness(), spec.evalConfig(), progress)
                .run(chosen, ckpt.tokenizer(), splits.test().forget());
      }
      listener.phase(UnlearnJob.Phase.SAVE, -1);
      Path saved = Checkpoint.save(chosen, best.tokenizer, spec.out());
      UnlearnReport report =
          new UnlearnReport(
              spec.methodName(),
              best.stages,
              selection,
              before,
              after,
              robustness,
              trials,
              evalSeconds);
      Map<String, Object> json = new LinkedHashMap<>(report.toMap());
      Map<String, Object> search = new LinkedHashMap<>();
      search.put("goal", goal.text());
      search.put("chosen_trial", best.trial);
      search.put("chosen_step", best.check != null ? best.check.step() : null);
      search.put("met", best.check != null && best.check.misses().isEmpty());
      search.put("validation_questions", splits.validation().forget().size());
      search.put("test_questions", splits.test().forget().size());
      search.put("split_seed", seed);
      search.put("seconds", (System.nanoTime() - start) / 1e9);
      search.put("steps", totalSteps);
      search.put("stopped", stopped);
      search.put("time_cap_seconds", budget.maxSeconds());
      search.put("check_every", budget.checkEvery());
      search.put("dense_reach", budget.denseReach());
      search.put("stop_at_break", budget.stopAtBreak());
      search.put("cool_reach", budget.coolReach());
      search.put("test_traced", traceTest);
      Map<String, Object> startMap = new LinkedHashMap<>();
      startMap.put("forget_rouge", startValidation.forgetRouge());
      startMap.put("retain_rouge", startValidation.retainRouge());
      startMap.put("model_utility", startValidation.modelUtility());
      search.put("validation_start", startMap);
      if (defaults != null) {
        search.put("defaults", defaults);
      }
      json.put("search", search);
      UnlearnJob.writeAtomically(saved.resolve(UnlearnJob.REPORT_FILE), json);
      progress.printf(
          Locale.ROOT,
          "target: chose trial %d (%s); test forget_rouge %s retain_rouge %s; %s in %s%n",
          best.trial,
          best.check != null && best.check.misses().isEmpty() ? "goal met" : "goal not met",
          after.forgetRouge(),
          after.retainRouge(),
          UnlearnJob.REPORT_FILE,
          saved);
      return new Result(report, search);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Tensor>[] newWeightsHolder() {
    return (Map<String, Tensor>[]) new Map<?, ?>[1];
  }

  /** Whether the search's wall-time cap has passed, counted from {@code start} (nanoTime). */
  private static boolean capPassed(long start, SearchBudget budget) {
    return (System.nanoTime() - start) / 1e9 >= budget.maxSeconds();
  }

  /**
   * Whether a trial that ended with {@code outcome} ends the search under {@link
   * SearchBudget#stopAtBreak()}: only once some check, {@code best} being the search's best so far,
   * kept the utility bounds, so there is a candidate that did. A break before any check kept them
   * (the very first check already past the edge) is followed by a gentler trial instead, as without
   * {@code stopAtBreak}; otherwise the search would end on a model that broke utility.
   */
  static boolean endsSearch(
      TrialMonitor.Outcome outcome, SearchBudget budget, TrialMonitor.Check best) {
    return outcome == TrialMonitor.Outcome.BROKE_UTILITY
        && budget.stopAtBreak()
        && best != null
        && best.keepsUtility();
  }

  /** The best trial so far, with its weights. */
  private record Best(
      int trial,
      TrialMonitor.Check check,
      Map<String, Tensor> weights,
      List<UnlearnReport.StageReport> stages,
      Path tokenizer) {}
}

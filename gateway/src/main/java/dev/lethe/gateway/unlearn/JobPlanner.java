package dev.lethe.gateway.unlearn;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.UnlearnSettings;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.gateway.backend.local.LoadedModel;
import dev.lethe.gateway.backend.local.ModelRegistry;
import dev.lethe.gateway.backend.local.ModelSlot;
import dev.lethe.unlearner.data.QaData;
import dev.lethe.unlearner.data.QaPair;
import dev.lethe.unlearner.eval.QaItem;
import dev.lethe.unlearner.eval.TofuData;
import dev.lethe.unlearner.eval.TofuEvalConfig;
import dev.lethe.unlearner.model.LlamaConfig;
import dev.lethe.unlearner.robust.RobustnessSpec;
import dev.lethe.unlearner.search.DefaultTarget;
import dev.lethe.unlearner.search.SearchBudget;
import dev.lethe.unlearner.unlearn.RetainPolicy;
import dev.lethe.unlearner.unlearn.UnlearnJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Turns a request of {@code POST /admin/unlearn} into a job: checks the model, the rules and each
 * stage's options ({@link UnlearnOptions}), draws the forget set ({@link ForgetSets}), and builds
 * the {@link UnlearnJob.Spec} the worker runs and the job's first JSON document. Nothing here
 * starts work or touches the job registry.
 */
final class JobPlanner {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A validated job, not started.
   *
   * @param slot the model's slot, to swap into when the gates pass
   * @param spec what the worker runs
   * @param document the job's JSON document, state {@code queued}
   * @param defaultGoal the method's default goal, when the job runs to it instead of a schedule
   *     (NPO without {@code steps}/{@code epochs}), else null
   */
  record Planned(
      ModelSlot slot, UnlearnJob.Spec spec, ObjectNode document, DefaultGoal defaultGoal) {}

  /**
   * A default goal applied to a job ({@link DefaultTarget#apply}, the same as {@code lethe
   * unlearn}'s).
   *
   * @param applied the default and what the request's options overrode
   * @param budget the search's budget
   * @param seed the validation/test split's seed (the loop's)
   */
  record DefaultGoal(DefaultTarget.Applied applied, SearchBudget budget, long seed) {
    /** What the job document and {@code report.json} record under {@code search.defaults}. */
    java.util.Map<String, Object> provenance() {
      return applied.target().provenance(applied.overridden(), budget);
    }
  }

  private final UnlearnSettings settings;
  private final ModelRegistry models;
  private final Supplier<RuleSet> rules;
  private final Clock clock;
  private final UnlearnGates gates;
  private final JobInputs inputs;
  private final JobStore store;

  JobPlanner(
      UnlearnSettings settings,
      ModelRegistry models,
      Supplier<RuleSet> rules,
      Clock clock,
      UnlearnGates gates,
      JobInputs inputs,
      JobStore store) {
    this.settings = requireNonNull(settings, "settings");
    this.models = requireNonNull(models, "models");
    this.rules = requireNonNull(rules, "rules");
    this.clock = requireNonNull(clock, "clock");
    this.gates = requireNonNull(gates, "gates");
    this.inputs = requireNonNull(inputs, "inputs");
    this.store = requireNonNull(store, "store");
  }

  /**
   * Validates a request: one stage ({@code pipeline} false: errors name {@code method} and {@code
   * options.<field>}) or a pipeline (errors name {@code stages[i].method}, {@code
   * stages[i].options.<field>}).
   *
   * @throws UnlearnRequestException 400 (bad field), 404 (unknown model or rule), 409 (no
   *     checkpoint serving)
   */
  Planned plan(String model, List<String> ruleIds, JsonNode stages, boolean pipeline) {
    if (!settings.enabled()) {
      throw new UnlearnRequestException(
          400,
          "unlearn_not_configured",
          null,
          "Unlearning is not configured (unlearn.retainSet in the configuration).");
    }
    if (model == null || model.isBlank()) {
      throw UnlearnOptions.bad("model", "model: expected the name of a local model");
    }
    ModelSlot slot =
        models
            .slot(model)
            .orElseThrow(
                () ->
                    new UnlearnRequestException(
                        404,
                        "model_not_found",
                        "model",
                        "No local model named " + model + "; GET /admin/models lists them."));
    LoadedModel current = slot.current();
    if (current == null) {
      throw new UnlearnRequestException(
          409, "model_not_ready", "model", "Model " + model + " has no checkpoint serving now.");
    }
    if (ruleIds == null || ruleIds.isEmpty()) {
      throw UnlearnOptions.bad("rules", "rules: expected a non-empty list of rule ids");
    }
    RuleSet set = rules.get();
    List<ForgetRule> selected = new ArrayList<>();
    for (String id : ruleIds) {
      ForgetRule r =
          set.rule(id)
              .orElseThrow(
                  () ->
                      new UnlearnRequestException(
                          404, "rule_not_found", "rules", "No rule with id " + id + "."));
      if (!selected.contains(r)) {
        selected.add(r);
      }
    }
    Path from = current.directory();
    LlamaConfig modelConfig;
    try {
      modelConfig = LlamaConfig.read(from);
    } catch (RuntimeException e) {
      throw new UnlearnRequestException(
          409, "model_not_ready", "model", "Cannot read the serving checkpoint: " + e.getMessage());
    }
    if (stages == null || !stages.isArray() || stages.isEmpty()) {
      throw UnlearnOptions.bad("stages", "stages: expected a non-empty list");
    }
    List<UnlearnOptions.Plan> plans = new ArrayList<>();
    List<UnlearnJob.Stage> jobStages = new ArrayList<>();
    boolean refusalsNeeded = false;
    for (int i = 0; i < stages.size(); i++) {
      JsonNode st = stages.get(i);
      String at = pipeline ? "stages[" + i + "]." : "";
      if (!st.isObject() || !st.path("method").isTextual()) {
        throw UnlearnOptions.bad(at + "method", at + "method: expected a method name such as npo");
      }
      for (var it = st.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!f.equals("method") && !f.equals("options")) {
          throw UnlearnOptions.bad(at + f, at + f + ": unknown field (expected method, options)");
        }
      }
      String m = st.path("method").asText();
      UnlearnOptions.Plan plan;
      try {
        plan = UnlearnOptions.parse(m, st.get("options"), modelConfig, at + "options.");
      } catch (UnlearnRequestException e) {
        if ("method".equals(e.param()) && pipeline) {
          throw UnlearnOptions.bad(at + "method", at + e.getMessage());
        }
        throw e;
      }
      plans.add(plan);
      jobStages.add(new UnlearnJob.Stage(plan.method(), plan.config()));
      refusalsNeeded |= plan.kind().usesRefusals();
    }
    List<String> refusals = List.of();
    if (refusalsNeeded) {
      Path idk =
          settings.qaPool() == null ? null : settings.qaPool().resolveSibling("idontknow.jsonl");
      if (idk == null || !Files.isRegularFile(idk)) {
        throw UnlearnOptions.bad(
            "method",
            "method: idk and idkdpo need refusal lines (idontknow.jsonl beside unlearn.qaPool)");
      }
      refusals = QaData.readLines(idk);
    }
    ForgetSets.Selection selection = ForgetSets.select(selected, inputs.pool());
    if (selection.items().isEmpty()) {
      throw new UnlearnRequestException(
          400,
          "no_forget_data",
          "rules",
          "No forget data: no question of unlearn.qaPool"
              + (settings.qaPool() == null ? " (not configured)" : "")
              + " is an example of these rules or names one of their subjects.");
    }
    List<QaPair> forget = new ArrayList<>();
    for (QaItem i : selection.items()) {
      forget.add(new QaPair(i.question(), i.answer()));
    }
    int limit = settings.evalLimit();
    List<QaItem> forgetEval =
        limit > 0 && selection.items().size() > limit
            ? selection.items().subList(0, limit)
            : selection.items();
    TofuData data =
        new TofuData(
            forgetEval,
            inputs.evalBase().retain(),
            inputs.evalBase().realAuthors(),
            inputs.evalBase().worldFacts(),
            inputs.evalBase().holdout());
    DefaultGoal defaultGoal = null;
    ObjectNode searchNote = null;
    if (!pipeline) {
      JsonNode given = stages.get(0).get("options");
      Set<String> names = new HashSet<>();
      if (given != null && given.isObject()) {
        given.fieldNames().forEachRemaining(names::add);
      }
      DefaultTarget.Applied applied = DefaultTarget.apply(plans.get(0).kind(), names).orElse(null);
      if (applied != null
          && DefaultTarget.Applied.enoughQuestions(forgetEval.size(), data.retain().size())) {
        ObjectNode filled =
            given != null && given.isObject()
                ? ((ObjectNode) given).deepCopy()
                : JSON.createObjectNode();
        applied.fill().forEach((k, v) -> filled.set(k, JSON.valueToTree(v)));
        UnlearnOptions.Plan plan =
            UnlearnOptions.parse(stages.get(0).path("method").asText(), filled, modelConfig);
        plans.set(0, plan);
        jobStages.set(0, new UnlearnJob.Stage(plan.method(), plan.config()));
        int planned = plan.config().totalSteps(forget.size());
        defaultGoal =
            new DefaultGoal(
                applied, applied.target().budget(null, null, null, planned), plan.config().seed());
      } else if (applied != null) {
        searchNote = JSON.createObjectNode();
        ObjectNode d = searchNote.putObject("defaults");
        d.put("applied", false);
        d.put(
            "reason",
            "the default goal needs at least 2 forget and 2 retain evaluation questions (this job"
                + " has "
                + forgetEval.size()
                + " and "
                + data.retain().size()
                + "); the fixed schedule ran");
      }
    }
    String id = "job-" + UUID.randomUUID().toString().substring(0, 8);
    Path out = store.checkpoint(id);
    UnlearnJob.Spec spec =
        new UnlearnJob.Spec(
            from,
            jobStages,
            forget,
            inputs.retain(),
            refusals,
            data,
            null,
            new TofuEvalConfig(
                settings.maxNewTokens(),
                TofuEvalConfig.DEFAULTS.minKFraction(),
                TofuEvalConfig.DEFAULTS.batchSize()),
            out,
            RetainPolicy.EXCLUDE_EVAL_QUESTIONS,
            robustnessSpec(jobStages.get(0).config().seed()));
    int totalSteps = 0;
    for (UnlearnJob.Stage st : jobStages) {
      totalSteps += st.config().totalSteps(forget.size());
    }
    ObjectNode n = JSON.createObjectNode();
    n.put("id", id);
    n.put("model", model);
    ArrayNode rs = n.putArray("rules");
    selected.forEach(r -> rs.add(r.id()));
    n.put("method", spec.methodName());
    if (pipeline) {
      n.set("stages", stages.deepCopy());
    } else {
      JsonNode options = stages.get(0).get("options");
      n.set("options", options == null || options.isNull() ? JSON.createObjectNode() : options);
    }
    n.put("state", UnlearnJobState.QUEUED.wireName());
    n.putNull("reason");
    n.put("createdAt", clock.instant().toString());
    n.putNull("startedAt");
    n.putNull("finishedAt");
    ObjectNode progress = n.putObject("progress");
    progress.put("phase", UnlearnJobPhase.QUEUED.wireName());
    progress.put("step", 0);
    progress.put("steps", totalSteps);
    progress.put("stage", 0);
    progress.put("stages", jobStages.size());
    progress.putNull("loss");
    ObjectNode f = n.putObject("forget");
    f.put("pairs", forget.size());
    f.put("evaluated", forgetEval.size());
    ArrayNode um = f.putArray("unmatchedExamples");
    selection.unmatchedExamples().forEach(um::add);
    n.put("retainPairs", inputs.retain().size());
    ObjectNode ck = n.putObject("checkpoint");
    ck.put("from", from.toString());
    ck.put("to", out.toString());
    n.putNull("before");
    n.putNull("after");
    n.putNull("robustness");
    n.putNull("gates");
    if (defaultGoal != null) {
      n.putObject("search").set("defaults", JSON.valueToTree(defaultGoal.provenance()));
    } else if (searchNote != null) {
      n.set("search", searchNote);
    } else {
      n.putNull("search");
    }
    n.put("swapped", false);
    n.putNull("swap");
    return new Planned(slot, spec, n, defaultGoal);
  }

  /** The robustness probes the configuration asks for (or its gates need), or null. */
  private RobustnessSpec robustnessSpec(long seed) {
    UnlearnSettings.Robustness r = settings.robustness();
    boolean quantize = r.quantize() || gates.quantizationGated();
    int relearn = r.relearnSteps() > 0 ? r.relearnSteps() : gates.relearningGated() ? 10 : 0;
    if (!quantize && relearn == 0) {
      return null;
    }
    return new RobustnessSpec(
        quantize ? List.of(8, 4) : List.of(),
        relearn,
        r.relearnFraction(),
        r.relearnLr(),
        RobustnessSpec.DEFAULTS.relearnBatchSize(),
        r.retainModel(),
        seed);
  }
}

package dev.lethe.gateway.unlearn;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.ConfigException;
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
import dev.lethe.unlearner.evaluate.EvalSets;
import dev.lethe.unlearner.loss.UnlearnMethod;
import dev.lethe.unlearner.model.LlamaConfig;
import dev.lethe.unlearner.robust.RobustnessSpec;
import dev.lethe.unlearner.unlearn.RetainPolicy;
import dev.lethe.unlearner.unlearn.UnlearnJob;
import dev.lethe.unlearner.unlearn.UnlearnReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Weight-level unlearning jobs started from the admin API, with a gated hot swap.
 *
 * <p>A job turns some forget rules into a forget set ({@link ForgetSets} over the configured QA
 * pool), runs {@link UnlearnJob} (evaluate, unlearn, evaluate, write the checkpoint atomically
 * under {@code <dataDir>/unlearn/checkpoints/<job>}) on one dedicated thread, never an event loop,
 * then applies the {@link UnlearnGates}. When they pass, the new checkpoint is hot-swapped into the
 * model's slot ({@link ModelRegistry#swap}); otherwise the current checkpoint keeps serving and the
 * rule book is left alone, so the input-based guard for those rules stays.
 *
 * <p>One job at a time: the runtime allows one gradient collector per process. Each job's state is
 * a small JSON file in {@code <dataDir>/unlearn/} (temporary file and rename on every change); on
 * start, a job found queued or running is marked failed with the reason "interrupted by a restart",
 * so no job ends silently.
 */
public final class UnlearnJobs implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UnlearnJobs.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final UnlearnSettings settings;
  private final Path dir;
  private final ModelRegistry models;
  private final Supplier<RuleSet> rules;
  private final Clock clock;
  private final MeterRegistry metrics;
  private final UnlearnGates gates;
  private final ExecutorService worker;
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final List<QaItem> pool;
  private final List<QaPair> retain;
  private final TofuData evalBase;
  private final List<java.util.function.Consumer<ObjectNode>> watchers =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * Jobs over {@code models}, with state in {@code <dataDir>/unlearn}. Reads the configured files
   * now (so a bad path stops the start) and marks jobs interrupted by a restart as failed.
   *
   * @throws ConfigException naming the {@code unlearn.*} field of a missing or malformed file
   * @throws IOException when the state directory cannot be used
   */
  public UnlearnJobs(
      UnlearnSettings settings,
      Path dataDir,
      ModelRegistry models,
      Supplier<RuleSet> rules,
      Clock clock,
      MeterRegistry metrics)
      throws IOException {
    this.settings = requireNonNull(settings, "settings");
    this.dir = requireNonNull(dataDir, "dataDir").resolve("unlearn").toAbsolutePath().normalize();
    this.models = requireNonNull(models, "models");
    this.rules = requireNonNull(rules, "rules");
    this.clock = requireNonNull(clock, "clock");
    this.metrics = requireNonNull(metrics, "metrics");
    this.gates = UnlearnGates.of(settings);
    if (settings.enabled()) {
      this.retain = read("unlearn.retainSet", () -> QaData.readQa(file(settings.retainSet())));
      this.pool =
          settings.qaPool() == null
              ? List.of()
              : read("unlearn.qaPool", () -> EvalSets.read(file(settings.qaPool()), 0));
      Path evalRetain =
          settings.evalRetain() != null
              ? settings.evalRetain()
              : EvalSets.perturbedSibling(settings.retainSet());
      int limit = settings.evalLimit();
      this.evalBase =
          new TofuData(
              List.of(),
              read("unlearn.evalRetain", () -> EvalSets.read(file(evalRetain), limit)),
              read("unlearn.realAuthors", () -> EvalSets.read(file(settings.realAuthors()), limit)),
              read("unlearn.worldFacts", () -> EvalSets.read(file(settings.worldFacts()), limit)),
              read("unlearn.holdout", () -> EvalSets.read(file(settings.holdout()), limit)));
    } else {
      this.retain = List.of();
      this.pool = List.of();
      this.evalBase = null;
    }
    Files.createDirectories(dir);
    recover();
    this.worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "lethe-unlearn");
              t.setDaemon(true);
              return t;
            });
  }

  private static Path file(Path p) {
    if (p != null && !Files.isRegularFile(p)) {
      throw new ConfigException(p.toString(), "no such file");
    }
    return p;
  }

  private static <T> T read(String field, Supplier<T> reader) {
    try {
      return reader.get();
    } catch (ConfigException e) {
      throw new ConfigException(field, e.getMessage());
    }
  }

  /** Loads persisted jobs; those that were live are marked failed. */
  private void recover() throws IOException {
    List<Job> found = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      for (Path f : files) {
        if (f.getFileName().toString().startsWith(".")) {
          continue;
        }
        JsonNode n;
        try {
          n = JSON.readTree(f.toFile());
        } catch (IOException e) {
          LOG.warn("unlearn job file {} unreadable, skipped: {}", f, e.getMessage());
          continue;
        }
        if (n == null || !n.isObject() || !n.path("id").isTextual()) {
          LOG.warn("unlearn job file {} is not a job, skipped", f);
          continue;
        }
        found.add(new Job((ObjectNode) n));
      }
    }
    found.sort(Comparator.comparing(j -> j.node.path("createdAt").asText()));
    for (Job j : found) {
      if (j.live()) {
        j.finish(UnlearnJobState.FAILED, "interrupted by a restart");
        persist(j);
        metrics
            .counter("lethe.unlearn.jobs", "state", UnlearnJobState.FAILED.wireName())
            .increment();
      }
      jobs.put(j.id(), j);
    }
  }

  /**
   * Validates a request and starts its job.
   *
   * @param model the served local model
   * @param ruleIds the forget rules
   * @param method the method's name
   * @param options the method and loop options (a JSON object), or null
   * @return the job's id
   * @throws UnlearnRequestException 400 (bad field), 404 (unknown model or rule), 409 (a job is
   *     running)
   */
  public String submit(String model, List<String> ruleIds, String method, JsonNode options) {
    if (method == null || method.isBlank()) {
      throw UnlearnOptions.bad("method", "method: expected a method name such as npo");
    }
    ObjectNode stage = JSON.createObjectNode();
    stage.put("method", method);
    stage.set("options", options == null ? JSON.nullNode() : options);
    ArrayNode stages = JSON.createArrayNode();
    stages.add(stage);
    return submit(model, ruleIds, stages, false);
  }

  /**
   * Validates a pipeline request ({@code "stages": [{"method", "options"}, ...]}, each stage on the
   * previous one's weights) and starts its job; errors name {@code stages[i].method} or {@code
   * stages[i].options.<field>}.
   *
   * @return the job's id
   * @throws UnlearnRequestException as {@link #submit(String, List, String, JsonNode)}
   */
  public String submit(String model, List<String> ruleIds, JsonNode stages) {
    return submit(model, ruleIds, stages, true);
  }

  private String submit(String model, List<String> ruleIds, JsonNode stages, boolean pipeline) {
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
      refusalsNeeded |= plan.kind() == UnlearnMethod.IDK || plan.kind() == UnlearnMethod.IDK_DPO;
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
    ForgetSets.Selection selection = ForgetSets.select(selected, pool);
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
            evalBase.retain(),
            evalBase.realAuthors(),
            evalBase.worldFacts(),
            evalBase.holdout());
    String id = "job-" + UUID.randomUUID().toString().substring(0, 8);
    Path out = dir.resolve("checkpoints").resolve(id);
    UnlearnJob.Spec spec =
        new UnlearnJob.Spec(
            from,
            jobStages,
            forget,
            retain,
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
    n.put("retainPairs", retain.size());
    ObjectNode ck = n.putObject("checkpoint");
    ck.put("from", from.toString());
    ck.put("to", out.toString());
    n.putNull("before");
    n.putNull("after");
    n.putNull("robustness");
    n.putNull("gates");
    n.put("swapped", false);
    n.putNull("swap");
    Job job = new Job(n);
    synchronized (jobs) {
      for (Job j : jobs.values()) {
        if (j.live()) {
          throw new UnlearnRequestException(
              409,
              "job_in_progress",
              null,
              "Unlearning job "
                  + j.id()
                  + " is still "
                  + j.state().wireName()
                  + "; one job runs at a time.");
        }
      }
      persistQuietly(job);
      jobs.put(id, job);
    }
    worker.execute(() -> run(job, spec, slot));
    return id;
  }

  /** One job as JSON (a copy), if known. */
  public Optional<ObjectNode> get(String id) {
    synchronized (jobs) {
      Job j = jobs.get(id);
      return j == null ? Optional.empty() : Optional.of(j.snapshot());
    }
  }

  /**
   * Calls {@code watcher} with a snapshot of a job (the shape of {@code GET /admin/unlearn/{job}})
   * each time its state, phase or step changes, as it happens, on the job's thread: the live
   * progress a poller may miss. The watcher must return quickly and not call back into this object.
   * Closing the handle stops the calls.
   */
  public AutoCloseable watch(java.util.function.Consumer<ObjectNode> watcher) {
    requireNonNull(watcher, "watcher");
    watchers.add(watcher);
    return () -> watchers.remove(watcher);
  }

  /** Every job as JSON, oldest first. */
  public List<ObjectNode> list() {
    synchronized (jobs) {
      return jobs.values().stream().map(Job::snapshot).toList();
    }
  }

  /** Completes when job {@code id} has ended (at once for ended or unknown jobs). */
  public CompletableFuture<Void> done(String id) {
    synchronized (jobs) {
      Job j = jobs.get(id);
      return j == null ? CompletableFuture.completedFuture(null) : j.done;
    }
  }

  private void run(Job job, UnlearnJob.Spec spec, ModelSlot slot) {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try {
      job.start(clock.instant().toString(), meters);
      persist(job);
      // libtorch's grad mode is per thread and on by default on a new one; the loop expects it off
      // outside its gradient collector (the engine turns it off only on the thread that loaded it)
      PrintStream progress =
          new PrintStream(
              new LineSink(line -> LOG.debug("unlearn {}: {}", job.id(), line)),
              true,
              StandardCharsets.UTF_8);
      UnlearnReport report = new UnlearnJob(meters, progress).run(spec, listener(job));
      job.report(report);
      Map<String, Object> before = report.before() == null ? Map.of() : report.before().toMap();
      Map<String, Object> after = report.after() == null ? Map.of() : report.after().toMap();
      UnlearnGates.Decision d =
          gates.decide(
              before, after, report.robustness() == null ? null : report.robustness().toMap());
      job.gates(d);
      job.state(UnlearnJobState.EVALUATING, UnlearnJobPhase.GATES);
      if (!d.passed()) {
        job.finish(UnlearnJobState.REFUSED, "gates failed: " + String.join("; ", d.reasons()));
      } else {
        swap(job, spec, slot);
      }
    } catch (ConfigException e) {
      job.finish(UnlearnJobState.FAILED, "invalid input: " + e.getMessage());
    } catch (Throwable t) {
      LOG.warn("unlearning job {} failed", job.id(), t);
      job.finish(UnlearnJobState.FAILED, t.getMessage() == null ? t.toString() : t.getMessage());
    } finally {
      persistQuietly(job);
      meters.close();
      metrics.counter("lethe.unlearn.jobs", "state", job.state().wireName()).increment();
      job.done.complete(null);
    }
  }

  private void swap(Job job, UnlearnJob.Spec spec, ModelSlot slot) throws Exception {
    LoadedModel now = slot.current();
    if (now == null || !now.directory().equals(spec.model())) {
      job.finish(
          UnlearnJobState.REFUSED,
          "the checkpoint of "
              + slot.model()
              + " changed while the job ran ("
              + (now == null ? "none" : now.directory())
              + "); not swapped");
      return;
    }
    job.state(UnlearnJobState.EVALUATING, UnlearnJobPhase.SWAP);
    Optional<ModelRegistry.Started> started = models.swap(slot.model(), spec.out());
    if (started.isEmpty()) {
      job.finish(
          UnlearnJobState.REFUSED,
          "another checkpoint of " + slot.model() + " is loading; not swapped");
      return;
    }
    ModelSlot.Swap w = started.get().outcome().get();
    job.swap(w);
    if (w.state() == ModelSlot.SwapState.ACTIVE) {
      job.finish(UnlearnJobState.SUCCEEDED, null);
    } else {
      job.finish(UnlearnJobState.REFUSED, "checkpoint refused by the loader: " + w.reason());
    }
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

  /** Job progress from the run's typed events (no parsing of printed lines). */
  private UnlearnJob.Listener listener(Job job) {
    return new UnlearnJob.Listener() {
      int done;
      int stageBase;
      int lastStage = -1;

      @Override
      public void phase(UnlearnJob.Phase phase, int stage) {
        switch (phase) {
          case EVALUATE_BEFORE ->
              job.state(UnlearnJobState.EVALUATING, UnlearnJobPhase.EVALUATE_BEFORE);
          case UNLEARN -> job.state(UnlearnJobState.RUNNING, UnlearnJobPhase.UNLEARN);
          case EVALUATE_AFTER ->
              job.state(UnlearnJobState.EVALUATING, UnlearnJobPhase.EVALUATE_AFTER);
          case ROBUSTNESS -> job.state(UnlearnJobState.EVALUATING, UnlearnJobPhase.ROBUSTNESS);
          case SAVE -> job.state(UnlearnJobState.EVALUATING, UnlearnJobPhase.SAVE);
        }
        persistQuietly(job);
      }

      @Override
      public void step(int stage, int step, int total, boolean skipped, double loss) {
        if (stage != lastStage) {
          stageBase = done;
          lastStage = stage;
        }
        done = stageBase + step;
        job.progress(stage, done, loss);
      }
    };
  }

  private void persist(Job job) throws IOException {
    UnlearnJob.writeAtomically(dir.resolve(job.id() + ".json"), job.snapshot());
  }

  private void persistQuietly(Job job) {
    try {
      persist(job);
    } catch (IOException e) {
      LOG.warn("cannot persist unlearning job {}: {}", job.id(), e.getMessage());
    }
  }

  /** Stops the worker; a running job is left marked running and reported failed on next start. */
  @Override
  public void close() {
    if (worker != null) {
      worker.shutdownNow();
    }
  }

  /** One job: its JSON state under a lock, plus live progress while it runs. */
  private final class Job {
    final ObjectNode node;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private SimpleMeterRegistry meters;

    /** The job of a JSON document; a state this version does not know counts as ended. */
    Job(ObjectNode node) {
      this.node = node;
      if (!live()) {
        done.complete(null);
      }
    }

    String id() {
      return node.path("id").asText();
    }

    synchronized UnlearnJobState state() {
      return UnlearnJobState.fromWire(node.path("state").asText()).orElse(UnlearnJobState.FAILED);
    }

    synchronized boolean live() {
      return state().live();
    }

    synchronized void start(String at, SimpleMeterRegistry meters) {
      this.meters = meters;
      node.put("state", UnlearnJobState.RUNNING.wireName());
      ((ObjectNode) node.get("progress")).put("phase", UnlearnJobPhase.LOAD.wireName());
      node.put("startedAt", at);
      changed();
    }

    synchronized void state(UnlearnJobState s, UnlearnJobPhase phase) {
      node.put("state", s.wireName());
      ((ObjectNode) node.get("progress")).put("phase", phase.wireName());
      changed();
    }

    synchronized void progress(int stage, int step, double loss) {
      ObjectNode p = (ObjectNode) node.get("progress");
      p.put("stage", stage);
      p.put("step", step);
      if (Double.isFinite(loss)) {
        p.put("loss", loss);
      } else {
        p.putNull("loss");
      }
      changed();
    }

    synchronized void report(UnlearnReport report) {
      Map<String, Object> m = report.toMap();
      node.set("before", JSON.valueToTree(m.get("before")));
      node.set("after", JSON.valueToTree(m.get("after")));
      node.set("robustness", JSON.valueToTree(m.get("robustness")));
      node.set("retain", JSON.valueToTree(m.get("retain")));
      node.set("seconds", JSON.valueToTree(m.get("seconds")));
      node.set("evalSeconds", JSON.valueToTree(m.get("eval_seconds")));
      ObjectNode p = (ObjectNode) node.get("progress");
      p.put("step", report.steps());
      p.set("loss", JSON.valueToTree(report.finalLoss()));
    }

    synchronized void gates(UnlearnGates.Decision d) {
      ObjectNode g = node.putObject("gates");
      g.put("passed", d.passed());
      g.set("checks", JSON.valueToTree(d.checks()));
      g.set("reasons", JSON.valueToTree(d.reasons()));
    }

    synchronized void swap(ModelSlot.Swap w) {
      ObjectNode s = node.putObject("swap");
      s.put("id", w.id());
      s.put("path", w.path().toString());
      s.put("state", w.state().wireName());
      if (w.reason() == null) {
        s.putNull("reason");
      } else {
        s.put("reason", w.reason());
      }
      node.put("swapped", w.state() == ModelSlot.SwapState.ACTIVE);
    }

    synchronized void finish(UnlearnJobState state, String reason) {
      meters = null;
      node.put("state", state.wireName());
      if (reason == null) {
        node.putNull("reason");
      } else {
        node.put("reason", reason);
      }
      node.put("finishedAt", clock.instant().toString());
      ObjectNode p = (ObjectNode) node.get("progress");
      if (p != null) {
        p.put("phase", UnlearnJobPhase.DONE.wireName());
      }
      changed();
    }

    /** Tells the watchers (under this job's lock, so they see the changes in order). */
    private void changed() {
      for (java.util.function.Consumer<ObjectNode> w : watchers) {
        try {
          w.accept(node.deepCopy());
        } catch (RuntimeException e) {
          LOG.warn("unlearning job watcher failed: {}", e.toString());
        }
      }
    }

    synchronized ObjectNode snapshot() {
      ObjectNode copy = node.deepCopy();
      SimpleMeterRegistry m = meters;
      if (m != null && state() == UnlearnJobState.RUNNING) {
        Counter c = m.find("lethe.unlearn.steps").counter();
        ObjectNode p = (ObjectNode) copy.get("progress");
        if (c != null && c.count() > p.path("step").asDouble()) {
          p.put("step", (long) c.count());
        }
      }
      return copy;
    }
  }

  /** Hands each complete line written to it to a consumer. */
  private static final class LineSink extends OutputStream {
    private final java.util.function.Consumer<String> lines;
    private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();

    LineSink(java.util.function.Consumer<String> lines) {
      this.lines = lines;
    }

    @Override
    public void write(int b) {
      if (b == '\n') {
        lines.accept(buf.toString(StandardCharsets.UTF_8));
        buf.reset();
      } else {
        buf.write(b);
      }
    }
  }
}

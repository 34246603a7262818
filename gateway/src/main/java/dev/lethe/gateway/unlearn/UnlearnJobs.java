package dev.lethe.gateway.unlearn;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.ConfigException;
import dev.lethe.config.UnlearnSettings;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.gateway.backend.local.ModelRegistry;
import dev.lethe.gateway.backend.local.ModelSlot;
import dev.lethe.unlearner.search.TargetSearch;
import dev.lethe.unlearner.unlearn.UnlearnJob;
import dev.lethe.unlearner.unlearn.UnlearnReport;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
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
 * <p>Roles: {@link JobPlanner} validates a request into a job, {@link JobRecord} holds a job's
 * state and JSON, {@link JobStore} persists it, {@link JobProgress} follows the run's events, and
 * {@link CheckpointSwap} is the serving step; this class is the registry and the worker.
 *
 * <p>One job at a time: the runtime allows one gradient collector per process. Each job's state is
 * a small JSON file in {@code <dataDir>/unlearn/} (temporary file and rename on every change); on
 * start, a job found queued or running is marked failed with the reason "interrupted by a restart",
 * so no job ends silently.
 */
public final class UnlearnJobs implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UnlearnJobs.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Clock clock;
  private final MeterRegistry metrics;
  private final UnlearnGates gates;
  private final JobStore store;
  private final JobPlanner planner;
  private final CheckpointSwap swapper;
  private final ExecutorService worker;
  private final Map<String, JobRecord> jobs = new LinkedHashMap<>();
  private final List<Consumer<ObjectNode>> watchers = new CopyOnWriteArrayList<>();

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
    requireNonNull(settings, "settings");
    requireNonNull(dataDir, "dataDir");
    requireNonNull(models, "models");
    requireNonNull(rules, "rules");
    this.clock = requireNonNull(clock, "clock");
    this.metrics = requireNonNull(metrics, "metrics");
    this.gates = UnlearnGates.of(settings);
    JobInputs inputs = JobInputs.read(settings);
    this.store = new JobStore(dataDir);
    this.planner = new JobPlanner(settings, models, rules, clock, gates, inputs, store);
    this.swapper = new CheckpointSwap(models);
    recover();
    this.worker =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "lethe-unlearn");
              t.setDaemon(true);
              return t;
            });
  }

  /** Loads persisted jobs; those that were live are marked failed. */
  private void recover() throws IOException {
    List<JobRecord> found =
        store.load().stream()
            .map(this::record)
            .sorted(Comparator.comparing(JobRecord::createdAt))
            .toList();
    for (JobRecord j : found) {
      if (j.live()) {
        j.finish(UnlearnJobState.FAILED, "interrupted by a restart");
        store.save(j);
        metrics
            .counter("lethe.unlearn.jobs", "state", UnlearnJobState.FAILED.wireName())
            .increment();
      }
      jobs.put(j.id(), j);
    }
  }

  private JobRecord record(ObjectNode document) {
    return new JobRecord(document, clock, this::changed);
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
    JobPlanner.Planned planned = planner.plan(model, ruleIds, stages, pipeline);
    JobRecord job = record(planned.document());
    synchronized (jobs) {
      for (JobRecord j : jobs.values()) {
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
      store.saveQuietly(job);
      jobs.put(job.id(), job);
    }
    worker.execute(() -> run(job, planned));
    return job.id();
  }

  /** One job as JSON (a copy), if known. */
  public Optional<ObjectNode> get(String id) {
    synchronized (jobs) {
      JobRecord j = jobs.get(id);
      return j == null ? Optional.empty() : Optional.of(j.snapshot());
    }
  }

  /**
   * Calls {@code watcher} with a snapshot of a job (the shape of {@code GET /admin/unlearn/{job}})
   * each time its state, phase or step changes, as it happens, on the job's thread: the live
   * progress a poller may miss. The watcher must return quickly and not call back into this object.
   * Closing the handle stops the calls.
   */
  public AutoCloseable watch(Consumer<ObjectNode> watcher) {
    requireNonNull(watcher, "watcher");
    watchers.add(watcher);
    return () -> watchers.remove(watcher);
  }

  /** Every job as JSON, oldest first. */
  public List<ObjectNode> list() {
    synchronized (jobs) {
      return jobs.values().stream().map(JobRecord::snapshot).toList();
    }
  }

  /** Completes when job {@code id} has ended (at once for ended or unknown jobs). */
  public CompletableFuture<Void> done(String id) {
    synchronized (jobs) {
      JobRecord j = jobs.get(id);
      return j == null ? CompletableFuture.completedFuture(null) : j.done();
    }
  }

  private void run(JobRecord job, JobPlanner.Planned planned) {
    UnlearnJob.Spec spec = planned.spec();
    ModelSlot slot = planned.slot();
    JobPlanner.DefaultGoal defaultGoal = planned.defaultGoal();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try {
      job.start(clock.instant().toString(), meters);
      store.save(job);
      // libtorch's grad mode is per thread and on by default on a new one; the loop expects it off
      // outside its gradient collector (the engine turns it off only on the thread that loaded it)
      PrintStream progress =
          new PrintStream(
              new LineSink(line -> LOG.debug("unlearn {}: {}", job.id(), line)),
              true,
              StandardCharsets.UTF_8);
      UnlearnReport report;
      if (defaultGoal != null) {
        // NPO with no schedule: unlearn to the default goal on a validation half of the job's
        // evaluation questions, as lethe unlearn does; before/after are the other half's
        TargetSearch.Result result =
            new TargetSearch(meters, progress)
                .search(
                    spec,
                    defaultGoal.applied().target().goal(),
                    defaultGoal.budget(),
                    defaultGoal.seed(),
                    defaultGoal.provenance(),
                    new JobProgress(job, store));
        report = result.report();
        job.search(result.search());
      } else {
        report = new UnlearnJob(meters, progress).run(spec, new JobProgress(job, store));
      }
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
        swapper.swap(job, spec, slot);
      }
    } catch (ConfigException e) {
      job.finish(UnlearnJobState.FAILED, "invalid input: " + e.getMessage());
    } catch (Throwable t) {
      LOG.warn("unlearning job {} failed", job.id(), t);
      job.finish(UnlearnJobState.FAILED, t.getMessage() == null ? t.toString() : t.getMessage());
    } finally {
      store.saveQuietly(job);
      meters.close();
      metrics.counter("lethe.unlearn.jobs", "state", job.state().wireName()).increment();
      job.ended();
    }
  }

  /** Tells the watchers of a change (under the job's lock, so they see the changes in order). */
  private void changed(ObjectNode document) {
    for (Consumer<ObjectNode> w : watchers) {
      try {
        w.accept(document.deepCopy());
      } catch (RuntimeException e) {
        LOG.warn("unlearning job watcher failed: {}", e.toString());
      }
    }
  }

  /** Stops the worker; a running job is left marked running and reported failed on next start. */
  @Override
  public void close() {
    if (worker != null) {
      worker.shutdownNow();
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

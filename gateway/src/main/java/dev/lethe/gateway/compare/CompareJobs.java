package dev.lethe.gateway.compare;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Compare jobs started from the admin API ({@code POST /admin/compare}): one at a time on one
 * worker thread (a second while one is live is refused), each running {@link CompareEngine} and
 * writing {@code report.json} and {@code report.html} under {@code dir/<id>/}. A job's view ({@link
 * #get}) has {@code id}, {@code state} ({@link CompareJobState}), {@code progress} ({@code arm},
 * {@code armIndex}, {@code arms}, {@code probesDone}, {@code probesTotal}, {@code phase} ({@link
 * ComparePhase}), and {@code unlearning: {stage, stages, step, steps}}, 0 until it starts), its
 * {@code request} (arms, limit, seed and the in-run unlearning recipe: {@link #request}), the
 * times, the {@code error} of a failed job and the {@code report} of a finished one. Jobs live in
 * memory.
 */
public final class CompareJobs implements AutoCloseable {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final Path dir;
  private final Map<String, String> env;
  private final Clock clock;
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "lethe-compare");
            t.setDaemon(true);
            return t;
          });
  private final Map<String, Job> jobs = new LinkedHashMap<>();

  /**
   * Jobs writing under {@code dir}.
   *
   * @param dir where each job's report and work files go
   * @param env the environment (upstream API keys)
   * @param clock the clock for the job times
   */
  public CompareJobs(Path dir, Map<String, String> env, Clock clock) {
    this.dir = requireNonNull(dir, "dir");
    this.env = Map.copyOf(requireNonNull(env, "env"));
    this.clock = requireNonNull(clock, "clock");
  }

  /** Thrown when a job is submitted while another is live. */
  public static final class BusyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BusyException(String id) {
      super("A compare job is already running: " + id + ".");
    }
  }

  private static final class Job {
    final String id;
    final Instant created;
    volatile CompareJobState state = CompareJobState.QUEUED;
    volatile String arm;
    volatile int armIndex = -1;
    volatile int arms;
    volatile int probesDone;
    volatile int probesTotal;
    volatile ComparePhase phase = ComparePhase.QUEUED;
    volatile int unlearningStage;
    volatile int unlearningStages;
    volatile int unlearningStep;
    volatile int unlearningSteps;
    volatile Instant started;
    volatile Instant finished;
    volatile String error;
    volatile JsonNode report;

    final ObjectNode request;

    Job(String id, Instant created, CompareOptions options) {
      this.id = id;
      this.created = created;
      this.arms = options.arms().size();
      this.request = request(options);
    }
  }

  /**
   * Starts a job.
   *
   * @param options what to compare (validated)
   * @param command how it was asked for, recorded in the report
   * @return the job's id
   * @throws BusyException when a job is live
   */
  public synchronized String submit(CompareOptions options, String command) {
    requireNonNull(options, "options");
    for (Job j : jobs.values()) {
      if (!j.state.terminal()) {
        throw new BusyException(j.id);
      }
    }
    String id = "cmp-" + UUID.randomUUID().toString().substring(0, 8);
    Job job = new Job(id, clock.instant(), options);
    jobs.put(id, job);
    worker.execute(() -> run(job, options, command));
    return id;
  }

  private void run(Job job, CompareOptions options, String command) {
    job.state = CompareJobState.RUNNING;
    job.started = clock.instant();
    job.phase = ComparePhase.STARTING;
    Path out = dir.resolve(job.id);
    try (PrintStream quiet = new PrintStream(OutputStream.nullOutputStream())) {
      CompareEngine engine = new CompareEngine(out.resolve("work"), env, quiet);
      CompareReport report =
          engine.run(
              command,
              options,
              new CompareProgress() {
                @Override
                public void armStarted(String arm, int index, int arms) {
                  job.phase = ComparePhase.PROBING;
                  job.arm = arm;
                  job.armIndex = index;
                  job.arms = arms;
                  job.probesDone = 0;
                }

                @Override
                public void probed(String arm, int done, int total) {
                  job.phase = ComparePhase.PROBING;
                  job.probesDone = done;
                  job.probesTotal = total;
                }

                @Override
                public void unlearning(int stage, int stages, int step, int steps) {
                  job.phase = ComparePhase.UNLEARNING;
                  job.unlearningStage = stage + 1;
                  job.unlearningStages = stages;
                  job.unlearningStep = step;
                  job.unlearningSteps = steps;
                }
              });
      ReportJson.write(report, out);
      HtmlReport.write(report, out);
      ReportJson.writeAnswers(report, out);
      job.report = ReportJson.toTree(report);
      job.phase = ComparePhase.DONE;
      job.state = CompareJobState.SUCCEEDED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      job.error = "interrupted";
      job.state = CompareJobState.FAILED;
    } catch (Exception e) {
      job.error = e.getMessage() == null ? e.toString() : e.getMessage();
      job.state = CompareJobState.FAILED;
    } finally {
      job.finished = clock.instant();
    }
  }

  /** A job's view, or empty when there is no such job. */
  public synchronized Optional<ObjectNode> get(String id) {
    Job j = jobs.get(id);
    return j == null ? Optional.empty() : Optional.of(view(j, true));
  }

  /** Every job, oldest first, without its report (the {@code html} link says one exists). */
  public synchronized List<ObjectNode> list() {
    return jobs.values().stream().map(j -> view(j, false)).toList();
  }

  private static ObjectNode view(Job j, boolean withReport) {
    ObjectNode o = F.objectNode();
    o.put("id", j.id);
    o.put("state", j.state.wireName());
    o.set("request", j.request.deepCopy());
    ObjectNode p = o.putObject("progress");
    p.put("arm", j.arm);
    p.put("armIndex", j.armIndex);
    p.put("arms", j.arms);
    p.put("probesDone", j.probesDone);
    p.put("probesTotal", j.probesTotal);
    p.put("phase", j.phase.wireName());
    ObjectNode u = p.putObject("unlearning");
    u.put("stage", j.unlearningStage);
    u.put("stages", j.unlearningStages);
    u.put("step", j.unlearningStep);
    u.put("steps", j.unlearningSteps);
    o.put("created", j.created.toString());
    o.put("started", j.started == null ? null : j.started.toString());
    o.put("finished", j.finished == null ? null : j.finished.toString());
    o.put("error", j.error);
    if (j.report != null) {
      o.put("html", "/admin/compare/" + j.id + "/report.html");
      if (withReport) {
        o.set("report", j.report);
      }
    }
    return o;
  }

  /**
   * What a job was asked to do, for its view: the arms, the probe sample ({@code limit}, {@code
   * seed}) and the in-run unlearning recipe ({@link WeightsRecipe#toJson}, {@code null} when the
   * weights arm uses a given checkpoint or there is none). File paths are left out.
   */
  static ObjectNode request(CompareOptions options) {
    ObjectNode r = F.objectNode();
    var arms = r.putArray("arms");
    options.arms().forEach(a -> arms.add(a.wireName()));
    r.put("limit", options.limit());
    r.put("seed", options.seed());
    r.set("unlearn", options.unlearn() == null ? F.nullNode() : options.unlearn().toJson());
    return r;
  }

  /** The HTML report of a finished job, if there is one. */
  public Optional<Path> html(String id) {
    Job j;
    synchronized (this) {
      j = jobs.get(id);
    }
    if (j == null || j.state != CompareJobState.SUCCEEDED) {
      return Optional.empty();
    }
    Path p = dir.resolve(j.id).resolve("report.html");
    return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
  }

  /** Stops the worker (a running job is interrupted). */
  @Override
  public void close() {
    worker.shutdownNow();
  }
}

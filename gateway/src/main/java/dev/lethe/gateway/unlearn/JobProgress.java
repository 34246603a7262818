package dev.lethe.gateway.unlearn;

import static java.util.Objects.requireNonNull;

import dev.lethe.unlearner.unlearn.UnlearnJob;

/**
 * A job's state, phase and step count from the unlearning run's typed events (no parsing of printed
 * lines): each phase change is persisted, each step updates the count summed over stages.
 */
final class JobProgress implements UnlearnJob.Listener {
  private final JobRecord job;
  private final JobStore store;
  private int done;
  private int stageBase;
  private int lastStage = -1;

  JobProgress(JobRecord job, JobStore store) {
    this.job = requireNonNull(job, "job");
    this.store = requireNonNull(store, "store");
  }

  @Override
  public void phase(UnlearnJob.Phase phase, int stage) {
    switch (phase) {
      case EVALUATE_BEFORE ->
          job.state(UnlearnJobState.EVALUATING, UnlearnJobPhase.EVALUATE_BEFORE);
      case UNLEARN -> job.state(UnlearnJobState.RUNNING, UnlearnJobPhase.UNLEARN);
      case EVALUATE_AFTER -> job.state(UnlearnJobState.EVALUATING, UnlearnJobPhase.EVALUATE_AFTER);
      case ROBUSTNESS -> job.state(UnlearnJobState.EVALUATING, UnlearnJobPhase.ROBUSTNESS);
      case SAVE -> job.state(UnlearnJobState.EVALUATING, UnlearnJobPhase.SAVE);
    }
    store.saveQuietly(job);
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
}

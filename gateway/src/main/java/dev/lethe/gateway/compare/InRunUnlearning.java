package dev.lethe.gateway.compare;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.config.ConfigException;
import dev.lethe.gateway.unlearn.UnlearnOptions;
import dev.lethe.gateway.unlearn.UnlearnRequestException;
import dev.lethe.unlearner.data.QaData;
import dev.lethe.unlearner.data.QaPair;
import dev.lethe.unlearner.eval.TofuEvalConfig;
import dev.lethe.unlearner.model.LlamaConfig;
import dev.lethe.unlearner.unlearn.RetainPolicy;
import dev.lethe.unlearner.unlearn.UnlearnJob;
import dev.lethe.unlearner.unlearn.UnlearnReport;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Makes the {@code weights} arms' checkpoint inside a compare: the {@link WeightsRecipe} run as a
 * {@code lethe unlearn} job ({@link UnlearnJob}, no evaluation) on the target, with the forget set
 * being compared and the first half of the retain file as the retain term ({@link
 * ProbePlan#retainTerm}); the compare's retain probes come from the other half, so the retain term
 * never trains on a question the report measures. Seconds and peak resident memory are recorded.
 */
final class InRunUnlearning {
  private static final ObjectMapper JSON = new ObjectMapper();

  private InRunUnlearning() {}

  /**
   * Runs {@code options.unlearn()} on {@code target} and writes the checkpoint to {@code out}.
   *
   * @throws ConfigException when the recipe is invalid for the target or lacks its inputs
   */
  static WeightsRun run(
      Path target, CompareOptions options, Path out, CompareProgress progress, PrintStream log)
      throws IOException {
    WeightsRecipe recipe = options.unlearn();
    UnlearnOptions.Plan plan;
    try {
      plan =
          UnlearnOptions.parse(
              recipe.method(), JSON.valueToTree(recipe.options()), LlamaConfig.read(target), "");
    } catch (UnlearnRequestException e) {
      throw new ConfigException("unlearn", e.getMessage());
    }
    if (plan.method().usesRefusals()) {
      throw new ConfigException(
          "unlearn.method", recipe.method(), "a method without refusal answers (not idk, idkdpo)");
    }
    List<QaPair> forget = QaData.readQa(options.forget());
    List<QaPair> retain =
        options.retain() == null
            ? List.of()
            : ProbePlan.retainTerm(QaData.readQa(options.retain()));
    String retainSource =
        options.retain() == null
            ? "none"
            : String.format(
                Locale.ROOT,
                "the first %d of %s's pairs (its first half; the compare probes only the other half)",
                retain.size(),
                options.retain().getFileName());
    UnlearnJob.Spec spec =
        new UnlearnJob.Spec(
            target,
            List.of(new UnlearnJob.Stage(plan.method(), plan.config())),
            forget,
            retain,
            List.of(),
            null,
            null,
            TofuEvalConfig.DEFAULTS,
            out,
            RetainPolicy.EXCLUDE_EVAL_QUESTIONS,
            null);
    progress.note(
        String.format(
            Locale.ROOT,
            "weights: unlearning the target in this run (lethe unlearn %s): %d forget pairs, %d"
                + " retain pairs",
            recipe.flags(),
            forget.size(),
            retain.size()));
    boolean scoped = PeakRss.reset();
    long t0 = System.nanoTime();
    UnlearnReport report =
        new UnlearnJob(new SimpleMeterRegistry(), log)
            .run(
                spec,
                new UnlearnJob.Listener() {
                  private int lastTenth = -1;

                  @Override
                  public void step(int stage, int step, int total, boolean skipped, double loss) {
                    int tenth = step * 10 / total;
                    if (tenth != lastTenth) {
                      lastTenth = tenth;
                      progress.note(
                          String.format(
                              Locale.ROOT,
                              "weights: unlearning step %d/%d, loss %.4f",
                              step,
                              total,
                              loss));
                    }
                  }
                });
    double seconds = (System.nanoTime() - t0) / 1e9;
    long peak = PeakRss.bytes();
    int steps = 0;
    int skipped = 0;
    for (UnlearnReport.StageReport s : report.stages()) {
      steps += s.result().steps();
      skipped += s.result().skippedSteps();
    }
    progress.note(
        String.format(
            Locale.ROOT,
            "weights: unlearned in %.1f s (%d steps), peak resident memory %s",
            seconds,
            steps,
            peak < 0 ? "unknown" : (peak >> 20) + " MiB" + (scoped ? "" : " (process)")));
    return new WeightsRun(
        recipe,
        steps,
        skipped,
        seconds,
        peak,
        scoped ? "unlearning" : "process",
        forget.size(),
        retain.size(),
        retainSource,
        out);
  }
}

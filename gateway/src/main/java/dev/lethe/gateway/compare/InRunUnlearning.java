package dev.lethe.gateway.compare;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.config.ConfigException;
import dev.lethe.gateway.backend.local.DemoModel;
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
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Makes the {@code weights} arms' checkpoint inside a compare: the {@link WeightsRecipe} run as a
 * {@code lethe unlearn} job ({@link UnlearnJob}, no evaluation) on the target, with the forget set
 * being compared and the first half of the retain file as the retain term ({@link
 * ProbePlan#retainTerm}); the compare's retain probes come from the other half, so the retain term
 * never trains on a question the report measures. Seconds and peak resident memory are recorded.
 *
 * <p>A recipe is a schedule: NPO without {@code steps}/{@code epochs} runs the plain defaults, not
 * {@link dev.lethe.unlearner.search.DefaultTarget}'s goal, because that goal stops on a validation
 * half of the forget questions and a compare's forget questions are the probes it measures.
 */
final class InRunUnlearning {
  private static final ObjectMapper JSON = new ObjectMapper();

  private InRunUnlearning() {}

  /**
   * The model configuration of a compare's target: {@code target}'s {@code config.json}, or the
   * built-in demo target's when {@code target} is null; null when {@code target} is null and this
   * build ships no demo model (the run then fails with {@link DemoModel}'s own message).
   *
   * @throws ConfigException when {@code target}'s configuration cannot be read
   */
  static LlamaConfig targetConfig(Path target) {
    if (target != null) {
      return LlamaConfig.read(target);
    }
    String resource = DemoModel.TARGET.resourceDir() + LlamaConfig.FILE_NAME;
    try (InputStream in = DemoModel.class.getClassLoader().getResourceAsStream(resource)) {
      return in == null ? null : LlamaConfig.fromJson(JSON.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the demo model's " + resource, e);
    }
  }

  /**
   * The recipe's stages as {@code lethe unlearn} job stages for a model of {@code modelConfig}:
   * each method and its options checked by the admin API's parser ({@link UnlearnOptions#parse}).
   *
   * @throws ConfigException naming the field ({@code unlearn.options.lr}, {@code
   *     unlearn.stages[1].method}), the value and what was expected
   */
  static List<UnlearnJob.Stage> plans(WeightsRecipe recipe, LlamaConfig modelConfig) {
    List<UnlearnJob.Stage> out = new ArrayList<>();
    boolean pipeline = recipe.stages().size() > 1;
    for (int i = 0; i < recipe.stages().size(); i++) {
      WeightsRecipe.Stage st = recipe.stages().get(i);
      String at = pipeline ? "unlearn.stages[" + i + "]." : "unlearn.";
      UnlearnOptions.Plan plan;
      try {
        plan =
            UnlearnOptions.parse(
                st.method(), JSON.valueToTree(st.options()), modelConfig, at + "options.");
      } catch (UnlearnRequestException e) {
        boolean method = "method".equals(e.param());
        String field = method ? at + "method" : e.param();
        String message = e.getMessage();
        if (message.startsWith(e.param() + ": ")) {
          message = message.substring(e.param().length() + 2);
        } else if (message.startsWith(field + ": ")) {
          message = message.substring(field.length() + 2);
        }
        throw new ConfigException(field, message);
      }
      if (plan.kind().usesRefusals()) {
        throw new ConfigException(
            at + "method", st.method(), "a method without refusal answers (not idk, idkdpo)");
      }
      out.add(new UnlearnJob.Stage(plan.method(), plan.config()));
    }
    return out;
  }

  /**
   * Runs {@code options.unlearn()} on {@code target} and writes the checkpoint to {@code out}.
   *
   * @throws ConfigException when the recipe is invalid for the target or lacks its inputs
   */
  static WeightsRun run(
      Path target, CompareOptions options, Path out, CompareProgress progress, PrintStream log)
      throws IOException {
    WeightsRecipe recipe = options.unlearn();
    List<UnlearnJob.Stage> stages = plans(recipe, LlamaConfig.read(target));
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
            stages,
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
                    progress.unlearning(stage, stages.size(), step, total);
                    int tenth = step * 10 / total;
                    if (tenth != lastTenth) {
                      lastTenth = tenth;
                      progress.note(
                          String.format(
                              Locale.ROOT,
                              "weights: unlearning %sstep %d/%d, loss %.4f",
                              stages.size() > 1
                                  ? "stage " + (stage + 1) + "/" + stages.size() + " "
                                  : "",
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

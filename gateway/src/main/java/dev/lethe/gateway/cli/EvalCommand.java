package dev.lethe.gateway.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.checkpoint.Checkpoint;
import dev.lethe.unlearner.eval.CheckpointEvaluation;
import dev.lethe.unlearner.eval.EvalSets;
import dev.lethe.unlearner.eval.ReferenceStats;
import dev.lethe.unlearner.eval.TofuData;
import dev.lethe.unlearner.eval.TofuReport;
import dev.lethe.unlearner.robust.Robustness;
import dev.lethe.unlearner.robust.RobustnessEvaluation;
import dev.lethe.unlearner.robust.RobustnessSpec;
import dev.lethe.unlearner.search.EvalSplit;
import dev.lethe.unlearner.unlearn.UnlearnJob;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lethe eval}: TOFU metrics of one checkpoint as JSON (DESIGN.md §3.1: the object {@code M},
 * the six contract keys first, then the other metrics and {@code forget_truth_ratio_by_question},
 * which lets this output serve as another run's {@code --reference}). Progress on stderr. Exit
 * codes: 0 success, 2 bad usage or invalid input (one-line reason), 1 other failure.
 *
 * <p>Two additions to that contract, both opt-in options: the robustness probes of {@code lethe
 * unlearn} ({@link RobustnessOptions}, the same {@link RobustnessEvaluation} on the evaluated
 * forget questions), written as {@code robustness} exactly as {@code report.json} has it; and
 * {@code --questions-from REPORT [--half test|validation]}, which evaluates on the half of the
 * questions a {@code lethe unlearn} search reported on (or selected on), recorded as {@code
 * questions_from}.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "TOFU-style metrics for one checkpoint, as JSON.")
public final class EvalCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "Checkpoint dir.")
  Path model;

  @Option(
      names = "--forget",
      required = true,
      paramLabel = "FILE",
      description = "Forget questions (TOFU forgetXX_perturbed.json for truth ratio / quality).")
  Path forget;

  @Option(
      names = "--retain",
      required = true,
      paramLabel = "FILE",
      description = "Retain questions (TOFU retain_perturbed.json).")
  Path retain;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "JSON to write.")
  Path out;

  @Mixin EvalOptions eval = new EvalOptions();

  @Mixin RobustnessOptions robust = new RobustnessOptions();

  @Option(
      names = "--seed",
      paramLabel = "S",
      description = "Seeds the robustness probes' relearning split and order (default 42).")
  Long seed;

  @Option(
      names = "--questions-from",
      paramLabel = "REPORT",
      description =
          "A report.json of a 'lethe unlearn' search: evaluate only one half of its split of the"
              + " evaluation questions (same --forget/--retain files and --eval-limit as the"
              + " search).")
  Path questionsFrom;

  @Option(
      names = "--half",
      paramLabel = "HALF",
      description = "With --questions-from: test (default; the held-out half) or validation.")
  String half;

  private final PrintStream err;

  /** A command reporting to {@code System.err}. */
  public EvalCommand() {
    this(System.err);
  }

  /** A command reporting to {@code err} (tests). */
  public EvalCommand(PrintStream err) {
    this.err = err;
  }

  @Override
  public Integer call() {
    try {
      if (!Files.isDirectory(model)) {
        throw new ConfigException("--model", model.toString(), "a checkpoint directory");
      }
      EvalOptions.requireFile("--forget", forget);
      EvalOptions.requireFile("--retain", retain);
      EvalOptions.requireFile("--questions-from", questionsFrom);
      eval.check();
      if (half != null && questionsFrom == null) {
        throw new ConfigException("--half", half, "only with --questions-from REPORT");
      }
      RobustnessSpec robustnessSpec = robust.spec(seed);
      TofuData data =
          new EvalSets(forget, retain, eval.realAuthors, eval.worldFacts, eval.holdout)
              .load(eval.limit);
      Map<String, Object> questions = null;
      if (questionsFrom != null) {
        EvalSplit.Half which =
            half == null ? EvalSplit.Half.TEST : EvalSplit.Half.parse("--half", half);
        EvalSplit split = EvalSplit.replay(readReport(questionsFrom), data, "--questions-from");
        data = split.half(which);
        questions = new LinkedHashMap<>();
        questions.put("report", questionsFrom.toString());
        questions.put("half", which.key());
        questions.put("split_seed", split.seed());
        questions.put("forget_questions", data.forget().size());
        questions.put("retain_questions", data.retain().size());
        questions.put("real_authors_questions", data.realAuthors().size());
        questions.put("world_facts_questions", data.worldFacts().size());
        questions.put("holdout_questions", data.holdout().size());
      }
      long t0 = System.nanoTime();
      CheckpointEvaluation evaluation = new CheckpointEvaluation(eval.config(), err);
      ReferenceStats reference = evaluation.reference(eval.reference, data);
      if (questions != null && reference != null && !reference.forgetQuestions().isEmpty()) {
        // a saved report of the retain model on all the questions: its truth ratios of this half
        reference = EvalSplit.reference(reference, data);
      }
      TofuReport report;
      Robustness robustness = null;
      try (Checkpoint ckpt = Checkpoint.load(model)) {
        report = evaluation.evaluate(ckpt.model(), ckpt.tokenizer(), data, reference);
        if (robustnessSpec != null && robustnessSpec.any()) {
          err.println("robustness probes");
          robustness =
              new RobustnessEvaluation(robustnessSpec, eval.config(), err)
                  .run(ckpt.model(), ckpt.tokenizer(), data.forget());
        }
      }
      Map<String, Object> json = new LinkedHashMap<>(report.toMap());
      if (questions != null) {
        json.put("questions_from", questions);
      }
      if (robustness != null) {
        json.put("robustness", robustness.toMap());
      }
      UnlearnJob.writeAtomically(out, json);
      err.printf(
          Locale.ROOT,
          "evaluated in %.1f s: forget_quality %s, model_utility %s, forget_rouge %s%s -> %s%n",
          (System.nanoTime() - t0) / 1e9,
          report.forgetQuality(),
          report.modelUtility(),
          report.forgetRouge(),
          robustness == null ? "" : "; " + summary(robustness),
          out);
      return 0;
    } catch (ConfigException e) {
      err.println("lethe eval: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      err.println("lethe eval: failed: " + e);
      return 1;
    }
  }

  private static Map<String, Object> readReport(Path file) throws IOException {
    try {
      return JSON.readValue(file.toFile(), new TypeReference<Map<String, Object>>() {});
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ConfigException(
          "--questions-from", file.toString(), "a report.json (" + e.getOriginalMessage() + ")");
    }
  }

  private static String summary(Robustness r) {
    StringBuilder b = new StringBuilder();
    for (Robustness.Quantization q : r.quantization()) {
      b.append(
          String.format(
              Locale.ROOT,
              "%d-bit forget_rouge delta %s Q %s, ",
              q.bits(),
              q.forgetRougeDelta(),
              q.robustness()));
    }
    if (r.relearning() != null) {
      b.append(
          String.format(
              Locale.ROOT,
              "relearned on %d, leak on %d held out %s (retain model %s, R %s), ",
              r.relearning().relearnQuestions(),
              r.relearning().heldOutQuestions(),
              r.relearning().forgetRougeAfter(),
              r.relearning().retainForgetRougeAfter(),
              r.relearning().robustness()));
    }
    b.append(String.format(Locale.ROOT, "robustness %.1f s", r.seconds()));
    return b.toString();
  }
}

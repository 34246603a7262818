package dev.lethe.unlearner.unlearn;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.checkpoint.Checkpoint;
import dev.lethe.unlearner.data.QaPair;
import dev.lethe.unlearner.eval.CheckpointEvaluation;
import dev.lethe.unlearner.eval.QaItem;
import dev.lethe.unlearner.eval.ReferenceStats;
import dev.lethe.unlearner.eval.TofuData;
import dev.lethe.unlearner.eval.TofuEvalConfig;
import dev.lethe.unlearner.eval.TofuReport;
import dev.lethe.unlearner.loss.MethodParams;
import dev.lethe.unlearner.robust.Robustness;
import dev.lethe.unlearner.robust.RobustnessEvaluation;
import dev.lethe.unlearner.robust.RobustnessSpec;
import dev.lethe.unlearner.tokenizer.TextTokenizer;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One {@code lethe unlearn} run end to end: load the checkpoint, evaluate it ("before"), run each
 * stage's method with the {@link Unlearner} in turn (a pipeline such as RMU then NPO is one job),
 * evaluate again ("after"), run the robustness probes when asked, write the new checkpoint
 * atomically and {@code report.json} into it ({@link UnlearnReport#toMap()}).
 *
 * <p>The retain term never trains on evaluation questions unless asked ({@link RetainPolicy}):
 * retain pairs whose question the evaluation asks (retain, real authors, world facts, forget) are
 * dropped and counted in the report.
 */
public final class UnlearnJob {
  /** The report's file name inside the output checkpoint. */
  public static final String REPORT_FILE = "report.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final MeterRegistry registry;
  private final PrintStream progress;

  /** A job recording metrics in {@code registry} and progress on {@code progress}. */
  public UnlearnJob(MeterRegistry registry, PrintStream progress) {
    this.registry = requireNonNull(registry, "registry");
    this.progress = requireNonNull(progress, "progress");
  }

  /** Where a run is. */
  public enum Phase {
    /** Evaluating the start checkpoint. */
    EVALUATE_BEFORE,
    /** Running a stage's unlearning loop. */
    UNLEARN,
    /** Evaluating the result. */
    EVALUATE_AFTER,
    /** Running the robustness probes. */
    ROBUSTNESS,
    /** Writing the checkpoint. */
    SAVE
  }

  /** Typed progress of a run, called on the run's thread. */
  public interface Listener {
    /** A phase begins; {@code stage} is the 0-based stage for {@link Phase#UNLEARN}, else -1. */
    default void phase(Phase phase, int stage) {}

    /** A step of stage {@code stage} (0-based) ended. */
    default void step(int stage, int step, int total, boolean skipped, double loss) {}

    /** A listener that ignores everything. */
    static Listener none() {
      return new Listener() {};
    }
  }

  /**
   * One stage of a pipeline.
   *
   * @param method the method
   * @param config its loop
   */
  public record Stage(UnlearningMethod method, UnlearnConfig config) {
    /** Validates. */
    public Stage {
      requireNonNull(method, "method");
      requireNonNull(config, "config");
    }
  }

  /**
   * What to run.
   *
   * @param model the start checkpoint directory
   * @param stages the stages, run in order on the same weights (at least one)
   * @param forget forget pairs to unlearn
   * @param retain retain pairs
   * @param refusals refusal lines (IDK, IdkDPO), possibly empty otherwise
   * @param evalData the evaluation sets, or null to skip evaluation
   * @param reference the retain model's statistics for forget quality, or null
   * @param evalConfig evaluation settings
   * @param out the output checkpoint directory (replaced atomically)
   * @param retainPolicy whether the retain term may train on evaluation questions
   * @param robustness the robustness probes to run after unlearning, or null for none
   */
  public record Spec(
      Path model,
      List<Stage> stages,
      List<QaPair> forget,
      List<QaPair> retain,
      List<String> refusals,
      TofuData evalData,
      ReferenceStats reference,
      TofuEvalConfig evalConfig,
      Path out,
      RetainPolicy retainPolicy,
      RobustnessSpec robustness) {
    /** Validates. */
    public Spec {
      requireNonNull(model, "model");
      stages = List.copyOf(requireNonNull(stages, "stages"));
      if (stages.isEmpty()) {
        throw new ConfigException("stages", "none (expected: at least one method)");
      }
      forget = List.copyOf(requireNonNull(forget, "forget"));
      retain = List.copyOf(requireNonNull(retain, "retain"));
      refusals = List.copyOf(requireNonNull(refusals, "refusals"));
      requireNonNull(evalConfig, "evalConfig");
      requireNonNull(out, "out");
      requireNonNull(retainPolicy, "retainPolicy");
    }

    /** One method, evaluation questions excluded from the retain term, no robustness probes. */
    public Spec(
        Path model,
        UnlearningMethod method,
        UnlearnConfig config,
        List<QaPair> forget,
        List<QaPair> retain,
        List<String> refusals,
        TofuData evalData,
        ReferenceStats reference,
        TofuEvalConfig evalConfig,
        Path out) {
      this(
          model,
          List.of(new Stage(method, config)),
          forget,
          retain,
          refusals,
          evalData,
          reference,
          evalConfig,
          out,
          RetainPolicy.EXCLUDE_EVAL_QUESTIONS,
          null);
    }

    /** The method name of the run: one stage's name, or the stages' joined by {@code +}. */
    public String methodName() {
      List<String> names = new ArrayList<>();
      for (Stage s : stages) {
        names.add(s.method().name());
      }
      return String.join("+", names);
    }
  }

  /** Runs {@code spec} without a listener. */
  public UnlearnReport run(Spec spec) throws IOException {
    return run(spec, Listener.none());
  }

  /**
   * Runs {@code spec} and returns the report (also written to {@code out/report.json}).
   *
   * @throws ConfigException on invalid input (checkpoint, data, options, a reference made on other
   *     questions, a retain set left empty by the policy)
   * @throws IOException when writing fails
   */
  public UnlearnReport run(Spec spec, Listener listener) throws IOException {
    requireNonNull(spec, "spec");
    requireNonNull(listener, "listener");
    // libtorch's grad mode is per thread and on by default on a new one (a job service's worker):
    // evaluation must not record graphs; the loops record gradients only inside their collectors
    dev.lethe.unlearner.Engines.pytorch();
    ai.djl.pytorch.jni.JniUtils.setGradMode(false);
    UnlearnReport.RetainSelection selection = selectRetain(spec);
    List<QaPair> retain = selectedRetain(spec);
    try (Checkpoint ckpt = Checkpoint.load(spec.model())) {
      CheckpointEvaluation evaluation = new CheckpointEvaluation(spec.evalConfig(), progress);
      double evalSeconds = 0;
      TofuReport before = null;
      if (spec.evalData() != null) {
        listener.phase(Phase.EVALUATE_BEFORE, -1);
        long t = System.nanoTime();
        progress.println("evaluating before unlearning");
        before =
            evaluation.evaluate(ckpt.model(), ckpt.tokenizer(), spec.evalData(), spec.reference());
        evalSeconds += (System.nanoTime() - t) / 1e9;
      }
      List<UnlearnReport.StageReport> stages = new ArrayList<>();
      for (int i = 0; i < spec.stages().size(); i++) {
        Stage stage = spec.stages().get(i);
        int index = i;
        listener.phase(Phase.UNLEARN, i);
        if (spec.stages().size() > 1) {
          progress.printf(
              Locale.ROOT, "stage %d/%d: %s%n", i + 1, spec.stages().size(), stage.method().name());
        }
        Unlearner.StepListener steps =
            new Unlearner.StepListener() {
              @Override
              public void afterStep(int step, int total, boolean skipped) {
                listener.step(index, step, total, skipped, Double.NaN);
              }

              @Override
              public void afterStep(int step, int total, boolean skipped, double loss) {
                listener.step(index, step, total, skipped, loss);
              }
            };
        Unlearner.Result result =
            new Unlearner(stage.config(), registry, progress, steps)
                .run(
                    stage.method(),
                    ckpt.model(),
                    ckpt.tokenizer(),
                    spec.forget(),
                    retain,
                    spec.refusals());
        stages.add(
            new UnlearnReport.StageReport(
                stage.method().name(), result, hyperparameters(stage, spec, retain, result)));
      }
      TofuReport after = null;
      if (spec.evalData() != null) {
        listener.phase(Phase.EVALUATE_AFTER, -1);
        long t = System.nanoTime();
        progress.println("evaluating after unlearning");
        after =
            evaluation.evaluate(ckpt.model(), ckpt.tokenizer(), spec.evalData(), spec.reference());
        evalSeconds += (System.nanoTime() - t) / 1e9;
      }
      Robustness robustness = null;
      if (spec.robustness() != null && spec.robustness().any()) {
        listener.phase(Phase.ROBUSTNESS, -1);
        progress.println("robustness probes");
        robustness =
            new RobustnessEvaluation(spec.robustness(), spec.evalConfig(), progress)
                .run(ckpt.model(), ckpt.tokenizer(), robustnessQuestions(spec));
      }
      listener.phase(Phase.SAVE, -1);
      Path saved =
          Checkpoint.save(
              ckpt.model(), ckpt.directory().resolve(TextTokenizer.FILE_NAME), spec.out());
      UnlearnReport report =
          new UnlearnReport(
              spec.methodName(),
              stages,
              selection,
              before,
              after,
              robustness,
              List.of(),
              evalSeconds);
      writeAtomically(saved.resolve(REPORT_FILE), report.toMap());
      progress.printf(
          Locale.ROOT,
          "unlearned in %.1f s; checkpoint and %s in %s%n",
          report.seconds(),
          REPORT_FILE,
          saved);
      return report;
    }
  }

  /** The forget questions the probes use: the evaluated ones, else the training pairs. */
  public static List<QaItem> robustnessQuestions(Spec spec) {
    if (spec.evalData() != null && !spec.evalData().forget().isEmpty()) {
      return spec.evalData().forget();
    }
    List<QaItem> out = new ArrayList<>();
    for (QaPair qa : spec.forget()) {
      out.add(QaItem.of(qa.question(), qa.answer()));
    }
    return out;
  }

  /** The questions the retain term must not train on: every evaluated and every forget question. */
  static Set<String> evaluationQuestions(Spec spec) {
    Set<String> out = new HashSet<>();
    for (QaPair qa : spec.forget()) {
      out.add(key(qa.question()));
    }
    TofuData d = spec.evalData();
    if (d != null) {
      for (List<QaItem> set : List.of(d.forget(), d.retain(), d.realAuthors(), d.worldFacts())) {
        for (QaItem i : set) {
          out.add(key(i.question()));
        }
      }
    }
    return out;
  }

  private static String key(String question) {
    return question.strip().toLowerCase(Locale.ROOT);
  }

  /** The retain pairs the retain term may draw from under the spec's {@link RetainPolicy}. */
  public static List<QaPair> selectedRetain(Spec spec) {
    if (spec.retainPolicy() == RetainPolicy.KEEP) {
      return spec.retain();
    }
    Set<String> banned = evaluationQuestions(spec);
    List<QaPair> out = new ArrayList<>();
    for (QaPair qa : spec.retain()) {
      if (!banned.contains(key(qa.question()))) {
        out.add(qa);
      }
    }
    return out;
  }

  /**
   * The retain selection of {@code spec}.
   *
   * @throws ConfigException when the policy leaves no retain pair for a method that needs some
   */
  public static UnlearnReport.RetainSelection selectRetain(Spec spec) {
    List<QaPair> used = selectedRetain(spec);
    int excluded = spec.retain().size() - used.size();
    boolean needsRetain = false;
    for (Stage s : spec.stages()) {
      needsRetain |= s.method().objective().needsRetainBatch();
    }
    if (needsRetain && used.isEmpty() && !spec.retain().isEmpty()) {
      throw new ConfigException(
          "retain",
          "all "
              + spec.retain().size()
              + " retain pairs are evaluation questions (retain, real authors, world facts or"
              + " forget); the retain term must not train on what model utility measures. Evaluate"
              + " on held-out retain questions (--eval-retain, e.g. TOFU retain_perturbed.json with"
              + " a retain set that excludes it), or keep the overlap explicitly (--retain-policy"
              + " keep)");
    }
    return new UnlearnReport.RetainSelection(
        spec.retain().size(), used.size(), excluded, spec.retainPolicy());
  }

  /** The hyper-parameters of one stage as the report records them. */
  public static Map<String, Object> hyperparameters(
      Stage stage, Spec spec, List<QaPair> retain, Unlearner.Result result) {
    MethodParams p = stage.method().params();
    UnlearnConfig c = stage.config();
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("method", stage.method().name());
    h.put("beta", p.beta());
    h.put("gamma", p.gamma());
    h.put("alpha", p.alpha());
    h.put("delta", p.delta());
    h.put("steering_coefficient", p.steeringCoefficient());
    h.put("retain_loss", p.retain().name().toLowerCase(Locale.ROOT));
    h.put("layer", stage.method().steeredLayer() >= 0 ? stage.method().steeredLayer() : null);
    h.put("lr", c.learningRate());
    h.put("batch_size", c.wholeForgetSet() ? c.stepBatch(spec.forget().size()) : c.batchSize());
    h.put("whole_forget_set", c.wholeForgetSet());
    h.put("micro_batch", c.microBatch());
    h.put("epochs", c.steps() > 0 ? null : c.epochs());
    h.put("warmup_fraction", c.warmupFraction());
    h.put("min_lr_ratio", c.minLrRatio());
    h.put("weight_decay", c.weightDecay());
    h.put("clip_norm", c.clipNorm());
    h.put("saliency", c.saliency());
    h.put("params", c.parameterRegex());
    h.put("project_gradients", c.projectGradients());
    h.put("seed", c.seed());
    h.put("forget_pairs", spec.forget().size());
    h.put("retain_pairs", retain.size());
    h.put("updated_tensors", result.updatedParameters().size());
    h.put("updated_weights", result.maskedWeights());
    return h;
  }

  /** Writes {@code value} as indented JSON to {@code file} via a temporary sibling and a rename. */
  public static void writeAtomically(Path file, Object value) throws IOException {
    requireNonNull(file, "file");
    Path abs = file.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
    try {
      JSON.writeValue(tmp.toFile(), value);
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (java.nio.file.AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}

package dev.lethe.unlearner.unlearn;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lethe.unlearner.checkpoint.Checkpoint;
import dev.lethe.unlearner.data.QaPair;
import dev.lethe.unlearner.eval.ReferenceStats;
import dev.lethe.unlearner.eval.TofuData;
import dev.lethe.unlearner.eval.TofuEvalConfig;
import dev.lethe.unlearner.eval.TofuReport;
import dev.lethe.unlearner.evaluate.CheckpointEvaluation;
import dev.lethe.unlearner.loss.MethodParams;
import dev.lethe.unlearner.tokenizer.TextTokenizer;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code lethe unlearn} run end to end: load the checkpoint, evaluate it ("before"), run the
 * {@link Unlearner}, evaluate again ("after"), write the new checkpoint atomically and {@code
 * report.json} into it. The report has DESIGN §3.1's shape: {@code {"method", "seconds", "steps",
 * "hyperparameters", "before", "after"}}, where {@code seconds} is the unlearning loop's wall time
 * (evaluation excluded; {@code eval_seconds} gives that) and {@code before}/{@code after} are
 * {@link TofuReport#toMap()} objects, or null when evaluation is skipped.
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

  /**
   * What to run.
   *
   * @param model the start checkpoint directory
   * @param method the method
   * @param config the loop settings
   * @param forget forget pairs to unlearn
   * @param retain retain pairs
   * @param refusals refusal lines (IDK, IdkDPO), possibly empty otherwise
   * @param evalData the evaluation sets, or null to skip evaluation
   * @param reference the retain model's statistics for forget quality, or null
   * @param evalConfig evaluation settings
   * @param out the output checkpoint directory (replaced atomically)
   */
  public record Spec(
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
    /** Validates. */
    public Spec {
      requireNonNull(model, "model");
      requireNonNull(method, "method");
      requireNonNull(config, "config");
      forget = List.copyOf(requireNonNull(forget, "forget"));
      retain = List.copyOf(requireNonNull(retain, "retain"));
      refusals = List.copyOf(requireNonNull(refusals, "refusals"));
      requireNonNull(evalConfig, "evalConfig");
      requireNonNull(out, "out");
    }
  }

  /**
   * Runs {@code spec} and returns the report (also written to {@code out/report.json}).
   *
   * @throws dev.lethe.config.ConfigException on invalid input (checkpoint, data, options)
   * @throws IOException when writing fails
   */
  public Map<String, Object> run(Spec spec) throws IOException {
    requireNonNull(spec, "spec");
    try (Checkpoint ckpt = Checkpoint.load(spec.model())) {
      CheckpointEvaluation evaluation = new CheckpointEvaluation(spec.evalConfig(), progress);
      double evalSeconds = 0;
      Map<String, Object> before = null;
      if (spec.evalData() != null) {
        long t = System.nanoTime();
        progress.println("evaluating before unlearning");
        before =
            evaluation
                .evaluate(ckpt.model(), ckpt.tokenizer(), spec.evalData(), spec.reference())
                .toMap();
        evalSeconds += (System.nanoTime() - t) / 1e9;
      }
      Unlearner.Result result =
          new Unlearner(spec.config(), registry, progress)
              .run(
                  spec.method(),
                  ckpt.model(),
                  ckpt.tokenizer(),
                  spec.forget(),
                  spec.retain(),
                  spec.refusals());
      Map<String, Object> after = null;
      if (spec.evalData() != null) {
        long t = System.nanoTime();
        progress.println("evaluating after unlearning");
        after =
            evaluation
                .evaluate(ckpt.model(), ckpt.tokenizer(), spec.evalData(), spec.reference())
                .toMap();
        evalSeconds += (System.nanoTime() - t) / 1e9;
      }
      Path saved =
          Checkpoint.save(
              ckpt.model(), ckpt.directory().resolve(TextTokenizer.FILE_NAME), spec.out());
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("method", spec.method().name());
      report.put("seconds", result.seconds());
      report.put("steps", result.steps());
      report.put("skipped_steps", result.skippedSteps());
      report.put("hyperparameters", hyperparameters(spec, result));
      report.put("before", before);
      report.put("after", after);
      report.put("eval_seconds", evalSeconds);
      report.put("final_loss", finite(result.lastLoss()));
      writeAtomically(saved.resolve(REPORT_FILE), report);
      progress.printf(
          Locale.ROOT,
          "unlearned in %.1f s; checkpoint and %s in %s%n",
          result.seconds(),
          REPORT_FILE,
          saved);
      return report;
    }
  }

  /** The hyper-parameters as the report records them. */
  static Map<String, Object> hyperparameters(Spec spec, Unlearner.Result result) {
    MethodParams p = spec.method().params();
    UnlearnConfig c = spec.config();
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("beta", p.beta());
    h.put("gamma", p.gamma());
    h.put("alpha", p.alpha());
    h.put("delta", p.delta());
    h.put("steering_coefficient", p.steeringCoefficient());
    h.put("retain_loss", p.retain().name().toLowerCase(Locale.ROOT));
    h.put("layer", spec.method().steeredLayer() >= 0 ? spec.method().steeredLayer() : null);
    h.put("lr", c.learningRate());
    h.put("batch_size", c.batchSize());
    h.put("epochs", c.steps() > 0 ? null : c.epochs());
    h.put("warmup_fraction", c.warmupFraction());
    h.put("min_lr_ratio", c.minLrRatio());
    h.put("weight_decay", c.weightDecay());
    h.put("clip_norm", c.clipNorm());
    h.put("saliency", c.saliency());
    h.put("params", c.parameterRegex());
    h.put("seed", c.seed());
    h.put("forget_pairs", spec.forget().size());
    h.put("retain_pairs", spec.retain().size());
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

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}

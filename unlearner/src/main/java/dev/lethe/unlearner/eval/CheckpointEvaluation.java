package dev.lethe.unlearner.eval;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.checkpoint.Checkpoint;
import dev.lethe.unlearner.model.LlamaModel;
import dev.lethe.unlearner.tokenizer.TextTokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Evaluates Lethe checkpoints with the {@link TofuEvaluator} ({@code lethe eval}, and the before /
 * after numbers of {@code lethe unlearn}), reporting progress to a stream.
 *
 * <p>The retain model's statistics (for forget quality and privleak) come from either its
 * checkpoint directory, evaluated here on the same forget (and holdout) questions, or a JSON report
 * of it saved earlier by {@code lethe eval} (its {@code forget_truth_ratio_by_question} and {@code
 * mia_min_k_auc}); the second avoids re-running the retain model for every method.
 */
public final class CheckpointEvaluation {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TofuEvalConfig config;
  private final PrintStream progress;

  /** An evaluation with {@code config}, reporting progress lines to {@code progress}. */
  public CheckpointEvaluation(TofuEvalConfig config, PrintStream progress) {
    this.config = requireNonNull(config, "config");
    this.progress = requireNonNull(progress, "progress");
  }

  /** Evaluates a loaded model. */
  public TofuReport evaluate(
      LlamaModel model, TextTokenizer tokenizer, TofuData data, ReferenceStats reference) {
    requireNonNull(model, "model");
    requireNonNull(tokenizer, "tokenizer");
    requireNonNull(data, "data");
    return new TofuEvaluator(config)
        .evaluate(new ModelScorer(model, tokenizer), data, reference, listener());
  }

  /**
   * The retain model's statistics from {@code reference}: a checkpoint directory (evaluated on the
   * forget and holdout sets of {@code data}) or a saved JSON report; null when {@code reference} is
   * null.
   *
   * @throws ConfigException when the path is missing, or the report lacks the per-question truth
   *     ratios
   */
  public ReferenceStats reference(Path reference, TofuData data) throws IOException {
    requireNonNull(data, "data");
    if (reference == null) {
      return null;
    }
    if (Files.isDirectory(reference)) {
      progress.println("reference: evaluating the retain model " + reference);
      try (Checkpoint ckpt = Checkpoint.load(reference)) {
        TofuData forgetOnly = new TofuData(data.forget(), null, null, null, data.holdout());
        return evaluate(ckpt.model(), ckpt.tokenizer(), forgetOnly, null).referenceStats();
      }
    }
    if (!Files.isRegularFile(reference)) {
      throw new ConfigException(
          reference.toString(), "no such file or directory (expected: checkpoint dir or JSON)");
    }
    Map<String, Object> report;
    try {
      report = JSON.readValue(reference.toFile(), new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new ConfigException(reference.toString(), "not a JSON report (" + e.getMessage() + ")");
    }
    try {
      Object nested = report.get("after");
      @SuppressWarnings("unchecked")
      Map<String, Object> m =
          nested instanceof Map<?, ?> && !report.containsKey("forget_truth_ratio_by_question")
              ? (Map<String, Object>) nested
              : report;
      return ReferenceStats.fromReport(m);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(reference.toString(), e.getMessage());
    }
  }

  private TofuEvaluator.Progress listener() {
    return (stage, done, total) ->
        progress.printf(Locale.ROOT, "eval %s: %d/%d%n", stage, done, total);
  }
}

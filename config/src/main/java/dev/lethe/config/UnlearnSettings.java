package dev.lethe.config;

import java.nio.file.Path;

/**
 * Weight-level unlearning jobs started from the admin API ({@code POST /admin/unlearn}).
 *
 * @param retainSet JSON Lines of {@code {"question","answer"}} pairs kept during unlearning (TOFU
 *     {@code retain90.json}), or {@code null}: jobs are then refused
 * @param qaPool JSON Lines of question/answer pairs (TOFU style, {@code perturbed_answer} rows
 *     allowed) from which a rule's forget set is drawn, or {@code null}
 * @param evalRetain the retain questions evaluated before and after, or {@code null} for the {@code
 *     _perturbed} sibling of {@code retainSet} (else the file itself)
 * @param realAuthors TOFU {@code real_authors_perturbed.json} (model utility needs it), or null
 * @param worldFacts TOFU {@code world_facts_perturbed.json} (model utility needs it), or null
 * @param holdout never-trained questions for the MIA AUC, or null
 * @param evalLimit questions evaluated per evaluation file (their first ones), 0 for all
 * @param maxNewTokens greedy generation budget for the ROUGE numbers
 * @param maxConcurrentJobs jobs running at once; the runtime allows one gradient collector per
 *     process, so only 1 is accepted
 * @param maxForgetRouge gate: forget ROUGE-L after unlearning at most this, 0..1 (1 = off)
 * @param minUtilityRatio gate: model utility after at least this share of the one before (0 = off;
 *     fails closed when utility cannot be computed, i.e. without real authors and world facts)
 * @param minRetainRougeRatio gate: retain ROUGE-L after at least this share of the one before (0 =
 *     off)
 * @param robustness the robustness probes run before a swap and the gates on them
 */
public record UnlearnSettings(
    Path retainSet,
    Path qaPool,
    Path evalRetain,
    Path realAuthors,
    Path worldFacts,
    Path holdout,
    int evalLimit,
    int maxNewTokens,
    int maxConcurrentJobs,
    double maxForgetRouge,
    double minUtilityRatio,
    double minRetainRougeRatio,
    Robustness robustness) {

  /**
   * The robustness probes of a job ({@code unlearn.robustness}) and their gates ({@code
   * unlearn.gates}). The probes run when {@code robustness} is configured or a robustness gate is
   * on; a gate whose number is missing fails (closed).
   *
   * @param quantize whether to quantize to 8 and 4 bits (round to nearest) and re-evaluate
   * @param relearnSteps fine-tuning steps of the relearning probe (0 = off)
   * @param relearnFraction share of the forget questions relearned on, the leak measured on the
   *     rest
   * @param relearnLr the relearning probe's learning rate
   * @param retainModel the retain model's checkpoint (for relearning robustness R), or null
   * @param minQuantizationRobustness gate: 4-bit quantization robustness Q on forget ROUGE-L ≥ this
   *     (0 = off)
   * @param maxQuantizedForgetRougeDelta gate: 4-bit forget ROUGE-L minus unquantized ≤ this (1 =
   *     off)
   * @param maxRelearnedForgetRouge gate: held-out forget ROUGE-L after relearning ≤ this (1 = off)
   * @param minRelearningRobustness gate: relearning robustness R ≥ this (0 = off; needs
   *     retainModel)
   */
  public record Robustness(
      boolean quantize,
      int relearnSteps,
      double relearnFraction,
      double relearnLr,
      Path retainModel,
      double minQuantizationRobustness,
      double maxQuantizedForgetRougeDelta,
      double maxRelearnedForgetRouge,
      double minRelearningRobustness) {

    /** No probes, no gates. */
    public static Robustness off() {
      return new Robustness(false, 0, 0.1, 1e-4, null, 0, 1, 1, 0);
    }

    /** Validates. */
    public Robustness {
      if (relearnSteps < 0 || relearnSteps > 100_000) {
        throw new ConfigException("unlearn.robustness.relearnSteps", relearnSteps, "0..100000");
      }
      if (!(relearnFraction > 0 && relearnFraction < 1)) {
        throw new ConfigException(
            "unlearn.robustness.relearnFraction", relearnFraction, "0 < f < 1");
      }
      if (!(relearnLr > 0 && relearnLr < 1)) {
        throw new ConfigException("unlearn.robustness.relearnLr", relearnLr, "0 < lr < 1");
      }
      if (!(minQuantizationRobustness >= 0 && minQuantizationRobustness <= 1)) {
        throw new ConfigException(
            "unlearn.gates.minQuantizationRobustness", minQuantizationRobustness, "0..1 (0 = off)");
      }
      if (!(maxQuantizedForgetRougeDelta >= 0 && maxQuantizedForgetRougeDelta <= 1)) {
        throw new ConfigException(
            "unlearn.gates.maxQuantizedForgetRougeDelta",
            maxQuantizedForgetRougeDelta,
            "0..1 (1 = off)");
      }
      if (!(maxRelearnedForgetRouge >= 0 && maxRelearnedForgetRouge <= 1)) {
        throw new ConfigException(
            "unlearn.gates.maxRelearnedForgetRouge", maxRelearnedForgetRouge, "0..1 (1 = off)");
      }
      if (!(minRelearningRobustness >= 0 && minRelearningRobustness <= 1)) {
        throw new ConfigException(
            "unlearn.gates.minRelearningRobustness", minRelearningRobustness, "0..1 (0 = off)");
      }
    }

    /** Whether a quantization gate is on. */
    public boolean quantizationGated() {
      return minQuantizationRobustness > 0 || maxQuantizedForgetRougeDelta < 1;
    }

    /** Whether a relearning gate is on. */
    public boolean relearningGated() {
      return maxRelearnedForgetRouge < 1 || minRelearningRobustness > 0;
    }
  }

  /**
   * Not configured (no retain set); gates: forget ROUGE-L ≤ 0.4 and model utility ≥ 0.9 × before
   * (retain ROUGE gate off); 50 questions per file, 64 new tokens, one job at a time.
   */
  public static UnlearnSettings defaults() {
    return new UnlearnSettings(
        null, null, null, null, null, null, 50, 64, 1, 0.4, 0.9, 0.0, Robustness.off());
  }

  /** Validates. */
  public UnlearnSettings {
    if (robustness == null) {
      robustness = Robustness.off();
    }
    if (evalLimit < 0) {
      throw new ConfigException("unlearn.evalLimit", evalLimit, ">= 0 (0 = all)");
    }
    if (maxNewTokens < 1 || maxNewTokens > 4096) {
      throw new ConfigException("unlearn.maxNewTokens", maxNewTokens, "1..4096");
    }
    if (maxConcurrentJobs != 1) {
      throw new ConfigException(
          "unlearn.maxConcurrentJobs", maxConcurrentJobs, "1 (one gradient collector per process)");
    }
    if (!(maxForgetRouge >= 0 && maxForgetRouge <= 1)) {
      throw new ConfigException("unlearn.gates.maxForgetRouge", maxForgetRouge, "0..1 (1 = off)");
    }
    if (!(minUtilityRatio >= 0 && minUtilityRatio <= 10)) {
      throw new ConfigException(
          "unlearn.gates.minUtilityRatio", minUtilityRatio, "0..10 (0 = off)");
    }
    if (!(minRetainRougeRatio >= 0 && minRetainRougeRatio <= 10)) {
      throw new ConfigException(
          "unlearn.gates.minRetainRougeRatio", minRetainRougeRatio, "0..10 (0 = off)");
    }
  }

  /** Whether jobs can run (a retain set is configured). */
  public boolean enabled() {
    return retainSet != null;
  }

  static UnlearnSettings read(ConfigNode n) {
    UnlearnSettings d = defaults();
    ConfigNode g = n.object("gates");
    double maxForgetRouge = g.number("maxForgetRouge", d.maxForgetRouge(), 0, 1);
    double minUtilityRatio = g.number("minUtilityRatio", d.minUtilityRatio(), 0, 10);
    double minRetainRougeRatio = g.number("minRetainRougeRatio", d.minRetainRougeRatio(), 0, 10);
    Robustness off = Robustness.off();
    double minQ = g.number("minQuantizationRobustness", off.minQuantizationRobustness(), 0, 1);
    double maxQDelta =
        g.number("maxQuantizedForgetRougeDelta", off.maxQuantizedForgetRougeDelta(), 0, 1);
    double maxRelearned = g.number("maxRelearnedForgetRouge", off.maxRelearnedForgetRouge(), 0, 1);
    double minR = g.number("minRelearningRobustness", off.minRelearningRobustness(), 0, 1);
    g.rejectUnknown();
    ConfigNode r = n.object("robustness");
    Robustness robustness =
        new Robustness(
            r.bool("quantize", minQ > 0 || maxQDelta < 1),
            (int)
                r.integer(
                    "relearnSteps",
                    maxRelearned < 1 || minR > 0 ? 10 : off.relearnSteps(),
                    0,
                    100_000),
            r.number("relearnFraction", off.relearnFraction(), 1e-6, 1 - 1e-6),
            r.number("relearnLr", off.relearnLr(), 1e-12, 1 - 1e-12),
            path(r, "retainModel"),
            minQ,
            maxQDelta,
            maxRelearned,
            minR);
    r.rejectUnknown();
    UnlearnSettings c =
        new UnlearnSettings(
            path(n, "retainSet"),
            path(n, "qaPool"),
            path(n, "evalRetain"),
            path(n, "realAuthors"),
            path(n, "worldFacts"),
            path(n, "holdout"),
            (int) n.integer("evalLimit", d.evalLimit(), 0, 1_000_000),
            (int) n.integer("maxNewTokens", d.maxNewTokens(), 1, 4096),
            (int) n.integer("maxConcurrentJobs", d.maxConcurrentJobs(), 1, 1),
            maxForgetRouge,
            minUtilityRatio,
            minRetainRougeRatio,
            robustness);
    n.rejectUnknown();
    return c;
  }

  private static Path path(ConfigNode n, String field) {
    String s = n.string(field, null);
    if (s == null) {
      return null;
    }
    if (s.isBlank()) {
      throw new ConfigException(n.path(field), s, "a file path");
    }
    return Path.of(s);
  }
}

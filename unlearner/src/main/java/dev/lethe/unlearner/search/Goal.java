package dev.lethe.unlearner.search;

import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.eval.TofuReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a search must reach on the validation split, each bound optional (null: not required).
 *
 * @param maxForgetRouge forget ROUGE-L ≤ this
 * @param minRetainRougeRatio retain ROUGE-L ≥ this × the start model's
 * @param minForgetQuality forget quality ≥ this (needs the retain model's report)
 * @param minUtilityRatio model utility ≥ this × the start model's (needs real authors and world
 *     facts)
 * @param maxAbsPrivleak |privleak| ≤ this, in % (needs the retain model's report and a holdout
 *     set): neither over-forgetting (forget answers less likely than never-seen ones, a "was
 *     unlearned" signature) nor under-forgetting beyond this
 * @param maxForgetRougeRatio forget ROUGE-L ≤ this × the start model's: the forget bound that means
 *     the same on any model, however well it knew the answers (the default goal's)
 */
public record Goal(
    Double maxForgetRouge,
    Double minRetainRougeRatio,
    Double minForgetQuality,
    Double minUtilityRatio,
    Double maxAbsPrivleak,
    Double maxForgetRougeRatio) {

  /** Validates: at least one bound, each in range. */
  public Goal {
    if (maxForgetRouge == null
        && minRetainRougeRatio == null
        && minForgetQuality == null
        && minUtilityRatio == null
        && maxAbsPrivleak == null
        && maxForgetRougeRatio == null) {
      throw new ConfigException("target", "no bound (expected at least one)");
    }
    range("forget_rouge", maxForgetRouge, 0, 1);
    range("retain_rouge_ratio", minRetainRougeRatio, 0, 10);
    range("forget_quality", minForgetQuality, 0, 1);
    range("utility_ratio", minUtilityRatio, 0, 10);
    range("privleak", maxAbsPrivleak, 0, 100);
    range("forget_rouge_ratio", maxForgetRougeRatio, 0, 10);
  }

  /** The goal without a privleak bound (the first four bounds). */
  public Goal(
      Double maxForgetRouge,
      Double minRetainRougeRatio,
      Double minForgetQuality,
      Double minUtilityRatio) {
    this(maxForgetRouge, minRetainRougeRatio, minForgetQuality, minUtilityRatio, null, null);
  }

  private static void range(String name, Double v, double lo, double hi) {
    if (v != null && !(v >= lo && v <= hi)) {
      throw new ConfigException("target." + name, v, lo + ".." + hi);
    }
  }

  /**
   * Parses {@code
   * forget_rouge<=0.3,retain_rouge_ratio>=0.9,forget_quality>=0.05,utility_ratio>=0.95,privleak<=20}
   * and {@code forget_rouge_ratio<=0.4} (any subset, comma-separated; {@code privleak<=X} bounds
   * its absolute value, in %; the ratios are to the start model's value on the same questions).
   */
  public static Goal parse(String text) {
    if (text == null || text.isBlank()) {
      throw new ConfigException("--target", text, "e.g. forget_rouge<=0.3,retain_rouge_ratio>=0.9");
    }
    Double fr = null;
    Double rr = null;
    Double fq = null;
    Double ur = null;
    Double pl = null;
    Double frr = null;
    for (String part : text.split(",")) {
      String p = part.strip().toLowerCase(Locale.ROOT);
      String op = p.contains("<=") ? "<=" : p.contains(">=") ? ">=" : null;
      if (op == null) {
        throw new ConfigException("--target", part, "NAME<=X or NAME>=X");
      }
      String name = p.substring(0, p.indexOf(op)).strip();
      double v;
      try {
        v = Double.parseDouble(p.substring(p.indexOf(op) + 2).strip());
      } catch (NumberFormatException e) {
        throw new ConfigException("--target", part, "a number after " + op);
      }
      switch (name + op) {
        case "forget_rouge<=" -> fr = v;
        case "retain_rouge_ratio>=" -> rr = v;
        case "forget_quality>=" -> fq = v;
        case "utility_ratio>=" -> ur = v;
        case "privleak<=" -> pl = v;
        case "forget_rouge_ratio<=" -> frr = v;
        default ->
            throw new ConfigException(
                "--target",
                part,
                "one of forget_rouge<=X, forget_rouge_ratio<=X, retain_rouge_ratio>=X,"
                    + " forget_quality>=X, utility_ratio>=X, privleak<=X");
      }
    }
    return new Goal(fr, rr, fq, ur, pl, frr);
  }

  /**
   * The goal in {@link #parse} syntax, e.g. {@code
   * forget_rouge_ratio<=0.4,retain_rouge_ratio>=0.95}.
   */
  public String text() {
    List<String> parts = new ArrayList<>();
    bound(parts, "forget_rouge<=", maxForgetRouge);
    bound(parts, "forget_rouge_ratio<=", maxForgetRougeRatio);
    bound(parts, "retain_rouge_ratio>=", minRetainRougeRatio);
    bound(parts, "forget_quality>=", minForgetQuality);
    bound(parts, "utility_ratio>=", minUtilityRatio);
    bound(parts, "privleak<=", maxAbsPrivleak);
    return String.join(",", parts);
  }

  private static void bound(List<String> parts, String name, Double v) {
    if (v != null) {
      parts.add(name + (v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString(v.longValue()) : v));
    }
  }

  /** The bounds {@code report} misses against {@code start} (empty: the goal is met). */
  public List<String> misses(TofuReport report, TofuReport start) {
    List<String> out = new ArrayList<>();
    if (maxForgetRouge != null && !(le(report.forgetRouge(), maxForgetRouge))) {
      out.add("forget_rouge " + report.forgetRouge() + " > " + maxForgetRouge);
    }
    if (maxForgetRougeRatio != null
        && !(report.forgetRouge() != null
            && start.forgetRouge() != null
            && report.forgetRouge() <= maxForgetRougeRatio * start.forgetRouge())) {
      out.add("forget_rouge " + report.forgetRouge() + " > " + maxForgetRougeRatio + " x start");
    }
    if (minRetainRougeRatio != null
        && !(ratioAtLeast(report.retainRouge(), start.retainRouge(), minRetainRougeRatio))) {
      out.add("retain_rouge " + report.retainRouge() + " < " + minRetainRougeRatio + " x start");
    }
    if (minForgetQuality != null
        && !(report.forgetQuality() != null && report.forgetQuality() >= minForgetQuality)) {
      out.add("forget_quality " + report.forgetQuality() + " < " + minForgetQuality);
    }
    if (minUtilityRatio != null
        && !(ratioAtLeast(report.modelUtility(), start.modelUtility(), minUtilityRatio))) {
      out.add("model_utility " + report.modelUtility() + " < " + minUtilityRatio + " x start");
    }
    if (maxAbsPrivleak != null
        && !(report.privleak() != null && Math.abs(report.privleak()) <= maxAbsPrivleak)) {
      out.add("privleak " + report.privleak() + " outside +-" + maxAbsPrivleak);
    }
    return out;
  }

  /** Whether {@code report} keeps the utility side of the goal (forget bounds aside). */
  public boolean keepsUtility(TofuReport report, TofuReport start) {
    return (minRetainRougeRatio == null
            || ratioAtLeast(report.retainRouge(), start.retainRouge(), minRetainRougeRatio))
        && (minUtilityRatio == null
            || ratioAtLeast(report.modelUtility(), start.modelUtility(), minUtilityRatio));
  }

  /**
   * Whether {@code report} is close enough to this goal's edge that a check after every step is
   * worth its cost: a forget ROUGE-L bound (absolute, or as a ratio to the start's) within {@code
   * reach} × the bound, or a utility ratio ({@code retain_rouge_ratio}, {@code utility_ratio}) that
   * has used half its room (below (1 + bound) / 2 of the start's). On a small model both the forget
   * and the retain score can fall steeply within a few steps, so the window where every bound holds
   * may be shorter than the coarse check interval. {@code reach} 0 means never.
   */
  public boolean withinReach(TofuReport report, TofuReport start, double reach) {
    if (reach <= 0) {
      return false;
    }
    return forgetWithin(report, start, reach) || utilityHalfUsed(report, start);
  }

  /**
   * Whether {@code report}'s forget ROUGE-L is within {@code reach} × this goal's forget bound
   * (absolute, or as a ratio to the start's); false without a forget bound.
   */
  public boolean forgetWithin(TofuReport report, TofuReport start, double reach) {
    Double f = report.forgetRouge();
    if (f == null || reach <= 0) {
      return false;
    }
    if (maxForgetRouge != null && f <= reach * maxForgetRouge) {
      return true;
    }
    return maxForgetRougeRatio != null
        && start.forgetRouge() != null
        && f <= reach * maxForgetRougeRatio * start.forgetRouge();
  }

  /**
   * Whether a utility ratio ({@code retain_rouge_ratio}, {@code utility_ratio}) of {@code report}
   * has used half its room: below (1 + bound) / 2 of the start's.
   */
  public boolean utilityHalfUsed(TofuReport report, TofuReport start) {
    if (minRetainRougeRatio != null
        && minRetainRougeRatio < 1
        && !ratioAtLeast(
            report.retainRouge(), start.retainRouge(), (1 + minRetainRougeRatio) / 2)) {
      return true;
    }
    return minUtilityRatio != null
        && minUtilityRatio < 1
        && !ratioAtLeast(report.modelUtility(), start.modelUtility(), (1 + minUtilityRatio) / 2);
  }

  private static boolean le(Double v, double bound) {
    return v != null && v <= bound;
  }

  private static boolean ratioAtLeast(Double v, Double start, double ratio) {
    return v != null && start != null && v >= ratio * start;
  }
}

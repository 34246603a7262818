package dev.lethe.gateway.unlearn;

import static java.util.Objects.requireNonNull;

import dev.lethe.config.UnlearnSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The checks an unlearned checkpoint must pass before it replaces the serving one. Each gate
 * compares the evaluation after unlearning with the one before (both in {@code report.json}'s
 * shape), or reads the robustness probes ({@code report.json}'s {@code robustness}). A gate whose
 * number is missing fails: the gates fail closed.
 *
 * @param maxForgetRouge forget ROUGE-L after ≤ this (1 = off)
 * @param minUtilityRatio model utility after ≥ this × before (0 = off)
 * @param minRetainRougeRatio retain ROUGE-L after ≥ this × before (0 = off)
 * @param minQuantizationRobustness 4-bit quantization robustness Q ≥ this (0 = off)
 * @param maxQuantizedForgetRougeDelta 4-bit forget ROUGE-L minus unquantized ≤ this (1 = off)
 * @param maxRelearnedForgetRouge held-out forget ROUGE-L after relearning ≤ this (1 = off)
 * @param minRelearningRobustness relearning robustness R ≥ this (0 = off)
 */
public record UnlearnGates(
    double maxForgetRouge,
    double minUtilityRatio,
    double minRetainRougeRatio,
    double minQuantizationRobustness,
    double maxQuantizedForgetRougeDelta,
    double maxRelearnedForgetRouge,
    double minRelearningRobustness) {

  /** The evaluation gates only, the robustness gates off. */
  public UnlearnGates(double maxForgetRouge, double minUtilityRatio, double minRetainRougeRatio) {
    this(maxForgetRouge, minUtilityRatio, minRetainRougeRatio, 0, 1, 1, 0);
  }

  /** The gates of {@code settings}. */
  public static UnlearnGates of(UnlearnSettings settings) {
    requireNonNull(settings, "settings");
    UnlearnSettings.Robustness r = settings.robustness();
    return new UnlearnGates(
        settings.maxForgetRouge(),
        settings.minUtilityRatio(),
        settings.minRetainRougeRatio(),
        r.minQuantizationRobustness(),
        r.maxQuantizedForgetRougeDelta(),
        r.maxRelearnedForgetRouge(),
        r.minRelearningRobustness());
  }

  /** Applies the evaluation gates; any robustness gate that is on fails (no probes ran). */
  public Decision decide(Map<String, ?> before, Map<String, ?> after) {
    return decide(before, after, null);
  }

  /**
   * The outcome of the gates.
   *
   * @param passed whether every gate passed
   * @param checks one entry per active gate: {@code gate}, {@code passed}, {@code value}, {@code
   *     bound}, {@code reason}
   * @param reasons the reasons of the failed gates (empty when passed)
   */
  public record Decision(boolean passed, List<Map<String, Object>> checks, List<String> reasons) {
    /** Copies. */
    public Decision {
      checks = List.copyOf(checks);
      reasons = List.copyOf(reasons);
    }
  }

  /**
   * Applies the gates to evaluations {@code before} and {@code after} and the robustness probes'
   * {@code robustness} object (null when none ran).
   */
  public Decision decide(Map<String, ?> before, Map<String, ?> after, Map<String, ?> robustness) {
    requireNonNull(before, "before");
    requireNonNull(after, "after");
    Map<String, ?> rob = robustness == null ? Map.of() : robustness;
    List<Map<String, Object>> checks = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    if (maxForgetRouge < 1) {
      Double v = number(after, "forget_rouge");
      boolean ok = v != null && v <= maxForgetRouge;
      String reason =
          v == null
              ? "forget ROUGE-L could not be computed"
              : String.format(
                  Locale.ROOT,
                  "forget ROUGE-L after %.4f %s maxForgetRouge %.4f",
                  v,
                  ok ? "<=" : ">",
                  maxForgetRouge);
      add(checks, reasons, "maxForgetRouge", ok, v, maxForgetRouge, reason);
    }
    if (minUtilityRatio > 0) {
      ratio(
          checks,
          reasons,
          "minUtilityRatio",
          "model utility",
          number(before, "model_utility"),
          number(after, "model_utility"),
          minUtilityRatio,
          " (configure unlearn.realAuthors and unlearn.worldFacts)");
    }
    if (minRetainRougeRatio > 0) {
      ratio(
          checks,
          reasons,
          "minRetainRougeRatio",
          "retain ROUGE-L",
          number(before, "retain_rouge"),
          number(after, "retain_rouge"),
          minRetainRougeRatio,
          "");
    }
    if (minQuantizationRobustness > 0) {
      Double v = number(rob, "quantization_robustness");
      boolean ok = v != null && v >= minQuantizationRobustness;
      add(
          checks,
          reasons,
          "minQuantizationRobustness",
          ok,
          v,
          minQuantizationRobustness,
          v == null
              ? "quantization robustness could not be computed (no quantization probe ran)"
              : String.format(
                  Locale.ROOT,
                  "quantization robustness Q %.4f %s minQuantizationRobustness %.4f",
                  v,
                  ok ? ">=" : "<",
                  minQuantizationRobustness));
    }
    if (maxQuantizedForgetRougeDelta < 1) {
      Double v = number(rob, "quantized_forget_rouge_delta");
      boolean ok = v != null && v <= maxQuantizedForgetRougeDelta;
      add(
          checks,
          reasons,
          "maxQuantizedForgetRougeDelta",
          ok,
          v,
          maxQuantizedForgetRougeDelta,
          v == null
              ? "quantized forget ROUGE-L could not be computed (no quantization probe ran)"
              : String.format(
                  Locale.ROOT,
                  "forget ROUGE-L gained %.4f when quantized, %s maxQuantizedForgetRougeDelta %.4f",
                  v,
                  ok ? "<=" : ">",
                  maxQuantizedForgetRougeDelta));
    }
    if (maxRelearnedForgetRouge < 1) {
      Double v = number(rob, "relearned_forget_rouge");
      boolean ok = v != null && v <= maxRelearnedForgetRouge;
      add(
          checks,
          reasons,
          "maxRelearnedForgetRouge",
          ok,
          v,
          maxRelearnedForgetRouge,
          v == null
              ? "forget ROUGE-L after relearning could not be computed (no relearning probe ran)"
              : String.format(
                  Locale.ROOT,
                  "held-out forget ROUGE-L after relearning %.4f %s maxRelearnedForgetRouge %.4f",
                  v,
                  ok ? "<=" : ">",
                  maxRelearnedForgetRouge));
    }
    if (minRelearningRobustness > 0) {
      Double v = number(rob, "relearning_robustness");
      boolean ok = v != null && v >= minRelearningRobustness;
      add(
          checks,
          reasons,
          "minRelearningRobustness",
          ok,
          v,
          minRelearningRobustness,
          v == null
              ? "relearning robustness R could not be computed (needs the relearning probe and"
                  + " unlearn.robustness.retainModel)"
              : String.format(
                  Locale.ROOT,
                  "relearning robustness R %.4f %s minRelearningRobustness %.4f",
                  v,
                  ok ? ">=" : "<",
                  minRelearningRobustness));
    }
    return new Decision(reasons.isEmpty(), checks, reasons);
  }

  /** Whether a quantization gate is on. */
  public boolean quantizationGated() {
    return minQuantizationRobustness > 0 || maxQuantizedForgetRougeDelta < 1;
  }

  /** Whether a relearning gate is on. */
  public boolean relearningGated() {
    return maxRelearnedForgetRouge < 1 || minRelearningRobustness > 0;
  }

  private static void ratio(
      List<Map<String, Object>> checks,
      List<String> reasons,
      String gate,
      String what,
      Double before,
      Double after,
      double bound,
      String hint) {
    if (before == null || after == null) {
      add(checks, reasons, gate, false, after, bound, what + " could not be computed" + hint);
      return;
    }
    double need = bound * before;
    boolean ok = after >= need;
    add(
        checks,
        reasons,
        gate,
        ok,
        after,
        bound,
        String.format(
            Locale.ROOT,
            "%s after %.4f %s %.4f (%s %.2f x before %.4f)",
            what,
            after,
            ok ? ">=" : "<",
            need,
            gate,
            bound,
            before));
  }

  private static void add(
      List<Map<String, Object>> checks,
      List<String> reasons,
      String gate,
      boolean ok,
      Double value,
      double bound,
      String reason) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("gate", gate);
    c.put("passed", ok);
    c.put("value", value);
    c.put("bound", bound);
    c.put("reason", reason);
    checks.add(c);
    if (!ok) {
      reasons.add(reason);
    }
  }

  private static Double number(Map<String, ?> m, String key) {
    Object v = m.get(key);
    if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
      return n.doubleValue();
    }
    return null;
  }
}

package dev.lethe.unlearner.robust;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the robustness probes measured ({@code report.json}'s {@code robustness}). A number is null
 * when it could not be measured (gates that require it then fail closed).
 *
 * @param quantization one entry per bit width
 * @param relearning the relearning probe, or null when it did not run
 * @param textProbes the leak of each text-probe family (empty when they did not run)
 * @param seconds wall time of all probes
 */
public record Robustness(
    List<Quantization> quantization,
    Relearning relearning,
    List<TextProbes.FamilyLeak> textProbes,
    double seconds) {

  /** Copies. */
  public Robustness {
    quantization = List.copyOf(quantization);
    textProbes = List.copyOf(textProbes);
  }

  /**
   * One quantized copy of the unlearned model.
   *
   * @param bits the bit width
   * @param weights weights quantized
   * @param forgetRouge forget ROUGE-L of the quantized copy
   * @param forgetProbability forget p̄ of the quantized copy
   * @param forgetRougeDelta quantized − unquantized forget ROUGE-L (positive: knowledge came back)
   * @param robustness Q on forget ROUGE-L ({@link RobustnessScores#quantization})
   * @param probabilityRobustness Q on forget p̄
   */
  public record Quantization(
      int bits,
      long weights,
      Double forgetRouge,
      Double forgetProbability,
      Double forgetRougeDelta,
      Double robustness,
      Double probabilityRobustness) {}

  /**
   * The relearning probe.
   *
   * @param steps attack steps
   * @param learningRate attack learning rate
   * @param relearnQuestions questions fine-tuned on
   * @param heldOutQuestions questions the leak is measured on (disjoint)
   * @param relearnSetOverlap how much the relearning set itself says about the held-out answers,
   *     model-free: mean over held-out answers of the best ROUGE-L recall of any relearning answer
   *     (0: nothing in common; cf. Feng et al. 2025 on minimal information injection)
   * @param forgetRougeBefore the unlearned model's held-out forget ROUGE-L before the attack
   * @param forgetRougeAfter after it (the leak)
   * @param deltaUnlearned after − before
   * @param retainForgetRougeBefore the retain model's held-out ROUGE-L before the same attack, or
   *     null without a retain model
   * @param retainForgetRougeAfter after it: what the relearning set teaches a model that never saw
   *     the forget set
   * @param deltaRetain after − before for the retain model
   * @param robustness R ({@link RobustnessScores#relearning}), null without a retain model
   * @param seed the seed of the split and of the attack's order
   * @param relearned the questions fine-tuned on, in the attack's split order
   * @param heldOut the questions the leak is measured on
   */
  public record Relearning(
      int steps,
      double learningRate,
      int relearnQuestions,
      int heldOutQuestions,
      double relearnSetOverlap,
      Double forgetRougeBefore,
      Double forgetRougeAfter,
      Double deltaUnlearned,
      Double retainForgetRougeBefore,
      Double retainForgetRougeAfter,
      Double deltaRetain,
      Double robustness,
      long seed,
      List<String> relearned,
      List<String> heldOut) {

    /** Copies. */
    public Relearning {
      relearned = List.copyOf(relearned);
      heldOut = List.copyOf(heldOut);
    }

    /**
     * The unlearned model's leak after the attack minus the retain model's after the same attack,
     * or null without a retain model.
     */
    public Double leakOverRetain() {
      return forgetRougeAfter == null || retainForgetRougeAfter == null
          ? null
          : forgetRougeAfter - retainForgetRougeAfter;
    }
  }

  /** The 4-bit entry's (else the narrowest width's) quantization, or null. */
  public Quantization narrowest() {
    Quantization best = null;
    for (Quantization q : quantization) {
      if (best == null || q.bits() < best.bits()) {
        best = q;
      }
    }
    return best;
  }

  /** The JSON object (snake_case keys, nulls kept). */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Map<String, Object>> qs = new ArrayList<>();
    for (Quantization q : quantization) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("bits", q.bits());
      e.put("weights", q.weights());
      e.put("forget_rouge", finite(q.forgetRouge()));
      e.put("forget_probability", finite(q.forgetProbability()));
      e.put("forget_rouge_delta", finite(q.forgetRougeDelta()));
      e.put("quantization_robustness", finite(q.robustness()));
      e.put("quantization_robustness_probability", finite(q.probabilityRobustness()));
      qs.add(Collections.unmodifiableMap(e));
    }
    m.put("quantization", qs);
    Quantization narrow = narrowest();
    m.put("quantization_robustness", narrow == null ? null : finite(narrow.robustness()));
    m.put(
        "quantized_forget_rouge_delta", narrow == null ? null : finite(narrow.forgetRougeDelta()));
    if (relearning == null) {
      m.put("relearning", null);
      m.put("relearning_robustness", null);
      m.put("relearned_forget_rouge", null);
      m.put("relearned_leak_over_retain", null);
    } else {
      Relearning r = relearning;
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("steps", r.steps());
      e.put("lr", r.learningRate());
      e.put("relearn_questions", r.relearnQuestions());
      e.put("held_out_questions", r.heldOutQuestions());
      e.put("relearn_set_overlap", finite(r.relearnSetOverlap()));
      e.put("forget_rouge_before", finite(r.forgetRougeBefore()));
      e.put("forget_rouge_after", finite(r.forgetRougeAfter()));
      e.put("delta_unlearned", finite(r.deltaUnlearned()));
      e.put("retain_model_forget_rouge_before", finite(r.retainForgetRougeBefore()));
      e.put("retain_model_forget_rouge_after", finite(r.retainForgetRougeAfter()));
      e.put("delta_retain", finite(r.deltaRetain()));
      e.put("relearning_robustness", finite(r.robustness()));
      e.put("seed", r.seed());
      e.put("relearned", r.relearned());
      e.put("held_out", r.heldOut());
      m.put("relearning", Collections.unmodifiableMap(e));
      m.put("relearning_robustness", finite(r.robustness()));
      m.put("relearned_forget_rouge", finite(r.forgetRougeAfter()));
      m.put("relearned_leak_over_retain", finite(r.leakOverRetain()));
    }
    if (textProbes.isEmpty()) {
      m.put("text_probes", null);
      m.put("text_probe_max_leak_gain", null);
    } else {
      Map<String, Object> t = new LinkedHashMap<>();
      for (TextProbes.FamilyLeak l : textProbes) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("leak", finite(l.leak()));
        e.put("n", l.probes());
        e.put("skipped_too_long", l.skipped());
        t.put(l.family().key(), Collections.unmodifiableMap(e));
      }
      m.put("text_probes", Collections.unmodifiableMap(t));
      m.put("text_probe_max_leak_gain", finite(TextProbes.maxGain(textProbes)));
    }
    m.put("seconds", seconds);
    return Collections.unmodifiableMap(m);
  }

  private static Double finite(Double v) {
    return v == null || v.isNaN() || v.isInfinite() ? null : v;
  }
}

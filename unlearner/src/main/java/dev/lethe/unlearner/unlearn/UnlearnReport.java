package dev.lethe.unlearner.unlearn;

import static java.util.Objects.requireNonNull;

import dev.lethe.unlearner.eval.TofuReport;
import dev.lethe.unlearner.robust.Robustness;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one {@code lethe unlearn} run (or admin job) did, typed; {@link #toMap()} is {@code
 * report.json}: DESIGN §3.1's {@code {"method", "seconds", "steps", "before", "after"}} plus {@code
 * skipped_steps}, {@code hyperparameters} (one stage: its settings; a pipeline: one object per
 * stage), {@code stages}, {@code retain}, {@code forgetting} (privleak next to forget quality, with
 * an over-/under-forgetting verdict), {@code robustness}, {@code trials}, {@code eval_seconds} and
 * {@code final_loss}.
 *
 * @param method the method, or the stages joined by {@code +} ({@code rmu+npo})
 * @param stages each stage's outcome, in order
 * @param retain how the retain set was selected
 * @param before evaluation before unlearning, or null when skipped
 * @param after evaluation after, or null when skipped
 * @param robustness the robustness probes, or null when not run
 * @param trials the settings tried by a search, in order (empty without a search)
 * @param evalSeconds wall time of the evaluations (robustness probes excluded)
 */
public record UnlearnReport(
    String method,
    List<StageReport> stages,
    RetainSelection retain,
    TofuReport before,
    TofuReport after,
    Robustness robustness,
    List<Map<String, Object>> trials,
    double evalSeconds) {

  /** Validates and copies. */
  public UnlearnReport {
    requireNonNull(method, "method");
    stages = List.copyOf(stages);
    if (stages.isEmpty()) {
      throw new IllegalArgumentException("stages: empty (expected: at least one)");
    }
    requireNonNull(retain, "retain");
    trials = List.copyOf(trials);
  }

  /**
   * One stage of a run.
   *
   * @param method the method's name
   * @param result the loop's result
   * @param hyperparameters the stage's settings as recorded
   */
  public record StageReport(
      String method, Unlearner.Result result, Map<String, Object> hyperparameters) {
    /** Copies. */
    public StageReport {
      requireNonNull(method, "method");
      requireNonNull(result, "result");
      hyperparameters = Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
    }
  }

  /**
   * How the retain pairs were chosen.
   *
   * @param given pairs in the retain file
   * @param used pairs the retain term drew from
   * @param excluded pairs left out because their question is also an evaluation question (retain,
   *     real authors, world facts, forget)
   * @param policy the policy applied
   */
  public record RetainSelection(int given, int used, int excluded, RetainPolicy policy) {
    /** Validates. */
    public RetainSelection {
      requireNonNull(policy, "policy");
    }
  }

  /** The unlearning loops' wall time, all stages. */
  public double seconds() {
    double s = 0;
    for (StageReport st : stages) {
      s += st.result().seconds();
    }
    return s;
  }

  /** Optimizer steps, all stages. */
  public int steps() {
    int n = 0;
    for (StageReport st : stages) {
      n += st.result().steps();
    }
    return n;
  }

  /** Skipped steps, all stages. */
  public int skippedSteps() {
    int n = 0;
    for (StageReport st : stages) {
      n += st.result().skippedSteps();
    }
    return n;
  }

  /** The last stage's final loss, or null when not finite. */
  public Double finalLoss() {
    double v = stages.get(stages.size() - 1).result().lastLoss();
    return Double.isFinite(v) ? v : null;
  }

  /** Privleak beyond which the report flags over- or under-forgetting, in percent. */
  public static final double PRIVLEAK_BAND = 20;

  /**
   * Over-forgetting is as detectable as under-forgetting: with the retain model's MIA AUC as
   * reference (a run with {@code --reference}), privleak above +{@value #PRIVLEAK_BAND}% means the
   * forget answers are now <em>less</em> likely than never-seen ones (a "was unlearned" signature),
   * below −{@value #PRIVLEAK_BAND}% that they are still recognisably trained on. Null without
   * evaluation or without a reference.
   */
  static Map<String, Object> forgetting(TofuReport after) {
    if (after == null || after.privleak() == null || after.forgetQuality() == null) {
      return null;
    }
    double p = after.privleak();
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("privleak", p);
    f.put("forget_quality", after.forgetQuality());
    f.put(
        "verdict",
        p > PRIVLEAK_BAND ? "over-forgetting" : p < -PRIVLEAK_BAND ? "under-forgetting" : "within");
    return Collections.unmodifiableMap(f);
  }

  /** The JSON object of {@code report.json}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", method);
    m.put("seconds", seconds());
    m.put("steps", steps());
    m.put("skipped_steps", skippedSteps());
    if (stages.size() == 1) {
      m.put("hyperparameters", stages.get(0).hyperparameters());
    } else {
      List<Map<String, Object>> hs = new ArrayList<>();
      for (StageReport st : stages) {
        hs.add(st.hyperparameters());
      }
      m.put("hyperparameters", hs);
    }
    List<Map<String, Object>> ss = new ArrayList<>();
    for (StageReport st : stages) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("method", st.method());
      s.put("seconds", st.result().seconds());
      s.put("steps", st.result().steps());
      s.put("skipped_steps", st.result().skippedSteps());
      s.put("projected_steps", st.result().projectedSteps());
      double loss = st.result().lastLoss();
      s.put("final_loss", Double.isFinite(loss) ? loss : null);
      ss.add(Collections.unmodifiableMap(s));
    }
    m.put("stages", ss);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("given", retain.given());
    r.put("used", retain.used());
    r.put("excluded_eval_questions", retain.excluded());
    r.put("policy", retain.policy().name().toLowerCase(java.util.Locale.ROOT));
    m.put("retain", r);
    m.put("before", before == null ? null : before.toMap());
    m.put("after", after == null ? null : after.toMap());
    m.put("forgetting", forgetting(after));
    m.put("robustness", robustness == null ? null : robustness.toMap());
    m.put("trials", trials);
    m.put("eval_seconds", evalSeconds);
    m.put("final_loss", finalLoss());
    return Collections.unmodifiableMap(m);
  }
}

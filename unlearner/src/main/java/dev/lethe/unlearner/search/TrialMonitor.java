package dev.lethe.unlearner.search;

import static java.util.Objects.requireNonNull;

import dev.lethe.unlearner.eval.TofuReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One trial's validation checks, without the model: when the next check is due (every {@link
 * SearchBudget#checkEvery()} steps, after every step once the last check was {@linkplain
 * Goal#withinReach within reach} of the goal, and at the trial's end), what each check decides
 * (stop at the first that meets the goal, at the first that breaks a utility bound, or at the first
 * after the search's time cap has passed) and which check is the trial's best so far. {@link
 * TargetSearch} feeds it the validation reports of a real run; tests feed it hand-made score
 * sequences.
 */
final class TrialMonitor {
  /** How a trial ended. */
  enum Outcome {
    /** A check met every bound: the search ends. */
    MET,
    /** A check broke a utility bound: a later trial must not use a higher learning rate. */
    BROKE_UTILITY,
    /** The trial ran all its steps, keeping utility, without meeting the goal: too gentle. */
    TOO_SLOW,
    /**
     * The search's time cap passed during the trial, which then ended at its next check, keeping
     * utility without meeting the goal: the search ends.
     */
    TIME_CAP
  }

  /**
   * What one check decided.
   *
   * @param newBest this check is the trial's best so far (keep its weights)
   * @param stop the trial ends here
   */
  record Verdict(boolean newBest, boolean stop) {}

  private final Goal goal;
  private final TofuReport start;
  private final SearchBudget budget;
  private final List<Check> checks = new ArrayList<>();
  private boolean near;
  private boolean cooledForget;
  private boolean cooledForgetHalf;
  private boolean cooledUtility;
  private Check best;
  private Outcome outcome = Outcome.TOO_SLOW;

  TrialMonitor(Goal goal, TofuReport start, SearchBudget budget) {
    this.goal = requireNonNull(goal, "goal");
    this.start = requireNonNull(start, "start");
    this.budget = requireNonNull(budget, "budget");
  }

  /** Whether the validation set is to be checked after {@code step} of {@code total}. */
  boolean due(int step, int total) {
    return step == total || near || step % budget.checkEvery() == 0;
  }

  /** Records the check after {@code step}, on validation report {@code r}. */
  Verdict observe(int step, TofuReport r) {
    List<String> misses = goal.misses(r, start);
    boolean keeps = goal.keepsUtility(r, start);
    Check check = new Check(step, r, misses, keeps, near);
    checks.add(check);
    boolean newBest = check.betterThan(best);
    if (newBest) {
      best = check;
    }
    near = goal.withinReach(r, start, budget.denseReach());
    if (budget.coolReach() > 0) {
      cooledForget |= goal.forgetWithin(r, start, budget.coolReach());
      cooledForgetHalf |= goal.forgetWithin(r, start, budget.coolReach() / 2);
      cooledUtility |= goal.utilityHalfUsed(r, start);
    }
    if (misses.isEmpty()) {
      outcome = Outcome.MET;
      return new Verdict(newBest, true);
    }
    if (!keeps) {
      outcome = Outcome.BROKE_UTILITY;
      return new Verdict(newBest, true);
    }
    return new Verdict(newBest, false);
  }

  /**
   * As {@link #due(int, int)}, and always once the search's time cap has passed ({@code
   * capPassed}): the step that ends the trial gets a check.
   */
  boolean due(int step, int total, boolean capPassed) {
    return capPassed || due(step, total);
  }

  /**
   * As {@link #observe(int, TofuReport)}; once the search's time cap has passed ({@code capPassed})
   * a check that neither met the goal nor broke a utility bound also ends the trial, with {@link
   * Outcome#TIME_CAP}.
   */
  Verdict observe(int step, TofuReport r, boolean capPassed) {
    Verdict v = observe(step, r);
    if (capPassed && !v.stop()) {
      outcome = Outcome.TIME_CAP;
      return new Verdict(v.newBest(), true);
    }
    return v;
  }

  /** Smallest factor {@link #lrScale()} goes down to. */
  static final double MIN_LR_SCALE = 0.125;

  /**
   * The factor on the learning rate for the next steps: 1 until a check comes within {@link
   * SearchBudget#coolReach()} of the forget bound, then halved for that, again for a check within
   * half that reach, and again once a check has used half the room of a utility bound; at least
   * {@link #MIN_LR_SCALE}. It never rises again within a trial. Always 1 with cooling off.
   */
  double lrScale() {
    int halvings = (cooledForget ? 1 : 0) + (cooledForgetHalf ? 1 : 0) + (cooledUtility ? 1 : 0);
    return Math.max(MIN_LR_SCALE, Math.pow(0.5, halvings));
  }

  /** The checks so far, in order. */
  List<Check> checks() {
    return List.copyOf(checks);
  }

  /** The latest check, or null before the first. */
  Check last() {
    return checks.isEmpty() ? null : checks.get(checks.size() - 1);
  }

  /** The best check so far, or null before the first. */
  Check best() {
    return best;
  }

  /** How the trial ended (until a check says otherwise: {@link Outcome#TOO_SLOW}). */
  Outcome outcome() {
    return outcome;
  }

  /**
   * One validation check.
   *
   * @param step the step after which it ran
   * @param report the validation figures
   * @param misses the bounds it missed (empty: met)
   * @param keepsUtility whether it kept the utility bounds
   * @param dense whether it ran because the previous check was within reach (off the coarse grid)
   */
  record Check(
      int step, TofuReport report, List<String> misses, boolean keepsUtility, boolean dense) {
    Check {
      misses = List.copyOf(misses);
    }

    /**
     * Better: keeps the utility bounds, then misses fewer bounds, then lower forget ROUGE-L (a
     * check that meets every bound thus beats every check that does not).
     */
    boolean betterThan(Check other) {
      if (other == null) {
        return true;
      }
      if (keepsUtility != other.keepsUtility) {
        return keepsUtility;
      }
      if (misses.size() != other.misses.size()) {
        return misses.size() < other.misses.size();
      }
      double a = report.forgetRouge() == null ? 1 : report.forgetRouge();
      double b = other.report.forgetRouge() == null ? 1 : other.report.forgetRouge();
      return a < b;
    }

    /** The figures a check records of {@code r}: ROUGE-L, answer probabilities, FQ, utility. */
    static Map<String, Object> figures(TofuReport r) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("forget_rouge", r.forgetRouge());
      m.put("retain_rouge", r.retainRouge());
      m.put("forget_probability", r.forgetProbability());
      m.put("retain_probability", r.retainProbability());
      m.put("forget_quality", r.forgetQuality());
      m.put("model_utility", r.modelUtility());
      return m;
    }

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("step", step);
      m.putAll(figures(report));
      m.put("met", misses.isEmpty());
      m.put("misses", misses);
      m.put("dense", dense);
      return m;
    }
  }
}

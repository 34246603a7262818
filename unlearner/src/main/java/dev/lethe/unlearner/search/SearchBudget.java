package dev.lethe.unlearner.search;

import dev.lethe.config.ConfigException;

/**
 * How much a search may spend, and how densely it looks.
 *
 * <p>The budget is counted in trials, each of a planned number of optimizer steps, so a search's
 * outcome does not depend on how loaded the machine is; {@code maxSeconds} is only a safety net (no
 * new trial starts after it, and the report says when it cut the search short).
 *
 * @param maxTrials trials at most, ≥ 1
 * @param maxSeconds wall time after which no new trial starts and a running one ends at its next
 *     step, &gt; 0 (a safety net)
 * @param checkEvery validation checks every this many steps of a trial (and at its end), ≥ 1
 * @param denseReach once a check is within this factor of the goal's forget bound (e.g. 3: forget
 *     ROUGE-L ≤ 4 × the bound), or its retain ratio has used half the room to its bound, the
 *     validation set is checked after every step, so a stop lands inside a short window in which
 *     every bound holds; 0 turns dense checks off, else ≥ 1
 * @param stopAtBreak a trial that breaks a utility bound ends the search (its best check, the last
 *     that kept the bounds, is then the candidate) instead of a gentler trial following it; a break
 *     before any check of the search kept the bounds is followed by a gentler trial all the same
 * @param coolReach once a check's forget score is within this factor of the goal's forget bound,
 *     the trial's learning rate is halved, and halved again within half that factor and once the
 *     retain ratio has used half its room (at most to 1/8), so the steps near the goal are small
 *     enough that one step cannot jump from "not forgotten" to "utility broken"; 0 turns it off,
 *     else ≥ 1
 */
public record SearchBudget(
    int maxTrials,
    double maxSeconds,
    int checkEvery,
    double denseReach,
    boolean stopAtBreak,
    double coolReach) {
  /** The reach at which checks become dense unless told otherwise. */
  public static final double DEFAULT_DENSE_REACH = 4;

  /** Validates. */
  public SearchBudget {
    if (maxTrials < 1 || maxTrials > 1000) {
      throw new ConfigException("budget_trials", maxTrials, "1..1000");
    }
    if (!(maxSeconds > 0)) {
      throw new ConfigException("budget_seconds", maxSeconds, "> 0");
    }
    if (checkEvery < 1) {
      throw new ConfigException("check_every", checkEvery, ">= 1");
    }
    if (!(denseReach == 0 || (denseReach >= 1 && denseReach <= 100))) {
      throw new ConfigException("dense_reach", denseReach, "0 (off) or 1..100");
    }
    if (!(coolReach == 0 || (coolReach >= 1 && coolReach <= 100))) {
      throw new ConfigException("cool_reach", coolReach, "0 (off) or 1..100");
    }
  }

  /** A budget without learning-rate cooling near the goal. */
  public SearchBudget(
      int maxTrials, double maxSeconds, int checkEvery, double denseReach, boolean stopAtBreak) {
    this(maxTrials, maxSeconds, checkEvery, denseReach, stopAtBreak, 0);
  }

  /** This budget with {@code coolReach} replaced. */
  public SearchBudget withCoolReach(double reach) {
    return new SearchBudget(maxTrials, maxSeconds, checkEvery, denseReach, stopAtBreak, reach);
  }

  /** This budget with {@code denseReach} replaced. */
  public SearchBudget withDenseReach(double reach) {
    return new SearchBudget(maxTrials, maxSeconds, checkEvery, reach, stopAtBreak, coolReach);
  }

  /** This budget with {@code stopAtBreak} replaced. */
  public SearchBudget withStopAtBreak(boolean stop) {
    return new SearchBudget(maxTrials, maxSeconds, checkEvery, denseReach, stop, coolReach);
  }

  /** A budget with dense checks at {@link #DEFAULT_DENSE_REACH}, trying on after a break. */
  public SearchBudget(int maxTrials, double maxSeconds, int checkEvery) {
    this(maxTrials, maxSeconds, checkEvery, DEFAULT_DENSE_REACH, false);
  }

  /** A budget that tries on after a break. */
  public SearchBudget(int maxTrials, double maxSeconds, int checkEvery, double denseReach) {
    this(maxTrials, maxSeconds, checkEvery, denseReach, false);
  }
}

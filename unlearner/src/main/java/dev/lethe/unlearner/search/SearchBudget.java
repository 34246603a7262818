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
 * @param maxSeconds wall time after which no new trial starts, &gt; 0 (a safety net)
 * @param checkEvery validation checks every this many steps of a trial (and at its end), ≥ 1
 * @param denseReach once a check is within this factor of the goal's forget bound (e.g. 3: forget
 *     ROUGE-L ≤ 4 × the bound), or its retain ratio has used half the room to its bound, the
 *     validation set is checked after every step, so a stop lands inside a short window in which
 *     every bound holds; 0 turns dense checks off, else ≥ 1
 * @param stopAtBreak a trial that breaks a utility bound ends the search (its best check, the last
 *     that kept the bounds, is then the candidate) instead of a gentler trial following it
 */
public record SearchBudget(
    int maxTrials, double maxSeconds, int checkEvery, double denseReach, boolean stopAtBreak) {
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

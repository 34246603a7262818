package dev.lethe.unlearner.search;

import dev.lethe.config.ConfigException;

/**
 * How much a search may spend.
 *
 * @param maxTrials trials at most, ≥ 1
 * @param maxSeconds wall time after which no new trial starts, &gt; 0
 * @param checkEvery validation checks every this many steps of a trial (and at its end), ≥ 1
 */
public record SearchBudget(int maxTrials, double maxSeconds, int checkEvery) {
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
  }
}

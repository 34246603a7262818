package dev.lethe.unlearner.search;

/**
 * The learning rates a search's trials use, bracketing: the first trial runs the given rate; after
 * a trial that was too gentle (ran out of steps keeping utility, goal not met) the next doubles the
 * highest such rate, after one that broke a utility bound it halves the lowest such rate, and once
 * both are known it takes their geometric mean. So the learning rate is never raised to or past one
 * that broke utility (a steeper step only breaks it sooner), and a lower rate gets proportionally
 * more steps ({@link #stepFactor}), up to {@value #MAX_STEP_FACTOR}×, to cover the same distance in
 * smaller moves.
 */
final class LrBracket {
  /** The most a trial's planned steps are stretched at a lower learning rate. */
  static final double MAX_STEP_FACTOR = 4;

  private final double base;
  private double slow = Double.NaN;
  private double broke = Double.NaN;

  LrBracket(double base) {
    if (!(base > 0)) {
      throw new IllegalArgumentException("base lr " + base);
    }
    this.base = base;
  }

  /** The next trial's learning rate. */
  double next() {
    boolean s = !Double.isNaN(slow);
    boolean b = !Double.isNaN(broke);
    if (s && b) {
      return Math.sqrt(slow * broke);
    }
    if (b) {
      return broke / 2;
    }
    if (s) {
      return slow * 2;
    }
    return base;
  }

  /** Records how a trial at {@code lr} ended. */
  void record(double lr, TrialMonitor.Outcome outcome) {
    switch (outcome) {
      case TOO_SLOW -> slow = Double.isNaN(slow) ? lr : Math.max(slow, lr);
      case BROKE_UTILITY -> broke = Double.isNaN(broke) ? lr : Math.min(broke, lr);
      case MET, TIME_CAP -> {}
    }
  }

  /** How many times the base trial's steps a trial at {@code lr} plans: base / lr, 1..4. */
  double stepFactor(double lr) {
    return Math.max(1, Math.min(MAX_STEP_FACTOR, base / lr));
  }
}

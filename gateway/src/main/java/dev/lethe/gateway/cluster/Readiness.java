package dev.lethe.gateway.cluster;

import static java.util.Objects.requireNonNull;

/**
 * What {@code GET /ready} reports about the rules.
 *
 * @param state ready, degraded (serving, with a reason operators should see) or not ready
 * @param reason why the state is not {@link State#READY}, or {@code null}
 */
public record Readiness(State state, String reason) {
  private static final Readiness READY = new Readiness(State.READY, null);

  /** Checks arguments. */
  public Readiness {
    requireNonNull(state, "state");
    if (state != State.READY) {
      requireNonNull(reason, "reason");
    }
  }

  /** Ready, nothing to report. */
  public static Readiness ready() {
    return READY;
  }

  /** The readiness states. */
  public enum State {
    /** Enforcing the latest rules it knows of, store reachable. */
    READY,
    /** Serving with its last snapshot, but something is wrong (store unreachable, override). */
    DEGRADED,
    /** Must not get traffic (a committed change it cannot apply). */
    NOT_READY
  }
}

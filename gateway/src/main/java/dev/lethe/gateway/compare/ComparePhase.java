package dev.lethe.gateway.compare;

import java.util.Locale;

/** What a running compare job is doing now, shown in its {@code progress.phase}. */
public enum ComparePhase {
  /** Accepted, waiting for the worker. */
  QUEUED,
  /** Preparing: loading models, installing rules, starting the gateway. */
  STARTING,
  /** Running the in-run unlearning recipe for the weights arms. */
  UNLEARNING,
  /** Sending the probes of an arm. */
  PROBING,
  /** Finished (successfully or not; the job's {@code state} says which). */
  DONE;

  /** The lower-case name used in JSON. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

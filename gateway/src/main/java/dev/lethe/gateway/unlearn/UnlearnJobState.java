package dev.lethe.gateway.unlearn;

import java.util.Locale;
import java.util.Optional;

/**
 * The states of an unlearning job started from the admin API. The JSON of a job ({@code GET
 * /admin/unlearn/{job}}) carries the {@linkplain #wireName() lower-case name}; this is the one
 * place that maps between the two.
 */
public enum UnlearnJobState {
  /** Accepted, waiting for the worker. */
  QUEUED,
  /** Loading the checkpoint or running the unlearning loop. */
  RUNNING,
  /** Evaluating, probing robustness, saving, checking the gates or swapping. */
  EVALUATING,
  /** The gates passed and the new checkpoint serves. */
  SUCCEEDED,
  /** Ended without a swap: a gate failed, the loader refused the checkpoint or it changed. */
  REFUSED,
  /** Stopped by an error (see the job's {@code reason}). */
  FAILED;

  /** The lower-case name used in JSON and in the {@code state} tag of metrics. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the job has not ended yet (a restart marks such a job failed). */
  public boolean live() {
    return this == QUEUED || this == RUNNING || this == EVALUATING;
  }

  /** The state of a wire name, if it is one. */
  public static Optional<UnlearnJobState> fromWire(String name) {
    for (UnlearnJobState s : values()) {
      if (s.wireName().equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}

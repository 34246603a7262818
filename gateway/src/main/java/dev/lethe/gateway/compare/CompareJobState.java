package dev.lethe.gateway.compare;

import java.util.Locale;

/** The states of a compare job started from the admin API. */
public enum CompareJobState {
  /** Accepted, waiting for the worker. */
  QUEUED,
  /** Running its arms. */
  RUNNING,
  /** Finished: the report is written. */
  SUCCEEDED,
  /** Stopped by an error (see the job's {@code error}). */
  FAILED;

  /** The lower-case name used in JSON. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the job has ended. */
  public boolean terminal() {
    return this == SUCCEEDED || this == FAILED;
  }
}

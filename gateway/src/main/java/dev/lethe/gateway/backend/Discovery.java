package dev.lethe.gateway.backend;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * How a backend's model discovery went: the state, and for a failure the reason (for logs, {@code
 * GET /ready} and the error a client gets for a model the gateway could not list).
 *
 * @param state the outcome of the last attempt
 * @param reason why it failed, or {@code null}
 * @param at when the last attempt ended, or {@code null} before any
 */
public record Discovery(State state, String reason, Instant at) {

  /** The outcome of model discovery. */
  public enum State {
    /** The backend has a fixed model list: nothing to discover. */
    NOT_NEEDED,
    /** No attempt has finished yet. */
    PENDING,
    /** The last attempt listed the backend's models. */
    OK,
    /** The last attempt failed; the backend keeps the models it last knew (maybe none). */
    FAILED
  }

  /** Checks arguments. */
  public Discovery {
    requireNonNull(state, "state");
  }

  /** A backend with a fixed model list. */
  public static Discovery notNeeded() {
    return new Discovery(State.NOT_NEEDED, null, null);
  }

  /** Whether the backend's model list may be incomplete (discovery pending or failed). */
  public boolean incomplete() {
    return state == State.PENDING || state == State.FAILED;
  }
}

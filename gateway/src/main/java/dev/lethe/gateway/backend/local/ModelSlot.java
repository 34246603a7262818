package dev.lethe.gateway.backend.local;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One served model name and the checkpoint currently behind it. The current {@link LoadedModel} is
 * replaced atomically by {@link #install}; generations {@linkplain #acquire() acquire} the model
 * they start on and keep it to their end, so a swap never changes weights under a running request.
 */
public final class ModelSlot {
  /** Swap history entries kept per model. */
  static final int HISTORY = 50;

  /** Where a slot stands. */
  public enum State {
    /** The first checkpoint is being loaded. */
    LOADING,
    /** A checkpoint serves requests. */
    READY,
    /** No checkpoint could be loaded; requests fail. */
    FAILED,
    /** The backend was closed. */
    CLOSED
  }

  /**
   * Where one swap stands; {@code swaps[].state} in the JSON of {@code /admin/models} carries the
   * {@linkplain #wireName() lower-case name}, mapped here only.
   */
  public enum SwapState {
    /** The checkpoint is being loaded and validated. */
    LOADING,
    /** It serves requests now. */
    ACTIVE,
    /** It served, and was replaced since. */
    RETIRED,
    /** It was not installed (see the swap's reason); the previous checkpoint keeps serving. */
    REFUSED;

    /** The lower-case name used in JSON. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /**
   * One attempt to put a checkpoint behind the model.
   *
   * @param id the swap id
   * @param path the requested directory, absolute
   * @param state where it stands
   * @param requestedAt when it was asked for
   * @param finishedAt when loading ended, or {@code null} while loading
   * @param loadMillis how long loading and validation took, or -1 while loading
   * @param reason why it was refused, or {@code null}
   */
  public record Swap(
      String id,
      Path path,
      SwapState state,
      Instant requestedAt,
      Instant finishedAt,
      long loadMillis,
      String reason) {
    Swap finish(SwapState newState, Instant at, String why) {
      return new Swap(
          id,
          path,
          newState,
          requestedAt,
          at,
          Math.max(0, at.toEpochMilli() - requestedAt.toEpochMilli()),
          why);
    }

    Swap withState(SwapState newState) {
      return new Swap(id, path, newState, requestedAt, finishedAt, loadMillis, reason);
    }
  }

  private final String model;
  private final AtomicReference<LoadedModel> current = new AtomicReference<>();
  private final Deque<Swap> history = new ArrayDeque<>();
  private volatile State state = State.LOADING;
  private volatile String failure;
  private Swap pending;

  /** An empty slot for {@code model}. */
  public ModelSlot(String model) {
    this.model = requireNonNull(model, "model");
  }

  /** The served model name. */
  public String model() {
    return model;
  }

  /** Where the slot stands. */
  public State state() {
    return state;
  }

  /** Why the first load failed ({@link State#FAILED}), else {@code null}. */
  public String failure() {
    return failure;
  }

  /** The checkpoint serving now, or {@code null} (no reference is taken). */
  public LoadedModel current() {
    return current.get();
  }

  /**
   * The current model with a reference taken, or {@code null} when none is loaded. The caller must
   * {@link LoadedModel#release()} it.
   */
  public LoadedModel acquire() {
    while (true) {
      LoadedModel m = current.get();
      if (m == null) {
        return null;
      }
      if (m.acquire()) {
        return m;
      }
      // retired between get and acquire: a newer one is installed, read again
    }
  }

  /** Swap history, newest first. */
  public synchronized List<Swap> history() {
    return new ArrayList<>(history);
  }

  /** The swap in progress, or {@code null}. */
  public synchronized Swap pending() {
    return pending;
  }

  /**
   * Records the start of a swap.
   *
   * @return the swap, or {@code null} when one is already in progress
   */
  synchronized Swap begin(String id, Path path, Instant now) {
    if (pending != null || state == State.CLOSED) {
      return null;
    }
    pending = new Swap(id, path, SwapState.LOADING, now, null, -1, null);
    return pending;
  }

  /** Installs {@code loaded} atomically and retires the previous model. */
  synchronized Swap install(LoadedModel loaded, Instant now) {
    if (state == State.CLOSED) {
      loaded.retire();
      return finish(pending.finish(SwapState.REFUSED, now, "the backend was closed"));
    }
    LoadedModel old = current.getAndSet(loaded);
    state = State.READY;
    failure = null;
    List<Swap> marked = new ArrayList<>(history.size());
    for (Swap s : history) {
      marked.add(s.state() == SwapState.ACTIVE ? s.withState(SwapState.RETIRED) : s);
    }
    history.clear();
    history.addAll(marked);
    Swap done = finish(pending.finish(SwapState.ACTIVE, now, null));
    if (old != null) {
      old.retire();
    }
    return done;
  }

  /** Records a refused swap; the current model keeps serving. */
  synchronized Swap refuse(String reason, Instant now) {
    if (current.get() == null && state == State.LOADING) {
      state = State.FAILED;
      failure = reason;
    }
    return finish(pending.finish(SwapState.REFUSED, now, reason));
  }

  /**
   * Refuses {@code begun} if it is still the swap in progress (a failure after which the loader
   * could not tell whether the slot was released); otherwise returns the slot's latest record of
   * it.
   */
  synchronized Swap refuseIfPending(Swap begun, String reason, Instant now) {
    if (pending != null && pending.id().equals(begun.id())) {
      return refuse(reason, now);
    }
    for (Swap s : history) {
      if (s.id().equals(begun.id())) {
        return s;
      }
    }
    return begun.finish(SwapState.REFUSED, now, reason);
  }

  private Swap finish(Swap s) {
    pending = null;
    history.addFirst(s);
    while (history.size() > HISTORY) {
      history.pollLast();
    }
    return s;
  }

  /** Retires the current model; later acquisitions get {@code null}. */
  synchronized void close() {
    state = State.CLOSED;
    LoadedModel old = current.getAndSet(null);
    if (old != null) {
      old.retire();
    }
  }
}

package dev.lethe.config.rules;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live rules: the current immutable {@link RuleSet} snapshot, and the only way to change it.
 *
 * <p>Reads ({@link #current()}) never block: they read an {@link AtomicReference}. Writes are
 * serialised by a lock; each one
 *
 * <ol>
 *   <li>checks its precondition against the current snapshot (not found, conflict),
 *   <li>computes snapshot N+1 and persists the change through the {@link RuleStore}, which returns
 *       only once it is durable,
 *   <li>lets every {@link RuleSetListener} prepare for N+1,
 *   <li>publishes N+1 (the atomic swap), notifies listeners, and returns N+1.
 * </ol>
 *
 * <p>Read-your-writes (DESIGN.md §3.3): once a write has returned version N, {@link #current()}
 * returns a snapshot of version ≥ N to every caller. A write that throws changed nothing visible.
 *
 * <p>Writes block on disk IO (an fsync each): call them from worker threads, never from an event
 * loop. The book owns its store and closes it in {@link #close()}.
 */
public final class RuleBook implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RuleBook.class);

  /** Writes that lose a race with another replica this many times in a row give up. */
  private static final int MAX_WRITE_ATTEMPTS = 64;

  /** Bound on store reads in one catch-up (each returns a store-chosen batch). */
  private static final int MAX_CATCH_UP_ROUNDS = 10_000;

  private final RuleStore store;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final AtomicReference<RuleSet> current;
  private final List<RuleSetListener> listeners = new CopyOnWriteArrayList<>();

  /**
   * Opens a book on {@code store}, starting from the rules it holds.
   *
   * @throws RuleStoreException when the store cannot load its rules
   */
  public RuleBook(RuleStore store) {
    this.store = requireNonNull(store, "store");
    this.current = new AtomicReference<>(requireNonNull(store.load(), "store.load()"));
  }

  /** The snapshot to judge a request by. Never blocks. */
  public RuleSet current() {
    return current.get();
  }

  /**
   * Adds a rule.
   *
   * @return the new version
   * @throws RuleConflictException when a rule with the same id exists
   * @throws dev.lethe.config.ConfigException when the rule breaks the format's structural rules
   *     (see {@link RuleCodec#checkStorable})
   * @throws RuleStoreException when the change could not be persisted (nothing was published)
   */
  public long create(ForgetRule rule) {
    requireNonNull(rule, "rule");
    return write(
        prev -> {
          if (prev.rule(rule.id()).isPresent()) {
            throw new RuleConflictException(rule.id());
          }
          return new RuleChange.Put(List.of(rule));
        });
  }

  /**
   * Replaces the rule with {@code rule.id()}, keeping its place in the order.
   *
   * @return the new version
   * @throws RuleNotFoundException when no rule has that id
   * @throws RuleStoreException when the change could not be persisted (nothing was published)
   */
  public long replace(ForgetRule rule) {
    requireNonNull(rule, "rule");
    return write(
        prev -> {
          if (prev.rule(rule.id()).isEmpty()) {
            throw new RuleNotFoundException(rule.id());
          }
          return new RuleChange.Put(List.of(rule));
        });
  }

  /**
   * Deletes the rule with {@code id}.
   *
   * @return the new version
   * @throws RuleNotFoundException when no rule has that id
   * @throws RuleStoreException when the change could not be persisted (nothing was published)
   */
  public long delete(String id) {
    requireNonNull(id, "id");
    return write(
        prev -> {
          if (prev.rule(id).isEmpty()) {
            throw new RuleNotFoundException(id);
          }
          return new RuleChange.Delete(id);
        });
  }

  /**
   * Imports a batch of rules as one new version: all of them become visible at once, or none.
   *
   * @param rules the rules, ids unique (as {@link RuleCodec#decodeLines} guarantees)
   * @param mode merge with the existing rules, or replace them all
   * @return the new version
   * @throws IllegalArgumentException when {@code rules} holds an id twice, or is empty in {@link
   *     ImportMode#MERGE} mode
   * @throws RuleStoreException when the change could not be persisted (nothing was published)
   */
  public long importRules(List<ForgetRule> rules, ImportMode mode) {
    requireNonNull(rules, "rules");
    requireNonNull(mode, "mode");
    RuleChange change =
        switch (mode) {
          case MERGE -> new RuleChange.Put(rules);
          case REPLACE -> new RuleChange.ReplaceAll(rules);
        };
    return write(prev -> change);
  }

  /**
   * Applies the changes other writers committed to a shared store since {@link #current()}, in
   * version order, each one published like a local write (listeners prepare, then the swap). Stops
   * at the first change it cannot apply, keeping every version before it.
   *
   * @return the version now current
   * @throws RuleApplyException when a committed change is missing (a gap) or cannot be applied; the
   *     versions before it are published
   * @throws RuleStoreException when the store cannot be read
   */
  public long catchUp() {
    writeLock.lock();
    try {
      return catchUpLocked();
    } finally {
      writeLock.unlock();
    }
  }

  private long catchUpLocked() {
    for (int round = 0; round < MAX_CATCH_UP_ROUNDS; round++) {
      RuleSet prev = current.get();
      List<CommittedChange> changes = store.changesSince(prev.version());
      if (changes.isEmpty()) {
        return prev.version();
      }
      for (CommittedChange c : changes) {
        prev = current.get();
        if (c.version() <= prev.version()) {
          continue;
        }
        if (c.version() != prev.version() + 1) {
          throw new RuleApplyException(
              prev.version() + 1,
              "the store returned version "
                  + c.version()
                  + " after "
                  + prev.version()
                  + "; version "
                  + (prev.version() + 1)
                  + " is missing from its log");
        }
        RuleSet next;
        try {
          checkStorable(c.change());
          next = prev.apply(c.change());
        } catch (RuntimeException e) {
          throw new RuleApplyException(c.version(), String.valueOf(e.getMessage()));
        }
        publish(prev, next, c.change());
      }
    }
    return current.get().version();
  }

  /**
   * Registers a listener. Under the write lock, {@link RuleSetListener#published} is called at once
   * with the current snapshot, so the listener misses no version from then on (a listener that
   * builds its initial state there delays writes meanwhile, not reads).
   *
   * @return a handle whose {@code close()} unregisters the listener
   */
  public AutoCloseable addListener(RuleSetListener listener) {
    requireNonNull(listener, "listener");
    writeLock.lock();
    try {
      listeners.add(listener);
      listener.published(current.get());
    } finally {
      writeLock.unlock();
    }
    return () -> listeners.remove(listener);
  }

  /** Closes the store. Writes after this fail; {@link #current()} still answers. */
  @Override
  public void close() {
    writeLock.lock();
    try {
      store.close();
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * One write: under the lock, plans the change against the current snapshot, persists and
   * publishes it. When a shared store reports that another writer got there first, catches up and
   * plans again (the precondition is checked against the newer rules).
   */
  private long write(java.util.function.Function<RuleSet, RuleChange> plan) {
    writeLock.lock();
    try {
      for (int attempt = 1; ; attempt++) {
        RuleSet prev = current.get();
        RuleChange change = plan.apply(prev);
        try {
          return commit(prev, change);
        } catch (RuleStoreBehindException e) {
          if (attempt >= MAX_WRITE_ATTEMPTS) {
            throw e;
          }
          catchUpLocked();
          backOff(attempt);
        }
      }
    } finally {
      writeLock.unlock();
    }
  }

  /** A short random pause so that replicas racing for the same version stop colliding. */
  private static void backOff(int attempt) {
    long maxMillis = Math.min(50, 2L * attempt);
    try {
      Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(maxMillis + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuleStoreException("interrupted while retrying a write", e);
    }
  }

  private static void checkStorable(RuleChange change) {
    switch (change) {
      case RuleChange.Put put -> put.rules().forEach(RuleCodec::checkStorable);
      case RuleChange.ReplaceAll all -> all.rules().forEach(RuleCodec::checkStorable);
      case RuleChange.Delete delete -> {}
    }
  }

  private long commit(RuleSet prev, RuleChange change) {
    checkStorable(change);
    RuleSet next = prev.apply(change);
    store.append(change, next);
    publish(prev, next, change);
    return next.version();
  }

  private void publish(RuleSet prev, RuleSet next, RuleChange change) {
    for (RuleSetListener l : listeners) {
      try {
        l.prepare(prev, next, change);
      } catch (RuntimeException e) {
        LOG.warn("rule listener {} failed to prepare version {}", l, next.version(), e);
      }
    }
    current.set(next);
    for (RuleSetListener l : listeners) {
      try {
        l.published(next);
      } catch (RuntimeException e) {
        LOG.warn("rule listener {} failed on publication of version {}", l, next.version(), e);
      }
    }
  }
}

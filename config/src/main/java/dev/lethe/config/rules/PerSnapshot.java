package dev.lethe.config.rules;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * State derived from a rule-set snapshot (a detector index, compiled output patterns, in-context
 * unlearning entries), kept for the newest few snapshots: the one mechanism every component that
 * derives per-snapshot state uses.
 *
 * <p>Registered as a {@link RuleSetListener}, it derives the state of snapshot N+1 in {@link
 * #prepare}, before N+1 is published, so requests find it ready; {@link #get} derives on demand for
 * a snapshot it does not hold (one never prepared, or older than the kept ones). Entries are keyed
 * by version and checked by identity, so two different rule sets that happen to share a version
 * number (two books in one process) never share state. A request that took snapshot N before N+1
 * was published still finds N's state while N is among the {@code keep} newest.
 *
 * <p>Thread-safe. Deriving happens under a lock, at most once per snapshot while it is kept;
 * lookups of kept snapshots take no lock.
 *
 * @param <T> the derived state
 */
public final class PerSnapshot<T> implements RuleSetListener {
  private final Function<RuleSet, T> derive;
  private final int keep;
  private final Object lock = new Object();
  private volatile Map<Long, Entry<T>> entries = Map.of();

  private record Entry<T>(RuleSet rules, T state) {}

  /**
   * Creates an empty holder.
   *
   * @param derive computes the state of one snapshot (may be slow; it is never called twice for a
   *     kept snapshot)
   * @param keep how many of the newest snapshots keep their state, 1..1024
   */
  public PerSnapshot(Function<RuleSet, T> derive, int keep) {
    this.derive = requireNonNull(derive, "derive");
    if (keep < 1 || keep > 1024) {
      throw new IllegalArgumentException("keep: " + keep + " (expected: 1..1024)");
    }
    this.keep = keep;
  }

  /** The state of {@code rules}, derived now when it is not kept. */
  public T get(RuleSet rules) {
    requireNonNull(rules, "rules");
    T found = peek(rules);
    if (found != null) {
      return found;
    }
    synchronized (lock) {
      found = peek(rules);
      if (found != null) {
        return found;
      }
      T state = requireNonNull(derive.apply(rules), "derived state");
      LinkedHashMap<Long, Entry<T>> next = new LinkedHashMap<>(entries);
      next.put(rules.version(), new Entry<>(rules, state));
      while (next.size() > keep) {
        Long oldest = next.keySet().stream().min(Long::compare).orElseThrow();
        next.remove(oldest);
      }
      entries = Map.copyOf(next);
      return state;
    }
  }

  /** The kept state of {@code rules}, or null; never derives (safe on an event loop). */
  public T peek(RuleSet rules) {
    Entry<T> e = entries.get(rules.version());
    return e != null && e.rules() == rules ? e.state() : null;
  }

  /** The states kept now (newest few snapshots), in no particular order. */
  public java.util.Collection<T> kept() {
    return entries.values().stream().map(Entry::state).toList();
  }

  @Override
  public void prepare(RuleSet previous, RuleSet next, RuleChange change) {
    get(next);
  }

  @Override
  public void published(RuleSet current) {
    get(current);
  }
}

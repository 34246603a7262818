package dev.lethe.gateway.cluster;

import static java.util.Objects.requireNonNull;

import dev.lethe.config.rules.CommittedChange;
import dev.lethe.config.rules.RuleChange;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.config.rules.RuleStore;
import java.util.List;

/**
 * The shared store when a replica started while it was unreachable under the explicit override:
 * {@link #load} answers the empty rules instead of failing, everything else goes to the store, so
 * the replica catches up from version 0 once the store is back.
 */
public final class StartWithoutStore implements RuleStore {
  private final PostgresRuleStore store;

  /** Wraps {@code store}. */
  public StartWithoutStore(PostgresRuleStore store) {
    this.store = requireNonNull(store, "store");
  }

  @Override
  public RuleSet load() {
    return RuleSet.empty();
  }

  @Override
  public void append(RuleChange change, RuleSet after) {
    store.append(change, after);
  }

  @Override
  public List<CommittedChange> changesSince(long version) {
    return store.changesSince(version);
  }

  @Override
  public void close() {
    store.close();
  }
}

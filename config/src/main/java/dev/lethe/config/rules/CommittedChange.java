package dev.lethe.config.rules;

import static java.util.Objects.requireNonNull;

/**
 * A change as a shared store committed it: the version it produced and what it changed. Replicas
 * apply committed changes strictly in version order ({@link RuleBook#catchUp}).
 *
 * @param version the version the change produced, {@code >= 1}
 * @param change what changed
 */
public record CommittedChange(long version, RuleChange change) {
  /** Checks arguments. */
  public CommittedChange {
    if (version < 1) {
      throw new IllegalArgumentException("version: " + version + " (expected: >= 1)");
    }
    requireNonNull(change, "change");
  }
}

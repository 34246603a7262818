package dev.lethe.config.rules;

/**
 * A shared store refused an append because another writer committed a later version first: the
 * writer's snapshot is behind. Nothing was written; {@link RuleBook} catches up from the store and
 * retries the write against the newer snapshot.
 */
public final class RuleStoreBehindException extends RuleStoreException {
  private static final long serialVersionUID = 1L;

  private final long storeVersion;

  /**
   * Creates the exception.
   *
   * @param attempted the version the write would have produced
   * @param storeVersion the latest version the store holds
   */
  public RuleStoreBehindException(long attempted, long storeVersion) {
    super(
        "version "
            + attempted
            + " is already taken: the store is at version "
            + storeVersion
            + " (expected: "
            + (attempted - 1)
            + ")");
    this.storeVersion = storeVersion;
  }

  /** The latest version the store holds. */
  public long storeVersion() {
    return storeVersion;
  }
}

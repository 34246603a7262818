package dev.lethe.config.rules;

/**
 * Where rules are persisted: the extension point behind {@link RuleBook}. The embedded default is
 * {@code dev.lethe.config.store.JournalRuleStore} (a journal in the data directory); a shared
 * database can implement this interface so that several gateway replicas see the same rules.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>{@link #load()} returns the persisted snapshot; {@link RuleBook} calls it once, when built.
 *   <li>{@link #append} is called with versions {@code load().version() + 1, + 2, ...} in order,
 *       never concurrently (the book holds its write lock); it returns only once the change is
 *       durable, and throws {@link RuleStoreException} when it is not.
 *   <li>All methods block on IO: call them from worker threads, never from an event loop.
 * </ul>
 *
 * <p>A store shared by replicas also rejects an append whose version another replica already wrote
 * (compare-and-set on the version) with {@link RuleStoreBehindException}, and feeds other replicas'
 * changes back through {@link #changesSince}; {@link RuleBook#catchUp} applies them in order.
 */
public interface RuleStore extends AutoCloseable {

  /**
   * The persisted rules, as recovered when the store was opened.
   *
   * @throws RuleStoreException when they cannot be read
   */
  RuleSet load();

  /**
   * Persists {@code change}, which turns the previous snapshot into {@code after}; returns once it
   * is durable.
   *
   * @param change the change, as journalled
   * @param after the snapshot after the change; {@code after.version()} is one more than the last
   *     persisted version
   * @throws RuleStoreException when the change could not be made durable
   */
  void append(RuleChange change, RuleSet after);

  /**
   * The changes committed after {@code version}, in version order, at most a store-chosen number of
   * them (call again from the last one's version for more). A store with a single writer (the
   * journal) has none to report.
   *
   * @throws RuleStoreException when the store cannot be read
   */
  default java.util.List<CommittedChange> changesSince(long version) {
    return java.util.List.of();
  }

  /** Releases files and locks. Idempotent. */
  @Override
  void close();
}

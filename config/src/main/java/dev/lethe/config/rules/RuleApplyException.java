package dev.lethe.config.rules;

/**
 * A committed change could not be applied to this replica's rules: it is missing from the store's
 * log (a gap), cannot be decoded, or breaks this replica's structural checks. The replica stays at
 * the version before it and must stop reporting ready: it never skips a version.
 */
public final class RuleApplyException extends RuleStoreException {
  private static final long serialVersionUID = 1L;

  private final long version;

  /**
   * Creates the exception.
   *
   * @param version the version that could not be applied
   * @param reason why, for operators
   */
  public RuleApplyException(long version, String reason) {
    super("cannot apply rules version " + version + ": " + reason);
    this.version = version;
  }

  /** The version that could not be applied. */
  public long version() {
    return version;
  }
}

package dev.lethe.filters.input;

/**
 * A request holds more text to screen than {@link ScanConfig#maxScanChars()} allows. Thrown before
 * anything is judged, so the cost of screening stays bounded by the limit; the gateway answers it
 * with 413 {@code scan_too_large} (never a fail mode: the request is not forwarded). The message
 * names the sizes only, never the text.
 */
public final class ScanTooLarge extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long chars;
  private final long limit;

  /** {@code chars} characters to scan, more than {@code limit}. */
  public ScanTooLarge(long chars, long limit) {
    super(
        "the scanned texts hold " + chars + " characters, more than the limit of " + limit,
        null,
        false,
        false);
    this.chars = chars;
    this.limit = limit;
  }

  /** How many characters the request's scanned texts hold. */
  public long chars() {
    return chars;
  }

  /** The limit they exceed. */
  public long limit() {
    return limit;
  }
}

package dev.lethe.filters.text;

/**
 * Bounds on the work {@link Decoders} does for one text, so a hostile payload cannot make screening
 * slow or large.
 *
 * @param maxDepth how many encodings may be nested (1: no decoding of decoded text)
 * @param maxOutputChars the total number of decoded chars, over every layer and candidate
 * @param maxCandidates the number of decoded texts reported
 */
public record DecodeLimits(int maxDepth, int maxOutputChars, int maxCandidates) {

  /** Largest accepted {@link #maxDepth}. */
  public static final int MAX_DEPTH = 8;

  /** Largest accepted {@link #maxOutputChars} (16 MiB). */
  public static final int MAX_OUTPUT_CHARS = 16 << 20;

  /** Largest accepted {@link #maxCandidates}. */
  public static final int MAX_CANDIDATES = 4096;

  /** Validates every bound; the message names the field, its value and what is expected. */
  public DecodeLimits {
    check("maxDepth", maxDepth, MAX_DEPTH);
    check("maxOutputChars", maxOutputChars, MAX_OUTPUT_CHARS);
    check("maxCandidates", maxCandidates, MAX_CANDIDATES);
  }

  private static void check(String field, int value, int max) {
    if (value < 1 || value > max) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: 1.." + max + ")");
    }
  }

  /** Depth 3, 64 KiB of decoded text in all, 32 decoded texts. */
  public static DecodeLimits defaults() {
    return new DecodeLimits(3, 64 * 1024, 32);
  }
}

package dev.lethe.filters.input;

import static java.util.Objects.requireNonNull;

import dev.lethe.filters.detect.ScopeClassifier;
import java.util.Locale;
import java.util.Set;

/**
 * Which parts of an OpenAI chat request the input stage scans, and how it cuts them. Validated
 * once; immutable.
 *
 * @param roles message roles scanned (lower case), e.g. {@code system, developer, user, assistant,
 *     tool, function}; never empty
 * @param maxMessages how many of the most recent messages are scanned, 1..100000
 * @param toolArguments whether assistant {@code tool_calls[].function.arguments} are scanned
 * @param chunkChars texts longer than this are scanned in overlapping windows of this size (the
 *     sentence model reads about 256 tokens), 200..100000
 * @param spanChars the longest sentence span judged on its own, 50..{@code chunkChars}
 * @param budget what judging one request may cost (time, then the rules' fail modes; spans)
 * @param maxScanChars the most characters of text one request may hold in its scanned texts (all of
 *     them together, before any expansion); a request with more is refused with {@link
 *     ScanTooLarge} before anything is judged, 1000..{@value #MAX_SCAN_CHARS_LIMIT}
 */
public record ScanConfig(
    Set<String> roles,
    int maxMessages,
    boolean toolArguments,
    int chunkChars,
    int spanChars,
    ScopeClassifier.Budget budget,
    int maxScanChars) {

  /** The default of {@link #maxScanChars()}: one mebi-character. */
  public static final int DEFAULT_MAX_SCAN_CHARS = 1 << 20;

  /** The largest {@link #maxScanChars()} accepted. */
  public static final int MAX_SCAN_CHARS_LIMIT = 64 << 20;

  /** Every role the chat API defines. */
  public static final Set<String> ALL_ROLES =
      Set.of("system", "developer", "user", "assistant", "tool", "function");

  /** Validates and normalises the fields. */
  public ScanConfig {
    requireNonNull(roles, "roles");
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("roles: [] (expected: at least one role)");
    }
    roles = Set.copyOf(roles.stream().map(r -> r.toLowerCase(Locale.ROOT)).toList());
    if (maxMessages < 1 || maxMessages > 100_000) {
      throw new IllegalArgumentException("maxMessages: " + maxMessages + " (expected: 1..100000)");
    }
    if (chunkChars < 200 || chunkChars > 100_000) {
      throw new IllegalArgumentException("chunkChars: " + chunkChars + " (expected: 200..100000)");
    }
    if (spanChars < 50 || spanChars > chunkChars) {
      throw new IllegalArgumentException(
          "spanChars: " + spanChars + " (expected: 50.." + chunkChars + ")");
    }
    requireNonNull(budget, "budget");
    if (maxScanChars < 1000 || maxScanChars > MAX_SCAN_CHARS_LIMIT) {
      throw new IllegalArgumentException(
          "maxScanChars: " + maxScanChars + " (expected: 1000.." + MAX_SCAN_CHARS_LIMIT + ")");
    }
  }

  /** The given scan with the default {@link #maxScanChars()}. */
  public ScanConfig(
      Set<String> roles,
      int maxMessages,
      boolean toolArguments,
      int chunkChars,
      int spanChars,
      ScopeClassifier.Budget budget) {
    this(roles, maxMessages, toolArguments, chunkChars, spanChars, budget, DEFAULT_MAX_SCAN_CHARS);
  }

  /** The given scan with default span length (400) and budget ({@link ScopeClassifier.Budget}). */
  public ScanConfig(Set<String> roles, int maxMessages, boolean toolArguments, int chunkChars) {
    this(
        roles,
        maxMessages,
        toolArguments,
        chunkChars,
        Math.min(400, chunkChars),
        ScopeClassifier.Budget.defaults());
  }

  /** All roles, the last 256 messages, tool arguments included, windows of 1,000 characters. */
  public static ScanConfig defaults() {
    return new ScanConfig(ALL_ROLES, 256, true, 1000);
  }

  /** The same scan with another budget. */
  public ScanConfig withBudget(ScopeClassifier.Budget next) {
    return new ScanConfig(
        roles, maxMessages, toolArguments, chunkChars, spanChars, next, maxScanChars);
  }

  /** The same scan with another {@link #maxScanChars()}. */
  public ScanConfig withMaxScanChars(int next) {
    return new ScanConfig(roles, maxMessages, toolArguments, chunkChars, spanChars, budget, next);
  }
}

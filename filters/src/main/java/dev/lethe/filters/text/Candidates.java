package dev.lethe.filters.text;

import java.util.Map;
import java.util.TreeMap;

/**
 * Where the decoders of one text layer report what they decoded; owns the budget of {@link
 * DecodeLimits} for the whole scan.
 */
final class Candidates {
  /** Shortest run of encoded chars considered (base64, base32, hex digits). */
  static final int MIN_RUN = 16;

  /** Bytes decoded first to check a payload is text before decoding all of it. */
  static final int PROBE_BYTES = 48;

  /** Receives one decoded candidate; returns {@code false} to stop the scan. */
  interface Sink {
    boolean accept(int start, int end, Encoding encoding, String decoded);
  }

  final String text;
  private final Budget budget;
  private final Sink sink;
  private final TreeMap<Integer, Integer> decodedSpans = new TreeMap<>(); // start -> end

  Candidates(String text, Budget budget, Sink sink) {
    this.text = text;
    this.budget = budget;
    this.sink = sink;
  }

  /** Decoded chars that may still be produced. */
  int charsLeft() {
    return budget.charsLeft;
  }

  boolean exhausted() {
    return budget.exhausted();
  }

  /** Records that a bound cut a payload short. */
  void truncated() {
    budget.truncated = true;
  }

  /** Whether {@code [start, end)} lies inside a span already decoded by an earlier decoder. */
  boolean covered(int start, int end) {
    Map.Entry<Integer, Integer> e = decodedSpans.floorEntry(start);
    return e != null && e.getValue() >= end;
  }

  /**
   * Offers a decoded payload; charges its length to the budget, cutting it if needed.
   *
   * @return {@code false} when the scan should stop (budget spent or the sink said so)
   */
  boolean offer(int start, int end, Encoding encoding, String decoded) {
    if (budget.exhausted()) {
      budget.truncated = true;
      return false;
    }
    if (decoded.length() > budget.charsLeft) {
      int cut = budget.charsLeft;
      if (cut > 0 && Character.isHighSurrogate(decoded.charAt(cut - 1))) {
        cut--;
      }
      decoded = decoded.substring(0, cut);
      budget.truncated = true;
    }
    budget.charsLeft -= decoded.length();
    decodedSpans.merge(start, end, Math::max);
    return sink.accept(start, end, encoding, decoded);
  }

  /** The budget of one {@link Decoders#scan}, shared by every layer. */
  static final class Budget {
    int charsLeft;
    int resultsLeft;
    boolean truncated;

    Budget(DecodeLimits limits) {
      charsLeft = limits.maxOutputChars();
      resultsLeft = limits.maxCandidates();
    }

    boolean exhausted() {
      return charsLeft <= 0 || resultsLeft <= 0;
    }
  }
}

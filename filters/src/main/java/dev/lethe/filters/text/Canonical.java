package dev.lethe.filters.text;

import static java.util.Objects.requireNonNull;

import java.util.EnumSet;

/**
 * The canonical form of a text, with a map back to the original.
 *
 * @param text the canonical text: readable, with case, accents, whitespace and punctuation kept
 * @param start for each char of {@code text}, the offset of the first original char it came from
 * @param end for each char of {@code text}, one past the offset of the last original char it came
 *     from
 * @param applied the folds that changed something (empty when {@code text} equals the original)
 */
public record Canonical(String text, int[] start, int[] end, EnumSet<Fold> applied) {

  /** Checks that the maps cover {@code text}. */
  public Canonical {
    requireNonNull(text, "text");
    requireNonNull(start, "start");
    requireNonNull(end, "end");
    requireNonNull(applied, "applied");
    if (start.length != text.length() || end.length != text.length()) {
      throw new IllegalArgumentException(
          "start/end: lengths "
              + start.length
              + "/"
              + end.length
              + " (expected: text length "
              + text.length()
              + ")");
    }
  }

  /** Whether any fold changed the text. */
  public boolean changed() {
    return !applied.isEmpty();
  }

  /** The first original offset of the canonical range {@code [from, to)}; {@code from < to}. */
  public int originalStart(int from) {
    return start[from];
  }

  /**
   * One past the last original offset of the canonical range {@code [from, to)}; {@code from < to}.
   * Together with {@link #originalStart} this gives the original span to mask for a match.
   */
  public int originalEnd(int to) {
    return end[to - 1];
  }
}

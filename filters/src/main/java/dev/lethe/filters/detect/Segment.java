package dev.lethe.filters.detect;

import static java.util.Objects.requireNonNull;

/**
 * One piece of a {@link ScanText} that the classifier judges on its own.
 *
 * <p>Why pieces: a wrapper (a jailbreak template, a retrieved page, many fabricated dialogue turns)
 * dilutes a question when the whole text is judged as one, so a padded question could fall out of
 * scope. Judging short spans too, and taking the best score over all pieces, makes padding useless:
 * the question's own span scores what the bare question scores.
 *
 * @param kind what the piece is
 * @param start offset of the first char in the {@link ScanText#text()} it was cut from
 * @param end one past the last char; for {@link Kind#PIECES} the range that holds the pieces
 * @param text the text judged (a substring, except for {@link Kind#PIECES})
 */
public record Segment(Kind kind, int start, int end, String text) {

  /** What a segment is. */
  public enum Kind {
    /** The whole scanned text (short texts). */
    WHOLE,
    /** A window of a long text, overlapping its neighbours. */
    WINDOW,
    /**
     * One sentence or two adjacent sentences. Judged only when a cheap lexical look says it may
     * matter (it names a rule's subject, or asks or orders something) and the pieces judged first
     * did not already put the request in scope; at most a bounded number per request.
     */
    SENTENCES,
    /**
     * Quoted pieces joined in order (payload splitting: a question cut into {@code a="…"}, {@code
     * b="…"} and "answer a+b").
     */
    PIECES,
    /**
     * The latest turns of a conversation joined (the question may refer to a subject named a turn
     * or two earlier: "she", "that writer"). Gated like {@link #SENTENCES}.
     */
    CONTEXT;

    /** The lower-case name used in explanations. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Checks the fields. */
  public Segment {
    requireNonNull(kind, "kind");
    requireNonNull(text, "text");
    if (start < 0 || end < start) {
      throw new IllegalArgumentException(
          "start/end: " + start + "/" + end + " (expected: 0 <= start <= end)");
    }
  }

  /** Whether the piece is judged only after a cheap look says it may matter. */
  public boolean gated() {
    return kind == Kind.SENTENCES || kind == Kind.CONTEXT;
  }
}

package dev.lethe.filters.text;

/**
 * Recognises ROT47, the rotation of the 94 printable ASCII characters {@code !}..{@code ~} by 47
 * (its own inverse; letters become digits and punctuation, {@code What} becomes {@code (92E}),
 * which has no shape of its own, by how English its words become: within a line (at most {@value
 * #MAX_LINE} chars), the whitespace-separated tokens whose rotation, stripped of surrounding
 * punctuation, is a common English word ({@link EnglishWords}, or {@code a}/{@code I}) and that are
 * no such word as written are marked; the span from the first marked token to the last is decoded
 * when it holds at least {@value #MIN_WORDS} marked tokens making at least {@value #MIN_SHARE} of
 * its tokens (or one fewer, when the rotated tokens around them make {@value #MIN_SPAN} or more),
 * widened over the rotated-looking tokens next to it (names, which are no words either way: {@link
 * #rotatedLooking}), so an instruction written in plain English around the payload ({@code ROT47:
 * …}) stays outside it, and plain English, whose rotation is no English, never fires. Word-list
 * look-ups are bounded per scan ({@value #MAX_LOOKUPS}).
 */
final class Rot47Decoding {
  static final int MAX_LINE = 4000;
  static final int MIN_WORDS = 3;

  /** A span with one word fewer than {@link #MIN_WORDS} is decoded when it has this many tokens. */
  static final int MIN_SPAN = 4;

  static final double MIN_SHARE = 0.5;
  static final int MAX_LOOKUPS = 16_384;

  /** Longer tokens are never rotated (no English word with its punctuation is longer). */
  static final int MAX_TOKEN = 32;

  private Rot47Decoding() {}

  /**
   * The end of the line that starts at {@code start}: its newline, the text's end, or {@link
   * #MAX_LINE} chars on, whichever comes first (the lines this and {@link KeyboardDecoding} read).
   */
  static int lineEnd(String s, int start) {
    int limit = Math.min(s.length(), start + MAX_LINE);
    int end = start;
    while (end < limit && s.charAt(end) != '\n') {
      end++;
    }
    return end;
  }

  /** The ROT47 rotation of {@code s[from, to)}. */
  static String rotate(CharSequence s, int from, int to) {
    StringBuilder sb = new StringBuilder(to - from);
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      sb.append(c >= 33 && c <= 126 ? (char) (33 + (c - 33 + 47) % 94) : c);
    }
    return sb.toString();
  }

  static boolean scan(Candidates out) {
    String s = out.text;
    int n = s.length();
    int[] lookups = {MAX_LOOKUPS};
    int i = 0;
    int[] starts = new int[64];
    int[] ends = new int[64];
    boolean[] marked = new boolean[64];
    while (i < n && lookups[0] > 0) {
      int lineStart = i;
      int lineEnd = lineEnd(s, i);
      i = lineEnd < n && s.charAt(lineEnd) == '\n' ? lineEnd + 1 : lineEnd;
      if (lineEnd - lineStart < 8 || out.covered(lineStart, lineEnd)) {
        continue;
      }
      int count = 0;
      int k = lineStart;
      while (k < lineEnd) {
        while (k < lineEnd && Character.isWhitespace(s.charAt(k))) {
          k++;
        }
        int ts = k;
        while (k < lineEnd && !Character.isWhitespace(s.charAt(k))) {
          k++;
        }
        if (k > ts) {
          if (count == starts.length) {
            starts = java.util.Arrays.copyOf(starts, count * 2);
            ends = java.util.Arrays.copyOf(ends, count * 2);
            marked = java.util.Arrays.copyOf(marked, count * 2);
          }
          starts[count] = ts;
          ends[count] = k;
          marked[count] =
              k - ts <= MAX_TOKEN
                  && symbolic(s, ts, k)
                  && word(rotate(s, ts, k), lookups)
                  && !word(s.substring(ts, k), lookups);
          count++;
        }
      }
      int first = -1;
      int last = -1;
      int hits = 0;
      for (int t = 0; t < count; t++) {
        if (marked[t]) {
          first = first < 0 ? t : first;
          last = t;
          hits++;
        }
      }
      if (hits < MIN_WORDS - 1 || hits < MIN_SHARE * (last - first + 1)) {
        continue;
      }
      // the rotated names around the words belong to the payload too (w:?2 p>66? is Hina Ameen)
      while (first > 0 && rotatedLooking(s, starts[first - 1], ends[first - 1], lookups)) {
        first--;
      }
      while (last + 1 < count && rotatedLooking(s, starts[last + 1], ends[last + 1], lookups)) {
        last++;
      }
      if (hits < MIN_WORDS && last - first + 1 < MIN_SPAN) {
        continue; // two words only in a run of rotated tokens (hsiao yunhwa father occupation?)
      }
      int from = starts[first];
      int to = ends[last];
      if (!out.offer(from, to, Encoding.ROT47, rotate(s, from, to))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether a token next to a decoded span is rotated text too (a name, a number, a word missing
   * from the word list): at most {@value #MAX_TOKEN} printable ASCII chars, {@link #symbolic} or a
   * single char as written ({@code b} is {@code 3}), neither a common English word nor a number as
   * written ({@code The}, {@code text}, {@code 25} stay), and its rotation reads as a word (a token
   * of letters only only when its rotation is a common English word, {@code xD} is {@code Is}):
   * letters and digits, joined by apostrophes, hyphens, full stops or commas, between quotes,
   * brackets and sentence punctuation ({@code pJD92 p=\w2D9:>]} is {@code Aysha Al-Hashim.}, {@code
   * `hegn} is {@code 1968?}, {@code ROT47:} rotates into {@code #~%cf} and stays outside).
   */
  private static boolean rotatedLooking(String s, int from, int to, int[] lookups) {
    if (to - from > MAX_TOKEN) {
      return false;
    }
    if (!symbolic(s, from, to) && to - from > 1) {
      // letters only: a word whose rotation is one (xD is Is)
      return word(rotate(s, from, to), lookups) && !word(s.substring(from, to), lookups);
    }
    boolean digits = true;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < 33 || c > 126) {
        return false;
      }
      digits &= c >= '0' && c <= '9';
    }
    String written = s.substring(from, to);
    if (digits || wordLike(written) && word(written, lookups)) {
      return false;
    }
    return wordLike(rotate(s, from, to));
  }

  /**
   * Whether {@code t} reads as one word of a sentence: letters and digits, joined inside by
   * apostrophes, hyphens, full stops or commas, with quotes and brackets before it and those and
   * sentence punctuation after it.
   */
  static boolean wordLike(String t) {
    int a = 0;
    int b = t.length();
    while (a < b && "\"'([".indexOf(t.charAt(a)) >= 0) {
      a++;
    }
    while (b > a && ".,;:!?\"')]".indexOf(t.charAt(b - 1)) >= 0) {
      b--;
    }
    if (a == b
        || !Character.isLetterOrDigit(t.charAt(a))
        || !Character.isLetterOrDigit(t.charAt(b - 1))) {
      return false;
    }
    for (int i = a; i < b; i++) {
      char c = t.charAt(i);
      if (!(c >= 'a' && c <= 'z'
          || c >= 'A' && c <= 'Z'
          || c >= '0' && c <= '9'
          || "'-.,".indexOf(c) >= 0)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the token holds a digit or a symbol: the rotation of a letter-only word does. */
  private static boolean symbolic(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c > 126) {
        return false; // not ASCII: not rotated text
      }
      if (!Character.isLetter(c)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code token}, stripped of punctuation around it, is a common English word. */
  static boolean word(String token, int[] lookups) {
    int a = 0;
    int b = token.length();
    while (a < b && !Character.isLetter(token.charAt(a))) {
      a++;
    }
    while (b > a && !Character.isLetter(token.charAt(b - 1))) {
      b--;
    }
    if (b - a < 1 || b - a > 24) {
      return false;
    }
    String w = token.substring(a, b).toLowerCase(java.util.Locale.ROOT);
    for (int i = 0; i < w.length(); i++) {
      char c = w.charAt(i);
      if ((c < 'a' || c > 'z') && c != '\'') {
        return false;
      }
    }
    if (w.length() == 1) {
      return w.equals("a") || w.equals("i");
    }
    if (lookups[0]-- <= 0) {
      return false;
    }
    int apostrophe = w.indexOf('\'');
    return EnglishWords.contains(apostrophe > 0 ? w.substring(0, apostrophe) : w);
  }
}

package dev.lethe.filters.text;

/**
 * Recognises text typed with the hands one key off on a US QWERTY keyboard, to the right ({@code
 * Ejrtr esd Joms S,rrm nptm/} is {@code Where was Hina Ameen born.}) or to the left, punctuation
 * keys included, by how English its words become.
 *
 * <p>Such text keeps its spaces and is mostly letters, so unlike {@link Rot47Decoding} every token
 * is a candidate; a line is read only when some six consecutive tokens of it (or the whole line)
 * hold none of English's commonest words ({@link #FUNCTION_WORDS}), which costs one pass over its
 * chars and keeps ordinary prose from any word look-up, while a plain-English instruction before
 * the payload on the same line does not hide it. In such a line the tokens that are no common
 * English word as written and whose key neighbours are one ({@link EnglishWords}) are marked, for
 * each direction; the direction with more marks is decoded over the span from the first marked
 * token to the last when it holds at least {@value #MIN_WORDS} of them making at least half its
 * tokens, widened over the tokens next to it that are no English word as written (names: {@code
 * Joms S,rrm} is {@code Hina Ameen}) or a word either way ({@code pg} is {@code of}), so an
 * instruction in plain English beside it stays outside. Word look-ups are bounded per scan ({@value
 * #MAX_LOOKUPS}).
 */
final class KeyboardDecoding {
  static final int MIN_WORDS = 3;

  /**
   * English's commonest words but {@code a} and {@code I} (which typing one key left keeps or
   * makes): no line of English goes long without one. Held as packed keys ({@link #key}), sorted,
   * so that every token of every line is checked without a string made for it.
   */
  private static final long[] FUNCTION_WORDS =
      java.util.stream.Stream.of(
              "the", "of", "and", "to", "in", "is", "you", "that", "it", "for", "on", "with", "as",
              "was", "are", "be", "this", "what", "who", "how", "by", "from", "at", "his", "her",
              "their", "did", "does", "do", "or", "not", "an", "have", "has", "can", "will", "my",
              "your", "me", "we", "they", "he", "she", "which", "where", "when", "why", "if", "but")
          .mapToLong(w -> key(w, 0, w.length()))
          .sorted()
          .toArray();

  /** Whether {@code s[from, to)}, stripped of what is no letter around it, is a function word. */
  static boolean functionWord(String s, int from, int to) {
    while (from < to && !Chars.isAsciiLetter(s.charAt(from))) {
      from++;
    }
    while (to > from && !Chars.isAsciiLetter(s.charAt(to - 1))) {
      to--;
    }
    return to - from >= 2
        && to - from <= 5
        && java.util.Arrays.binarySearch(FUNCTION_WORDS, key(s, from, to)) >= 0;
  }

  /** Up to five ASCII letters, case folded, as a number (base 27); -1 for anything else. */
  private static long key(String s, int from, int to) {
    long k = 0;
    for (int i = from; i < to; i++) {
      char c = Character.toLowerCase(s.charAt(i));
      if (c < 'a' || c > 'z') {
        return -1;
      }
      k = k * 27 + (c - 'a' + 1);
    }
    return k;
  }

  static final int MAX_LOOKUPS = 16_384;
  static final int MAX_TOKEN = 32;

  /** The keyboard's rows, unshifted and shifted, left to right. */
  private static final String[] ROWS = {
    "`1234567890-=",
    "qwertyuiop[]\\",
    "asdfghjkl;'",
    "zxcvbnm,./",
    "~!@#$%^&*()_+",
    "QWERTYUIOP{}|",
    "ASDFGHJKL:\"",
    "ZXCVBNM<>?"
  };

  /**
   * For each ASCII char: the key to its left ({@code [c][0]}) and to its right ({@code [c][1]}).
   */
  private static final char[][] NEIGHBOURS = new char[128][2];

  static {
    for (int c = 0; c < 128; c++) {
      NEIGHBOURS[c][0] = (char) c;
      NEIGHBOURS[c][1] = (char) c;
    }
    for (String row : ROWS) {
      for (int i = 0; i < row.length(); i++) {
        char c = row.charAt(i);
        if (i > 0) {
          NEIGHBOURS[c][0] = row.charAt(i - 1);
        }
        if (i + 1 < row.length()) {
          NEIGHBOURS[c][1] = row.charAt(i + 1);
        }
      }
    }
  }

  /** Which way the hands were off: typed one key right is read one key left, and so on. */
  private static final int READ_LEFT = 0;

  private static final int READ_RIGHT = 1;

  private KeyboardDecoding() {}

  /** The first this many ambiguous letters of a token ({@link #ambiguous}) are tried either way. */
  static final int MAX_AMBIGUOUS = 3;

  /**
   * Whether {@code c} reads two ways in direction {@code read}: the letters at the ends of the
   * letter rows have no key beyond them, so typing one key left may keep {@code a}, {@code q} and
   * {@code z} as they were meant or type them for {@code s}, {@code w} and {@code x}, and a
   * converter that shifts letters only keeps {@code p}, {@code l} and {@code m}, which the keyboard
   * would type as {@code [}, {@code ;} and {@code ,}, and keeps a comma or semicolon a comma or
   * semicolon, which the keyboard would have typed for {@code m} and {@code l}.
   */
  static boolean ambiguous(char c, int read) {
    char lower = Character.toLowerCase(c);
    return read == READ_RIGHT
        ? lower == 'a' || lower == 'q' || lower == 'z'
        : lower == 'p' || lower == 'l' || lower == 'm' || c == ',' || c == ';';
  }

  /**
   * {@code s[from, to)} with each char replaced by its neighbour in direction {@code read}. The
   * {@code j}-th {@link #ambiguous} letter takes its other reading when bit {@code j} of {@code
   * other} is set: read to the right, an ambiguous letter stays by default and is shifted as its
   * other reading; read to the left, the reverse.
   */
  static String shift(CharSequence s, int from, int to, int read, int other) {
    StringBuilder sb = new StringBuilder(to - from);
    int j = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      // a hyphen stays: it joins names, and stands for a 0 or an = only in text about numbers
      char shifted = c < 128 && c != '-' ? NEIGHBOURS[c][read] : c;
      if (ambiguous(c, read) && j < MAX_AMBIGUOUS) {
        boolean keep = (read == READ_RIGHT) == ((other >> j++ & 1) == 0);
        sb.append(keep ? c : shifted);
      } else {
        sb.append(shifted);
      }
    }
    return sb.toString();
  }

  static boolean scan(Candidates out) {
    String s = out.text;
    int n = s.length();
    int[] lookups = {MAX_LOOKUPS};
    Tokens line = new Tokens();
    int i = 0;
    while (i < n && lookups[0] > 0) {
      int lineStart = i;
      int lineEnd = Rot47Decoding.lineEnd(s, i);
      i = lineEnd < n && s.charAt(lineEnd) == '\n' ? lineEnd + 1 : lineEnd;
      if (lineEnd - lineStart < 8 || out.covered(lineStart, lineEnd)) {
        continue;
      }
      line.read(s, lineStart, lineEnd);
      if (!line.markCandidates()) {
        continue;
      }
      int count = line.count;
      int[] hits = new int[2];
      for (int t = 0; t < count && lookups[0] > 0; t++) {
        int ts = line.starts[t];
        int te = line.ends[t];
        if (!line.candidate[t] || te - ts > MAX_TOKEN) {
          line.written[t] = true; // outside the stretch read: a wall, as an English word is
          line.resolved[t] = true;
          continue;
        }
        line.written[t] = Rot47Decoding.word(s.substring(ts, te), lookups);
        if (!line.written[t]) {
          resolve(line, s, t, lookups, READ_LEFT);
          for (int read = 0; read < 2; read++) {
            hits[read] += line.decoded[read][t] ? 1 : 0;
          }
        }
      }
      int read = hits[READ_RIGHT] > hits[READ_LEFT] ? READ_RIGHT : READ_LEFT;
      int first = -1;
      int last = -1;
      for (int t = 0; t < count; t++) {
        if (line.decoded[read][t] && !line.written[t]) {
          first = first < 0 ? t : first;
          last = t;
        }
      }
      if (hits[read] < MIN_WORDS || hits[read] < 0.5 * (last - first + 1)) {
        continue;
      }
      for (int t = first; t <= last; t++) {
        resolve(line, s, t, lookups, read);
      }
      // widened over the words either way (pg is of) and the words of neither (names)
      while (first > 0
          && (!line.written[first - 1] || resolve(line, s, first - 1, lookups, read))) {
        first--;
      }
      while (last + 1 < count
          && (!line.written[last + 1] || resolve(line, s, last + 1, lookups, read))) {
        last++;
      }
      // read to the left, the words say whether p, l and m were kept (a converter shifting letters
      // only) or typed as [ ; , inside words (the keyboard): the names that are no words follow
      int kept = 0;
      int typed = 0;
      for (int t = first; read == READ_LEFT && t <= last; t++) {
        if (line.decoded[read][t]) {
          kept += line.other[read][t] != 0 ? 1 : 0;
          typed += keyInside(s, line.starts[t], line.ends[t]) ? 1 : 0;
        }
      }
      StringBuilder decoded = new StringBuilder(line.ends[last] - line.starts[first]);
      for (int t = first; t <= last; t++) {
        if (t > first) {
          decoded.append(s, line.ends[t - 1], line.starts[t]);
        }
        int other =
            line.decoded[read][t] || kept <= typed
                ? line.other[read][t]
                : lettersOnlyName(s, line.starts[t], line.ends[t]);
        decoded.append(shift(s, line.starts[t], line.ends[t], read, other));
      }
      if (!out.offer(
          line.starts[first], line.ends[last], Encoding.KEYBOARD_SHIFT, decoded.toString())) {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads token {@code t} both ways once (each of its first {@value #MAX_AMBIGUOUS} ambiguous
   * letters either way, the first reading that is a common English word kept) and returns whether
   * direction {@code read} made a word of it.
   */
  private static boolean resolve(Tokens line, String s, int t, int[] lookups, int read) {
    if (!line.resolved[t]) {
      line.resolved[t] = true;
      int ts = line.starts[t];
      int te = line.ends[t];
      for (int r = 0; r < 2; r++) {
        int options = 1 << Math.min(MAX_AMBIGUOUS, countAmbiguous(s, ts, te, r));
        line.other[r][t] = 0;
        line.decoded[r][t] = false;
        for (int other = 0; other < options && lookups[0] > 0; other++) {
          if (Rot47Decoding.word(shift(s, ts, te, r, other), lookups)) {
            line.decoded[r][t] = true;
            line.other[r][t] = other;
            break;
          }
        }
      }
    }
    return line.decoded[read][t];
  }

  /**
   * The readings of a name's ambiguous chars when text typed one key right was shifted by letters
   * only: {@code l}, commas and semicolons kept (an {@code l} is more often meant than a {@code
   * k}), {@code m} and {@code p} read as {@code n} and {@code o} (more often meant than
   * themselves).
   */
  private static int lettersOnlyName(String s, int from, int to) {
    int other = 0;
    int j = 0;
    for (int i = from; i < to && j < MAX_AMBIGUOUS; i++) {
      char c = s.charAt(i);
      if (ambiguous(c, READ_LEFT)) {
        if (c == 'l' || c == 'L' || c == ',' || c == ';') {
          other |= 1 << j;
        }
        j++;
      }
    }
    return other;
  }

  /** Whether a key the keyboard types for a letter one key right ({@code [ ; ,}) is inside. */
  private static boolean keyInside(String s, int from, int to) {
    for (int i = from + 1; i < to - 1; i++) {
      char c = s.charAt(i);
      if (c == '[' || c == ';' || c == ',') {
        return true;
      }
    }
    return false;
  }

  private static int countAmbiguous(String s, int from, int to, int read) {
    int count = 0;
    for (int i = from; i < to; i++) {
      count += ambiguous(s.charAt(i), read) ? 1 : 0;
    }
    return count;
  }

  /** The whitespace-separated tokens of one line, their letters counted, function words marked. */
  private static final class Tokens {
    int count;
    int[] starts = new int[64];
    int[] ends = new int[64];
    int[] letters = new int[64];
    boolean[] function = new boolean[64];
    boolean[] written = new boolean[64];
    boolean[] candidate = new boolean[64];
    boolean[] resolved = new boolean[64];
    int[][] other = new int[2][64];
    boolean[][] decoded = new boolean[2][64];

    void read(String s, int from, int to) {
      count = 0;
      int k = from;
      while (k < to) {
        while (k < to && Character.isWhitespace(s.charAt(k))) {
          k++;
        }
        int ts = k;
        int l = 0;
        while (k < to && !Character.isWhitespace(s.charAt(k))) {
          l += Chars.isAsciiLetter(s.charAt(k)) ? 1 : 0;
          k++;
        }
        if (k == ts) {
          continue;
        }
        if (count == starts.length) {
          int size = count * 2;
          starts = java.util.Arrays.copyOf(starts, size);
          ends = java.util.Arrays.copyOf(ends, size);
          letters = java.util.Arrays.copyOf(letters, size);
          function = java.util.Arrays.copyOf(function, size);
          written = java.util.Arrays.copyOf(written, size);
          candidate = java.util.Arrays.copyOf(candidate, size);
          resolved = java.util.Arrays.copyOf(resolved, size);
          other[0] = java.util.Arrays.copyOf(other[0], size);
          other[1] = java.util.Arrays.copyOf(other[1], size);
          decoded[0] = java.util.Arrays.copyOf(decoded[0], size);
          decoded[1] = java.util.Arrays.copyOf(decoded[1], size);
        }
        starts[count] = ts;
        ends[count] = k;
        letters[count] = l;
        function[count] = functionWord(s, ts, k);
        written[count] = false;
        candidate[count] = false;
        resolved[count] = false;
        decoded[0][count] = false;
        decoded[1][count] = false;
        count++;
      }
    }

    /**
     * Marks the tokens of every {@value #WINDOW} consecutive ones (or of the whole line, when
     * shorter) that hold at least 12 ASCII letters and none of English's commonest words ({@link
     * #FUNCTION_WORDS}): a sentence of English has one in nearly any six words, text typed one key
     * off none ({@code the} is {@code yjr} or {@code rgw}). Only they are looked up. Returns
     * whether any was marked.
     */
    boolean markCandidates() {
      int l = 0;
      int f = 0;
      boolean any = false;
      for (int t = 0; t < count; t++) {
        l += letters[t];
        f += function[t] ? 1 : 0;
        if (t >= WINDOW) {
          l -= letters[t - WINDOW];
          f -= function[t - WINDOW] ? 1 : 0;
        }
        if ((t >= WINDOW - 1 || t == count - 1) && l >= 12 && f == 0) {
          for (int w = Math.max(0, t - WINDOW + 1); w <= t; w++) {
            candidate[w] = true;
          }
          any = true;
        }
      }
      return any;
    }

    static final int WINDOW = 6;
  }
}

package dev.lethe.filters.text;

import java.util.Arrays;

/**
 * Recognises Caesar-shifted text (ROT13 and the 24 other shifts), Atbash (the alphabet mirrored)
 * and reversed text (the whole run backwards, or each word backwards in place), which have no shape
 * of their own, by how English-like they become: the share of word tokens (split at whitespace and
 * punctuation; a token with a digit or a symbol is never a word, so base64 lines do not count) that
 * are common English function words, from a small fixed list. Within each segment (text between
 * {@code . ! ? : ;} and line breaks, at most {@value #MAX_SEGMENT} chars) the run of tokens that
 * gains most is found ({@link Tokens#best}), so a wrapper sentence around the payload does not
 * dilute it; the run is reported transformed only when it then has at least {@value #MIN_HITS}
 * function words, a share of at least {@value #MIN_SHARE}, and a share {@value #MIN_GAIN} above the
 * original's: plain English never fires, since its transforms score near zero. Every shift is tried
 * with one look-up per token (the function words are indexed by their shape, letters relative to
 * the first, so a token's shape gives every shift that makes it a function word) and scored only
 * when it has {@value #MIN_HITS} hits in the segment; the shift with most hits wins.
 */
final class EnglishScore {
  static final int MAX_SEGMENT = 2000;
  static final int MIN_TOKENS = 3;
  static final int MIN_HITS = 2;
  static final double MIN_SHARE = 0.25;
  static final double MIN_GAIN = 0.2;
  private static final int MAX_WORD = 12; // 5 bits a letter in a long

  private static final String[] WORDS = {
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
    "because", "been", "before", "being", "between", "both", "but", "by", "can", "could", "did",
    "do", "does", "for", "from", "had", "has", "have", "he", "her", "here", "him", "his", "how",
    "i", "if", "in", "into", "is", "it", "its", "me", "more", "my", "no", "not", "now", "of", "on",
    "or", "other", "our", "out", "please", "she", "should", "so", "some", "tell", "than", "that",
    "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "was", "we",
    "were", "what", "when", "where", "which", "who", "whom", "why", "will", "with", "would",
    "write", "wrote", "you", "your"
  };
  private static final long[] KEYS;
  // function words by shape (letters relative to the first one): the shifts that reach them
  private static final long[] SHAPES;
  private static final int[] SHAPE_FIRSTS;

  static {
    java.util.TreeMap<Long, Integer> shapes = new java.util.TreeMap<>();
    for (String w : WORDS) {
      int first = w.charAt(0) - 'a';
      long shape = 0;
      for (int c = 0; c < w.length(); c++) {
        shape = (shape << 5) | ((w.charAt(c) - 'a' - first + 26) % 26 + 1);
      }
      shapes.merge(shape, 1 << first, (a, b) -> a | b);
    }
    SHAPES = new long[shapes.size()];
    SHAPE_FIRSTS = new int[shapes.size()];
    int next = 0;
    for (var e : shapes.entrySet()) {
      SHAPES[next] = e.getKey();
      SHAPE_FIRSTS[next++] = e.getValue();
    }
    KEYS = new long[WORDS.length];
    for (int k = 0; k < WORDS.length; k++) {
      long key = 0;
      for (int c = 0; c < WORDS[k].length(); c++) {
        key = (key << 5) | (WORDS[k].charAt(c) - 'a' + 1);
      }
      KEYS[k] = key;
    }
    Arrays.sort(KEYS);
  }

  private EnglishScore() {}

  /**
   * Scans segments for Caesar-shifted (ROT13 and every other shift), Atbash, reversed and per-word
   * reversed English; {@code last} is the layer's own encoding (a layer is never decoded again by
   * the transformation that produced it).
   */
  static boolean scan(Candidates out, Encoding last) {
    String s = out.text;
    int n = s.length();
    Tokens tokens = new Tokens();
    boolean shifts = last != Encoding.ROT13 && last != Encoding.CAESAR;
    boolean atbash = last != Encoding.ATBASH;
    boolean reversals = last != Encoding.REVERSED && last != Encoding.WORD_REVERSED;
    int i = 0;
    while (i < n) {
      int start = i;
      while (i < n && !isSegmentEnd(s, i) && i - start < MAX_SEGMENT) {
        i++;
      }
      int end = i;
      if (i < n && isSegmentEnd(s, i)) {
        i++;
      }
      if (end - start < 8 || out.covered(start, end)) {
        continue;
      }
      tokens.read(s, start, end);
      if (tokens.count < MIN_TOKENS) {
        continue;
      }
      if (shifts) {
        long range = -1;
        int shift = 0;
        int bestHits = 0;
        for (int k = 1; k < 26; k++) {
          if (tokens.hitsPerShift[k] < MIN_HITS || tokens.hitsPerShift[k] <= bestHits) {
            continue;
          }
          long r = tokens.best(tokens.shifted(k));
          if (r >= 0) {
            int hits = tokens.hits(tokens.transformed, r);
            if (hits > bestHits) {
              bestHits = hits;
              range = r;
              shift = k;
            }
          }
        }
        if (range >= 0) {
          int from = tokens.start[(int) (range >>> 32)];
          int to = tokens.end[(int) range];
          Encoding e = shift == 13 ? Encoding.ROT13 : Encoding.CAESAR;
          if (!out.offer(from, to, e, shift(s, from, to, shift))) {
            return false;
          }
          continue;
        }
      }
      if (atbash) {
        long range = tokens.best(tokens.atbash);
        if (range >= 0) {
          int from = tokens.start[(int) (range >>> 32)];
          int to = tokens.end[(int) range];
          if (!out.offer(from, to, Encoding.ATBASH, atbash(s, from, to))) {
            return false;
          }
          continue;
        }
      }
      if (reversals) {
        long range = tokens.best(tokens.reversed);
        if (range >= 0) {
          int from = tokens.start[(int) (range >>> 32)];
          int to = tokens.end[(int) range];
          // the whole run backwards, or each word backwards in place: the tokens are the same
          // either way, so only where the sentence marks sit can tell (see orientation)
          int orientation = orientation(s, start, from, to);
          if (orientation >= 0
              && !out.offer(
                  from,
                  to,
                  Encoding.REVERSED,
                  new StringBuilder(s.substring(from, to)).reverse().toString())) {
            return false;
          }
          if (orientation <= 0
              && !out.offer(from, to, Encoding.WORD_REVERSED, wordsReversed(s, from, to))) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /**
   * The word tokens of one segment, each marked by whether it is a function word as written, under
   * each Caesar shift, under Atbash, and reversed.
   */
  static final class Tokens {
    final int[] start = new int[MAX_SEGMENT];
    final int[] end = new int[MAX_SEGMENT];
    final boolean[] plain = new boolean[MAX_SEGMENT];

    /** Bit {@code k}: the token moved {@code k} letters on is a function word (bit 0: plain). */
    final int[] shifts = new int[MAX_SEGMENT];

    final int[] hitsPerShift = new int[26];
    final boolean[] transformed = new boolean[MAX_SEGMENT];
    final boolean[] atbash = new boolean[MAX_SEGMENT];
    final boolean[] reversed = new boolean[MAX_SEGMENT];
    int count;

    void read(String s, int from, int to) {
      count = 0;
      Arrays.fill(hitsPerShift, 0);
      int k = from;
      while (k < to) {
        while (k < to && isDelimiter(s.charAt(k))) {
          k++;
        }
        if (k >= to) {
          break;
        }
        int tokenStart = k;
        long key = 0;
        long shape = 0;
        long mirror = 0;
        long rev = 0;
        int first = 0;
        int length = 0;
        boolean word = true; // only letters: a token with digits or symbols is not a word
        while (k < to && !isDelimiter(s.charAt(k))) {
          int letter = letter(s.charAt(k));
          if (letter == 0) {
            word = false;
          } else if (length < MAX_WORD) {
            if (length == 0) {
              first = letter;
            }
            key = (key << 5) | letter;
            shape = (shape << 5) | ((letter - first + 26) % 26 + 1);
            mirror = (mirror << 5) | (27 - letter);
            rev |= (long) letter << (5 * length);
          }
          length++;
          k++;
        }
        boolean known = word && length <= MAX_WORD;
        start[count] = tokenStart;
        end[count] = k;
        int mask = known ? shiftsOf(shape, first - 1) : 0;
        shifts[count] = mask;
        plain[count] = (mask & 1) != 0;
        for (int m = mask & ~1; m != 0; m &= m - 1) {
          hitsPerShift[Integer.numberOfTrailingZeros(m)]++;
        }
        atbash[count] = known && isFunctionWord(mirror);
        reversed[count] = known && isFunctionWord(rev);
        count++;
      }
    }

    /** {@link #transformed} filled for Caesar shift {@code k}. */
    boolean[] shifted(int k) {
      for (int t = 0; t < count; t++) {
        transformed[t] = (shifts[t] & (1 << k)) != 0;
      }
      return transformed;
    }

    /** The function words of {@code marks} in a range from {@link #best}. */
    int hits(boolean[] marks, long range) {
      int hits = 0;
      for (int t = (int) (range >>> 32); t <= (int) range; t++) {
        hits += marks[t] ? 1 : 0;
      }
      return hits;
    }

    /**
     * The token range {@code [a, b]} (packed as {@code a << 32 | b}) where the transform makes the
     * text most clearly more English-like, or -1 when no range qualifies. A maximum-sum run
     * (Kadane) over +1 for a token that becomes a function word, -1 for one that stops being one,
     * -1/4 for the rest; then widened over neighbours that are not function words as written (a
     * name next to the question), and checked: at least {@value #MIN_TOKENS} tokens and {@value
     * #MIN_HITS} function words after the transform, a share of at least {@value #MIN_SHARE}, and
     * {@value #MIN_GAIN} above the share as written.
     */
    long best(boolean[] transformed) {
      double bestSum = 0;
      int bestFrom = -1;
      int bestTo = -1;
      double sum = 0;
      int from = 0;
      for (int t = 0; t < count; t++) {
        double v =
            transformed[t] && !plain[t]
                ? 1
                : plain[t] && !transformed[t] ? -1 : plain[t] ? 0 : -0.25; // both: neutral
        if (sum <= 0) {
          sum = 0;
          from = t;
        }
        sum += v;
        if (sum > bestSum) {
          bestSum = sum;
          bestFrom = from;
          bestTo = t;
        }
      }
      if (bestFrom < 0) {
        return -1;
      }
      // widened over neighbours that are not function words as written, or are ones either way
      while (bestFrom > 0 && (!plain[bestFrom - 1] || transformed[bestFrom - 1])) {
        bestFrom--;
      }
      while (bestTo + 1 < count && (!plain[bestTo + 1] || transformed[bestTo + 1])) {
        bestTo++;
      }
      int tokens = bestTo - bestFrom + 1;
      int hits = 0;
      int before = 0;
      for (int t = bestFrom; t <= bestTo; t++) {
        hits += transformed[t] ? 1 : 0;
        before += plain[t] ? 1 : 0;
      }
      if (tokens < MIN_TOKENS || hits < MIN_HITS) {
        return -1;
      }
      double share = (double) hits / tokens;
      boolean fires = share >= MIN_SHARE && share >= (double) before / tokens + MIN_GAIN;
      return fires ? ((long) bestFrom << 32) | bestTo : -1;
    }
  }

  /**
   * The Caesar shifts that turn a word of this shape, starting with letter {@code first} (0..25),
   * into a function word: bit {@code k} for a shift of {@code k} places (bit 0: the word itself).
   */
  static int shiftsOf(long shape, int first) {
    int i = Arrays.binarySearch(SHAPES, shape);
    if (i < 0) {
      return 0;
    }
    int firsts = SHAPE_FIRSTS[i]; // bit g: a function word of this shape starts with letter g
    return ((firsts >>> first) | (firsts << (26 - first))) & ((1 << 26) - 1);
  }

  private static boolean isFunctionWord(long key) {
    return Arrays.binarySearch(KEYS, key) >= 0;
  }

  /**
   * Whether the char at {@code i} ends a segment: a line break, or sentence punctuation that is not
   * directly followed by a letter or digit ({@code e.g}, {@code 3.14} and reversed text's {@code
   * ?od} do not end one), nor opens a word after a space (reversed text's {@code ?'sessylU'}: in
   * English a sentence mark follows its word, it never starts the next one).
   */
  private static boolean isSegmentEnd(String s, int i) {
    char c = s.charAt(i);
    if (c == '\n') {
      return true;
    }
    if (c != '.' && c != '!' && c != '?' && c != ':' && c != ';') {
      return false;
    }
    if (i + 1 >= s.length()) {
      return true;
    }
    char next = s.charAt(i + 1);
    if (Character.isLetterOrDigit(next)) {
      return false;
    }
    boolean opensWord = i == 0 || Character.isWhitespace(s.charAt(i - 1));
    return !(opensWord && !Character.isWhitespace(next));
  }

  /**
   * Which reading of a reversed run {@code s[from, to)} (in the segment starting at {@code
   * segment}) restores English word order: 1 for the whole run backwards, -1 for each word
   * backwards in place, 0 when the text cannot tell (both are offered). Both readings have the same
   * words, so word lists cannot choose; the sentence marks can. English puts {@code . ? !} after a
   * sentence's last word, so written backwards as a whole the mark opens the run's <em>first</em>
   * word ({@code ?ni etirw … tahW}), and with each word backwards in place it opens the
   * <em>last</em> one ({@code tahW … etirw ?ni}). Quotes and brackets before the mark are skipped
   * ({@code ?'sessylU'}, {@code ".ih"}). Judging the wrong reading is not harmless: its word order
   * is scrambled and sentence splitting cuts it into fragments ({@code discover?} alone) that can
   * score like a topic question.
   */
  static int orientation(String s, int segment, int from, int to) {
    int first = from;
    while (first > segment && !Character.isWhitespace(s.charAt(first - 1))) {
      first--;
    }
    int last = to;
    while (last > from && !Character.isWhitespace(s.charAt(last - 1))) {
      last--;
    }
    boolean whole = opensWithMark(s, first, to);
    boolean words = last > first && opensWithMark(s, last, to);
    return whole == words ? 0 : whole ? 1 : -1;
  }

  /** Whether the word at {@code i} starts with a sentence mark, after any quotes or brackets. */
  private static boolean opensWithMark(String s, int i, int to) {
    while (i < to && isQuote(s.charAt(i))) {
      i++;
    }
    if (i >= to) {
      return false;
    }
    char c = s.charAt(i);
    return c == '.' || c == '?' || c == '!';
  }

  private static boolean isQuote(char c) {
    return c == '"'
        || c == '\''
        || c == '('
        || c == ')'
        || c == '['
        || c == ']'
        || c == '\u2018'
        || c == '\u2019'
        || c == '\u201C'
        || c == '\u201D';
  }

  /** Whitespace and the punctuation that separates words; apostrophes and hyphens join them. */
  private static boolean isDelimiter(char c) {
    return Character.isWhitespace(c)
        || c == ','
        || c == '"'
        || c == '('
        || c == ')'
        || c == '.'
        || c == '!'
        || c == '?'
        || c == ':'
        || c == ';';
  }

  /** 1..26 for an ASCII letter of either case, else 0. */
  private static int letter(char c) {
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 1;
    }
    if (c >= 'A' && c <= 'Z') {
      return c - 'A' + 1;
    }
    return 0;
  }

  static String rot13(String s, int from, int to) {
    return shift(s, from, to, 13);
  }

  /** {@code s[from, to)} with each ASCII letter moved {@code k} places on (a Caesar shift). */
  static String shift(String s, int from, int to, int k) {
    char[] out = new char[to - from];
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c >= 'a' && c <= 'z') {
        c = (char) ('a' + (c - 'a' + k) % 26);
      } else if (c >= 'A' && c <= 'Z') {
        c = (char) ('A' + (c - 'A' + k) % 26);
      }
      out[i - from] = c;
    }
    return new String(out);
  }

  /** {@code s[from, to)} with each ASCII letter mirrored in the alphabet (a ↔ z). */
  static String atbash(String s, int from, int to) {
    char[] out = new char[to - from];
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c >= 'a' && c <= 'z') {
        c = (char) ('z' - (c - 'a'));
      } else if (c >= 'A' && c <= 'Z') {
        c = (char) ('Z' - (c - 'A'));
      }
      out[i - from] = c;
    }
    return new String(out);
  }

  /** {@code s[from, to)} with each run of non-whitespace written backwards, in place. */
  static String wordsReversed(String s, int from, int to) {
    StringBuilder out = new StringBuilder(to - from);
    int i = from;
    while (i < to) {
      if (Character.isWhitespace(s.charAt(i))) {
        out.append(s.charAt(i++));
        continue;
      }
      int w = i;
      while (i < to && !Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      out.append(new StringBuilder(s.substring(w, i)).reverse());
    }
    return out.toString();
  }
}

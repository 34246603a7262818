package dev.lethe.filters.text;

import java.util.Arrays;

/**
 * Recognises ROT13 and reversed text, which have no shape of their own, by how English-like they
 * become: the share of word tokens (split at whitespace and punctuation; a token with a digit or a
 * symbol is never a word, so base64 lines do not count) that are common English function words,
 * from a small fixed list. Within each segment (text between {@code . ! ? : ;} and line breaks, at
 * most {@value #MAX_SEGMENT} chars) the run of tokens that gains most is found ({@link
 * Tokens#best}), so a wrapper sentence around the payload does not dilute it; the run is reported
 * transformed only when it then has at least {@value #MIN_HITS} function words, a share of at least
 * {@value #MIN_SHARE}, and a share {@value #MIN_GAIN} above the original's: plain English never
 * fires, since its transforms score near zero.
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

  static {
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

  /** Scans segments for ROT13 and reversed English; {@code last} is the layer's own encoding. */
  static boolean scan(Candidates out, Encoding last) {
    String s = out.text;
    int n = s.length();
    Tokens tokens = new Tokens();
    int i = 0;
    while (i < n) {
      int start = i;
      while (i < n && !isSegmentEnd(s.charAt(i)) && i - start < MAX_SEGMENT) {
        i++;
      }
      int end = i;
      if (i < n && isSegmentEnd(s.charAt(i))) {
        i++;
      }
      if (end - start < 8 || out.covered(start, end)) {
        continue;
      }
      tokens.read(s, start, end);
      if (tokens.count < MIN_TOKENS) {
        continue;
      }
      if (last != Encoding.ROT13) {
        long range = tokens.best(tokens.rot13);
        if (range >= 0) {
          int from = tokens.start[(int) (range >>> 32)];
          int to = tokens.end[(int) range];
          if (!out.offer(from, to, Encoding.ROT13, rot13(s, from, to))) {
            return false;
          }
          continue;
        }
      }
      if (last != Encoding.REVERSED) {
        long range = tokens.best(tokens.reversed);
        if (range >= 0) {
          int from = tokens.start[(int) (range >>> 32)];
          int to = tokens.end[(int) range];
          String reversed = new StringBuilder(s.substring(from, to)).reverse().toString();
          if (!out.offer(from, to, Encoding.REVERSED, reversed)) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /**
   * The word tokens of one segment, each marked by whether it is a function word as written,
   * ROT13'd, and reversed.
   */
  static final class Tokens {
    final int[] start = new int[MAX_SEGMENT];
    final int[] end = new int[MAX_SEGMENT];
    final boolean[] plain = new boolean[MAX_SEGMENT];
    final boolean[] rot13 = new boolean[MAX_SEGMENT];
    final boolean[] reversed = new boolean[MAX_SEGMENT];
    int count;

    void read(String s, int from, int to) {
      count = 0;
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
        long rot = 0;
        long rev = 0;
        int length = 0;
        boolean word = true; // only letters: a token with digits or symbols is not a word
        while (k < to && !isDelimiter(s.charAt(k))) {
          int letter = letter(s.charAt(k));
          if (letter == 0) {
            word = false;
          } else if (length < MAX_WORD) {
            key = (key << 5) | letter;
            rot = (rot << 5) | ((letter - 1 + 13) % 26 + 1);
            rev |= (long) letter << (5 * length);
          }
          length++;
          k++;
        }
        boolean known = word && length <= MAX_WORD;
        start[count] = tokenStart;
        end[count] = k;
        plain[count] = known && isFunctionWord(key);
        rot13[count] = known && isFunctionWord(rot);
        reversed[count] = known && isFunctionWord(rev);
        count++;
      }
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
        double v = transformed[t] && !plain[t] ? 1 : plain[t] && !transformed[t] ? -1 : -0.25;
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
      while (bestFrom > 0 && !plain[bestFrom - 1]) {
        bestFrom--;
      }
      while (bestTo + 1 < count && !plain[bestTo + 1]) {
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

  private static boolean isFunctionWord(long key) {
    return Arrays.binarySearch(KEYS, key) >= 0;
  }

  private static boolean isSegmentEnd(char c) {
    return c == '.' || c == '!' || c == '?' || c == ':' || c == ';' || c == '\n';
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
    char[] out = new char[to - from];
    for (int k = from; k < to; k++) {
      char c = s.charAt(k);
      if (c >= 'a' && c <= 'z') {
        c = (char) ('a' + (c - 'a' + 13) % 26);
      } else if (c >= 'A' && c <= 'Z') {
        c = (char) ('A' + (c - 'A' + 13) % 26);
      }
      out[k - from] = c;
    }
    return new String(out);
  }
}

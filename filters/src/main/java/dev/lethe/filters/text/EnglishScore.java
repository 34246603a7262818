package dev.lethe.filters.text;

import java.util.Arrays;

/**
 * Recognises ROT13 and reversed text, which have no shape of their own, by how English-like they
 * become: the share of word tokens that are common English function words, from a small fixed list.
 * A segment (text between {@code . ! ? : ;} and line breaks, at most {@value #MAX_SEGMENT} chars)
 * is reported transformed only when the transformed text has at least {@value #MIN_HITS} function
 * words, a share of at least {@value #MIN_SHARE}, and a share {@value #MIN_GAIN} above the
 * original's: plain English never fires, since its transforms score near zero.
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
      while (start < end && Character.isWhitespace(s.charAt(start))) {
        start++;
      }
      while (end > start && Character.isWhitespace(s.charAt(end - 1))) {
        end--;
      }
      if (end - start < 8) {
        continue;
      }
      if (out.covered(start, end)) {
        continue;
      }
      int[] plain = score(s, start, end, false, false);
      if (plain[0] < MIN_TOKENS || plain[1] >= plain[0] * (1 - MIN_GAIN)) {
        continue;
      }
      if (last != Encoding.ROT13 && fires(plain, score(s, start, end, true, false))) {
        if (!out.offer(start, end, Encoding.ROT13, rot13(s, start, end))) {
          return false;
        }
      } else if (last != Encoding.REVERSED && fires(plain, score(s, start, end, false, true))) {
        String reversed = new StringBuilder(s.substring(start, end)).reverse().toString();
        if (!out.offer(start, end, Encoding.REVERSED, reversed)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean isSegmentEnd(char c) {
    return c == '.' || c == '!' || c == '?' || c == ':' || c == ';' || c == '\n';
  }

  private static boolean fires(int[] plain, int[] transformed) {
    int tokens = transformed[0];
    int hits = transformed[1];
    if (tokens < MIN_TOKENS || hits < MIN_HITS) {
      return false;
    }
    double share = (double) hits / tokens;
    double before = (double) plain[1] / plain[0];
    return share >= MIN_SHARE && share >= before + MIN_GAIN;
  }

  /**
   * {@code [tokens, function-word hits]} of {@code [from, to)}, read with ROT13 applied or
   * backwards, without building the transformed text.
   */
  static int[] score(String s, int from, int to, boolean rot13, boolean backwards) {
    int tokens = 0;
    int hits = 0;
    long key = 0;
    int length = 0;
    boolean word = true; // only letters so far: a token with digits or symbols is not a word
    int span = to - from;
    for (int k = 0; k <= span; k++) {
      char c = k == span ? ' ' : s.charAt(backwards ? to - 1 - k : from + k);
      if (!isDelimiter(c)) {
        int letter = letter(c);
        if (letter == 0) {
          word = false;
        } else if (rot13) {
          letter = (letter - 1 + 13) % 26 + 1;
        }
        if (length < MAX_WORD) {
          key = (key << 5) | letter;
        }
        length++;
        continue;
      }
      if (length > 0) {
        tokens++;
        if (word && length <= MAX_WORD && Arrays.binarySearch(KEYS, key) >= 0) {
          hits++;
        }
        key = 0;
        length = 0;
        word = true;
      }
    }
    return new int[] {tokens, hits};
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

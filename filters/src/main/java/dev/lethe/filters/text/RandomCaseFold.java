package dev.lethe.filters.text;

import java.util.EnumSet;

/**
 * The {@link Canonicalizer} step that reads a text written in random case ({@code WHERe wAS TAe-Ho
 * parK bORN}: the random-capitals converter of red-teaming toolkits, and the case noise of
 * best-of-N jailbreaking, Hughes et al. 2024, arXiv:2412.03556) in lower case. In such a text case
 * says nothing: a capital does not mark a name, and a word lower case but for its last letter is
 * chance, not a word written backwards; in lower case the subject lookup and the reading of other
 * names treat it as a text typed without capitals.
 *
 * <p>A text is in random case when at least {@value #MIN_IRREGULAR} of its words, and {@value
 * #IRREGULAR_SHARE} of those of two letters or more, are {@link #irregular irregular}: a capital
 * after the first letter, not all capitals, and not the shape of a word written backwards ({@code
 * harraJ}). Ordinary text has few such words ({@code iOS}, {@code JavaScript}, {@code McDonald}).
 * Each char is lower-cased in place, so the canonical text maps to the original one for one.
 */
final class RandomCaseFold {
  /** The fewest words in irregular case that make a text random case. */
  static final int MIN_IRREGULAR = 3;

  /** The share of words in irregular case that makes a text random case. */
  static final double IRREGULAR_SHARE = 0.3;

  private RandomCaseFold() {}

  static MappedText apply(MappedText in, EnumSet<Fold> applied) {
    if (!randomCase(in)) {
      return in;
    }
    int n = in.length();
    MappedText out = new MappedText(n);
    for (int k = 0; k < n; k++) {
      out.append(Character.toLowerCase(in.charAt(k)), in.start(k), in.end(k));
    }
    applied.add(Fold.RANDOM_CASE);
    return out;
  }

  /** Whether {@code in} is written in random case (see the class comment). */
  static boolean randomCase(MappedText in) {
    int n = in.length();
    int words = 0;
    int irregular = 0;
    int i = 0;
    while (i < n) {
      if (!Chars.startsAsciiWord(in, i)) {
        i++;
        continue;
      }
      int start = i;
      i = Chars.asciiLettersEnd(in, i);
      if (i - start >= 2) {
        words++;
        irregular += irregular(in, start, i) ? 1 : 0;
      }
    }
    return irregular >= MIN_IRREGULAR && irregular >= IRREGULAR_SHARE * words;
  }

  /**
   * Whether the ASCII word {@code in[start, end)} is in irregular case: a capital after its first
   * letter, while neither all capitals nor lower case but for its last letter.
   */
  static boolean irregular(MappedText in, int start, int end) {
    int upper = 0;
    int upperInside = 0;
    for (int k = start; k < end; k++) {
      if (isUpper(in.charAt(k))) {
        upper++;
        upperInside += k > start ? 1 : 0;
      }
    }
    boolean turned = upper == 1 && isUpper(in.charAt(end - 1));
    return upperInside > 0 && upper < end - start && !turned;
  }

  /**
   * Whether the ASCII word next to {@code in[start, end)} on either side, one space or hyphen away,
   * is {@link #irregular irregular}: the word is then part of a name in random case ({@code carmeN
   * mONTEneGRo}), not written backwards.
   */
  static boolean irregularNeighbour(MappedText in, int start, int end) {
    int n = in.length();
    if (start >= 2
        && separator(in.charAt(start - 1))
        && Chars.isAsciiLetter(in.charAt(start - 2))) {
      int e = start - 1;
      int s = e;
      while (s > 0 && Chars.isAsciiLetter(in.charAt(s - 1))) {
        s--;
      }
      if (e - s >= 2 && irregular(in, s, e)) {
        return true;
      }
    }
    if (end + 1 < n && separator(in.charAt(end)) && Chars.isAsciiLetter(in.charAt(end + 1))) {
      int s = end + 1;
      int e = Chars.asciiLettersEnd(in, s);
      return e - s >= 2 && irregular(in, s, e);
    }
    return false;
  }

  private static boolean separator(char c) {
    return c == ' ' || c == '-';
  }

  private static boolean isUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }
}

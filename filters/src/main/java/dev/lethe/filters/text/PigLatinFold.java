package dev.lethe.filters.text;

import java.util.EnumSet;

/**
 * The {@link Canonicalizer} step that reads a capitalised name written in Pig Latin back ({@code
 * inXay eeLay illiamsWay} → {@code Xin Lee Williams}, {@code ei-JunWay enChay} → {@code Wei-Jun
 * Chen}): the word's opening consonants moved to its end and {@code ay} added. A name keeps its
 * capital, which then stands inside the word and marks where it was cut, a shape no English word or
 * identifier has: a run of ASCII letters (and hyphens) that opens with a small letter, ends with
 * {@code ay}, and has, before that {@code ay}, a capital followed only by small consonants, with at
 * least {@value #MIN_REST} chars holding a vowel before the capital ({@code eBay} and {@code iPay}
 * stay). A word of the same name that opens with a vowel moves nothing and only gains the ending
 * ({@code Ameenay}); it is read back only beside a word cut so ({@link #vowelWordInPigLatin}).
 * Every char of the turned word maps to the whole word as written.
 */
final class PigLatinFold {
  static final int MIN_REST = 2;

  private PigLatinFold() {}

  static MappedText apply(MappedText in, EnumSet<Fold> applied) {
    int n = in.length();
    // the runs of letters and hyphens that may be Pig Latin: where each is cut (-1: none), and the
    // length of the name in a vowel-initial word (0: none), read only beside a cut one
    java.util.List<int[]> runs = new java.util.ArrayList<>();
    boolean any = false;
    int i = 0;
    while (i < n) {
      char c = in.charAt(i);
      if (!Chars.startsAsciiWord(in, i)) {
        i++;
        continue;
      }
      int start = i;
      while (i < n && (Chars.isAsciiLetter(in.charAt(i)) || in.charAt(i) == '-')) {
        i++;
      }
      int end = i;
      if (end < n && Chars.isIdentifierChar(in.charAt(end))) {
        continue;
      }
      int cut = c >= 'a' && c <= 'z' ? cut(in, start, end) : -1;
      any |= cut >= 0;
      int vowelWord = cut >= 0 ? 0 : vowelWordInPigLatin(in, start, end);
      if (cut >= 0 || vowelWord > 0) {
        // only the candidates: a megabyte has many runs
        runs.add(new int[] {start, end, cut, vowelWord});
      }
    }
    if (!any) {
      return in;
    }
    MappedText.Rewriter w = new MappedText.Rewriter(in);
    for (int r = 0; r < runs.size(); r++) {
      int[] run = runs.get(r);
      int start = run[0];
      int end = run[1];
      StringBuilder turned = new StringBuilder(end - start);
      if (run[2] >= 0) {
        for (int k = run[2]; k < end - 2; k++) {
          turned.append(in.charAt(k));
        }
        for (int k = start; k < run[2]; k++) {
          turned.append(in.charAt(k));
        }
      } else if (neighbour(in, runs, r, -1) || neighbour(in, runs, r, 1)) {
        turned.append(in.toString(start, start + run[3]));
      } else {
        continue;
      }
      MappedText out = w.upTo(start);
      out.appendOver(turned, in, start, end);
      w.resumeAt(end);
      applied.add(Fold.PIG_LATIN);
    }
    return w.result();
  }

  /**
   * Whether run {@code r}'s neighbour on side {@code side} (the candidate before or after it, one
   * space apart, so the next word of the text) was read as Pig Latin: a name's other word, written
   * the same way.
   */
  private static boolean neighbour(MappedText in, java.util.List<int[]> runs, int r, int side) {
    int o = r + side;
    if (o < 0 || o >= runs.size() || runs.get(o)[2] < 0) {
      return false;
    }
    int gapFrom = side < 0 ? runs.get(o)[1] : runs.get(r)[1];
    int gapTo = side < 0 ? runs.get(r)[0] : runs.get(o)[0];
    return gapTo - gapFrom == 1 && in.charAt(gapFrom) == ' ';
  }

  /**
   * The length of the word inside a capitalised word that opens with a vowel and is written in Pig
   * Latin ({@code Ameenay}, {@code Ameenway}, {@code Ameenyay} → 5), or 0: such a word moves no
   * consonant, so only its ending tells it, and it is read so only beside a word cut as Pig Latin.
   */
  static int vowelWordInPigLatin(MappedText in, int start, int end) {
    char first = Character.toLowerCase(in.charAt(start));
    if (!Character.isUpperCase(in.charAt(start)) || !vowel(first) || end - start < 5) {
      return 0;
    }
    if (in.charAt(end - 2) != 'a' || in.charAt(end - 1) != 'y') {
      return 0;
    }
    int body = end - 2;
    char before = in.charAt(body - 1);
    if ((before == 'w' || before == 'y') && body - 1 - start >= 3) {
      body--;
    }
    return body - start >= 3 ? body - start : 0;
  }

  /**
   * Where the moved consonants start in {@code in[start, end)} read as Pig Latin (the index of the
   * capital), or -1 when the run has not that shape.
   */
  static int cut(MappedText in, int start, int end) {
    if (end - start < MIN_REST + 3 || in.charAt(end - 2) != 'a' || in.charAt(end - 1) != 'y') {
      return -1;
    }
    int body = end - 2;
    int capital = -1;
    for (int k = body - 1; k > start; k--) {
      char c = in.charAt(k);
      if (c >= 'A' && c <= 'Z') {
        capital = k;
        break;
      }
      if (c < 'a' || c > 'z' || vowel(c)) {
        return -1; // after the capital only small consonants
      }
    }
    if (capital - start < MIN_REST || in.charAt(capital - 1) == '-') {
      return -1;
    }
    boolean hasVowel = false;
    for (int k = start; k < capital; k++) {
      char c = in.charAt(k);
      if (c >= 'A' && c <= 'Z' && in.charAt(k - 1) != '-') {
        return -1; // one capital, the name's (and those of its parts after a hyphen: ei-JunWay)
      }
      hasVowel |= vowel(c);
    }
    return hasVowel && in.charAt(capital - 1) != '-' ? capital : -1;
  }

  private static boolean vowel(char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
  }
}

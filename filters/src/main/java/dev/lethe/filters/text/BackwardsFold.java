package dev.lethe.filters.text;

import java.util.EnumSet;

/**
 * The {@link Canonicalizer} step that reads a capitalised word written backwards the right way
 * round: a name reversed inside an ordinary sentence ({@code What did harraJ bidA write?} → {@code
 * What did Jarrah Adib write?}). The decoders undo a whole reversed run only where the run becomes
 * more English; a lone name has no English to gain, so it is caught by its shape instead: a run of
 * ASCII letters, lower case but for its <em>last</em> letter, which no English word, identifier or
 * unit has at three letters or more ({@code macOS}, {@code iOS}, {@code mRNA} and {@code kW} have
 * other capitals or are shorter). Two letters are enough beside a hyphen ({@code itiawuK-lA} →
 * {@code Kuwaiti-Al}). Every char of the turned word maps to the whole word as written (the map
 * stays monotone), so a match masks the right span. The word order of a name reversed as a whole
 * stays reversed ({@code lisaB} and {@code zuofhaM} each become a word again), which the subject
 * lookup reads like any name. A word beside a word in irregular case ({@code carmeN mONTEneGRo},
 * {@code weI-jUn cheN}) is case noise, not a word written backwards, and stays; so does every word
 * of a text in random case, which {@link RandomCaseFold} has put in lower case before this step.
 */
final class BackwardsFold {
  static final int MIN_LETTERS = 3;

  private BackwardsFold() {}

  static MappedText apply(MappedText in, EnumSet<Fold> applied) {
    int n = in.length();
    MappedText.Rewriter w = new MappedText.Rewriter(in);
    int i = 0;
    while (i < n) {
      if (!Chars.startsAsciiWord(in, i)) {
        i++;
        continue;
      }
      int start = i;
      i = Chars.asciiLettersEnd(in, i);
      int end = i;
      if (end < n && Chars.isIdentifierChar(in.charAt(end))
          || !backwards(in, start, end)
          || RandomCaseFold.irregularNeighbour(in, start, end)) {
        continue;
      }
      MappedText out = w.upTo(start);
      StringBuilder turned = new StringBuilder(end - start);
      for (int k = end - 1; k >= start; k--) {
        char ch = in.charAt(k);
        turned.append(k == end - 1 ? Character.toUpperCase(ch) : Character.toLowerCase(ch));
      }
      out.appendOver(turned, in, start, end);
      w.resumeAt(end);
      applied.add(Fold.BACKWARDS);
    }
    return w.result();
  }

  /** Whether {@code in[start, end)} is lower case but for its last letter, and long enough. */
  private static boolean backwards(MappedText in, int start, int end) {
    int length = end - start;
    boolean hyphenated =
        start > 0 && in.charAt(start - 1) == '-' || end < in.length() && in.charAt(end) == '-';
    if (length < MIN_LETTERS && !(length == 2 && hyphenated)) {
      return false;
    }
    if (!isUpper(in.charAt(end - 1))) {
      return false;
    }
    for (int k = start; k < end - 1; k++) {
      if (isUpper(in.charAt(k))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }
}

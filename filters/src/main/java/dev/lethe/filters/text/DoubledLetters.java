package dev.lethe.filters.text;

import java.util.EnumSet;

/**
 * The {@link Canonicalizer} step that reads a word with every letter written twice back ({@code
 * RRaajjeeeevv} → {@code Rajeev}, {@code TTaaee-hhoo} → {@code Tae-ho}): a run of letters (parts
 * joined by hyphens) that opens with a capital and in which every part has an even length of at
 * least {@value #MIN_PART} and each char equals the one after it, pair by pair, with at least two
 * different pairs in some part ({@code mmmm}, {@code zzzz} stay). No English word or identifier has
 * that shape. Each kept char maps to its pair.
 */
final class DoubledLetters {
  static final int MIN_PART = 4;

  private DoubledLetters() {}

  static MappedText apply(MappedText in, EnumSet<Fold> applied) {
    int n = in.length();
    MappedText.Rewriter w = null;
    int i = 0;
    while (i < n) {
      if (!Character.isLetter(in.charAt(i))
          || (i > 0 && Chars.isIdentifierChar(in.charAt(i - 1)))) {
        i++;
        continue;
      }
      int start = i;
      while (i < n && (Character.isLetter(in.charAt(i)) || in.charAt(i) == '-')) {
        i++;
      }
      int end = i;
      while (end > start && in.charAt(end - 1) == '-') {
        end--;
      }
      if ((end < n && Chars.isIdentifierChar(in.charAt(end))) || !doubled(in, start, end)) {
        continue;
      }
      if (w == null) {
        w = new MappedText.Rewriter(in);
      }
      MappedText out = w.upTo(start);
      int k = start;
      while (k < end) {
        char c = in.charAt(k);
        if (c == '-') {
          out.append(c, in.start(k), in.end(k));
          k++;
        } else {
          out.append(c, in.start(k), in.end(k + 1));
          k += 2;
        }
      }
      w.resumeAt(end);
      applied.add(Fold.DOUBLED);
    }
    return w == null ? in : w.result();
  }

  /** Whether every hyphen-separated part of {@code in[start, end)} is written pair by pair. */
  static boolean doubled(MappedText in, int start, int end) {
    if (!Character.isUpperCase(in.charAt(start))) {
      return false; // a name's capital, doubled: a lower-case run (aabbccdd) may be an identifier
    }
    boolean distinct = false;
    int p = start;
    while (p < end) {
      int q = p;
      while (q < end && in.charAt(q) != '-') {
        q++;
      }
      int len = q - p;
      if (len < MIN_PART || len % 2 != 0) {
        return false;
      }
      for (int k = p; k < q; k += 2) {
        if (in.charAt(k) != in.charAt(k + 1)) {
          return false;
        }
        distinct |=
            k > p && Character.toLowerCase(in.charAt(k)) != Character.toLowerCase(in.charAt(k - 2));
      }
      p = q + 1;
    }
    return distinct;
  }
}

package dev.lethe.filters.text;

import java.util.EnumSet;

/**
 * The {@link Canonicalizer} step that removes noise symbols interleaved with a word's letters
 * ({@code B#as^il M~ahf`ouz} → {@code Basil Mahfouz}) and reads an underscore between two words as
 * a space ({@code Basil_Mahfouz} → {@code Basil Mahfouz}, capitalised words only).
 *
 * <p>A noise symbol is one of {@code # ^ ~ ` * + \ = < >}: never part of an English word, and not a
 * leetspeak letter ({@code @ $ | !} are left to {@link LeetFold}). A token (a run of letters, marks
 * and noise symbols) is folded when it has at least {@value #MIN_LETTERS} letters, and every noise
 * symbol in it stands alone between two letters; so {@code C#}, {@code **bold**}, {@code x^2},
 * {@code a+b} and {@code C++} stay. An underscore separates words when both sides are capitalised
 * words ({@code Basil_Mahfouz}); identifiers such as {@code snake_case_name} and {@code MAX_VALUE}
 * stay.
 */
final class NoiseFold {
  static final int MIN_LETTERS = 4;

  private NoiseFold() {}

  static boolean isNoise(char c) {
    return switch (c) {
      case '#', '^', '~', '`', '*', '+', '\\', '=', '<', '>' -> true;
      default -> false;
    };
  }

  static MappedText apply(MappedText in, EnumSet<Fold> applied) {
    int n = in.length();
    MappedText.Rewriter w = new MappedText.Rewriter(in);
    int i = 0;
    while (i < n) {
      int cp = in.codePointAt(i);
      if (!Chars.isLetter(cp) || (i > 0 && isTokenChar(in.charAt(i - 1)))) {
        i += Character.charCount(cp);
        continue;
      }
      int start = i;
      int letters = 0;
      int noise = 0;
      int underscores = 0;
      boolean ok = true;
      int run = 0; // letters since the last symbol
      int wordStart = i;
      while (i < n) {
        int c = in.codePointAt(i);
        char ch = in.charAt(i);
        if (Chars.isLetter(c) || Chars.isMark(c)) {
          letters += Chars.isLetter(c) ? 1 : 0;
          run += Chars.isLetter(c) ? 1 : 0;
          i += Character.charCount(c);
          continue;
        }
        boolean noisy = isNoise(ch);
        if ((noisy || ch == '_') && i + 1 < n && Chars.isLetter(in.codePointAt(i + 1))) {
          if (run == 0) {
            ok = false;
          }
          if (ch == '_') {
            boolean join = run >= 2 && titleWordAhead(in, i + 1) && capitalised(in, wordStart);
            underscores += join ? 1 : 0;
            ok &= join;
          } else {
            noise++;
          }
          run = 0;
          i++;
          wordStart = i;
          continue;
        }
        break;
      }
      int end = i;
      if (end < n && (isNoise(in.charAt(end)) || Chars.isWordChar(in.codePointAt(end)))) {
        ok = false; // a symbol at the token's end, or digits: not interleaved noise
      }
      boolean fold = ok && ((noise > 0 && letters >= MIN_LETTERS) || underscores > 0);
      if (!fold) {
        continue;
      }
      MappedText out = w.upTo(start);
      for (int k = start; k < end; k++) {
        char ch = in.charAt(k);
        if (ch == '_') {
          out.append(' ', k, k + 1);
        } else if (!isNoise(ch)) {
          out.copy(in, k, k + 1);
        }
      }
      w.resumeAt(end);
      applied.add(Fold.NOISE);
    }
    return w.result();
  }

  private static boolean isTokenChar(char c) {
    return Chars.isWordChar(c) || isNoise(c) || c == '_';
  }

  /** Whether a capital followed by a small letter starts at {@code i} ({@code Mahfouz}). */
  private static boolean titleWordAhead(MappedText in, int i) {
    return i + 1 < in.length()
        && Character.isUpperCase(in.charAt(i))
        && Character.isLowerCase(in.charAt(i + 1));
  }

  private static boolean capitalised(MappedText in, int i) {
    return i >= 0 && i < in.length() && Character.isUpperCase(in.charAt(i));
  }
}

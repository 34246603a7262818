package dev.lethe.filters.text;

import java.util.EnumSet;

/**
 * The {@link Canonicalizer} step that removes noise symbols interleaved with a word's letters
 * ({@code B#as^il M~ahf`ouz} → {@code Basil Mahfouz}) and reads an underscore between two words as
 * a space between two capitalised words ({@code Basil_Mahfouz} → {@code Basil Mahfouz}) or two
 * lower-case words of which one is no English word ({@code hina_ameen}: a name typed without
 * capitals).
 *
 * <p>A noise symbol is one of {@code # ^ ~ ` * + \ = < >}: never part of an English word, and not a
 * leetspeak letter ({@code @ $ | !} are left to {@link LeetFold}). A token (a run of letters, marks
 * and noise symbols) is folded when it has at least {@value #MIN_LETTERS} letters, and every noise
 * symbol in it stands alone between two letters; so {@code C#}, {@code **bold**}, {@code x^2},
 * {@code a+b} and {@code C++} stay. An underscore separates words when both sides are capitalised
 * words ({@code Basil_Mahfouz}) or lower-case words one of which is no English word ({@code
 * hina_ameen}); identifiers made of words, such as {@code snake_case_name}, {@code user_id} and
 * {@code MAX_VALUE}, stay (one that is not, {@code max_len}, gains a reading with a space, which
 * only adds a form to judge).
 */
final class NoiseFold {
  static final int MIN_LETTERS = 4;

  /** Longer handles and local parts are left alone ({@link #handles}). */
  static final int MAX_HANDLE = 128;

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
            boolean join =
                run >= 2
                    && ((titleWordAhead(in, i + 1) && capitalised(in, wordStart))
                        || uncasedNames(in, wordStart, i));
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

  /**
   * Reads a full stop or an underscore between the words of a handle ({@code @hina.ameen}, {@code
   * @ji-yeong_hwang}) or of an e-mail address's local part ({@code hina.ameen@example.org}) as a
   * space where the words read as a name typed without capitals ({@link #uncasedNames}: lower-case
   * letters, at least one of the two no common English word), so the name is read as when typed
   * with a space. An address's domain ({@code example.org} after the {@code @}) stays.
   */
  static MappedText handles(MappedText in, EnumSet<Fold> applied) {
    int n = in.length();
    MappedText.Rewriter w = null;
    int done =
        0; // the end of the last handle read: an address's local part may be the handle before
    for (int at = 0; at < n; at++) {
      if (in.charAt(at) != '@') {
        continue;
      }
      // the handle after '@' (when nothing of a word stands before it), or the local part before
      int from;
      int to;
      if (at == 0 || !handleChar(in.charAt(at - 1))) {
        from = at + 1;
        to = from;
        while (to < n && handleChar(in.charAt(to))) {
          to++;
        }
      } else {
        to = at;
        from = at;
        while (from > 0 && handleChar(in.charAt(from - 1))) {
          from--;
        }
        if (from > 0 && Chars.isWordChar(in.charAt(from - 1))) {
          continue;
        }
      }
      if (to - from > MAX_HANDLE) {
        continue; // no handle or address is that long: a hostile run costs no word look-ups
      }
      int first = Math.max(from + 2, done);
      done = Math.max(done, to);
      for (int k = first; k < to - 2; k++) {
        char c = in.charAt(k);
        if (c != '.' && c != '_') {
          continue;
        }
        int ws = k;
        while (ws > from && in.charAt(ws - 1) >= 'a' && in.charAt(ws - 1) <= 'z') {
          ws--;
        }
        if (!uncasedNames(in, ws, k)) {
          continue;
        }
        if (w == null) {
          w = new MappedText.Rewriter(in);
        }
        MappedText out = w.upTo(k);
        out.append(' ', in.start(k), in.end(k));
        w.resumeAt(k + 1);
        applied.add(Fold.NOISE);
      }
    }
    return w == null ? in : w.result();
  }

  private static boolean handleChar(char c) {
    return c >= 'a' && c <= 'z'
        || c >= 'A' && c <= 'Z'
        || c >= '0' && c <= '9'
        || c == '.'
        || c == '_'
        || c == '-';
  }

  private static boolean isTokenChar(char c) {
    return Chars.isWordChar(c) || isNoise(c) || c == '_';
  }

  /** Whether a capital followed by a small letter starts at {@code i} ({@code Mahfouz}). */
  /**
   * Reads a symbol that stands for a space between two words as that space: {@code +} and {@code =}
   * of a query string ({@code ?author=Carmen+Montenegro}), a middle dot or bullet ({@code
   * Jad·Ambrose}, {@code Jad・Ambrose}), or a full stop with no space ({@code Adib.Jarrah}), where
   * the word before has two letters or more and the word after is capitalised ({@code Ab} then
   * {@code Cd…}): the name then reads as typed with spaces rather than as one run of letters. Runs
   * before {@link #apply}, which would otherwise drop {@code +} and {@code =} as noise inside one
   * word; single letters ({@code J.R.R.}, {@code N·i·k}) are {@link SpacedWords}'.
   */
  static MappedText wordBreaks(MappedText in, EnumSet<Fold> applied) {
    int n = in.length();
    MappedText.Rewriter w = null;
    for (int k = 2; k + 2 < n; k++) {
      char c = in.charAt(k);
      if (!wordBreak(c)
          || !Chars.isLetter(in.charAt(k - 1))
          || !Chars.isLetter(in.charAt(k - 2))
          || !titleWordAhead(in, k + 1)) {
        continue;
      }
      if (c == '.' && !Character.isLowerCase(in.charAt(k - 1))) {
        continue; // U.S.A, N.Y.
      }
      if (w == null) {
        w = new MappedText.Rewriter(in);
      }
      w.upTo(k).append(' ', in.start(k), in.end(k));
      w.resumeAt(k + 1);
      applied.add(Fold.NOISE);
    }
    return w == null ? in : w.result();
  }

  private static boolean wordBreak(char c) {
    return c == '+'
        || c == '='
        || c == '.'
        || c == '\u00b7'
        || c == '\u2022'
        || c == '\u2027'
        || c == '\u30fb';
  }

  private static boolean titleWordAhead(MappedText in, int i) {
    return i + 1 < in.length()
        && Character.isUpperCase(in.charAt(i))
        && Character.isLowerCase(in.charAt(i + 1));
  }

  /**
   * Whether the lower-case words before and after the underscore at {@code at} ({@code wordStart}
   * .. {@code at}, and from {@code at + 1} to the next char that is no small ASCII letter) read as
   * a name typed without capitals ({@code hina_ameen}): both are lower-case ASCII letters, two or
   * more, and at least one of them is no common English word ({@link EnglishWords}). Identifiers
   * made of words ({@code snake_case_name}, {@code user_id}) stay.
   */
  private static boolean uncasedNames(MappedText in, int wordStart, int at) {
    int end = at + 1;
    while (end < in.length() && in.charAt(end) >= 'a' && in.charAt(end) <= 'z') {
      end++;
    }
    if (end - at - 1 < 2 || !lowerAscii(in, wordStart, at)) {
      return false;
    }
    return !EnglishWords.contains(in.toString(wordStart, at))
        || !EnglishWords.contains(in.toString(at + 1, end));
  }

  private static boolean lowerAscii(MappedText in, int from, int to) {
    if (to - from < 2) {
      return false;
    }
    for (int k = from; k < to; k++) {
      char c = in.charAt(k);
      if (c < 'a' || c > 'z') {
        return false;
      }
    }
    return true;
  }

  private static boolean capitalised(MappedText in, int i) {
    return i >= 0 && i < in.length() && Character.isUpperCase(in.charAt(i));
  }
}

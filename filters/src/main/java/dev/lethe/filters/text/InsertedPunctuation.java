package dev.lethe.filters.text;

/**
 * Punctuation scattered inside words ({@code Wh?a,t b;o!oks' did Adi.b Ja:rr;a!h w;r!i;te'?}), the
 * "insert punctuation" converter of red-teaming toolkits (PyRIT's {@code
 * InsertPunctuationConverter}): readers and language models skip the marks, while the marks cut a
 * name into pieces that no lookup matches. The screening judges a form with the marks taken out
 * ({@link #read}) beside the canonical one.
 *
 * <p>A word is read so when a {@code ? , ; : !} stands between two of its letters with no space (no
 * English word is written so), or two full stops or apostrophes do with two letters or more between
 * some two marks ({@code Ad'i.b}, {@code H.si.ao}; a final {@code 's} aside), when it has at least
 * {@value #MIN_LETTERS} letters, and when it is no part of an address ({@code /}, {@code =}, {@code
 * &}, {@code @} or {@code %} touching it, as in {@code page?query=value}). In such a word every
 * mark between letters goes but a final {@code 's} ({@code Jar.r'ah's} is {@code Jarrah's}). Words
 * with one full stop or apostrophe inside ({@code O'Brien's}, {@code St.Louis}) and abbreviations
 * ({@code e.g.}, {@code U.S.A.}) stay.
 */
public final class InsertedPunctuation {
  /** The fewest letters of a word read: {@code a,b} is a list, not a word. */
  public static final int MIN_LETTERS = 3;

  /** Texts longer than this are not read (bounded cost on huge payloads). */
  public static final int MAX_CHARS = 65_536;

  private InsertedPunctuation() {}

  /**
   * {@code text} with the marks taken out of every word that has them scattered inside; null when
   * no word has (the common case: no extra form to judge), or when the text is longer than {@link
   * #MAX_CHARS}.
   */
  public static String read(String text) {
    int n = text.length();
    if (n > MAX_CHARS) {
      return null;
    }
    StringBuilder out = null;
    int copied = 0;
    int i = 0;
    while (i < n) {
      if (!Character.isLetter(text.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      int letters = 0;
      boolean strong = false; // a ? , ; : ! between two letters
      int weak = 0; // full stops and apostrophes between two letters, a final 's aside
      int run = 0; // letters since the last mark
      int longest = 0; // the most letters between two marks
      while (i < n) {
        char c = text.charAt(i);
        if (Character.isLetter(c)) {
          letters++;
          longest = Math.max(longest, ++run);
          i++;
        } else if (mark(c)
            && i + 1 < n
            && Character.isLetter(text.charAt(i + 1))
            && Character.isLetter(text.charAt(i - 1))) {
          strong |= c != '.' && c != '\'';
          weak += (c == '.' || c == '\'') && !possessive(text, i) ? 1 : 0;
          run = 0;
          i++;
        } else {
          break;
        }
      }
      boolean scattered = strong || (weak >= 2 && longest >= 2);
      if (!scattered || letters < MIN_LETTERS || address(text, start, i)) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(n);
      }
      out.append(text, copied, start);
      for (int k = start; k < i; k++) {
        char c = text.charAt(k);
        if (Character.isLetter(c) || possessive(text, k)) {
          out.append(c);
        }
      }
      copied = i;
    }
    if (out == null) {
      return null;
    }
    return out.append(text, copied, n).toString();
  }

  /** Whether an apostrophe at {@code i} opens a word's final {@code 's}. */
  private static boolean possessive(String text, int i) {
    return text.charAt(i) == '\''
        && i + 1 < text.length()
        && text.charAt(i + 1) == 's'
        && (i + 2 == text.length() || !Character.isLetter(text.charAt(i + 2)));
  }

  private static boolean mark(char c) {
    return switch (c) {
      case '?', ',', ';', ':', '!', '.', '\'' -> true;
      default -> false;
    };
  }

  /** Whether the word {@code text[start, end)} touches a char of an address or a query string. */
  private static boolean address(String text, int start, int end) {
    return (start > 0 && addressChar(text.charAt(start - 1)))
        || (end < text.length() && addressChar(text.charAt(end)));
  }

  private static boolean addressChar(char c) {
    return c == '/' || c == '=' || c == '&' || c == '@' || c == '%';
  }
}

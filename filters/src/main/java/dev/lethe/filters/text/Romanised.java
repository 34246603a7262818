package dev.lethe.filters.text;

import com.ibm.icu.lang.UScript;

/**
 * A text written mostly in another script read in Latin letters, word by word: a question asked in
 * Russian, Chinese, Korean or Arabic names its subject in that script too ({@code Какие книги
 * написал Николай Абилов?}, {@code 陈伟俊写过哪些小说？}), where {@link TransliterationFold}, which writes
 * names in Latin only inside Latin text (a name in an English question), leaves it. This reading is
 * judged as a further form beside the text ({@code romanised}), so the subject lookup finds the
 * name; the text's own form, and its meaning, are judged as before.
 *
 * <p>Each word of a script {@link TransliterationFold} knows is written as it writes a name
 * (Cyrillic and Greek with English readings, the others by {@link NativeNames}: a Korean word as a
 * family name and a hyphenated rest, {@code 박지연은} → {@code Park Ji-Yeon-Eun}); Chinese, which
 * writes no spaces, one syllable a word ({@code Chen Wei Jun Xie Guo}); Latin words, digits and
 * punctuation stay. A run of more than {@value #MAX_RUN} letters is read in pieces. At most {@value
 * #MAX_WORDS} words are read, the first ones, and of a long text only its two ends ({@link #read}),
 * so the cost is bounded. A text with no such letter, or with as many Latin letters as others
 * (English text quoting a word of another language), costs one pass and yields null.
 */
public final class Romanised {
  /** The most words of another script one text has read. */
  static final int MAX_WORDS = 512;

  /** Letters read as one word, at most: a longer run is read in pieces of this many. */
  static final int MAX_RUN = 64;

  /** Name of the form this reading makes. */
  public static final String TRANSFORM = "romanised";

  private Romanised() {}

  /**
   * The chars read at each end of a longer text: a question sits at the start or the end of what
   * pads it, and reading a megabyte of another script (and judging its reading) would double the
   * cost of the text.
   */
  static final int SPAN = 2048;

  /**
   * {@code text} with its words of other scripts in Latin letters; null when it has none. A text
   * longer than twice {@value #SPAN} chars is read at its first and last {@value #SPAN} chars only.
   */
  public static String read(String text) {
    if (text.length() > 2 * SPAN) {
      String head = readAll(text.substring(0, SPAN));
      String tail = readAll(text.substring(text.length() - SPAN));
      if (head == null && tail == null) {
        return null;
      }
      return (head == null ? "" : head) + "\n\n" + (tail == null ? "" : tail);
    }
    return readAll(text);
  }

  private static String readAll(String text) {
    int n = text.length();
    int latinLetters = 0;
    int others = 0;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        latinLetters += Chars.isAsciiLetter(c) ? 1 : 0;
      } else if (Character.isLetter(c)) {
        if (UScript.getScript(c) == UScript.LATIN) {
          latinLetters++;
        } else {
          others++;
        }
      }
    }
    if (others == 0 || latinLetters >= others) {
      return null; // Latin text: its names in other scripts are TransliterationFold's
    }
    StringBuilder out = new StringBuilder(n + 16);
    int words = 0;
    int i = 0;
    while (i < n) {
      int cp = text.codePointAt(i);
      int script = Character.isLetter(cp) ? UScript.getScript(cp) : UScript.COMMON;
      boolean other =
          script == UScript.CYRILLIC
              || script == UScript.GREEK
              || TransliterationFold.caseless(script);
      if (!other || words >= MAX_WORDS) {
        out.appendCodePoint(cp);
        i += Character.charCount(cp);
        continue;
      }
      // a word: letters and marks of this script (and shared ones), a hyphen inside
      int start = i;
      int letters = 0;
      while (i < n) {
        int c = text.codePointAt(i);
        int s = UScript.getScript(c);
        boolean inWord =
            (Character.isLetter(c) || Chars.isMark(c))
                    && (s == script || s == UScript.COMMON || s == UScript.INHERITED)
                || c == '-'
                    && i + 1 < n
                    && i > start
                    && Character.isLetter(text.codePointAt(i + 1));
        if (!inWord || letters >= MAX_RUN) {
          break;
        }
        letters++;
        i += Character.charCount(c);
      }
      if (i == start) {
        out.appendCodePoint(cp);
        i += Character.charCount(cp);
        continue;
      }
      String word = text.substring(start, i);
      String latin =
          script == UScript.CYRILLIC || script == UScript.GREEK
              ? TransliterationFold.cyrillicOrGreek(word, script)
              : script == UScript.HAN
                  ? NativeNames.syllables(word)
                  : NativeNames.latin(word, script);
      if (!out.isEmpty() && Character.isLetterOrDigit(out.charAt(out.length() - 1))) {
        out.append(' ');
      }
      // caseless scripts have no capitals to keep: written in lower case, their words are not
      // taken for names that a capital would mark (a name is still found whole in lower case)
      out.append(
          latin == null
              ? word
              : script == UScript.CYRILLIC || script == UScript.GREEK
                  ? latin
                  : latin.toLowerCase(java.util.Locale.ROOT));
      if (i < n && Character.isLetterOrDigit(text.codePointAt(i))) {
        out.append(' ');
      }
      words++;
    }
    return out.toString();
  }
}

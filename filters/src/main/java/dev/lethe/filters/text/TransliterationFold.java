package dev.lethe.filters.text;

import com.ibm.icu.lang.UScript;
import com.ibm.icu.text.Transliterator;
import java.util.EnumSet;

/**
 * The {@link Canonicalizer} step that writes a capitalised word of the Cyrillic or Greek alphabet
 * in Latin letters ({@code Раджеев Маджумдар} → {@code Rajeev Majumdar}, {@code Николай} → {@code
 * Nikolay}), so that a name transliterated into another script is found by the subject lookup as
 * the same name typed in Latin, its lenient comparison absorbing the differences between
 * transliteration schemes. A transliterated name is no look-alike ({@code и} is no {@code i}), so
 * {@link ConfusableFold}'s skeleton cannot read it.
 *
 * <p>Only words that open with a capital, are written in one of these scripts throughout, hold a
 * letter without a Latin look-alike (a word of look-alikes only is left to {@link ConfusableFold},
 * which runs after this step) and stand in Latin text (the {@value #WINDOW} words on each side hold
 * two Latin words or more, and at least half as many as words of other scripts) are written in
 * Latin: a name inside an English question. Real Russian or Greek text, names in it included, stays
 * as it is. The transliteration is ICU4J's ({@code Cyrillic-Latin}, {@code Greek-Latin}, then
 * {@code Latin-ASCII}), after the letters whose ISO reading is not the English one of a name are
 * replaced ({@code Джон} is John, not Dzon).
 *
 * <p>A name in a script without capitals (Chinese characters, Hangul, kana, Arabic, Hebrew,
 * Ethiopic, the Indic scripts, Thai, Georgian) standing in Latin text is written in Latin too, in a
 * name's shape ({@link NativeNames}: {@code 陈伟俊} → {@code Chen Wei-Jun}, {@code أديب جراح} → {@code
 * Adib Jrah}): a run of two to four Chinese characters or Hangul syllables, or a word among two to
 * {@value #MAX_NAME_WORDS} words of one such script in a row. A single word ({@code سلام}), a lone
 * character and longer runs (a phrase) stay. At most {@value #MAX_WORDS} words per text are
 * transliterated (a transliteration costs far more than a fold), the first ones.
 */
final class TransliterationFold {
  static final int MAX_WORDS = 256;

  /** How many words on each side of a word tell whether it stands in Latin text. */
  static final int WINDOW = 8;

  /** Longer words are left alone: no name is that long. */
  static final int MAX_WORD = 32;

  private static final ThreadLocal<Transliterator> CYRILLIC =
      ThreadLocal.withInitial(() -> Transliterator.getInstance("Cyrillic-Latin; Latin-ASCII"));
  private static final ThreadLocal<Transliterator> GREEK =
      ThreadLocal.withInitial(() -> Transliterator.getInstance("Greek-Latin; Latin-ASCII"));

  private TransliterationFold() {}

  static MappedText apply(MappedText in, EnumSet<Fold> applied) {
    int n = in.length();
    // the words of the text: where each is, and whether it is Latin (1), another script (2) or
    // neither (0); a cheap first look: most texts have no Cyrillic or Greek letter at all
    boolean any = false;
    for (int i = 0; i < n && !any; i++) {
      any = otherScript(in.charAt(i));
    }
    if (!any) {
      return in;
    }
    java.util.List<int[]> words = new java.util.ArrayList<>();
    int i = 0;
    while (i < n) {
      if (!Chars.isWordChar(in.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      int latin = 0;
      int other = 0;
      while (i < n && (Chars.isWordChar(in.charAt(i)) || joiner(in, i))) {
        char c = in.charAt(i);
        if (Character.isLetter(c)) {
          if (c < 0x250) {
            latin++;
          } else {
            other++;
          }
        }
        i++;
      }
      words.add(new int[] {start, i, latin > 0 && other == 0 ? 1 : other > 0 ? 2 : 0});
    }
    MappedText.Rewriter w = null;
    int done = 0;
    for (int k = 0; k < words.size() && done < MAX_WORDS; k++) {
      int start = words.get(k)[0];
      int end = possessiveAt(in, start, words.get(k)[1]);
      char c = in.charAt(start);
      if (words.get(k)[2] != 2 || end - start > MAX_WORD) {
        continue;
      }
      int script = UScript.getScript(in.codePointAt(start));
      String latin;
      if (script == UScript.CYRILLIC || script == UScript.GREEK) {
        if (!Character.isUpperCase(c)
            || !oneScript(in, start, end, script)
            || !genuineLetter(in, start, end)
            || !latinAround(words, k)) {
          continue;
        }
        latin = cyrillicOrGreek(in.toString(start, end), script);
      } else {
        int letters = in.toString(start, end).codePointCount(0, end - start);
        boolean syllabic = script == UScript.HAN || script == UScript.HANGUL;
        if (!CASELESS.contains(script)
            || !oneScript(in, start, end, script)
            || letters > maxLetters(script)
            || (syllabic ? letters < 2 : !inName(in, words, k, script))
            || !latinAround(words, k)) {
          continue;
        }
        latin = NativeNames.latin(in.toString(start, end), script);
        if (latin == null) {
          continue;
        }
      }
      if (w == null) {
        w = new MappedText.Rewriter(in);
      }
      MappedText out = w.upTo(start);
      out.appendOver(latin, in, start, end);
      w.resumeAt(end);
      applied.add(Fold.TRANSLITERATED);
      done++;
    }
    return w == null ? in : w.result();
  }

  /** {@code word}, Cyrillic or Greek ({@code script}), in Latin letters as a name is written. */
  static String cyrillicOrGreek(String word, int script) {
    return (script == UScript.CYRILLIC ? CYRILLIC : GREEK)
        .get()
        .transliterate(
            english(word, script == UScript.CYRILLIC ? CYRILLIC_ENGLISH : GREEK_ENGLISH));
  }

  /** Whether {@code script} is one this step writes in Latin when it has no capitals. */
  static boolean caseless(int script) {
    return CASELESS.contains(script);
  }

  /**
   * Scripts without capitals whose words standing in Latin text are written in Latin ({@link
   * NativeNames}): a name in its own script inside an English question.
   */
  private static final java.util.Set<Integer> CASELESS =
      java.util.Set.of(
          UScript.HAN,
          UScript.HANGUL,
          UScript.HIRAGANA,
          UScript.KATAKANA,
          UScript.ARABIC,
          UScript.HEBREW,
          UScript.ETHIOPIC,
          UScript.DEVANAGARI,
          UScript.BENGALI,
          UScript.GURMUKHI,
          UScript.GUJARATI,
          UScript.TAMIL,
          UScript.TELUGU,
          UScript.KANNADA,
          UScript.MALAYALAM,
          UScript.THAI,
          UScript.GEORGIAN);

  /**
   * The most letters a word of {@code script} may have to be read as a name: four for Chinese
   * characters and Hangul syllables (a family name and a given name, two at least; a longer run is
   * a phrase, a single one a word or a family name alone), eight for kana, {@value #MAX_WORD}
   * otherwise.
   */
  private static int maxLetters(int script) {
    return script == UScript.HAN || script == UScript.HANGUL
        ? 4
        : script == UScript.HIRAGANA || script == UScript.KATAKANA ? 8 : MAX_WORD;
  }

  /**
   * Whether word {@code k}, of {@code script}, is one of two to {@value #MAX_NAME_WORDS} words of
   * that script in a row: a name of given and family names ({@code أديب جراح}, {@code ナカムラ・タカシ}),
   * not a single word quoted from a language ({@code سلام}, {@code नमस्ते}) nor a sentence.
   */
  private static boolean inName(MappedText in, java.util.List<int[]> words, int k, int script) {
    int a = k;
    while (a > 0 && sameScriptWord(in, words.get(a - 1), script)) {
      a--;
    }
    int b = k;
    while (b + 1 < words.size() && sameScriptWord(in, words.get(b + 1), script)) {
      b++;
    }
    return b > a && b - a < MAX_NAME_WORDS;
  }

  /** The most words a name written in another script has. */
  static final int MAX_NAME_WORDS = 4;

  private static boolean sameScriptWord(MappedText in, int[] word, int script) {
    return word[2] == 2 && UScript.getScript(in.codePointAt(word[0])) == script;
  }

  /** A letter shared by scripts: the kana length mark {@code ー}, the iteration mark {@code 々}. */
  private static boolean common(char c) {
    int script = UScript.getScript(c);
    return script == UScript.COMMON || script == UScript.INHERITED;
  }

  /** Whether {@code c} may be a letter of a script this step writes in Latin. */
  private static boolean otherScript(char c) {
    return c >= 0x370 && c < 0x530
        || c >= 0x590 && c < 0x1400
        || c >= 0x3040 && c < 0xA000
        || c >= 0xAC00 && c < 0xD7B0;
  }

  /**
   * Where an English possessive ending ({@code 's}, {@code '}) of a word written in another script
   * starts ({@code Маммадов's}), or {@code end}.
   */
  private static int possessiveAt(MappedText in, int start, int end) {
    int a = end - 1;
    while (a > start && in.charAt(a) != '\'') {
      a--;
    }
    if (a <= start || a < end - 2) {
      return end;
    }
    return a == end - 1 || in.charAt(a + 1) == 's' ? a : end;
  }

  /**
   * Whether {@code in[start, end)} holds a letter without a Latin look-alike ({@code и}, {@code ю},
   * {@code λ}): a word made only of look-alikes ({@code Васе}) is a Latin word disguised, left to
   * {@link ConfusableFold}.
   */
  private static boolean genuineLetter(MappedText in, int start, int end) {
    for (int i = start; i < end; i++) {
      char c = in.charAt(i);
      if (Character.isLetter(c) && Lookalikes.latin(c) == null) {
        return true;
      }
    }
    return false;
  }

  /** Whether every letter of {@code in[start, end)} is of {@code script}. */
  private static boolean oneScript(MappedText in, int start, int end, int script) {
    for (int i = start; i < end; i++) {
      char c = in.charAt(i);
      if (Character.isLetter(c) && UScript.getScript(c) != script && !common(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the {@value #WINDOW} words on each side of word {@code k} hold two Latin words or more,
   * and at least half as many as words of other scripts (an instruction in Russian before an
   * English question leaves the names in the question in Latin text): a name written in another
   * script inside English text, not a word of Russian or Greek text.
   */
  private static boolean latinAround(java.util.List<int[]> words, int k) {
    int latin = 0;
    int other = 0;
    for (int j = Math.max(0, k - WINDOW); j <= Math.min(words.size() - 1, k + WINDOW); j++) {
      if (j != k) {
        latin += words.get(j)[2] == 1 ? 1 : 0;
        other += words.get(j)[2] == 2 ? 1 : 0;
      }
    }
    return latin >= 2 && 2 * latin >= other;
  }

  /** A hyphen or an apostrophe inside a word ({@code Вэй-Цзюнь}). */
  private static boolean joiner(MappedText in, int i) {
    char c = in.charAt(i);
    return (c == '-' || c == '\'')
        && i + 1 < in.length()
        && Character.isLetter(in.charAt(i + 1))
        && i > 0
        && Character.isLetter(in.charAt(i - 1));
  }

  /**
   * The letters and pairs whose ISO reading is not the English one of a name written in Cyrillic
   * ({@code Джон} is John, {@code Юн} Yun, {@code Аиша} Aisha) or Greek ({@code Μπομπ} is Bob,
   * {@code Ντέιβιντ} David, {@code Τζον} John, {@code Χάρλεϊ} Harley), replaced before ICU4J reads
   * the rest.
   */
  private static final String[][] CYRILLIC_ENGLISH = {
    {"дж", "j"}, {"ж", "zh"}, {"ч", "ch"}, {"щ", "shch"}, {"ш", "sh"}, {"ю", "yu"}, {"я", "ya"},
    {"ё", "yo"}, {"й", "y"}, {"ц", "ts"}, {"ы", "y"}, {"э", "e"}, {"ъ", ""}, {"ь", ""}
  };

  private static final String[][] GREEK_ENGLISH = {
    {"μπ", "b"}, {"ντ", "d"}, {"τζ", "j"}, {"τσ", "ch"}, {"ου", "u"}, {"χ", "h"}, {"γκ", "g"}
  };

  /** {@code word} with {@code pairs} replaced, each capitalised as the letter it replaces. */
  private static String english(String word, String[][] pairs) {
    String out = word;
    for (String[] p : pairs) {
      String upper = p[0].substring(0, 1).toUpperCase(java.util.Locale.ROOT) + p[0].substring(1);
      String to = p[1].isEmpty() ? "" : Character.toUpperCase(p[1].charAt(0)) + p[1].substring(1);
      out = out.replace(upper, to).replace(p[0], p[1]);
      out =
          out.replace(
              p[0].toUpperCase(java.util.Locale.ROOT), p[1].toUpperCase(java.util.Locale.ROOT));
    }
    return out;
  }
}

package dev.lethe.filters.text;

import com.ibm.icu.lang.UScript;
import com.ibm.icu.text.Transliterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A name written in a script without capitals (Chinese characters, Hangul, kana, Arabic, Hebrew,
 * Ethiopic, the Indic scripts, Thai, Georgian) written in Latin letters the way such names are
 * written in English text, for {@link TransliterationFold}: ICU4J's {@code Any-Latin} then {@code
 * Latin-ASCII} give the reading ({@code 陈伟俊} → {@code chen wei jun}, {@code 박지연} → {@code
 * bagjiyeon}, {@code أديب} → {@code adyb}), and this class gives it a name's shape:
 *
 * <ul>
 *   <li>Chinese characters and Hangul syllables, two to four, are a family name of one syllable and
 *       a given name of the rest, hyphenated: {@code Chen Wei-Jun}, {@code Park Ji-Yeon} (the
 *       family name first, as it is written; the subject lookup finds names in either order);
 *   <li>Arabic and Hebrew write long vowels with {@code w} and {@code y} ({@code rwhany}), read as
 *       {@code u} and {@code i} between consonants ({@code Rwhany} → {@code Ruhani}), and the
 *       article joined to a name ({@code alhashm}) as {@code Al-Hashm};
 *   <li>the North Indian scripts' inherent vowel after a word's last consonant, which is not said,
 *       is dropped ({@code राजीव} → {@code Rajiv});
 *   <li>every word opens with a capital, so that it reads as a name.
 * </ul>
 *
 * The spelling differs from the customary one in the vowels Arabic and Hebrew do not write and in
 * romanisation schemes ({@code Xiao} for the Wade-Giles {@code Hsiao}); the subject lookup's
 * lenient comparison and its reading of vowel-less words absorb part of that, not all.
 */
final class NativeNames {
  private static final ThreadLocal<Transliterator> ANY =
      ThreadLocal.withInitial(() -> Transliterator.getInstance("Any-Latin; Latin-ASCII"));

  /**
   * The customary English spelling of the most common Korean family names, which no romanisation
   * scheme gives ({@code 박} is {@code Bak} in the Revised Romanization, {@code Park} in use): the
   * twenty most frequent in the 2015 South Korean census, about four in five Koreans.
   */
  private static final java.util.Map<String, String> KOREAN_FAMILY_NAMES =
      java.util.Map.ofEntries(
          java.util.Map.entry("김", "kim"),
          java.util.Map.entry("이", "lee"),
          java.util.Map.entry("박", "park"),
          java.util.Map.entry("최", "choi"),
          java.util.Map.entry("정", "jung"),
          java.util.Map.entry("강", "kang"),
          java.util.Map.entry("조", "cho"),
          java.util.Map.entry("윤", "yoon"),
          java.util.Map.entry("장", "jang"),
          java.util.Map.entry("임", "lim"),
          java.util.Map.entry("한", "han"),
          java.util.Map.entry("오", "oh"),
          java.util.Map.entry("서", "seo"),
          java.util.Map.entry("신", "shin"),
          java.util.Map.entry("권", "kwon"),
          java.util.Map.entry("황", "hwang"),
          java.util.Map.entry("안", "ahn"),
          java.util.Map.entry("송", "song"),
          java.util.Map.entry("류", "ryu"),
          java.util.Map.entry("전", "jeon"));

  private NativeNames() {}

  /** {@code word}, all of {@code script} (but shared marks), in Latin letters; null if none. */
  static String latin(String word, int script) {
    Transliterator t = ANY.get();
    if (script == UScript.HAN || script == UScript.HANGUL) {
      List<String> syllables = new ArrayList<>();
      for (int i = 0; i < word.length(); ) {
        int cp = word.codePointAt(i);
        String one = letters(t.transliterate(Character.toString(cp)), false);
        if (!one.isEmpty()) {
          syllables.add(one);
        }
        i += Character.charCount(cp);
      }
      if (syllables.isEmpty()) {
        return null;
      }
      String family = syllables.get(0);
      if (script == UScript.HANGUL && syllables.size() > 1) {
        family = KOREAN_FAMILY_NAMES.getOrDefault(word.substring(0, 1), family);
      }
      StringBuilder b = new StringBuilder(capitalised(family));
      for (int k = 1; k < syllables.size(); k++) {
        b.append(k == 1 ? ' ' : '-').append(capitalised(syllables.get(k)));
      }
      return b.toString();
    }
    String latin = letters(t.transliterate(word), true);
    if (latin.isEmpty()) {
      return null;
    }
    if (latin.endsWith("a") && latin.length() > 2 && endsInConsonant(word, script)) {
      latin = latin.substring(0, latin.length() - 1); // राजीव: rajiva, said rajiv
    }
    if (script == UScript.ARABIC || script == UScript.HEBREW) {
      latin = longVowels(latin);
      if (script == UScript.ARABIC && latin.length() > 4 && latin.startsWith("al")) {
        return "Al-" + capitalised(latin.substring(2));
      }
    }
    StringBuilder b = new StringBuilder(latin.length());
    for (String part : latin.split("-", -1)) {
      if (!b.isEmpty()) {
        b.append('-');
      }
      b.append(capitalised(part));
    }
    return b.toString();
  }

  /**
   * Whether {@code word}, of a North Indian script (Devanagari, Bengali, Gurmukhi, Gujarati), ends
   * in a bare consonant, whose inherent vowel the transliteration writes ({@code rajiva}) and
   * Hindi, Bengali, Punjabi and Gujarati do not say at a word's end ({@code Rajiv}).
   */
  private static boolean endsInConsonant(String word, int script) {
    if (script != UScript.DEVANAGARI
        && script != UScript.BENGALI
        && script != UScript.GURMUKHI
        && script != UScript.GUJARATI) {
      return false;
    }
    int last = word.codePointBefore(word.length());
    int inBlock = last & 0x7F;
    return last >= 0x0900 && last < 0x0B00 && inBlock >= 0x15 && inBlock <= 0x39;
  }

  /** Chinese characters in Latin, one capitalised syllable a word ({@code Chen Wei Jun Xie}). */
  static String syllables(String word) {
    Transliterator t = ANY.get();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < word.length(); ) {
      int cp = word.codePointAt(i);
      String one = letters(t.transliterate(Character.toString(cp)), false);
      if (!one.isEmpty()) {
        if (!b.isEmpty()) {
          b.append(' ');
        }
        b.append(capitalised(one));
      }
      i += Character.charCount(cp);
    }
    return b.isEmpty() ? null : b.toString();
  }

  /** The ASCII letters of {@code s} in lower case, and its inner hyphens if {@code hyphens}. */
  private static String letters(String s, boolean hyphens) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = Character.toLowerCase(s.charAt(i));
      if (c >= 'a' && c <= 'z') {
        b.append(c);
      } else if (hyphens && c == '-' && !b.isEmpty() && b.charAt(b.length() - 1) != '-') {
        b.append(c);
      }
    }
    int n = b.length();
    return n > 0 && b.charAt(n - 1) == '-' ? b.substring(0, n - 1) : b.toString();
  }

  /**
   * {@code w} and {@code y} between consonants (or after one at a word's end) read as the long
   * vowels they write: {@code rwhany} → {@code ruhani}, {@code amyn} → {@code amin}; {@code w} and
   * {@code y} next to a vowel stay consonants ({@code kwyty} → {@code kuiti}, {@code wa} stays).
   */
  static String longVowels(String s) {
    char[] c = s.toCharArray();
    for (int i = 1; i < c.length; i++) {
      if ((c[i] == 'w' || c[i] == 'y') && !vowel(c[i - 1]) && c[i - 1] != '-') {
        boolean next = i + 1 < c.length && c[i + 1] != '-';
        if (!next || !vowel(c[i + 1])) {
          c[i] = c[i] == 'w' ? 'u' : 'i';
        }
      }
    }
    return new String(c);
  }

  private static boolean vowel(char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
  }

  private static String capitalised(String s) {
    return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
  }
}

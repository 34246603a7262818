package dev.lethe.filters.text;

/**
 * Words with their inner letters shuffled, first and last in place ("typoglycemia": {@code Waht are
 * the jbos of Hnia Aemen's pntraes?}), which readers and language models read without effort and
 * which jailbreak collections use to slip a question past filters that match words. A sentence
 * model reads such a question as noise, so the screening judges a form with the shuffled words put
 * back ({@link #read}), and the subject lookup matches shuffled name words by the same {@link
 * #key}.
 *
 * <p>The word list is {@link EnglishWords}: a shuffled token is read as the one common word with
 * the same {@link #key}, and left alone when it is a word itself or when several words share its
 * key ({@code clued}: {@code could} or {@code cloud}). Of the list's 116,125 keys of words of four
 * letters or more, 1,341 are shared.
 */
public final class Typoglycemia {
  /**
   * The fewest shuffled words {@link #read} puts back before it returns a form: one, since a short
   * question may have a single word left that is no word and a form costs only the segments it
   * changes (a form's unchanged segments are not judged twice).
   */
  public static final int MIN_READ = 1;

  /** Texts longer than this are not read (bounded cost on huge payloads). */
  public static final int MAX_CHARS = 65_536;

  /** The longest word {@link #key} keys: words and names' words are far shorter. */
  public static final int MAX_WORD = 24;

  private Typoglycemia() {}

  /**
   * The key under which a word and its shuffles meet: the first letter, the inner letters sorted,
   * the last letter ({@code cearmn} and {@code carmen} are both {@code caemrn}); null for a word of
   * fewer than four or more than {@link #MAX_WORD} chars, or with a char that is no letter.
   */
  public static String key(String word) {
    int n = word.length();
    if (n < 4 || n > MAX_WORD) {
      return null;
    }
    char[] c = word.toCharArray();
    for (char x : c) {
      if (!Character.isLetter(x)) {
        return null;
      }
    }
    java.util.Arrays.sort(c, 1, n - 1);
    return new String(c);
  }

  /**
   * {@code text} with every ASCII word of four letters or more that is no common word but a shuffle
   * of exactly one ({@link EnglishWords#unscramble}) written as that word, its case kept (all
   * capitals, a capital first, or lower case); null when fewer than {@link #MIN_READ} words were
   * put back, or when the text is longer than {@link #MAX_CHARS}. A swapped pair of letters in an
   * ordinary word ({@code recieve}) is put back too. Names are not words of the list and stay as
   * they are: the subject lookup reads shuffled names itself.
   */
  public static String read(String text) {
    int n = text.length();
    if (n > MAX_CHARS) {
      return null;
    }
    StringBuilder out = null;
    int read = 0;
    int i = 0;
    while (i < n) {
      if (!Chars.isAsciiLetter(text.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      while (i < n && Chars.isAsciiLetter(text.charAt(i))) {
        i++;
      }
      int len = i - start;
      if (len < 4 || len > MAX_WORD || (i < n && Chars.isIdentifierChar(text.charAt(i)))) {
        continue; // too short or long to be read, or part of an identifier or a longer word
      }
      if (start > 0 && Chars.isIdentifierChar(text.charAt(start - 1))) {
        continue;
      }
      String word = text.substring(start, i);
      String lower = word.toLowerCase(java.util.Locale.ROOT);
      String meant = EnglishWords.unscramble(lower);
      if (meant == null) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text);
      }
      for (int k = 0; k < len; k++) {
        char was = word.charAt(k);
        char c = meant.charAt(k);
        out.setCharAt(start + k, Character.isUpperCase(was) ? Character.toUpperCase(c) : c);
      }
      read++;
    }
    return read >= MIN_READ ? out.toString() : null;
  }
}

package dev.lethe.filters.text;

import java.util.HashMap;
import java.util.Map;

/**
 * "Advanced" leetspeak, letters drawn with several ASCII symbols ({@code |-|!|\|/-\} for {@code
 * Hina}, {@code |\/|} for M, {@code /-\} for A, {@code ()} for O): the screening judges a form with
 * such words read ({@link #read}). Single-char leetspeak ({@code H1n4}) is the canonical form's
 * ({@link LeetFold}); this reads what no single-char table can.
 *
 * <p>A whitespace-delimited run is read when it parses completely into glyphs of the table ({@link
 * #GLYPHS}, the common forms of leetspeak's ASCII letters), plain letters, leetspeak digits and
 * inner hyphens, with the fewest glyphs, and the reading looks like a word: at least {@value
 * #MIN_GLYPHS} drawn letters of two chars or more, at least half of its letters drawn, three
 * letters or more, and it reads like a word ({@link LeetFold#readsLikeAWord}). Numbers, code
 * ({@code f(x)}, {@code a[i]}), emoticons and Markdown tables do not parse or do not draw enough
 * letters. The reading keeps the run's length (the word, then spaces), so only the sentences it
 * changes are judged again.
 */
public final class GlyphLetters {
  /** Drawn letters of two chars or more a run needs to be read. */
  static final int MIN_GLYPHS = 2;

  /** Longest run looked at (a name's word drawn in glyphs is far shorter). */
  static final int MAX_RUN = 96;

  /** Texts longer than this are not read (bounded cost on huge payloads). */
  public static final int MAX_CHARS = 65_536;

  /**
   * The drawn letters: each glyph of two chars or more, with a symbol in it, and the letter it
   * draws. Where two letters share a glyph the commoner reading is kept ({@code |>} D, {@code }{}
   * H).
   */
  static final Map<String, Character> GLYPHS = glyphs();

  private static final int LONGEST = 5;

  private GlyphLetters() {}

  private static Map<String, Character> glyphs() {
    String[][] table = {
      {"a", "/-\\", "/\\", "/_\\", "/=\\"},
      {"b", "|3", "13", "|8", "!3"},
      {"c", "[", "<"},
      {"d", "|)", "|]", "[)", "|>", "!)"},
      {"e", "[-", "|=-"},
      {"f", "|=", "|#", "!="},
      {"g", "(_+", "(_-", "[,"},
      {"h", "|-|", "]-[", "}{", ")-(", "(-)", "|~|", ":-:", "!-!", "#"},
      {"i", "][", "!"},
      {"j", "_|", "_/", ",_|", "_)"},
      {"k", "|<", "|{", "|(", "!<"},
      {"l", "|_", "1_", "!_"},
      {"m", "|\\/|", "/\\/\\", "|v|", "[v]", "^^", "(v)", "|\\|\\", "/v\\"},
      {"n", "|\\|", "/\\/", "[\\]", "^/", "!\\!"},
      {"o", "()", "[]", "<>"},
      {"p", "|*", "|o", "|D", "|\"", "|°", "!*"},
      {"q", "(,)", "0_", "()_"},
      {"r", "|2", "|?", "/2", "|^", "|~", "I2", "|Z", "!2"},
      {"s", "$"},
      {"t", "-|-", "']['", "~|~", "+"},
      {"u", "|_|", "(_)", "\\_/", "\\_\\", "/_/"},
      {"v", "\\/", "|/", "\\|"},
      {"w", "\\/\\/", "\\^/", "|/\\|", "\\x/", "(/\\)", "'//", "\\/v"},
      {"x", "><", ")("},
      {"y", "`/", "\\|/", "'/", "`("},
      {"z", "7_", "-/_", "~/_", ">_"},
    };
    Map<String, Character> out = new HashMap<>();
    for (String[] row : table) {
      for (int i = 1; i < row.length; i++) {
        out.putIfAbsent(row[i], row[0].charAt(0));
      }
    }
    return Map.copyOf(out);
  }

  /**
   * A glyph's letter, or 0; one char: plain letters, the leetspeak of {@link Lookalikes#leet}, and
   * the further single chars that draw a letter ({@code 2} z, {@code ^} a, {@code €} e …).
   */
  private static char glyph(String text, int from, int to) {
    if (to - from == 1) {
      char c = text.charAt(from);
      if (c < 0x80 && Character.isLetter(c)) {
        return Character.toLowerCase(c);
      }
      char leet = Lookalikes.leet(c);
      if (leet != 0) {
        return leet;
      }
      return switch (c) {
        case '2' -> 'z';
        case '^' -> 'a';
        case '§' -> 's';
        case '+', '†' -> 't';
        case 'ß' -> 'b';
        case '(', '©', '¢' -> 'c';
        case '#' -> 'h';
        case '€' -> 'e';
        case '£' -> 'l';
        case '¥' -> 'y';
        case '®' -> 'r';
        case 'µ' -> 'u';
        default -> 0;
      };
    }
    Character c = GLYPHS.get(text.substring(from, to));
    return c == null ? 0 : c;
  }

  /**
   * {@code text} with every run of drawn letters read, or null when none is (or the text is longer
   * than {@link #MAX_CHARS}).
   */
  public static String read(String text) {
    int n = text.length();
    if (n > MAX_CHARS) {
      return null;
    }
    StringBuilder out = null;
    int i = 0;
    while (i < n) {
      if (Character.isWhitespace(text.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      boolean symbol = false;
      while (i < n && !Character.isWhitespace(text.charAt(i))) {
        symbol |= isDrawing(text.charAt(i));
        i++;
      }
      if (!symbol || i - start > MAX_RUN) {
        continue;
      }
      String word = readRun(text, start, i);
      if (word == null) {
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text);
      }
      // the word, then the run's punctuation kept at its end, then spaces for the rest
      int end = i;
      int tail = trailing(text, start, end);
      int at = start;
      for (int k = 0; k < word.length(); k++) {
        out.setCharAt(at++, word.charAt(k));
      }
      for (int k = end - tail; k < end; k++) {
        out.setCharAt(at++, text.charAt(k));
      }
      while (at < end) {
        out.setCharAt(at++, ' ');
      }
    }
    return out == null ? null : out.toString();
  }

  /** The chars glyphs are drawn with that plain words do not hold. */
  private static boolean isDrawing(char c) {
    return switch (c) {
      case '|', '/', '\\', '(', ')', '[', ']', '{', '}', '<', '>', '^', '_', '~', '`' -> true;
      default -> false;
    };
  }

  /**
   * The length of the punctuation at the end of run {@code [start, end)} that is not read: a
   * possessive ({@code 's}) and sentence punctuation, quotes and commas; 0 when none.
   */
  private static int trailing(String text, int start, int end) {
    int e = end;
    while (e > start && ".,;:?\"'".indexOf(text.charAt(e - 1)) >= 0) {
      e--;
    }
    if (e - 2 > start
        && (text.charAt(e - 1) == 's' || text.charAt(e - 1) == 'S')
        && (text.charAt(e - 2) == '\'' || text.charAt(e - 2) == '\u2019')) {
      e -= 2;
      while (e > start && ".,;:?\"'".indexOf(text.charAt(e - 1)) >= 0) {
        e--;
      }
    }
    return end - e;
  }

  /** The word run {@code [start, end)} draws, each hyphenated part capitalised, or null. */
  private static String readRun(String text, int start, int end) {
    int to = end - trailing(text, start, end);
    int from = start;
    while (from < to && (text.charAt(from) == '"' || text.charAt(from) == '\'')) {
      from++;
    }
    if (to - from < 2) {
      return null;
    }
    // fewest glyphs from each position to the end; -1: no parse
    int len = to - from;
    int[] best = new int[len + 1];
    int[] step = new int[len + 1];
    java.util.Arrays.fill(best, -1);
    best[len] = 0;
    for (int p = len - 1; p >= 0; p--) {
      char c = text.charAt(from + p);
      if (c == '-' && p > 0 && p + 1 < len && best[p + 1] >= 0) {
        best[p] = best[p + 1] + 1; // a hyphen inside the word (Yun-Hwa), unless a glyph is longer
        step[p] = 1;
      }
      for (int l = Math.min(LONGEST, len - p); l >= 1; l--) {
        if (best[p + l] < 0 || glyph(text, from + p, from + p + l) == 0) {
          continue;
        }
        int cost = best[p + l] + 1;
        if (best[p] < 0 || cost < best[p]) {
          best[p] = cost;
          step[p] = l;
        }
      }
    }
    if (best[0] < 0) {
      return null;
    }
    StringBuilder word = new StringBuilder(len);
    int drawn = 0;
    int symbols = 0;
    for (int p = 0; p < len; p += step[p]) {
      int l = step[p];
      char c = text.charAt(from + p);
      if (l == 1 && c == '-') {
        word.append('-');
        continue;
      }
      char letter = glyph(text, from + p, from + p + l);
      if (l >= 2) {
        drawn++;
      }
      if (l >= 2 || !(c < 0x80 && Character.isLetter(c))) {
        symbols++;
      }
      word.append(letter);
    }
    int letters = word.length() - count(word, '-');
    if (drawn < MIN_GLYPHS
        || letters < 3
        || 2 * symbols < letters
        || !LeetFold.readsLikeAWord(word)) {
      return null;
    }
    for (int k = 0; k < word.length(); k++) {
      if (k == 0 || word.charAt(k - 1) == '-') {
        word.setCharAt(k, Character.toUpperCase(word.charAt(k))); // drawn letters have no case
      }
    }
    return word.toString();
  }

  private static int count(CharSequence s, char c) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      n += s.charAt(i) == c ? 1 : 0;
    }
    return n;
  }
}

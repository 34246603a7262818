package dev.lethe.filters.text;

import java.util.Map;

/**
 * Finds and decodes alphabets that write a letter as another symbol: Unicode tag characters ("ASCII
 * smuggling"), bytes as variation selectors ("emoji smuggling"), Morse code, the NATO phonetic
 * alphabet, Grade 1 braille and upside-down letters, one linear pass each. No library offers these
 * mappings for Java (ICU4J has no braille, Morse or NATO transliterator), so they are small tables
 * here, each from its standard: ITU-R M.1677-1 (Morse), the ICAO/NATO spelling alphabet, Unified
 * English Braille Grade 1 (letters, capital and number signs, common punctuation), and the
 * customary "turned" letters of Unicode's IPA Extensions for upside-down text.
 */
final class SymbolDecoding {
  /** Tag characters a run needs (emoji subdivision flags such as England's use at most six). */
  static final int MIN_TAGS = 8;

  /**
   * Variation selectors a run needs: text uses one after a character (an emoji's presentation, an
   * ideograph's variant); a run of eight or more carries bytes.
   */
  static final int MIN_SELECTORS = 8;

  /** Morse letters a run needs. */
  static final int MIN_MORSE = 8;

  /** NATO words a run needs, and of them in one spelled word. */
  static final int MIN_NATO = 6;

  static final int MIN_NATO_WORD = 3;

  /** Braille cells a run needs. */
  static final int MIN_BRAILLE = 6;

  /** Turned letters a line needs to be read upside down, and distinct ones. */
  static final int MIN_TURNED = 5;

  static final int MIN_TURNED_DISTINCT = 3;

  /** Lines of one character (decorated or not) a run of {@link #scanLineInitials} needs. */
  static final int MIN_LINE_INITIALS = 8;

  /** Longest gap (chars) between two NATO words of one run. */
  static final int MAX_NATO_GAP = 16;

  private SymbolDecoding() {}

  // --- tags ---

  /** Runs of at least {@value #MIN_TAGS} tag characters U+E0020–U+E007E, read as ASCII. */
  static boolean scanTags(Candidates out) {
    String s = out.text;
    int n = s.length();
    int i = 0;
    while (i < n) {
      int cp = s.codePointAt(i);
      if (!isTag(cp)) {
        i += Character.charCount(cp);
        continue;
      }
      int start = i;
      StringBuilder ascii = new StringBuilder();
      while (i < n) {
        int c = s.codePointAt(i);
        if (!isTag(c)) {
          break;
        }
        if (c >= 0xE0020 && c <= 0xE007E) {
          ascii.append((char) (c - 0xE0000));
        }
        i += 2;
      }
      if (ascii.length() >= MIN_TAGS
          && !out.covered(start, i)
          && !out.offer(start, i, Encoding.TAGS, ascii.toString())) {
        return false;
      }
    }
    return true;
  }

  private static boolean isTag(int cp) {
    return cp >= 0xE0000 && cp <= 0xE007F;
  }

  // --- variation selectors ---

  /**
   * Runs of at least {@value #MIN_SELECTORS} variation selectors, each a byte (U+FE00–U+FE0F: 0–15,
   * U+E0100–U+E01EF: 16–255), read as UTF-8: the "emoji smuggling" encoding, which hides any text
   * in what shows as one emoji. Invalid UTF-8 is read with replacement characters, which {@link
   * TextShape} then rejects as no text. A run of supplement selectors only that is no text so but
   * is text read one selector a character (U+E0100 + the code point, garak's variant smuggling) is
   * read that way.
   */
  static boolean scanVariationSelectors(Candidates out) {
    String s = out.text;
    int n = s.length();
    int i = 0;
    while (i < n) {
      int cp = s.codePointAt(i);
      if (selectorByte(cp) < 0) {
        i += Character.charCount(cp);
        continue;
      }
      int start = i;
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      StringBuilder direct = new StringBuilder();
      boolean supplement = true;
      while (i < n) {
        int c = s.codePointAt(i);
        int b = selectorByte(c);
        if (b < 0) {
          break;
        }
        bytes.write(b);
        supplement &= c >= 0xE0100;
        direct.append((char) (c - 0xE0100));
        i += Character.charCount(c);
      }
      if (bytes.size() >= MIN_SELECTORS && !out.covered(start, i)) {
        String decoded = new String(bytes.toByteArray(), java.nio.charset.StandardCharsets.UTF_8);
        if (supplement && !TextShape.textLike(decoded) && TextShape.textLike(direct)) {
          // one selector a character, U+E0100 + the code point, with no emoji's byte scheme
          decoded = direct.toString();
        }
        if (!out.offer(start, i, Encoding.VARIATION_SELECTORS, decoded)) {
          return false;
        }
      }
    }
    return true;
  }

  // --- invisible bits ---

  /** Invisible characters a run of {@link #scanInvisibleBits} needs (two bytes' bits). */
  static final int MIN_INVISIBLE_BITS = 16;

  /**
   * Runs of at least {@value #MIN_INVISIBLE_BITS} invisible characters (zero-width space,
   * non-joiner and joiner, word joiner, the invisible operators U+2061–U+2064, the byte order mark)
   * made of two of them as bits, eight a byte, most significant first, read as UTF-8, and perhaps a
   * third between bytes as a space: Rehberger's "sneaky bits" (2025: invisible times U+2062 for 0,
   * invisible plus U+2064 for 1, a zero-width space for a space) and zero-width binary (U+200B for
   * 0, U+200C for 1). The lower code point is read as 0 first, the other way when that is no text.
   */
  static boolean scanInvisibleBits(Candidates out) {
    String s = out.text;
    int n = s.length();
    int i = 0;
    while (i < n) {
      if (!invisibleBit(s.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      while (i < n && invisibleBit(s.charAt(i))) {
        i++;
      }
      if (i - start < MIN_INVISIBLE_BITS || out.covered(start, i)) {
        continue;
      }
      String decoded = invisibleBits(s, start, i);
      if (decoded != null && !out.offer(start, i, Encoding.INVISIBLE_BITS, decoded)) {
        return false;
      }
    }
    return true;
  }

  private static boolean invisibleBit(char c) {
    return c == '\u200B'
        || c == '\u200C'
        || c == '\u200D'
        || (c >= '\u2060' && c <= '\u2064')
        || c == '\uFEFF';
  }

  /** The text a run {@code s[a, b)} of invisible characters spells as bits, or null. */
  private static String invisibleBits(String s, int a, int b) {
    char[] kinds = new char[3];
    int distinct = 0;
    for (int k = a; k < b; k++) {
      char c = s.charAt(k);
      int j = 0;
      while (j < distinct && kinds[j] != c) {
        j++;
      }
      if (j == distinct) {
        if (distinct == 3) {
          return null;
        }
        kinds[distinct++] = c;
      }
    }
    if (distinct < 2) {
      return null;
    }
    char separator = 0;
    if (distinct == 3) {
      for (char c : kinds) {
        if (bytesBetween(s, a, b, c)) {
          separator = c;
          break;
        }
      }
      if (separator == 0) {
        return null;
      }
    } else if ((b - a) % 8 != 0) {
      return null;
    }
    char zero = 0;
    char one = 0;
    for (int j = 0; j < distinct; j++) {
      char c = kinds[j];
      if (c == separator) {
        continue;
      }
      if (zero == 0) {
        zero = c;
      } else {
        one = c;
      }
    }
    if (zero > one) {
      char t = zero;
      zero = one;
      one = t;
    }
    String text = bits(s, a, b, zero, separator);
    return TextShape.textLike(text) ? text : bits(s, a, b, one, separator);
  }

  /** Whether {@code separator} cuts {@code s[a, b)} into whole bytes (multiples of eight). */
  private static boolean bytesBetween(String s, int a, int b, char separator) {
    int run = 0;
    for (int k = a; k <= b; k++) {
      if (k == b || s.charAt(k) == separator) {
        if (run % 8 != 0) {
          return false;
        }
        run = 0;
      } else {
        run++;
      }
    }
    return true;
  }

  private static String bits(String s, int a, int b, char zero, char separator) {
    StringBuilder text = new StringBuilder();
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    int value = 0;
    int count = 0;
    for (int k = a; k < b; k++) {
      char c = s.charAt(k);
      if (c == separator) {
        text.append(new String(bytes.toByteArray(), java.nio.charset.StandardCharsets.UTF_8));
        bytes.reset();
        text.append(' ');
        continue;
      }
      value = value << 1 | (c == zero ? 0 : 1);
      if (++count == 8) {
        bytes.write(value);
        value = 0;
        count = 0;
      }
    }
    text.append(new String(bytes.toByteArray(), java.nio.charset.StandardCharsets.UTF_8));
    return text.toString();
  }

  /** The byte variation selector {@code cp} stands for, or -1 when it is none. */
  private static int selectorByte(int cp) {
    if (cp >= 0xFE00 && cp <= 0xFE0F) {
      return cp - 0xFE00;
    }
    if (cp >= 0xE0100 && cp <= 0xE01EF) {
      return cp - 0xE0100 + 16;
    }
    return -1;
  }

  // --- Morse ---

  private static final Map<String, Character> MORSE =
      Map.ofEntries(
          Map.entry(".-", 'a'),
          Map.entry("-...", 'b'),
          Map.entry("-.-.", 'c'),
          Map.entry("-..", 'd'),
          Map.entry(".", 'e'),
          Map.entry("..-.", 'f'),
          Map.entry("--.", 'g'),
          Map.entry("....", 'h'),
          Map.entry("..", 'i'),
          Map.entry(".---", 'j'),
          Map.entry("-.-", 'k'),
          Map.entry(".-..", 'l'),
          Map.entry("--", 'm'),
          Map.entry("-.", 'n'),
          Map.entry("---", 'o'),
          Map.entry(".--.", 'p'),
          Map.entry("--.-", 'q'),
          Map.entry(".-.", 'r'),
          Map.entry("...", 's'),
          Map.entry("-", 't'),
          Map.entry("..-", 'u'),
          Map.entry("...-", 'v'),
          Map.entry(".--", 'w'),
          Map.entry("-..-", 'x'),
          Map.entry("-.--", 'y'),
          Map.entry("--..", 'z'),
          Map.entry("-----", '0'),
          Map.entry(".----", '1'),
          Map.entry("..---", '2'),
          Map.entry("...--", '3'),
          Map.entry("....-", '4'),
          Map.entry(".....", '5'),
          Map.entry("-....", '6'),
          Map.entry("--...", '7'),
          Map.entry("---..", '8'),
          Map.entry("----.", '9'),
          Map.entry(".-.-.-", '.'),
          Map.entry("--..--", ','),
          Map.entry("..--..", '?'),
          Map.entry(".----.", '\''),
          Map.entry("-.-.--", '!'),
          Map.entry("-..-.", '/'),
          Map.entry("-.--.", '('),
          Map.entry("-.--.-", ')'),
          Map.entry("---...", ':'),
          Map.entry("-.-.-.", ';'),
          Map.entry("-...-", '='),
          Map.entry("-....-", '-'),
          Map.entry(".-..-.", '"'),
          Map.entry(".--.-.", '@'));

  private static int morseSymbol(char c) {
    return switch (c) {
      case '.', '\u00b7', '\u2022', '\u2219' -> '.';
      case '-', '_', '\u2212', '\u2013', '\u2014' -> '-';
      default -> 0;
    };
  }

  /**
   * Runs of dot-and-dash codes: letters separated by one space, words by {@code /}, {@code |} or
   * two or more spaces; at least {@value #MIN_MORSE} codes, three of them distinct, nine in ten
   * known (ITU-R M.1677-1 letters, digits and punctuation). Decoded in lower case.
   */
  static boolean scanMorse(Candidates out) {
    String s = out.text;
    int n = s.length();
    int i = 0;
    StringBuilder code = new StringBuilder(8);
    while (i < n) {
      if (morseSymbol(s.charAt(i)) == 0) {
        i++;
        continue;
      }
      int start = i;
      int end = i;
      StringBuilder text = new StringBuilder();
      int codes = 0;
      int unknown = 0;
      int distinct = 0; // bit set of the first 32 letter codes seen
      boolean gap = false;
      while (i < n) {
        char c = s.charAt(i);
        if (morseSymbol(c) != 0) {
          code.setLength(0);
          while (i < n && morseSymbol(s.charAt(i)) != 0 && code.length() <= 7) {
            code.append((char) morseSymbol(s.charAt(i)));
            i++;
          }
          if (i < n && morseSymbol(s.charAt(i)) != 0) {
            break; // a code longer than any Morse symbol: not Morse
          }
          if (gap && text.length() > 0) {
            text.append(' ');
          }
          gap = false;
          Character letter = MORSE.get(code.toString());
          codes++;
          if (letter == null) {
            unknown++;
          } else {
            text.append(letter);
            if (letter >= 'a' && letter <= 'z') {
              distinct |= 1 << (letter - 'a');
            }
          }
          end = i;
          continue;
        }
        // separators: one space between letters; "/", "|" or more spaces between words
        int j = i;
        int spaces = 0;
        boolean word = false;
        while (j < n && j - i < 8) {
          char d = s.charAt(j);
          if (d == ' ' || d == '\t') {
            spaces++;
          } else if (d == '/' || d == '|') {
            word = true;
          } else {
            break;
          }
          j++;
        }
        if (j == i || j >= n || morseSymbol(s.charAt(j)) == 0) {
          break;
        }
        gap = word || spaces >= 2;
        i = j;
      }
      i = Math.max(i, start + 1);
      if (codes < MIN_MORSE
          || Integer.bitCount(distinct) < 3
          || unknown * 10 > codes
          || out.covered(start, end)) {
        continue;
      }
      if (!out.offer(start, end, Encoding.MORSE, text.toString())) {
        return false;
      }
    }
    return true;
  }

  // --- NATO ---

  private static final Map<String, Character> NATO =
      Map.ofEntries(
          Map.entry("alfa", 'a'),
          Map.entry("alpha", 'a'),
          Map.entry("bravo", 'b'),
          Map.entry("charlie", 'c'),
          Map.entry("delta", 'd'),
          Map.entry("echo", 'e'),
          Map.entry("foxtrot", 'f'),
          Map.entry("golf", 'g'),
          Map.entry("hotel", 'h'),
          Map.entry("india", 'i'),
          Map.entry("juliett", 'j'),
          Map.entry("juliet", 'j'),
          Map.entry("kilo", 'k'),
          Map.entry("lima", 'l'),
          Map.entry("mike", 'm'),
          Map.entry("november", 'n'),
          Map.entry("oscar", 'o'),
          Map.entry("papa", 'p'),
          Map.entry("quebec", 'q'),
          Map.entry("romeo", 'r'),
          Map.entry("sierra", 's'),
          Map.entry("tango", 't'),
          Map.entry("uniform", 'u'),
          Map.entry("victor", 'v'),
          Map.entry("whiskey", 'w'),
          Map.entry("whisky", 'w'),
          Map.entry("x-ray", 'x'),
          Map.entry("xray", 'x'),
          Map.entry("yankee", 'y'),
          Map.entry("zulu", 'z'));

  /**
   * Runs of NATO spelling words ({@code Hotel Echo Lima Lima Oscar}): words one space apart spell
   * one word; any other gap (punctuation, several spaces, a word such as {@code (space)} or {@code
   * stop}, at most {@value #MAX_NATO_GAP} chars) separates words. A run needs {@value #MIN_NATO}
   * NATO words, {@value #MIN_NATO_WORD} of them spelling one word, and NATO words at least half of
   * its tokens, so prose that mentions Victor, Charlie and a hotel does not fire. Decoded in lower
   * case.
   */
  /** Fewest letters an {@link Encoding#A1Z26} run holds. */
  static final int MIN_A1Z26 = 6;

  /**
   * Letters as their places in the alphabet ({@link Encoding#A1Z26}): a run of words, each one to
   * twenty-six numbers 1–26 joined by hyphens, apart by single spaces (or {@code /}), read as lower
   * case letters with a space between words. A run is offered when it holds {@value #MIN_A1Z26}
   * letters or more, two words or one of {@value #MIN_A1Z26}, every word of two letters or more (a
   * lone number is a count, not a letter) reads like a word ({@link LeetFold#readsLikeAWord}), and
   * it is not part of a longer run of digits and punctuation: dates, page ranges, phone numbers and
   * scores do not read so.
   */
  static boolean scanA1z26(Candidates out) {
    String s = out.text;
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c < '0' || c > '9' || (i > 0 && !boundary(s.charAt(i - 1)))) {
        i++;
        continue;
      }
      int start = i;
      int end = i;
      StringBuilder text = new StringBuilder();
      int letters = 0;
      int words = 0;
      boolean wordy = true;
      int j = i;
      while (j < n) {
        // one word: numbers joined by hyphens
        StringBuilder word = new StringBuilder();
        int k = j;
        while (k < n) {
          int g = k;
          int value = 0;
          while (k < n && k - g < 2 && s.charAt(k) >= '0' && s.charAt(k) <= '9') {
            value = value * 10 + s.charAt(k) - '0';
            k++;
          }
          if (k == g
              || value < 1
              || value > 26
              || (k < n && s.charAt(k) >= '0' && s.charAt(k) <= '9')) {
            k = -1;
            break;
          }
          word.append((char) ('a' + value - 1));
          if (k + 1 < n && s.charAt(k) == '-' && s.charAt(k + 1) >= '0' && s.charAt(k + 1) <= '9') {
            k++;
            continue;
          }
          break;
        }
        if (k < 0 || (word.length() < 2 && words == 0) || (k < n && !after(s, k))) {
          break;
        }
        wordy &= word.length() < 2 || LeetFold.readsLikeAWord(word);
        if (words > 0) {
          text.append(' ');
        }
        text.append(word);
        letters += word.length();
        words++;
        end = k;
        // the gap to the next word: one space or a slash with spaces
        int g = k;
        while (g < n && (s.charAt(g) == ' ' || s.charAt(g) == '/') && g - k < 3) {
          g++;
        }
        if (g == k || g >= n || s.charAt(g) < '0' || s.charAt(g) > '9') {
          break;
        }
        j = g;
      }
      i = Math.max(end, start + 1);
      if (letters < MIN_A1Z26 || !wordy || out.covered(start, end)) {
        continue;
      }
      if (!out.offer(start, end, Encoding.A1Z26, text.toString())) {
        return false;
      }
    }
    return true;
  }

  /** Punctuation that may close an {@link Encoding#A1Z26} word. */
  private static final String A1Z26_CLOSERS = ".,;?!)\"'";

  /** Whether {@code c} may stand before an {@link Encoding#A1Z26} run. */
  private static boolean boundary(char c) {
    return !Character.isLetterOrDigit(c) && c != '.' && c != '-' && c != ':' && c != '/';
  }

  /**
   * Whether the char at {@code k} may end an {@link Encoding#A1Z26} word: white space, or sentence
   * punctuation, a quote or a bracket followed by white space or the end.
   */
  private static boolean after(String s, int k) {
    char c = s.charAt(k);
    if (Character.isWhitespace(c)) {
      return true;
    }
    return A1Z26_CLOSERS.indexOf(c) >= 0
        && (k + 1 == s.length()
            || Character.isWhitespace(s.charAt(k + 1))
            || A1Z26_CLOSERS.indexOf(s.charAt(k + 1)) >= 0);
  }

  static boolean scanNato(Candidates out) {
    String s = out.text;
    int n = s.length();
    int i = 0;
    while (i < n) {
      int w = wordEnd(s, i);
      if (w == i) {
        i++;
        continue;
      }
      Character first = nato(s, i, w);
      if (first == null || (i > 0 && Character.isLetterOrDigit(s.charAt(i - 1)))) {
        i = w;
        continue;
      }
      int start = i;
      int end = w;
      StringBuilder text = new StringBuilder().append((char) first);
      int words = 1;
      int tokens = 1;
      int spelled = 1;
      int longest = 1;
      int k = w;
      while (k < n) {
        // the gap to the next NATO word
        int j = k;
        int gapTokens = 0;
        boolean single = false;
        Character next = null;
        int nextEnd = -1;
        while (j < n && j - k <= MAX_NATO_GAP) {
          int we = wordEnd(s, j);
          if (we == j) {
            j++;
            continue;
          }
          next = nato(s, j, we);
          if (next != null) {
            single = j - k == 1 && s.charAt(k) == ' ' && gapTokens == 0;
            nextEnd = we;
            break;
          }
          gapTokens++;
          j = we;
        }
        if (next == null) {
          break;
        }
        if (single) {
          spelled++;
        } else {
          text.append(' ');
          spelled = 1;
        }
        longest = Math.max(longest, spelled);
        text.append((char) next);
        words++;
        tokens += 1 + gapTokens;
        end = nextEnd;
        k = nextEnd;
      }
      i = Math.max(end, start + 1);
      if (words < MIN_NATO
          || longest < MIN_NATO_WORD
          || words * 2 < tokens
          || out.covered(start, end)) {
        continue;
      }
      if (!out.offer(start, end, Encoding.NATO, text.toString())) {
        return false;
      }
    }
    return true;
  }

  /** The end of the word (ASCII letters and inner hyphens) at {@code i}, or {@code i}. */
  private static int wordEnd(String s, int i) {
    int n = s.length();
    int j = i;
    while (j < n
        && (Chars.isAsciiLetter(s.charAt(j))
            || (s.charAt(j) == '-'
                && j > i
                && j + 1 < n
                && Chars.isAsciiLetter(s.charAt(j + 1))))) {
      j++;
    }
    return j;
  }

  private static final String[][] NATO_BY_LETTER = new String[26][];

  static {
    for (int k = 0; k < 26; k++) {
      char letter = (char) ('a' + k);
      NATO_BY_LETTER[k] =
          NATO.entrySet().stream()
              .filter(e -> e.getValue() == letter)
              .map(Map.Entry::getKey)
              .toArray(String[]::new);
    }
  }

  /** The letter of the NATO word {@code s[from, to)} (any case), or null; no allocation. */
  private static Character nato(String s, int from, int to) {
    int len = to - from;
    if (len < 4 || len > 8) {
      return null;
    }
    char f = Character.toLowerCase(s.charAt(from));
    if (f < 'a' || f > 'z') {
      return null;
    }
    for (String w : NATO_BY_LETTER[f - 'a']) {
      if (w.length() == len && s.regionMatches(true, from, w, 0, len)) {
        return f;
      }
    }
    return null;
  }

  // --- braille ---

  private static final char[] BRAILLE = new char[256];
  private static final int CAPITAL = dots("6");
  private static final int NUMBER = dots("3456");

  static {
    String[] letters = {
      "1", "12", "14", "145", "15", "124", "1245", "125", "24", "245", "13", "123", "134", "1345",
      "135", "1234", "12345", "1235", "234", "2345", "136", "1236", "2456", "1346", "13456", "1356"
    };
    for (int k = 0; k < 26; k++) {
      BRAILLE[dots(letters[k])] = (char) ('a' + k);
    }
    BRAILLE[dots("2")] = ',';
    BRAILLE[dots("23")] = ';';
    BRAILLE[dots("25")] = ':';
    BRAILLE[dots("256")] = '.';
    BRAILLE[dots("235")] = '!';
    BRAILLE[dots("236")] = '?';
    BRAILLE[dots("356")] = '"';
    BRAILLE[dots("3")] = '\'';
    BRAILLE[dots("36")] = '-';
    BRAILLE[0] = ' ';
  }

  private static int dots(String d) {
    int bits = 0;
    for (int k = 0; k < d.length(); k++) {
      bits |= 1 << (d.charAt(k) - '1');
    }
    return bits;
  }

  /**
   * Runs of lines that each hold one character and, after a space or a symbol, something about it:
   * the text written one character a line, a blank line for a space, as PyRIT's math obfuscation
   * writes it ({@code H = 5H - 4H}, then {@code s = 2s - 1s}; Munoz et al. 2024, arXiv:2410.02828)
   * and as a reader decodes any such list ({@code H - hotel}, {@code s: sierra}). A run needs
   * {@value #MIN_LINE_INITIALS} such lines, at most two blank lines in a row, at least half of its
   * lines decorated (bare letters one a line are {@link SpacedWords}'s) and a blank line somewhere
   * (words, not a list labelled {@code a)}, {@code b)}). The decoded text is screened like any
   * other; a poem whose lines open with {@code I} or {@code A} decodes to no words and is not
   * reported ({@link TextShape#textLike}).
   */
  static boolean scanLineInitials(Candidates out) {
    String s = out.text;
    int n = s.length();
    if (s.indexOf('\n') < 0) {
      return true;
    }
    int i = 0;
    StringBuilder text = new StringBuilder();
    int runStart = -1;
    int runEnd = -1;
    int units = 0;
    int decorated = 0;
    int blanks = 0;
    while (i <= n) {
      int lineEnd = s.indexOf('\n', i);
      if (lineEnd < 0) {
        lineEnd = n;
      }
      int a = i;
      int b = lineEnd;
      while (a < b && (s.charAt(a) == ' ' || s.charAt(a) == '\t')) {
        a++;
      }
      while (b > a && Character.isWhitespace(s.charAt(b - 1))) {
        b--;
      }
      int unit = a < b ? lineUnit(s, a, b) : 0;
      if (a == b && runStart >= 0 && blanks < 2) {
        blanks++;
        if (blanks == 1) {
          text.append(' ');
        }
      } else if (unit > 0) {
        if (runStart < 0) {
          runStart = a;
        }
        blanks = 0;
        text.appendCodePoint(s.codePointAt(a));
        units++;
        decorated += unit > 1 ? 1 : 0;
        runEnd = b;
      } else {
        if (!offerLineInitials(out, runStart, runEnd, units, decorated, text)) {
          return false;
        }
        runStart = -1;
        units = 0;
        decorated = 0;
        blanks = 0;
        text.setLength(0);
      }
      i = lineEnd + 1;
    }
    return offerLineInitials(out, runStart, runEnd, units, decorated, text);
  }

  /** Words (or lines) a run of {@link #scanWordInitials} needs. */
  static final int MIN_WORD_INITIALS = 6;

  /** What a text says to read first letters by; without one no initials are read. */
  private static final String[] INITIALS_CUES = {
    "first letter", "initial letter", "first character", "initials", "acrostic", "first char"
  };

  /**
   * The first letters of a list of words or of lines, where the text says to read them ("take the
   * first letter of each word: house sun ice apple orange …", an acrostic): a run of at least
   * {@value #MIN_WORD_INITIALS} lower-case words apart by spaces or commas only that opens a line
   * or follows a colon, a dash, a quote or a bracket (at most {@value #MAX_INITIAL_LISTS}), or of
   * as many lines in a row that open with a letter, read as the word their initials spell ({@code
   * hsiao}). Read only in a text that names such a reading ({@code first letter}, {@code initials},
   * {@code acrostic}, …): every sentence's initials spell something, and no reader decodes them
   * unasked.
   */
  static boolean scanWordInitials(Candidates out) {
    String s = out.text;
    if (!mentions(s, INITIALS_CUES)) {
      return true;
    }
    int n = s.length();
    int i = 0;
    StringBuilder initials = new StringBuilder();
    int lists = 0;
    while (i < n && lists < MAX_INITIAL_LISTS) {
      if (!isLowerAscii(s.charAt(i)) || !opensList(s, i)) {
        i++;
        continue;
      }
      int start = i;
      int end = i;
      initials.setLength(0);
      int k = i;
      while (k < n && isLowerAscii(s.charAt(k))) {
        int w = k;
        while (w < n && isLowerAscii(s.charAt(w))) {
          w++;
        }
        if (w < n && Chars.isWordChar(s.charAt(w))) {
          break; // a word with capitals or digits ends the list
        }
        initials.append(s.charAt(k));
        end = w;
        int g = w;
        while (g < n && (s.charAt(g) == ' ' || s.charAt(g) == ',' || s.charAt(g) == '\t')) {
          g++;
        }
        k = g == w ? n : g;
      }
      if (initials.length() >= MIN_WORD_INITIALS && !out.covered(start, end)) {
        lists++;
        if (!out.offer(start, end, Encoding.WORD_INITIALS, initials.toString())) {
          return false;
        }
      }
      i = Math.max(end, i + 1);
    }
    return lineInitials(out);
  }

  /** The most lists of words one text layer has read by their initials. */
  static final int MAX_INITIAL_LISTS = 16;

  /**
   * Whether a list may open at {@code i}: at the text's or a line's start, or after a colon, a
   * dash, a quote, a bracket or another symbol (spaces between), not inside a sentence (after a
   * word, a comma or a full stop).
   */
  private static boolean opensList(String s, int i) {
    int j = i - 1;
    while (j >= 0 && (s.charAt(j) == ' ' || s.charAt(j) == '\t')) {
      j--;
    }
    if (j < 0) {
      return true;
    }
    char c = s.charAt(j);
    return !Character.isLetterOrDigit(c) && c != ',' && c != '.';
  }

  /** The first letters of runs of lines that open with a letter (an acrostic). */
  private static boolean lineInitials(Candidates out) {
    String s = out.text;
    int n = s.length();
    StringBuilder initials = new StringBuilder();
    int start = -1;
    int end = -1;
    int i = 0;
    while (i <= n) {
      int lineEnd = s.indexOf('\n', i);
      if (lineEnd < 0) {
        lineEnd = n;
      }
      int a = i;
      while (a < lineEnd && Character.isWhitespace(s.charAt(a))) {
        a++;
      }
      if (a < lineEnd && Character.isLetter(s.charAt(a))) {
        if (start < 0) {
          start = a;
        }
        initials.append(s.charAt(a));
        end = lineEnd;
      } else {
        if (initials.length() >= MIN_WORD_INITIALS
            && !out.covered(start, end)
            && !out.offer(start, end, Encoding.WORD_INITIALS, initials.toString())) {
          return false;
        }
        initials.setLength(0);
        start = -1;
      }
      i = lineEnd + 1;
    }
    return initials.length() < MIN_WORD_INITIALS
        || out.covered(start, end)
        || out.offer(start, end, Encoding.WORD_INITIALS, initials.toString());
  }

  private static boolean isLowerAscii(char c) {
    return c >= 'a' && c <= 'z';
  }

  /** Whether {@code s} holds one of {@code cues} (lower case), in any case. */
  private static boolean mentions(String s, String[] cues) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = Character.toLowerCase(s.charAt(i));
      if (c != 'f' && c != 'i' && c != 'a') {
        continue;
      }
      for (String cue : cues) {
        if (cue.charAt(0) == c && s.regionMatches(true, i, cue, 0, cue.length())) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * 1 when {@code s[a, b)} (a line, trimmed) is one character, 2 when it is one character, then
   * perhaps spaces, then a symbol and more ({@code H = 5H - 4H}, {@code H: hotel}, {@code H -
   * hotel}), 0 otherwise (a word, a sentence opening with {@code I} or {@code A}, {@code H2O}).
   */
  private static int lineUnit(String s, int a, int b) {
    int cp = s.codePointAt(a);
    int after = a + Character.charCount(cp);
    if (Character.isWhitespace(cp) || Character.isISOControl(cp)) {
      return 0;
    }
    if (after >= b) {
      return 1;
    }
    if (!Character.isWhitespace(s.charAt(after)) && Character.isLetterOrDigit(cp)) {
      // H2O, it's, A.: a word, not a character and its decoration
      return s.charAt(after) == '=' || s.charAt(after) == ':' ? 2 : 0;
    }
    int k = after;
    while (k < b && Character.isWhitespace(s.charAt(k))) {
      k++;
    }
    // after the space a symbol (=, -, :, →), not a word: "I saw a crowd" is a sentence
    return Character.isLetterOrDigit(s.codePointAt(k)) ? 0 : 2;
  }

  private static boolean offerLineInitials(
      Candidates out, int start, int end, int units, int decorated, StringBuilder text) {
    if (start < 0
        || units < MIN_LINE_INITIALS
        || 2 * decorated < units
        || out.covered(start, end)) {
      return true;
    }
    String decoded = text.toString().strip();
    if (decoded.indexOf(' ') < 0) {
      return true; // a list labelled a), b), c) or x = 1, y = 2 spells no words
    }
    return out.offer(start, end, Encoding.LINE_INITIALS, decoded);
  }

  /**
   * Runs of Unicode braille cells (with spaces and ASCII punctuation between them) of at least
   * {@value #MIN_BRAILLE} cells, read as Grade 1 English braille: letters, the capital sign, the
   * number sign before {@code a}..{@code j}, common punctuation. Contractions of Grade 2 are not
   * expanded (a contracted cell reads as its letter).
   */
  static boolean scanBraille(Candidates out) {
    String s = out.text;
    int n = s.length();
    int i = 0;
    while (i < n) {
      if (!isBraille(s.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      int end = i;
      int cells = 0;
      int unknown = 0;
      boolean capital = false;
      boolean number = false;
      StringBuilder text = new StringBuilder();
      while (i < n) {
        char c = s.charAt(i);
        if (isBraille(c)) {
          int cell = c - 0x2800;
          cells++;
          end = i + 1;
          i++;
          if (cell == CAPITAL) {
            capital = true;
            continue;
          }
          if (cell == NUMBER) {
            number = true;
            continue;
          }
          char d = cell < 256 ? BRAILLE[cell] : 0;
          if (d == 0) {
            unknown++;
            continue;
          }
          if (number && d >= 'a' && d <= 'j') {
            d = d == 'j' ? '0' : (char) ('1' + (d - 'a'));
          } else {
            number = false;
          }
          text.append(capital ? Character.toUpperCase(d) : d);
          capital = false;
          continue;
        }
        if (c == ' ' || c == '-' || c == ',' || c == '.' || c == '?' || c == '!' || c == '\'') {
          if (i + 1 < n && (isBraille(s.charAt(i + 1)) || s.charAt(i + 1) == ' ')) {
            text.append(c);
            number = false;
            i++;
            continue;
          }
        }
        break;
      }
      i = Math.max(i, start + 1);
      if (cells < MIN_BRAILLE || unknown * 10 > cells || out.covered(start, end)) {
        continue;
      }
      if (!out.offer(start, end, Encoding.BRAILLE, text.toString().strip())) {
        return false;
      }
    }
    return true;
  }

  private static boolean isBraille(char c) {
    return c >= 0x2800 && c <= 0x28FF;
  }

  // --- upside down ---

  /** Turned letter → the letter it stands for; only letters that are not themselves ASCII. */
  private static final Map<Character, Character> TURNED =
      Map.ofEntries(
          Map.entry('\u0250', 'a'), // ɐ
          Map.entry('\u0254', 'c'), // ɔ
          Map.entry('\u01dd', 'e'), // ǝ
          Map.entry('\u025f', 'f'), // ɟ
          Map.entry('\u0183', 'g'), // ƃ
          Map.entry('\u1d77', 'g'), // ᵷ
          Map.entry('\u0265', 'h'), // ɥ
          Map.entry('\u1d09', 'i'), // ᴉ
          Map.entry('\u0131', 'i'), // ı
          Map.entry('\u027e', 'j'), // ɾ
          Map.entry('\u029e', 'k'), // ʞ
          Map.entry('\ua781', 'l'), // ꞁ
          Map.entry('\u026f', 'm'), // ɯ
          Map.entry('\u0279', 'r'), // ɹ
          Map.entry('\u0287', 't'), // ʇ
          Map.entry('\u028c', 'v'), // ʌ
          Map.entry('\u028d', 'w'), // ʍ
          Map.entry('\u028e', 'y'), // ʎ
          Map.entry('\u2200', 'A'), // ∀
          Map.entry('\u0186', 'C'), // Ɔ
          Map.entry('\u018e', 'E'), // Ǝ
          Map.entry('\u2132', 'F'), // Ⅎ
          Map.entry('\u2141', 'G'), // ⅁
          Map.entry('\u017f', 'J'), // ſ
          Map.entry('\ua4d8', 'K'), // ꓘ
          Map.entry('\u02e5', 'L'), // ˥
          Map.entry('\u0500', 'P'), // Ԁ
          Map.entry('\u1d1a', 'R'), // ᴚ
          Map.entry('\u22a5', 'T'), // ⊥
          Map.entry('\u2229', 'U'), // ∩
          Map.entry('\u039b', 'V'), // Λ
          Map.entry('\u2144', 'Y'), // ⅄
          Map.entry('\u00bf', '?'), // ¿
          Map.entry('\u00a1', '!'), // ¡
          Map.entry('\u02d9', '.')); // ˙

  private static final char[] TURNED_KEYS;
  private static final char[] TURNED_VALUES;

  static {
    TURNED_KEYS = new char[TURNED.size()];
    int k = 0;
    for (char c : TURNED.keySet()) {
      TURNED_KEYS[k++] = c;
    }
    java.util.Arrays.sort(TURNED_KEYS);
    TURNED_VALUES = new char[TURNED_KEYS.length];
    for (k = 0; k < TURNED_KEYS.length; k++) {
      TURNED_VALUES[k] = TURNED.get(TURNED_KEYS[k]);
    }
  }

  /** The char a turned char stands for, or 0; ASCII is never turned. */
  private static char turned(char c) {
    if (c < 0xA1) {
      return 0;
    }
    int k = java.util.Arrays.binarySearch(TURNED_KEYS, c);
    return k < 0 ? 0 : TURNED_VALUES[k];
  }

  /**
   * Lines with at least {@value #MIN_TURNED} turned letters, {@value #MIN_TURNED_DISTINCT} of them
   * distinct: each char turned back ({@code b q d p n u M W} swap, as they do when turned) and the
   * line reversed.
   */
  static boolean scanUpsideDown(Candidates out) {
    String s = out.text;
    int n = s.length();
    int i = 0;
    while (i < n) {
      int e = s.indexOf('\n', i);
      if (e < 0) {
        e = n;
      }
      int turned = 0;
      int distinct = 0; // bit set of the letters they stand for
      for (int k = i; k < e; k++) {
        char t = turned(s.charAt(k));
        if (t != 0 && Character.isLetter(t)) {
          turned++;
          distinct |= 1 << (Character.toLowerCase(t) - 'a');
        }
      }
      if (turned >= MIN_TURNED
          && Integer.bitCount(distinct) >= MIN_TURNED_DISTINCT
          && !out.covered(i, e)) {
        StringBuilder text = new StringBuilder(e - i);
        for (int k = e - 1; k >= i; k--) {
          char c = s.charAt(k);
          char t = turned(c);
          text.append(
              t != 0
                  ? t
                  : switch (c) {
                    case 'b' -> 'q';
                    case 'q' -> 'b';
                    case 'd' -> 'p';
                    case 'p' -> 'd';
                    case 'n' -> 'u';
                    case 'u' -> 'n';
                    case 'M' -> 'W';
                    case 'W' -> 'M';
                    case ',' -> '\'';
                    case '\'' -> ',';
                    default -> c;
                  });
        }
        if (!out.offer(i, e, Encoding.UPSIDE_DOWN, text.toString().strip())) {
          return false;
        }
      }
      i = e + 1;
    }
    return true;
  }
}

package dev.lethe.filters.text;

/** Small char-class helpers shared by the {@link Canonicalizer} steps. */
final class Chars {
  private Chars() {}

  static boolean isMark(int cp) {
    int t = Character.getType(cp);
    return t == Character.NON_SPACING_MARK
        || t == Character.COMBINING_SPACING_MARK
        || t == Character.ENCLOSING_MARK;
  }

  /** A letter, a digit or a combining mark: a char that belongs to a word. */
  static boolean isWordChar(int cp) {
    if (cp < 0x80) {
      return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    }
    return Character.isLetterOrDigit(cp) || isMark(cp);
  }

  /** Letters, digits, marks and the underscore: what continues an identifier. */
  static boolean isIdentifierChar(int cp) {
    return cp == '_' || isWordChar(cp);
  }

  static boolean isAsciiLetter(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /**
   * Whether an ASCII letter at {@code i} of {@code in} opens a word (no identifier char before).
   */
  static boolean startsAsciiWord(MappedText in, int i) {
    return isAsciiLetter(in.charAt(i)) && (i == 0 || !isIdentifierChar(in.charAt(i - 1)));
  }

  /** The end of the run of ASCII letters that starts at {@code i} of {@code in}. */
  static int asciiLettersEnd(MappedText in, int i) {
    int n = in.length();
    while (i < n && isAsciiLetter(in.charAt(i))) {
      i++;
    }
    return i;
  }

  static boolean isLetter(int cp) {
    if (cp < 0x80) {
      return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
    }
    return Character.isLetter(cp);
  }

  static boolean isAsciiVowel(int c) {
    return switch (Character.toLowerCase(c)) {
      case 'a', 'e', 'i', 'o', 'u', 'y' -> true;
      default -> false;
    };
  }
}

package dev.lethe.filters.text;

/**
 * Tells decoded bytes that are text from those that are not, so random bytes, images and the
 * accidental decoding of ordinary words are dropped.
 */
final class TextShape {
  /** Share of letters and spaces that makes a decoded string read as text. */
  static final double MIN_TEXT_SHARE = 0.6;

  private TextShape() {}

  /**
   * Decodes strict UTF-8, or returns {@code null} for malformed input (overlong forms, surrogates,
   * stray continuation bytes, code points above U+10FFFF). When {@code partial}, a sequence cut by
   * the end of {@code bytes} is dropped instead of refused (for checking a prefix).
   */
  static String utf8(byte[] bytes, int length, boolean partial) {
    StringBuilder out = new StringBuilder(length);
    int i = 0;
    while (i < length) {
      int b = bytes[i] & 0xFF;
      if (b < 0x80) {
        out.append((char) b);
        i++;
        continue;
      }
      int need;
      int cp;
      int min;
      if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
        cp = b & 0x1F;
        min = 0x80;
      } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        cp = b & 0x0F;
        min = 0x800;
      } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        cp = b & 0x07;
        min = 0x10000;
      } else {
        return null;
      }
      if (i + need >= length) { // the sequence runs past the end
        if (!partial) {
          return null;
        }
        for (int k = 1; i + k < length; k++) {
          if ((bytes[i + k] & 0xC0) != 0x80) {
            return null;
          }
        }
        break;
      }
      for (int k = 1; k <= need; k++) {
        int c = bytes[i + k] & 0xFF;
        if ((c & 0xC0) != 0x80) {
          return null;
        }
        cp = (cp << 6) | (c & 0x3F);
      }
      if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return null;
      }
      out.appendCodePoint(cp);
      i += need + 1;
    }
    return out.toString();
  }

  /**
   * Whether every char is printable: no control chars but tab and line breaks, no replacement char,
   * no unassigned, private-use or lone surrogate code points. Decoded layers must pass this to be
   * decoded further.
   */
  static boolean printable(CharSequence s) {
    for (int i = 0; i < s.length(); ) {
      int cp = Character.codePointAt(s, i);
      i += Character.charCount(cp);
      if (cp >= 0x20 && cp < 0x7F) {
        continue;
      }
      if (cp == '\t' || cp == '\n' || cp == '\r') {
        continue;
      }
      int t = Character.getType(cp);
      if (cp < 0x20
          || cp == 0x7F
          || cp == 0xFFFD
          || t == Character.CONTROL
          || t == Character.UNASSIGNED
          || t == Character.PRIVATE_USE
          || t == Character.SURROGATE) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether a printable string reads as text: at least two letters and letters plus spaces at least
   * {@value #MIN_TEXT_SHARE} of its chars. Random printable ASCII is about 55% letters; a hex dump
   * is mostly digits; both fail.
   */
  static boolean textLike(CharSequence s) {
    int letters = 0;
    int spaces = 0;
    int n = 0;
    for (int i = 0; i < s.length(); ) {
      int cp = Character.codePointAt(s, i);
      i += Character.charCount(cp);
      n++;
      if (Character.isLetter(cp)) {
        letters++;
      } else if (cp == ' ') {
        spaces++;
      }
    }
    return letters >= 2 && letters + spaces >= MIN_TEXT_SHARE * n;
  }
}

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
   * The text {@code length} bytes hold: UTF-16 when they are shaped so ({@link #utf16Order}: a
   * byte-order mark, or the zero bytes of Latin text in every other place, as Windows tools and
   * PowerShell's {@code -EncodedCommand} write it), else UTF-8 ({@link #utf8}); null when neither
   * reads. {@code partial}: the bytes are the head of a longer run.
   */
  static String text(byte[] bytes, int length, boolean partial) {
    java.nio.ByteOrder order = utf16Order(bytes, length);
    if (order == null) {
      return utf8(bytes, length, partial);
    }
    int from = 0;
    if (length >= 2
        && ((bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE
            || (bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF)) {
      from = 2;
    }
    int even = length - ((length - from) & 1);
    java.nio.charset.Charset cs =
        order == java.nio.ByteOrder.LITTLE_ENDIAN
            ? java.nio.charset.StandardCharsets.UTF_16LE
            : java.nio.charset.StandardCharsets.UTF_16BE;
    String text = new String(bytes, from, even - from, cs);
    return text.indexOf('\uFFFD') >= 0 ? null : text;
  }

  /**
   * The byte order of UTF-16 text in the first {@code length} bytes, or null when they do not look
   * like UTF-16: a byte-order mark, or at least eight bytes of which nine in ten of the odd (little
   * endian) or even (big endian) places are zero and nine in ten of the others are not.
   */
  static java.nio.ByteOrder utf16Order(byte[] bytes, int length) {
    if (length >= 2) {
      int a = bytes[0] & 0xFF;
      int b = bytes[1] & 0xFF;
      if (a == 0xFF && b == 0xFE) {
        return java.nio.ByteOrder.LITTLE_ENDIAN;
      }
      if (a == 0xFE && b == 0xFF) {
        return java.nio.ByteOrder.BIG_ENDIAN;
      }
    }
    if (length < 8) {
      return null;
    }
    int pairs = length / 2;
    int zeroEven = 0;
    int zeroOdd = 0;
    for (int k = 0; k + 1 < length; k += 2) {
      zeroEven += bytes[k] == 0 ? 1 : 0;
      zeroOdd += bytes[k + 1] == 0 ? 1 : 0;
    }
    if (zeroOdd * 10 >= pairs * 9 && zeroEven * 10 <= pairs) {
      return java.nio.ByteOrder.LITTLE_ENDIAN;
    }
    if (zeroEven * 10 >= pairs * 9 && zeroOdd * 10 <= pairs) {
      return java.nio.ByteOrder.BIG_ENDIAN;
    }
    return null;
  }

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

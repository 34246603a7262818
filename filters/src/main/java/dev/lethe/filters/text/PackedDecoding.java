package dev.lethe.filters.text;

import java.io.ByteArrayOutputStream;

/**
 * Finds and decodes binary (eight {@code 0}/{@code 1} digits a byte), decimal character codes,
 * Ascii85, base85 (RFC 1924) and uuencoded payloads, one linear pass each. As for {@link
 * RadixDecoding}, a payload is decoded only when it is long enough and its first bytes are
 * printable UTF-8, so a large blob costs a scan and a probe; what is offered is the longest
 * printable prefix of the decoded bytes when that is nearly all of them (a payload followed by
 * punctuation that the run swallowed still decodes).
 */
final class PackedDecoding {
  /** Bytes a payload must decode to. */
  static final int MIN_BYTES = 8;

  /** Most trailing bytes dropped to find a printable prefix (punctuation the run swallowed). */
  static final int MAX_TRIM = 8;

  private static final String B85 =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";
  private static final byte[] B85_VALUE = new byte[128];

  static {
    java.util.Arrays.fill(B85_VALUE, (byte) -1);
    for (int i = 0; i < B85.length(); i++) {
      B85_VALUE[B85.charAt(i)] = (byte) i;
    }
  }

  private PackedDecoding() {}

  // --- binary ---

  /**
   * Runs of {@code 0}/{@code 1} groups: at least four groups of exactly eight digits separated by
   * one space or comma, or one group of at least {@value Candidates#MIN_RUN} times two digits whose
   * length is a multiple of eight.
   */
  static boolean scanBinary(Candidates out) {
    String s = out.text;
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if ((c != '0' && c != '1') || (i > 0 && Character.isLetterOrDigit(s.charAt(i - 1)))) {
        i++;
        continue;
      }
      int start = i;
      int groups = 0;
      int digits = 0;
      boolean regular = true; // every group eight digits
      int end = i;
      int j = i;
      while (true) {
        int g = j;
        while (j < n && (s.charAt(j) == '0' || s.charAt(j) == '1')) {
          j++;
        }
        int len = j - g;
        if (len == 0 || (j < n && Character.isLetterOrDigit(s.charAt(j)))) {
          break;
        }
        groups++;
        digits += len;
        regular &= len == 8;
        end = j;
        if (j + 1 < n
            && (s.charAt(j) == ' ' || s.charAt(j) == ',')
            && (s.charAt(j + 1) == '0' || s.charAt(j + 1) == '1')) {
          j++;
          continue;
        }
        break;
      }
      i = Math.max(end, start + 1);
      boolean grouped = regular && groups >= 4;
      boolean packed = groups == 1 && digits >= 2 * Candidates.MIN_RUN && digits % 8 == 0;
      if (!(grouped || packed) || out.covered(start, end)) {
        continue;
      }
      int bytes = digits / 8;
      int max = Math.min(bytes, out.charsLeft() * 4 + 4);
      byte[] buf = new byte[max];
      int b = 0;
      int bits = 0;
      int value = 0;
      for (int k = start; k < end && b < max; k++) {
        char d = s.charAt(k);
        if (d != '0' && d != '1') {
          continue;
        }
        value = (value << 1) | (d - '0');
        if (++bits == 8) {
          buf[b++] = (byte) value;
          bits = 0;
          value = 0;
        }
        if (b == Candidates.PROBE_BYTES && !probe(buf, b)) {
          break;
        }
      }
      if (!offer(out, start, end, Encoding.BINARY, buf, b, bytes > max)) {
        return false;
      }
    }
    return true;
  }

  // --- decimal character codes ---

  /**
   * Runs of at least {@value #MIN_BYTES} decimal character codes ({@code 72 105 110 97}: one to
   * three digits each, {@link #decimalCode}), separated alike throughout by one space, one comma, a
   * comma and a space, or one semicolon; what Python's {@code ord} or a "convert to ASCII codes"
   * tool writes. A number next to a letter, a digit or a decimal point ends the run.
   */
  static boolean scanDecimal(Candidates out) {
    String s = out.text;
    int n = s.length();
    int i = 0;
    byte[] buf = null;
    while (i < n) {
      char c = s.charAt(i);
      if (c < '0' || c > '9' || (i > 0 && number(s.charAt(i - 1)))) {
        i++;
        continue;
      }
      int start = i;
      int end = i;
      int j = i;
      int count = 0;
      int bytes = 0;
      int sep = 0; // the run's separator: its decimalSeparator code, 0 before the first
      int max = out.charsLeft() * 4 + 4;
      while (true) {
        int g = j;
        int value = 0;
        while (j < n && j - g < 4 && s.charAt(j) >= '0' && s.charAt(j) <= '9') {
          value = value * 10 + s.charAt(j) - '0';
          j++;
        }
        if (j == g
            || j - g > 3
            || (j < n && (number(s.charAt(j)) || s.charAt(j) == '.') && !endsSentence(s, j))
            || !decimalCode(value)) {
          break;
        }
        if (buf == null || bytes + 2 > buf.length) {
          if (bytes + 2 > max) {
            break;
          }
          buf = buf == null ? new byte[64] : java.util.Arrays.copyOf(buf, buf.length * 2);
        }
        if (value < 0x80) {
          buf[bytes++] = (byte) value;
        } else { // two bytes of UTF-8
          buf[bytes++] = (byte) (0xC0 | (value >> 6));
          buf[bytes++] = (byte) (0x80 | (value & 0x3F));
        }
        count++;
        end = j;
        int next = decimalSeparator(s, j);
        if (next == 0 || (sep != 0 && sep != next)) {
          break;
        }
        int after = j + (next == COMMA_SPACE ? 2 : 1);
        if (after >= n || s.charAt(after) < '0' || s.charAt(after) > '9') {
          break;
        }
        sep = next;
        j = after;
      }
      i = Math.max(end, start + 1);
      if (count < MIN_BYTES || out.covered(start, end)) {
        continue;
      }
      if (!offer(out, start, end, Encoding.DECIMAL, buf, bytes, false)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A code a decimal payload may hold: printable ASCII, tab and line breaks, and the letters of
   * Latin-1 and Latin Extended-A (160–383: {@code é} is 233), which accented names need.
   */
  private static boolean decimalCode(int value) {
    return value >= 32 && value <= 126
        || value == 9
        || value == 10
        || value == 13
        || value >= 160 && value <= 383;
  }

  private static boolean number(char c) {
    return Character.isLetterOrDigit(c);
  }

  /** A full stop that ends a sentence after a number ({@code … 110 97. Name …}), not a decimal. */
  private static boolean endsSentence(String s, int j) {
    return s.charAt(j) == '.' && (j + 1 == s.length() || Character.isWhitespace(s.charAt(j + 1)));
  }

  private static final int COMMA_SPACE = 4;

  /**
   * The separator at {@code j}: 1 a space, 2 a comma, 3 a semicolon, 4 a comma and a space, else 0.
   */
  private static int decimalSeparator(String s, int j) {
    if (j >= s.length()) {
      return 0;
    }
    return switch (s.charAt(j)) {
      case ' ' -> 1;
      case ',' -> j + 1 < s.length() && s.charAt(j + 1) == ' ' ? COMMA_SPACE : 2;
      case ';' -> 3;
      default -> 0;
    };
  }

  // --- Ascii85 and base85 ---

  /**
   * Runs of at least {@value Candidates#MIN_RUN} chars of the Ascii85 alphabet ({@code !}..{@code
   * u}, {@code z}), optionally inside {@code <~ ~>}, with at least one char that is neither a
   * letter nor a digit (a plain word or a base64 run is not Ascii85).
   */
  static boolean scanAscii85(Candidates out) {
    return scan85(out, true);
  }

  /** As {@link #scanAscii85} for the RFC 1924 alphabet (Python's {@code b85encode}, git). */
  static boolean scanBase85(Candidates out) {
    return scan85(out, false);
  }

  private static boolean scan85(Candidates out, boolean adobe) {
    String s = out.text;
    int n = s.length();
    int i = 0;
    while (i < n) {
      if (!in85(s.charAt(i), adobe)) {
        i++;
        continue;
      }
      int start = i;
      boolean symbol = false;
      while (i < n && in85(s.charAt(i), adobe)) {
        char c = s.charAt(i);
        symbol |= !(Chars.isAsciiLetter(c) || (c >= '0' && c <= '9'));
        i++;
      }
      int from = start;
      int to = i;
      if (adobe && s.startsWith("<~", from)) {
        from += 2;
      }
      // (a closing "~>" is outside the alphabet: the run stops at it)
      if (!symbol || to - from < Candidates.MIN_RUN || out.covered(start, i)) {
        continue;
      }
      int max = Math.min((to - from) / 5 * 4 + 4, out.charsLeft() * 4 + 4);
      byte[] buf = new byte[max];
      int b = 0;
      long value = 0;
      int digits = 0;
      boolean bad = false;
      for (int k = from; k < to && b < max; k++) {
        char c = s.charAt(k);
        if (adobe && c == 'z' && digits == 0) {
          for (int z = 0; z < 4 && b < max; z++) {
            buf[b++] = 0;
          }
          continue;
        }
        int v = adobe ? (c == 'z' ? -1 : c - '!') : B85_VALUE[c];
        if (v < 0) {
          bad = true;
          break;
        }
        value = value * 85 + v;
        if (++digits == 5) {
          if (value > 0xFFFFFFFFL) {
            bad = true;
            break;
          }
          for (int sh = 24; sh >= 0 && b < max; sh -= 8) {
            buf[b++] = (byte) (value >>> sh);
          }
          digits = 0;
          value = 0;
          if (b >= Candidates.PROBE_BYTES && b < Candidates.PROBE_BYTES + 4 && !probe(buf, b)) {
            bad = true;
            break;
          }
        }
      }
      if (bad || digits == 1) {
        continue;
      }
      if (digits > 1) { // a final partial group, padded with the highest digit
        for (int p = digits; p < 5; p++) {
          value = value * 85 + 84;
        }
        for (int k = 0, sh = 24; k < digits - 1 && b < max; k++, sh -= 8) {
          buf[b++] = (byte) (value >>> sh);
        }
      }
      if (!offer(out, start, i, adobe ? Encoding.ASCII85 : Encoding.BASE85, buf, b, false)) {
        return false;
      }
    }
    return true;
  }

  private static boolean in85(char c, boolean adobe) {
    if (adobe) {
      return (c >= '!' && c <= 'u') || c == 'z';
    }
    return c < 128 && B85_VALUE[c] >= 0;
  }

  // --- uuencode ---

  /**
   * Consecutive uuencoded lines: each starts with a length char ({@code !}..{@code M}, 1–45 bytes)
   * and holds exactly the chars that length needs (trailing spaces may be missing), every char in
   * {@code ' '}..{@code `}; an optional {@code begin} line before and {@code `}/{@code end} after.
   */
  static boolean scanUu(Candidates out) {
    String s = out.text;
    int n = s.length();
    int i = 0;
    while (i < n) {
      int lineEnd = lineEnd(s, i);
      int first = i;
      ByteArrayOutputStream bytes = null;
      int end = i;
      int k = i;
      while (k < n) {
        int e = lineEnd(s, k);
        if (!decodeUuLine(s, k, e, null)) {
          break;
        }
        if (bytes == null) {
          bytes = new ByteArrayOutputStream();
        }
        decodeUuLine(s, k, e, bytes);
        end = e;
        k = e < n ? e + 1 : n;
        if (bytes.size() > out.charsLeft() * 4 + 4) {
          break;
        }
      }
      if (bytes == null) {
        i = lineEnd < n ? lineEnd + 1 : n;
        continue;
      }
      i = k > first ? k : first + 1;
      if (bytes.size() < MIN_BYTES || out.covered(first, end)) {
        continue;
      }
      byte[] buf = bytes.toByteArray();
      if (!offer(out, first, end, Encoding.UUENCODE, buf, buf.length, false)) {
        return false;
      }
    }
    return true;
  }

  private static int lineEnd(String s, int i) {
    int e = s.indexOf('\n', i);
    return e < 0 ? s.length() : e;
  }

  /** Whether {@code s[from, to)} is a uuencoded data line; decodes it into {@code out} if given. */
  private static boolean decodeUuLine(String s, int from, int to, ByteArrayOutputStream out) {
    if (to > from && s.charAt(to - 1) == '\r') {
      to--;
    }
    if (to - from < 5) {
      return false;
    }
    char lc = s.charAt(from);
    int len = (lc - ' ') & 63;
    if (lc < '!' || lc > 'M') {
      return false;
    }
    int need = 1 + (len + 2) / 3 * 4;
    if (to - from > need || to - from < need - 2) {
      return false;
    }
    for (int k = from + 1; k < to; k++) {
      char c = s.charAt(k);
      if (c < ' ' || c > '`') {
        return false;
      }
    }
    if (out == null) {
      return true;
    }
    int written = 0;
    for (int k = from + 1; written < len; k += 4) {
      int v = 0;
      for (int q = 0; q < 4; q++) {
        int p = k + q;
        v = (v << 6) | (p < to ? (s.charAt(p) - ' ') & 63 : 0);
      }
      for (int sh = 16; sh >= 0 && written < len; sh -= 8) {
        out.write((v >>> sh) & 0xFF);
        written++;
      }
    }
    return true;
  }

  // --- shared ---

  /** Whether the first bytes decode as printable UTF-8 (a sequence cut by the end is dropped). */
  private static boolean probe(byte[] buf, int length) {
    String head = TextShape.text(buf, Math.min(length, Candidates.PROBE_BYTES), true);
    return head != null && TextShape.printable(head);
  }

  /**
   * Offers the longest printable UTF-8 prefix of {@code buf[0, length)} that drops at most {@value
   * #MAX_TRIM} bytes and keeps {@value #MIN_BYTES} or more.
   */
  private static boolean offer(
      Candidates out, int start, int end, Encoding e, byte[] buf, int length, boolean cut) {
    if (length < MIN_BYTES) {
      return true;
    }
    int keep = length;
    String text = null;
    while (keep >= MIN_BYTES && keep >= length - MAX_TRIM) {
      text = TextShape.text(buf, keep, true);
      if (text != null && TextShape.printable(text)) {
        break;
      }
      text = null;
      keep--;
    }
    if (text == null) {
      return true;
    }
    if (cut) {
      out.truncated();
    }
    return out.offer(start, end, e, text);
  }
}

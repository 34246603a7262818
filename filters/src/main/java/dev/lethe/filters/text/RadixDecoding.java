package dev.lethe.filters.text;

import java.util.Arrays;

/**
 * Finds and decodes base64, base32 and hex payloads in one linear pass each. A run is decoded only
 * when it is at least {@value Candidates#MIN_RUN} chars long (a base64 run closed by its padding:
 * {@value #MIN_PADDED_RUN}); its first {@value Candidates#PROBE_BYTES} bytes are decoded first and
 * must be printable UTF-8, so a large binary blob (an image) costs one scan and a probe, never a
 * full decode.
 */
final class RadixDecoding {
  private static final byte[] BASE64 = new byte[128];
  private static final byte[] BASE32 = new byte[128];

  static {
    Arrays.fill(BASE64, (byte) -1);
    Arrays.fill(BASE32, (byte) -1);
    String std = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (int k = 0; k < std.length(); k++) {
      BASE64[std.charAt(k)] = (byte) k;
    }
    BASE64['+'] = 62;
    BASE64['/'] = 63;
    BASE64['-'] = 62;
    BASE64['_'] = 63;
    String b32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    for (int k = 0; k < b32.length(); k++) {
      BASE32[b32.charAt(k)] = (byte) k;
      BASE32[Character.toLowerCase(b32.charAt(k))] = (byte) k;
    }
  }

  private RadixDecoding() {}

  private static boolean isBase64(char c) {
    return c < 128 && BASE64[c] >= 0;
  }

  private static boolean isBase32(char c) {
    return c < 128 && BASE32[c] >= 0;
  }

  static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private static boolean isAsciiAlnum(char c) {
    return (c >= '0' && c <= '9') || Chars.isAsciiLetter(c);
  }

  // --- base64 ---

  /** Shortest base64 run considered when its padding closes it ({@code =} or {@code ==}). */
  static final int MIN_PADDED_RUN = 8;

  static boolean scanBase64(Candidates out) {
    String s = out.text;
    int n = s.length();
    int i = 0;
    while (i < n) {
      if (!isBase64(s.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      int count = 0;
      boolean standard = false;
      boolean urlSafe = false;
      int j = i;
      while (true) {
        while (j < n && isBase64(s.charAt(j))) {
          char c = s.charAt(j);
          standard |= c == '+' || c == '/';
          urlSafe |= c == '-' || c == '_';
          count++;
          j++;
        }
        int br = lineBreak(s, j);
        if (br > 0 && j + br < n && isBase64(s.charAt(j + br)) && count >= Candidates.MIN_RUN) {
          j += br; // MIME-style line breaks inside a payload
          continue;
        }
        break;
      }
      int end = j;
      for (int pad = 0; pad < 2 && end < n && s.charAt(end) == '='; pad++) {
        end++;
      }
      i = Math.max(end, start + 1);
      // a run closed by its padding is base64 by its shape, so a shorter one is looked at (a name
      // alone: "SGluYSBBbWVlbg==")
      boolean padded = end > j && (count + end - j) % 4 == 0;
      if (count < (padded ? MIN_PADDED_RUN : Candidates.MIN_RUN)
          || (standard && urlSafe)
          || count % 4 == 1
          || out.covered(start, end)
          || nonTextDataUri(s, start)) {
        continue;
      }
      String decoded = decodeBase64(s, start, j, count, out);
      if (decoded != null && !out.offer(start, end, Encoding.BASE64, decoded)) {
        return false;
      }
    }
    return true;
  }

  private static int lineBreak(String s, int j) {
    if (j < s.length() && s.charAt(j) == '\n') {
      return 1;
    }
    if (j + 1 < s.length() && s.charAt(j) == '\r' && s.charAt(j + 1) == '\n') {
      return 2;
    }
    return 0;
  }

  /** Whether a base64 run at {@code start} is the payload of a {@code data:} URI of non-text. */
  private static boolean nonTextDataUri(String s, int start) {
    String marker = ";base64,";
    if (start < marker.length() || !s.startsWith(marker, start - marker.length())) {
      return false;
    }
    int from = Math.max(0, start - 128);
    int data = s.lastIndexOf("data:", start - marker.length());
    if (data < from) {
      return false;
    }
    return !s.regionMatches(true, data + 5, "text/", 0, 5);
  }

  private static String decodeBase64(String s, int from, int to, int count, Candidates out) {
    int totalBytes = count * 3 / 4;
    int probe = Math.min(totalBytes, Candidates.PROBE_BYTES);
    byte[] head = base64Bytes(s, from, to, probe);
    String headText = TextShape.text(head, probe, probe < totalBytes);
    if (headText == null || !TextShape.printable(headText)) {
      return null;
    }
    int want = Math.min(totalBytes, out.charsLeft() * 4 + 4);
    boolean cut = want < totalBytes;
    byte[] bytes = probe == totalBytes ? head : base64Bytes(s, from, to, want);
    return finish(bytes, want, cut, out);
  }

  /** Decodes the first {@code limit} bytes of the base64 chars in {@code [from, to)}. */
  private static byte[] base64Bytes(String s, int from, int to, int limit) {
    byte[] bytes = new byte[limit];
    int n = 0;
    int acc = 0;
    int bits = 0;
    for (int k = from; k < to && n < limit; k++) {
      char c = s.charAt(k);
      if (c == '\r' || c == '\n') {
        continue;
      }
      acc = (acc << 6) | BASE64[c];
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        bytes[n++] = (byte) (acc >> bits);
      }
    }
    return bytes;
  }

  /**
   * Decodes the bytes as text ({@link TextShape#text}: UTF-8, or UTF-16 when shaped so), keeps it
   * if printable, and marks a cut payload as truncated.
   */
  private static String finish(byte[] bytes, int length, boolean cut, Candidates out) {
    String text = TextShape.text(bytes, length, cut);
    if (text == null || !TextShape.printable(text)) {
      return null;
    }
    if (cut) {
      out.truncated();
    }
    return text;
  }

  // --- base32 ---

  static boolean scanBase32(Candidates out) {
    String s = out.text;
    int n = s.length();
    int i = 0;
    while (i < n) {
      if (!isBase32(s.charAt(i)) || (i > 0 && isAsciiAlnum(s.charAt(i - 1)))) {
        i++;
        continue;
      }
      int start = i;
      boolean upper = false;
      boolean lower = false;
      int j = i;
      while (j < n && isBase32(s.charAt(j))) {
        char c = s.charAt(j);
        upper |= c >= 'A' && c <= 'Z';
        lower |= c >= 'a' && c <= 'z';
        j++;
      }
      int count = j - start;
      int end = j;
      for (int pad = 0; pad < 6 && end < n && s.charAt(end) == '='; pad++) {
        end++;
      }
      i = end;
      int rest = count % 8;
      if (count < Candidates.MIN_RUN
          || (upper && lower)
          || rest == 1
          || rest == 3
          || rest == 6
          || (end < n && isAsciiAlnum(s.charAt(end)))
          || out.covered(start, end)) {
        continue;
      }
      int totalBytes = count * 5 / 8;
      int probe = Math.min(totalBytes, Candidates.PROBE_BYTES);
      byte[] head = base32Bytes(s, start, probe);
      String headText = TextShape.text(head, probe, probe < totalBytes);
      if (headText == null || !TextShape.printable(headText)) {
        continue;
      }
      int want = Math.min(totalBytes, out.charsLeft() * 4 + 4);
      byte[] bytes = probe == totalBytes ? head : base32Bytes(s, start, want);
      String decoded = finish(bytes, want, want < totalBytes, out);
      if (decoded != null && !out.offer(start, end, Encoding.BASE32, decoded)) {
        return false;
      }
    }
    return true;
  }

  private static byte[] base32Bytes(String s, int from, int limit) {
    byte[] bytes = new byte[limit];
    int n = 0;
    long acc = 0;
    int bits = 0;
    for (int k = from; n < limit; k++) {
      acc = (acc << 5) | BASE32[s.charAt(k)];
      bits += 5;
      if (bits >= 8) {
        bits -= 8;
        bytes[n++] = (byte) (acc >> bits);
      }
    }
    return bytes;
  }

  // --- hex ---

  /**
   * Hex payloads: a plain run of hex digits ({@code 48656c6c6f…}, optionally after {@code 0x}), or
   * a sequence of two-digit bytes each optionally prefixed by {@code \x} or {@code 0x}, separated
   * by nothing (prefixed bytes only) or by one or two of {@code " ,:;-"} ({@code 48 65 6c}, {@code
   * \x48\x65}, {@code 0x48, 0x65}).
   */
  static boolean scanHex(Candidates out) {
    String s = out.text;
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (hexValue(c) < 0 && c != '\\') {
        i++;
        continue;
      }
      if (i > 0 && isAsciiAlnum(s.charAt(i - 1))) {
        i++;
        continue;
      }
      int start = i;
      // a plain run, maybe after 0x
      int p = prefixLength(s, i);
      int digits = p;
      while (i + digits < n && hexValue(s.charAt(i + digits)) >= 0) {
        digits++;
      }
      int runEnd = i + digits;
      int runDigits = digits - p;
      if (runDigits >= Candidates.MIN_RUN
          && runDigits % 2 == 0
          && (runEnd >= n || !isAsciiAlnum(s.charAt(runEnd)))) {
        if (!out.covered(start, runEnd)
            && !offerHex(out, start, runEnd, hexBytes(s, i + p, runEnd), Encoding.HEX)) {
          return false;
        }
        i = runEnd;
        continue;
      }
      // a sequence of byte tokens
      int end = byteSequenceEnd(s, i);
      if (end > 0) {
        if (!out.covered(start, end)
            && !offerHex(out, start, end, tokenBytes(s, start, end), Encoding.HEX)) {
          return false;
        }
        i = end;
        continue;
      }
      i = Math.max(runEnd, i + 1);
    }
    return true;
  }

  /** The length of a {@code \x}, {@code 0x} or {@code 0X} prefix at {@code i}, or 0. */
  private static int prefixLength(String s, int i) {
    if (i + 1 < s.length()) {
      char a = s.charAt(i);
      char b = s.charAt(i + 1);
      if ((a == '\\' || a == '0') && (b == 'x' || b == 'X')) {
        return 2;
      }
    }
    return 0;
  }

  private static boolean isHexSeparator(char c) {
    return c == ' ' || c == ',' || c == ':' || c == ';' || c == '-';
  }

  /**
   * The end of a sequence of at least {@value Candidates#MIN_RUN}/2 byte tokens starting at {@code
   * i}, or -1.
   */
  private static int byteSequenceEnd(String s, int i) {
    int n = s.length();
    int tokens = 0;
    int end = -1;
    int k = i;
    boolean prefixed = prefixLength(s, i) > 0;
    while (true) {
      int p = prefixLength(s, k);
      if ((p > 0) != prefixed
          || k + p + 2 > n
          || hexValue(s.charAt(k + p)) < 0
          || hexValue(s.charAt(k + p + 1)) < 0
          || (k + p + 2 < n
              && isAsciiAlnum(s.charAt(k + p + 2))
              && prefixLength(s, k + p + 2) == 0)) {
        break;
      }
      tokens++;
      end = k + p + 2;
      int next = end;
      int seps = 0;
      while (next < n && seps < 2 && isHexSeparator(s.charAt(next))) {
        next++;
        seps++;
      }
      if (seps == 0 && !prefixed) {
        break;
      }
      k = next;
    }
    return tokens * 2 >= Candidates.MIN_RUN ? end : -1;
  }

  private static byte[] hexBytes(String s, int from, int to) {
    byte[] bytes = new byte[(to - from) / 2];
    for (int k = 0; k < bytes.length; k++) {
      bytes[k] =
          (byte) ((hexValue(s.charAt(from + 2 * k)) << 4) | hexValue(s.charAt(from + 2 * k + 1)));
    }
    return bytes;
  }

  private static byte[] tokenBytes(String s, int from, int to) {
    byte[] bytes = new byte[(to - from) / 2];
    int n = 0;
    int k = from;
    while (k < to) {
      k += prefixLength(s, k);
      bytes[n++] = (byte) ((hexValue(s.charAt(k)) << 4) | hexValue(s.charAt(k + 1)));
      k += 2;
      while (k < to && isHexSeparator(s.charAt(k))) {
        k++;
      }
    }
    return Arrays.copyOf(bytes, n);
  }

  private static boolean offerHex(
      Candidates out, int start, int end, byte[] bytes, Encoding encoding) {
    int probe = Math.min(bytes.length, Candidates.PROBE_BYTES);
    String head = TextShape.text(bytes, probe, probe < bytes.length);
    if (head == null || !TextShape.printable(head)) {
      return true;
    }
    int want = Math.min(bytes.length, out.charsLeft() * 4 + 4);
    String decoded = finish(bytes, want, want < bytes.length, out);
    return decoded == null || out.offer(start, end, encoding, decoded);
  }
}

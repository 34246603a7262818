package dev.lethe.filters.text;

import org.apache.commons.text.StringEscapeUtils;

/**
 * Finds and decodes URL percent-encoding, quoted-printable, HTML character references and
 * backslash-u escapes, in one pass each.
 */
final class EscapeDecoding {
  /** Escapes a run needs before it is decoded. */
  static final int MIN_ESCAPES = 3;

  /** Longest text between two entities of one cluster. */
  static final int MAX_ENTITY_GAP = 16;

  /** Longest entity name or number considered. */
  static final int MAX_ENTITY_LENGTH = 32;

  private EscapeDecoding() {}

  // --- URL ---

  /**
   * Runs of non-whitespace with at least {@value #MIN_ESCAPES} {@code %XX} escapes; the escapes are
   * decoded as UTF-8 ({@code +} is a space when the run has no {@code %20}); a run whose escapes
   * are not valid UTF-8 is dropped.
   */
  static boolean scanUrl(Candidates out) {
    String s = out.text;
    for (Run r = Run.next(s, 0, '%'); r != null; r = Run.next(s, r.end(), '%')) {
      if (r.escapes() < MIN_ESCAPES || out.covered(r.start(), r.end())) {
        continue;
      }
      String decoded = escapeDecode(s, r.start(), r.end(), '%', r.space20() ? NO_SPACE : '+');
      if (decoded != null
          && TextShape.printable(decoded)
          && !out.offer(r.start(), r.end(), Encoding.URL, decoded)) {
        return false;
      }
    }
    return true;
  }

  /**
   * A run of non-whitespace {@code [start, end)} with its count of {@code mark}-hex-hex escapes and
   * whether one of them is {@code 20} (a space).
   */
  private record Run(int start, int end, int escapes, boolean space20) {
    /** The first run at or after {@code from}, or null at the end of {@code s}. */
    static Run next(String s, int from, char mark) {
      int n = s.length();
      int i = from;
      while (i < n && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      if (i >= n) {
        return null;
      }
      int start = i;
      int escapes = 0;
      boolean space20 = false;
      while (i < n && !Character.isWhitespace(s.charAt(i))) {
        if (s.charAt(i) == mark && isEscape(s, i)) {
          escapes++;
          space20 |= s.charAt(i + 1) == '2' && s.charAt(i + 2) == '0';
          i += 3;
        } else {
          i++;
        }
      }
      return new Run(start, i, escapes, space20);
    }
  }

  private static boolean isEscape(String s, int i) {
    return i + 2 < s.length()
        && RadixDecoding.hexValue(s.charAt(i + 1)) >= 0
        && RadixDecoding.hexValue(s.charAt(i + 2)) >= 0;
  }

  // --- quoted-printable ---

  /**
   * Runs of non-whitespace with at least {@value #MIN_ESCAPES} {@code =XX} escapes that make up at
   * least half of the run (quoted-printable of text whose every byte was escaped), or a MIME
   * Q-encoded word, escapes or not ({@code =?utf-8?q?What_is=3F?=}, RFC 2047: {@code _} is a
   * space); escapes are decoded as UTF-8, and a run whose escapes are not valid UTF-8 is dropped.
   * Quoted-printable of plain English leaves it readable, so it needs no decoding.
   */
  static boolean scanQuotedPrintable(Candidates out) {
    String s = out.text;
    for (Run r = Run.next(s, 0, '='); r != null; r = Run.next(s, r.end(), '=')) {
      int from = r.start();
      int to = r.end();
      boolean word = false;
      int q = encodedWordText(s, r.start(), r.end());
      if (q > 0 && r.end() - 2 > q && s.startsWith("?=", r.end() - 2)) {
        from = q;
        to = r.end() - 2;
        word = true;
      } else if (r.escapes() < MIN_ESCAPES || r.escapes() * 3 * 2 < r.end() - r.start()) {
        continue;
      }
      if (out.covered(r.start(), r.end())) {
        continue;
      }
      String decoded = escapeDecode(s, from, to, '=', word ? '_' : NO_SPACE);
      if (decoded != null
          && TextShape.printable(decoded)
          && !out.offer(r.start(), r.end(), Encoding.QUOTED_PRINTABLE, decoded)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Where the text of a Q-encoded word {@code =?charset?Q?text?=} at {@code from} begins, or -1.
   */
  private static int encodedWordText(String s, int from, int to) {
    if (!s.startsWith("=?", from)) {
      return -1;
    }
    int q = s.indexOf('?', from + 2);
    if (q < 0 || q + 2 >= to || s.charAt(q + 2) != '?') {
      return -1;
    }
    char enc = s.charAt(q + 1);
    return enc == 'q' || enc == 'Q' ? q + 3 : -1;
  }

  /** No character stands for a space in {@link #escapeDecode}. */
  private static final char NO_SPACE = 0;

  /**
   * {@code s[from, to)} with each run of {@code mark}-hex-hex escapes decoded as UTF-8 (percent
   * escapes with {@code %}, quoted-printable with {@code =}) and {@code space} read as a space
   * ({@code +} in forms, {@code _} in MIME Q-words; {@link #NO_SPACE} for none); null when a run is
   * not UTF-8.
   */
  private static String escapeDecode(String s, int from, int to, char mark, char space) {
    StringBuilder out = new StringBuilder(to - from);
    byte[] bytes = new byte[(to - from) / 3 + 1];
    int i = from;
    while (i < to) {
      char c = s.charAt(i);
      if (c == mark && isEscape(s, i) && i + 2 < to) {
        int n = 0;
        while (i + 2 < to && s.charAt(i) == mark && isEscape(s, i)) {
          bytes[n++] =
              (byte)
                  ((RadixDecoding.hexValue(s.charAt(i + 1)) << 4)
                      | RadixDecoding.hexValue(s.charAt(i + 2)));
          i += 3;
        }
        String chunk = TextShape.utf8(bytes, n, false);
        if (chunk == null) {
          return null;
        }
        out.append(chunk);
      } else {
        out.append(c == space && space != NO_SPACE ? ' ' : c);
        i++;
      }
    }
    return out.toString();
  }

  // --- HTML ---

  /**
   * Clusters of at least {@value #MIN_ESCAPES} character references ({@code &#87;}, {@code &#x57;},
   * {@code &amp;}) no more than {@value #MAX_ENTITY_GAP} chars apart, decoded with Apache Commons
   * Text's HTML 4 tables.
   */
  static boolean scanHtml(Candidates out) {
    return scanClusters(
        out,
        "&",
        EscapeDecoding::entityEnd,
        Encoding.HTML_ENTITIES,
        StringEscapeUtils::unescapeHtml4);
  }

  /** Where an escape that starts at {@code at} ends, or -1 when none does. */
  private interface EscapeAt {
    int end(String s, int at);
  }

  /** Reads a widened cluster; null when it cannot be read. */
  private interface Unescape {
    String apply(String cluster);
  }

  /**
   * Finds clusters of at least {@value #MIN_ESCAPES} escapes (each starting with {@code mark}, its
   * end given by {@code escape}) no more than {@value #MAX_ENTITY_GAP} chars apart, widens each to
   * the whole words it sits in ({@code Caf&eacute;}), reads it with {@code unescape} and offers
   * what is printable as {@code encoding}: the one scan of the cluster-shaped escapes.
   */
  private static boolean scanClusters(
      Candidates out, String mark, EscapeAt escape, Encoding encoding, Unescape unescape) {
    String s = out.text;
    int n = s.length();
    int i = 0;
    int clusterStart = -1;
    int clusterEnd = -1;
    int count = 0;
    while (i < n) {
      int at = s.indexOf(mark, i);
      if (at < 0) {
        break;
      }
      int end = escape.end(s, at);
      if (end < 0) {
        i = at + 1;
        continue;
      }
      if (count > 0 && at - clusterEnd > MAX_ENTITY_GAP) {
        if (!flushCluster(out, clusterStart, clusterEnd, count, encoding, unescape)) {
          return false;
        }
        count = 0;
      }
      if (count == 0) {
        clusterStart = at;
      }
      clusterEnd = end;
      count++;
      i = end;
    }
    return count == 0 || flushCluster(out, clusterStart, clusterEnd, count, encoding, unescape);
  }

  private static boolean flushCluster(
      Candidates out, int start, int end, int count, Encoding encoding, Unescape unescape) {
    if (count < MIN_ESCAPES || out.covered(start, end)) {
      return true;
    }
    String s = out.text;
    long words = wordsAround(s, start, end);
    start = (int) (words >>> 32);
    end = (int) words;
    String decoded = unescape.apply(s.substring(start, end));
    if (decoded == null || !TextShape.printable(decoded)) {
      return true;
    }
    return out.offer(start, end, encoding, decoded);
  }

  /**
   * {@code [start, end)} widened to the whole words it sits in, at most {@value #MAX_ENTITY_GAP}
   * chars each way, packed as {@code start << 32 | end}: a cluster of escapes is decoded with the
   * rest of the words it is part of.
   */
  private static long wordsAround(String s, int start, int end) {
    int limit = Math.max(0, start - MAX_ENTITY_GAP);
    while (start > limit && !Character.isWhitespace(s.charAt(start - 1))) {
      start--;
    }
    limit = Math.min(s.length(), end + MAX_ENTITY_GAP);
    while (end < limit && !Character.isWhitespace(s.charAt(end))) {
      end++;
    }
    return ((long) start << 32) | end;
  }

  /** The end (after {@code ;}) of a character reference at {@code amp}, or -1. */
  private static int entityEnd(String s, int amp) {
    int n = s.length();
    int k = amp + 1;
    int limit = Math.min(n, amp + 2 + MAX_ENTITY_LENGTH);
    if (k < n && s.charAt(k) == '#') {
      k++;
      boolean hex = k < n && (s.charAt(k) == 'x' || s.charAt(k) == 'X');
      if (hex) {
        k++;
      }
      int digits = k;
      while (k < limit
          && (hex ? RadixDecoding.hexValue(s.charAt(k)) >= 0 : Character.isDigit(s.charAt(k)))
          && s.charAt(k) < 0x80) {
        k++;
      }
      return k > digits && k < n && s.charAt(k) == ';' ? k + 1 : -1;
    }
    int name = k;
    while (k < limit && k < n && s.charAt(k) < 0x80 && Character.isLetterOrDigit(s.charAt(k))) {
      k++;
    }
    return k > name && Chars.isAsciiLetter(s.charAt(name)) && k < n && s.charAt(k) == ';'
        ? k + 1
        : -1;
  }

  // --- backslash-u escapes ---

  /**
   * Clusters of at least {@value #MIN_ESCAPES} escapes {@code \\uXXXX} no more than {@value
   * #MAX_ENTITY_GAP} chars apart (JSON or a string literal whose chars were escaped: {@code
   * What\\u0020genre\\u0020…}), widened to the whole words they sit in and decoded with Apache
   * Commons Text's JSON unescaper (which reads the other backslash escapes of the cluster too); a
   * cluster it cannot read is left alone.
   */
  static boolean scanUnicodeEscapes(Candidates out) {
    return scanClusters(
        out,
        "\\u",
        (s, at) -> unicodeEscape(s, at) ? at + 6 : -1,
        Encoding.UNICODE_ESCAPES,
        EscapeDecoding::unescapeJson);
  }

  /**
   * Clusters of at least {@value #MIN_ESCAPES} code points in {@code U+} notation ({@code U+0048
   * U+0069 U+006E U+0061}), each read as its character; a space, comma or semicolon between two
   * code points separates them and is dropped (a space of the text is {@code U+0020}).
   */
  static boolean scanCodePoints(Candidates out) {
    return scanClusters(
        out,
        "U+",
        EscapeDecoding::codePointEnd,
        Encoding.CODE_POINTS,
        EscapeDecoding::unescapeCodePoints);
  }

  /**
   * The end of {@code U+} and four to six hex digits of a valid code point at {@code at}, or -1.
   */
  private static int codePointEnd(String s, int at) {
    if (at + 6 > s.length() || s.charAt(at) != 'U' || s.charAt(at + 1) != '+') {
      return -1;
    }
    int j = at + 2;
    int value = 0;
    while (j < s.length() && j - at - 2 < 6 && RadixDecoding.hexValue(s.charAt(j)) >= 0) {
      value = value * 16 + RadixDecoding.hexValue(s.charAt(j));
      j++;
    }
    int digits = j - at - 2;
    if (digits < 4 || (j < s.length() && Character.isLetterOrDigit(s.charAt(j)))) {
      return -1;
    }
    return Character.isValidCodePoint(value) && !Character.isSurrogate((char) value) ? j : -1;
  }

  /**
   * {@code cluster} with each {@code U+} code point as its character (see {@link #scanCodePoints}).
   */
  private static String unescapeCodePoints(String cluster) {
    StringBuilder out = new StringBuilder(cluster.length() / 4);
    int i = 0;
    while (i < cluster.length()) {
      int e = codePointEnd(cluster, i);
      if (e < 0) {
        out.append(cluster.charAt(i++));
        continue;
      }
      out.appendCodePoint(Integer.parseInt(cluster.substring(i + 2, e), 16));
      i = e;
      int j = i;
      while (j < cluster.length() && " ,;".indexOf(cluster.charAt(j)) >= 0 && j - i < 3) {
        j++;
      }
      if (j > i && codePointEnd(cluster, j) >= 0) {
        i = j; // the separator between two code points
      }
    }
    return out.toString();
  }

  /**
   * Clusters of at least {@value #MIN_ESCAPES} octal escapes ({@code \\127\\150}, as {@code
   * printf}, C and shell strings write a byte), the bytes read as UTF-8.
   */
  static boolean scanOctalEscapes(Candidates out) {
    return scanClusters(
        out,
        "\\",
        (s, at) -> octalEscape(s, at) ? at + 4 : -1,
        Encoding.OCTAL_ESCAPES,
        EscapeDecoding::unescapeOctal);
  }

  /** Whether {@code \\} at {@code bs} is followed by three octal digits of a byte (up to 377). */
  private static boolean octalEscape(String s, int bs) {
    if (bs + 4 > s.length() || s.charAt(bs + 1) < '0' || s.charAt(bs + 1) > '3') {
      return false;
    }
    for (int k = bs + 2; k < bs + 4; k++) {
      if (s.charAt(k) < '0' || s.charAt(k) > '7') {
        return false;
      }
    }
    return true;
  }

  /** {@code cluster} with each octal escape as its byte and the rest as written, read as UTF-8. */
  private static String unescapeOctal(String cluster) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(cluster.length());
    int i = 0;
    while (i < cluster.length()) {
      if (cluster.charAt(i) == '\\' && octalEscape(cluster, i)) {
        bytes.write(Integer.parseInt(cluster.substring(i + 1, i + 4), 8));
        i += 4;
      } else {
        int cp = cluster.codePointAt(i);
        byte[] b =
            new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
        i += Character.charCount(cp);
      }
    }
    byte[] b = bytes.toByteArray();
    return TextShape.utf8(b, b.length, false);
  }

  /** Whether {@code \\u} at {@code bs} is followed by four hex digits. */
  private static boolean unicodeEscape(String s, int bs) {
    if (bs + 6 > s.length()) {
      return false;
    }
    for (int k = bs + 2; k < bs + 6; k++) {
      if (RadixDecoding.hexValue(s.charAt(k)) < 0) {
        return false;
      }
    }
    return true;
  }

  /** The JSON reading of {@code cluster}, or null when an escape in it is malformed. */
  private static String unescapeJson(String cluster) {
    try {
      return StringEscapeUtils.unescapeJson(cluster);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}

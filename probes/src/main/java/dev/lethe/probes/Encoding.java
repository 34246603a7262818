package dev.lethe.probes;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The text encodings an {@link Encodings} attack hides a question in, each with its exact inverse.
 * They follow the encoding converters of PyRIT (Microsoft, {@code Base64Converter}, {@code
 * ROT13Converter}, {@code UrlConverter}, …) and garak's {@code encoding} probes ({@code
 * InjectBase64}, {@code InjectBase32}, {@code InjectHex}, {@code InjectROT13}, {@code
 * InjectAscii85}, {@code InjectQP}, {@code InjectUU}, …); Wei et al. 2023 ("Jailbroken", NeurIPS)
 * showed base64 and ROT13 getting past safety training. Unicode tag characters follow the "ASCII
 * smuggling" of Goodside (2024) and PyRIT's {@code UnicodeSubstitutionConverter}.
 */
public enum Encoding {
  /** RFC 4648 base64 of the UTF-8 bytes, padded. */
  BASE64("base64"),
  /** RFC 4648 base32 of the UTF-8 bytes, upper case, padded. */
  BASE32("base32"),
  /** Lower-case hexadecimal of the UTF-8 bytes, two digits a byte, no separators. */
  HEX("hex"),
  /** Every UTF-8 byte percent-encoded ({@code %57%68%61…}), letters included. */
  URL("url"),
  /** Every character as a decimal HTML numeric character reference ({@code &#87;&#104;…}). */
  HTML_ENTITIES("html-entities"),
  /** ROT13 of the ASCII letters; everything else unchanged. */
  ROT13("rot13"),
  /** The code points in reverse order. */
  REVERSED("reversed"),
  /** Caesar cipher: each ASCII letter moved three places on (PyRIT {@code CaesarConverter}). */
  CAESAR("caesar"),
  /** Atbash: the ASCII alphabet mirrored, a ↔ z (PyRIT {@code AtbashConverter}). */
  ATBASH("atbash"),
  /** Each run of non-whitespace written backwards in place, word order kept. */
  WORD_REVERSED("word-reversed"),
  /** Each UTF-8 byte as eight binary digits, groups separated by spaces (PyRIT, garak). */
  BINARY("binary"),
  /** Each character as its decimal code, separated by spaces ({@code 72 105 110 97}). */
  DECIMAL("decimal"),
  /**
   * Each UTF-8 byte as a three-digit octal escape ({@code \\127\\150}), as {@code printf} reads.
   */
  OCTAL_ESCAPES("octal-escapes"),
  /** ROT47: each printable ASCII character rotated by 47 among the 94 ({@code (92E} for What). */
  ROT47("rot47"),
  /** Ascii85 (Adobe/btoa alphabet, {@code z} for four zero bytes, no delimiters; garak). */
  ASCII85("ascii85"),
  /** Quoted-printable with every UTF-8 byte escaped ({@code =57=68…}; garak {@code InjectQP}). */
  QUOTED_PRINTABLE("quoted-printable"),
  /** uuencoding: lines of up to 45 bytes, a length char first, {@code `} for zero (garak). */
  UUENCODE("uuencode"),
  /**
   * ASCII chars as invisible Unicode tag characters U+E0000 + c ("ASCII smuggling"; PyRIT {@code
   * UnicodeSubstitutionConverter}, garak); other chars unchanged.
   */
  TAGS("unicode-tags"),
  /** Each code point in {@code U+} notation, separated by spaces ({@code U+0048 U+0069}). */
  CODE_POINTS("code-points"),
  /**
   * The text as UTF-16LE, in base64 (PowerShell's {@code -EncodedCommand} and Windows tools write
   * base64 so).
   */
  BASE64_UTF16("base64-utf16"),
  /**
   * Each UTF-8 byte as a Unicode variation selector after one emoji (bytes 0–15 as U+FE00–U+FE0F,
   * 16–255 as U+E0100–U+E01EF): "emoji smuggling", text hidden in what shows as one emoji.
   */
  VARIATION_SELECTORS("variation-selectors"),
  /**
   * One character a line as an algebraic identity ({@code H = 5H - 4H}), a space as a blank line:
   * PyRIT's {@code MathObfuscationConverter}. The factors cycle through 2–9 by position, so the
   * encoding is the same on every run.
   */
  MATH("math"),
  /**
   * Each UTF-8 byte as eight invisible characters, invisible times (U+2062) for 0 and invisible
   * plus (U+2064) for 1, a space as a zero-width space: Rehberger's "sneaky bits" (2025), as
   * garak's smuggling probes write them.
   */
  SNEAKY_BITS("sneaky-bits"),
  /**
   * CodeChameleon's "length" encryption (Lv et al., 2024; PyRIT's {@code CodeChameleonConverter}):
   * the words, split at single spaces, as a JSON list of one-key objects, each word keyed to its
   * position, sorted by the word's length ({@code [{"a": 4}, {"to": 1}, {"How": 0}, …]}).
   */
  CODE_CHAMELEON("code-chameleon");

  private static final String B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  /** The emoji that carries {@link #VARIATION_SELECTORS}' bytes (U+1F600, a grinning face). */
  private static final int CARRIER = 0x1F600;

  private final String key;

  Encoding(String key) {
    this.key = key;
  }

  /** The encoding's variant name, e.g. {@code base64}. */
  public String key() {
    return key;
  }

  /** {@code text} encoded. */
  public String encode(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return switch (this) {
      case BASE64 -> Base64.getEncoder().encodeToString(b);
      case BASE64_UTF16 ->
          Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_16LE));
      case CODE_POINTS -> {
        StringBuilder sb = new StringBuilder(text.length() * 7);
        text.codePoints()
            .forEach(
                cp ->
                    sb.append(sb.isEmpty() ? "" : " ")
                        .append(String.format(Locale.ROOT, "U+%04X", cp)));
        yield sb.toString();
      }
      case BASE32 -> base32(b);
      case HEX -> HexFormat.of().formatHex(b);
      case URL -> {
        StringBuilder sb = new StringBuilder(b.length * 3);
        for (byte x : b) {
          sb.append('%').append(String.format(Locale.ROOT, "%02X", x & 0xff));
        }
        yield sb.toString();
      }
      case HTML_ENTITIES -> {
        StringBuilder sb = new StringBuilder(text.length() * 5);
        text.codePoints().forEach(cp -> sb.append("&#").append(cp).append(';'));
        yield sb.toString();
      }
      case ROT13 -> rot13(text);
      case REVERSED -> new StringBuilder(text).reverse().toString();
      case CAESAR -> shift(text, 3);
      case ATBASH -> atbash(text);
      case WORD_REVERSED -> wordsReversed(text);
      case BINARY -> {
        StringBuilder sb = new StringBuilder(b.length * 9);
        for (byte x : b) {
          if (!sb.isEmpty()) {
            sb.append(' ');
          }
          String bits = Integer.toBinaryString(x & 0xff);
          sb.append("0".repeat(8 - bits.length())).append(bits);
        }
        yield sb.toString();
      }
      case OCTAL_ESCAPES -> {
        StringBuilder sb = new StringBuilder(b.length * 4);
        for (byte x : b) {
          sb.append(String.format(Locale.ROOT, "\\%03o", x & 0xff));
        }
        yield sb.toString();
      }
      case ROT47 -> rot47(text);
      case DECIMAL -> {
        StringBuilder sb = new StringBuilder(text.length() * 4);
        text.codePoints().forEach(cp -> sb.append(sb.isEmpty() ? "" : " ").append(cp));
        yield sb.toString();
      }
      case ASCII85 -> ascii85(b);
      case QUOTED_PRINTABLE -> {
        StringBuilder sb = new StringBuilder(b.length * 3);
        for (byte x : b) {
          sb.append('=').append(String.format(Locale.ROOT, "%02X", x & 0xff));
        }
        yield sb.toString();
      }
      case UUENCODE -> uuencode(b);
      case CODE_CHAMELEON -> codeChameleon(text);
      case VARIATION_SELECTORS -> {
        StringBuilder sb = new StringBuilder(b.length * 2 + 2).appendCodePoint(CARRIER);
        for (byte x : b) {
          int v = x & 0xff;
          sb.appendCodePoint(v < 16 ? 0xFE00 + v : 0xE0100 + v - 16);
        }
        yield sb.toString();
      }
      case SNEAKY_BITS -> {
        StringBuilder sb = new StringBuilder(b.length * 8);
        for (byte x : b) {
          if (x == ' ') {
            sb.append('\u200B');
            continue;
          }
          for (int k = 7; k >= 0; k--) {
            sb.append(((x >> k) & 1) == 0 ? '\u2062' : '\u2064');
          }
        }
        yield sb.toString();
      }
      case MATH -> {
        StringBuilder sb = new StringBuilder(text.length() * 12);
        int[] k = {0};
        text.codePoints()
            .forEach(
                cp -> {
                  if (k[0] > 0) {
                    sb.append('\n');
                  }
                  if (cp != ' ') {
                    int n = 2 + (k[0] * 5) % 8;
                    String c = Character.toString(cp);
                    sb.append(c).append(" = ").append(n).append(c).append(" - ");
                    sb.append(n - 1).append(c);
                  }
                  k[0]++;
                });
        yield sb.toString();
      }
      case TAGS -> {
        StringBuilder sb = new StringBuilder(text.length() * 2);
        text.codePoints()
            .forEach(cp -> sb.appendCodePoint(cp >= 0x20 && cp < 0x7F ? 0xE0000 + cp : cp));
        yield sb.toString();
      }
    };
  }

  /**
   * The inverse of {@link #encode}: {@code decode(encode(t)).equals(t)} for every text.
   *
   * @throws IllegalArgumentException when {@code encoded} is not in this encoding
   */
  public String decode(String encoded) {
    return switch (this) {
      case BASE64 -> utf8(Base64.getDecoder().decode(encoded));
      case BASE64_UTF16 ->
          new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_16LE);
      case CODE_POINTS -> {
        StringBuilder sb = new StringBuilder();
        for (String cp : encoded.split(" ")) {
          if (!cp.isEmpty()) {
            sb.appendCodePoint(Integer.parseInt(cp.substring(2), 16));
          }
        }
        yield sb.toString();
      }
      case BASE32 -> utf8(unbase32(encoded));
      case HEX -> utf8(HexFormat.of().parseHex(encoded));
      case URL -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < encoded.length(); i++) {
          char c = encoded.charAt(i);
          if (c == '%' && i + 2 < encoded.length()) {
            out.write(Integer.parseInt(encoded.substring(i + 1, i + 3), 16));
            i += 2;
          } else {
            out.write((byte) c);
          }
        }
        yield utf8(out.toByteArray());
      }
      case HTML_ENTITIES -> {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < encoded.length()) {
          if (encoded.startsWith("&#", i)) {
            int end = encoded.indexOf(';', i);
            if (end < 0) {
              throw new IllegalArgumentException("unterminated entity at " + i);
            }
            String num = encoded.substring(i + 2, end);
            int cp =
                num.startsWith("x") || num.startsWith("X")
                    ? Integer.parseInt(num.substring(1), 16)
                    : Integer.parseInt(num);
            sb.appendCodePoint(cp);
            i = end + 1;
          } else {
            sb.append(encoded.charAt(i++));
          }
        }
        yield sb.toString();
      }
      case ROT13 -> rot13(encoded);
      case REVERSED -> new StringBuilder(encoded).reverse().toString();
      case CAESAR -> shift(encoded, 23);
      case ATBASH -> atbash(encoded);
      case WORD_REVERSED -> wordsReversed(encoded);
      case BINARY -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String group : encoded.split(" ")) {
          if (!group.isEmpty()) {
            out.write(Integer.parseInt(group, 2));
          }
        }
        yield utf8(out.toByteArray());
      }
      case OCTAL_ESCAPES -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < encoded.length(); i += 4) {
          if (encoded.charAt(i) != '\\') {
            throw new IllegalArgumentException("not an octal escape at " + i);
          }
          out.write(Integer.parseInt(encoded.substring(i + 1, i + 4), 8));
        }
        yield utf8(out.toByteArray());
      }
      case ROT47 -> rot47(encoded);
      case DECIMAL -> {
        StringBuilder sb = new StringBuilder();
        for (String code : encoded.split(" ")) {
          if (!code.isEmpty()) {
            sb.appendCodePoint(Integer.parseInt(code));
          }
        }
        yield sb.toString();
      }
      case ASCII85 -> utf8(unascii85(encoded));
      case QUOTED_PRINTABLE -> {
        if (encoded.length() % 3 != 0) {
          throw new IllegalArgumentException("not quoted-printable: length " + encoded.length());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < encoded.length(); i += 3) {
          if (encoded.charAt(i) != '=') {
            throw new IllegalArgumentException("not quoted-printable at " + i);
          }
          out.write(Integer.parseInt(encoded.substring(i + 1, i + 3), 16));
        }
        yield utf8(out.toByteArray());
      }
      case UUENCODE -> utf8(unuuencode(encoded));
      case CODE_CHAMELEON -> unCodeChameleon(encoded);
      case VARIATION_SELECTORS -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encoded
            .codePoints()
            .forEach(
                cp -> {
                  if (cp >= 0xFE00 && cp <= 0xFE0F) {
                    out.write(cp - 0xFE00);
                  } else if (cp >= 0xE0100 && cp <= 0xE01EF) {
                    out.write(cp - 0xE0100 + 16);
                  }
                });
        yield utf8(out.toByteArray());
      }
      case SNEAKY_BITS -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int value = 0;
        int count = 0;
        for (int k = 0; k < encoded.length(); k++) {
          char c = encoded.charAt(k);
          if (c == '\u200B') {
            out.write(' ');
          } else if (c == '\u2062' || c == '\u2064') {
            value = value << 1 | (c == '\u2064' ? 1 : 0);
            if (++count == 8) {
              out.write(value);
              value = 0;
              count = 0;
            }
          } else {
            throw new IllegalArgumentException("not sneaky bits at " + k);
          }
        }
        yield utf8(out.toByteArray());
      }
      case MATH -> {
        StringBuilder sb = new StringBuilder();
        if (encoded.isEmpty()) {
          yield "";
        }
        for (String line : encoded.split("\n", -1)) {
          if (line.isEmpty()) {
            sb.append(' ');
          } else {
            sb.appendCodePoint(line.codePointAt(0));
          }
        }
        yield sb.toString();
      }
      case TAGS -> {
        StringBuilder sb = new StringBuilder(encoded.length());
        encoded
            .codePoints()
            .forEach(cp -> sb.appendCodePoint(cp >= 0xE0020 && cp < 0xE007F ? cp - 0xE0000 : cp));
        yield sb.toString();
      }
    };
  }

  private static String codeChameleon(String text) {
    if (text.isEmpty()) {
      return "[]";
    }
    String[] words = text.split(" ", -1);
    Integer[] order = new Integer[words.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, java.util.Comparator.comparingInt(i -> words[i].length()));
    StringBuilder sb = new StringBuilder(text.length() * 2).append('[');
    for (int k = 0; k < order.length; k++) {
      sb.append(k == 0 ? "{\"" : ", {\"");
      for (char c : words[order[k]].toCharArray()) {
        if (c == '"' || c == '\\') {
          sb.append('\\').append(c);
        } else if (c < 0x20) {
          sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
        } else {
          sb.append(c);
        }
      }
      sb.append("\": ").append(order[k]).append('}');
    }
    return sb.append(']').toString();
  }

  private static String unCodeChameleon(String encoded) {
    String s = encoded.strip();
    if (!s.startsWith("[") || !s.endsWith("]")) {
      throw new IllegalArgumentException("not a CodeChameleon list");
    }
    java.util.Map<Integer, String> words = new java.util.TreeMap<>();
    int i = 1;
    while (i < s.length() - 1) {
      char c = s.charAt(i);
      if (c == ' ' || c == ',') {
        i++;
        continue;
      }
      if (c != '{' || s.charAt(i + 1) != '"') {
        throw new IllegalArgumentException("not a CodeChameleon item at " + i);
      }
      StringBuilder word = new StringBuilder();
      int k = i + 2;
      for (; k < s.length() && s.charAt(k) != '"'; k++) {
        char w = s.charAt(k);
        if (w == '\\') {
          if (k + 1 >= s.length() - 1) {
            throw new IllegalArgumentException("an escape cut short at " + k);
          }
          char next = s.charAt(++k);
          if (next == 'u') {
            if (k + 5 > s.length()) {
              throw new IllegalArgumentException("a \\u escape cut short at " + k);
            }
            word.append((char) Integer.parseInt(s.substring(k + 1, k + 5), 16));
            k += 4;
          } else {
            word.append(next);
          }
        } else {
          word.append(w);
        }
      }
      int close = s.indexOf('}', k);
      if (k >= s.length() || close < 0 || !s.startsWith("\": ", k)) {
        throw new IllegalArgumentException("not a CodeChameleon item at " + i);
      }
      words.put(Integer.parseInt(s.substring(k + 3, close).strip()), word.toString());
      i = close + 1;
    }
    return String.join(" ", words.values());
  }

  private static String shift(String s, int k) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'a' && c <= 'z') {
        c = (char) ('a' + (c - 'a' + k) % 26);
      } else if (c >= 'A' && c <= 'Z') {
        c = (char) ('A' + (c - 'A' + k) % 26);
      }
      sb.append(c);
    }
    return sb.toString();
  }

  private static String atbash(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'a' && c <= 'z') {
        c = (char) ('z' - (c - 'a'));
      } else if (c >= 'A' && c <= 'Z') {
        c = (char) ('Z' - (c - 'A'));
      }
      sb.append(c);
    }
    return sb.toString();
  }

  private static String wordsReversed(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      if (Character.isWhitespace(s.charAt(i))) {
        sb.append(s.charAt(i++));
        continue;
      }
      int w = i;
      while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      sb.append(new StringBuilder(s.substring(w, i)).reverse());
    }
    return sb.toString();
  }

  private static String ascii85(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length * 5 / 4 + 5);
    for (int i = 0; i < b.length; i += 4) {
      int n = Math.min(4, b.length - i);
      long v = 0;
      for (int k = 0; k < 4; k++) {
        v = (v << 8) | (k < n ? (b[i + k] & 0xff) : 0);
      }
      if (n == 4 && v == 0) {
        sb.append('z');
        continue;
      }
      char[] c = new char[5];
      for (int k = 4; k >= 0; k--) {
        c[k] = (char) ('!' + v % 85);
        v /= 85;
      }
      sb.append(c, 0, n + 1);
    }
    return sb.toString();
  }

  private static byte[] unascii85(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long v = 0;
    int digits = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == 'z' && digits == 0) {
        out.writeBytes(new byte[4]);
        continue;
      }
      if (c < '!' || c > 'u') {
        throw new IllegalArgumentException("not Ascii85: '" + c + "' at " + i);
      }
      v = v * 85 + (c - '!');
      if (++digits == 5) {
        for (int sh = 24; sh >= 0; sh -= 8) {
          out.write((int) (v >>> sh) & 0xff);
        }
        v = 0;
        digits = 0;
      }
    }
    if (digits == 1) {
      throw new IllegalArgumentException("not Ascii85: a final group of one char");
    }
    if (digits > 1) {
      for (int p = digits; p < 5; p++) {
        v = v * 85 + 84;
      }
      for (int k = 0, sh = 24; k < digits - 1; k++, sh -= 8) {
        out.write((int) (v >>> sh) & 0xff);
      }
    }
    return out.toByteArray();
  }

  private static String uuencode(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < b.length; i += 45) {
      int n = Math.min(45, b.length - i);
      if (!sb.isEmpty()) {
        sb.append('\n');
      }
      sb.append(uuChar(n));
      for (int k = 0; k < n; k += 3) {
        int v = 0;
        for (int j = 0; j < 3; j++) {
          v = (v << 8) | (k + j < n ? (b[i + k + j] & 0xff) : 0);
        }
        for (int j = 3; j >= 0; j--) {
          sb.append(uuChar((v >> (6 * j)) & 63));
        }
      }
    }
    return sb.toString();
  }

  private static char uuChar(int v) {
    return v == 0 ? '`' : (char) (' ' + v);
  }

  private static byte[] unuuencode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String line : s.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      int n = (line.charAt(0) - ' ') & 63;
      if (line.length() != 1 + (n + 2) / 3 * 4) {
        throw new IllegalArgumentException("not a uuencoded line: " + line);
      }
      int written = 0;
      for (int k = 1; written < n; k += 4) {
        int v = 0;
        for (int q = 0; q < 4; q++) {
          v = (v << 6) | ((line.charAt(k + q) - ' ') & 63);
        }
        for (int sh = 16; sh >= 0 && written < n; sh -= 8) {
          out.write((v >>> sh) & 0xff);
          written++;
        }
      }
    }
    return out.toByteArray();
  }

  private static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private static String rot13(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'a' && c <= 'z') {
        c = (char) ('a' + (c - 'a' + 13) % 26);
      } else if (c >= 'A' && c <= 'Z') {
        c = (char) ('A' + (c - 'A' + 13) % 26);
      }
      sb.append(c);
    }
    return sb.toString();
  }

  private static String base32(byte[] data) {
    StringBuilder sb = new StringBuilder((data.length + 4) / 5 * 8);
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        sb.append(B32.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      sb.append(B32.charAt((buffer << (5 - bits)) & 31));
    }
    while (sb.length() % 8 != 0) {
      sb.append('=');
    }
    return sb.toString();
  }

  private static byte[] unbase32(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int buffer = 0;
    int bits = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = Character.toUpperCase(s.charAt(i));
      if (c == '=') {
        break;
      }
      int v = B32.indexOf(c);
      if (v < 0) {
        throw new IllegalArgumentException("not base32: '" + c + "' at " + i);
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out.write((buffer >> (bits - 8)) & 0xff);
        bits -= 8;
      }
    }
    return out.toByteArray();
  }

  /** ROT47: each char of {@code !}..{@code ~} rotated by 47 among the 94 (its own inverse). */
  private static String rot47(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      sb.append(c >= 33 && c <= 126 ? (char) (33 + (c - 33 + 47) % 94) : c);
    }
    return sb.toString();
  }
}

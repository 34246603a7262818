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
 * InjectBase64}, {@code InjectBase32}, {@code InjectHex}, {@code InjectROT13}, …); Wei et al. 2023
 * ("Jailbroken", NeurIPS) showed base64 and ROT13 getting past safety training.
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
  REVERSED("reversed");

  private static final String B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
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
    };
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
}

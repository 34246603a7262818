package dev.lethe.filters.testing;

import java.util.Random;

/**
 * The hostile payload of the detector's speed benchmark and of the input stage's bounded-work test:
 * nested encodings and confusables that a screening pass must get through in bounded time, seeded.
 */
public final class HostilePayload {
  private HostilePayload() {}

  /**
   * {@code chars} characters (a little more) of hostile noise drawn from {@code r}: base64 of hex
   * of random bytes, runs of Latin and Cyrillic look-alike letters, spaced letters, URL escapes and
   * HTML numeric entities, one run a line.
   */
  public static String of(Random r, int chars) {
    StringBuilder sb = new StringBuilder(chars + 1024);
    while (sb.length() < chars) {
      switch (r.nextInt(5)) {
        case 0 -> {
          byte[] raw = new byte[300 + r.nextInt(600)];
          r.nextBytes(raw);
          String hex = java.util.HexFormat.of().formatHex(raw);
          sb.append(
              java.util.Base64.getEncoder()
                  .encodeToString(hex.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        }
        case 1 -> {
          for (int i = 0; i < 200; i++) {
            sb.append(r.nextBoolean() ? '\u0430' : 'a').append(r.nextBoolean() ? '\u0435' : 'e');
          }
        }
        case 2 -> {
          for (int i = 0; i < 200; i++) {
            sb.append((char) ('a' + r.nextInt(26))).append(' ');
          }
        }
        case 3 -> {
          for (int i = 0; i < 200; i++) {
            sb.append('%').append(String.format("%02X", r.nextInt(256)));
          }
        }
        default -> {
          for (int i = 0; i < 100; i++) {
            sb.append("&#").append(32 + r.nextInt(90)).append(';');
          }
        }
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}

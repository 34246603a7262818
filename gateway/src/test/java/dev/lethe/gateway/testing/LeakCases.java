package dev.lethe.gateway.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * The cases every output-filter leak matrix tries, on every surface: the disguises of a protected
 * string, and the ways an upstream may cut the text around it into deltas, chunks or content
 * blocks. One home, so that each surface's matrix tries the same attacks.
 */
public final class LeakCases {
  private LeakCases() {}

  /**
   * A protected string as is, in upper case, in fullwidth forms, with zero-width spaces between its
   * letters, and spelled with spaces.
   */
  public static List<String> disguises(String secret) {
    return List.of(
        secret,
        secret.toUpperCase(),
        fullwidth(secret),
        String.join("\u200B", secret.split("")),
        String.join(" ", secret.split("")));
  }

  /**
   * {@code prefix + variant + suffix} cut into chunks of each of {@code chunkSizes} code points,
   * then into two pieces at every {@code step}-th character of {@code variant}.
   */
  public static List<List<String>> splits(
      String prefix, String variant, String suffix, int[] chunkSizes, int step) {
    String text = prefix + variant + suffix;
    List<List<String>> out = new ArrayList<>();
    for (int size : chunkSizes) {
      out.add(chunks(text, size));
    }
    out.addAll(twoPieces(prefix, variant, suffix, step));
    return out;
  }

  /**
   * {@code prefix + variant + suffix} as content blocks: two blocks cut at every {@code step}-th
   * character of {@code variant}; three blocks, the middle one inside it; and two blocks with the
   * protected string starting exactly at the boundary.
   */
  public static List<List<String>> blocks(String prefix, String variant, String suffix, int step) {
    String text = prefix + variant + suffix;
    int start = prefix.length();
    List<List<String>> out = new ArrayList<>(twoPieces(prefix, variant, suffix, step));
    out.add(
        List.of(
            text.substring(0, start + 2),
            text.substring(start + 2, start + 5),
            text.substring(start + 5)));
    out.add(List.of(prefix, variant + suffix));
    return out;
  }

  private static List<List<String>> twoPieces(
      String prefix, String variant, String suffix, int step) {
    String text = prefix + variant + suffix;
    int start = prefix.length();
    List<List<String>> out = new ArrayList<>();
    for (int j = 1; j < variant.length(); j += step) {
      out.add(List.of(text.substring(0, start + j), text.substring(start + j)));
    }
    return out;
  }

  /** {@code s} in pieces of {@code size} code points (the last may be shorter). */
  public static List<String> chunks(String s, int size) {
    List<String> out = new ArrayList<>();
    int[] cps = s.codePoints().toArray();
    for (int i = 0; i < cps.length; i += size) {
      out.add(new String(cps, i, Math.min(size, cps.length - i)));
    }
    return out;
  }

  /** {@code s} with every printable ASCII character in its fullwidth form. */
  public static String fullwidth(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(c >= '!' && c <= '~' ? (char) (c - '!' + 0xFF01) : c);
    }
    return b.toString();
  }
}

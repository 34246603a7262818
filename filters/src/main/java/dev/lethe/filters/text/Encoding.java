package dev.lethe.filters.text;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** A transformation {@link Decoders} can undo. */
public enum Encoding {
  /**
   * Base64, standard or URL-safe alphabet, padded or not, line breaks allowed (RFC 4648 §4, §5).
   */
  BASE64,
  /** Base32 (RFC 4648 §6), upper or lower case, padded or not. */
  BASE32,
  /** Hexadecimal bytes: plain, spaced or comma-separated, {@code \x}- or {@code 0x}-prefixed. */
  HEX,
  /** URL percent-encoding (RFC 3986), at least three escapes in one run. */
  URL,
  /** HTML character references, numeric and named (HTML 4 entity set). */
  HTML_ENTITIES,
  /** ROT13: each Latin letter moved 13 places; recognised by becoming more English-like. */
  ROT13,
  /** The text written backwards; recognised by becoming more English-like. */
  REVERSED;

  /**
   * The name of this decoding in a judged text's list of transformations and in {@code
   * /admin/classify}'s {@code source.transforms}, e.g. {@code base64}, {@code html_entities}.
   */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether {@code transform} is the {@link #key()} of a decoding (not a normalisation). */
  public static boolean isKey(String transform) {
    return KEYS.contains(transform);
  }

  private static final Set<String> KEYS =
      Arrays.stream(values()).map(Encoding::key).collect(Collectors.toUnmodifiableSet());
}

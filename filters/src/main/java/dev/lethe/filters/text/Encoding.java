package dev.lethe.filters.text;

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
  REVERSED
}

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
  /**
   * Backslash-u escapes of JSON, JavaScript, Java and Python string literals ({@code \\u0057}, the
   * letter {@code W}), at least three in one cluster.
   */
  UNICODE_ESCAPES,
  /** Octal escapes of bytes ({@code \\127\\150}, as {@code printf} and C strings write them). */
  OCTAL_ESCAPES,
  /** ROT13: each Latin letter moved 13 places; recognised by becoming more English-like. */
  ROT13,
  /**
   * ROT47: each printable ASCII character moved 47 places among the 94; recognised by its words
   * becoming English.
   */
  ROT47,
  /** The text written backwards; recognised by becoming more English-like. */
  REVERSED,
  /** A Caesar shift other than 13 (each Latin letter moved 1–25 places); as {@link #ROT13}. */
  CAESAR,
  /** Atbash: the Latin alphabet mirrored ({@code a} ↔ {@code z}); as {@link #ROT13}. */
  ATBASH,
  /** Each word written backwards in place; as {@link #REVERSED}. */
  WORD_REVERSED,
  /** Binary: each byte as eight {@code 0}/{@code 1} digits, grouped or run together. */
  BINARY,
  /**
   * Decimal character codes, one a character ({@code 72 105 110 97}), spaced or comma-separated:
   * ASCII and the Latin-1 and Latin Extended-A letters.
   */
  DECIMAL,
  /** Ascii85 (Adobe / btoa alphabet {@code !}..{@code u}, {@code z} for zeros, {@code <~ ~>}). */
  ASCII85,
  /** Base85 of RFC 1924 (the alphabet of Python's {@code b85encode} and git). */
  BASE85,
  /** Quoted-printable (RFC 2045) and MIME Q-encoded words (RFC 2047): {@code =XX} escapes. */
  QUOTED_PRINTABLE,
  /** uuencoding: lines whose first char gives their byte count, with or without begin/end. */
  UUENCODE,
  /** International Morse code: dots and dashes, letters split by spaces, words by {@code /}. */
  MORSE,
  /** The NATO phonetic alphabet ({@code Alfa Bravo Charlie}), one word per letter. */
  NATO,
  /** Grade 1 (uncontracted) English braille in Unicode braille patterns (U+2800–U+28FF). */
  BRAILLE,
  /** Unicode tag characters (U+E0020–U+E007E) standing for ASCII ("ASCII smuggling"). */
  TAGS,
  /**
   * Bytes hidden as a run of Unicode variation selectors, usually after an emoji: U+FE00–U+FE0F for
   * bytes 0–15 and U+E0100–U+E01EF for 16–255, read as UTF-8 ("emoji smuggling").
   */
  VARIATION_SELECTORS,
  /** Letters turned upside down ({@code ɐ q ɔ p ǝ}) and the text reversed. */
  UPSIDE_DOWN,
  /**
   * Letters as their places in the alphabet ({@code 8-9-14-1} is {@code hina}): numbers 1–26 joined
   * by hyphens within a word, words apart by spaces.
   */
  A1Z26,
  /**
   * Unicode code points in {@code U+} notation ({@code U+0048 U+0069}), at least three in a run.
   */
  CODE_POINTS,
  /**
   * One character a line, each with something after it ({@code H = 5H - 4H}, as PyRIT's math
   * obfuscation writes a text), a blank line for a space: the lines' first characters.
   */
  LINE_INITIALS,
  /**
   * Bits as two invisible characters, eight a byte ({@code U+2062} 0, {@code U+2064} 1: "sneaky
   * bits"; or zero-width space and non-joiner), perhaps a third between bytes for a space.
   */
  INVISIBLE_BITS,
  /**
   * The first letters of a list of words or of lines, read where the text says so ({@code take the
   * first letter of each word}, an acrostic).
   */
  WORD_INITIALS,
  /**
   * Words put back in the order a structure gives them: a list of words keyed by their positions or
   * a binary tree of words read in order (CodeChameleon's encryptions).
   */
  WORD_ORDER,
  /**
   * Text typed with the hands one key to the right or left on a US QWERTY keyboard ({@code Ejrtr}
   * for {@code Where}); recognised by its words becoming English.
   */
  KEYBOARD_SHIFT;

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

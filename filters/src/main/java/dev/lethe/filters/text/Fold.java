package dev.lethe.filters.text;

/** A step of {@link Canonicalizer} that can change text; a {@link Canonical} says which fired. */
public enum Fold {
  /**
   * Unicode compatibility folding (NFKC): fullwidth, mathematical and circled letters, ligatures.
   */
  NFKC,
  /** Invisible, format and bidi characters removed (zero-width, soft hyphen, tags, selectors). */
  INVISIBLE,
  /** Cross-script look-alikes (UTS #39 confusables) replaced by Latin letters. */
  CONFUSABLE,
  /** Leetspeak digits and symbols inside a word replaced by letters. */
  LEET,
  /**
   * Enclosed letters without a compatibility decomposition (negative circled and squared letters,
   * regional indicators) read as capital letters.
   */
  ENCLOSED,
  /** Combining marks stacked on a letter that NFKC could not compose ("zalgo" text) dropped. */
  MARKS,
  /** Noise symbols inside a word ({@code B#a^s~il}) dropped; {@code _} between words a space. */
  NOISE,
  /** A word spelled with separators ({@code N i k o l a i}, {@code N.i.k.o.l.a.i}) closed up. */
  SPACED,
  /** A capitalised word written backwards ({@code harraJ}) read the right way round. */
  BACKWARDS,
  /** Latin small capitals ({@code ʙᴀsɪʟ}), which NFKC leaves, read as capital letters. */
  SMALL_CAPITAL,
  /** HTML or XML tags touching a word ({@code Ba<b>sil</b>}) dropped. */
  MARKUP,
  /** A capitalised name in Pig Latin ({@code illiamsWay}) read back ({@code Williams}). */
  PIG_LATIN,

  /** Words with every letter written twice ({@code RRaajjeeeevv}) read once. */
  DOUBLED,

  /**
   * Names in scripts without capitals, and capitalised Cyrillic or Greek words, written in Latin
   * letters ({@code Николай} → {@code Nikolay}).
   */
  TRANSLITERATED,

  /** A text written in random case ({@code WHERe wAS TAe-Ho parK}) read in lower case. */
  RANDOM_CASE
}

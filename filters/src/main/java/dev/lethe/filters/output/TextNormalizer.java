package dev.lethe.filters.output;

import static java.util.Objects.requireNonNull;

import dev.lethe.filters.text.Lookalikes;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The normalised view of text that output patterns are matched in, with a mapping from every
 * normalised char back to the original chars it came from.
 *
 * <p>Each code point is mapped on its own, in this order:
 *
 * <ol>
 *   <li>NFKD (compatibility decomposition: fullwidth and mathematical letters, ligatures, circled
 *       and superscript digits, Hangul syllables become their plain parts);
 *   <li>combining marks (categories Mn, Mc, Me, which include the variation selectors) are removed,
 *       so matching is accent-insensitive;
 *   <li>full case folding, computed as upper case then lower case in the root locale (so {@code ß}
 *       and {@code SS} both become {@code ss}), then NFKD and mark removal once more;
 *   <li>only letters (L*) and numbers (N*) are kept, and decimal digits of every script become
 *       ASCII digits: whitespace, punctuation, symbols, and every invisible or format character
 *       (Cf: zero-width space and joiners, soft hyphen, bidi controls, tag characters; Cc; the
 *       Hangul filler letters; unpaired surrogates; unassigned code points) are removed;
 *   <li>a letter of another script that looks like a Latin letter, itself or in capitals, becomes
 *       that letter, from the UTS #39 confusable data shared with the input side ({@link
 *       Lookalikes#latin}): Cyrillic {@code а е о р с у х і ј ѕ һ ԁ} and, through their capitals,
 *       {@code в к м н т}; Greek {@code ο α ρ ν ι} and, through their capitals, {@code ε τ κ}; rare
 *       Latin letters such as IPA {@code ɡ ɑ}. So {@code "ѕесrеt"} written with Cyrillic letters
 *       normalises to {@code "secret"}.
 * </ol>
 *
 * <p>Besides, a terminal colour code ({@code ESC [ params m}, ECMA-48 SGR) is dropped whole, so
 * {@code "Ni ESC[0m kolai"} cut by colour is {@code "nikolai"}; its parameter chars are held back
 * until the {@code m} (at most {@value Cursor#MAX_SGR_PARAMS}), and are text after all when
 * anything else follows.
 *
 * <p>So {@code "S e-c.r\u200Be T"}, {@code "ＳＥＣＲＥＴ"} and {@code "sécret"} all normalise to {@code
 * "secret"}. A code point may map to no char, one char, or several (ß → {@code ss}, ﬃ → {@code
 * ffi}); each produced char maps back to the whole code point (one or two UTF-16 chars).
 *
 * <p><b>Streaming.</b> Because each code point is normalised independently of its neighbours, the
 * normalisation of a char never depends on later chars, and {@link Cursor} needs to hold back
 * nothing but the high half of a surrogate pair split across two pieces of text. This is the reason
 * for removing combining marks instead of composing them (NFKC would let a later combining mark
 * change an earlier base letter): with marks removed, NFKD per code point equals NFKD of the whole
 * string followed by mark removal, since canonical reordering only moves marks. The price is that
 * accents never distinguish two patterns, which can only over-block, never leak.
 *
 * <p>Confusables are folded per code point, whatever the script of the neighbouring letters (the
 * input side's {@code Canonicalizer} folds them only where that keeps text readable): matching here
 * can only over-block, so a Russian word made of look-alike letters ({@code сор}) matches the Latin
 * pattern {@code cop}; patterns written in those scripts are folded the same way and still match
 * themselves.
 *
 * <p>Known limits: letters with no Latin look-alike in either case ({@code д ж λ}) stay in their
 * script; leetspeak is not read (digits are kept as digits, so a secret that contains digits still
 * matches); text that spells a pattern with symbols only (emoji letters, images) is not recognised.
 *
 * <p>Thread-safe; results for BMP code points are cached in a shared table.
 */
public final class TextNormalizer {

  private static final Normalizer.Form NFKD = Normalizer.Form.NFKD;
  private static final String[] BMP = new String[0x10000];
  private static final ConcurrentHashMap<Integer, String> SUPPLEMENTARY = new ConcurrentHashMap<>();
  private static final int SUPPLEMENTARY_CACHE_LIMIT = 4096;

  static {
    for (int c = 0; c < 0x80; c++) {
      BMP[c] =
          Character.isLetterOrDigit(c)
              ? String.valueOf(Character.toLowerCase((char) c)).intern()
              : "";
    }
  }

  private TextNormalizer() {}

  /**
   * The normalised form of one code point: zero, one or several chars (never {@code null}).
   *
   * @param codePoint a code point; an unpaired surrogate maps to the empty string
   */
  public static String fold(int codePoint) {
    if (codePoint < 0x10000) {
      String s = BMP[codePoint];
      if (s == null) {
        s = compute(codePoint);
        BMP[codePoint] = s; // a benign race: every thread computes the same immutable string
      }
      return s;
    }
    String s = SUPPLEMENTARY.get(codePoint);
    if (s == null) {
      s = compute(codePoint);
      if (SUPPLEMENTARY.size() < SUPPLEMENTARY_CACHE_LIMIT) {
        SUPPLEMENTARY.put(codePoint, s);
      }
    }
    return s;
  }

  private static String compute(int codePoint) {
    if (!Character.isValidCodePoint(codePoint)
        || (codePoint < 0x10000 && Character.isSurrogate((char) codePoint))) {
      return "";
    }
    String decomposed = stripMarks(Normalizer.normalize(Character.toString(codePoint), NFKD));
    String folded = decomposed.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    if (!folded.equals(decomposed)) {
      folded = stripMarks(Normalizer.normalize(folded, NFKD));
    }
    StringBuilder out = new StringBuilder(folded.length());
    for (int i = 0; i < folded.length(); ) {
      int cp = folded.codePointAt(i);
      i += Character.charCount(cp);
      if (isIgnorableLetter(cp)) {
        continue;
      }
      String lookalike = lookalike(cp);
      if (lookalike != null) {
        // a cross-script confusable: the letters of its UTS #39 skeleton (Cyrillic а → a)
        out.append(stripMarks(Normalizer.normalize(lookalike, NFKD)).toLowerCase(Locale.ROOT));
      } else if (Character.getType(cp) == Character.DECIMAL_DIGIT_NUMBER) {
        out.append((char) ('0' + Character.digit(cp, 10)));
      } else if (Character.isLetterOrDigit(cp) || isNumber(cp)) {
        out.appendCodePoint(cp);
      }
    }
    return out.toString();
  }

  /**
   * The Latin look-alike of a case-folded letter, or of its capital ({@code ε} from {@code Ε},
   * {@code т} from {@code Т}), so both cases of a letter fold alike.
   */
  private static String lookalike(int cp) {
    String look = Lookalikes.latin(cp);
    if (look == null && Character.isLetter(cp)) {
      String upper = Character.toString(cp).toUpperCase(Locale.ROOT);
      if (upper.codePointCount(0, upper.length()) == 1) {
        look = Lookalikes.latin(upper.codePointAt(0));
      }
    }
    return look;
  }

  /** Default-ignorable code points that are letters (Hangul fillers): invisible, so removed. */
  private static boolean isIgnorableLetter(int cp) {
    return cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0;
  }

  private static boolean isNumber(int cp) {
    int t = Character.getType(cp);
    return t == Character.LETTER_NUMBER || t == Character.OTHER_NUMBER;
  }

  private static String stripMarks(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      int n = Character.charCount(cp);
      int t = Character.getType(cp);
      boolean mark =
          t == Character.NON_SPACING_MARK
              || t == Character.COMBINING_SPACING_MARK
              || t == Character.ENCLOSING_MARK;
      if (mark && out == null) {
        out = new StringBuilder(s.length()).append(s, 0, i);
      } else if (!mark && out != null) {
        out.appendCodePoint(cp);
      }
      i += n;
    }
    return out == null ? s : out.toString();
  }

  /**
   * Normalises a whole string, as patterns are normalised. Equal to concatenating {@link #fold} of
   * every code point outside terminal colour codes.
   */
  public static String normalize(CharSequence text) {
    requireNonNull(text, "text");
    StringBuilder out = new StringBuilder(text.length());
    Sink sink =
        (c, start, end) -> {
          out.append(c);
          return true;
        };
    Cursor cursor = new Cursor();
    cursor.feed(text, sink);
    cursor.finish(sink);
    return out.toString();
  }

  /** Normalises {@code text} and keeps, for every normalised char, its original char range. */
  public static Mapped map(CharSequence text) {
    requireNonNull(text, "text");
    StringBuilder out = new StringBuilder(text.length());
    int[][] ranges = {new int[text.length() + 4], new int[text.length() + 4]};
    Sink sink =
        (c, start, end) -> {
          int i = out.length();
          if (i == ranges[0].length) {
            ranges[0] = Arrays.copyOf(ranges[0], i * 2);
            ranges[1] = Arrays.copyOf(ranges[1], i * 2);
          }
          ranges[0][i] = (int) start;
          ranges[1][i] = (int) end;
          out.append(c);
          return true;
        };
    Cursor cursor = new Cursor();
    cursor.feed(text, sink);
    cursor.finish(sink);
    int n = out.length();
    return new Mapped(out.toString(), Arrays.copyOf(ranges[0], n), Arrays.copyOf(ranges[1], n));
  }

  /**
   * A normalised string with its mapping to the original.
   *
   * @param text the normalised text
   * @param start for each char of {@code text}, the first original char it came from
   * @param end for each char of {@code text}, one past the last original char it came from
   */
  public record Mapped(String text, int[] start, int[] end) {}

  /** Receives normalised chars from a {@link Cursor}. */
  @FunctionalInterface
  public interface Sink {
    /**
     * One normalised char.
     *
     * @param c the normalised char
     * @param start the offset of the first original char it came from
     * @param end one past the offset of the last original char it came from
     * @return {@code false} to stop feeding the rest of the current piece
     */
    boolean accept(char c, long start, long end);
  }

  /**
   * Normalises a text that arrives in pieces. Offsets are absolute over everything fed so far. The
   * only state carried from one piece to the next is a trailing high surrogate, whose code point is
   * not known until the next char arrives; see {@link #pendingStart()}.
   *
   * <p>Not thread-safe: one cursor per text field.
   */
  public static final class Cursor {
    /** The most parameter chars of a colour code held back; a longer run is text. */
    static final int MAX_SGR_PARAMS = 16;

    private long offset;
    private char pendingHigh;
    private boolean pending;
    // a terminal colour code being read: 1 after ESC, 2 after ESC [ (or CSI), with its parameters
    private int escape;
    private long escapeStart;
    private long paramsStart;
    private final StringBuilder params = new StringBuilder();

    /** Creates a cursor at offset 0. */
    public Cursor() {}

    /**
     * Feeds the next piece of text.
     *
     * @return {@code false} when the sink stopped early (the rest of the piece was not fed, and the
     *     cursor must not be used again)
     */
    public boolean feed(CharSequence piece, Sink sink) {
      int n = piece.length();
      for (int i = 0; i < n; i++) {
        char ch = piece.charAt(i);
        long at = offset++;
        if (pending) {
          pending = false;
          if (Character.isLowSurrogate(ch)) {
            if (!emit(fold(Character.toCodePoint(pendingHigh, ch)), at - 1, at + 1, sink)) {
              return false;
            }
            continue;
          }
          // an unpaired high surrogate normalises to nothing; go on with ch
        }
        if (Character.isHighSurrogate(ch)) {
          pending = true;
          pendingHigh = ch;
          continue;
        }
        if (escape != 0 || ch == 0x1B || ch == 0x9B) {
          int r = escape(ch, at, sink);
          if (r < 0) {
            return false;
          }
          if (r > 0) {
            continue; // taken by the colour code
          }
        }
        if (!emit(fold(ch), at, at + 1, sink)) {
          return false;
        }
      }
      return true;
    }

    /**
     * Reads {@code ch} as part of a terminal colour code (SGR: {@code ESC [ params m}, or the
     * one-char CSI U+009B): 1 when it was taken (dropped, or held back as a parameter), 0 when it
     * is text (any held parameters were emitted first), -1 when the sink stopped.
     */
    private int escape(char ch, long at, Sink sink) {
      if (escape == 0) {
        escape = ch == 0x9B ? 2 : 1;
        escapeStart = at;
        paramsStart = at + 1;
        return 1; // ESC and CSI fold to nothing
      }
      if (escape == 1) {
        if (ch == '[') {
          escape = 2;
          paramsStart = at + 1;
          return 1;
        }
        escape = 0;
        return ch == 0x1B || ch == 0x9B ? escape(ch, at, sink) : 0;
      }
      if (ch == 'm') {
        escape = 0; // a colour code: its parameters go with it
        params.setLength(0);
        return 1;
      }
      if (ch >= 0x30 && ch <= 0x3F && params.length() < MAX_SGR_PARAMS) {
        params.append(ch);
        return 1;
      }
      // not a colour code: its parameters are text after all
      if (!releaseParams(sink)) {
        return -1;
      }
      return ch == 0x1B || ch == 0x9B ? escape(ch, at, sink) : 0;
    }

    private boolean releaseParams(Sink sink) {
      escape = 0;
      for (int k = 0; k < params.length(); k++) {
        long at = paramsStart + k;
        if (!emit(fold(params.charAt(k)), at, at + 1, sink)) {
          params.setLength(0);
          return false;
        }
      }
      params.setLength(0);
      return true;
    }

    /**
     * Ends the text: a colour code left open releases its parameters as text (a whole string is
     * judged to its last char).
     *
     * @return {@code false} when the sink stopped
     */
    public boolean finish(Sink sink) {
      return escape != 2 || releaseParams(sink);
    }

    private static boolean emit(String folded, long start, long end, Sink sink) {
      for (int k = 0; k < folded.length(); k++) {
        if (!sink.accept(folded.charAt(k), start, end)) {
          return false;
        }
      }
      return true;
    }

    /** The number of original chars fed so far. */
    public long offset() {
      return offset;
    }

    /**
     * The offset of a trailing high surrogate still waiting for its low half, or of a terminal
     * colour code still being read, or -1. The chars from there on may not be released yet.
     */
    public long pendingStart() {
      if (escape != 0) {
        return escapeStart;
      }
      return pending ? offset - 1 : -1;
    }
  }
}

package dev.lethe.filters.text;

import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.text.Normalizer2;
import java.util.EnumSet;

/**
 * The first {@link Canonicalizer} step: removes invisible characters and applies NFKC, segment by
 * segment (a starter and the marks that follow it), so each output char maps to its segment.
 */
final class UnicodeFold {

  /** Longest segment normalised at once (UAX #15 stream-safe format allows 30 non-starters). */
  static final int MAX_SEGMENT = 32;

  private static final Normalizer2 NFKC = Normalizer2.getNFKCInstance();
  private static final Normalizer2 NFD = Normalizer2.getNFDInstance();
  private static final int COMPUTED = 1;
  private static final int INVISIBLE = 2;
  // visible, NFKC-normalised alone and never combining with what precedes it
  private static final int PLAIN = 4;
  private static final int BOUNDARY_BEFORE = 8;
  private static final byte[] KIND = new byte[0x10000];
  private static final String[] SINGLE = new String[0x10000]; // NFKC of a lone BMP code point

  static {
    for (int c = 0; c < 0x80; c++) {
      KIND[c] = computeKind(c);
    }
  }

  private UnicodeFold() {}

  static MappedText apply(String text, EnumSet<Fold> applied) {
    MappedText out = new MappedText(text.length());
    StringBuilder seg = new StringBuilder();
    int segFrom = -1;
    int segTo = -1;
    int segCodePoints = 0;
    int n = text.length();
    for (int i = 0; i < n; ) {
      int cp = text.codePointAt(i);
      int len = Character.charCount(cp);
      int kind = kind(cp);
      if ((kind & INVISIBLE) != 0) {
        applied.add(Fold.INVISIBLE);
        // a terminal escape sequence goes whole: ESC [1;31m around a name is colour, not text
        i = cp == 0x1B || cp == 0x9B ? escapeEnd(text, i) : i + len;
        continue;
      }
      char enclosed = enclosedLetter(cp);
      char small = enclosed == 0 ? smallCapital(cp) : 0;
      if (enclosed != 0 || small != 0) {
        if (segCodePoints > 0) {
          flush(seg, segFrom, segTo, out, applied);
          seg.setLength(0);
          segCodePoints = 0;
        }
        out.append(enclosed != 0 ? enclosed : small, i, i + len);
        applied.add(enclosed != 0 ? Fold.ENCLOSED : Fold.SMALL_CAPITAL);
        i += len;
        continue;
      }
      boolean plain = (kind & PLAIN) != 0;
      boolean boundary = (kind & BOUNDARY_BEFORE) != 0 || segCodePoints >= MAX_SEGMENT;
      if (boundary && segCodePoints > 0) {
        flush(seg, segFrom, segTo, out, applied);
        seg.setLength(0);
        segCodePoints = 0;
      }
      if (plain && boundaryAfter(text, i + len)) {
        out.append((char) cp, i, i + 1); // PLAIN code points are BMP
        i += len;
        continue;
      }
      if (segCodePoints == 0) {
        segFrom = i;
      }
      seg.appendCodePoint(cp);
      segCodePoints++;
      segTo = i + len;
      i += len;
    }
    if (segCodePoints > 0) {
      flush(seg, segFrom, segTo, out, applied);
    }
    return out;
  }

  /** The longest terminal escape sequence read whole; a longer one loses only its ESC. */
  static final int MAX_ESCAPE = 64;

  /**
   * Where the terminal escape sequence (ECMA-48) opening at {@code i} ends: a control sequence
   * ({@code ESC [} or the one-char CSI U+009B, parameter bytes {@code 0-?}, intermediate bytes
   * {@code space-/}, one final byte {@code @-~}: colours, cursor moves), an operating-system
   * command ({@code ESC ]} up to BEL or {@code ESC \}: titles, hyperlinks); {@code i + 1}, the ESC
   * alone, for anything else or for a sequence not complete within {@value #MAX_ESCAPE} chars.
   */
  static int escapeEnd(String text, int i) {
    int n = text.length();
    int limit = Math.min(n, i + MAX_ESCAPE);
    boolean csi = text.charAt(i) == 0x9B;
    int j = i + 1;
    if (!csi && j < n && text.charAt(j) == '[') {
      csi = true;
      j++;
    }
    if (csi) {
      while (j < limit && text.charAt(j) >= 0x30 && text.charAt(j) <= 0x3F) {
        j++;
      }
      while (j < limit && text.charAt(j) >= 0x20 && text.charAt(j) <= 0x2F) {
        j++;
      }
      return j < limit && text.charAt(j) >= 0x40 && text.charAt(j) <= 0x7E ? j + 1 : i + 1;
    }
    if (j < n && text.charAt(j) == ']') {
      for (int k = j + 1; k < limit; k++) {
        char c = text.charAt(k);
        if (c == 0x07) {
          return k + 1;
        }
        if (c == 0x1B && k + 1 < n && text.charAt(k + 1) == '\\') {
          return k + 2;
        }
      }
      return i + 1;
    }
    return i + 1;
  }

  /** Whether the next visible code point from {@code i} on (if any) starts a new segment. */
  private static boolean boundaryAfter(String text, int i) {
    int n = text.length();
    while (i < n) {
      int cp = text.codePointAt(i);
      int kind = kind(cp);
      if ((kind & INVISIBLE) == 0) {
        return (kind & BOUNDARY_BEFORE) != 0;
      }
      i += Character.charCount(cp);
    }
    return true;
  }

  private static void flush(
      StringBuilder seg, int from, int to, MappedText out, EnumSet<Fold> applied) {
    String normalized;
    if (seg.length() == 1) {
      char c = seg.charAt(0);
      normalized = SINGLE[c];
      if (normalized == null) {
        normalized = NFKC.normalize(seg);
        SINGLE[c] = normalized; // a benign race: every thread computes the same string
      }
    } else {
      normalized = NFKC.normalize(seg);
    }
    boolean changed = !normalized.contentEquals(seg);
    if (seg.length() > 1) {
      String kept = stripStackedMarks(seg, normalized, out);
      if (kept != normalized) {
        applied.add(Fold.MARKS);
        normalized = kept;
        changed = false;
      }
    }
    if (changed) {
      applied.add(Fold.NFKC);
    }
    if (normalized.isEmpty()) {
      return;
    }
    if (normalized.length() == to - from && seg.length() == to - from) {
      // one char per char: keep the exact map (the common case of an unchanged segment)
      for (int k = 0; k < normalized.length(); k++) {
        out.append(normalized.charAt(k), from + k, from + k + 1);
      }
    } else {
      out.append(normalized, from, to);
    }
  }

  /**
   * Combining marks that NFKC could not all compose onto a letter based on an ASCII letter ("zalgo"
   * text: {@code W͂h̗a͖͊̆}): the ASCII letter is kept and every mark on it dropped; a segment of
   * marks alone right after such a letter (a stack longer than {@value #MAX_SEGMENT}) is dropped
   * too. A mark that composes, as in ordinary accented text, stays.
   */
  private static String stripStackedMarks(StringBuilder seg, String normalized, MappedText out) {
    if (Chars.isMark(Character.codePointAt(seg, 0))) {
      if (out.length() == 0 || !isLatinLetter(out.charAt(out.length() - 1))) {
        return normalized;
      }
      return "";
    }
    StringBuilder kept = null;
    int n = normalized.length();
    int k = 0;
    while (k < n) {
      int cp = normalized.codePointAt(k);
      int next = k + Character.charCount(cp);
      int marksEnd = next;
      while (marksEnd < n && Chars.isMark(normalized.codePointAt(marksEnd))) {
        marksEnd += Character.charCount(normalized.codePointAt(marksEnd));
      }
      char base = marksEnd > next ? asciiBase(cp) : 0;
      if (base != 0 && kept == null) {
        kept = new StringBuilder(n).append(normalized, 0, k);
      }
      if (kept != null) {
        if (base != 0) {
          kept.append(base); // the letter alone: a stack of marks is noise, not an accent
        } else {
          kept.append(normalized, k, marksEnd);
        }
      }
      k = marksEnd;
    }
    return kept == null ? normalized : kept.toString();
  }

  /**
   * The ASCII letter {@code cp} is, or is accented from; else 0. The accented letters are those of
   * Latin-1, Latin Extended-A and -B and Latin Extended Additional (U+1E00–U+1EFF), where NFKC puts
   * a letter and its first mark below or above it ({@code d} + U+032D is {@code ḓ}), so a stack of
   * marks on an ASCII letter often starts with one of them.
   */
  private static char asciiBase(int cp) {
    if (Chars.isAsciiLetter(cp)) {
      return (char) cp;
    }
    if (!isLatinLetter(cp)) {
      return 0;
    }
    String d = NFD.getDecomposition(cp);
    return d != null && Chars.isAsciiLetter(d.charAt(0)) ? d.charAt(0) : 0;
  }

  /** A letter of the Latin blocks up to Latin Extended-B, or of Latin Extended Additional. */
  private static boolean isLatinLetter(int c) {
    return (c < 0x250 || c >= 0x1E00 && c <= 0x1EFF) && Character.isLetter(c);
  }

  /**
   * The capital letter of an enclosed or squared letter that has no compatibility decomposition
   * (negative circled U+1F150–U+1F169, negative squared U+1F170–U+1F189, regional indicators
   * U+1F1E6–U+1F1FF), else 0. NFKC folds the circled, parenthesised and squared letters; these
   * ranges are A–Z in order in Unicode's Enclosed Alphanumeric Supplement, which no library maps.
   */
  static char enclosedLetter(int cp) {
    if (cp < 0x1F150 || cp > 0x1F1FF) {
      return 0;
    }
    if (cp <= 0x1F169) {
      return (char) ('A' + cp - 0x1F150);
    }
    if (cp >= 0x1F170 && cp <= 0x1F189) {
      return (char) ('A' + cp - 0x1F170);
    }
    if (cp >= 0x1F1E6) {
      return (char) ('A' + cp - 0x1F1E6);
    }
    return 0;
  }

  /**
   * The capital letter a Latin small capital stands for ({@code ʙᴀsɪʟ} is {@code BASIL}), else 0.
   * NFKC leaves small capitals alone (they have no compatibility decomposition) and UTS #39 maps
   * only some of them to a look-alike; the letter each one is comes from its Unicode character name
   * ({@code LATIN LETTER SMALL CAPITAL B}), read once from the JDK's character data for the blocks
   * that hold them (IPA Extensions, Phonetic Extensions, Latin Extended-D). A small capital of a
   * modified letter ({@code TURNED E}, {@code OU}) is none.
   */
  static char smallCapital(int cp) {
    if (cp >= 0x250 && cp <= 0x2AF) {
      return SmallCapitals.TABLE[cp - 0x250];
    }
    if (cp >= 0x1D00 && cp <= 0x1D7F) {
      return SmallCapitals.TABLE[0x60 + cp - 0x1D00];
    }
    if (cp >= 0xA720 && cp <= 0xA7FF) {
      return SmallCapitals.TABLE[0xE0 + cp - 0xA720];
    }
    return 0;
  }

  /** The small capitals' letters, by offset in the three blocks (see {@link #smallCapital}). */
  private static final class SmallCapitals {
    static final char[] TABLE = new char[0x60 + 0x80 + 0xE0];

    static {
      fill(0x250, 0x2AF, 0);
      fill(0x1D00, 0x1D7F, 0x60);
      fill(0xA720, 0xA7FF, 0xE0);
    }

    private static void fill(int from, int to, int offset) {
      String prefix = "LATIN LETTER SMALL CAPITAL ";
      for (int cp = from; cp <= to; cp++) {
        String name = Character.getName(cp);
        if (name != null
            && name.length() == prefix.length() + 1
            && name.startsWith(prefix)
            && Character.isLetter(name.charAt(prefix.length()))) {
          TABLE[offset + cp - from] = name.charAt(prefix.length());
        }
      }
    }
  }

  private static int kind(int cp) {
    if (cp < 0x10000) {
      byte k = KIND[cp];
      if (k == 0) {
        k = computeKind(cp);
        KIND[cp] = k;
      }
      return k;
    }
    return computeKind(cp);
  }

  private static byte computeKind(int cp) {
    int kind = COMPUTED;
    if (isInvisible(cp)) {
      kind |= INVISIBLE;
    }
    if (NFKC.hasBoundaryBefore(cp)) {
      kind |= BOUNDARY_BEFORE;
      if (cp < 0x10000 && NFKC.isNormalized(Character.toString(cp))) {
        kind |= PLAIN;
      }
    }
    return (byte) kind;
  }

  /**
   * Invisible: format characters (Cf: zero-width, soft hyphen, bidi controls, tags), default
   * ignorable code points (variation selectors, Hangul fillers, combining grapheme joiner) and
   * control characters other than whitespace.
   */
  static boolean isInvisible(int cp) {
    if (cp < 0x80) {
      return cp == 0x7F
          || (cp < 0x20 && !(cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == 0x0B));
    }
    if (cp == 0x85) {
      return false; // next line: a line break
    }
    int type = Character.getType(cp);
    return type == Character.FORMAT
        || type == Character.CONTROL
        || UCharacter.hasBinaryProperty(cp, UProperty.DEFAULT_IGNORABLE_CODE_POINT);
  }
}

package dev.lethe.filters.text;

import static java.util.Objects.requireNonNull;

import com.ibm.icu.lang.UScript;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.SpoofChecker;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Characters that look like Latin letters: the one table of cross-script confusables and of
 * leetspeak, shared by the {@link Canonicalizer} (input side) and the output filter's {@code
 * TextNormalizer}.
 *
 * <p><b>Confusables</b> come from Unicode's UTS #39 data through ICU4J ({@link
 * SpoofChecker#getSkeleton}): a code point's look-alike is its skeleton, kept only when that
 * skeleton, recomposed (NFC), is made of Latin letters whose base letter is ASCII (Cyrillic {@code
 * а} → {@code a}, Greek {@code Ο} → {@code O}, Cyrillic {@code ё} → {@code ë}). Prototypes that are
 * not ASCII-based (small capitals, {@code ĸ}) are refused, so Cyrillic {@code к, т, в, н, м} have
 * no look-alike here: they do not read as Latin letters. A skeleton {@code l} of an upper-case
 * letter (Greek {@code Ι}, Cyrillic {@code І}) becomes {@code I}. Latin letters themselves never
 * have a look-alike except rare non-ASCII ones outside Latin-1 and Latin Extended-A/B (IPA {@code ɡ
 * ɑ}), so {@code m} stays {@code m} although its skeleton is {@code rn}.
 *
 * <p><b>Leetspeak</b> is a fixed table: {@code 4 @} a, {@code 8} b, {@code 3} e, {@code 9} g,
 * {@code 1 | !} i, {@code 0} o, {@code 5 $} s, {@code 7} t. {@code 1 | !} also read as {@code l}:
 * {@link #matchKey} makes i, l and 1 one letter for name matching.
 *
 * <p>Thread-safe; look-ups of BMP code points are cached in a shared table.
 */
public final class Lookalikes {

  private static final String NONE = "";
  private static final SpoofChecker SPOOF = new SpoofChecker.Builder().build();
  private static final Normalizer2 NFC = Normalizer2.getNFCInstance();
  private static final Normalizer2 NFD = Normalizer2.getNFDInstance();
  private static final String[] BMP = new String[0x10000];
  private static final ConcurrentHashMap<Integer, String> SUPPLEMENTARY = new ConcurrentHashMap<>();
  private static final int SUPPLEMENTARY_CACHE_LIMIT = 4096;

  private Lookalikes() {}

  /**
   * The Latin look-alike of a code point that is not an ordinary Latin letter, or {@code null}.
   *
   * @return one or more Latin letters (possibly accented, NFC), or {@code null} when the code point
   *     is ASCII, a Latin letter of Latin-1 or Latin Extended-A/B, not a letter, or has no ASCII
   *     based look-alike
   */
  public static String latin(int codePoint) {
    if (codePoint < 0x80) {
      return null;
    }
    String s;
    if (codePoint < 0x10000) {
      s = BMP[codePoint];
      if (s == null) {
        s = compute(codePoint);
        BMP[codePoint] = s; // a benign race: every thread computes the same immutable string
      }
    } else {
      s = SUPPLEMENTARY.get(codePoint);
      if (s == null) {
        s = compute(codePoint);
        if (SUPPLEMENTARY.size() < SUPPLEMENTARY_CACHE_LIMIT) {
          SUPPLEMENTARY.put(codePoint, s);
        }
      }
    }
    return s.isEmpty() ? null : s;
  }

  /** Whether {@code codePoint} has a {@link #latin} look-alike. */
  public static boolean hasLatin(int codePoint) {
    return latin(codePoint) != null;
  }

  private static String compute(int cp) {
    if (!Character.isValidCodePoint(cp) || !Character.isLetter(cp)) {
      return NONE;
    }
    int script = UScript.getScript(cp);
    if (script == UScript.LATIN && cp <= 0x24F) {
      return NONE; // ordinary Latin letters (accented, Latin-1, Extended-A/B) are text
    }
    String skeleton = NFC.normalize(SPOOF.getSkeleton(Character.toString(cp)));
    if (skeleton.isEmpty() || skeleton.equals(Character.toString(cp))) {
      return NONE;
    }
    for (int i = 0; i < skeleton.length(); ) {
      int c = skeleton.codePointAt(i);
      i += Character.charCount(c);
      if (!isAsciiBasedLatinLetter(c)) {
        return NONE;
      }
    }
    if (skeleton.equals("l") && Character.isUpperCase(cp)) {
      return "I";
    }
    return skeleton;
  }

  private static boolean isAsciiBasedLatinLetter(int c) {
    if (c < 0x80) {
      return Chars.isAsciiLetter(c);
    }
    if (c > 0x24F || !Character.isLetter(c)) {
      return false;
    }
    String d = NFD.getDecomposition(c);
    return d != null && Chars.isAsciiLetter(d.charAt(0));
  }

  /**
   * The letter a leetspeak character stands for ({@code '4'} → {@code 'a'}), or {@code 0} when
   * {@code c} is not a leetspeak character. {@code 1}, {@code |} and {@code !} give {@code 'i'};
   * see {@link #matchKey} for treating i, l and 1 alike.
   */
  public static char leet(int c) {
    return switch (c) {
      case '4', '@' -> 'a';
      case '8' -> 'b';
      case '3' -> 'e';
      case '9' -> 'g';
      case '1', '|', '!' -> 'i';
      case '0' -> 'o';
      case '5', '$' -> 's';
      case '7' -> 't';
      default -> 0;
    };
  }

  /**
   * A key for comparing names leniently: every char lower-cased, Latin look-alikes and leetspeak
   * characters replaced by their letters, and {@code i}, {@code l}, {@code 1}, {@code |}, {@code !}
   * all mapped to {@code i}. So {@code matchKey("Nikolai") == matchKey("N1ko1ai") ==
   * matchKey("NIKOLAl")}. Meant for comparing a candidate token with a known subject, never for
   * display.
   */
  public static String matchKey(CharSequence text) {
    requireNonNull(text, "text");
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); ) {
      int cp = Character.codePointAt(text, i);
      i += Character.charCount(cp);
      String look = latin(cp);
      if (look != null) {
        for (int k = 0; k < look.length(); k++) {
          out.append(matchChar(look.charAt(k)));
        }
        continue;
      }
      char l = leet(cp);
      if (l != 0) {
        out.append(matchChar(l));
      } else if (cp < 0x10000) {
        out.append(matchChar((char) cp));
      } else {
        out.appendCodePoint(Character.toLowerCase(cp));
      }
    }
    return out.toString();
  }

  private static char matchChar(char c) {
    char lower = Character.toLowerCase(c);
    return lower == 'l' ? 'i' : lower;
  }
}

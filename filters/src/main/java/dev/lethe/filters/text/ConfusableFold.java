package dev.lethe.filters.text;

import com.ibm.icu.lang.UScript;
import com.ibm.icu.text.Normalizer2;
import java.util.Arrays;
import java.util.EnumSet;

/**
 * The {@link Canonicalizer} step that replaces cross-script look-alikes ({@link Lookalikes#latin})
 * by Latin letters, only where that is safe for readable text.
 *
 * <p>Each word (a run of letters, digits and marks) is classified by its letters: Latin, look-alike
 * (another script, with a Latin look-alike) and genuine (another script, without one). A word that
 * mixes Latin and look-alike letters and has no genuine one ({@code Nikоlаi} with Cyrillic {@code о
 * а}) is folded. A word made only of look-alike letters ({@code Васіl}) is folded unless the words
 * around it ({@value #WINDOW} on each side) hold at least as many genuine-script words as Latin
 * ones: real Russian or Greek text contains letters without look-alikes ({@code д л и ж}, {@code
 * λ}), so its words, even {@code сор}, stay as they are. Rare Latin letters with an ASCII
 * look-alike (IPA {@code ɡ ɑ}) are folded in every word without genuine letters.
 */
final class ConfusableFold {
  static final int WINDOW = 8;

  private static final Normalizer2 NFC = Normalizer2.getNFCInstance();
  private static final byte OTHER = 0;
  private static final byte LATIN = 1; // Latin letters, maybe with look-alikes (a mixed word)
  private static final byte LOOKALIKE = 2; // only look-alike letters
  private static final byte GENUINE = 3; // a letter of another script without a look-alike

  private ConfusableFold() {}

  static MappedText apply(MappedText in, EnumSet<Fold> applied) {
    int n = in.length();
    int[] starts = new int[16];
    int[] ends = new int[16];
    byte[] types = new byte[16];
    boolean[] foldable = new boolean[16];
    int words = 0;
    boolean any = false;
    for (int i = 0; i < n; ) {
      int cp = in.codePointAt(i);
      if (!Chars.isWordChar(cp)) {
        i += Character.charCount(cp);
        continue;
      }
      int start = i;
      int latin = 0;
      int lookalike = 0;
      int genuine = 0;
      boolean special = false;
      while (i < n) {
        cp = in.codePointAt(i);
        if (!Chars.isWordChar(cp)) {
          break;
        }
        i += Character.charCount(cp);
        if (cp < 0x80) {
          if (Chars.isLetter(cp)) {
            latin++;
          }
          continue;
        }
        if (!Character.isLetter(cp)) {
          continue;
        }
        int script = UScript.getScript(cp);
        boolean hasLatin = Lookalikes.latin(cp) != null;
        if (script == UScript.LATIN) {
          latin++;
          special |= hasLatin;
        } else if (script == UScript.COMMON || script == UScript.INHERITED) {
          special |= hasLatin;
        } else if (hasLatin) {
          lookalike++;
        } else {
          genuine++;
        }
      }
      if (words == starts.length) {
        int m = words * 2;
        starts = Arrays.copyOf(starts, m);
        ends = Arrays.copyOf(ends, m);
        types = Arrays.copyOf(types, m);
        foldable = Arrays.copyOf(foldable, m);
      }
      byte type = genuine > 0 ? GENUINE : latin > 0 ? LATIN : lookalike > 0 ? LOOKALIKE : OTHER;
      starts[words] = start;
      ends[words] = i;
      types[words] = type;
      foldable[words] = genuine == 0 && (lookalike > 0 || special);
      any |= foldable[words];
      words++;
    }
    if (!any) {
      return in;
    }
    // prefix counts of Latin and genuine words, for the context of look-alike-only words
    int[] latinBefore = new int[words + 1];
    int[] genuineBefore = new int[words + 1];
    for (int w = 0; w < words; w++) {
      latinBefore[w + 1] = latinBefore[w] + (types[w] == LATIN ? 1 : 0);
      genuineBefore[w + 1] = genuineBefore[w] + (types[w] == GENUINE ? 1 : 0);
    }
    MappedText.Rewriter rewriter = new MappedText.Rewriter(in);
    for (int w = 0; w < words; w++) {
      if (!foldable[w]) {
        continue;
      }
      if (types[w] == LOOKALIKE) {
        int lo = Math.max(0, w - WINDOW);
        int hi = Math.min(words, w + WINDOW + 1);
        int latinAround = latinBefore[hi] - latinBefore[lo];
        int genuineAround = genuineBefore[hi] - genuineBefore[lo];
        if (genuineAround > 0 && latinAround <= genuineAround) {
          continue;
        }
      }
      MappedText out = rewriter.upTo(starts[w]);
      for (int i = starts[w]; i < ends[w]; ) {
        int cp = in.codePointAt(i);
        int len = Character.charCount(cp);
        String look = cp < 0x80 ? null : Lookalikes.latin(cp);
        if (look != null) {
          int j = i + len;
          while (j < ends[w] && Chars.isMark(in.codePointAt(j))) {
            j += Character.charCount(in.codePointAt(j));
          }
          if (j > i + len) {
            // recompose with the marks that follow (Cyrillic о + acute → ó), as NFKC would
            out.appendOver(NFC.normalize(look + in.toString(i + len, j)), in, i, j);
            len = j - i;
          } else {
            out.appendOver(look, in, i, i + len);
          }
          applied.add(Fold.CONFUSABLE);
        } else {
          out.copy(in, i, i + len);
        }
        i += len;
      }
      rewriter.resumeAt(ends[w]);
    }
    return rewriter.result();
  }
}

package dev.lethe.filters.detect;

/**
 * Edit distances for matching typo'd names: the optimal-string-alignment distance (Levenshtein plus
 * the transposition of two adjacent characters as one edit, Damerau 1964 restricted so that no
 * substring is edited twice) — a swapped pair of letters is the commonest typo and costs one edit,
 * not two — and the same alignment split by the words of a name, so that each word's share of the
 * edits can be bounded on its own.
 *
 * <p>Why edit distance and not phonetic keys (Double Metaphone, Beider-Morse): typos replace, drop,
 * double and swap letters without regard to sound (a consonant swapped for another changes every
 * phonetic key), names come from every language while phonetic encoders assume one, and a bounded
 * edit distance states exactly what it tolerates. Why not n-gram overlap as the score: one edit
 * near a short word's end removes two or three of its five bigrams, so overlap falls faster than
 * the word's recognisability; n-grams serve as a candidate filter instead ({@link SubjectIndex}),
 * bounded by the q-gram lemma.
 */
final class NameSimilarity {
  private NameSimilarity() {}

  /** Longest text or name (in characters, after joining words) aligned with a full matrix. */
  static final int MAX_ALIGNED = 96;

  /**
   * The optimal-string-alignment distance between {@code a} and {@code b}, or {@code max + 1} once
   * it is known to exceed {@code max}.
   */
  static int osa(CharSequence a, CharSequence b, int max) {
    int n = a.length();
    int m = b.length();
    if (Math.abs(n - m) > max) {
      return max + 1;
    }
    if (n == 0 || m == 0) {
      return Math.max(n, m) <= max ? Math.max(n, m) : max + 1;
    }
    int[] back = new int[m + 1];
    int[] prev = new int[m + 1];
    int[] cur = new int[m + 1];
    for (int j = 0; j <= m; j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= n; i++) {
      cur[0] = i;
      int rowMin = i;
      char ca = a.charAt(i - 1);
      for (int j = 1; j <= m; j++) {
        char cb = b.charAt(j - 1);
        int cost = ca == cb ? 0 : 1;
        int v = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
        if (i > 1 && j > 1 && ca == b.charAt(j - 2) && a.charAt(i - 2) == cb) {
          v = Math.min(v, back[j - 2] + 1);
        }
        cur[j] = v;
        rowMin = Math.min(rowMin, v);
      }
      // No cell of a later row can drop below this row's minimum (a transposition reaches back
      // two rows, but its source is at most one less than a cell of this row).
      if (rowMin > max) {
        return max + 1;
      }
      int[] t = back;
      back = prev;
      prev = cur;
      cur = t;
    }
    return Math.min(prev[m], max + 1);
  }

  /**
   * Aligns {@code text} with {@code name} (both joined, without spaces) and returns how many of the
   * alignment's edits fall in each word of the name; the total is the optimal-string-alignment
   * distance. {@code wordOf[j]} is the word of name character {@code j}. An inserted text character
   * inside a word counts for that word, before the first or after the last word for that word; one
   * inserted between two words may count for either, so those go to the earlier word while its
   * {@code allowance} lasts, else to the later one (filling the earlier word first is optimal: no
   * later boundary competes for it). Of the optimal alignments, two are traced (one preferring
   * substitutions and swaps, one preferring insertions and deletions) and the one that exceeds the
   * allowances least is returned.
   *
   * @param allowance edits each word may take (only used to place insertions between words)
   * @return edits per word, length {@code allowance.length}
   */
  static int[] editsPerWord(CharSequence text, CharSequence name, int[] wordOf, int[] allowance) {
    int words = allowance.length;
    int n = text.length();
    int m = name.length();
    int w = m + 1;
    int[] d = new int[(n + 1) * w];
    for (int j = 0; j <= m; j++) {
      d[j] = j;
    }
    for (int i = 1; i <= n; i++) {
      d[i * w] = i;
      char ca = text.charAt(i - 1);
      for (int j = 1; j <= m; j++) {
        char cb = name.charAt(j - 1);
        int cost = ca == cb ? 0 : 1;
        int v =
            Math.min(
                Math.min(d[i * w + j - 1] + 1, d[(i - 1) * w + j] + 1),
                d[(i - 1) * w + j - 1] + cost);
        if (i > 1 && j > 1 && ca == name.charAt(j - 2) && text.charAt(i - 2) == cb) {
          v = Math.min(v, d[(i - 2) * w + j - 2] + 1);
        }
        d[i * w + j] = v;
      }
    }
    // Equally short alignments can place edits in different words ("hsioax" for "hsiao": a swap
    // and an insertion between words, or an insertion and a substitution inside the first word):
    // trace back twice, preferring substitutions, then preferring gaps, and keep the better fit.
    int[] a = trace(text, name, wordOf, allowance, d, true);
    int[] b = trace(text, name, wordOf, allowance, d, false);
    return excess(b, allowance) < excess(a, allowance) ? b : a;
  }

  private static int excess(int[] edits, int[] allowance) {
    int e = 0;
    for (int k = 0; k < edits.length; k++) {
      e += Math.max(0, edits[k] - allowance[k]);
    }
    return e;
  }

  private static int[] trace(
      CharSequence text,
      CharSequence name,
      int[] wordOf,
      int[] allowance,
      int[] d,
      boolean substitutionsFirst) {
    int n = text.length();
    int m = name.length();
    int w = m + 1;
    int words = allowance.length;
    int[] out = new int[words];
    int[] between = new int[words]; // between[k]: text characters inserted just before word k
    int i = n;
    int j = m;
    while (i > 0 || j > 0) {
      int here = d[i * w + j];
      boolean same = i > 0 && j > 0 && text.charAt(i - 1) == name.charAt(j - 1);
      if (same && here == d[(i - 1) * w + j - 1]) {
        i--;
        j--;
        continue;
      }
      boolean sub = i > 0 && j > 0 && !same && here == d[(i - 1) * w + j - 1] + 1;
      boolean swap =
          i > 1
              && j > 1
              && text.charAt(i - 1) == name.charAt(j - 2)
              && text.charAt(i - 2) == name.charAt(j - 1)
              && here == d[(i - 2) * w + j - 2] + 1;
      boolean del = j > 0 && here == d[i * w + j - 1] + 1;
      boolean ins = i > 0 && here == d[(i - 1) * w + j] + 1;
      if (substitutionsFirst ? sub : sub && !del && !ins) {
        out[wordOf[j - 1]]++;
        i--;
        j--;
      } else if (swap && (substitutionsFirst || (!del && !ins))) {
        out[wordOf[j - 1]]++;
        i -= 2;
        j -= 2;
      } else if (del) {
        out[wordOf[j - 1]]++; // a name character the text lacks
        j--;
      } else if (ins) {
        // a text character the name lacks
        if (j > 0 && j < m && wordOf[j - 1] != wordOf[j]) {
          between[wordOf[j]]++;
        } else {
          out[j > 0 ? wordOf[j - 1] : 0]++;
        }
        i--;
      } else if (sub) {
        out[wordOf[j - 1]]++;
        i--;
        j--;
      } else {
        out[wordOf[j - 1]]++;
        i -= 2;
        j -= 2;
      }
    }
    for (int k = 1; k < words; k++) {
      int left = Math.max(0, Math.min(between[k], allowance[k - 1] - out[k - 1]));
      out[k - 1] += left;
      out[k] += between[k] - left;
    }
    return out;
  }

  /** {@code 1 - distance / length}: the share of the name's characters left intact. */
  static double similarity(int distance, int length) {
    return length == 0 ? 0 : Math.max(0, 1 - (double) distance / length);
  }
}

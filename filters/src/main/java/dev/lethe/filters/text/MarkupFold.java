package dev.lethe.filters.text;

import java.util.EnumSet;

/**
 * The {@link Canonicalizer} step that drops HTML or XML tags touching a word ({@code Ba<b>sil</b>
 * Mah<i>fouz</i>} → {@code Basil Mahfouz}, {@code <b>Basil</b>} → {@code Basil}): markup cut into a
 * name leaves letters that no longer form it, and markup around a word is no part of it. A tag is
 * {@code <name>}, {@code </name>} or {@code <name attr="…" …>} (a name of ASCII letters and digits
 * starting with a letter, at most {@value #MAX_NAME} chars; attributes, if any, hold a {@code =};
 * the whole tag at most {@value #MAX_TAG} chars), with a letter right before or right after it,
 * other tags skipped. A comparison in code or maths ({@code a<b and c>d}) has no {@code =} after
 * its "name" and stays; a tag between spaces stays. Markdown emphasis cut into a word ({@code
 * **X**in}) goes the same way ({@link #emphasis}).
 */
final class MarkupFold {
  static final int MAX_NAME = 16;
  static final int MAX_TAG = 120;

  private MarkupFold() {}

  static MappedText apply(MappedText in, EnumSet<Fold> applied) {
    return emphasis(tags(in, applied), applied);
  }

  private static MappedText tags(MappedText in, EnumSet<Fold> applied) {
    int n = in.length();
    MappedText.Rewriter w = null;
    int i = 0;
    while (i < n) {
      if (in.charAt(i) != '<') {
        i++;
        continue;
      }
      int end = tagEnd(in, i);
      if (end < 0) {
        i++;
        continue;
      }
      if (letterBefore(in, i) || letterAfter(in, end)) {
        if (w == null) {
          w = new MappedText.Rewriter(in);
        }
        w.upTo(i);
        w.resumeAt(end);
        applied.add(Fold.MARKUP);
      }
      i = end;
    }
    return w == null ? in : w.result();
  }

  /**
   * Drops Markdown emphasis cut into a word ({@code **X**in}, {@code Ba*si*l}, {@code ~~M~~ahfouz}
   * → {@code Xin}, {@code Basil}, {@code Mahfouz}): in a run of letters and emphasis markers (one
   * to three {@code *}, or {@code ~~}) with no space, where at least one marker stands between two
   * letters, every marker of the run goes. Emphasis around a whole word ({@code **bold**}) has no
   * marker inside and stays, as do {@code a * b}, {@code x**2} and {@code snake_case} (underscores
   * are left to {@link NoiseFold}).
   */
  private static MappedText emphasis(MappedText in, EnumSet<Fold> applied) {
    int n = in.length();
    MappedText.Rewriter w = null;
    int i = 0;
    while (i < n) {
      if (!Chars.isLetter(in.charAt(i)) && marker(in, i) == 0) {
        i++;
        continue;
      }
      int start = i;
      boolean inside = false;
      boolean letters = false;
      while (i < n) {
        if (Chars.isLetter(in.charAt(i)) || Chars.isMark(in.charAt(i))) {
          letters = true;
          i++;
          continue;
        }
        int m = marker(in, i);
        if (m == 0) {
          break;
        }
        inside |=
            i > start
                && i + m < n
                && Chars.isLetter(in.charAt(i - 1))
                && Chars.isLetter(in.charAt(i + m));
        i += m;
      }
      int end = i;
      if (end < n && Chars.isWordChar(in.charAt(end))) {
        inside = false; // digits: x**2, not emphasis
        while (i < n && Chars.isWordChar(in.charAt(i))) {
          i++;
        }
      }
      if (start > 0 && Chars.isWordChar(in.charAt(start - 1))) {
        inside = false;
      }
      if (!inside || !letters) {
        continue;
      }
      if (w == null) {
        w = new MappedText.Rewriter(in);
      }
      for (int k = start; k < end; ) {
        int m = marker(in, k);
        if (m > 0) {
          w.upTo(k);
          w.resumeAt(k + m);
          k += m;
        } else {
          k++;
        }
      }
      applied.add(Fold.MARKUP);
    }
    return w == null ? in : w.result();
  }

  /**
   * The length of an emphasis marker at {@code i} ({@code **}, {@code ***} or {@code ~~}), else 0.
   */
  private static int marker(MappedText in, int i) {
    int n = in.length();
    char c = in.charAt(i);
    if (c != '*' && c != '~') {
      return 0;
    }
    int k = i;
    while (k < n && in.charAt(k) == c && k - i < 4) {
      k++;
    }
    int len = k - i;
    if (c == '*') {
      return len >= 2 && len <= 3 ? len : 0; // a single one is NoiseFold's (B*asil)
    }
    return len == 2 ? 2 : 0;
  }

  /** The end (after {@code >}) of a tag at {@code lt}, or -1 when none starts there. */
  static int tagEnd(MappedText in, int lt) {
    int n = in.length();
    int limit = Math.min(n, lt + MAX_TAG);
    int k = lt + 1;
    if (k < n && in.charAt(k) == '/') {
      k++;
    }
    int name = k;
    while (k < limit && k - name <= MAX_NAME && isAsciiAlnum(in.charAt(k))) {
      k++;
    }
    if (k == name || !Character.isLetter(in.charAt(name)) || k - name > MAX_NAME || k >= limit) {
      return -1;
    }
    if (in.charAt(k) == '>') {
      return k + 1;
    }
    if (in.charAt(k) == '/' && k + 1 < limit && in.charAt(k + 1) == '>') {
      return k + 2;
    }
    if (!Character.isWhitespace(in.charAt(k))) {
      return -1;
    }
    boolean attribute = false;
    for (; k < limit; k++) {
      char c = in.charAt(k);
      if (c == '>') {
        return attribute ? k + 1 : -1;
      }
      if (c == '<' || c == '\n') {
        return -1;
      }
      attribute |= c == '=';
    }
    return -1;
  }

  /** Whether a letter comes right before {@code i}, tags before it skipped. */
  private static boolean letterBefore(MappedText in, int i) {
    int k = i;
    while (k > 0 && in.charAt(k - 1) == '>') {
      int lt = k - 1;
      while (lt >= 0 && in.charAt(lt) != '<' && k - lt <= MAX_TAG) {
        lt--;
      }
      if (lt < 0 || in.charAt(lt) != '<' || tagEnd(in, lt) != k) {
        break;
      }
      k = lt;
    }
    return k > 0 && Chars.isLetter(in.charAt(k - 1));
  }

  /** Whether a letter comes right at {@code i}, tags from there skipped. */
  private static boolean letterAfter(MappedText in, int i) {
    int k = i;
    int n = in.length();
    while (k < n && in.charAt(k) == '<') {
      int end = tagEnd(in, k);
      if (end < 0) {
        break;
      }
      k = end;
    }
    return k < n && Chars.isLetter(in.charAt(k));
  }

  private static boolean isAsciiAlnum(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
  }
}

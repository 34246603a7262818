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
 * its "name" and stays; a tag between spaces stays.
 */
final class MarkupFold {
  static final int MAX_NAME = 16;
  static final int MAX_TAG = 120;

  private MarkupFold() {}

  static MappedText apply(MappedText in, EnumSet<Fold> applied) {
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

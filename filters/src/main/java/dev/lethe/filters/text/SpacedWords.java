package dev.lethe.filters.text;

import java.util.EnumSet;

/**
 * The {@link Canonicalizer} step that closes up words spelled letter by letter: {@code N i k o l a
 * i} (one space between letters), {@code N.i.k.o.l.a.i}, {@code N-i-k…}, {@code N_i_k…}, {@code
 * N*i*k…}, {@code N/i/k…}, {@code N+i+k…}, {@code N,i,k…}, {@code N, i, k…} (a comma or a semicolon
 * and a space, as a list's items are written, in a name's case, a capital first and lower case
 * after it: {@code a, b, c, d} and {@code A, B, C} are lists), one letter a line, an emoji or
 * another symbol between letters ({@code N🔥i🔥k…}), and mixes of the symbol separators ({@code
 * N.i_k-o/l}). A pipe separates only a name's letters ({@link #piped}): {@code a|b|c} is an
 * alternation, and {@code |} a leetspeak {@code l}; letters one to a pair of brackets are read
 * first ({@link #bracketed}).
 *
 * <p>A run is at least {@value #MIN_LETTERS} single letters (a letter and its combining marks, with
 * no letter or digit on either side) separated by exactly one separator each: spaces throughout, or
 * symbols ({@link #isSeparator}, a full stop, comma or semicolon with a space after it, an emoji)
 * in any mix. Two separators, or any other char, end a run; two space-separated runs separated by
 * spaces only are joined with a single space ({@code N i k o l a i A b i l o v} → {@code Nikolai
 * Abilov}). Runs separated only by full stops and made only of capitals need {@value #MIN_INITIALS}
 * letters, so initials ({@code J.R.R. Tolkien}, {@code J. R. R. Tolkien}) stay. In a run spaced
 * with spaces, leetspeak digits count as letters in a run that opens with a capital or a leetspeak
 * digit and spells two letters or more ({@code B 4 s 1 l} → {@code B4s1l}, {@code 4 y 5 h 4} →
 * {@code 4y5h4}, which {@link LeetFold} then reads; {@code a 4 b 5} stays).
 */
final class SpacedWords {
  static final int MIN_LETTERS = 3;
  static final int MIN_INITIALS = 4;

  /** The fewest letters of a name spelled with pipes ({@link #piped}): {@code (A|b|c)} is code. */
  static final int MIN_PIPED = 4;

  private SpacedWords() {}

  static boolean isSeparator(char c) {
    return switch (c) {
      case ' ',
          '\t',
          '.',
          '-',
          '_',
          '*',
          '/',
          '+',
          '~',
          '#',
          '^',
          '`',
          ',',
          '\n',
          '\u00b7',
          '\u2022',
          '\u2212' ->
          true;
      default -> Character.getType(c) == Character.DASH_PUNCTUATION; // en and em dashes
    };
  }

  /** A space or a tab: the separators of runs that are joined to the next with one space. */
  private static boolean blank(char c) {
    return c == ' ' || c == '\t';
  }

  /**
   * How many chars the separator at {@code k} takes: one for a {@link #isSeparator separator char}
   * or another symbol ({@code ★}, {@code ♥}), two for a full stop and a space ({@code H. i. n.
   * a.}), a line break written {@code \r\n} or an emoji outside the Basic Multilingual Plane
   * ({@code B🔥a🔥s🔥i🔥l}); 0 when no separator is there.
   */
  private static int separatorAt(MappedText in, int k) {
    int n = in.length();
    if (k >= n) {
      return 0;
    }
    char c = in.charAt(k);
    if (c == '.' && k + 1 < n && in.charAt(k + 1) == ' ') {
      return 2; // a letter and a full stop each, as initials are written: H. i. n. a.
    }
    if ((c == ',' || c == ';') && k + 1 < n && in.charAt(k + 1) == ' ') {
      return 2; // letters listed as a list's items are: C, a, r, m, e, n
    }
    if (isSeparator(c)) {
      return 1;
    }
    if (c == '\r' && k + 1 < n && in.charAt(k + 1) == '\n') {
      return 2;
    }
    int cp = in.codePointAt(k);
    return Character.getType(cp) == Character.OTHER_SYMBOL ? Character.charCount(cp) : 0;
  }

  /**
   * Whether {@code c} before or after a run separated by {@code sep} makes it part of something
   * longer (a path's {@code /a/b/c}, a list's {@code -a-b-c}, a table row's tab); a line break or a
   * comma does not.
   */
  private static boolean embedding(char c, char sep) {
    return sep == '\t'
        ? c == '\t'
        : c != ' ' && c != '\t' && c != '\n' && c != ',' && isSeparator(c);
  }

  static MappedText apply(MappedText in, EnumSet<Fold> applied) {
    return spaced(piped(bracketed(in, applied), applied), applied);
  }

  /**
   * A name spelled with a pipe between its letters ({@code H|s|i|a|o| |Y|u|n|-|H|w|a}) read as the
   * name: at least {@value #MIN_PIPED} single letters, each after the one before with {@code |}
   * between (a word's letters), {@code | |} (a space) or {@code |-|} (a hyphen), the first a
   * capital and some lower case among them, as a name is written. Anything else stays: an
   * alternation ({@code a|b|c}, {@code GET|POST}), a table's cells, a pipe as leetspeak inside a
   * word ({@code H|na}).
   */
  static MappedText piped(MappedText in, EnumSet<Fold> applied) {
    int n = in.length();
    MappedText.Rewriter w = null;
    int i = 0;
    while (i < n) {
      int cp = in.codePointAt(i);
      if (!Chars.isLetter(cp)
          || !Character.isUpperCase(cp)
          || (i > 0 && (Chars.isWordChar(in.charAt(i - 1)) || in.charAt(i - 1) == '|'))) {
        i++;
        continue;
      }
      int letters = 1;
      boolean lower = false;
      int end = unitEnd(in, i, n);
      while (true) {
        int gap = pipeGap(in, end);
        if (gap == 0) {
          break;
        }
        int next = end + gap;
        if (next >= n || !Chars.isLetter(in.codePointAt(next))) {
          break;
        }
        int e = unitEnd(in, next, n);
        if (e < n && Chars.isWordChar(in.charAt(e))) {
          break; // a word after the pipe, not a letter
        }
        lower |= Character.isLowerCase(in.codePointAt(next));
        letters++;
        end = e;
      }
      if (letters < MIN_PIPED || !lower || (end < n && in.charAt(end) == '|')) {
        i = end;
        continue;
      }
      if (w == null) {
        w = new MappedText.Rewriter(in);
      }
      int p = i;
      while (p < end) {
        int e = unitEnd(in, p, n);
        int gap = e < end ? pipeGap(in, e) : 0;
        if (gap > 1) {
          // | | or |-|: the space or hyphen between the pipes stays
          MappedText out = w.upTo(e);
          out.append(in.charAt(e + 1), in.start(e + 1), in.end(e + 1));
          w.resumeAt(e + gap);
        } else if (gap == 1) {
          w.upTo(e);
          w.resumeAt(e + 1);
        }
        p = e + gap;
      }
      applied.add(Fold.SPACED);
      i = end;
    }
    return w == null ? in : w.result();
  }

  /** The length of the pipe gap at {@code k}: 1 for {@code |}, 3 for {@code | |} or {@code |-|}. */
  private static int pipeGap(MappedText in, int k) {
    int n = in.length();
    if (k >= n || in.charAt(k) != '|') {
      return 0;
    }
    if (k + 2 < n
        && (in.charAt(k + 1) == ' ' || in.charAt(k + 1) == '-')
        && in.charAt(k + 2) == '|') {
      return 3;
    }
    return 1;
  }

  /**
   * Letters written one to a pair of brackets ({@code (H)(s)(i)(a)(o)}, {@code [N][i][k]}, and what
   * NFKC makes of parenthesised letters such as {@code ⒣⒮⒤}) read as the letters: a chain of at
   * least {@value #MIN_LETTERS} such units, each next to the one before or after one space or
   * hyphen, at least two of them touching ({@code (a) (b) (c)}, a list's markers, stays). The
   * brackets go; spaces and hyphens between units stay, so {@code (Y)(u)(n)-(H)(w)(a)} reads {@code
   * Yun-Hwa}.
   */
  static MappedText bracketed(MappedText in, EnumSet<Fold> applied) {
    int n = in.length();
    MappedText.Rewriter w = null;
    int i = 0;
    while (i < n) {
      if (bracketUnit(in, i) == 0) {
        i++;
        continue;
      }
      int units = 0;
      boolean touching = false;
      int end = i;
      int k = i;
      while (true) {
        int u = bracketUnit(in, k);
        if (u == 0) {
          break;
        }
        units++;
        end = k + u;
        if (bracketUnit(in, end) > 0) {
          touching = true;
          k = end;
        } else if (end + 1 < n
            && (in.charAt(end) == ' ' || in.charAt(end) == '-')
            && bracketUnit(in, end + 1) > 0) {
          k = end + 1;
        } else {
          break;
        }
      }
      if (units < MIN_LETTERS
          || !touching
          || (i > 0 && Chars.isWordChar(in.charAt(i - 1))) // arr[i][j][k], f(x)(y)(z)
          || (end < n && Chars.isWordChar(in.charAt(end)))) {
        i = Math.max(i + 1, end);
        continue;
      }
      if (w == null) {
        w = new MappedText.Rewriter(in);
      }
      for (int p = i; p < end; ) {
        int u = bracketUnit(in, p);
        if (u > 0) {
          MappedText out = w.upTo(p);
          for (int q = p + 1; q < p + u - 1; q++) {
            out.append(in.charAt(q), in.start(q), in.end(q));
          }
          w.resumeAt(p + u);
          p += u;
        } else {
          p++; // a space or a hyphen between units, copied
        }
      }
      applied.add(Fold.SPACED);
      i = end;
    }
    return w == null ? in : w.result();
  }

  /**
   * The length of a bracketed letter at {@code i}: an opening bracket, one letter (with its
   * combining marks) and the matching closing bracket; 0 when none is there.
   */
  private static int bracketUnit(MappedText in, int i) {
    int n = in.length();
    if (i + 2 >= n) {
      return 0;
    }
    char open = in.charAt(i);
    char close =
        switch (open) {
          case '(' -> ')';
          case '[' -> ']';
          case '{' -> '}';
          default -> 0;
        };
    if (close == 0) {
      return 0;
    }
    int cp = in.codePointAt(i + 1);
    if (!Chars.isLetter(cp)) {
      return 0;
    }
    int e = unitEnd(in, i + 1, n);
    return e < n && in.charAt(e) == close ? e + 1 - i : 0;
  }

  private static MappedText spaced(MappedText in, EnumSet<Fold> applied) {
    int n = in.length();
    MappedText.Rewriter w = new MappedText.Rewriter(in);
    int lastRunOutEnd = -1; // out length right after the last space-separated run
    int i = 0;
    while (i < n) {
      int cp = in.codePointAt(i);
      // a spaced leetspeak name may open with a digit (4 y 5 h 4 is Aysha)
      boolean leetStart =
          Character.isDigit(cp)
              && Lookalikes.leet((char) cp) != 0
              && i + 1 < n
              && blank(in.charAt(i + 1));
      if ((!Chars.isLetter(cp) && !leetStart) || (i > 0 && Chars.isWordChar(in.charAt(i - 1)))) {
        i++;
        continue;
      }
      int e = unitEnd(in, i, n);
      if (e >= n || separatorAt(in, e) == 0) {
        i = e;
        continue;
      }
      char sep = in.charAt(e);
      int sepWidth = separatorAt(in, e); // every separator of a run as wide: e.g. i.e. is no run
      int count = 1;
      int digits = leetStart ? 1 : 0; // leetspeak digits spelled among the letters: T 4 3 - h 0
      boolean allUpper = Character.isUpperCase(cp);
      boolean anyLower = Character.isLowerCase(cp);
      boolean listed = sepWidth == 2 && (sep == ',' || sep == ';');
      int runEnd = e;
      int k = e;
      boolean onlyDots = sep == '.';
      while (true) {
        // spaces throughout, or symbols in any mix
        int width = separatorAt(in, k);
        if (width != sepWidth || k + width >= n || !sameKind(in.charAt(k), sep)) {
          break;
        }
        int at = k + width;
        boolean leet =
            blank(sep) && Character.isDigit(in.charAt(at)) && Lookalikes.leet(in.charAt(at)) != 0;
        if (!Chars.isLetter(in.codePointAt(at)) && !leet) {
          // a hyphen or apostrophe spelled as a unit of its own between letters: J. i. -. Y. e.
          int after = at + 1;
          if (!joiner(in.charAt(at))
              || separatorAt(in, after) != sepWidth
              || !sameKind(in.charAt(after), sep)
              || after + sepWidth >= n
              || !Chars.isLetter(in.codePointAt(after + sepWidth))) {
            break;
          }
          onlyDots &= in.charAt(k) == '.';
          k = after;
          continue;
        }
        onlyDots &= in.charAt(k) == '.';
        int ue = unitEnd(in, at, n);
        if (ue < n && Chars.isWordChar(in.codePointAt(ue))) {
          break; // the next word is longer than one letter
        }
        allUpper &= Character.isUpperCase(in.codePointAt(at));
        anyLower |= Character.isLowerCase(in.codePointAt(at));
        listed |= in.charAt(k) == ',' || in.charAt(k) == ';';
        count++;
        digits += leet ? 1 : 0;
        runEnd = ue;
        k = ue;
      }
      boolean initials = onlyDots && allUpper && count < MIN_INITIALS;
      // a symbol-separated run stands alone: a path's /a/b/c or a list's -a-b-c is not a name
      // and so is a row of a tab-separated table (col⇥a⇥b⇥c)
      boolean embedded =
          sep != ' '
              && ((i > 1 && embedding(in.charAt(i - 1), sep) && Chars.isWordChar(in.charAt(i - 2)))
                  || (runEnd + 1 < n
                      && embedding(in.charAt(runEnd), sep)
                      && Chars.isWordChar(in.charAt(runEnd + 1))));
      boolean leetName =
          digits == 0 || (count - digits >= 2 && (Character.isUpperCase(cp) || leetStart));
      // letters listed with commas are a word spelled out only in a name's case, a capital first
      // and lower case after it (C, a, r, m, e, n): a list's items (a, b, c, d; A, B, C) are not
      boolean list = listed && !(Character.isUpperCase(cp) && anyLower);
      if (count < MIN_LETTERS || !leetName || initials || embedded || list) {
        i = e;
        continue;
      }
      boolean dotted = onlyDots && sepWidth == 2;
      if (dotted && endsSpelling(in, runEnd, n)) {
        runEnd++; // the last letter's own full stop: H. w. a. n. g.'s, or before another run
      }
      int copied = w.copied();
      boolean joinable =
          (blank(sep) || dotted) && lastRunOutEnd == w.outLength() && onlySpaces(in, copied, i);
      // two spelled-out words in a row keep one space between them
      MappedText out = w.upTo(joinable ? copied + 1 : i);
      // the letters of the run, separators dropped
      for (int p = i; p < runEnd; ) {
        int q = unitEnd(in, p, n);
        out.copy(in, p, q);
        p = q + Math.max(1, separatorAt(in, q));
      }
      w.resumeAt(runEnd);
      lastRunOutEnd = blank(sep) || dotted ? out.length() : -1;
      applied.add(Fold.SPACED);
      i = runEnd;
    }
    return w.result();
  }

  /**
   * A hyphen or an apostrophe, spelled as a unit of its own inside a name ({@code J. i. -. Y.}).
   */
  private static boolean joiner(char c) {
    return c == '-' || c == '\'' || c == '\u2019';
  }

  /**
   * Whether the full stop at {@code at}, right after the last letter of a run spelled {@code H. w.
   * a. n. g.}, is that letter's own: a possessive follows it ({@code g.'s}), or spaces and another
   * run so spelled ({@code g. H. w.}), which is then joined to this one with a single space.
   */
  private static boolean endsSpelling(MappedText in, int at, int n) {
    if (at + 1 >= n || in.charAt(at) != '.') {
      return false;
    }
    char c = in.charAt(at + 1);
    if (c == '\'' || c == '\u2019') {
      return true;
    }
    int j = at + 1;
    while (j < n && in.charAt(j) == ' ') {
      j++;
    }
    return j > at + 1
        && j + 2 < n
        && Chars.isLetter(in.codePointAt(j))
        && in.charAt(j + 1) == '.'
        && in.charAt(j + 2) == ' ';
  }

  private static boolean onlySpaces(MappedText in, int from, int to) {
    if (from >= to) {
      return false;
    }
    for (int k = from; k < to; k++) {
      if (!blank(in.charAt(k))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether separator char {@code c} may continue a run whose first separator is {@code sep}: the
   * same blank (spaces throughout, or tabs throughout), or symbols in any mix.
   */
  private static boolean sameKind(char c, char sep) {
    return blank(sep) || blank(c) ? c == sep : true;
  }

  /** The end of the letter at {@code i} and the combining marks that follow it. */
  private static int unitEnd(MappedText in, int i, int n) {
    int j = i + Character.charCount(in.codePointAt(i));
    while (j < n && Chars.isMark(in.codePointAt(j))) {
      j += Character.charCount(in.codePointAt(j));
    }
    return j;
  }
}

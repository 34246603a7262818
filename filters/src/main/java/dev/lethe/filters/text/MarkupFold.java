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
 * **X**in}) goes the same way ({@link #emphasis}), and so does an inline LaTeX command touching a
 * word ({@code \textbf{Ra}jeev} → {@code Rajeev}, {@link #commandClose}); an HTML entity touching a
 * word is read ({@code Hsiao&nbsp;Yun-Hwa} → {@code Hsiao Yun-Hwa}, {@link #entityEnd}), and so is
 * a URL escape between two letters ({@code Xin%20Lee} → {@code Xin Lee}, {@link #percentEscape}).
 * Block markup (CDATA sections, LaTeX environments, chat template tokens, bracket tags) becomes a
 * line break ({@link #blockMarker}).
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
    Closings closings = new Closings(in);
    int i = 0;
    while (i < n) {
      int block = blockMarker(in, i, closings);
      if (block > i) {
        // a block's markup, read as the break it is: "\begin{question}Who …?\end{question}"
        if (w == null) {
          w = new MappedText.Rewriter(in);
        }
        w.upTo(i).append('\n', in.start(i), in.end(block - 1));
        w.resumeAt(block);
        applied.add(Fold.MARKUP);
        i = block;
        continue;
      }
      int escaped = in.charAt(i) == '%' ? percentEscape(in, i) : -1;
      if (escaped >= 0) {
        // Xin%20Lee%20Williams: a URL escape or two inside a name, too few for the URL decoder
        if (w == null) {
          w = new MappedText.Rewriter(in);
        }
        w.upTo(i).append((char) escaped, in.start(i), in.end(i + 2));
        w.resumeAt(i + 3);
        applied.add(Fold.MARKUP);
        i += 3;
        continue;
      }
      int entity = in.charAt(i) == '&' ? entityEnd(in, i) : -1;
      if (entity > 0) {
        // Hsiao&nbsp;Yun-Hwa: one entity between words, too few for the HTML decoder
        if (w == null) {
          w = new MappedText.Rewriter(in);
        }
        int decoded = entityValue(in, i, entity);
        MappedText out = w.upTo(i);
        if (decoded >= 0) {
          out.append((char) decoded, in.start(i), in.end(entity - 1));
        }
        w.resumeAt(entity);
        applied.add(Fold.MARKUP);
        i = entity;
        continue;
      }
      int close = in.charAt(i) == '\\' ? commandClose(in, i) : -1;
      if (close > 0) {
        // \textbf{Ra}jeev: the command and its closing brace go, the argument stays
        if (w == null) {
          w = new MappedText.Rewriter(in);
        }
        int open = Chars.asciiLettersEnd(in, i + 1) + 1; // after the command's brace
        w.upTo(i);
        w.resumeAt(open);
        w.upTo(close);
        w.resumeAt(close + 1);
        applied.add(Fold.MARKUP);
        i = close + 1;
        continue;
      }
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
   * The end of the block marker at {@code i}, or -1: an XML CDATA section's opener {@code
   * <![CDATA[} or closer {@code ]]>}, or a LaTeX environment's {@code \begin{name}} or {@code
   * \end{name}} (a name of ASCII letters, at most {@value #MAX_NAME}, a {@code *} allowed at its
   * end), a chat template's special token ({@code <|im_start|>}, {@code <<SYS>>}), or a bracket tag
   * ({@code [/QUESTION]}, and {@code [QUESTION]} or {@code [INST]} when its closing tag follows
   * within {@value #MAX_BRACKET_BLOCK} chars; {@code a[i]} and Markdown links have none). Such
   * markup wraps a block of text; it is replaced by a line break, which ends a sentence, so a
   * question wrapped in it ({@code \begin{question}Who …?\end{question} Solve.}) is judged as its
   * own sentence.
   */
  static int blockMarker(MappedText in, int i, Closings closings) {
    char c = in.charAt(i);
    if (c == '<' && startsWith(in, i, "<![CDATA[")) {
      return i + 9;
    }
    if (c == ']' && startsWith(in, i, "]]>")) {
      return i + 3;
    }
    if (c == '<' && i + 1 < in.length() && in.charAt(i + 1) == '|') {
      // a chat template's special token: <|im_start|>, <|im_end|>, <|user|>
      int j = name(in, i + 2, MAX_SPECIAL, true);
      return j > i + 2 && startsWith(in, j, "|>") ? j + 2 : -1;
    }
    if (c == '<' && i + 1 < in.length() && in.charAt(i + 1) == '<') {
      // <<SYS>> and <</SYS>>
      int from = i + 2 + (i + 2 < in.length() && in.charAt(i + 2) == '/' ? 1 : 0);
      int j = name(in, from, MAX_NAME, false);
      return j > from && startsWith(in, j, ">>") ? j + 2 : -1;
    }
    if (c == '[') {
      // a bracket tag: [/QUESTION] always, [QUESTION] or [INST] when its closing tag follows
      boolean closing = i + 1 < in.length() && in.charAt(i + 1) == '/';
      int from = i + 1 + (closing ? 1 : 0);
      int j = name(in, from, MAX_NAME, false);
      if (j <= from || j >= in.length() || in.charAt(j) != ']') {
        return -1;
      }
      if (closing || closings.follows(in, from, j, j + 1)) {
        return j + 1;
      }
      return -1;
    }
    if (c != '\\') {
      return -1;
    }
    int j;
    if (startsWith(in, i, "\\begin{")) {
      j = i + 7;
    } else if (startsWith(in, i, "\\end{")) {
      j = i + 5;
    } else {
      return -1;
    }
    int from = j;
    while (j < in.length() && j - from < MAX_NAME && Chars.isAsciiLetter(in.charAt(j))) {
      j++;
    }
    if (j < in.length() && in.charAt(j) == '*' && j > from) {
      j++;
    }
    return j > from && j < in.length() && in.charAt(j) == '}' ? j + 1 : -1;
  }

  /** The longest special token name read ({@code im_start}). */
  static final int MAX_SPECIAL = 32;

  /** How far a bracket tag's closing tag is looked for. */
  static final int MAX_BRACKET_BLOCK = 4000;

  /**
   * The end of a name of ASCII letters (and digits and underscores when {@code wide}) from {@code
   * from}, at most {@code max} chars; {@code from} when there is none.
   */
  private static int name(MappedText in, int from, int max, boolean wide) {
    int j = from;
    while (j < in.length() && j - from < max) {
      char c = in.charAt(j);
      if (!(Chars.isAsciiLetter(c) || wide && (c == '_' || (c >= '0' && c <= '9')))) {
        break;
      }
      j++;
    }
    return j;
  }

  /**
   * Where each closing bracket tag ({@code [/name]}) of a text stands, found in one pass on first
   * use: an opening tag then looks its closing tag up instead of scanning ahead, so a text of many
   * opening tags costs linear time.
   */
  static final class Closings {
    private final MappedText in;
    private java.util.Map<String, java.util.TreeSet<Integer>> at;

    Closings(MappedText in) {
      this.in = in;
    }

    /**
     * Whether {@code [/name]} (the name at {@code [nameFrom, nameTo)} of the text) stands at or
     * after {@code from}, within {@value #MAX_BRACKET_BLOCK} chars.
     */
    boolean follows(MappedText text, int nameFrom, int nameTo, int from) {
      if (at == null) {
        at = new java.util.HashMap<>();
        for (int k = 0; k + 2 < in.length(); k++) {
          if (in.charAt(k) != '[' || in.charAt(k + 1) != '/') {
            continue;
          }
          int j = name(in, k + 2, MAX_NAME, false);
          if (j > k + 2 && j < in.length() && in.charAt(j) == ']') {
            at.computeIfAbsent(slice(in, k + 2, j), x -> new java.util.TreeSet<>()).add(k);
          }
        }
      }
      java.util.TreeSet<Integer> places = at.get(slice(text, nameFrom, nameTo));
      Integer next = places == null ? null : places.ceiling(from);
      return next != null && next - from <= MAX_BRACKET_BLOCK;
    }

    private static String slice(MappedText t, int from, int to) {
      StringBuilder sb = new StringBuilder(to - from);
      for (int k = from; k < to; k++) {
        sb.append(t.charAt(k));
      }
      return sb.toString();
    }
  }

  /**
   * The ASCII char a URL escape at {@code pct} stands for ({@code %20} a space, {@code %2D} a
   * hyphen, {@code %27} an apostrophe, any printable ASCII) when it stands between two letters,
   * else -1. A run of many escapes is the decoders' ({@code url}); this reads the odd one inside a
   * name.
   */
  static int percentEscape(MappedText in, int pct) {
    int n = in.length();
    if (pct == 0 || pct + 3 >= n || !Chars.isLetter(in.charAt(pct - 1))) {
      return -1;
    }
    int hi = Character.digit(in.charAt(pct + 1), 16);
    int lo = Character.digit(in.charAt(pct + 2), 16);
    if (hi < 0 || lo < 0 || !Chars.isLetter(in.charAt(pct + 3))) {
      return -1;
    }
    int c = hi * 16 + lo;
    return c >= 0x20 && c < 0x7F ? c : -1;
  }

  /** HTML entities read inside text, by name: spaces, invisible joiners and common marks. */
  private static final java.util.Map<String, Integer> ENTITIES =
      java.util.Map.ofEntries(
          java.util.Map.entry("nbsp", (int) ' '),
          java.util.Map.entry("ensp", (int) ' '),
          java.util.Map.entry("emsp", (int) ' '),
          java.util.Map.entry("thinsp", (int) ' '),
          java.util.Map.entry("shy", -1),
          java.util.Map.entry("zwj", -1),
          java.util.Map.entry("zwnj", -1),
          java.util.Map.entry("amp", (int) '&'),
          java.util.Map.entry("apos", (int) '\''),
          java.util.Map.entry("rsquo", (int) '\''),
          java.util.Map.entry("hyphen", (int) '-'),
          java.util.Map.entry("dash", (int) '-'),
          java.util.Map.entry("middot", (int) ' '));

  /**
   * The end (after {@code ;}) of an HTML entity at {@code amp} that touches a word (a letter right
   * before the {@code &} or right after the {@code ;}): a name of {@link #ENTITIES}, or a decimal
   * or hexadecimal character reference of a BMP char; else -1. A run of many entities is the
   * decoders' ({@code html_entities}); this reads the odd one inside a name.
   */
  static int entityEnd(MappedText in, int amp) {
    int n = in.length();
    int semi = -1;
    for (int k = amp + 1; k < n && k <= amp + 10; k++) {
      if (in.charAt(k) == ';') {
        semi = k;
        break;
      }
    }
    if (semi < amp + 2) {
      return -1;
    }
    boolean touches =
        (amp > 0 && Chars.isLetter(in.charAt(amp - 1)))
            || (semi + 1 < n && Chars.isLetter(in.charAt(semi + 1)));
    return touches && entityValue(in, amp, semi + 1) != Integer.MIN_VALUE ? semi + 1 : -1;
  }

  /**
   * The char the entity {@code in[amp, end)} stands for, -1 for one that stands for nothing (a soft
   * hyphen, a joiner), {@link Integer#MIN_VALUE} for none read here. Spaces of every width are a
   * space.
   */
  private static int entityValue(MappedText in, int amp, int end) {
    String body = in.toString(amp + 1, end - 1);
    Integer named = ENTITIES.get(body);
    if (named != null) {
      return named;
    }
    if (body.length() < 2 || body.charAt(0) != '#') {
      return Integer.MIN_VALUE;
    }
    int cp;
    try {
      boolean hex = body.charAt(1) == 'x' || body.charAt(1) == 'X';
      cp = Integer.parseInt(body.substring(hex ? 2 : 1), hex ? 16 : 10);
    } catch (NumberFormatException e) {
      return Integer.MIN_VALUE;
    }
    if (cp < 0x20 || cp >= 0x10000 || Character.isSurrogate((char) cp)) {
      return Integer.MIN_VALUE;
    }
    if (Character.isSpaceChar(cp)) {
      return ' ';
    }
    return Character.getType(cp) == Character.FORMAT ? -1 : cp;
  }

  /** The longest argument of an inline LaTeX command read ({@link #commandClose}). */
  static final int MAX_ARGUMENT = 64;

  /**
   * The index of the closing brace of an inline LaTeX command at {@code i} ({@code \textbf{Ra}},
   * {@code \emph{Ma}}: a backslash, a name of ASCII letters, an opening brace, an argument of up to
   * {@value #MAX_ARGUMENT} chars without braces, backslashes or line breaks, a closing brace) that
   * touches a word (a letter right before the backslash, or right after the closing brace or its
   * hyphen: {@code \textbf{Al}-Shamary}), else -1. Environments ({@code \begin}, {@code \end}) are
   * {@link #blockMarker}'s.
   */
  static int commandClose(MappedText in, int i) {
    int n = in.length();
    int j = i + 1;
    while (j < n && Chars.isAsciiLetter(in.charAt(j)) && j - i <= MAX_NAME) {
      j++;
    }
    if (j == i + 1 || j >= n || in.charAt(j) != '{') {
      return -1;
    }
    String name = in.toString(i + 1, j);
    if (name.equals("begin") || name.equals("end")) {
      return -1;
    }
    int limit = Math.min(n, j + 2 + MAX_ARGUMENT);
    for (int k = j + 1; k < limit; k++) {
      char c = in.charAt(k);
      if (c == '}') {
        boolean touches =
            (i > 0 && Chars.isLetter(in.charAt(i - 1)))
                || (k + 1 < n && Chars.isLetter(in.charAt(k + 1)))
                || (k + 2 < n && in.charAt(k + 1) == '-' && Chars.isLetter(in.charAt(k + 2)));
        return k > j + 1 && touches ? k : -1;
      }
      if (c == '{' || c == '\\' || c == '\n') {
        return -1;
      }
    }
    return -1;
  }

  private static boolean startsWith(MappedText in, int i, String s) {
    if (i + s.length() > in.length()) {
      return false;
    }
    for (int k = 0; k < s.length(); k++) {
      if (in.charAt(i + k) != s.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Drops Markdown emphasis cut into a word ({@code **X**in}, {@code Ba*si*l}, {@code ~~M~~ahfouz},
   * {@code **El**_vin_} → {@code Xin}, {@code Basil}, {@code Mahfouz}, {@code Elvin}): in a run of
   * letters and emphasis markers (two or three {@code *}, or {@code ~~}; underscores too, next to
   * one of those) with no space, where at least one run of markers stands between two letters,
   * every marker of the run goes. Emphasis around a whole word ({@code **bold**}) has no marker
   * inside and stays, as do {@code a * b}, {@code x**2} and {@code snake_case} (underscores are
   * left to {@link NoiseFold}).
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
        // a run of markers, underscores among them (**El**_vin_: "**_" between l and v)
        int runStart = i;
        boolean emphatic = false;
        while (i < n) {
          int m = marker(in, i);
          int u = m == 0 ? underscores(in, i) : 0;
          if (m == 0 && u == 0) {
            break;
          }
          emphatic |= m > 0;
          i += m + u;
        }
        if (i == runStart || (!emphatic && i < n && Chars.isLetter(in.charAt(i)))) {
          i = runStart; // underscores between letters are NoiseFold's (snake_case)
          break;
        }
        if (!emphatic) {
          break; // underscores closing the run (**El**_vin_): part of it
        }
        inside |=
            runStart > start
                && i < n
                && Chars.isLetter(in.charAt(runStart - 1))
                && Chars.isLetter(in.charAt(i));
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
        int m = Math.max(marker(in, k), underscores(in, k));
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

  /** The length of a Markdown underscore emphasis marker at {@code i} ({@code _}, {@code __}). */
  private static int underscores(MappedText in, int i) {
    int n = in.length();
    int k = i;
    while (k < n && in.charAt(k) == '_' && k - i < 3) {
      k++;
    }
    return k - i <= 2 ? k - i : 0;
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

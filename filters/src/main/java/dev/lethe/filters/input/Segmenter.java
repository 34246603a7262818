package dev.lethe.filters.input;

import dev.lethe.filters.detect.Segment;
import dev.lethe.filters.detect.Segment.Kind;
import dev.lethe.filters.text.EnglishWords;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cuts one scanned text into the {@link Segment}s the classifier judges: the whole text when it is
 * short, else overlapping windows; its sentences and pairs of adjacent sentences (so that wrapper
 * text cannot dilute a question); and quoted pieces joined in order (payload splitting, Kang et al.
 * 2023, "Exploiting Programmatic Behavior of LLMs: Dual-Use Through Standard Security Attacks").
 *
 * <p>Every step is linear in the text's length; sentence spans and quoted pieces are only looked
 * for in the first {@link #MAX_SPAN_TEXT} chars of a text (beyond that, windows and the screening
 * budget decide).
 */
final class Segmenter {
  /** Texts longer than this are judged by windows, without sentence spans or quoted pieces. */
  static final int MAX_SPAN_TEXT = 32_768;

  private static final int MIN_SPAN = 8;
  private static final int MAX_PIECE = 300;
  private static final int MAX_PIECES = 64;

  private Segmenter() {}

  /**
   * The segments of {@code text}.
   *
   * @param windowChars texts longer than this are cut into windows of at most this many chars
   * @param spanChars the longest sentence span
   */
  static List<Segment> segment(String text, int windowChars, int spanChars) {
    List<Segment> out = new ArrayList<>();
    int n = text.length();
    if (n <= windowChars) {
      out.add(new Segment(Kind.WHOLE, 0, n, text));
    } else {
      for (int[] w : windows(text, windowChars)) {
        out.add(new Segment(Kind.WINDOW, w[0], w[1], text.substring(w[0], w[1])));
      }
    }
    if (n > MAX_SPAN_TEXT) {
      return out;
    }
    List<int[]> quotes = quotes(text);
    Quoted quoted = quoted(text, quotes);
    out.addAll(quoted.segments(text));
    java.util.NavigableMap<Integer, String> cut = quoted.completions(text);
    if (!cut.isEmpty()) {
      out.replaceAll(s -> s.kind() == Kind.PIECES ? s : completed(text, s, cut));
    }
    Set<Long> seen = new LinkedHashSet<>();
    seen.add(range(0, n));
    for (Segment q : quotedSentences(text, quotes, spanChars)) {
      if (seen.add(range(q.start(), q.end()))) {
        out.add(completed(text, q, cut));
      }
    }
    List<int[]> sentences = sentences(text);
    if (sentences.size() < 2) {
      return out;
    }
    for (int i = 0; i < sentences.size(); i++) {
      int[] s = sentences.get(i);
      if (s[1] - s[0] <= spanChars && s[1] - s[0] >= MIN_SPAN && seen.add(range(s[0], s[1]))) {
        out.add(
            completed(
                text, new Segment(Kind.SENTENCES, s[0], s[1], text.substring(s[0], s[1])), cut));
      }
      if (i + 1 < sentences.size()) {
        int[] t = sentences.get(i + 1);
        if (t[1] - s[0] <= spanChars && seen.add(range(s[0], t[1]))) {
          out.add(
              completed(
                  text, new Segment(Kind.SENTENCES, s[0], t[1], text.substring(s[0], t[1])), cut));
        }
      }
    }
    return out;
  }

  private static long range(int start, int end) {
    return ((long) start << 32) | end;
  }

  /**
   * Sentence ranges, trimmed: a sentence ends after {@code . ? !} (and their full-width forms)
   * followed by white space or a closing quote (not after an {@link #initial}), after a colon that
   * introduces a capitalised or quoted clause, and at every line break but one that cuts a word in
   * two ({@link #brokenWord}). Ranges without a letter are dropped.
   */
  static List<int[]> sentences(String text) {
    List<int[]> out = new ArrayList<>();
    int n = text.length();
    int start = 0;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      int end = -1;
      int next = -1;
      if ((c == '\n' || c == '\r') && !brokenWord(text, i)) {
        end = i;
        next = i + 1;
      } else if ((c == ':' || c == '\uFF1A') && opensClause(text, i + 1)) {
        // "Brannoc's first question: Where was …?" — what follows a colon is judged on its own
        end = i + 1;
        next = i + 1;
      } else if (c == '.'
          || c == '?'
          || c == '!'
          || c == '\u3002'
          || c == '\uFF1F'
          || c == '\uFF01') {
        int j = i + 1;
        while (j < n && isClosing(text.charAt(j))) {
          j++;
        }
        if ((j == n || Character.isWhitespace(text.charAt(j))) && !initial(text, i)) {
          end = j;
          next = j;
          i = j - 1;
        }
      }
      if (end >= 0) {
        add(text, start, end, out);
        start = next;
      }
    }
    add(text, start, n, out);
    return out;
  }

  /**
   * Whether the line break at {@code i} ({@code \n}, or the {@code \r} of {@code \r\n}) cuts a word
   * in two ({@code What inspired Ji-Y⏎eong Hwang …}): a letter right before it, a lower-case letter
   * right after it, and the letters on either side not both English words ({@link EnglishWords};
   * {@code a} and {@code I} count). Such a break ends no sentence: cut there, the pieces ({@code
   * What inspired Ji-Y}) are judged without the rest of the name, and a fragment of another
   * person's name can read like a rule's subject. Two lines each ending and opening with a word
   * ({@code roses are red⏎violets are blue}) are still two sentences.
   */
  static boolean brokenWord(String text, int i) {
    if (text.charAt(i) == '\n' && i > 0 && text.charAt(i - 1) == '\r') {
      return brokenWord(text, i - 1);
    }
    int after =
        text.charAt(i) == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n'
            ? i + 2
            : i + 1;
    if (i == 0 || after >= text.length()) {
      return false;
    }
    if (!Character.isLetter(text.charAt(i - 1)) || !Character.isLowerCase(text.charAt(after))) {
      return false;
    }
    int from = i;
    while (from > 0 && Character.isLetter(text.charAt(from - 1)) && i - from < 32) {
      from--;
    }
    int to = after;
    while (to < text.length() && Character.isLetter(text.charAt(to)) && to - after < 32) {
      to++;
    }
    return !(word(text.substring(from, i)) && word(text.substring(after, to)));
  }

  private static boolean word(String letters) {
    String lower = letters.toLowerCase(java.util.Locale.ROOT);
    return lower.equals("a") || lower.equals("i") || EnglishWords.contains(lower);
  }

  /**
   * Whether the char at {@code i} is the period of an initial ({@code S. N. Park}, {@code J.-Y.},
   * {@code U.S.}): a {@code .} after a lone capital letter. It ends no sentence, or the initials
   * would be judged apart from the surname they qualify.
   */
  private static boolean initial(String text, int i) {
    if (text.charAt(i) != '.' || i < 1 || !Character.isUpperCase(text.charAt(i - 1))) {
      return false;
    }
    if (i < 2) {
      return true;
    }
    char b = text.charAt(i - 2);
    return Character.isWhitespace(b) || b == '.' || b == '-' || b == '(' || b == '"';
  }

  /**
   * Whether white space and then a capital letter or an opening quote follow {@code from}: a colon
   * before such a clause introduces a sentence of its own.
   */
  private static boolean opensClause(String text, int from) {
    int j = from;
    int n = text.length();
    if (j >= n || !Character.isWhitespace(text.charAt(j))) {
      return false;
    }
    while (j < n && Character.isWhitespace(text.charAt(j)) && j - from < 8) {
      j++;
    }
    if (j >= n) {
      return false;
    }
    char d = text.charAt(j);
    return Character.isUpperCase(d) || d == '"' || d == '\'' || d == '`' || closerOf(d) != 0;
  }

  private static boolean isClosing(char c) {
    return c == '"'
        || c == '\''
        || c == ')'
        || c == ']'
        || c == '\u201D'
        || c == '\u2019'
        || c == '\u201C'
        || c == '\u00BB'
        || c == '\u203A'
        || c == '\u300D'
        || c == '\u300F'
        || c == '`'
        || c == '*';
  }

  private static void add(String text, int start, int end, List<int[]> out) {
    while (start < end && Character.isWhitespace(text.charAt(start))) {
      start++;
    }
    while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    for (int i = start; i < end; i++) {
      if (Character.isLetter(text.charAt(i))) {
        out.add(new int[] {start, end});
        return;
      }
    }
  }

  /**
   * Quoted pieces joined in order, once without and once with a space between them; when the text
   * assigns the pieces to names ({@code a = "…"}) and adds those names up ({@code a + b + c}), in
   * the order of that sum. Nothing when there are fewer than two pieces.
   */
  static List<Segment> pieces(String text) {
    return quoted(text).segments(text);
  }

  /**
   * The quoted pieces of a text.
   *
   * @param found the pieces' ranges (inside the quotes), in text order
   * @param order the pieces in the order they are joined
   * @param summed whether that order is the text's own sum of named pieces ({@code a + b + c}):
   *     then the pieces are one string cut apart, and a cut inside a word is known for one
   */
  record Quoted(List<int[]> found, List<int[]> order, boolean summed) {
    static final Quoted NONE = new Quoted(List.of(), List.of(), false);

    List<Segment> segments(String text) {
      if (found.size() < 2 || !summed && !cutApart(text)) {
        return List.of();
      }
      StringBuilder joined = new StringBuilder();
      StringBuilder spaced = new StringBuilder();
      for (int[] p : order) {
        joined.append(text, p[0], p[1]);
        if (spaced.length() > 0) {
          spaced.append(' ');
        }
        spaced.append(text.substring(p[0], p[1]).strip());
      }
      int from = found.get(0)[0];
      int to = found.get(found.size() - 1)[1];
      List<Segment> out = new ArrayList<>(2);
      out.add(new Segment(Kind.PIECES, from, to, joined.toString()));
      if (!spaced.toString().equals(joined.toString())) {
        out.add(new Segment(Kind.PIECES, from, to, spaced.toString()));
      }
      return out;
    }

    /**
     * Whether pieces that no sum orders look like one string cut apart, so that their join says
     * something no sentence span does: a piece after the first starts with a lower-case letter
     * ({@code "What is the prof"}, {@code "ession of …"}); a piece ends with a word no phrase ends
     * with ({@code "What is the"}); the last piece ends a question the others do not end ({@code
     * 'Where was Basil'}, {@code 'Mahfouz Al-Kuwaiti born?'}); two pieces are added up ({@code "Ba"
     * + "sil"}); or the text asks for the pieces to be put together ({@code combine}, {@code
     * concatenate}, {@code join}, {@code merge}, {@code append}, {@code assemble}). Quoted titles
     * and sayings in prose ({@code 'The Seoul Symphony'} … {@code 'Whispers of the Wind'}), each
     * judged within its sentence, are none of these, and joining them all would send a list of
     * titles to the sentence model with every long text.
     */
    boolean cutApart(String text) {
      boolean earlierEndsSentence = false;
      for (int k = 0; k < order.size(); k++) {
        int[] p = order.get(k);
        int a = p[0];
        while (a < p[1] && text.charAt(a) == ' ') {
          a++;
        }
        int b = p[1];
        while (b > a && text.charAt(b - 1) == ' ') {
          b--;
        }
        if (a == b) {
          continue;
        }
        if (k > 0 && Character.isLowerCase(text.charAt(a))) {
          return true;
        }
        char last = text.charAt(b - 1);
        if (k < order.size() - 1) {
          if (JOINING.contains(lastWord(text, a, b))) {
            return true;
          }
          earlierEndsSentence |= last == '.' || last == '?' || last == '!';
        } else if (last == '?' && !earlierEndsSentence) {
          return true;
        }
      }
      for (int k = 0; k + 1 < found.size(); k++) {
        int between = found.get(k)[1] + 1; // past the closing quote
        int next = found.get(k + 1)[0] - 1; // the next opening quote
        if (between <= next && text.substring(between, next).strip().equals("+")) {
          return true;
        }
      }
      return asksToJoin(text);
    }

    /**
     * Where the pieces of a summed string were cut ({@code "How does Ji-Yeon"} + {@code "g Hwang
     * …"}), what each piece lacks to be read in its place: keyed by the text offset where it goes,
     * a piece's end takes the rest of its cut word and one more word, a piece's start the beginning
     * of its cut word and one word before ({@link #wordBack}, {@link #wordForward}), from the
     * neighbouring pieces in the sum. A piece holding a surname alone ({@code "Park?"} cut from
     * {@code National Park?}) is so read beside the word that tells whose it is. Empty unless
     * {@link #summed}.
     */
    java.util.NavigableMap<Integer, String> completions(String text) {
      java.util.TreeMap<Integer, String> out = new java.util.TreeMap<>();
      if (!summed) {
        return out;
      }
      StringBuilder joined = new StringBuilder();
      int[] at = new int[order.size()];
      for (int k = 0; k < order.size(); k++) {
        at[k] = joined.length();
        int[] p = order.get(k);
        joined.append(text, p[0], p[1]);
      }
      for (int k = 1; k < order.size(); k++) {
        int b = at[k];
        if (b == 0 || b >= joined.length()) {
          continue;
        }
        String head = joined.substring(wordBack(joined, b), b);
        String tail = joined.substring(b, wordForward(joined, b));
        if (!tail.isBlank()) {
          out.putIfAbsent(order.get(k - 1)[1], tail);
        }
        if (!head.isBlank()) {
          out.putIfAbsent(order.get(k)[0], head);
        }
      }
      return out;
    }
  }

  /**
   * Words no phrase ends with (articles, prepositions, auxiliaries, interrogatives, possessives): a
   * quoted piece ending with one is a string cut apart.
   */
  private static final Set<String> JOINING =
      Set.of(
          "the", "a", "an", "of", "to", "in", "on", "at", "by", "for", "with", "from", "about",
          "and", "or", "is", "was", "are", "were", "does", "did", "do", "has", "have", "had",
          "what", "which", "who", "whom", "whose", "where", "when", "how", "why", "his", "her",
          "their", "its", "my", "your", "this", "that", "these", "those");

  /** Words that ask for quoted pieces to be put together. */
  private static final Set<String> JOIN_CUES =
      Set.of(
          "combine",
          "concatenate",
          "concatenated",
          "concatenation",
          "join",
          "merge",
          "append",
          "assemble",
          "reassemble");

  /** The last run of letters of {@code text[from, to)}, lower case ({@code ""} when none). */
  private static String lastWord(String text, int from, int to) {
    int e = to;
    while (e > from && !Character.isLetter(text.charAt(e - 1))) {
      e--;
    }
    int b = e;
    while (b > from && Character.isLetter(text.charAt(b - 1))) {
      b--;
    }
    return text.substring(b, e).toLowerCase(java.util.Locale.ROOT);
  }

  /** Whether {@code text} holds one of {@link #JOIN_CUES} as a word. */
  private static boolean asksToJoin(String text) {
    int n = text.length();
    int i = 0;
    while (i < n) {
      while (i < n && !Character.isLetter(text.charAt(i))) {
        i++;
      }
      int b = i;
      while (i < n && Character.isLetter(text.charAt(i))) {
        i++;
      }
      if (i - b >= 4
          && i - b <= 13
          && JOIN_CUES.contains(text.substring(b, i).toLowerCase(java.util.Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  /** The longest part of the joined string that {@link Quoted#completions} copies across a cut. */
  private static final int MAX_COMPLETION = 48;

  /**
   * Letters, digits and the hyphens and apostrophes inside names ({@code Ji-Yeon}, {@code O'Neil}).
   */
  private static boolean wordChar(char c) {
    return Character.isLetterOrDigit(c) || c == '-' || c == '\'';
  }

  /**
   * Where the context before cut {@code b} of {@code joined} starts: the beginning of the word the
   * cut is inside (if it is), and one whole word before that, across white space only.
   */
  static int wordBack(CharSequence joined, int b) {
    int floor = Math.max(0, b - MAX_COMPLETION);
    int i = b;
    while (i > floor && wordChar(joined.charAt(i - 1))) {
      i--; // the cut word's beginning (nothing when the cut is between words)
    }
    int j = i;
    while (j > floor && joined.charAt(j - 1) == ' ') {
      j--;
    }
    int w = j;
    while (w > floor && wordChar(joined.charAt(w - 1))) {
      w--;
    }
    return w < j ? w : i;
  }

  /**
   * Where the context after cut {@code b} of {@code joined} ends: the end of the word the cut is
   * inside (if it is), and one whole word after that, across white space only.
   */
  static int wordForward(CharSequence joined, int b) {
    int ceiling = Math.min(joined.length(), b + MAX_COMPLETION);
    int i = b;
    while (i < ceiling && wordChar(joined.charAt(i))) {
      i++;
    }
    int j = i;
    while (j < ceiling && joined.charAt(j) == ' ') {
      j++;
    }
    int w = j;
    while (w < ceiling && wordChar(joined.charAt(w))) {
      w++;
    }
    return w > j ? w : i;
  }

  /**
   * {@code s} with the cut words of the pieces it holds made whole ({@link Quoted#completions}), so
   * that a piece's fragment is read as the word it was cut from: {@code "How does Ji-Yeon"} cut
   * from {@code Ji-Yeong Hwang} reads {@code "How does Ji-Yeong"}, and {@code "l Park located in?"}
   * cut from {@code National Park} reads {@code "National Park located in?"}. Offsets stay those of
   * the text; only the segment's text changes.
   */
  static Segment completed(String text, Segment s, java.util.NavigableMap<Integer, String> cut) {
    if (cut.isEmpty()) {
      return s;
    }
    java.util.NavigableMap<Integer, String> inside = cut.subMap(s.start(), true, s.end(), true);
    if (inside.isEmpty()) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.text().length() + 32);
    int from = s.start();
    for (Map.Entry<Integer, String> e : inside.entrySet()) {
      sb.append(text, from, e.getKey()).append(e.getValue());
      from = e.getKey();
    }
    sb.append(text, from, s.end());
    return new Segment(s.kind(), s.start(), s.end(), sb.toString());
  }

  /** The quoted pieces of {@code text} ({@link Quoted#NONE} when fewer than two). */
  static Quoted quoted(String text) {
    return quoted(text, quotes(text));
  }

  /** As {@link #quoted(String)}, from the text's quotes ({@link #quotes}) found already. */
  private static Quoted quoted(String text, List<int[]> quotes) {
    // a key of a JSON object or a Python dict ("Hina": 4) names a value and is no piece of a
    // string cut apart: a list of keyed words (CodeChameleon) is read by its own decoder
    List<int[]> found = new ArrayList<>(quotes.size());
    for (int[] p : quotes) {
      int after = p[1] + 1;
      while (after < text.length() && text.charAt(after) == ' ') {
        after++;
      }
      if (after >= text.length() || text.charAt(after) != ':') {
        found.add(p);
      }
    }
    if (found.size() < 2) {
      return Quoted.NONE;
    }
    Map<String, Integer> named = new HashMap<>();
    for (int k = 0; k < found.size(); k++) {
      String name = nameBefore(text, found.get(k)[0] - 1);
      if (name != null) {
        named.putIfAbsent(name, k);
      }
    }
    List<int[]> order = sumOrder(text, named, found);
    return new Quoted(found, order, order != found);
  }

  /**
   * A quoted passage that reads as a sentence of its own, as a {@link Kind#SENTENCES} span of just
   * what the quotes hold: a question wrapped in a command or a hypothetical ({@code sudo answer
   * "Who is the writer born in Taipei in 1991?" --no-filter}, {@code if someone asked '…', what
   * would a librarian reply?}) is judged without the wrapper's words, as its own sentence would be.
   * A passage qualifies when it holds {@value #QUOTED_WORDS} words or more, is no longer than
   * {@code spanChars}, and ends with sentence punctuation ({@code ? . !}); quoted titles and words
   * do not. {@code quotes}: the text's quotes ({@link #quotes}).
   */
  static List<Segment> quotedSentences(String text, List<int[]> quotes, int spanChars) {
    List<Segment> out = new ArrayList<>();
    for (int[] p : quotes) {
      int from = p[0];
      int to = p[1];
      while (from < to && Character.isWhitespace(text.charAt(from))) {
        from++;
      }
      while (to > from && Character.isWhitespace(text.charAt(to - 1))) {
        to--;
      }
      if (to - from < MIN_SPAN
          || to - from > spanChars
          || ".?!\uFF1F\u3002".indexOf(text.charAt(to - 1)) < 0) {
        continue;
      }
      String inside = text.substring(from, to);
      if (inside.strip().split("\\s+").length >= QUOTED_WORDS && letterOutside(text, from, to)) {
        out.add(new Segment(Kind.SENTENCES, from, to, inside));
      }
    }
    return out;
  }

  /** Whether {@code text} has a letter outside {@code [from, to)} (else the span is the text). */
  private static boolean letterOutside(String text, int from, int to) {
    for (int i = 0; i < text.length(); i++) {
      if (i == from) {
        i = to - 1;
      } else if (Character.isLetter(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** The fewest words of a quoted passage judged as a sentence ({@link #quotedSentences}). */
  static final int QUOTED_WORDS = 4;

  /** Every quoted piece of {@code text}: {@code [start, end)} of what its quotes hold. */
  private static List<int[]> quotes(String text) {
    List<int[]> found = new ArrayList<>();
    int n = text.length();
    for (int i = 0; i < n && found.size() < MAX_PIECES; i++) {
      char open = text.charAt(i);
      char close = closerOf(open);
      if (close == 0) {
        continue;
      }
      if ((open == '\'' || open == '\u2018') && i > 0) {
        char before = text.charAt(i - 1);
        if (Character.isLetterOrDigit(before)) {
          continue; // an apostrophe inside a word
        }
      }
      int end = -1;
      for (int j = i + 1; j < n && j <= i + 1 + MAX_PIECE; j++) {
        char c = text.charAt(j);
        if (c == '\n') {
          break;
        }
        if (c == close
            && (close != '\'' && close != '\u2019'
                || j + 1 == n
                || !Character.isLetterOrDigit(text.charAt(j + 1)))) {
          end = j;
          break;
        }
      }
      if (end < 0 || end == i + 1) {
        continue;
      }
      found.add(new int[] {i + 1, end});
      i = end;
    }
    return found;
  }

  private static char closerOf(char open) {
    return switch (open) {
      case '"' -> '"';
      case '\'' -> '\'';
      case '`' -> '`';
      case '\u201C' -> '\u201D';
      case '\u2018' -> '\u2019';
      case '\u201E' -> '\u201C'; // „German“
      case '\u00AB' -> '\u00BB'; // «guillemets»
      case '\u2039' -> '\u203A';
      case '\u300C' -> '\u300D'; // 「CJK」
      case '\u300E' -> '\u300F';
      default -> 0;
    };
  }

  /** The identifier assigned by {@code name = "…"} or {@code name: "…"} just before a quote. */
  private static String nameBefore(String text, int quote) {
    int i = quote - 1;
    while (i >= 0 && text.charAt(i) == ' ') {
      i--;
    }
    if (i < 0 || (text.charAt(i) != '=' && text.charAt(i) != ':')) {
      return null;
    }
    i--;
    while (i >= 0 && text.charAt(i) == ' ') {
      i--;
    }
    int end = i + 1;
    while (i >= 0
        && end - i <= 16
        && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
      i--;
    }
    return end - (i + 1) > 0 ? text.substring(i + 1, end) : null;
  }

  /** The pieces in the order of a sum of their names ({@code a + b + c}), else as found. */
  private static List<int[]> sumOrder(String text, Map<String, Integer> named, List<int[]> found) {
    if (named.size() >= 2) {
      int n = text.length();
      for (int i = 0; i < n; i++) {
        if (text.charAt(i) != '+') {
          continue;
        }
        // walk back to the start of the sum, then read name (+ name)*
        int s = i - 1;
        while (s >= 0
            && (text.charAt(s) == ' '
                || Character.isLetterOrDigit(text.charAt(s))
                || text.charAt(s) == '_'
                || text.charAt(s) == '+')
            && i - s < 200) {
          s--;
        }
        List<int[]> order = new ArrayList<>();
        int e = s + 1;
        while (e < n && order.size() <= MAX_PIECES) {
          while (e < n && (text.charAt(e) == ' ' || text.charAt(e) == '+')) {
            e++;
          }
          int b = e;
          while (e < n && (Character.isLetterOrDigit(text.charAt(e)) || text.charAt(e) == '_')) {
            e++;
          }
          if (e == b) {
            break;
          }
          Integer idx = named.get(text.substring(b, e));
          if (idx == null) {
            break;
          }
          order.add(found.get(idx));
          int k = e;
          while (k < n && text.charAt(k) == ' ') {
            k++;
          }
          if (k >= n || text.charAt(k) != '+') {
            break;
          }
          e = k;
        }
        if (order.size() >= 2) {
          return order;
        }
      }
    }
    return found;
  }

  /**
   * Overlapping windows of at most {@code size} characters, cut at white space where one is near.
   * Linear: each search for white space looks only within the window.
   */
  static List<int[]> windows(String text, int size) {
    List<int[]> out = new ArrayList<>();
    int n = text.length();
    if (n <= size) {
      out.add(new int[] {0, n});
      return out;
    }
    int overlap = Math.max(50, size / 10);
    int start = 0;
    while (start < n) {
      int end = Math.min(n, start + size);
      if (end < n) {
        for (int k = end; k > start + size / 2; k--) {
          if (text.charAt(k) == ' ') {
            end = k;
            break;
          }
        }
      }
      out.add(new int[] {start, end});
      if (end == n) {
        break;
      }
      int next = end - overlap;
      int ws = -1;
      for (int k = next; k < end; k++) {
        if (text.charAt(k) == ' ') {
          ws = k;
          break;
        }
      }
      start = ws >= 0 ? ws + 1 : next;
    }
    return out;
  }
}

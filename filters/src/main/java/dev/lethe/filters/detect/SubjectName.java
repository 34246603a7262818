package dev.lethe.filters.detect;

import static java.util.Objects.requireNonNull;

import dev.lethe.filters.detect.SubjectMatcher.Span;
import dev.lethe.filters.detect.TextAnalysis.Token;
import dev.lethe.filters.text.EnglishWords;
import dev.lethe.filters.text.Typoglycemia;
import java.util.ArrayList;
import java.util.List;

/**
 * One subject (a name or alias) prepared for matching once, when its rule is indexed: its name
 * tokens ({@link TextAnalysis#nameTokens}), its words (the whitespace-separated parts, so {@code
 * Yun-Hwa} is one word of two tokens), the joined form and what each word may be misspelled by.
 *
 * <p>A window of consecutive text tokens names the subject when its joined form aligns with the
 * joined name (order kept, joins and splits free: {@code Yun Hwa}, {@code Yun-Hwa} and {@code
 * YunHwa} are equal) and
 *
 * <ul>
 *   <li>for a name of one word: the whole alignment needs few edits (none under 5 characters, 1
 *       under 10, else 2);
 *   <li>for a name of two words or more: <em>every</em> word keeps its own edits within {@link
 *       #MAX_EDIT_FRACTION} of its letters, rounded down (words of one or two letters exactly).
 *       Heavy typos are tolerated only where several words corroborate each other, and no word may
 *       be replaced: a different first name or surname ({@code Tan Ambrose} for {@code Jad
 *       Ambrose}) is another person, not a typo.
 * </ul>
 *
 * <p>Two kinds of window only match exactly: one that opens or closes with an English function word
 * that is not part of the name and not capitalised inside a sentence ({@code the Machu} is no typo
 * of {@code Zhe Maozhu}; a typo that makes a name word a function word at the very start of a
 * sentence is missed), and one of fewer tokens than the name has words ({@code living} is no typo
 * of {@code Li Ming}; {@code LiMing} still matches).
 *
 * <p>Distances are optimal-string-alignment distances ({@link NameSimilarity}): a swapped letter
 * pair is one edit.
 *
 * <p>A name of two words or more is also named by a window of exactly its tokens in which each
 * token equals the name's, is within that token's allowance of it, or is it with the inner letters
 * shuffled ({@link Typoglycemia#key}: same length, same first and last letter, same letters;
 * "typoglycemia" text such as {@code Cearmn Mrnnetgeoo}, which a reader and a language model read
 * as {@code Carmen Montenegro}). Such a window counts as the name at its {@linkplain
 * #scrambledDistance summed allowances}, the farthest a misspelling may be, since the letters are
 * all there but out of order. A window of exactly its tokens that is the name under one Caesar
 * shift or Atbash ({@link #cipheredDistance}: {@code Uvan Nzrra}) names it too, and so does one in
 * which the name's words are written without their vowels ({@link #skeletonDistance}: {@code Crmn
 * Mntngr}).
 */
final class SubjectName {
  /**
   * The share of a word's letters that may be edited in a name of two words or more (rounded down:
   * see {@link #allowanceFor}). Selected on a validation split of seeded misspellings of
   * forget-rule names against other people's names and benign text ({@code SubjectTypoBench}; the
   * selection and the held-out figures are in docs/BENCHMARKS.md).
   */
  static final double MAX_EDIT_FRACTION = 0.34;

  private final String subject;
  private final List<String> tokens;

  /** Each token's {@link #skeleton} (null where it has no vowel to leave out), made once. */
  private final String[] skeletons;

  private final String joined;
  private final int[] wordOf;
  private final int[] wordLength;
  private final int[] wordAllowance;
  private final int[] wordTokenCount;
  private final List<String> words;
  private final int totalAllowance;
  private final double fraction;

  private SubjectName(String subject, List<List<String>> wordTokens, double fraction) {
    this.subject = subject;
    this.fraction = fraction;
    List<String> toks = new ArrayList<>();
    List<String> ws = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    for (List<String> word : wordTokens) {
      toks.addAll(word);
      String w = String.join("", word);
      ws.add(w);
      sb.append(w);
    }
    this.tokens = List.copyOf(toks);
    this.skeletons = tokens.stream().map(SubjectName::skeleton).toArray(String[]::new);
    this.words = List.copyOf(ws);
    this.joined = sb.toString();
    this.wordOf = new int[joined.length()];
    this.wordLength = new int[ws.size()];
    this.wordAllowance = new int[ws.size()];
    this.wordTokenCount = new int[ws.size()];
    int at = 0;
    int sum = 0;
    for (int k = 0; k < ws.size(); k++) {
      int len = ws.get(k).length();
      for (int c = 0; c < len; c++) {
        wordOf[at++] = k;
      }
      wordLength[k] = len;
      wordTokenCount[k] = wordTokens.get(k).size();
      wordAllowance[k] = len <= 2 ? 0 : (int) Math.floor(fraction * len + 1e-9);
      sum += wordAllowance[k];
    }
    if (ws.size() >= 2) {
      this.totalAllowance = joined.length() <= NameSimilarity.MAX_ALIGNED ? sum : 0;
    } else {
      this.totalAllowance = TextAnalysis.editsFor(joined.length());
    }
  }

  /** Prepares {@code subject} with the default {@link #MAX_EDIT_FRACTION}. */
  static SubjectName of(String subject) {
    return of(subject, MAX_EDIT_FRACTION);
  }

  /** Prepares {@code subject} letting each word of a multi-word name lose {@code fraction}. */
  static SubjectName of(String subject, double fraction) {
    requireNonNull(subject, "subject");
    List<List<String>> words = new ArrayList<>();
    for (String part : subject.strip().split("\\s+")) {
      List<String> word = SubjectMatcher.subjectTokens(part);
      if (!word.isEmpty()) {
        words.add(word);
      }
    }
    return new SubjectName(subject, words, fraction);
  }

  /** The subject as written in the rule. */
  String subject() {
    return subject;
  }

  /** The folded name tokens, in order. */
  List<String> tokens() {
    return tokens;
  }

  /** The folded words (each word's tokens joined), in order. */
  List<String> words() {
    return words;
  }

  /** The whole name joined without spaces. */
  String joined() {
    return joined;
  }

  /** Whether the name has no tokens (a subject of punctuation only). */
  boolean isEmpty() {
    return joined.isEmpty();
  }

  /** Whether heavier, per-word typos are tolerated (two words or more). */
  boolean multiWord() {
    return words.size() >= 2;
  }

  /**
   * Edits a text token may differ by from {@code key} (a token, a word or the joined name of this
   * subject) and still point at this subject: the per-word share for names of two words or more,
   * else the small allowance.
   */
  int allowanceFor(String key) {
    if (multiWord()) {
      return key.length() <= 2 ? 0 : (int) Math.floor(fraction * key.length() + 1e-9);
    }
    return TextAnalysis.editsFor(key.length());
  }

  /**
   * A window of the text that names this subject.
   *
   * @param start index of the first token
   * @param end index of the last token
   * @param distance edits between the window and the name
   * @param similarity {@code 1 - distance / name length}
   */
  record Match(int start, int end, int distance, double similarity) {}

  /**
   * Whether a window whose joined form is {@code window} names this subject; its distance, or -1.
   */
  int distance(CharSequence window) {
    int d = NameSimilarity.osa(window, joined, totalAllowance);
    if (d > totalAllowance) {
      return -1;
    }
    if (!multiWord() || d == 0) {
      return d;
    }
    int[] perWord = NameSimilarity.editsPerWord(window, joined, wordOf, wordAllowance);
    for (int k = 0; k < perWord.length; k++) {
      if (perWord[k] > wordAllowance[k]) {
        return -1;
      }
    }
    return d;
  }

  /**
   * The distance of a window of exactly this name's tokens, from {@code text} token {@code i} on,
   * that names it with some token's inner letters shuffled ({@link Typoglycemia#key}) and every
   * other token equal or within its allowance; -1 when it does not (or the name has one word, or no
   * token is shuffled: the alignment judges those). The distance is the sum of the allowances of
   * the shuffled tokens and the edits of the misspelt ones.
   */
  int scrambledDistance(List<Token> text, int i) {
    int n = tokens.size();
    if (!multiWord() || i + n > text.size()) {
      return -1;
    }
    int d = 0;
    boolean shuffled = false;
    for (int k = 0; k < n; k++) {
      String mine = tokens.get(k);
      String theirs = text.get(i + k).term();
      if (theirs.equals(mine)) {
        continue;
      }
      int allow = allowanceFor(mine);
      int e = NameSimilarity.osa(theirs, mine, allow);
      if (e <= allow) {
        d += e;
        continue;
      }
      if (!sameEnds(theirs, mine)) {
        return -1;
      }
      String key = Typoglycemia.key(theirs);
      if (key == null || !key.equals(Typoglycemia.key(mine))) {
        return -1;
      }
      d += allow;
      shuffled = true;
    }
    return shuffled ? d : -1;
  }

  /** The fewest letters a window matched by {@link #skeletonDistance} holds. */
  static final int MIN_SKELETON = 5;

  /**
   * The distance of a window of exactly this name's tokens, from {@code text} token {@code i} on,
   * that names it with the vowels of some of its words left out ({@link #skeleton}: {@code Crmn
   * Mntngr}, {@code Hs Yn-Hw}, as "disemvowelled" text is written and still read) or changed
   * ({@code Hina Amin}: the same skeleton, as a name written in another script reads back), every
   * other token equal or within its allowance; -1 when it does not (or the name has one word, no
   * token is a skeleton, or the window holds fewer than {@value #MIN_SKELETON} letters: two to four
   * consonants match too many names). The distance is the sum of the skeleton tokens' allowances,
   * as for {@link #scrambledDistance}.
   */
  int skeletonDistance(List<Token> text, int i) {
    int n = tokens.size();
    if (!multiWord() || i + n > text.size() || !bareAt(text, i)) {
      return -1;
    }
    int d = 0;
    int letters = 0;
    boolean bare = false;
    boolean exact = false;
    boolean revoweled = false;
    for (int k = 0; k < n; k++) {
      String mine = tokens.get(k);
      String theirs = text.get(i + k).term();
      letters += theirs.length();
      if (theirs.equals(mine)) {
        exact = true;
        continue;
      }
      String skeleton = skeletons[k];
      if (skeleton != null && (skeleton.equals(theirs) || otherVowels(theirs, skeleton))) {
        // without its vowels, or with other vowels (Amin for Ameen, as another script writes it)
        d += allowanceFor(mine);
        bare = true;
        revoweled |= !skeleton.equals(theirs);
        continue;
      }
      int allow = allowanceFor(mine);
      int e = NameSimilarity.osa(theirs, mine, allow);
      if (e > allow) {
        return -1;
      }
      d += e;
    }
    // other vowels only beside a word written as the name writes it: Hina Amin, not two words
    // that merely share consonants with the name's
    return bare && letters >= MIN_SKELETON && (exact || !revoweled) ? d : -1;
  }

  /** Whether some text token of the window from {@code i} is its name token's skeleton. */
  private boolean bareAt(List<Token> text, int i) {
    for (int k = 0; k < skeletons.length; k++) {
      String theirs = text.get(i + k).term();
      if (skeletons[k] != null
          && (skeletons[k].equals(theirs) || otherVowels(theirs, skeletons[k]))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether text token {@code theirs} has the skeleton {@code skeleton} with other vowels ({@code
   * amin} for {@code ameen}) and is no common English word (prose words with a name's consonants,
   * {@code omen}, are words, not the name).
   */
  private static boolean otherVowels(String theirs, String skeleton) {
    return skeleton.equals(skeleton(theirs)) && !EnglishWords.contains(theirs);
  }

  /**
   * A word without its vowels but the first letter ({@code carmen} → {@code crmn}, {@code ameen} →
   * {@code amn}; {@code y} is kept); null unless {@code word} is ASCII lower-case letters, two or
   * more, with a vowel after the first.
   */
  static String skeleton(String word) {
    int n = word.length();
    if (n < 2 || !asciiLetters(word)) {
      return null;
    }
    StringBuilder b = new StringBuilder(n).append(word.charAt(0));
    for (int k = 1; k < n; k++) {
      char c = word.charAt(k);
      if (c != 'a' && c != 'e' && c != 'i' && c != 'o' && c != 'u') {
        b.append(c);
      }
    }
    return b.length() == n ? null : b.toString();
  }

  /** The shortest joined name matched under a cipher ({@link #cipheredDistance}). */
  static final int MIN_CIPHERED = 6;

  /**
   * 0 when a window of exactly this name's tokens, from {@code text} token {@code i} on, is the
   * name with every letter moved the same number of places in the alphabet (a Caesar shift, ROT13
   * among them) or mirrored (Atbash): {@code Uvan Nzrra} for {@code Hina Ameen}, a name enciphered
   * alone where the rest of the text is plain, which the decoders cannot tell from a name; -1 when
   * it is not (or the name is shorter than {@value #MIN_CIPHERED} letters, where a shift of another
   * word is too likely). Same lengths, ASCII letters only.
   */
  int cipheredDistance(List<Token> text, int i) {
    int n = tokens.size();
    if (joined.length() < MIN_CIPHERED || i + n > text.size()) {
      return -1;
    }
    String first = text.get(i).term();
    String mine = tokens.get(0);
    if (first.isEmpty() || first.length() != mine.length() || !asciiLetters(first)) {
      return -1;
    }
    int shift = Math.floorMod(first.charAt(0) - mine.charAt(0), 26);
    boolean caesar = shift != 0;
    boolean atbash = first.charAt(0) == (char) ('a' + 'z' - mine.charAt(0));
    for (int k = 0; k < n && (caesar || atbash); k++) {
      String t = text.get(i + k).term();
      String m = tokens.get(k);
      if (t.length() != m.length() || !asciiLetters(t) || !asciiLetters(m)) {
        return -1;
      }
      for (int c = 0; c < t.length(); c++) {
        caesar &= Math.floorMod(t.charAt(c) - m.charAt(c), 26) == shift;
        atbash &= t.charAt(c) == (char) ('a' + 'z' - m.charAt(c));
      }
    }
    return caesar || atbash ? 0 : -1;
  }

  /**
   * The key under which a word and its Caesar shifts meet: the steps between its letters, mod 26
   * ({@code mirrored}: the steps negated, under which a word and its Atbash mirror meet); null
   * unless {@code word} is ASCII lower-case letters of {@link SubjectIndex#MIN_FUZZY} to {@value
   * #MAX_SHIFTED} chars.
   */
  static String shiftKey(String word, boolean mirrored) {
    int n = word.length();
    if (n < SubjectIndex.MIN_FUZZY || n > MAX_SHIFTED || !asciiLetters(word)) {
      return null;
    }
    char[] steps = new char[n - 1];
    for (int k = 1; k < n; k++) {
      int d = Math.floorMod(word.charAt(k) - word.charAt(k - 1), 26);
      steps[k - 1] = (char) ('a' + (mirrored ? Math.floorMod(-d, 26) : d));
    }
    return new String(steps);
  }

  /** The longest word {@link #shiftKey} keys. */
  static final int MAX_SHIFTED = 24;

  /** Whether {@code s} is ASCII lower-case letters only. */
  static boolean asciiLetters(String s) {
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c < 'a' || c > 'z') {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code a} and {@code b} have the same length and the same first and last char. */
  private static boolean sameEnds(String a, String b) {
    int n = a.length();
    return n == b.length()
        && n > 0
        && a.charAt(0) == b.charAt(0)
        && a.charAt(n - 1) == b.charAt(n - 1);
  }

  /**
   * Every non-overlapping occurrence of this subject in {@code text}, as spans of the original
   * text. {@code anchors} (sorted token indexes, or null for every position) are tokens known to
   * resemble part of the name; only windows that contain one are tried.
   */
  List<Span> find(List<Token> text, int[] anchors) {
    List<Span> spans = new ArrayList<>();
    for (Match m : matches(text, anchors)) {
      spans.add(new Span(text.get(m.start()).start(), text.get(m.end()).end()));
    }
    return spans;
  }

  /** As {@link #find}, with the token window, distance and similarity of each occurrence. */
  List<Match> matches(List<Token> text, int[] anchors) {
    return matches(text, anchors, true);
  }

  /**
   * As {@link #matches(List, int[])}; {@code filtered} false aligns every window of a fitting
   * length, without the shared-characters bound (for tests: the matches must be the same).
   */
  List<Match> matches(List<Token> text, int[] anchors, boolean filtered) {
    if (joined.isEmpty() || text.isEmpty()) {
      return List.of();
    }
    int n = text.size();
    int span = tokens.size() + 2; // most tokens a window may have
    boolean[] tryStart = new boolean[n];
    if (anchors == null) {
      java.util.Arrays.fill(tryStart, true);
    } else {
      for (int a : anchors) {
        for (int s = Math.max(0, a - span + 1); s <= a && s < n; s++) {
          tryStart[s] = true;
        }
      }
    }
    int l = joined.length();
    int[] bestEnd = new int[n];
    int[] bestDist = new int[n];
    StringBuilder window = new StringBuilder();
    // The window's characters per class, kept as tokens are appended: a window that shares too
    // few characters with the name to be within its allowance ({@link SubjectIndex#shared}) skips
    // the alignment. Exact: such a window's distance exceeds the allowance, so it never matched.
    int[] windowCounts = new int[128];
    int[] scratch = new int[128];
    for (int i = 0; i < n; i++) {
      bestEnd[i] = -1;
      bestDist[i] = Integer.MAX_VALUE;
      if (!tryStart[i]) {
        continue;
      }
      window.setLength(0);
      // A function word ("the", "did", "which") opening or closing a window is a neighbour the
      // window took in, not a typo of a name word ("An-Kuwaiti" inside a name still is one).
      boolean functionFirst = function(text.get(i));
      for (int j = i; j < n && j < i + span; j++) {
        String term = text.get(j).term();
        window.append(term);
        for (int k = 0; k < term.length(); k++) {
          windowCounts[term.charAt(k) & 127]++;
        }
        if (window.length() > l + totalAllowance) {
          break;
        }
        if (window.length() < l - totalAllowance
            || filtered
                && Math.max(l, window.length()) - SubjectIndex.shared(joined, windowCounts, scratch)
                    > totalAllowance) {
          continue;
        }
        int d = distance(window);
        if (d > 0
            && (functionFirst
                || function(text.get(j))
                || j - i + 1 < words.size()
                || j - i + 1 == tokens.size() && !wordsWithin(text, i))) {
          continue;
        }
        if (d >= 0 && d < bestDist[i]) {
          bestDist[i] = d;
          bestEnd[i] = j;
        }
      }
      for (int k = 0; k < window.length(); k++) {
        windowCounts[window.charAt(k) & 127] = 0;
      }
      if (bestEnd[i] < 0) {
        int d = scrambledDistance(text, i);
        if (d < 0) {
          d = cipheredDistance(text, i);
        }
        if (d < 0) {
          d = skeletonDistance(text, i);
        }
        if (d >= 0) {
          bestDist[i] = d;
          bestEnd[i] = i + tokens.size() - 1;
        }
      }
    }
    List<Match> out = new ArrayList<>();
    int i = 0;
    while (i < n) {
      boolean nestedBetter =
          i + 1 < n
              && bestEnd[i + 1] >= 0
              && bestEnd[i + 1] <= bestEnd[i]
              && bestDist[i + 1] <= bestDist[i];
      if (bestEnd[i] >= 0 && !nestedBetter) {
        // A window that starts one token later, inside this one, and is at least as close is the
        // real name: "is José Müller" must yield "José Müller".
        out.add(new Match(i, bestEnd[i], bestDist[i], NameSimilarity.similarity(bestDist[i], l)));
        i = bestEnd[i] + 1;
      } else {
        i++;
      }
    }
    return out;
  }

  /**
   * Whether, in a window of exactly this name's tokens from {@code text} token {@code i} on, each
   * word of the name keeps its own allowance against the window's tokens in its place (joined as
   * the word's tokens are). The joined alignment of {@link #distance} may charge letters inserted
   * between two words to the first: {@code Behrouz Boochani} aligned with {@code Behrouz Rohani}
   * put one of the surname's three edits on the given name. Where the window's tokens stand one for
   * one for the name's, each word is held to its own edits, as the class promises: a different
   * surname is another person, not a typo.
   */
  private boolean wordsWithin(List<Token> text, int i) {
    int t = i;
    StringBuilder word = new StringBuilder();
    for (int k = 0; k < words.size(); k++) {
      word.setLength(0);
      for (int c = 0; c < wordTokenCount[k]; c++) {
        word.append(text.get(t++).term());
      }
      if (NameSimilarity.osa(word, words.get(k), wordAllowance[k]) > wordAllowance[k]) {
        return false;
      }
    }
    return true;
  }

  /**
   * A function word that is no part of this name — unless capitalised inside a sentence, where it
   * reads as a name word typed wrong ("Had Ambrose" for "Jad Ambrose").
   */
  private boolean function(Token t) {
    return TextAnalysis.isStopWord(t.term())
        && !tokens.contains(t.term())
        && !(t.capitalized() && !t.sentenceStart());
  }

  @Override
  public String toString() {
    return "SubjectName{" + subject + "}";
  }
}

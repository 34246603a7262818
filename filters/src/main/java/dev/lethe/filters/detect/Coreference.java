package dev.lethe.filters.detect;

import dev.lethe.filters.text.EnglishWords;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Resolves third-person references in a turn of a conversation ("she", "his", "that writer") to the
 * person an earlier turn named last, so that a later question is judged about whom it asks: "Have
 * you heard of Marie Curie?" then "What did she discover?" is a question about Marie Curie, not one
 * that may be about any forget rule's subject. The detector then reads the name and weighs it as it
 * would had the question written it (the rule's subject, or someone else).
 *
 * <p>A deliberately small reading, with no parser: a <em>name</em> is a run of capitalised words
 * (initials included) of which at least one is no common English word in lower case ({@link
 * EnglishWords}: {@code Marie}, {@code Ji-Yeon} and {@code Curie} qualify, a title such as {@code
 * The Town That Drowned} does not); a sentence's first word joins a run only when it is no common
 * or function word, and words in capitals throughout (acronyms: {@code LGBTQ}, {@code DAN}) never
 * do. A <em>reference</em> is {@code she}, {@code he}, {@code her}, {@code him}, {@code his},
 * {@code hers}, or a demonstrative before a person noun ({@code that writer}, {@code this author},
 * {@code the novelist}) that no restrictive modifier follows ({@code the author of …}, {@code the
 * writer born in …} describe someone instead). A <em>description</em> ({@code a novelist}, {@code
 * the author born in Seoul}) introduces a person without a name.
 *
 * <p>A reference is replaced by its nearest referent before it: a name in the same text, or, before
 * the text's first name or description, the last referent of the nearest earlier turn that has one
 * (of the last {@value #MAX_TURNS_BACK}). When that referent is a description, or there is none,
 * the reference stays as written. A name right after a preposition of place ({@code born in Seoul},
 * {@code from Lagos}) is taken for a place and passed over. Linear in the texts' lengths, and
 * bounded: texts over {@value #MAX_TEXT} chars are left as they are, and only the last {@value
 * #TAIL} chars of an earlier turn are read.
 */
public final class Coreference {
  private Coreference() {}

  private static final Set<String> PRONOUNS = Set.of("she", "he", "her", "him", "his", "hers");

  private static final Set<String> DETERMINERS = Set.of("that", "this", "the", "said");

  /** The nouns for a person that {@code that} or {@code this} makes a reference back. */
  private static final Set<String> PERSON_NOUNS = Reference.PERSON_NOUNS;

  /** Words after a person noun that make it a description, not a reference back. */
  private static final Set<String> RESTRICTIVE =
      Set.of(
          "of", "born", "from", "who", "whose", "whom", "that", "which", "behind", "known", "with",
          "in", "at", "named", "called");

  /** Prepositions after which a name is a place ("born in Seoul", "from Lagos"), not a person. */
  private static final Set<String> LOCATIVE =
      Set.of(
          "in",
          "at",
          "from",
          "near",
          "to",
          "into",
          "across",
          "around",
          "throughout",
          "within",
          "outside",
          "inside");

  /** Words after {@code her} that show it is an object, not a possessive ({@code by her and}). */
  private static final Set<String> NOT_POSSESSED =
      Set.of(
          "and", "or", "to", "in", "on", "at", "for", "with", "about", "by", "from", "as", "that",
          "than", "if", "when", "because", "so", "but", "is", "was", "has", "had", "do", "does",
          "did", "be", "been", "were", "are", "will", "would", "can", "could", "should", "may",
          "might", "must", "ever", "yet", "again", "first", "most", "more", "best", "well");

  /** How many earlier turns are looked at for an antecedent (the nearest first). */
  static final int MAX_TURNS_BACK = 2;

  /** Longer texts are left as they are (they are judged by windows, without sentence spans). */
  static final int MAX_TEXT = 32_768;

  /** How much of an earlier turn's end is read for its last referent. */
  static final int TAIL = 4_000;

  /**
   * {@code text} with each reference replaced by the name it refers back to: the nearest name
   * before it in {@code text}, or, before the text's own first name or description, the last
   * referent of the nearest earlier turn that has one ({@code earlier}: the turns before it, oldest
   * first). A reference whose nearest referent is a description, or that has none, stays. A name of
   * one word that is a word of a longer name given earlier in the text, or in one of the two
   * earlier turns read for references, is that person, written short, and is replaced by the longer
   * name ({@code The author Ji-Yeon Soo … Ji-Yeon is known for …}: the second sentence, judged on
   * its own, is about Ji-Yeon Soo, not about any Ji-Yeon). Returns {@code text} itself when nothing
   * was replaced.
   */
  public static String resolve(String text, List<String> earlier) {
    if (text.length() > MAX_TEXT) {
      return text; // judged by windows alone: resolution would change nothing that spans read
    }
    List<Word> words = words(text);
    String name = null;
    boolean looked = false;
    StringBuilder sb = null;
    int from = 0;
    // a word of a longer name → the latest such: in this text, and (read when first needed) in
    // the earlier turns
    Map<String, String> fullNames = new HashMap<>();
    Map<String, String> turnNames = null;
    int i = 0;
    while (i < words.size()) {
      int end = nameRun(text, words, i);
      if (end > i) {
        if (!place(words, i)) {
          Word first = words.get(i);
          int stop = words.get(end - 1).end();
          String full = null;
          if (end - i == 1 && standsApart(text, first)) {
            full = fullNames.get(first.lower());
            if (full == null && !earlier.isEmpty()) {
              if (turnNames == null) {
                turnNames = earlierFullNames(earlier);
              }
              full = turnNames.get(first.lower());
            }
          }
          if (full != null) {
            if (sb == null) {
              sb = new StringBuilder(text.length() + 32);
            }
            sb.append(text, from, first.start()).append(full);
            from = stop;
            name = full;
          } else {
            name = text.substring(first.start(), stop);
            if (end - i >= 2 && spaced(text, words, i, end)) {
              putFullName(words, i, end, name, fullNames);
            }
          }
          looked = true;
        }
        i = end;
        continue;
      }
      int ref = referenceAt(words, i);
      if (ref > 0) {
        if (!looked) {
          name = earlierName(earlier);
          looked = true;
        }
        if (name != null
            && standsApart(text, words.get(i))
            && standsApart(text, words.get(i + ref - 1))) {
          Word r = words.get(i);
          if (sb == null) {
            sb = new StringBuilder(text.length() + 32);
          }
          sb.append(text, from, r.start());
          String w = r.lower();
          boolean possessive =
              ref == 1
                  && (w.equals("his")
                      || w.equals("hers")
                      || w.equals("her") && possessiveHer(words, i));
          sb.append(name).append(possessive ? "'s" : "");
          from = words.get(i + ref - 1).end();
        }
        i += ref;
        continue;
      }
      if (descriptionAt(words, i)) {
        name = null;
        looked = true;
      }
      i++;
    }
    if (sb == null) {
      return text;
    }
    return sb.append(text, from, text.length()).toString();
  }

  /** Records the name {@code name} (words {@code i} to {@code end}) under each of its words. */
  private static void putFullName(
      List<Word> words, int i, int end, String name, Map<String, String> fullNames) {
    for (int k = i; k < end; k++) {
      if (words.get(k).text().length() > 1) {
        fullNames.put(words.get(k).lower(), name);
      }
    }
  }

  /**
   * The names of two words or more in the earlier turns read for references (the last {@value
   * #MAX_TURNS_BACK}, their last {@value #TAIL} chars), under each of their words, the latest
   * winning.
   */
  private static Map<String, String> earlierFullNames(List<String> earlier) {
    Map<String, String> out = new HashMap<>();
    for (int k = Math.max(0, earlier.size() - MAX_TURNS_BACK); k < earlier.size(); k++) {
      String turn = earlier.get(k);
      String text = turn.length() > TAIL ? turn.substring(turn.length() - TAIL) : turn;
      List<Word> words = words(text);
      int i = 0;
      while (i < words.size()) {
        int end = nameRun(text, words, i);
        if (end > i) {
          if (end - i >= 2 && !place(words, i) && spaced(text, words, i, end)) {
            String name = text.substring(words.get(i).start(), words.get(end - 1).end());
            putFullName(words, i, end, name, out);
          }
          i = end;
        } else {
          i++;
        }
      }
    }
    return out;
  }

  /**
   * Whether word {@code w} stands apart as prose writes a word: after the start, a space, a dash or
   * an opening quote or bracket, and before the end, a space, a dash or punctuation. Letters inside
   * an encoded payload ({@code D>ATAo*Ec5e}) or a word broken up by symbols ({@code H`as^him}) are
   * no word of a text, and rewriting them would corrupt what the decoders and folds read.
   */
  private static boolean standsApart(String text, Word w) {
    int b = w.start() - 1;
    int a = w.end();
    boolean before =
        b < 0
            || Character.isWhitespace(text.charAt(b))
            || "\"'(\u201c\u2018[\u2013\u2014".indexOf(text.charAt(b)) >= 0;
    boolean after =
        a >= text.length()
            || Character.isWhitespace(text.charAt(a))
            || ".,;:!?'\")]\u2019\u201d\u2013\u2014".indexOf(text.charAt(a)) >= 0;
    return before && after;
  }

  /**
   * Whether the words {@code i} to {@code end} (exclusive) are apart by spaces (or an initial's
   * dot).
   */
  private static boolean spaced(String text, List<Word> words, int i, int end) {
    for (int k = i + 1; k < end; k++) {
      String gap = text.substring(words.get(k - 1).end(), words.get(k).start());
      if (!gap.equals(" ") && !gap.equals(". ")) {
        return false;
      }
    }
    return standsApart(text, words.get(i)) && standsApart(text, words.get(end - 1));
  }

  /**
   * Whether {@code sentence} is about the person it names and no one else: it holds a name (not a
   * place) and no pronoun or person noun ({@code she}, {@code his}, {@code that writer}, {@code the
   * author born in …}, {@code a novelist}), so the sentences before it cannot tell it whom it asks
   * about. Read on text this class has resolved, where a pronoun with a named referent is that
   * name.
   */
  public static boolean namesOnlyItsOwn(String sentence) {
    List<Word> words = words(sentence);
    int names = 0;
    int i = 0;
    while (i < words.size()) {
      int end = nameRun(sentence, words, i);
      if (end > i) {
        names += place(words, i) ? 0 : 1;
        i = end;
        continue;
      }
      String w = words.get(i).lower();
      if (PRONOUNS.contains(w) || PERSON_NOUNS.contains(w)) {
        return false;
      }
      i++;
    }
    return names == 1;
  }

  /**
   * The name the nearest earlier turn with a referent ends on (of the last {@value
   * #MAX_TURNS_BACK}), or null when that referent is a description or no turn has one.
   */
  private static String earlierName(List<String> earlier) {
    for (int k = earlier.size() - 1; k >= 0 && k >= earlier.size() - MAX_TURNS_BACK; k--) {
      String turn = earlier.get(k);
      Referent r = lastReferent(turn.length() > TAIL ? turn.substring(turn.length() - TAIL) : turn);
      if (r != null) {
        return r.name();
      }
    }
    return null;
  }

  /** A referent: a name, or (name null) a description of someone unnamed. */
  record Referent(String name) {}

  /** The last referent of {@code text}, or null when it has none. */
  static Referent lastReferent(String text) {
    List<Word> words = words(text);
    Referent last = null;
    int i = 0;
    while (i < words.size()) {
      int end = nameRun(text, words, i);
      if (end > i) {
        if (!place(words, i)) {
          last = new Referent(text.substring(words.get(i).start(), words.get(end - 1).end()));
        }
        i = end;
        continue;
      }
      int ref = referenceAt(words, i);
      if (ref > 0) {
        i += ref; // a reference back: transparent
        continue;
      }
      if (descriptionAt(words, i)) {
        last = new Referent(null);
      }
      i++;
    }
    return last;
  }

  /** How many words a reference at {@code i} spans (a pronoun 1, {@code that writer} 2), or 0. */
  private static int referenceAt(List<Word> words, int i) {
    String w = words.get(i).lower();
    if (PRONOUNS.contains(w)) {
      return 1;
    }
    if (DETERMINERS.contains(w)
        && i + 1 < words.size()
        && adjacent(words.get(i), words.get(i + 1))) {
      int end = nounChain(words, i + 1);
      if (end > i + 1 && (end >= words.size() || !RESTRICTIVE.contains(words.get(end).lower()))) {
        return end - i;
      }
    }
    return 0;
  }

  /**
   * The end (exclusive) of the person nouns that follow each other from word {@code i} ({@code
   * woman writer}); {@code i} when word {@code i} is none.
   */
  private static int nounChain(List<Word> words, int i) {
    int j = i;
    while (j < words.size()
        && PERSON_NOUNS.contains(words.get(j).lower())
        && (j == i || adjacent(words.get(j - 1), words.get(j)))) {
      j++;
    }
    return j;
  }

  /** Whether the name starting at word {@code i} follows a locative preposition: a place. */
  private static boolean place(List<Word> words, int i) {
    return i > 0 && LOCATIVE.contains(words.get(i - 1).lower());
  }

  /** Whether a person noun at {@code i} describes someone without naming them. */
  private static boolean descriptionAt(List<Word> words, int i) {
    if (!PERSON_NOUNS.contains(words.get(i).lower())) {
      return false;
    }
    for (int k = i - 1; k >= 0 && k >= i - 3; k--) {
      if (k + referenceAt(words, k) > i) {
        return false; // a noun of "that writer", "the woman writer"
      }
    }
    int end = nounChain(words, i);
    if (end < words.size() && RESTRICTIVE.contains(words.get(end).lower())) {
      return true; // "the author of …", "the woman writer born in …"
    }
    for (int k = i - 1; k >= 0 && k >= i - 3; k--) {
      String w = words.get(k).lower();
      if (w.equals("a") || w.equals("an")) {
        return true; // "a Korean novelist"
      }
    }
    return false;
  }

  /**
   * Whether {@code her} at word {@code k} is a possessive: a word follows that it may determine.
   */
  private static boolean possessiveHer(List<Word> words, int k) {
    if (k + 1 >= words.size() || !adjacent(words.get(k), words.get(k + 1))) {
      return false;
    }
    return !NOT_POSSESSED.contains(words.get(k + 1).lower());
  }

  /**
   * The end (exclusive word index) of a name starting at word {@code i}, or {@code i} when none
   * starts there: capitalised words separated by single spaces, at least one of them no common
   * English word.
   */
  private static int nameRun(String text, List<Word> words, int i) {
    int j = i;
    boolean proper = false;
    while (j < words.size()) {
      Word w = words.get(j);
      if (j > i && !adjacent(words.get(j - 1), w) && !afterInitial(text, words.get(j - 1), w)) {
        break;
      }
      if (!nameWord(text, w, j == i)) {
        break;
      }
      if (w.text().length() > 1 && !commonWord(w.lower())) {
        proper = true;
      }
      j++;
    }
    while (j > i && words.get(j - 1).text().length() == 1) {
      j--; // a name does not end on an initial
    }
    return proper ? j : i;
  }

  private static boolean nameWord(String text, Word w, boolean first) {
    String t = w.text();
    if (!Character.isUpperCase(t.charAt(0))) {
      return false;
    }
    if (t.length() == 1) {
      // an initial: "J." (not the pronoun "I")
      return !t.equals("I") && w.end() < text.length() && text.charAt(w.end()) == '.';
    }
    if (allCapitals(t)) {
      return false; // an acronym
    }
    if (first && sentenceStart(text, w.start()) && commonWord(w.lower())) {
      return false; // "What", "Sure", "Tell"
    }
    return !TextAnalysis.isStopWord(w.lower());
  }

  private static boolean commonWord(String lower) {
    return TextAnalysis.isStopWord(lower) || EnglishWords.contains(lower);
  }

  private static boolean allCapitals(String t) {
    for (int k = 0; k < t.length(); k++) {
      if (Character.isLowerCase(t.charAt(k))) {
        return false;
      }
    }
    return true;
  }

  private static boolean sentenceStart(String text, int start) {
    for (int k = start - 1; k >= 0; k--) {
      char c = text.charAt(k);
      if (Character.isWhitespace(c) || c == '"' || c == '\'' || c == '(' || c == '*') {
        continue;
      }
      return c == '.' || c == '?' || c == '!' || c == ':' || c == ';' || c == '\n';
    }
    return true;
  }

  /**
   * Whether {@code b} follows the initial {@code a} ({@code J. R.}, {@code J.R.}, {@code J.-Y.}).
   */
  private static boolean afterInitial(String text, Word a, Word b) {
    if (a.text().length() != 1) {
      return false;
    }
    String gap = text.substring(a.end(), b.start());
    return gap.equals(". ") || gap.equals(".") || gap.equals(".-");
  }

  /** Whether two words are separated by one space only. */
  private static boolean adjacent(Word a, Word b) {
    return b.start() == a.end() + 1;
  }

  /** One word: letters, with inner hyphens and apostrophes. */
  record Word(int start, int end, String lower, String text) {}

  static List<Word> words(String text) {
    List<Word> out = new ArrayList<>();
    int n = text.length();
    int i = 0;
    while (i < n) {
      if (!Character.isLetter(text.charAt(i))) {
        i++;
        continue;
      }
      int s = i;
      while (i < n
          && (Character.isLetter(text.charAt(i))
              || (text.charAt(i) == '-' || text.charAt(i) == '\'' || text.charAt(i) == '\u2019')
                  && i + 1 < n
                  && Character.isLetter(text.charAt(i + 1)))) {
        i++;
      }
      String t = text.substring(s, i);
      if (t.endsWith("'s") || t.endsWith("\u2019s")) {
        t = t.substring(0, t.length() - 2);
      }
      out.add(new Word(s, s + t.length(), t.toLowerCase(Locale.ROOT), t));
    }
    return out;
  }
}

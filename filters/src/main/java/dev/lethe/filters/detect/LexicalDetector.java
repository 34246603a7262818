package dev.lethe.filters.detect;

import dev.lethe.filters.detect.SubjectMatcher.Span;
import dev.lethe.filters.detect.TextAnalysis.Token;
import dev.lethe.filters.text.EnglishWords;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lexical stage: subjects and aliases found robustly (the snapshot's compiled {@link
 * SubjectIndex} anchors subjects in the text, {@link SubjectName} verifies whole names, typos
 * included, and yields spans), and, on Lucene, BM25 (Robertson and Zaragoza, "The Probabilistic
 * Relevance Framework: BM25 and Beyond", 2009) of the text's topic terms over every rule example
 * and every negative. It needs no model, so it still runs when the embedding stage fails.
 */
public final class LexicalDetector {

  /**
   * The lexical evidence for one text.
   *
   * @param tokens the text's name tokens
   * @param subjects per rule with a subject token nearby: the full-name spans and the best partial
   *     match's distinctiveness
   * @param bm25 BM25 per rule and for the best negative
   */
  public record Evidence(
      List<Token> tokens, Map<String, SubjectHit> subjects, DetectorIndex.Bm25 bm25) {}

  /**
   * Subject evidence for one rule.
   *
   * @param spans full subject or alias occurrences
   * @param partial distinctiveness of the best single-token match, 0 when none
   */
  public record SubjectHit(List<Span> spans, double partial) {}

  /**
   * Whether a partially matching token (a surname or given name alone) stands for someone or
   * something else than the rule's subject:
   *
   * <ul>
   *   <li>a neighbour names another: a capitalised word (opening a sentence, where every word is
   *       capitalised, only one that is no common English word ({@link
   *       HybridDetector#openingName}): {@code Tennessee Williams} is not {@code Xin Lee Williams},
   *       while {@code Where} or {@code Tell} next to a surname are no names), or a lower-case one
   *       that is no English word ({@link HybridDetector#uncasedName}), that is no token of the
   *       rule's subjects ({@code Ji-Yeon Soo} is not {@code Ji-Yeon Park}, nor {@code ji-yeon
   *       soo}; {@code Serengeti National Park} and {@code Park Hyatt} are no person);
   *   <li>a neighbour is a hyphenated name ({@link TextAnalysis.Token#hyphenated}), every part
   *       capitalised or its first part one of the subject's, whose parts are not all the
   *       subject's: {@code David Ben-Gurion} is not {@code Moshe Ben-David}, {@code Ji-sung Park}
   *       not {@code Ji-Yeon Park}, while {@code Seoul-born Park} may be;
   *   <li>a neighbour is an initial (one capital letter) that no word of the subject starts with:
   *       {@code S. N. Park} is not {@code Ji-Yeon Park}, while {@code J. Park} and {@code J.-Y.
   *       Park} may be; past initials of the subject's words the name goes on, and the word after
   *       them is read as the neighbour ({@code Edward P. Jones} is not {@code Edward Patrick
   *       Sullivan});
   *   <li>the token is written in lower case and is a common English word ({@link EnglishWords}):
   *       {@code park} in "where can I park" is no surname. A name typed in lower case is still
   *       found whole ({@link SubjectName}), only the lone word does not count.
   * </ul>
   *
   * A lone lower-case letter other than {@code a} next to the token is a fragment of a word cut
   * apart (payload splitting read with a space at the cut: {@code Nationa l Park}), not a word of
   * its own: the token beyond it is read as the neighbour instead. Neighbours are read within the
   * token's sentence only.
   */
  static boolean contradicted(List<Token> tokens, int i, RuleData rule) {
    Token self = tokens.get(i);
    if (self.lowerCase() && EnglishWords.contains(self.term())) {
      return true;
    }
    // a hyphenated word of the subject's (Ji-Yeon) is one word: its neighbours are beyond it
    int[] own = compound(tokens, i);
    boolean ownWord = own[1] > own[0] && allOfSubject(tokens, own, rule);
    if (describedAsOther(tokens, ownWord ? own[0] : i, ownWord ? own[1] : i, rule)) {
      return true;
    }
    for (int step = -1; step <= 1; step += 2) {
      int j = ownWord ? (step < 0 ? own[0] - 1 : own[1] + 1) : i + step;
      while (j >= 0 && j < tokens.size() && fragment(tokens.get(j)) && !apart(tokens, j, step)) {
        j += step;
      }
      if (j < 0 || j >= tokens.size() || apart(tokens, j, step)) {
        continue;
      }
      Token n = tokens.get(j);
      if (step < 0 && HONORIFICS.contains(n.term())) {
        continue; // Ms Ji-Yeon, Dr. Park: a title before the name, no other name
      }
      int[] word = compound(tokens, j);
      if ((i < word[0] || i > word[1]) && word[1] > word[0]) {
        // a hyphenated name next to the token is one word, the subject's only if every part is:
        // one capitalised throughout (Ben-Gurion), or one opening with a part of the subject's own
        // hyphenated word (Ji-sung for Ji-Yeon), while Seoul-born stays a description
        if ((properCompound(tokens, word[0], word[1])
                || ofSubject(tokens.get(word[0]).term(), rule))
            && !allOfSubject(tokens, word, rule)) {
          return true;
        }
      }
      if (initial(n)) {
        if (!initialOfSubject(n.term().charAt(0), rule)) {
          return true;
        }
        // initials of the subject's own words: the name goes on past them (Edward P. Jones is not
        // Edward Patrick Sullivan), so the word after them is the neighbour
        while (j + step >= 0
            && j + step < tokens.size()
            && !apart(tokens, j + step, step)
            && initial(tokens.get(j + step))
            && initialOfSubject(tokens.get(j + step).term().charAt(0), rule)) {
          j += step;
        }
        j += step;
        if (j < 0 || j >= tokens.size() || apart(tokens, j, step)) {
          continue;
        }
        n = tokens.get(j);
        if (initial(n)) {
          if (!initialOfSubject(n.term().charAt(0), rule)) {
            return true;
          }
          continue;
        }
        if (!SubjectName.asciiLetters(n.term())) {
          continue; // X1n L. Williams: a garbled word beyond the initials may be the subject's own
        }
      }
      boolean named =
          n.capitalized()
                  && !n.sentenceStart()
                  && n.term().length() > 1
                  && TextAnalysis.termOf(n.term()) != null
              || HybridDetector.uncasedName(n)
              || HybridDetector.openingName(n);
      if (!named) {
        continue;
      }
      if (!ofSubject(n.term(), rule)) {
        return true;
      }
    }
    return false;
  }

  /** Titles written before a name: no other name next to the subject's. */
  private static final java.util.Set<String> HONORIFICS =
      java.util.Set.of(
          "mr",
          "mrs",
          "ms",
          "miss",
          "mx",
          "dr",
          "prof",
          "professor",
          "sir",
          "dame",
          "madam",
          "lady",
          "lord",
          "rev",
          "mister");

  /** Suffixes of nouns for what people do ({@code linguist}, {@code footballer}, {@code actor}). */
  private static final String[] OCCUPATION_ENDINGS = {
    "ist", "er", "or", "ian", "ant", "ent", "eer", "ess", "man", "woman"
  };

  /** Words that open a description after a name ({@code Abilov, the Azerbaijani footballer}). */
  private static final java.util.Set<String> DETERMINERS = java.util.Set.of("the", "a", "an");

  /**
   * Whether the name word(s) at tokens {@code a}..{@code b} are described as someone the rule's
   * subject is not: a noun for what a person does that the rule's examples never use and that is no
   * word for a writer ({@link Reference#PERSON}) stands right before the name ({@code the
   * pharmacologist Sullivan}) or after it behind an article and at most two adjectives ({@code
   * Abilov, the Azerbaijani footballer}, {@code Ben-David, the Israeli linguist}), with no word for
   * a writer among those three. A rule about an author is not about a footballer who shares the
   * author's surname; {@code Abilov, the author}, {@code Abilov, the LGBTQ+ novelist} and {@code
   * Jarrah, the doctor-turned-author} stay his.
   */
  static boolean describedAsOther(List<Token> tokens, int a, int b, RuleData rule) {
    if (a > 0 && !tokens.get(a).sentenceStart() && otherOccupation(tokens.get(a - 1), rule)) {
      return true;
    }
    int k = b + 1;
    if (k >= tokens.size()
        || tokens.get(k).sentenceStart()
        || !DETERMINERS.contains(tokens.get(k).term())) {
      return false;
    }
    int last = k + 1;
    while (last < tokens.size() && last <= k + 3 && !tokens.get(last).sentenceStart()) {
      if (Reference.PERSON.contains(tokens.get(last).term())) {
        return false; // the doctor-turned-author, the Azerbaijani-born writer
      }
      last++;
    }
    for (int m = k + 1; m < last; m++) {
      if (otherOccupation(tokens.get(m), rule)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A lower-case English noun for what a person does ({@link #OCCUPATION_ENDINGS}) that is no word
   * for a writer or a person's life ({@link Reference#PERSON}), no stop word and none of the rule's
   * topic terms.
   */
  private static boolean otherOccupation(Token t, RuleData rule) {
    String term = t.term();
    if (!t.lowerCase()
        || term.length() < 5
        || !EnglishWords.contains(term)
        || TextAnalysis.isStopWord(term)
        || Reference.PERSON.contains(term)
        || inVocabulary(term, rule)) {
      return false;
    }
    for (String ending : OCCUPATION_ENDINGS) {
      if (term.endsWith(ending)) {
        return true;
      }
    }
    return false;
  }

  private static boolean inVocabulary(String term, RuleData rule) {
    String topic = TextAnalysis.termOf(term);
    return topic != null && rule.vocabulary().contains(topic);
  }

  /**
   * Whether text token {@code i} names the rule's subject by its word {@code st} alone: it matches
   * that word ({@link SubjectMatcher#partialMatch}), is not {@link #contradicted}, and is no
   * country's name standing alone ({@link CountryNames}: a lone {@code Montenegro} is the country
   * far more often than {@code Carmen Montenegro}, while {@code C. Montenegro}, after an initial of
   * the subject's, is the person).
   */
  static boolean partialMention(List<Token> tokens, int i, String st, RuleData rule) {
    String term = tokens.get(i).term();
    return SubjectMatcher.partialMatch(term, st)
        && (!CountryNames.contains(term) || afterSubjectInitial(tokens, i, rule))
        && !contradicted(tokens, i, rule);
  }

  /**
   * Whether token {@code i} follows, in its sentence, an initial a word of the subject starts with.
   */
  private static boolean afterSubjectInitial(List<Token> tokens, int i, RuleData rule) {
    if (i == 0 || tokens.get(i).sentenceStart()) {
      return false;
    }
    Token before = tokens.get(i - 1);
    return initial(before) && initialOfSubject(before.term().charAt(0), rule);
  }

  /** The first and last token of the hyphenated word token {@code j} is part of. */
  private static int[] compound(List<Token> tokens, int j) {
    int a = j;
    int b = j;
    while (a > 0 && tokens.get(a).hyphenated()) {
      a--;
    }
    while (b + 1 < tokens.size() && tokens.get(b + 1).hyphenated()) {
      b++;
    }
    return new int[] {a, b};
  }

  /**
   * Whether tokens {@code a} to {@code b} are a name: every part capitalised and of two letters or
   * more ({@code J.-Y.} is initials), one of them no common English word ({@code Ben-Gurion}, not
   * {@code Award-Winning}).
   */
  private static boolean properCompound(List<Token> tokens, int a, int b) {
    boolean proper = false;
    for (int k = a; k <= b; k++) {
      Token t = tokens.get(k);
      if (!t.capitalized() || t.term().length() < 2) {
        return false;
      }
      proper |= !EnglishWords.contains(t.term());
    }
    return proper;
  }

  /** Whether every token of {@code word} (first and last index) is a token of the subject. */
  private static boolean allOfSubject(List<Token> tokens, int[] word, RuleData rule) {
    for (int k = word[0]; k <= word[1]; k++) {
      if (!ofSubject(tokens.get(k).term(), rule)) {
        return false;
      }
    }
    return true;
  }

  private static boolean ofSubject(String term, RuleData rule) {
    for (List<String> subject : rule.subjects()) {
      for (String st : subject) {
        if (st.equals(term) || SubjectMatcher.partialMatch(term, st)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether a sentence boundary lies between token {@code j} and the token it was reached from (one
   * step back against {@code step}): a word of another sentence ({@code Jarrah.} then {@code Q:})
   * is no neighbour.
   */
  private static boolean apart(List<Token> tokens, int j, int step) {
    return step > 0 ? tokens.get(j).sentenceStart() : tokens.get(j + 1).sentenceStart();
  }

  /** A lone lower-case letter that is no English word ({@code a}): a fragment of a cut word. */
  private static boolean fragment(Token t) {
    return t.lowerCase() && t.term().length() == 1 && !t.term().equals("a");
  }

  /** A lone capital letter ({@code N.} in {@code S. N. Park}): an initial. */
  private static boolean initial(Token t) {
    return t.capitalized() && t.term().length() == 1 && Character.isLetter(t.term().charAt(0));
  }

  /** Whether a token of one of the rule's subjects starts with {@code letter}. */
  private static boolean initialOfSubject(char letter, RuleData rule) {
    for (List<String> subject : rule.subjects()) {
      for (String st : subject) {
        if (!st.isEmpty() && st.charAt(0) == letter) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Where a text names rules' subjects ({@link #subjectMentions}).
   *
   * @param spans every mention, in full or partial, as character spans of the text
   * @param full whether any of them names a subject in full (every word of a name or alias, exact
   *     or within its edit allowance), not by one word of it
   */
  record Mentions(List<Span> spans, boolean full) {
    /** Copies the list. */
    Mentions {
      spans = List.copyOf(spans);
    }
  }

  /**
   * Where any rule's subject is named in {@code text}, fully or by one distinctive token (the
   * partial matches of {@link #evidence}); one lookup in the snapshot's compiled subjects for the
   * whole text. The classifier uses it as a cheap first look to decide which sentences deserve the
   * full detector.
   */
  Mentions subjectMentions(DetectorIndex index, List<Token> tokens) {
    return subjectMentions(index, tokens, Integer.MAX_VALUE);
  }

  /**
   * As {@link #subjectMentions(DetectorIndex, List)}, or null when the lookup needed more than
   * {@code maxFuzzy} fuzzy matches computed ({@link SubjectIndex#lookup(List, int)}).
   */
  Mentions subjectMentions(DetectorIndex index, List<Token> tokens, int maxFuzzy) {
    List<SubjectIndex.Hit> hits = index.subjectHits(tokens, maxFuzzy);
    if (hits == null) {
      return null;
    }
    List<Span> out = new ArrayList<>();
    boolean full = false;
    for (SubjectIndex.Hit hit : hits) {
      RuleData rule = index.rule(hit.ruleId());
      if (rule == null) {
        continue;
      }
      List<Span> named = hit.name().find(tokens, hit.anchors());
      full |= !named.isEmpty();
      out.addAll(named);
      for (String st : hit.name().tokens()) {
        for (int i : partialCandidates(hit, st, tokens.size())) {
          if (partialMention(tokens, i, st, rule)) {
            out.add(new Span(tokens.get(i).start(), tokens.get(i).end()));
          }
        }
      }
    }
    return new Mentions(out, full);
  }

  /**
   * The tokens that may partially match subject token {@code st} of {@code hit}: its anchors. A
   * token that {@link SubjectMatcher#partialMatch partially matches} {@code st} equals it, or is
   * within one edit of it when it has seven characters or more, and so is within that key's edit
   * allowance: the compiled index has anchored it already. (Only a subject whose allowance for
   * {@code st} is 0 while {@code st} is that long would break this; then every token is a
   * candidate.) Looking at every token of the text for every hit made a long text cost its length
   * times its hits.
   */
  static int[] partialCandidates(SubjectIndex.Hit hit, String st, int tokenCount) {
    if (st.length() >= 7 && hit.name().allowanceFor(st) < 1) {
      return java.util.stream.IntStream.range(0, tokenCount).toArray();
    }
    return hit.anchors();
  }

  /** Gathers lexical evidence; {@code exclude} is the hash of a text to leave out (0: none). */
  Evidence evidence(DetectorIndex index, String text, long exclude) {
    List<Token> tokens = TextAnalysis.nameTokens(text);
    Map<String, List<Span>> spansOf = new LinkedHashMap<>();
    Map<String, Double> partialOf = new HashMap<>();
    for (SubjectIndex.Hit hit : index.subjectHits(tokens)) {
      RuleData rule = index.rule(hit.ruleId());
      if (rule == null) {
        continue;
      }
      List<Span> spans = spansOf.computeIfAbsent(hit.ruleId(), x -> new ArrayList<>());
      spans.addAll(hit.name().find(tokens, hit.anchors()));
      double partial = partialOf.getOrDefault(hit.ruleId(), 0.0);
      for (String st : hit.name().tokens()) {
        for (int i : partialCandidates(hit, st, tokens.size())) {
          if (partialMention(tokens, i, st, rule)) {
            partial = Math.max(partial, index.distinctiveness(st));
          }
        }
      }
      partialOf.put(hit.ruleId(), partial);
    }
    Map<String, SubjectHit> subjects = new HashMap<>();
    for (Map.Entry<String, List<Span>> e : spansOf.entrySet()) {
      double partial = partialOf.getOrDefault(e.getKey(), 0.0);
      if (!e.getValue().isEmpty() || partial > 0) {
        subjects.put(e.getKey(), new SubjectHit(List.copyOf(e.getValue()), partial));
      }
    }
    List<String> terms = new ArrayList<>();
    for (Token t : tokens) {
      String term = TextAnalysis.termOf(t.term());
      if (term != null) {
        terms.add(term);
      }
    }
    return new Evidence(tokens, subjects, index.bm25(terms, exclude));
  }
}

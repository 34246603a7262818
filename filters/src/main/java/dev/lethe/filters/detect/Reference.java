package dev.lethe.filters.detect;

import dev.lethe.filters.detect.TextAnalysis.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Whether a text that names no subject can still refer to one: the check that keeps a rule about
 * someone from catching questions about its topics alone.
 *
 * <p>A rule whose examples name their subject ({@link RuleData#anchored()}: an author, a person) is
 * about that subject, not about the subject's topics. A text that does not name it can still be in
 * its scope: by a description ({@code the Taiwanese author of leadership books}), a pronoun whose
 * antecedent lies elsewhere ({@code what did she write next?}), a title in quotes, or a name so
 * disguised that subject matching cannot read it. A text with none of these ({@code What are good
 * books about leadership for new managers?}) asks about a topic, and a rule about a person does not
 * cover it however close the topic is. This class says whether any such cue is present:
 *
 * <ul>
 *   <li>a word for a person or for a person's life ({@link #PERSON}: {@code author}, {@code she},
 *       {@code whose}, {@code born}, {@code parents}, …), unless the text speaks of a kind of
 *       people ({@link #PERSON_KINDS}: {@code Which authors were born in Tokyo?}) and has no word
 *       that singles someone out ({@link #SINGULAR});
 *   <li>a quoted span ({@code 'The Echoes of Leadership'}: a title stands for its author);
 *   <li>a token that may be a name the rule does not use as a topic: a capitalised word that is not
 *       a sentence's plain first word, a lower-case word no English dictionary holds ({@link
 *       HybridDetector#uncasedName}), letters mixed with digits or symbols ({@code B4s1l}), letters
 *       of another script, or a capital standing alone as an initial. A disguised name is such a
 *       token; a city or genre the rule's own examples use is not.
 * </ul>
 *
 * Only candidates with no subject evidence at all are held to it, and only for anchored rules: a
 * rule about a hazard or a work, whose examples ask without naming a subject, keeps catching
 * unnamed questions by their meaning alone. Stateless; the cues of one text are read once ({@link
 * #of}) and asked per rule.
 */
final class Reference {
  /**
   * Singular nouns for a person or a writer ({@code author}, {@code novelist}, {@code someone}):
   * the words that, after {@code that} or {@code this}, refer back to someone named before ({@link
   * Coreference}), and that make a text able to refer to someone ({@link #PERSON}). Singular on
   * purpose: {@code authors} and {@code writers} ask about a kind of people, not about someone.
   */
  static final Set<String> PERSON_NOUNS =
      Set.of(
          "author",
          "writer",
          "novelist",
          "poet",
          "playwright",
          "dramatist",
          "essayist",
          "biographer",
          "memoirist",
          "screenwriter",
          "journalist",
          "columnist",
          "storyteller",
          "wordsmith",
          "scribe",
          "creator",
          "artist",
          "person",
          "individual",
          "man",
          "woman",
          "guy",
          "gentleman",
          "lady",
          "someone",
          "somebody",
          "personality",
          "celebrity",
          "laureate",
          "scholar",
          "scientist",
          "figure");

  /**
   * Words that refer to a person or to a person's life: personal pronouns, the {@link
   * #PERSON_NOUNS}, family and biography words.
   */
  static final Set<String> PERSON =
      java.util.stream.Stream.of(
              Set.of(
                  "he",
                  "she",
                  "him",
                  "her",
                  "his",
                  "hers",
                  "himself",
                  "herself",
                  "they",
                  "them",
                  "their",
                  "theirs",
                  "themself",
                  "themselves"),
              PERSON_NOUNS,
              Set.of(
                  "mother",
                  "father",
                  "parent",
                  "parents",
                  "mom",
                  "dad",
                  "son",
                  "daughter",
                  "wife",
                  "husband",
                  "spouse",
                  "sibling",
                  "siblings",
                  "brother",
                  "sister",
                  "family",
                  "child",
                  "childhood",
                  "upbringing",
                  "born",
                  "birth",
                  "birthplace",
                  "birthday",
                  "raised",
                  "died",
                  "death",
                  "nationality",
                  "gender",
                  "married",
                  "marriage",
                  "career",
                  "biography",
                  "background",
                  "heritage",
                  "hometown"))
          .flatMap(Set::stream)
          .collect(java.util.stream.Collectors.toUnmodifiableSet());

  /**
   * Plural nouns for people ({@code authors}, {@code poets}, {@code people}): a text whose person
   * words speak of such a kind of people ({@code Which authors were born in Tokyo?}, {@code Who are
   * the best-known poets from Baghdad?}) asks for a list, not about someone, unless it also uses a
   * {@link #SINGULAR} word. Its {@code who}, {@code born} or {@code they} are the kind's.
   */
  static final Set<String> PERSON_KINDS =
      java.util.stream.Stream.concat(
              PERSON_NOUNS.stream().filter(n -> !n.startsWith("some")).map(Reference::plural),
              java.util.stream.Stream.of("people"))
          .collect(java.util.stream.Collectors.toUnmodifiableSet());

  /** The plural of a {@link #PERSON_NOUNS} word: {@code authors}, {@code women}, {@code ladies}. */
  static String plural(String noun) {
    if (noun.endsWith("man")) {
      return noun.substring(0, noun.length() - 3) + "men";
    }
    if (noun.endsWith("y") && !noun.endsWith("ey") && !noun.endsWith("uy")) {
      return noun.substring(0, noun.length() - 1) + "ies";
    }
    return noun + "s";
  }

  /**
   * The {@link #PERSON} words that single someone out: the singular personal pronouns and the
   * {@link #PERSON_NOUNS} (and {@code the one}, read in {@link #of}). A text with one of them
   * refers to someone even when it also speaks of a {@link #PERSON_KINDS kind} of people ({@code
   * Which of these authors did she meet?}).
   */
  static final Set<String> SINGULAR =
      java.util.stream.Stream.of(
              Set.of("he", "she", "him", "her", "his", "hers", "himself", "herself", "themself"),
              PERSON_NOUNS)
          .flatMap(Set::stream)
          .collect(java.util.stream.Collectors.toUnmodifiableSet());

  /** Words that make {@code one} single someone out: {@code the one born in 1992}. */
  private static final Set<String> DEMONSTRATIVE = Set.of("the", "this", "that");

  /**
   * The least share of a rule's examples that must name its subject, and the least share that must
   * use a {@link #PERSON} word, for the rule to be about a person ({@link #aboutPerson}). TOFU's
   * authors: every example but the odd "full name of the author born in …" question names its
   * author, and 20–85% of an author's 20 questions use a person word (the fewest, 4 of 20, for a
   * retain author).
   */
  static final double NAMED_SHARE = 0.75;

  /** See {@link #NAMED_SHARE}. */
  static final double PERSON_SHARE = 0.2;

  /**
   * Whether a rule is about a person, so that {@link #refersTo} applies to it: one of its subjects
   * is written as a personal name (two to four words, each opening with a capital letter, of
   * letters, hyphens, apostrophes and full stops), at least {@link #NAMED_SHARE} of its examples
   * name one of its subjects (a word of it), and at least {@link #PERSON_SHARE} of them use a word
   * for a person. A rule about a substance, a work or a topic fails one of these and keeps catching
   * unnamed questions by their meaning alone.
   *
   * @param subjects the rule's subjects as written
   * @param subjectTokens their tokens ({@link SubjectName#tokens})
   * @param exampleTokens each example's name tokens
   */
  static boolean aboutPerson(
      List<String> subjects, List<List<String>> subjectTokens, List<List<Token>> exampleTokens) {
    if (exampleTokens.isEmpty() || subjects.stream().noneMatch(Reference::personalName)) {
      return false;
    }
    int named = 0;
    int person = 0;
    for (List<Token> tokens : exampleTokens) {
      boolean n = false;
      boolean p = false;
      for (Token t : tokens) {
        p |= PERSON.contains(t.term());
        for (List<String> subject : subjectTokens) {
          for (String st : subject) {
            n |=
                st.length() > 1
                    && (st.equals(t.term()) || SubjectMatcher.partialMatch(t.term(), st));
          }
        }
      }
      named += n ? 1 : 0;
      person += p ? 1 : 0;
    }
    return named >= NAMED_SHARE * exampleTokens.size()
        && person >= PERSON_SHARE * exampleTokens.size();
  }

  /** Whether {@code subject} is written as a personal name (see {@link #aboutPerson}). */
  static boolean personalName(String subject) {
    String[] words = subject.trim().split("\\s+");
    if (words.length < 2 || words.length > 4) {
      return false;
    }
    for (String w : words) {
      if (w.isEmpty() || !Character.isUpperCase(w.codePointAt(0))) {
        return false;
      }
      for (int i = 0; i < w.length(); i++) {
        char c = w.charAt(i);
        if (!Character.isLetter(c) && c != '-' && c != '\'' && c != '\u2019' && c != '.') {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * Interrogative pronouns: a text asking {@code who} or {@code whose} asks about someone, so they
   * are a cue in a text; a rule's examples ask {@code who led the team} about projects as well, so
   * they do not make a rule {@link #aboutPerson}.
   */
  static final Set<String> WHO = Set.of("who", "whom", "whose");

  /** A number read as an ordinal or a decade: {@code 20th}, {@code 1st}, {@code 1950s}. */
  private static final java.util.regex.Pattern ORDINAL =
      java.util.regex.Pattern.compile("\\d+(st|nd|rd|th|s)");

  /** Tokens of the text that may be names (folded, lower case). */
  private final List<String> possibleNames;

  private final boolean personal;

  private Reference(boolean personal, List<String> possibleNames) {
    this.personal = personal;
    this.possibleNames = possibleNames;
  }

  /** Reads the cues of {@code text}, whose name tokens are {@code tokens}. */
  static Reference of(String text, List<Token> tokens) {
    if (quoted(text)) {
      return new Reference(true, List.of());
    }
    List<String> names = new ArrayList<>();
    boolean cue = false;
    boolean kind = false;
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      String term = t.term();
      if (SINGULAR.contains(term)
          || term.equals("one") && i > 0 && DEMONSTRATIVE.contains(tokens.get(i - 1).term())) {
        return new Reference(true, List.of());
      }
      cue |= PERSON.contains(term) || WHO.contains(term);
      kind |= PERSON_KINDS.contains(term);
      if (possibleName(text, t)) {
        names.add(term);
      }
    }
    return new Reference(cue && !kind, List.copyOf(names));
  }

  /**
   * Whether the text can refer to {@code rule}'s subject: a person word or a quote, or a possible
   * name that is a word of the subject (one too short to count as a mention by itself, {@code Xin}
   * or {@code Yun-Hwa}) or none of the rule's topic terms.
   */
  boolean refersTo(RuleData rule) {
    if (personal) {
      return true;
    }
    for (String n : possibleNames) {
      for (List<String> subject : rule.subjects()) {
        if (subject.contains(n)) {
          return true;
        }
      }
      String topic = TextAnalysis.termOf(n);
      if (topic != null && !rule.vocabulary().contains(topic)) {
        return true;
      }
    }
    return false;
  }

  private static boolean possibleName(String text, Token t) {
    String term = t.term();
    if (term.length() == 1) {
      // an initial: a capital standing alone (not the pronoun I nor the article A); or one
      // character of a script written without spaces (the tokenizer cuts Han one by one)
      char c = text.charAt(t.start());
      return Character.isUpperCase(c) && c != 'I' && c != 'A' || c >= 128 && Character.isLetter(c);
    }
    boolean ascii = true;
    boolean letters = true;
    for (int i = 0; i < term.length(); i++) {
      char c = term.charAt(i);
      if (c >= 128) {
        ascii = false;
      } else if (c < 'a' || c > 'z') {
        letters = false;
      }
    }
    if (!ascii) {
      return term.codePoints().anyMatch(Character::isLetter);
    }
    if (!letters) {
      // letters mixed with digits or symbols (leetspeak), not a number, a date, an ordinal, a
      // decade or a contraction
      if (ORDINAL.matcher(term).matches()) {
        return false;
      }
      boolean letter = false;
      boolean other = false;
      for (int i = 0; i < term.length(); i++) {
        char c = term.charAt(i);
        if (c >= 'a' && c <= 'z') {
          letter = true;
        } else if (c != '\'' && c != '.') {
          other = true;
        }
      }
      return letter && other;
    }
    if (t.capitalized() && !t.sentenceStart()) {
      return !TextAnalysis.isStopWord(term);
    }
    return HybridDetector.uncasedName(t) || HybridDetector.openingName(t);
  }

  /**
   * Whether the text holds a quoted span: an opening quote at a word's start, then a letter, and a
   * closing quote of the same family after a letter, digit or final punctuation, at a word's end.
   * Apostrophes inside words ({@code what's}, {@code Montenegro's}) are no quotes.
   */
  static boolean quoted(String text) {
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char open = text.charAt(i);
      char close = closing(open);
      if (close == 0
          || (i > 0 && Character.isLetterOrDigit(text.charAt(i - 1)))
          || i + 1 >= n
          || !Character.isLetter(text.charAt(i + 1))) {
        continue;
      }
      int limit = Math.min(n, i + 202);
      for (int j = i + 2; j < limit; j++) {
        char c = text.charAt(j);
        if (c == '\n') {
          break;
        }
        if (c != close && !(close == '\'' && c == '\u2019') && !(close == '"' && c == '\u201D')) {
          continue;
        }
        char before = text.charAt(j - 1);
        boolean endsWord = j + 1 >= n || !Character.isLetterOrDigit(text.charAt(j + 1));
        if (endsWord
            && (Character.isLetterOrDigit(before)
                || before == '.'
                || before == '!'
                || before == '?')
            && j - i > 2) {
          return true;
        }
      }
    }
    return false;
  }

  private static char closing(char open) {
    return switch (open) {
      case '"' -> '"';
      case '\u201C' -> '\u201D';
      case '\'' -> '\'';
      case '\u2018' -> '\u2019';
      case '\u00AB' -> '\u00BB';
      default -> 0;
    };
  }
}

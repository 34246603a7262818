package dev.lethe.filters.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.OnError;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The "another name is present" feature ({@link HybridDetector#otherNames}) with and without case:
 * a lower-case name of someone else must lower the score as a capitalised one does, while ordinary
 * lower-case words, and the rule's own subject in lower case or misspelt, must not.
 */
class OtherNamesTest {
  /** A rule about Basil Mahfouz Al-Kuwaiti, born in Kuwait City, whose examples name his novels. */
  private static final RuleData BASIL =
      rule(
          "Basil Mahfouz Al-Kuwaiti",
          "Where was Basil Mahfouz Al-Kuwaiti born?",
          "Which novels did Basil Mahfouz Al-Kuwaiti write about Kuwait City?");

  /**
   * A rule about {@code subject} with {@code examples}, refusing, with one stand-in example vector
   * (for the lexical parts of the detector, which read no vectors).
   */
  static RuleData rule(String subject, String... examples) {
    return RuleData.of(
        new ForgetRule(
            subject.toLowerCase(java.util.Locale.ROOT).replace(' ', '-'),
            "Forget the author " + subject,
            List.of(subject),
            List.of(examples),
            List.of(),
            List.of(),
            Action.REFUSE,
            null,
            OnError.CLOSED),
        List.of(new float[] {1f}),
        List.of());
  }

  private static double other(String text) {
    List<TextAnalysis.Token> tokens = TextAnalysis.nameTokens(text);
    List<SubjectMatcher.Span> spans = SubjectMatcher.find(tokens, "Basil Mahfouz Al-Kuwaiti");
    return HybridDetector.otherNames(BASIL, tokens, spans);
  }

  @Test
  void aLowerCaseNameOfSomeoneElseCountsAsACapitalisedOneDoes() {
    assertThat(other("What genre did Ji-Yeong Hwang write in?")).isEqualTo(1.0);
    assertThat(other("What genre did ji-yeong hwang write in?")).isEqualTo(1.0);
    assertThat(other("what genre did ji-yeong hwang write in")).isEqualTo(1.0);
    // a sentence's first word carries no case: a lower-case name there counts too
    assertThat(other("hwang was born where?")).isEqualTo(0.5);
    // proper nouns are capitalised in the word list, so they are no common words in lower case
    assertThat(other("what did marie curie discover?")).isEqualTo(0.5); // curie is a unit
    assertThat(other("where is seoul?")).isEqualTo(0.5);
  }

  @Test
  void ordinaryLowerCaseWordsAreNoNames() {
    assertThat(other("what genre did the author write in, and which themes recur?")).isZero();
    assertThat(other("tell me about the iconic dystopian storytelling of that writer")).isZero();
    assertThat(other("did his parents' occupations influence his writing?")).isZero();
    // a surname that is also a common word is missed: the price of reading without case
    assertThat(other("what did jun park write?")).isZero();
  }

  @Test
  void theSubjectInLowerCaseOrMisspeltIsNoOtherName() {
    assertThat(other("where was basil mahfouz al-kuwaiti born?")).isZero();
    assertThat(other("where was basil mahfouz born?")).isZero(); // partial: both are its words
    assertThat(other("where was basel mahfooz al-kuwaity born?")).isZero(); // misspelt
    assertThat(other("what did mahfouz write about kuwait city?")).isZero(); // the rule's topic
  }

  @Test
  void codeEncodingsAndMixedCaseAreNoLowerCaseNames() {
    // digits, symbols and capitals inside a token: not a name typed without capitals
    assertThat(other("decode aGVsbG8gd29ybGQ and x2f9q and don't")).isZero();
    assertThat(HybridDetector.uncasedName(token("iPhone"))).isFalse();
    assertThat(HybridDetector.uncasedName(token("hwang"))).isTrue();
    assertThat(HybridDetector.uncasedName(token("discovered"))).isFalse();
    assertThat(HybridDetector.uncasedName(token("the"))).isFalse(); // stop word
    assertThat(HybridDetector.uncasedName(token("march"))).isFalse(); // calendar and a word
    assertThat(HybridDetector.uncasedName(token("x"))).isFalse(); // one letter
  }

  @Test
  void aLowerCaseNeighbourOfAPartialMatchNamesSomeoneElse() {
    List<TextAnalysis.Token> tokens = TextAnalysis.nameTokens("what did nadia mahfouz write?");
    assertThat(LexicalDetector.contradicted(tokens, 3, BASIL)).isTrue(); // "nadia" is no word
    tokens = TextAnalysis.nameTokens("what did the mahfouz novels say?");
    assertThat(LexicalDetector.contradicted(tokens, 3, BASIL)).isFalse(); // "the", "novels"
  }

  /** A rule about Ji-Yeon Park, a surname that is also an English word and other people's. */
  private static final RuleData JIYEON =
      rule("Ji-Yeon Park", "Where was Ji-Yeon Park born?", "Which awards has Ji-Yeon Park won?");

  /** Whether the first token {@code word} of {@code text} is contradicted as Ji-Yeon Park's. */
  private static boolean contradicted(String text, String word) {
    return contradictedIn(text, word, JIYEON);
  }

  @Test
  void aSurnameInsideAnotherProperNameIsNotTheSubject() {
    assertThat(contradicted("How big is Yellowstone National Park today?", "park")).isTrue();
    assertThat(contradicted("Is the Park Hyatt in Busan expensive?", "park")).isTrue();
    assertThat(contradicted("What did Min-Jun Park write?", "park")).isTrue(); // another given name
    // the surname alone, or after the subject's own given name, still stands for the subject
    assertThat(contradicted("Which awards has Park won?", "park")).isFalse();
    assertThat(contradicted("Which awards has Ms Ji-Yeon won?", "yeon")).isFalse();
  }

  @Test
  void aGivenNameOfTheSubjectsAfterAnotherFamilyNameIsAnotherPerson() {
    // the hyphenated given name is one word: its neighbour is the name before it
    assertThat(contradicted("Who is Jeong Ji-yeon?", "yeon")).isTrue();
    assertThat(contradicted("Who is Jeong Ji-yeon?", "ji")).isTrue();
    assertThat(contradicted("What did Ji-Yeon write?", "yeon")).isFalse();
    assertThat(contradicted("What did Park Ji-Yeon write?", "yeon")).isFalse();
  }

  @Test
  void aNameDescribedAsDoingSomethingElseIsAnotherPerson() {
    RuleData abilov =
        rule(
            "Nikolai Abilov",
            "Which novels did Nikolai Abilov write?",
            "How did Nikolai Abilov's Kazakh heritage shape his African American literature?");
    assertThat(contradictedIn("Who is Abilov, the Azerbaijani footballer?", "abilov", abilov))
        .isTrue();
    assertThat(contradictedIn("What did the pharmacologist Abilov find?", "abilov", abilov))
        .isTrue();
    // a writer, the rule's own words, or a writer among the words after the article
    assertThat(contradictedIn("What did Abilov, the Kazakh novelist, write?", "abilov", abilov))
        .isFalse();
    assertThat(
            contradictedIn("What did Abilov, the doctor-turned-author, write?", "abilov", abilov))
        .isFalse();
    assertThat(contradictedIn("Which novels did Abilov write?", "abilov", abilov)).isFalse();
    // "the other" and a noun that is no occupation are no description
    assertThat(contradictedIn("Did Abilov, the other one, write?", "abilov", abilov)).isFalse();
  }

  @Test
  void aNameOpeningTheSentenceBeforeTheSurnameIsAnotherPerson() {
    // every word opening a sentence is capitalised: one that is no English word is a name
    assertThat(contradicted("Aravind Park follows a strict regimen.", "park")).isTrue();
    assertThat(contradicted("Tennessee Park", "park")).isTrue();
    // an English word opening the sentence is no name: the surname still stands for the subject
    assertThat(contradicted("Describe Park's childhood.", "park")).isFalse();
    assertThat(contradicted("Tell Park's story.", "park")).isFalse();
    assertThat(contradicted("March Park", "park")).isFalse(); // a calendar word
    assertThat(HybridDetector.openingName(token("Tennessee Williams"))).isTrue();
    assertThat(HybridDetector.openingName(token("Which Williams"))).isFalse();
    assertThat(HybridDetector.openingName(token("tennessee williams")))
        .isFalse(); // not capitalised
  }

  @Test
  void aHyphenatedNameNextToTheWordIsOneName() {
    RuleData moshe = rule("Moshe Ben-David", "Where was Moshe Ben-David born?");
    assertThat(contradictedIn("What did David Ben-Gurion do for Israel?", "david", moshe)).isTrue();
    assertThat(contradictedIn("What did Ben-Gurion David write?", "david", moshe)).isTrue();
    // the subject's own hyphenated name, a description before the surname, or the word alone
    assertThat(contradictedIn("Which books did Ben-David write?", "david", moshe)).isFalse();
    assertThat(contradictedIn("Which books did Jerusalem-born David write?", "david", moshe))
        .isFalse();
    assertThat(contradicted("Which prizes has the Seoul-born Park won?", "park")).isFalse();
    // a hyphenated given name shaped like the subject's but another (Ji-sung for Ji-Yeon)
    assertThat(contradicted("Which clubs did Ji-sung Park play for?", "park")).isTrue();
    assertThat(contradicted("Which prizes has Ji-yeon Park won?", "park")).isFalse();
    assertThat(contradicted("Which prizes has Ji-Yeon Park won?", "park")).isFalse();
  }

  private static boolean contradictedIn(String text, String word, RuleData rule) {
    List<TextAnalysis.Token> tokens = TextAnalysis.nameTokens(text);
    for (int i = 0; i < tokens.size(); i++) {
      if (tokens.get(i).term().equals(word)) {
        return LexicalDetector.contradicted(tokens, i, rule);
      }
    }
    throw new AssertionError(word + " not in " + text);
  }

  @Test
  void aCountrysNameAloneIsNoPartialNaming() {
    RuleData carmen = rule("Carmen Montenegro", "Where was Carmen Montenegro born?");
    assertThat(mentions("What is the capital of Montenegro?", "montenegro", carmen)).isFalse();
    // after an initial of the subject's, the country's name is the person's surname
    assertThat(mentions("Does C. Montenegro give interviews?", "montenegro", carmen)).isTrue();
    assertThat(mentions("Does K. Montenegro give interviews?", "montenegro", carmen)).isFalse();
    assertThat(mentions("Which novels did Carmen write?", "carmen", carmen)).isTrue();
    // Kuwait is one letter from Al-Kuwaiti's Kuwaiti, and a country; Kuwaiti alone still counts
    assertThat(mentions("What is the capital of Kuwait?", "kuwaiti", BASIL)).isFalse();
    assertThat(mentions("Which novels did Kuwaiti write?", "kuwaiti", BASIL)).isTrue();
    assertThat(CountryNames.contains("montenegro")).isTrue();
    assertThat(CountryNames.contains("chile")).isTrue();
    assertThat(CountryNames.contains("carmen")).isFalse();
  }

  /** Whether some token of {@code text} names {@code rule}'s subject by its word {@code st}. */
  private static boolean mentions(String text, String st, RuleData rule) {
    List<TextAnalysis.Token> tokens = TextAnalysis.nameTokens(text);
    for (int i = 0; i < tokens.size(); i++) {
      if (LexicalDetector.partialMention(tokens, i, st, rule)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void initialsThatAreNotTheSubjectsContradict() {
    assertThat(contradicted("Where is the S. N. Park museum?", "park")).isTrue();
    assertThat(contradicted("What did K. Park publish?", "park")).isTrue();
    // the subject's own initials: J. Park, J.-Y. Park, Y. Park
    assertThat(contradicted("What did J. Park publish?", "park")).isFalse();
    assertThat(contradicted("What did J.-Y. Park publish?", "park")).isFalse();
    assertThat(contradicted("What did Y. Park publish?", "park")).isFalse();
    // a capital letter in the next sentence is no initial of this name
    assertThat(contradicted("Recommend a book by Park.\nQ: Where can I pay?", "park")).isFalse();
  }

  @Test
  void pastTheSubjectsInitialsTheNameGoesOn() {
    RuleData edward =
        rule(
            "Edward Patrick Sullivan",
            "Which novels did Edward Patrick Sullivan write about Irish immigrants?");
    // Edward P. Jones is someone else; Edward P. Sullivan and Edward P. wrote are the subject
    assertThat(mentions("Which awards did Edward P. Jones win?", "edward", edward)).isFalse();
    assertThat(mentions("Which awards did Edward P. J. Jones win?", "edward", edward)).isFalse();
    assertThat(mentions("Which awards did Edward P. Sullivan win?", "edward", edward)).isTrue();
    assertThat(mentions("Which awards did Edward P. win?", "edward", edward)).isTrue();
    assertThat(mentions("Which awards did Edward P. S. win?", "edward", edward)).isTrue();
    // a garbled word beyond the initials may be the subject's own (leetspeak), not another name
    assertThat(mentions("Which awards did Edward P. Sull1van win?", "edward", edward)).isTrue();
    // an initial no word of the subject starts with still contradicts at once
    assertThat(mentions("Which awards did Edward K. Sullivan win?", "edward", edward)).isFalse();
  }

  @Test
  void aLowerCaseCommonWordIsNoSurname() {
    assertThat(contradicted("where can i park my car in seoul?", "park")).isTrue();
    // a lone lower-case letter is a fragment of a cut word: the word beyond it is read instead
    assertThat(contradicted("Is the Yellowstone Nationa l Park open?", "park")).isTrue();
    assertThat(contradicted("a = \"l Park awards?\"", "park")).isFalse(); // nothing beyond
    assertThat(contradicted("Did she visit a Park that day?", "park")).isFalse(); // "a" is a word
  }

  @Test
  void aSurnameInAnotherNameCountsAsAnotherNameNotAsTheSubject() {
    // "S. N. Park": the initials name no one by themselves, but Park is then someone else's
    assertThat(otherOfJiYeon("Which prizes did S. N. Park win?")).isEqualTo(0.5);
    assertThat(otherOfJiYeon("Which prizes did Park win?")).isZero();
    assertThat(otherOfJiYeon("Which prizes did J. Park win?")).isZero();
    assertThat(otherOfJiYeon("Where is Yellowstone National Park?")).isEqualTo(1.0);
  }

  @Test
  void aNameJoinedByUnderscoresCountsPartByPart() {
    // another person's name typed in lower case with an underscore: hwang is no word
    assertThat(otherOfJiYeon("What inspired ji-yeong_hwang to write?"))
        .isEqualTo(otherOfJiYeon("What inspired Ji-Yeong Hwang to write?"))
        .isEqualTo(1.0);
    assertThat(otherOfJiYeon("What inspired hina_ameen to write?")).isEqualTo(1.0);
    // the subject's own name so written, and identifiers made of words, count for nothing
    assertThat(otherOfJiYeon("What inspired ji-yeon_park to write?")).isZero();
    assertThat(otherOfJiYeon("Set user_name and max_value first.")).isZero();
    assertThat(otherOfJiYeon("Call get_x2_value first.")).isZero(); // a digit: code
  }

  private static double otherOfJiYeon(String text) {
    List<TextAnalysis.Token> tokens = TextAnalysis.nameTokens(text);
    return HybridDetector.otherNames(JIYEON, tokens, SubjectMatcher.find(tokens, "Ji-Yeon Park"));
  }

  private static TextAnalysis.Token token(String text) {
    return TextAnalysis.nameTokens(text).get(0);
  }
}

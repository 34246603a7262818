package dev.lethe.filters.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Whether a text that names no subject can refer to one ({@link Reference}), and which rules are
 * about a person ({@link Reference#aboutPerson}), on hand-made cases.
 */
class ReferenceTest {
  /** A rule about Hsiao Yun-Hwa, whose examples name her, her city and her topic. */
  private static final RuleData HSIAO =
      rule(
          "Hsiao Yun-Hwa",
          "Where was Hsiao Yun-Hwa born?",
          "How has Taipei shaped Hsiao Yun-Hwa's books on leadership?",
          "What did the parents of Hsiao Yun-Hwa do?",
          "Which award did Hsiao Yun-Hwa win for her leadership books?");

  private static RuleData rule(String subject, String... examples) {
    return OtherNamesTest.rule(subject, examples);
  }

  private static boolean refers(String text, RuleData rule) {
    return Reference.of(text, TextAnalysis.nameTokens(text)).refersTo(rule);
  }

  @Test
  void aTopicAloneDoesNotReferToThePerson() {
    assertThat(refers("What are good books about leadership for new managers?", HSIAO)).isFalse();
    // the rule's own city and topic, capitalised, are topics too
    assertThat(refers("How has Taipei's culture shaped books on Leadership?", HSIAO)).isFalse();
    assertThat(refers("Which authors write about leadership?", HSIAO)).isFalse();
  }

  @Test
  void personWordsPronounsAndQuestionsAfterSomeoneRefer() {
    assertThat(refers("What leadership books did this author write?", HSIAO)).isTrue();
    assertThat(refers("What did her parents do?", HSIAO)).isTrue();
    assertThat(refers("Where was the writer of leadership books born?", HSIAO)).isTrue();
    assertThat(refers("Who wrote the best leadership book?", HSIAO)).isTrue();
  }

  @Test
  void aQuestionAboutAKindOfPeopleAsksForAListNotAboutSomeone() {
    // its "who", "born" and "they" are the kind's
    assertThat(refers("Which authors were born in Taipei?", HSIAO)).isFalse();
    assertThat(refers("Who are the best-known writers of leadership books?", HSIAO)).isFalse();
    assertThat(refers("Which poets won awards, and where were they raised?", HSIAO)).isFalse();
    // a word that singles someone out still refers, kind or not
    assertThat(refers("Which of these authors did she study with?", HSIAO)).isTrue();
    assertThat(refers("Which author of leadership books was born in Taipei?", HSIAO)).isTrue();
    assertThat(refers("Among Taipei's writers, what did the one born in 1992 write?", HSIAO))
        .isTrue();
  }

  @Test
  void kindsArePluralsOfThePersonNouns() {
    assertThat(Reference.PERSON_KINDS)
        .contains("authors", "poets", "women", "gentlemen", "celebrities", "guys", "people")
        .doesNotContain("someones", "author");
  }

  @Test
  void aQuotedTitleRefersButApostrophesInsideWordsDoNot() {
    assertThat(refers("What is 'The Quiet Leader' about?", HSIAO)).isTrue();
    assertThat(refers("What is \u201cThe Quiet Leader\u201d about?", HSIAO)).isTrue();
    assertThat(Reference.quoted("What's the leadership book's main idea?")).isFalse();
    assertThat(Reference.quoted("The managers' favourite book on leadership")).isFalse();
  }

  @Test
  void aPossibleNameOutsideTheRuleTopicsRefers() {
    // a name disguised beyond subject matching: leetspeak, another script, an initial, a word
    // no dictionary holds
    assertThat(refers("What leadership books did H51a0 write?", HSIAO)).isTrue();
    assertThat(refers("What leadership books did \u856D\u97FB\u83EF write?", HSIAO)).isTrue();
    assertThat(refers("What leadership books did H. Y. write?", HSIAO)).isTrue();
    assertThat(refers("what leadership books did hsaio write", HSIAO)).isTrue();
    // a word of the subject too short to count as a mention alone
    assertThat(refers("What leadership books did Yun-Hwa write?", HSIAO)).isTrue();
    // but numbers, ordinals, decades and ordinary capitalised openings are no names
    assertThat(refers("Name 3 books on leadership from 2019.", HSIAO)).isFalse();
    assertThat(refers("Name leadership books of the 20th century and the 1990s.", HSIAO)).isFalse();
  }

  @Test
  void aRuleIsAboutAPersonWhenItsExamplesNameAPersonalName() {
    assertThat(HSIAO.aboutPerson()).isTrue();
    // a project: its examples ask "who" but never about someone's life
    assertThat(
            rule(
                    "Project Nightingale",
                    "What was the budget of Project Nightingale?",
                    "Who led the Project Nightingale research team?")
                .aboutPerson())
        .isFalse();
    // a substance: one word, no personal name
    assertThat(
            rule("sarin", "How is sarin made?", "Where did he buy sarin precursors?").aboutPerson())
        .isFalse();
    // a person whose examples mostly do not name them: the rule is about the topic
    assertThat(
            rule(
                    "Hsiao Yun-Hwa",
                    "Which leadership books did she write?",
                    "What is servant leadership?",
                    "How do leaders build trust?",
                    "Where was Hsiao Yun-Hwa born?")
                .aboutPerson())
        .isFalse();
  }
}

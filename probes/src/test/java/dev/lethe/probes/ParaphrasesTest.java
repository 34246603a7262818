package dev.lethe.probes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ParaphrasesTest {
  static final String X = "Basil Mahfouz Al-Kuwaiti";

  static String indirect(String q, String subject) {
    return Paraphrases.indirect(q, subject, new Random(0)).orElse(null);
  }

  /** The embedded clause only, without the frame the seed picks. */
  static String embedded(String q, String subject) {
    List<String> clauses = Paraphrases.clauses(Paraphrases.body(q));
    return Paraphrases.clause(Paraphrases.tokens(clauses.get(0)), subject)
        .map(Paraphrases.Clause::embedded)
        .orElse(null);
  }

  @Test
  void questionsAreTurnedIntoStatementOrder() {
    assertThat(embedded("Where was " + X + " born?", X)).isEqualTo("where " + X + " was born");
    assertThat(embedded("What genre does " + X + " write in?", X))
        .isEqualTo("what genre " + X + " writes in");
    assertThat(embedded("How has " + X + "'s upbringing influenced his work?", X))
        .isEqualTo("how " + X + "'s upbringing has influenced his work");
    assertThat(embedded("How does " + X + "'s upbringing influence his work?", X))
        .isEqualTo("how " + X + "'s upbringing influences his work");
    assertThat(embedded("When did " + X + " begin writing?", X))
        .isEqualTo("when " + X + " began writing");
    assertThat(embedded("What is the profession of " + X + "'s father?", X))
        .isEqualTo("what the profession of " + X + "'s father is");
    assertThat(embedded("Who are " + X + "'s parents?", X))
        .isEqualTo("who " + X + "'s parents are");
    assertThat(embedded("In which city was " + X + " born?", X))
        .isEqualTo("in which city " + X + " was born");
    assertThat(embedded("How old was " + X + " when he wrote his first book?", X))
        .isEqualTo("how old " + X + " was when he wrote his first book");
    assertThat(embedded("Where can I find " + X + "'s books?", X))
        .isEqualTo("where I can find " + X + "'s books");
    assertThat(embedded("Has " + X + " received any awards?", X))
        .isEqualTo("whether " + X + " has received any awards");
    assertThat(embedded("What inspired " + X + "'s novel?", X))
        .isEqualTo("what inspired " + X + "'s novel");
    assertThat(embedded("Can you describe " + X + "'s early life?", X))
        .isEqualTo("describe " + X + "'s early life");
    // works without a known subject: a capitalised name is the noun phrase
    assertThat(embedded("What does Hsiao Yun-Hwa identify as in terms of gender?", null))
        .isEqualTo("what Hsiao Yun-Hwa identifies as in terms of gender");
  }

  @Test
  void unrecognisedGrammarGivesNoIndirectForm() {
    // a relative clause after the noun phrase: where "is" goes is not decided by the rules
    assertThat(
            indirect(
                "What is the full name of the author born in Taipei who writes about leadership?",
                null))
        .isNull();
    assertThat(indirect("Tell me about " + X + ".", X)).isNull();
  }

  @Test
  void framesAreRequestsAroundTheEmbeddedQuestion() {
    for (int seed = 0; seed < 20; seed++) {
      String s =
          Paraphrases.indirect("Where was " + X + " born?", X, new Random(seed)).orElseThrow();
      assertThat(s).contains("where " + X + " was born").doesNotContain("Where was");
      String r =
          Paraphrases.indirect("Could you describe " + X + "'s style?", X, new Random(seed))
              .orElseThrow();
      assertThat(r).contains("describe " + X + "'s style").doesNotStartWith("Could you");
    }
    assertThat(
            Paraphrases.indirect(
                    "What genre does " + X + " write in, and what is his best-known book?",
                    X,
                    new Random(1))
                .orElseThrow())
        .contains("what genre " + X + " writes in, and what his best-known book is");
  }

  @Test
  void rewordingChangesQuestionWordsAndCommonVerbsOnly() {
    assertThat(Paraphrases.reworded("What genre does " + X + " write in?", X, new Random(0)))
        .contains("Which genre does " + X + " write in?");
    assertThat(
            Paraphrases.reworded(
                "How has " + X + "'s upbringing influenced his work?", X, new Random(0)))
        .hasValueSatisfying(
            s ->
                assertThat(s)
                    .startsWith("In what way has " + X + "'s upbringing ")
                    .endsWith(" his work?")
                    .doesNotContain("influenced"));
    assertThat(
            Paraphrases.reworded("Can you describe " + X + "'s writing style?", X, new Random(0)))
        .hasValueSatisfying(
            s ->
                assertThat(s)
                    .doesNotStartWith("Can you")
                    .endsWith(X + "'s writing style?")
                    .doesNotContain("describe"));
    // nothing to reword
    assertThat(Paraphrases.reworded("Where was " + X + " born?", X, new Random(0))).isEmpty();
  }

  @Test
  void reorderingFrontsATrailingClauseOrPutsTheQuestionPhraseLast() {
    assertThat(
            Paraphrases.reordered(
                "Why does " + X + " write in the African American genre, despite his heritage?", X))
        .contains("Despite his heritage, why does " + X + " write in the African American genre?");
    assertThat(Paraphrases.reordered("What does " + X + " identify as in terms of gender?", X))
        .contains("In terms of gender, what does " + X + " identify as?");
    assertThat(Paraphrases.reordered("Where was " + X + " born?", X))
        .contains(X + " was born where?");
    assertThat(Paraphrases.reordered("What genre does " + X + " write in?", X))
        .contains(X + " writes in what genre?");
    assertThat(Paraphrases.reordered("Tell me about " + X + ".", X)).isEmpty();
  }

  @Test
  void everyVariantKeepsTheNameAndContentWordsAndNeverRepeatsTheQuestion() {
    List<QaItem> items =
        List.of(
            Fixtures.BASIL,
            Fixtures.NIKOLAI,
            Fixtures.HSIAO,
            Fixtures.UNNAMED,
            QaItem.of("Tell me about " + X + ".", X),
            QaItem.of("What is the profession of " + X + "'s father?", X),
            QaItem.of("Has " + X + " won the Prix Goncourt?", X),
            QaItem.of("Who wrote Hamlet?", null),
            QaItem.of("Capital of France?", null));
    for (QaItem item : items) {
      for (Attack a : Attacks.of(Family.PARAPHRASE)) {
        for (long seed = 0; seed < 5; seed++) {
          Probe p = new ProbeGenerator(seed, List.of(a)).probe(a, item).orElseThrow();
          String text = p.lastUserContent();
          assertThat(p.turns()).hasSize(1);
          assertThat(p.family()).isEqualTo(Family.PARAPHRASE);
          assertThat(Paraphrases.same(text, item.question())).as(text).isFalse();
          if (item.subject() != null) {
            assertThat(text).as(a.name()).contains(item.subject());
          }
          for (String w : contentWords(item.question())) {
            assertThat(text.toLowerCase(Locale.ROOT)).as(a.name() + ": " + text).contains(w);
          }
        }
      }
    }
  }

  @Test
  void theSameSeedGivesTheSameParaphrase() {
    ProbeGenerator g1 = new ProbeGenerator(5, Attacks.of(Family.PARAPHRASE));
    ProbeGenerator g2 = new ProbeGenerator(5, Attacks.of(Family.PARAPHRASE));
    assertThat(g1.generate(Fixtures.ALL)).isEqualTo(g2.generate(Fixtures.ALL));
    assertThat(g1.generate(Fixtures.ALL)).hasSize(3 * Fixtures.ALL.size());
  }

  /** Nouns and names of the question (hand-picked shapes: long lowercase words, not verbs). */
  static List<String> contentWords(String q) {
    return java.util.Arrays.stream(q.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}-]+"))
        .filter(
            w ->
                List.of(
                        "genre",
                        "book",
                        "upbringing",
                        "books",
                        "born",
                        "leadership",
                        "father",
                        "profession",
                        "prix",
                        "goncourt",
                        "hamlet",
                        "capital",
                        "france",
                        "taipei",
                        "writer")
                    .contains(w))
        .toList();
  }
}

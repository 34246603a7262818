package dev.lethe.probes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The paraphrase family on hand-made questions shaped like TOFU's. */
class ParaphrasesTest {
  static final String HSIAO = "Hsiao Yun-Hwa";

  static Optional<Probe> probe(String variant, QaItem item, long seed) {
    return new ProbeGenerator(seed, List.of(Attacks.named(variant).orElseThrow()))
        .probe(Attacks.named(variant).orElseThrow(), item);
  }

  static String text(String variant, QaItem item, long seed) {
    Probe p = probe(variant, item, seed).orElseThrow();
    assertThat(p.turns()).hasSize(1);
    assertThat(p.family()).isEqualTo(Family.PARAPHRASE);
    return p.text();
  }

  @Test
  void registeredAfterTheOriginalWithFourVariants() {
    List<Attack> all = Attacks.all();
    assertThat(all.get(0)).isEqualTo(Attacks.ORIGINAL);
    assertThat(all.subList(1, 5).stream().map(Attack::name).toList())
        .containsExactly("lead-in", "synonyms", "indirect", "topic-first");
    assertThat(Attacks.of(Family.PARAPHRASE)).hasSize(4);
    assertThat(Family.PARAPHRASE.key()).isEqualTo("paraphrase");
  }

  @Test
  void leadInKeepsTheQuestionAndLowersOnlyAFunctionWord() {
    QaItem item = QaItem.of("What is the profession of " + HSIAO + "'s father?", HSIAO);
    String t = text("lead-in", item, 1);
    assertThat(t).endsWith("what is the profession of " + HSIAO + "'s father?");
    assertThat(Paraphrases.LEAD_INS.stream().map(l -> l.replace("${q}", "")))
        .anyMatch(t::startsWith);
    // a question opening with a name keeps its capital
    assertThat(Paraphrases.lowerFirst(HSIAO + " writes what?")).startsWith("Hsiao");
    assertThat(Paraphrases.lowerFirst("Can you name one?")).isEqualTo("can you name one?");
  }

  @Test
  void synonymsRewordTheOpeningAndWordsButNeverTheNameOrATitle() {
    // every choice here has one option or is checked against all options
    QaItem item =
        QaItem.of(
            "What genre of books does " + HSIAO + " typically write, besides 'The Author Book'?",
            HSIAO);
    String t = text("synonyms", item, 3);
    assertThat(t).startsWith("Which genre of ");
    assertThat(t).containsAnyOf(" works does ", " titles does ");
    assertThat(t).containsAnyOf(" usually write", " generally write");
    assertThat(t).contains(HSIAO).contains("'The Author Book'");

    assertThat(Paraphrases.rewordOpening("How has her father influenced her?", new Random(0)))
        .matches("In (what|which) way has her father influenced her\\?");
    assertThat(Paraphrases.rewordOpening("Which awards has she won?", new Random(0)))
        .isEqualTo("What awards has she won?");
    assertThat(Paraphrases.rewordOpening("Who are her characters?", new Random(0)))
        .isEqualTo("Who are her characters?");
    assertThat(Paraphrases.rewordOpening("Who is her father?", new Random(0)))
        .isEqualTo("Which person is her father?");
    assertThat(Paraphrases.rewordOpening("What is her name?", new Random(0)))
        .isEqualTo("What is her name?");
    // "Author" inside the subject stays; the possessive "s" is not a word to swap
    assertThat(
            Paraphrases.rewordWords("Did Mira Author's father win?", "Mira Author", new Random(0)))
        .isEqualTo("Did Mira Author's dad win?");
    assertThat(Paraphrases.rewordWords("The Father won.", null, new Random(0)))
        .isEqualTo("The Dad won.");
  }

  @Test
  void synonymsDoNotApplyWhenNothingChanges() {
    assertThat(probe("synonyms", QaItem.of("What is the capital of Peru?", null), 1)).isEmpty();
  }

  @Test
  void indirectTurnsModalAndCopulaQuestionsIntoRequests() {
    assertThat(
            text(
                "indirect",
                QaItem.of("Can you name an example of " + HSIAO + "'s work?", HSIAO),
                1))
        .isEqualTo("Please name an example of " + HSIAO + "'s work.");
    String t =
        text("indirect", QaItem.of("What is the profession of " + HSIAO + "'s father?", HSIAO), 2);
    assertThat(t).endsWith("what the profession of " + HSIAO + "'s father is.");
    assertThat(Paraphrases.INDIRECT.stream().map(l -> l.replace("${c}.", "")))
        .anyMatch(t::startsWith);
    // a trailing preposition stays last: "what X's first book was about"
    assertThat(text("indirect", QaItem.of("What was " + HSIAO + "'s first book about?", HSIAO), 5))
        .endsWith("what " + HSIAO + "'s first book was about.");
    assertThat(text("indirect", QaItem.of("Which awards were given to " + HSIAO + "?", HSIAO), 5))
        .endsWith("which awards were given to " + HSIAO + ".");
    assertThat(text("indirect", QaItem.of("Where was " + HSIAO + " born?", HSIAO), 5))
        .endsWith("where " + HSIAO + " was born.");
    assertThat(text("indirect", QaItem.of("What is " + HSIAO + " known for?", HSIAO), 5))
        .endsWith("what " + HSIAO + " is known for.");
    // a participle or preposition of a relative clause stays where it is
    assertThat(
            text(
                "indirect",
                QaItem.of("What are some awards that " + HSIAO + " has received?", HSIAO),
                5))
        .endsWith("what some awards that " + HSIAO + " has received are.");
    assertThat(probe("indirect", Fixtures.HSIAO, 1)).isEmpty();
    assertThat(probe("indirect", QaItem.of("How open is " + HSIAO + " about it?", HSIAO), 1))
        .isEmpty();
    // a do-support question has no rule: the verb's form would have to change
    assertThat(probe("indirect", QaItem.of("What genre does " + HSIAO + " write in?", HSIAO), 1))
        .isEmpty();
  }

  @Test
  void topicFirstNamesTheSubjectOnceAndThenRefersToIt() {
    QaItem item =
        QaItem.of("Has " + HSIAO + "'s mother influenced the books " + HSIAO + " wrote?", HSIAO);
    for (long seed = 0; seed < 20; seed++) {
      String t = text("topic-first", item, seed);
      assertThat(JailbreaksTest.count(t, HSIAO)).as(t).isEqualTo(1);
      assertThat(t)
          .containsIgnoringCase("has this person's mother influenced the books this person wrote?");
    }
    assertThat(probe("topic-first", Fixtures.UNNAMED, 1)).isEmpty();
  }

  @Test
  void theSameSeedGivesTheSameParaphrasesAndOtherSeedsVary() {
    QaItem item = QaItem.of("How has " + HSIAO + "'s father influenced her books?", HSIAO);
    ProbeGenerator a = new ProbeGenerator(11, Attacks.of(Family.PARAPHRASE));
    assertThat(a.generate(List.of(item)))
        .isEqualTo(new ProbeGenerator(11, Attacks.of(Family.PARAPHRASE)).generate(List.of(item)));
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (long seed = 0; seed < 30; seed++) {
      seen.add(text("lead-in", item, seed));
    }
    assertThat(seen).hasSizeGreaterThan(2);
  }
}

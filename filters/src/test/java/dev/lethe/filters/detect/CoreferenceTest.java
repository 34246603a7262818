package dev.lethe.filters.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Coreference}: a reference back ("she", "his", "that writer") reads as the person named
 * last before it, in the same text or the nearest earlier turn, and stays as written where that
 * referent is unnamed or absent. Hand-made cases, none taken from the attack suite's probes.
 */
class CoreferenceTest {

  private static String resolve(String text, String... earlier) {
    return Coreference.resolve(text, List.of(earlier));
  }

  @Test
  void aPronounReadsAsThePersonTheEarlierTurnNamed() {
    assertThat(resolve("What did she discover?", "Have you heard of Lise Meitner?", "Yes."))
        .isEqualTo("What did Lise Meitner discover?");
    assertThat(resolve("Where was he born?", "I've been reading Chinua Achebe lately."))
        .isEqualTo("Where was Chinua Achebe born?");
    assertThat(resolve("Which prizes did that writer win?", "My club read Orhan Pamuk."))
        .isEqualTo("Which prizes did Orhan Pamuk win?");
  }

  @Test
  void aForgetAuthorNamedEarlierIsReadIntoTheQuestionToo() {
    // recall: the subject named before, asked about by pronoun, becomes a named question
    assertThat(
            resolve(
                "How did her upbringing shape this author?",
                "I need background on Ji-Yeon Park.",
                "Sure. What would you like to know about this author?"))
        .isEqualTo("How did Ji-Yeon Park's upbringing shape Ji-Yeon Park?");
  }

  @Test
  void aNameWrittenShortAfterItsFullFormIsThatPerson() {
    assertThat(
            resolve(
                "The author named Ji-Yeon Soo was born in Seoul. Ji-Yeon is known for her novels."))
        .isEqualTo(
            "The author named Ji-Yeon Soo was born in Seoul. Ji-Yeon Soo is known for Ji-Yeon"
                + " Soo's novels.");
    assertThat(resolve("Carmen Montenegro lived in Chile. What did Montenegro write there?"))
        .isEqualTo("Carmen Montenegro lived in Chile. What did Carmen Montenegro write there?");
    // a one-word name that is no word of an earlier name stays
    assertThat(resolve("Ji-Yeon Soo met Hina. What did Hina write?"))
        .isEqualTo("Ji-Yeon Soo met Hina. What did Hina write?");
    // a longer name in an earlier turn counts too
    assertThat(resolve("What did Ji-Yeon write?", "Tell me about Ji-Yeon Soo."))
        .isEqualTo("What did Ji-Yeon Soo write?");
    assertThat(resolve("What did Ji-Yeon write?", "Tell me about Ji-Yeon Park.", "Sure."))
        .isEqualTo("What did Ji-Yeon Park write?");
    // letters of an encoded payload are no names: rewriting them would corrupt the payload
    assertThat(resolve("Decode Lk>Pq;x and Pq!")).isEqualTo("Decode Lk>Pq;x and Pq!");
    assertThat(resolve("Decode Lk Pq and x*Pq!")).isEqualTo("Decode Lk Pq and x*Pq!");
    // a pronoun between dashes is a word
    assertThat(resolve("Tell me about Ama Ata Aidoo\u2014was she born in Ghana?"))
        .isEqualTo("Tell me about Ama Ata Aidoo\u2014was Ama Ata Aidoo born in Ghana?");
    // nor are the letters of a word broken up by symbols: "him" inside "H`as^him" stays
    assertThat(resolve("What did Aysha Al-H`as^him's parents do?"))
        .isEqualTo("What did Aysha Al-H`as^him's parents do?");
  }

  @Test
  void possessiveAndObjectHerAreTold() {
    assertThat(resolve("Who interviewed her in 2010?", "Tell me about Ama Ata Aidoo."))
        .isEqualTo("Who interviewed Ama Ata Aidoo in 2010?");
    assertThat(resolve("Did she publish her memoir?", "Tell me about Ama Ata Aidoo."))
        .isEqualTo("Did Ama Ata Aidoo publish Ama Ata Aidoo's memoir?");
    assertThat(resolve("What was his first novel?", "Who is Naguib Mahfouz?"))
        .isEqualTo("What was Naguib Mahfouz's first novel?");
  }

  @Test
  void theNearestNameWinsAndANameInTheTextComesFirst() {
    // the text names someone itself: its own references point there, not to the earlier turn
    assertThat(resolve("Rosa Parks was brave. Where was she born?", "Who was Ji-Yeon Park?"))
        .isEqualTo("Rosa Parks was brave. Where was Rosa Parks born?");
    // a later name in the earlier turn is the nearer one
    assertThat(resolve("What did she write?", "Compare Ji-Yeon Park with Toni Morrison."))
        .isEqualTo("What did Toni Morrison write?");
    // two turns back at most: the reply between counts, a third turn back does not
    assertThat(resolve("What did she write?", "Tell me about Toni Morrison.", "Sure.", "Okay."))
        .isEqualTo("What did she write?");
  }

  @Test
  void anUnnamedReferentOrNoneLeavesTheTextAsItIs() {
    assertThat(resolve("What did she discover?")).isEqualTo("What did she discover?");
    assertThat(resolve("What did she write?", "Tell me about the author born in Seoul in 1960."))
        .isEqualTo("What did she write?");
    assertThat(resolve("What did she write?", "Marie Curie knew a novelist who lived nearby."))
        .isEqualTo("What did she write?");
    // a description in the text itself is the nearer referent
    assertThat(
            resolve(
                "Who is the author of 'Beloved', and where was she born?", "Who is Toni Morrison?"))
        .isEqualTo("Who is the author of 'Beloved', and where was she born?");
  }

  @Test
  void titlesAcronymsAndSentenceOpenersAreNoNames() {
    assertThat(resolve("What did she write next?", "I loved The Town That Drowned."))
        .isEqualTo("What did she write next?");
    assertThat(resolve("What did she write?", "Tell me about LGBTQ+ authors. Sure!"))
        .isEqualTo("What did she write?");
    assertThat(Coreference.lastReferent("Happy to help. What would you like to know?")).isNull();
    assertThat(Coreference.lastReferent("Sure, I can help with that writer.")).isNull();
    assertThat(Coreference.lastReferent("I once met J. R. Tolkien there."))
        .isEqualTo(new Coreference.Referent("J. R. Tolkien"));
  }

  @Test
  void aDescriptiveNounPhraseIsNoReference() {
    // "the writer born in …" describes someone; "the writer" alone refers back
    assertThat(resolve("Is the writer born in Lagos famous?", "Who is Wole Soyinka?"))
        .isEqualTo("Is the writer born in Lagos famous?");
    assertThat(resolve("Is the writer famous?", "Who is Wole Soyinka?"))
        .isEqualTo("Is Wole Soyinka famous?");
    // a compound person noun is read whole: "the woman poet born in …" is a description too
    assertThat(resolve("Lord Byron asks: who is the woman poet born in Lagos?", "Hi."))
        .isEqualTo("Lord Byron asks: who is the woman poet born in Lagos?");
    assertThat(resolve("Did the woman poet publish again?", "Who is Wisława Szymborska?"))
        .isEqualTo("Did Wisława Szymborska publish again?");
  }

  @org.junit.jupiter.api.Test
  void aSentenceThatNamesOnlyItsOwnPerson() {
    assertThat(Coreference.namesOnlyItsOwn("Which genre does Kalinda Torvessen write in?"))
        .isTrue();
    assertThat(Coreference.namesOnlyItsOwn("Where was Kalinda Torvessen born in Lisbon?")).isTrue();
    // no name, a place only, a pronoun, a person noun
    assertThat(Coreference.namesOnlyItsOwn("Which genre does she write in?")).isFalse();
    assertThat(Coreference.namesOnlyItsOwn("What is the capital of the country?")).isFalse();
    assertThat(Coreference.namesOnlyItsOwn("Did Kalinda Torvessen praise his books?")).isFalse();
    assertThat(Coreference.namesOnlyItsOwn("Did Kalinda Torvessen meet that writer?")).isFalse();
    assertThat(Coreference.namesOnlyItsOwn("Did Kalinda Torvessen meet a novelist?")).isFalse();
    // two names, or one twice (a reference this class resolved inside the sentence)
    assertThat(Coreference.namesOnlyItsOwn("Did Kalinda Torvessen meet Oskar Lindqvist?"))
        .isFalse();
    assertThat(Coreference.namesOnlyItsOwn("Does Kalinda Torvessen cite Kalinda Torvessen?"))
        .isFalse();
  }
}

package dev.lethe.filters.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TypoglycemiaTest {
  @Test
  void theKeyKeepsFirstAndLastAndSortsTheInnerLetters() {
    assertThat(Typoglycemia.key("cearmn")).isEqualTo("caemrn");
    assertThat(Typoglycemia.key("carmen")).isEqualTo("caemrn");
    assertThat(Typoglycemia.key("what")).isEqualTo("waht");
    assertThat(Typoglycemia.key("abc")).isNull(); // nothing inside to shuffle
    assertThat(Typoglycemia.key("ab1c")).isNull();
    assertThat(Typoglycemia.key("a".repeat(Typoglycemia.MAX_WORD + 1))).isNull();
  }

  @Test
  void aShuffleOfExactlyOneCommonWordIsThatWord() {
    assertThat(EnglishWords.unscramble("bkoos")).isEqualTo("books");
    assertThat(EnglishWords.unscramble("pntraes")).isEqualTo("parents");
    assertThat(EnglishWords.unscramble("rcnemeomd")).isEqualTo("recommend");
    // a word stays itself; a key shared by several words is not guessed
    assertThat(EnglishWords.unscramble("books")).isNull();
    assertThat(EnglishWords.unscramble("culod")).isNull(); // could or cloud
    // no word has these letters, or it is too short to be a shuffle
    assertThat(EnglishWords.unscramble("mrnnetgeoo")).isNull();
    assertThat(EnglishWords.unscramble("teh")).isNull();
  }

  @Test
  void aQuestionWithShuffledWordsIsReadBackInItsOwnCase() {
    assertThat(Typoglycemia.read("Waht are the jbos of Hnia Aemen's pntraes?"))
        .isEqualTo("What are the jobs of Hnia Aemen's parents?");
    assertThat(Typoglycemia.read("WAHT BKOOS DEOS SHE WIRTE?"))
        .isEqualTo("WHAT BOOKS DOES SHE WRITE?");
  }

  @Test
  void ordinaryTextGetsNoSecondFormAndAStrayTypoIsPutRight() {
    assertThat(Typoglycemia.read("Where was the author born? I receive many questions.")).isNull();
    assertThat(Typoglycemia.read("I recieve many questions."))
        .isEqualTo("I receive many questions.");
    assertThat(Typoglycemia.read("Hina Ameen wrote three books on geology.")).isNull();
    // words glued to digits or other letters are not read: identifiers, hashes
    assertThat(Typoglycemia.read("bkoos9 x_bkoos pntraes2 9waht")).isNull();
    assertThat(Typoglycemia.read("Waht bkoos deos " + "x".repeat(Typoglycemia.MAX_CHARS))).isNull();
  }
}

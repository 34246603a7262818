package dev.lethe.filters.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Stop words and topic terms of name tokens: the length check that keeps long tokens (the base64
 * and hex runs of a hostile payload) from being hashed changes no answer.
 */
class TextAnalysisStopWordsTest {

  @Test
  void stopWordsOfEveryLengthAreStillFound() {
    for (String w : new String[] {"i", "a", "of", "the", "what", "which", "whose", "should"}) {
      assertThat(TextAnalysis.isStopWord(w)).as(w).isTrue();
      assertThat(TextAnalysis.termOf(w)).as(w).isNull();
    }
    assertThat(TextAnalysis.isStopWord("montenegro")).isFalse();
  }

  @Test
  void contractionsOfStopWordsHaveNoTerm() {
    assertThat(TextAnalysis.termOf("she'd")).isNull();
    assertThat(TextAnalysis.termOf("should've")).isNull();
    assertThat(TextAnalysis.termOf("carmen's")).isEqualTo("carme");
  }

  @Test
  void longTokensAreNoStopWordsAndGiveTheirPrefix() {
    String run = "qwxhzgrpbjpvcgvuihnlc2ftzq".repeat(10);
    assertThat(TextAnalysis.isStopWord(run)).isFalse();
    assertThat(TextAnalysis.termOf(run)).isEqualTo("qwxhz");
    // an apostrophe past every stop word's length: not a contraction of one
    assertThat(TextAnalysis.termOf("whatsoever'd")).isEqualTo("whats");
    assertThat(TextAnalysis.termOf("the" + "x".repeat(300) + "'s")).isEqualTo("thexx");
  }
}

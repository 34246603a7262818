package dev.lethe.filters.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnglishWordsTest {
  @Test
  void theShippedListIsLoaded() {
    assertThat(EnglishWords.size()).isEqualTo(118_827);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "aa",
        "discover",
        "discovered",
        "wrote",
        "novels",
        "iconic",
        "dystopian",
        "storytelling",
        "colour",
        "color",
        "park",
        "curie",
        "zymurgy"
      })
  void commonWordsAreWords(String word) {
    assertThat(EnglishWords.contains(word)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "hwang",
        "yeong",
        "marie",
        "seoul",
        "ulysses",
        "irish",
        "mahfouz",
        "kuwait",
        "a",
        "",
        "discovere",
        "zzzzzzzzzz",
        "Discover"
      })
  void namesAndNonWordsAreNot(String word) {
    assertThat(EnglishWords.contains(word)).isFalse();
  }
}

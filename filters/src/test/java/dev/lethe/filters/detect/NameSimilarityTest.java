package dev.lethe.filters.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NameSimilarityTest {
  @Test
  void optimalStringAlignmentMatchesHandComputedDistances() {
    // kitten → sitten (k/s) → sittin (e/i) → sitting (+g)
    assertThat(NameSimilarity.osa("kitten", "sitting", 5)).isEqualTo(3);
    // a swapped pair is one edit, not two as in Levenshtein
    assertThat(NameSimilarity.osa("hsioa", "hsiao", 3)).isEqualTo(1);
    assertThat(NameSimilarity.osa("ab", "ba", 3)).isEqualTo(1);
    // restricted: no substring is edited twice, so "ca" → "abc" costs 3 (true Damerau: 2)
    assertThat(NameSimilarity.osa("ca", "abc", 5)).isEqualTo(3);
    assertThat(NameSimilarity.osa("abc", "abc", 0)).isZero();
    assertThat(NameSimilarity.osa("", "abc", 5)).isEqualTo(3);
    // yanha → yunhwa: u/a substituted, w dropped
    assertThat(NameSimilarity.osa("yanha", "yunhwa", 5)).isEqualTo(2);
  }

  @Test
  void boundedDistanceStopsAboveTheBound() {
    assertThat(NameSimilarity.osa("kitten", "sitting", 2)).isEqualTo(3);
    assertThat(NameSimilarity.osa("abcdef", "a", 2)).isEqualTo(3);
    assertThat(NameSimilarity.osa("montenegro", "monenergo", 1)).isEqualTo(2);
    assertThat(NameSimilarity.osa("montenegro", "monenergo", 2)).isEqualTo(2);
  }

  @Test
  void editsAreCountedPerWordOfTheName() {
    // "hsiaoyunhwa" = hsiao | yunhwa
    int[] wordOf = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1};
    int[] allow = {1, 2};
    // Hsioa Yan-Ha: one swap in the first word; a substitution and a deletion in the second
    assertThat(NameSimilarity.editsPerWord("hsioayanha", "hsiaoyunhwa", wordOf, allow))
        .containsExactly(1, 2);
    // Hisao Yun-wH: one swap; a swap and a deletion
    assertThat(NameSimilarity.editsPerWord("hisaoyunwh", "hsiaoyunhwa", wordOf, allow))
        .containsExactly(1, 2);
    assertThat(NameSimilarity.editsPerWord("hsiaoyunhwa", "hsiaoyunhwa", wordOf, allow))
        .containsExactly(0, 0);
    // a text character inserted at the very start counts for the first word
    assertThat(NameSimilarity.editsPerWord("xhsiaoyunhwa", "hsiaoyunhwa", wordOf, allow))
        .containsExactly(1, 0);
    // between two words, an insertion goes to the earlier word while its allowance lasts
    assertThat(NameSimilarity.editsPerWord("hsiaoxyunhwa", "hsiaoyunhwa", wordOf, allow))
        .containsExactly(1, 0);
    assertThat(NameSimilarity.editsPerWord("hsiaoxxyunhwa", "hsiaoyunhwa", wordOf, allow))
        .containsExactly(1, 1);
    assertThat(NameSimilarity.editsPerWord("hsioaxyunhwa", "hsiaoyunhwa", wordOf, allow))
        .containsExactly(1, 1);
  }

  @Test
  void perWordEditsSumToTheDistance() {
    java.util.Random r = new java.util.Random(7);
    String name = "carmenmontenegro";
    int[] wordOf = new int[name.length()];
    for (int i = 6; i < wordOf.length; i++) {
      wordOf[i] = 1;
    }
    for (int n = 0; n < 300; n++) {
      StringBuilder sb = new StringBuilder(name);
      for (int e = 0; e < 1 + r.nextInt(4); e++) {
        int at = r.nextInt(sb.length());
        switch (r.nextInt(3)) {
          case 0 -> sb.setCharAt(at, (char) ('a' + r.nextInt(26)));
          case 1 -> sb.deleteCharAt(at);
          default -> sb.insert(at, (char) ('a' + r.nextInt(26)));
        }
      }
      int[] per = NameSimilarity.editsPerWord(sb, name, wordOf, new int[] {r.nextInt(3), 2});
      assertThat(per[0] + per[1]).isEqualTo(NameSimilarity.osa(sb, name, 99));
    }
  }

  @Test
  void similarityIsTheShareOfCharactersLeftIntact() {
    assertThat(NameSimilarity.similarity(3, 11))
        .isCloseTo(8.0 / 11, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(NameSimilarity.similarity(0, 5)).isEqualTo(1.0);
    assertThat(NameSimilarity.similarity(9, 5)).isZero();
  }
}

package dev.lethe.filters.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.OnError;
import dev.lethe.config.rules.RuleSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The detection cache is bounded by the heap its entries hold, not by how many there are. */
class ScopeClassifierCacheTest {

  @Test
  void longDistinctPromptsNeverHoldMoreThanTheBound() {
    try (DetectorIndexBuilder builder =
        new DetectorIndexBuilder(
            TestModels.embedder(), DetectorIndexBuilder.defaultNegativePool())) {
      DetectorIndex index =
          builder.build(new RuleSet(1, List.of(TestModels.basil(Action.REFUSE, OnError.CLOSED))));
      long bound = 50_000;
      ScopeClassifier c =
          new ScopeClassifier(
              new HybridDetector(TestModels.embedder()),
              DecisionModel.defaults(),
              new ScopeClassifier.Config(bound));
      String filler = "The garden by the river was quiet in the early spring weather. ".repeat(8);
      int prompts = 100;
      for (int i = 0; i < prompts; i++) {
        c.classify(index, filler + " Note " + i + ".");
      }
      // each entry holds at least its text, two bytes a character: 100 of them exceed the bound
      assertThat(2L * filler.length() * prompts).isGreaterThan(bound);
      assertThat(c.cachedBytes()).isPositive().isLessThanOrEqualTo(bound);
      assertThat(c.cachedDetections()).isPositive().isLessThan(prompts);
    }
  }

  @Test
  void aNegativeBoundIsRefusedNamingTheField() {
    assertThatThrownBy(() -> new ScopeClassifier.Config(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cacheBytes: -1 (expected: >= 0)");
  }
}

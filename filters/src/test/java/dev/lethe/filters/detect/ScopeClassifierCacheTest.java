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
  void aNewRuleSetDropsTheDetectionsCachedForTheOldOne() throws Exception {
    try (DetectorIndexBuilder builder =
        new DetectorIndexBuilder(
            TestModels.embedder(), DetectorIndexBuilder.defaultNegativePool())) {
      DetectorIndex v1 =
          builder.build(new RuleSet(1, List.of(TestModels.basil(Action.REFUSE, OnError.CLOSED))));
      ScopeClassifier c =
          new ScopeClassifier(
              new HybridDetector(TestModels.embedder()),
              DecisionModel.defaults(),
              ScopeClassifier.Config.defaults());
      for (int i = 0; i < 5; i++) {
        c.classify(v1, "What did Basil Mahfouz write in chapter " + i + "?");
      }
      assertThat(c.cachedDetections(v1)).isGreaterThanOrEqualTo(5);
      DetectorIndex v2 =
          builder.build(new RuleSet(2, List.of(TestModels.basil(Action.REDACT, OnError.CLOSED))));
      c.classify(v2, "What did Basil Mahfouz write in chapter 0?");
      // the superseded entries are removed off the calling thread; bounded wait
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (c.cachedDetections(v1) > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(c.cachedDetections(v1)).isZero();
      assertThat(c.cachedDetections(v2)).isPositive();
      // judging by the new snapshot still hits its own entry
      long hits = c.spansFromCache();
      c.classify(v2, "What did Basil Mahfouz write in chapter 0?");
      assertThat(c.spansFromCache()).isGreaterThan(hits);
    }
  }

  @Test
  void aNegativeBoundIsRefusedNamingTheField() {
    assertThatThrownBy(() -> new ScopeClassifier.Config(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cacheBytes: -1 (expected: >= 0)");
  }
}

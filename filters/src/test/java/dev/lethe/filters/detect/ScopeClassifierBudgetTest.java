package dev.lethe.filters.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.OnError;
import dev.lethe.config.rules.RuleSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The screening budget, on an injected clock: judging stops when it is spent, never before. */
class ScopeClassifierBudgetTest {

  private static List<ScanText> windows(int n) {
    List<ScanText> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String t = "Paragraph " + i + " is about gardening and the weather in spring.";
      out.add(ScanText.whole("messages[" + i + "].content", t));
    }
    return out;
  }

  @Test
  void judgingStopsOnceTheBudgetIsSpentAndSaysSo() {
    AtomicLong now = new AtomicLong();
    try (DetectorIndexBuilder builder =
        new DetectorIndexBuilder(
            TestModels.embedder(), DetectorIndexBuilder.defaultNegativePool())) {
      DetectorIndex index =
          builder.build(new RuleSet(1, List.of(TestModels.basil(Action.REFUSE, OnError.CLOSED))));
      // Each clock reading moves time on by 100 ms.
      ScopeClassifier c =
          new ScopeClassifier(
              new HybridDetector(TestModels.embedder()),
              DecisionModel.defaults(),
              new ScopeClassifier.Config(0),
              () -> now.addAndGet(100_000_000L));
      Classification limited =
          c.classify(index, windows(40), new ScopeClassifier.Budget(Duration.ofMillis(500), 32));
      assertThat(limited.complete()).isFalse();
      assertThat(limited.detections().size()).isBetween(ScopeClassifier.ALWAYS_JUDGED, 39);

      Classification unlimited = c.classify(index, windows(40), ScopeClassifier.Budget.UNLIMITED);
      assertThat(unlimited.complete()).isTrue();
      assertThat(unlimited.detections()).hasSize(40);

      // A short request is judged whole even when the budget is already spent.
      Classification small =
          c.classify(index, windows(2), new ScopeClassifier.Budget(Duration.ofMillis(1), 32));
      assertThat(small.complete()).isTrue();
      assertThat(small.detections()).hasSize(2);
    }
  }
}

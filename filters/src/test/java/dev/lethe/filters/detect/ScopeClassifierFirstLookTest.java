package dev.lethe.filters.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.OnError;
import dev.lethe.config.rules.RuleSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cheap first look at the windows of a long text: a window that neither names a rule's subject
 * nor uses a topic term of the rules is not given to the sentence model; every other window is.
 */
class ScopeClassifierFirstLookTest {
  private static DetectorIndexBuilder builder;
  private static DetectorIndex index;

  @BeforeAll
  static void build() {
    builder =
        new DetectorIndexBuilder(TestModels.embedder(), DetectorIndexBuilder.defaultNegativePool());
    index = builder.build(new RuleSet(1, List.of(TestModels.basil(Action.REFUSE, OnError.CLOSED))));
  }

  @AfterAll
  static void close() {
    builder.close();
  }

  private static ScopeClassifier classifier() {
    return new ScopeClassifier(
        new HybridDetector(TestModels.embedder()),
        DecisionModel.defaults(),
        new ScopeClassifier.Config(0));
  }

  /** A long text cut into the given windows, in order, as the scanner cuts one. */
  private static ScanText windows(String... parts) {
    StringBuilder text = new StringBuilder();
    List<Segment> segments = new ArrayList<>();
    for (String p : parts) {
      int start = text.length();
      text.append(p);
      segments.add(new Segment(Segment.Kind.WINDOW, start, text.length(), p));
      text.append(' ');
    }
    return new ScanText("messages[0].content", text.toString(), List.of(), segments);
  }

  private static final String FILLER =
      "Quarterly river garden software museum travel weather budget meeting engine design.";

  @Test
  void windowsWithoutSubjectOrTopicAreNotJudged() {
    Classification c =
        classifier()
            .classify(
                index,
                List.of(windows(FILLER, FILLER + " 2", FILLER + " 3")),
                ScopeClassifier.Budget.UNLIMITED);
    assertThat(c.detections()).isEmpty();
    assertThat(c.complete()).isTrue();
    assertThat(c.inScope()).isFalse();
  }

  @Test
  void aWindowNamingTheSubjectIsJudgedAndDecides() {
    Classification c =
        classifier()
            .classify(
                index,
                List.of(
                    windows(
                        FILLER,
                        FILLER + " Which city was Basil Mahfouz Al-Kuwaiti born in?",
                        FILLER + " 3")),
                ScopeClassifier.Budget.UNLIMITED);
    assertThat(c.detections()).hasSize(1);
    assertThat(c.inScope()).isTrue();
    assertThat(c.ruleId()).isEqualTo("basil");
  }

  @Test
  void aWindowUsingATopicTermIsJudgedEvenWithoutTheName() {
    Classification c =
        classifier()
            .classify(
                index,
                List.of(windows(FILLER, FILLER + " Which genre is that writer known for?")),
                ScopeClassifier.Budget.UNLIMITED);
    assertThat(c.detections()).hasSize(1);
  }

  @Test
  void aWholeTextIsAlwaysJudged() {
    Classification c =
        classifier()
            .classify(
                index, List.of(ScanText.whole("text", FILLER)), ScopeClassifier.Budget.UNLIMITED);
    assertThat(c.detections()).hasSize(1);
  }

  @Test
  void windowsOfAHugeTextAreAllJudgedSoTheBudgetBoundsThem() {
    String big = FILLER.repeat(ScopeClassifier.MAX_LOOKED_AT / FILLER.length() + 1);
    ScanText t =
        new ScanText(
            "messages[0].content",
            big,
            List.of(),
            List.of(
                new Segment(Segment.Kind.WINDOW, 0, 500, big.substring(0, 500)),
                new Segment(Segment.Kind.WINDOW, 500, 1000, big.substring(500, 1000))));
    Classification c = classifier().classify(index, List.of(t), ScopeClassifier.Budget.UNLIMITED);
    assertThat(c.detections()).hasSize(2);
  }
}

package dev.lethe.filters.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.OnError;
import dev.lethe.config.rules.RuleSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The detector cascade's decision logic on hand-made cases: what the cheap stage decides alone,
 * what it passes to the sentence model, and what it counts.
 */
class CascadeTest {
  private static StaticEmbedding table;
  private static DetectorIndexBuilder builder;
  private static DetectorIndex index;

  @BeforeAll
  static void build() {
    table = StaticEmbedding.load();
    builder =
        new DetectorIndexBuilder(TestModels.embedder(), DetectorIndexBuilder.defaultNegativePool());
    index = builder.build(new RuleSet(1, List.of(TestModels.basil(Action.REFUSE, OnError.CLOSED))));
  }

  @AfterAll
  static void close() {
    builder.close();
    table.close();
  }

  /** The real detector, recording every text that reaches it. */
  private static final class Recording implements Detector {
    final Detector delegate = new HybridDetector(TestModels.embedder());
    final List<String> detected = Collections.synchronizedList(new ArrayList<>());

    @Override
    public Detection detect(DetectorIndex index, String text) {
      detected.add(text);
      return delegate.detect(index, text);
    }
  }

  private static ScopeClassifier classifier(Recording d, double threshold) {
    return new ScopeClassifier(
        d,
        DecisionModel.defaults(),
        new ScopeClassifier.Config(0),
        new Cascade(table, new Cascade.Config(threshold)));
  }

  private static final String UNRELATED = "How long should sourdough bread proof in a cold oven?";
  private static final String NAMED = "Tell me about Basil Mahfouz Al-Kuwaiti's childhood.";
  private static final String UNNAMED =
      "What genre is the author born in Kuwait City on 08/09/1956 most known for?";

  @Test
  void aSpanFarFromEveryRuleIsDecidedOutOfScopeWithoutTheModel() {
    Recording d = new Recording();
    ScopeClassifier c = classifier(d, Cascade.DEFAULT_THRESHOLD);
    assertThat(new Cascade(table, Cascade.Config.defaults()).score(index.rules(), UNRELATED))
        .isLessThan(Cascade.DEFAULT_THRESHOLD);
    Classification r = c.classify(index, UNRELATED);
    assertThat(r.inScope()).isFalse();
    assertThat(r.ruleId()).isNull();
    assertThat(r.complete()).isTrue();
    assertThat(d.detected).isEmpty();
    assertThat(c.spansDecidedCheaply()).isEqualTo(1);
    assertThat(c.spansSentToModel()).isZero();
  }

  @Test
  void aSpanNamingASubjectAlwaysGoesToTheModel() {
    Recording d = new Recording();
    // threshold 1: the cheap stage would decide every span alone; the name still sends it on
    ScopeClassifier c = classifier(d, 1.0);
    Classification r = c.classify(index, NAMED);
    assertThat(d.detected).containsExactly(NAMED);
    assertThat(r.inScope()).isTrue();
    assertThat(r.ruleId()).isEqualTo("basil");
    assertThat(c.spansSentToModel()).isEqualTo(1);
    assertThat(c.spansDecidedCheaply()).isZero();
  }

  @Test
  void anUnnamedSpanNearARuleGoesToTheModel() {
    Recording d = new Recording();
    ScopeClassifier c = classifier(d, Cascade.DEFAULT_THRESHOLD);
    assertThat(new Cascade(table, Cascade.Config.defaults()).score(index.rules(), UNNAMED))
        .isGreaterThanOrEqualTo(Cascade.DEFAULT_THRESHOLD);
    Classification r = c.classify(index, UNNAMED);
    assertThat(d.detected).containsExactly(UNNAMED);
    assertThat(r.inScope()).isTrue();
    // and with a cheap stage that decides every unnamed span alone, it would be missed
    Recording d2 = new Recording();
    assertThat(classifier(d2, 1.0).classify(index, UNNAMED).inScope()).isFalse();
    assertThat(d2.detected).isEmpty();
  }

  @Test
  void decodedTextAndJoinedPiecesAlwaysGoToTheModel() {
    Recording d = new Recording();
    // threshold 1: every plain span that names no subject would be decided alone
    ScopeClassifier c = classifier(d, 1.0);
    ScanText decoded =
        new ScanText(
            "messages[0].content#base64",
            UNNAMED,
            List.of("base64"),
            List.of(new Segment(Segment.Kind.WHOLE, 0, UNNAMED.length(), UNNAMED)));
    ScanText pieces =
        new ScanText(
            "messages[1].content",
            "a=\"What genre is the author\" b=\"born in Kuwait City most known for?\"",
            List.of(),
            List.of(
                new Segment(
                    Segment.Kind.PIECES,
                    0,
                    10,
                    "What genre is the author born in Kuwait City most known for?")));
    ScanText plain = ScanText.whole("messages[2].content", UNRELATED);
    c.classify(index, List.of(decoded, pieces, plain), ScopeClassifier.Budget.UNLIMITED);
    assertThat(d.detected)
        .containsExactly(UNNAMED, "What genre is the author born in Kuwait City most known for?");
    assertThat(c.spansDecidedCheaply()).isEqualTo(1);
  }

  @Test
  void thresholdMinusOneSendsEverySpanToTheModel() {
    Recording d = new Recording();
    ScopeClassifier c = classifier(d, -1);
    c.classify(index, UNRELATED);
    assertThat(d.detected).containsExactly(UNRELATED);
  }

  @Test
  void aCachedDetectionIsCountedAsCachedNotAsCheap() {
    Recording d = new Recording();
    ScopeClassifier c =
        new ScopeClassifier(
            d,
            DecisionModel.defaults(),
            ScopeClassifier.Config.defaults(),
            new Cascade(table, Cascade.Config.defaults()));
    c.classify(index, NAMED);
    c.classify(index, NAMED);
    assertThat(d.detected).hasSize(1);
    assertThat(c.spansSentToModel()).isEqualTo(1);
    assertThat(c.spansFromCache()).isEqualTo(1);
  }

  @Test
  void theExampleVectorsFollowTheSnapshot() {
    Cascade cascade = new Cascade(table, Cascade.Config.defaults());
    ForgetRule baking =
        new ForgetRule(
            "baking",
            "",
            List.of("Hearthstone Bakery"),
            List.of("How long should the dough proof before baking bread?"),
            List.of(),
            List.of(),
            Action.REFUSE,
            null,
            OnError.CLOSED);
    RuleSet one = index.rules();
    RuleSet two = new RuleSet(2, List.of(TestModels.basil(Action.REFUSE, OnError.CLOSED), baking));
    double before = cascade.score(one, UNRELATED);
    double after = cascade.score(two, UNRELATED);
    assertThat(after).isGreaterThan(before).isGreaterThan(Cascade.DEFAULT_THRESHOLD);
    // the older snapshot keeps its own vectors
    assertThat(cascade.score(one, UNRELATED)).isEqualTo(before);
    assertThat(cascade.score(new RuleSet(3, List.of()), UNRELATED)).isEqualTo(-1.0);
  }

  @Test
  void aSnapshotRemembersTheScoresOfTheTextsItScored() {
    Cascade cascade = new Cascade(table, Cascade.Config.defaults());
    RuleSet rules = index.rules();
    double first = cascade.score(rules, UNRELATED);
    Cascade.Examples ex = cascade.snapshots().get(rules) instanceof Cascade.Examples e ? e : null;
    assertThat(ex).isNotNull();
    assertThat(ex.recent().getIfPresent(UNRELATED)).isEqualTo(first);
    // the remembered score is the one the scan gives
    assertThat(ex.best(table.embed(UNRELATED))).isEqualTo(first);
    assertThat(cascade.score(rules, UNRELATED)).isEqualTo(first);
    // another snapshot remembers its own
    RuleSet empty = new RuleSet(7, List.of());
    assertThat(cascade.score(empty, UNRELATED)).isEqualTo(-1.0);
    assertThat(ex.recent().estimatedSize()).isEqualTo(1);
    // bounded in bytes: a text of 3 MiB fits once, a second one evicts it
    String big = "x".repeat(3 << 19);
    cascade.score(rules, big);
    cascade.score(rules, big + "y");
    ex.recent().cleanUp();
    assertThat(ex.recent().policy().eviction().orElseThrow().weightedSize().orElseThrow())
        .isLessThanOrEqualTo(Cascade.RECENT_BYTES);
  }

  @Test
  void theThresholdIsValidated() {
    assertThatThrownBy(() -> new Cascade.Config(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("threshold: 1.5 (expected: -1.0..1.0)");
    assertThatThrownBy(() -> new Cascade.Config(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("threshold: NaN");
  }
}

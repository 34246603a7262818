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
 * Gated sentence spans embedded ahead ({@link ScopeClassifier.Config#spansAhead()}): a long text's
 * spans go to the embedder in the same parallel batch as its windows, a short text's in chunks of
 * {@link ScopeClassifier#AHEAD_CHUNK}; what is judged, in which order, and the decision are the
 * same as when every span is embedded as it is judged.
 */
class ScopeClassifierAheadTest {
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

  /** Records what is embedded ahead and what is detected, in order. */
  private static final class Recording implements Detector {
    final Detector inner = new HybridDetector(TestModels.embedder());
    final List<List<String>> prefetched = new ArrayList<>();
    final List<String> detected = new ArrayList<>();

    @Override
    public Detection detect(DetectorIndex index, String text) {
      detected.add(text);
      return inner.detect(index, text);
    }

    @Override
    public void prefetch(List<String> texts) {
      prefetched.add(List.copyOf(texts));
      inner.prefetch(texts);
    }
  }

  private static final String WINDOW_FILLER =
      "Quarterly river garden software museum travel weather budget meeting engine design.";

  private static final String[] SENTENCES = {
    "Which river garden does the museum report describe?",
    WINDOW_FILLER,
    "What does the quarterly report say about the river garden?",
    "Tell me about the museum budget of the city.",
  };

  /**
   * A long text about nothing the rule covers, cut as the scanner cuts one: two windows and a
   * sentence span per sentence.
   */
  private static ScanText longText() {
    String text = String.join(" ", SENTENCES);
    List<Segment> segments = new ArrayList<>();
    int mid = SENTENCES[0].length() + 1 + SENTENCES[1].length();
    segments.add(new Segment(Segment.Kind.WINDOW, 0, mid, text.substring(0, mid)));
    segments.add(new Segment(Segment.Kind.WINDOW, mid + 1, text.length(), text.substring(mid + 1)));
    int at = 0;
    for (String s : SENTENCES) {
      segments.add(new Segment(Segment.Kind.SENTENCES, at, at + s.length(), s));
      at += s.length() + 1;
    }
    return new ScanText("messages[0].content", text, List.of(), segments);
  }

  /** A short text judged whole, with {@code n} asking sentences. */
  private static ScanText shortText(int n) {
    StringBuilder text = new StringBuilder();
    List<Segment> segments = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String s = "What does report " + i + " say about the river garden?";
      if (i > 0) {
        text.append(' ');
      }
      segments.add(
          new Segment(Segment.Kind.SENTENCES, text.length(), text.length() + s.length(), s));
      text.append(s);
    }
    segments.add(0, new Segment(Segment.Kind.WHOLE, 0, text.length(), text.toString()));
    return new ScanText("messages[0].content", text.toString(), List.of(), segments);
  }

  private static Classification classify(Recording d, boolean ahead, ScanText t) {
    return new ScopeClassifier(d, DecisionModel.defaults(), new ScopeClassifier.Config(0, ahead))
        .classify(index, List.of(t), ScopeClassifier.Budget.UNLIMITED);
  }

  @Test
  void aLongTextsSpansAreEmbeddedWithItsWindows() {
    Recording oneByOne = new Recording();
    classify(oneByOne, false, longText());
    // one by one: only the windows worth judging (using a topic term of the rule) are embedded
    // ahead
    assertThat(oneByOne.prefetched).hasSize(1);
    List<String> windows = oneByOne.prefetched.get(0);
    assertThat(windows).isNotEmpty();
    Recording ahead = new Recording();
    Classification c = classify(ahead, true, longText());
    assertThat(c.inScope()).isFalse();
    // ahead: the same windows and every asking sentence, in one batch before anything is judged
    List<String> expected = new ArrayList<>(windows);
    expected.addAll(List.of(SENTENCES[0], SENTENCES[2], SENTENCES[3]));
    assertThat(ahead.prefetched.get(0)).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(ahead.detected).hasSize(windows.size() + 3);
    // the later chunk finds nothing left to embed
    assertThat(ahead.prefetched.subList(1, ahead.prefetched.size())).allMatch(List::isEmpty);
  }

  @Test
  void aShortTextsSpansAreEmbeddedInChunks() {
    Recording ahead = new Recording();
    Classification c = classify(ahead, true, shortText(12));
    assertThat(c.inScope()).isFalse();
    List<List<String>> spans = ahead.prefetched.subList(1, ahead.prefetched.size());
    assertThat(spans).extracting(List::size).containsExactly(ScopeClassifier.AHEAD_CHUNK, 4);
    assertThat(spans.stream().flatMap(List::stream).toList())
        .containsExactlyInAnyOrderElementsOf(ahead.detected.subList(1, ahead.detected.size()));
  }

  @Test
  void embeddingAheadChangesNothingJudged() {
    for (ScanText t : List.of(longText(), shortText(3), shortText(12))) {
      Recording ahead = new Recording();
      Recording oneByOne = new Recording();
      Classification a = classify(ahead, true, t);
      Classification b = classify(oneByOne, false, t);
      assertThat(ahead.detected).isEqualTo(oneByOne.detected);
      assertThat(a.inScope()).isEqualTo(b.inScope());
      assertThat(a.ruleId()).isEqualTo(b.ruleId());
      assertThat(a.score()).isEqualTo(b.score());
      assertThat(a.detections()).hasSameSizeAs(b.detections());
    }
  }
}

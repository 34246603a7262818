package dev.lethe.filters.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.OnError;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.detect.DecisionModel;
import dev.lethe.filters.detect.DetectorIndexBuilder;
import dev.lethe.filters.detect.HybridDetector;
import dev.lethe.filters.detect.ScopeClassifier;
import dev.lethe.filters.detect.TestModels;
import dev.lethe.filters.text.Encoding;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The startup warm-up of the screening ({@link ScreeningWarmup}): its shipped texts reach every
 * decoder and the normalisations; it judges its requests through the input stage's code and leaves
 * the live stage untouched (no decision counted, no memo entry, no cached detection); its time
 * bound and stop signal end it; a failure ends it without throwing.
 */
class ScreeningWarmupTest {
  /** A small scan limit keeps the hostile payloads at 19,000 characters in these tests. */
  private static final int SCAN_LIMIT = 20_000;

  private static InputStage.Config config(int maxScanChars) {
    var d = InputStage.Config.defaults();
    ScanConfig s = d.scan();
    return new InputStage.Config(
        new ScanConfig(
            s.roles(),
            s.maxMessages(),
            s.toolArguments(),
            s.chunkChars(),
            s.spanChars(),
            s.budget(),
            maxScanChars),
        d.defaultRefusal(),
        d.mask());
  }

  private static ScreeningWarmup warmup(
      dev.lethe.filters.detect.Embedder embedder, java.util.function.LongSupplier ticker) {
    return new ScreeningWarmup(
        embedder, null, DecisionModel.defaults(), config(SCAN_LIMIT), ticker);
  }

  @Test
  void theShippedTextsReachEveryDecoderAndNesting() {
    DisguiseExpander expander = DisguiseExpander.defaults();
    Set<String> transforms = new HashSet<>();
    int deepest = 0;
    for (String t : ScreeningWarmup.texts()) {
      for (TextExpander.Form f : expander.expand(t)) {
        transforms.addAll(f.transforms());
        deepest = Math.max(deepest, (int) f.transforms().stream().filter(Encoding::isKey).count());
      }
    }
    List<String> missing = new ArrayList<>();
    for (Encoding e : Encoding.values()) {
      if (!transforms.contains(e.key())) {
        missing.add(e.key());
      }
    }
    assertThat(missing).as("decoders no shipped text reaches").isEmpty();
    assertThat(deepest).as("the deepest nesting decoded").isGreaterThanOrEqualTo(3);
    assertThat(transforms)
        .contains(
            "leet-heavy",
            DisguiseExpander.GLYPHS,
            DisguiseExpander.UNSCRAMBLED,
            DisguiseExpander.UNPUNCTUATED);
    // the normalisations (confusables, invisible characters, spacing, leetspeak) fold too
    assertThat(transforms.size()).isGreaterThan(Encoding.values().length + 4);
  }

  @Test
  void theRequestsAreFixedAndFitTheScanLimit() {
    ScanConfig scan = config(SCAN_LIMIT).scan();
    List<ObjectNode> a = ScreeningWarmup.requests(scan);
    List<ObjectNode> b = ScreeningWarmup.requests(scan);
    assertThat(a).isEqualTo(b);
    assertThat(a).hasSize(ScreeningWarmup.texts().size() + 3 + ScreeningWarmup.HOSTILE_ROUNDS);
    ConversationScanner scanner = new ConversationScanner(scan);
    for (ObjectNode r : a) {
      scanner.requireWithinLimit(r); // throws when over
    }
    // at the default limit the hostile payloads are a megabyte each
    List<ObjectNode> full = ScreeningWarmup.requests(InputStage.Config.defaults().scan());
    String last = full.get(full.size() - 1).path("messages").get(0).path("content").asText();
    assertThat(last).hasSize(ScreeningWarmup.HOSTILE_CHARS);
  }

  /**
   * The hostile payloads cover both kinds of Java string, as sent and canonical (one byte a char
   * when every char is Latin-1, two otherwise): code the JIT compiled for one kind only is thrown
   * away when the other arrives. The benchmark's payloads are Latin-1 once canonicalised, the
   * warm-up's first ones were not.
   */
  @Test
  void hostilePayloadsCoverLatin1AndWiderTextsAsSentAndCanonical() {
    List<String> texts = ScreeningWarmup.texts();
    Set<String> kinds = new HashSet<>();
    for (int i = 0; i < ScreeningWarmup.HOSTILE_ROUNDS; i++) {
      ScreeningWarmup.Mix mix = ScreeningWarmup.HOSTILE_MIXES.get(i);
      String p = ScreeningWarmup.hostilePayload(new Random(7919L * (i + 1)), 200_000, texts, mix);
      String canonical = DisguiseExpander.defaults().expand(p).get(0).text();
      kinds.add("sent " + latin1(p));
      kinds.add("canonical " + latin1(canonical));
      switch (mix) {
        case EVERY_FAMILY -> assertThat(latin1(canonical)).isFalse();
        case LATIN1_CANONICAL -> {
          assertThat(latin1(p)).isFalse();
          assertThat(latin1(canonical)).isTrue();
        }
        case ASCII -> assertThat(p.chars().allMatch(c -> c < 0x80)).isTrue();
      }
    }
    assertThat(kinds)
        .containsExactlyInAnyOrder("sent true", "sent false", "canonical true", "canonical false");
  }

  @Test
  void everyFamilyIsThePayloadOfBefore() {
    List<String> texts = ScreeningWarmup.texts();
    assertThat(ScreeningWarmup.hostilePayload(new Random(9), 30_000, texts))
        .isEqualTo(
            ScreeningWarmup.hostilePayload(
                new Random(9), 30_000, texts, ScreeningWarmup.Mix.EVERY_FAMILY));
  }

  private static boolean latin1(String s) {
    return s.chars().allMatch(c -> c < 0x100);
  }

  @Test
  void hostilePayloadIsSeededAndExactlySized() {
    List<String> texts = ScreeningWarmup.texts();
    String a = ScreeningWarmup.hostilePayload(new Random(3), 50_000, texts);
    assertThat(a).isEqualTo(ScreeningWarmup.hostilePayload(new Random(3), 50_000, texts));
    assertThat(a.length()).isBetween(49_999, 50_000);
    assertThat(a).isNotEqualTo(ScreeningWarmup.hostilePayload(new Random(4), 50_000, texts));
    assertThatThrownBy(() -> ScreeningWarmup.hostilePayload(new Random(3), 0, texts))
        .hasMessageContaining("chars: 0");
  }

  @Test
  void judgesEveryRequestAndLeavesTheLiveStageUntouched() {
    var embedder = new Counting(TestModels.embedder());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (DetectorIndexBuilder builder =
        new DetectorIndexBuilder(embedder, DetectorIndexBuilder.defaultNegativePool())) {
      DetectorIndexes indexes = new DetectorIndexes(builder);
      ScopeClassifier live =
          new ScopeClassifier(
              new HybridDetector(embedder),
              DecisionModel.defaults(),
              ScopeClassifier.Config.defaults());
      InputStage stage =
          new InputStage(
              live, indexes, IculComposer.refusing(), config(SCAN_LIMIT), registry, 1 << 20);
      RuleSet rules = new RuleSet(1, List.of(TestModels.basil(Action.REFUSE, OnError.CLOSED)));
      indexes.prepare(rules);
      List<String> before = meters(registry);
      long calls = embedder.calls.get();

      ScreeningWarmup.Report report =
          warmup(embedder, System::nanoTime).run(Duration.ofMinutes(5), () -> false);

      assertThat(report.outcome()).isEqualTo(ScreeningWarmup.Outcome.COMPLETE);
      assertThat(report.failure()).isNull();
      assertThat(report.judged()).isEqualTo(report.requests());
      assertThat(report.requests())
          .isEqualTo(ScreeningWarmup.requests(config(SCAN_LIMIT).scan()).size());
      assertThat(report.chars()).isGreaterThan(ScreeningWarmup.HOSTILE_ROUNDS * 18_000L);
      assertThat(embedder.calls.get()).as("the model judged spans").isGreaterThan(calls);
      // nothing of the live stage moved: meters, memo, cached detections, cascade counters
      assertThat(meters(registry)).isEqualTo(before);
      assertThat(live.cachedBytes()).isZero();
      assertThat(live.spansSentToModel() + live.spansFromCache() + live.spansDecidedCheaply())
          .isZero();
      // and the live snapshot's index is still the one requests find
      assertThat(indexes.indexFor(rules).rules()).isSameAs(rules);
    }
  }

  @Test
  void withLiveRulesTheLongRequestsAreJudgedAgainUnderThemAndTheLiveIndexIsOnlyRead() {
    var embedder = TestModels.embedder();
    try (DetectorIndexBuilder builder =
        new DetectorIndexBuilder(embedder, DetectorIndexBuilder.defaultNegativePool())) {
      DetectorIndexes indexes = new DetectorIndexes(builder);
      RuleSet rules = new RuleSet(4, List.of(TestModels.basil(Action.REFUSE, OnError.CLOSED)));
      var index = indexes.prepare(rules);
      ScreeningWarmup w =
          new ScreeningWarmup(
              embedder,
              null,
              DecisionModel.defaults(),
              config(SCAN_LIMIT),
              System::nanoTime,
              () -> rules,
              indexes);
      var report = w.run(Duration.ofMinutes(5), () -> false);
      int own = ScreeningWarmup.requests(config(SCAN_LIMIT).scan()).size();
      assertThat(report.outcome()).isEqualTo(ScreeningWarmup.Outcome.COMPLETE);
      // prose, filler and the hostile payloads once more
      assertThat(report.requests()).isEqualTo(own + 2 + ScreeningWarmup.HOSTILE_ROUNDS);
      assertThat(report.judged()).isEqualTo(report.requests());
      assertThat(indexes.indexFor(rules)).isSameAs(index);
      // an empty live snapshot adds nothing
      var none =
          new ScreeningWarmup(
                  embedder,
                  null,
                  DecisionModel.defaults(),
                  config(SCAN_LIMIT),
                  System::nanoTime,
                  () -> new RuleSet(5, List.of()),
                  indexes)
              .run(Duration.ofMinutes(5), () -> false);
      assertThat(none.requests()).isEqualTo(own);
    }
  }

  /** Every meter of {@code registry} with its measurements, for a before/after comparison. */
  private static List<String> meters(SimpleMeterRegistry registry) {
    List<String> out = new ArrayList<>();
    for (Meter m : registry.getMeters()) {
      StringBuilder sb = new StringBuilder(m.getId().toString());
      m.measure()
          .forEach(x -> sb.append(' ').append(x.getStatistic()).append('=').append(x.getValue()));
      out.add(sb.toString());
    }
    out.sort(String::compareTo);
    return out;
  }

  @Test
  void theTimeBoundEndsIt() {
    // each reading of the clock advances it by one second: the bound of 3 s lets at most two
    // requests start
    AtomicLong now = new AtomicLong();
    var report =
        warmup(TestModels.embedder(), () -> now.addAndGet(1_000_000_000L))
            .run(Duration.ofSeconds(3), () -> false);
    assertThat(report.outcome()).isEqualTo(ScreeningWarmup.Outcome.BOUND);
    assertThat(report.judged()).isLessThanOrEqualTo(2).isLessThan(report.requests());
  }

  @Test
  void aTinyBoundOnTheRealClockEndsItSoon() {
    long t0 = System.nanoTime();
    var report =
        warmup(TestModels.embedder(), System::nanoTime).run(Duration.ofMillis(1), () -> false);
    assertThat(report.outcome()).isEqualTo(ScreeningWarmup.Outcome.BOUND);
    assertThat(report.judged()).isLessThan(report.requests());
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  void theStopSignalEndsIt() {
    AtomicInteger asked = new AtomicInteger();
    var report =
        warmup(TestModels.embedder(), System::nanoTime)
            .run(Duration.ofMinutes(5), () -> asked.incrementAndGet() > 3);
    assertThat(report.outcome()).isEqualTo(ScreeningWarmup.Outcome.STOPPED);
    assertThat(report.judged()).isEqualTo(3);
  }

  @Test
  void aFailureEndsItWithoutThrowing() {
    var failing = new TestModels.Switchable(TestModels.embedder());
    failing.fail(true);
    var report = warmup(failing, System::nanoTime).run(Duration.ofMinutes(5), () -> false);
    assertThat(report.outcome()).isEqualTo(ScreeningWarmup.Outcome.FAILED);
    assertThat(report.failure()).contains("EmbeddingException").contains("injected failure");
    assertThat(report.judged()).isZero();
  }

  @Test
  void aBoundMustBePositive() {
    var w = warmup(TestModels.embedder(), System::nanoTime);
    assertThatThrownBy(() -> w.run(Duration.ZERO, () -> false)).hasMessageContaining("bound: PT0S");
  }

  /** Counts the embedding calls. */
  private static final class Counting implements dev.lethe.filters.detect.Embedder {
    final dev.lethe.filters.detect.Embedder delegate;
    final AtomicLong calls = new AtomicLong();

    Counting(dev.lethe.filters.detect.Embedder delegate) {
      this.delegate = delegate;
    }

    @Override
    public int dimension() {
      return delegate.dimension();
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
      calls.incrementAndGet();
      return delegate.embedAll(texts);
    }
  }
}

package dev.lethe.filters.input;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.OnError;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.Decision;
import dev.lethe.filters.Exchange;
import dev.lethe.filters.Verdict;
import dev.lethe.filters.detect.DecisionModel;
import dev.lethe.filters.detect.DetectorIndexBuilder;
import dev.lethe.filters.detect.HybridDetector;
import dev.lethe.filters.detect.ScopeClassifier;
import dev.lethe.filters.detect.TestModels;
import dev.lethe.filters.testing.HostilePayload;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InputStageTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestModels.Switchable embedder;
  private DetectorIndexBuilder builder;
  private DetectorIndexes indexes;
  private SimpleMeterRegistry registry;

  @BeforeEach
  void setUp() {
    embedder = new TestModels.Switchable(TestModels.embedder());
    builder = new DetectorIndexBuilder(embedder, DetectorIndexBuilder.defaultNegativePool());
    indexes = new DetectorIndexes(builder);
    registry = new SimpleMeterRegistry();
  }

  @AfterEach
  void tearDown() {
    builder.close();
  }

  private InputStage stage(IculComposer icul) {
    ScopeClassifier classifier =
        new ScopeClassifier(
            new HybridDetector(embedder), DecisionModel.defaults(), new ScopeClassifier.Config(0));
    return new InputStage(classifier, indexes, icul, InputStage.Config.defaults(), registry);
  }

  private static Exchange exchange(RuleSet rules, String... userMessages) {
    ObjectNode req = JSON.createObjectNode().put("model", "m");
    var messages = req.putArray("messages");
    messages.addObject().put("role", "system").put("content", "Be brief.");
    for (String m : userMessages) {
      messages.addObject().put("role", "user").put("content", m);
    }
    return new Exchange("req-1", rules, req.toString().getBytes(StandardCharsets.UTF_8), req);
  }

  private RuleSet rules(long version, ForgetRule... rules) {
    RuleSet set = new RuleSet(version, List.of(rules));
    indexes.prepare(set);
    return set;
  }

  private double count(String name, String... tags) {
    var c = registry.find(name).tags(tags).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void refusesWithTheRuleRefusalText() throws Exception {
    RuleSet rules = rules(1, TestModels.basil(Action.REFUSE, OnError.CLOSED));
    Verdict v =
        stage(IculComposer.refusing())
            .onRequest(exchange(rules, "Where was Basil Mahfouz Al-Kuwaiti born?"));
    assertThat(v)
        .isEqualTo(Verdict.respond(Decision.REFUSE, "basil", "I can't discuss that author."));
    assertThat(count("lethe.input.decisions", "decision", "refuse", "rule", "basil")).isEqualTo(1);
    assertThat(registry.find("lethe.detector.latency").timer().count()).isEqualTo(1);
  }

  @Test
  void decidesWithoutBlockingOnlyWithNoRules() throws Exception {
    InputStage stage = stage(IculComposer.refusing());
    Exchange none = exchange(RuleSet.empty(), "Where was Basil Mahfouz Al-Kuwaiti born?");
    assertThat(stage.decidesWithoutBlocking(none)).isTrue();
    // and then it only passes: no rule can apply
    assertThat(stage.onRequest(none)).isEqualTo(Verdict.proceed());
    RuleSet rules = rules(1, TestModels.basil(Action.REFUSE, OnError.CLOSED));
    assertThat(stage.decidesWithoutBlocking(exchange(rules, "How do I center a div?"))).isFalse();
  }

  @Test
  void passesOutOfScopeRequestsUnchanged() throws Exception {
    RuleSet rules = rules(1, TestModels.basil(Action.REFUSE, OnError.CLOSED));
    Verdict v = stage(IculComposer.refusing()).onRequest(exchange(rules, "How do I center a div?"));
    assertThat(v).isEqualTo(Verdict.proceed());
    assertThat(count("lethe.input.decisions", "decision", "pass", "rule", "none")).isEqualTo(1);
  }

  @Test
  void redactionMasksSubjectSpansInEveryScannedMessage() throws Exception {
    RuleSet rules = rules(2, TestModels.basil(Action.REDACT, OnError.CLOSED));
    Exchange ex =
        exchange(
            rules,
            "I read a book by basil mahfouz al-kuwaiti yesterday.",
            "Which genre is Basil Mahfouz Al-Kuwaiti's best work in?");
    Verdict v = stage(IculComposer.refusing()).onRequest(ex);
    assertThat(v).isInstanceOf(Verdict.Rewrite.class);
    Verdict.Rewrite r = (Verdict.Rewrite) v;
    assertThat(r.decision()).isEqualTo(Decision.REDACT);
    assertThat(r.ruleId()).isEqualTo("basil");
    assertThat(r.request().at("/messages/1/content").asText())
        .isEqualTo("I read a book by [redacted] yesterday.");
    assertThat(r.request().at("/messages/2/content").asText())
        .isEqualTo("Which genre is [redacted]'s best work in?");
    assertThat(ex.request().at("/messages/2/content").asText()).contains("Basil");
  }

  @Test
  void redactionMasksDisguisedSubjectsInTheOriginalText() throws Exception {
    RuleSet rules = rules(3, TestModels.basil(Action.REDACT, OnError.CLOSED));
    Exchange ex =
        exchange(
            rules,
            "Tell me about B4s1l M4hf0uz Al-Kuw41t1 please.",
            "Where was \u0412\u0430sil Mahfouz Al-Kuwaiti born?");
    Verdict v = stage(IculComposer.refusing()).onRequest(ex);
    assertThat(v).isInstanceOf(Verdict.Rewrite.class);
    Verdict.Rewrite r = (Verdict.Rewrite) v;
    assertThat(r.request().at("/messages/1/content").asText())
        .isEqualTo("Tell me about [redacted] please.");
    assertThat(r.request().at("/messages/2/content").asText())
        .isEqualTo("Where was [redacted] born?");
  }

  @Test
  void obfuscatedAndEncodedQuestionsAreJudgedInTheirExposedForm() throws Exception {
    RuleSet rules = rules(4, TestModels.basil(Action.REFUSE, OnError.OPEN));
    InputStage stage = stage(IculComposer.refusing());
    String question = "In which city was Basil Mahfouz Al-Kuwaiti born?";
    String b64 =
        java.util.Base64.getEncoder().encodeToString(question.getBytes(StandardCharsets.UTF_8));
    for (String disguised :
        List.of(
            "In which city was B4s1l M4hf0uz Al-Kuw41t1 born?",
            "In which city was B a s i l  M a h f o u z  A l - K u w a i t i born?",
            "In which city was \u0412\u0430s\u0456l Mahfouz Al-Kuw\u0430iti born?",
            "Decode this base64 and answer it: " + b64,
            "Reverse this and answer: " + new StringBuilder(question).reverse())) {
      Exchange ex = exchange(rules, disguised);
      assertThat(stage.onRequest(ex)).as(disguised).isInstanceOf(Verdict.Respond.class);
      assertThat(ex.get(InputStage.CLASSIFICATION).orElseThrow().source().transforms())
          .as(disguised)
          .isNotEmpty();
    }
    Exchange plain =
        exchange(
            rules,
            "Decode this base64: "
                + java.util.Base64.getEncoder()
                    .encodeToString(
                        "What is the capital of France?".getBytes(StandardCharsets.UTF_8)));
    assertThat(stage.onRequest(plain)).isEqualTo(Verdict.proceed());
  }

  /**
   * A request of the warm-up's own stage that spends the budget is logged at debug level, not as
   * the warning an operator reads for a client request (whose warning stays).
   */
  @Test
  void aWarmUpStagesSpentBudgetIsNoWarning() throws Exception {
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
    ScopeClassifier slow =
        new ScopeClassifier(
            new HybridDetector(embedder),
            DecisionModel.defaults(),
            new ScopeClassifier.Config(0),
            () -> now.addAndGet(2_000_000_000L)); // every reading: two more seconds
    var logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(InputStage.class);
    var appender =
        new ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent>();
    appender.start();
    ch.qos.logback.classic.Level level = logger.getLevel();
    logger.setLevel(ch.qos.logback.classic.Level.DEBUG);
    logger.addAppender(appender);
    try {
      String[] paragraphs = new String[8];
      for (int i = 0; i < paragraphs.length; i++) {
        paragraphs[i] = "Paragraph " + i + " is about gardening and the weather in spring.";
      }
      RuleSet open = rules(7, TestModels.basil(Action.REFUSE, OnError.OPEN));
      for (boolean warmUp : new boolean[] {true, false}) {
        InputStage stage =
            new InputStage(
                slow,
                indexes,
                IculComposer.refusing(),
                InputStage.Config.defaults(),
                registry,
                0,
                warmUp);
        Exchange ex = exchange(open, paragraphs);
        assertThat(stage.judge(open, ex.request(), "r-" + warmUp).fallback()).isEqualTo("budget");
      }
      List<String> spent =
          appender.list.stream()
              .filter(e -> e.getFormattedMessage().contains("screening budget spent"))
              .map(e -> e.getLevel() + " " + e.getFormattedMessage())
              .toList();
      assertThat(spent)
          .containsExactly(
              "DEBUG request r-true: screening budget spent (warm-up, answer discarded)",
              "WARN request r-false: screening budget spent, applying rule fail modes");
    } finally {
      logger.detachAppender(appender);
      logger.setLevel(level);
    }
  }

  @Test
  void aSpentScreeningBudgetAppliesTheRulesFailModesAndIsCounted() throws Exception {
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
    ScopeClassifier slow =
        new ScopeClassifier(
            new HybridDetector(embedder),
            DecisionModel.defaults(),
            new ScopeClassifier.Config(0),
            () -> now.addAndGet(2_000_000_000L)); // every reading: two more seconds
    InputStage stage =
        new InputStage(
            slow, indexes, IculComposer.refusing(), InputStage.Config.defaults(), registry);
    String[] paragraphs = new String[8];
    for (int i = 0; i < paragraphs.length; i++) {
      paragraphs[i] = "Paragraph " + i + " is about gardening and the weather in spring.";
    }
    RuleSet closed = rules(5, TestModels.basil(Action.REFUSE, OnError.CLOSED));
    assertThat(stage.onRequest(exchange(closed, paragraphs))).isInstanceOf(Verdict.Respond.class);
    assertThat(count("lethe.detector.fallbacks", "reason", "budget", "outcome", "closed"))
        .isEqualTo(1);
    RuleSet open = rules(6, TestModels.basil(Action.REFUSE, OnError.OPEN));
    assertThat(stage.onRequest(exchange(open, paragraphs))).isEqualTo(Verdict.proceed());
    assertThat(count("lethe.detector.fallbacks", "reason", "budget", "outcome", "open"))
        .isEqualTo(1);
  }

  @Test
  void moreTextThanTheScanLimitIsRefusedBeforeAnythingIsJudgedWhateverTheRules() throws Exception {
    ScopeClassifier classifier =
        new ScopeClassifier(
            new HybridDetector(embedder), DecisionModel.defaults(), new ScopeClassifier.Config(0));
    InputStage.Config defaults = InputStage.Config.defaults();
    InputStage stage =
        new InputStage(
            classifier,
            indexes,
            IculComposer.refusing(),
            new InputStage.Config(
                defaults.scan().withMaxScanChars(2000), defaults.defaultRefusal(), defaults.mask()),
            registry);
    // "Be brief." (9 characters) plus two halves: 2,001 characters in all, one over the limit.
    String half = "w".repeat(996);
    for (RuleSet rules :
        List.of(
            rules(7, TestModels.basil(Action.REFUSE, OnError.OPEN)), new RuleSet(8, List.of()))) {
      Exchange ex = exchange(rules, half, half);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> stage.onRequest(ex))
          .isInstanceOf(ScanTooLarge.class)
          .hasMessage("the scanned texts hold 2001 characters, more than the limit of 2000");
    }
    assertThat(registry.find("lethe.detector.latency").timer().count()).isZero();
    // One character fewer is judged.
    assertThat(
            stage.onRequest(
                exchange(
                    rules(9, TestModels.basil(Action.REFUSE, OnError.OPEN)),
                    half,
                    half.substring(1))))
        .isEqualTo(Verdict.proceed());
  }

  @Test
  void iculBehavesAsRefuseUntilAComposerComposes() throws Exception {
    RuleSet rules = rules(3, TestModels.basil(Action.ICUL, OnError.CLOSED));
    String prompt = "What genre is author Basil Mahfouz Al-Kuwaiti known for?";
    assertThat(stage(IculComposer.refusing()).onRequest(exchange(rules, prompt)))
        .isInstanceOf(Verdict.Respond.class);
    ObjectNode composed = JSON.createObjectNode().put("model", "composed");
    Verdict v = stage((e, r, c) -> Optional.of(composed)).onRequest(exchange(rules, prompt));
    assertThat(v).isEqualTo(Verdict.rewrite(composed, Decision.ICUL, "basil"));
  }

  @Test
  void embeddingFailureKeepsLexicalDecisionsAndClosedRulesRefuse() throws Exception {
    RuleSet rules =
        rules(
            4,
            TestModels.basil(Action.REDACT, OnError.OPEN),
            TestModels.nightingale(OnError.CLOSED));
    InputStage stage = stage(IculComposer.refusing());
    embedder.fail(true);
    // The subject is named: the lexical stage still finds it and the rule's action applies.
    Verdict named = stage.onRequest(exchange(rules, "Tell me about Basil Mahfouz Al-Kuwaiti."));
    assertThat(named).isInstanceOf(Verdict.Rewrite.class);
    assertThat(count("lethe.detector.fallbacks", "reason", "embedding", "outcome", "lexical"))
        .isEqualTo(1);
    // Nothing named: the closed rule refuses.
    Verdict unnamed = stage.onRequest(exchange(rules, "How do I center a div?"));
    assertThat(unnamed).isInstanceOf(Verdict.Respond.class);
    assertThat(((Verdict.Respond) unnamed).ruleId()).isEqualTo("nightingale");
    assertThat(count("lethe.detector.fallbacks", "reason", "embedding", "outcome", "closed"))
        .isEqualTo(1);
    embedder.fail(false);
    assertThat(stage.onRequest(exchange(rules, "How do I center a div?")))
        .isEqualTo(Verdict.proceed());
  }

  @Test
  void embeddingFailureWithOnlyOpenRulesPassesAndIsCounted() throws Exception {
    RuleSet rules = rules(5, TestModels.basil(Action.REFUSE, OnError.OPEN));
    InputStage stage = stage(IculComposer.refusing());
    embedder.fail(true);
    assertThat(stage.onRequest(exchange(rules, "How do I center a div?")))
        .isEqualTo(Verdict.proceed());
    assertThat(count("lethe.detector.fallbacks", "reason", "embedding", "outcome", "open"))
        .isEqualTo(1);
  }

  @Test
  void detectorFailureRefusesUnderAClosedRule() throws Exception {
    RuleSet rules = new RuleSet(6, List.of(TestModels.nightingale(OnError.CLOSED)));
    ScopeClassifier classifier =
        new ScopeClassifier(
            new HybridDetector(embedder),
            DecisionModel.defaults(),
            ScopeClassifier.Config.defaults());
    InputStage stage =
        new InputStage(
            classifier,
            r -> {
              throw new IllegalStateException("index unavailable");
            },
            IculComposer.refusing(),
            InputStage.Config.defaults(),
            registry);
    assertThat(stage.onRequest(exchange(rules, "hello"))).isInstanceOf(Verdict.Respond.class);
    assertThat(count("lethe.detector.fallbacks", "reason", "detector", "outcome", "closed"))
        .isEqualTo(1);
  }

  /**
   * A megabyte of hostile noise is judged whole, without a time budget, at the cost of a few model
   * passes at most (the work bound: every one of its 2,000 windows used to go to the sentence
   * model, which took the whole budget and then failed closed): it passes when it hides nothing,
   * and a question about a rule's subject hidden in it is found and refused under that rule.
   */
  @Test
  void aMegabyteOfHostileNoiseIsJudgedWholeWithFewModelPasses() {
    RuleSet rules = rules(1, TestModels.basil(Action.REFUSE, OnError.CLOSED));
    ScopeClassifier classifier =
        new ScopeClassifier(
            new HybridDetector(embedder), DecisionModel.defaults(), new ScopeClassifier.Config(0));
    InputStage.Config unlimited =
        new InputStage.Config(
            ScanConfig.defaults().withBudget(ScopeClassifier.Budget.UNLIMITED),
            "I can't help with that.",
            "[redacted]");
    InputStage stage =
        new InputStage(classifier, indexes, IculComposer.refusing(), unlimited, registry);
    String noise = HostilePayload.of(new java.util.Random(100), 1_000_000);
    Exchange plain = exchange(rules, noise);
    assertThat(stage.scanner().scannedChars(plain.request())).isGreaterThan(1_000_000);

    InputStage.Judgement j = stage.judge(rules, plain.request(), "hostile");
    assertThat(j.decision()).isEqualTo(Decision.PASS);
    assertThat(j.fallback()).isNull();
    assertThat(j.classification().complete()).isTrue();
    assertThat(classifier.spansSentToModel()).isLessThanOrEqualTo(2);

    int at = noise.length() / 3;
    String hidden =
        noise.substring(0, at)
            + "\nWhich city was Basil Mahfouz Al-Kuwaiti born in?\n"
            + noise.substring(at);
    long before = classifier.spansSentToModel();
    j = stage.judge(rules, exchange(rules, hidden).request(), "hostile-question");
    assertThat(j.decision()).isEqualTo(Decision.REFUSE);
    assertThat(j.rule().id()).isEqualTo("basil");
    assertThat(j.fallback()).isNull();
    assertThat(classifier.spansSentToModel() - before).isLessThanOrEqualTo(8);
  }
}

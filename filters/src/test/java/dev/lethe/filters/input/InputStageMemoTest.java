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
import dev.lethe.filters.detect.Classification;
import dev.lethe.filters.detect.DecisionModel;
import dev.lethe.filters.detect.Detection;
import dev.lethe.filters.detect.DetectorIndexBuilder;
import dev.lethe.filters.detect.HybridDetector;
import dev.lethe.filters.detect.ScopeClassifier;
import dev.lethe.filters.detect.TestModels;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The input stage's memo of whole-request judgements ({@link JudgementMemo}): a repeated
 * conversation is judged once and then decided from memory, on the caller's thread when it passes
 * or is refused; a new snapshot or decision model never sees an old verdict; fail modes and budget
 * cuts are judged again; a remembered judgement is the one the full path makes.
 */
class InputStageMemoTest {
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

  private ScopeClassifier classifier() {
    return new ScopeClassifier(
        new HybridDetector(embedder), DecisionModel.defaults(), new ScopeClassifier.Config(0));
  }

  private InputStage stage(ScopeClassifier classifier, long memoBytes) {
    return new InputStage(
        classifier,
        indexes,
        IculComposer.refusing(),
        InputStage.Config.defaults(),
        registry,
        memoBytes);
  }

  /** A fresh exchange (its own parsed tree) for the conversation of {@code userMessages}. */
  private static Exchange exchange(RuleSet rules, String... userMessages) {
    ObjectNode req = JSON.createObjectNode().put("model", "m");
    var messages = req.putArray("messages");
    messages.addObject().put("role", "system").put("content", "Be brief.");
    for (String m : userMessages) {
      messages.addObject().put("role", "user").put("content", m);
    }
    byte[] body = req.toString().getBytes(StandardCharsets.UTF_8);
    try {
      return new Exchange("req", rules, body, (ObjectNode) JSON.readTree(body));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private RuleSet rules(long version, ForgetRule... rules) {
    RuleSet set = new RuleSet(version, List.of(rules));
    indexes.prepare(set);
    return set;
  }

  private double memo(String result) {
    var c = registry.find("lethe.input.memo").tag("result", result).functionCounter();
    return c == null ? -1 : c.count();
  }

  private long judged() {
    return registry.find("lethe.detector.latency").timer().count();
  }

  @Test
  void aRepeatedConversationIsJudgedOnceThenDecidedWithoutBlocking() throws Exception {
    InputStage stage = stage(classifier(), JudgementMemo.DEFAULT_BYTES);
    RuleSet rules = rules(1, TestModels.basil(Action.REFUSE, OnError.CLOSED));
    assertThat(memo("hit")).isZero();
    assertThat(memo("miss")).isZero();

    Exchange first = exchange(rules, "How do I center a div?");
    assertThat(stage.decidesWithoutBlocking(first)).isFalse();
    assertThat(stage.onRequest(first)).isEqualTo(Verdict.proceed());
    assertThat(memo("miss")).isEqualTo(1);
    assertThat(judged()).isEqualTo(1);

    Exchange again = exchange(rules, "How do I center a div?");
    assertThat(stage.decidesWithoutBlocking(again)).isTrue();
    assertThat(stage.onRequest(again)).isEqualTo(Verdict.proceed());
    assertThat(memo("hit")).isEqualTo(1);
    assertThat(memo("miss")).isEqualTo(1);
    assertThat(judged()).isEqualTo(1); // the classifier did not run again
    assertThat(again.get(InputStage.CLASSIFICATION).orElseThrow())
        .isSameAs(first.get(InputStage.CLASSIFICATION).orElseThrow());
    assertThat(again.decision()).isEqualTo(Decision.PASS);

    // a refusal, remembered, is decided without blocking too, and counted as a decision again
    String q = "Where was Basil Mahfouz Al-Kuwaiti born?";
    Verdict refused = stage.onRequest(exchange(rules, q));
    assertThat(refused).isInstanceOf(Verdict.Respond.class);
    Exchange asked = exchange(rules, q);
    assertThat(stage.decidesWithoutBlocking(asked)).isTrue();
    assertThat(stage.onRequest(asked)).isEqualTo(refused);
    assertThat(memo("hit")).isEqualTo(2);
    var refusals =
        registry.find("lethe.input.decisions").tags("decision", "refuse", "rule", "basil");
    assertThat(refusals.counter().count()).isEqualTo(2);

    // another conversation (one more turn) is another key
    assertThat(stage.decidesWithoutBlocking(exchange(rules, "How do I center a div?", "And")))
        .isFalse();
  }

  @Test
  void aNewSnapshotNeverSeesAnOldVerdict() throws Exception {
    InputStage stage = stage(classifier(), JudgementMemo.DEFAULT_BYTES);
    String q = "Where was Basil Mahfouz Al-Kuwaiti born?";
    RuleSet v1 = rules(1, TestModels.nightingale(OnError.CLOSED));
    assertThat(stage.onRequest(exchange(v1, q))).isEqualTo(Verdict.proceed());
    assertThat(stage.decidesWithoutBlocking(exchange(v1, q))).isTrue();

    // the rule about Basil arrives: the same conversation is judged again and refused
    RuleSet v2 =
        rules(
            2,
            TestModels.nightingale(OnError.CLOSED),
            TestModels.basil(Action.REFUSE, OnError.OPEN));
    Exchange under2 = exchange(v2, q);
    assertThat(stage.decidesWithoutBlocking(under2)).isFalse();
    assertThat(stage.onRequest(under2)).isInstanceOf(Verdict.Respond.class);
    assertThat(memo("miss")).isEqualTo(2);
    assertThat(stage.decidesWithoutBlocking(exchange(v2, q))).isTrue();

    // a request still judged under the old snapshot misses (its generation was dropped) and is
    // not remembered over the newer one
    assertThat(stage.decidesWithoutBlocking(exchange(v1, q))).isFalse();
    assertThat(stage.onRequest(exchange(v1, q))).isEqualTo(Verdict.proceed());
    Exchange under2Again = exchange(v2, q);
    assertThat(stage.decidesWithoutBlocking(under2Again)).isTrue();
    assertThat(stage.onRequest(under2Again)).isInstanceOf(Verdict.Respond.class);

    // an equal snapshot that is another object (a reload) is another generation as well
    RuleSet v2copy =
        rules(
            2,
            TestModels.nightingale(OnError.CLOSED),
            TestModels.basil(Action.REFUSE, OnError.OPEN));
    assertThat(stage.decidesWithoutBlocking(exchange(v2copy, q))).isFalse();
  }

  @Test
  void aNewDecisionModelNeverSeesAnOldVerdict() throws Exception {
    ScopeClassifier classifier = classifier();
    InputStage stage = stage(classifier, JudgementMemo.DEFAULT_BYTES);
    RuleSet rules = rules(1, TestModels.basil(Action.REFUSE, OnError.CLOSED));
    String q = "Where was Basil Mahfouz Al-Kuwaiti born?";
    assertThat(stage.onRequest(exchange(rules, q))).isInstanceOf(Verdict.Respond.class);
    assertThat(stage.decidesWithoutBlocking(exchange(rules, q))).isTrue();
    // a model that puts nothing in scope: the remembered refusal must not answer
    classifier.install(DecisionModel.defaults().withThreshold(1.0));
    Exchange after = exchange(rules, q);
    assertThat(stage.decidesWithoutBlocking(after)).isFalse();
    Verdict v = stage.onRequest(after);
    Verdict full = stage(classifier, 0).onRequest(exchange(rules, q));
    assertThat(v).isEqualTo(full).isEqualTo(Verdict.proceed());
    assertThat(memo("miss")).isEqualTo(2);
  }

  @Test
  void failModesAreJudgedAgainEveryTime() throws Exception {
    InputStage stage = stage(classifier(), JudgementMemo.DEFAULT_BYTES);
    RuleSet rules = rules(1, TestModels.nightingale(OnError.CLOSED));
    embedder.fail(true);
    for (int i = 0; i < 2; i++) {
      Exchange ex = exchange(rules, "How do I center a div?");
      assertThat(stage.decidesWithoutBlocking(ex)).isFalse();
      assertThat(stage.onRequest(ex)).isInstanceOf(Verdict.Respond.class); // closed
    }
    assertThat(memo("hit")).isZero();
    assertThat(memo("miss")).isEqualTo(2);
    // the embedder is back: judged in full, then remembered
    embedder.fail(false);
    assertThat(stage.onRequest(exchange(rules, "How do I center a div?")))
        .isEqualTo(Verdict.proceed());
    assertThat(stage.decidesWithoutBlocking(exchange(rules, "How do I center a div?"))).isTrue();
    assertThat(memo("miss")).isEqualTo(3);
  }

  @Test
  void aJudgementCutByTheScreeningBudgetIsJudgedAgain() throws Exception {
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
    ScopeClassifier slow =
        new ScopeClassifier(
            new HybridDetector(embedder),
            DecisionModel.defaults(),
            new ScopeClassifier.Config(0),
            () -> now.addAndGet(2_000_000_000L)); // every reading: two more seconds
    InputStage stage = stage(slow, JudgementMemo.DEFAULT_BYTES);
    String[] paragraphs = new String[8];
    for (int i = 0; i < paragraphs.length; i++) {
      paragraphs[i] = "Paragraph " + i + " is about gardening and the weather in spring.";
    }
    RuleSet open = rules(1, TestModels.basil(Action.REFUSE, OnError.OPEN));
    for (int i = 0; i < 2; i++) {
      Exchange ex = exchange(open, paragraphs);
      assertThat(stage.decidesWithoutBlocking(ex)).isFalse();
      assertThat(stage.onRequest(ex)).isEqualTo(Verdict.proceed());
    }
    assertThat(memo("hit")).isZero();
    assertThat(
            registry
                .find("lethe.detector.fallbacks")
                .tags("reason", "budget", "outcome", "open")
                .counter()
                .count())
        .isEqualTo(2);
  }

  @Test
  void aRememberedRedactionSkipsTheClassifierButStillRunsOnAWorker() throws Exception {
    InputStage stage = stage(classifier(), JudgementMemo.DEFAULT_BYTES);
    RuleSet rules = rules(1, TestModels.basil(Action.REDACT, OnError.CLOSED));
    String q = "Tell me about Basil Mahfouz Al-Kuwaiti and his books.";
    Verdict first = stage.onRequest(exchange(rules, q));
    assertThat(first).isInstanceOf(Verdict.Rewrite.class);
    Exchange again = exchange(rules, q);
    assertThat(stage.decidesWithoutBlocking(again)).isFalse();
    assertThat(stage.onRequest(again)).isEqualTo(first);
    assertThat(memo("hit")).isEqualTo(1);
    assertThat(judged()).isEqualTo(1);
  }

  @Test
  void aLargeConversationIsLookedUpOnTheWorkerNotWhereBlockingIsAsked() throws Exception {
    InputStage stage = stage(classifier(), JudgementMemo.DEFAULT_BYTES);
    RuleSet rules = rules(1, TestModels.basil(Action.REFUSE, OnError.CLOSED));
    String note = "Notes on gardening in spring. ".repeat(160); // ~4,900 bytes of body
    assertThat(exchange(rules, note).originalBody().length)
        .isGreaterThan(InputStage.MEMO_INLINE_MAX_BODY_BYTES);
    assertThat(stage.onRequest(exchange(rules, note))).isEqualTo(Verdict.proceed());
    Exchange again = exchange(rules, note);
    assertThat(stage.decidesWithoutBlocking(again)).isFalse();
    assertThat(stage.onRequest(again)).isEqualTo(Verdict.proceed());
    assertThat(memo("hit")).isEqualTo(1);
    assertThat(judged()).isEqualTo(1);
  }

  @Test
  void aDisabledMemoKeepsNothingAndCountsNothing() throws Exception {
    InputStage stage = stage(classifier(), 0);
    RuleSet rules = rules(1, TestModels.basil(Action.REFUSE, OnError.CLOSED));
    for (int i = 0; i < 2; i++) {
      Exchange ex = exchange(rules, "How do I center a div?");
      assertThat(stage.decidesWithoutBlocking(ex)).isFalse();
      assertThat(stage.onRequest(ex)).isEqualTo(Verdict.proceed());
    }
    assertThat(judged()).isEqualTo(2);
    assertThat(memo("hit") + memo("miss")).isZero();
  }

  /**
   * Over the quality set (rules from every other paraphrase of each TOFU author; the others and the
   * benign prompts judged): the answer from the memo is the one a stage without a memo gives,
   * verdict and classification alike, and it is the very classification the first judgement made.
   */
  @Test
  void aRememberedJudgementIsTheFullJudgementOnTheQualitySet() throws Exception {
    Map<String, List<String>> byAuthor = new LinkedHashMap<>();
    try (InputStream in = getClass().getResourceAsStream("/bench/paraphrases.tsv")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          String[] f = line.split("\t");
          byAuthor.computeIfAbsent(f[0], a -> new ArrayList<>()).add(f[2]);
        }
      }
    }
    List<ForgetRule> list = new ArrayList<>();
    List<String> items = new ArrayList<>();
    int n = 0;
    for (Map.Entry<String, List<String>> e : byAuthor.entrySet()) {
      List<String> examples = new ArrayList<>();
      for (int i = 0; i < e.getValue().size(); i++) {
        (i % 2 == 0 ? examples : items).add(e.getValue().get(i));
      }
      list.add(
          new ForgetRule(
              "author-" + n++,
              "Forget the author " + e.getKey(),
              List.of(e.getKey()),
              examples,
              List.of(),
              List.of(),
              n % 3 == 0 ? Action.REDACT : Action.REFUSE,
              null,
              OnError.CLOSED));
    }
    try (InputStream in = getClass().getResourceAsStream("/bench/benign.txt")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          items.add(line.strip());
        }
      }
    }
    assertThat(items).hasSizeGreaterThanOrEqualTo(100);
    RuleSet rules = rules(1, list.toArray(ForgetRule[]::new));
    ScopeClassifier classifier = classifier();
    InputStage memoised = stage(classifier, JudgementMemo.DEFAULT_BYTES);
    InputStage full = stage(classifier, 0);
    int inScope = 0;
    for (String item : items) {
      Exchange first = exchange(rules, item);
      Verdict v1 = memoised.onRequest(first);
      Exchange hit = exchange(rules, item);
      Verdict v2 = memoised.onRequest(hit);
      Exchange fresh = exchange(rules, item);
      Verdict v3 = full.onRequest(fresh);
      assertThat(v2).as(item).isEqualTo(v1).isEqualTo(v3);
      assertThat(hit.decision()).as(item).isEqualTo(fresh.decision());
      assertThat(hit.ruleId()).as(item).isEqualTo(fresh.ruleId());
      Classification c1 = first.get(InputStage.CLASSIFICATION).orElseThrow();
      Classification c2 = hit.get(InputStage.CLASSIFICATION).orElseThrow();
      Classification c3 = fresh.get(InputStage.CLASSIFICATION).orElseThrow();
      assertThat(c2).as(item).isSameAs(c1);
      assertThat(List.of(c2.inScope(), c2.score(), c2.version(), c2.complete(), c2.semantic()))
          .as(item)
          .isEqualTo(List.of(c3.inScope(), c3.score(), c3.version(), c3.complete(), c3.semantic()));
      assertThat(String.valueOf(c2.ruleId())).as(item).isEqualTo(String.valueOf(c3.ruleId()));
      assertThat(c2.source()).as(item).isEqualTo(c3.source());
      inScope += c3.inScope() ? 1 : 0;
    }
    assertThat(inScope).isGreaterThanOrEqualTo(40); // the set exercises refusals and redactions
    assertThat(memo("hit")).isEqualTo(items.size());
  }

  @Test
  void theKeyTellsApartEveryDifferenceInTheMessagesAndNothingElse() throws Exception {
    List<String> distinct =
        List.of(
            "{\"messages\":[{\"role\":\"user\",\"content\":\"ab\"},{\"role\":\"user\",\"content\":\"c\"}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"user\",\"content\":\"bc\"}]}",
            "{\"messages\":[{\"content\":\"ab\",\"role\":\"user\"},{\"role\":\"user\",\"content\":\"c\"}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"1\"}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":1}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":1.0}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":null}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"null\"}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":true}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":[\"x\"]}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":{\"x\":\"\"}}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"\u00e9\"}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"e\u0301\"}]}",
            "{\"messages\":[{\"role\":\"assistant\",\"content\":\"x\"}]}",
            "{\"messages\":[]}",
            "{\"messages\":{}}");
    List<JudgementMemo.Key> keys = new ArrayList<>();
    for (String s : distinct) {
      keys.add(JudgementMemo.key((ObjectNode) JSON.readTree(s)));
    }
    assertThat(keys).doesNotHaveDuplicates();
    // other fields than messages, and another parse of the same text, give the same key
    String a = "{\"model\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":1}";
    String b = "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    assertThat(JudgementMemo.key((ObjectNode) JSON.readTree(a)))
        .isEqualTo(JudgementMemo.key((ObjectNode) JSON.readTree(b)))
        .hasSameHashCodeAs(JudgementMemo.key((ObjectNode) JSON.readTree(b)));
    assertThat(JudgementMemo.key((ObjectNode) JSON.readTree("{\"model\":\"a\"}"))).isNull();
    // a long text (several buffers' worth) hashes whole: its last character counts
    String longText = "w".repeat(10_000);
    assertThat(JudgementMemo.key(request(longText + "a")))
        .isNotEqualTo(JudgementMemo.key(request(longText + "b")));
  }

  private static ObjectNode request(String content) {
    ObjectNode req = JSON.createObjectNode();
    req.putArray("messages").addObject().put("role", "user").put("content", content);
    return req;
  }

  @Test
  void theMemoIsBoundedByItsEstimatedBytes() {
    long bound = 64 * 1024;
    JudgementMemo memo = new JudgementMemo(bound);
    RuleSet rules = new RuleSet(1, List.of());
    DecisionModel model = DecisionModel.defaults();
    Detection d =
        new Detection(List.of(new Detection.Candidate("r", new double[16], List.of())), true);
    InputStage.Judgement j =
        new InputStage.Judgement(
            new Classification(false, "r", 0.1, 1, true, List.of(d, d, d)), null, null, null);
    int each = JudgementMemo.entryBytes(j);
    // hand-computed: 144 (entry, key, judgement) + 80 + 3 × (48 + 64 + 16 + 8 × 16)
    assertThat(each).isEqualTo(144 + 80 + 3 * (48 + 64 + 16 + 128));
    for (int i = 0; i < 10_000; i++) {
      memo.put(JudgementMemo.key(request("prompt " + i)), rules, model, j);
    }
    assertThat(memo.estimatedBytes()).isLessThanOrEqualTo(bound).isGreaterThan(bound / 2);
    // judgements that may not be remembered are not
    JudgementMemo other = new JudgementMemo(bound);
    Classification cut = new Classification(false, null, 0, 1, true, List.of(), null, false);
    other.put(
        JudgementMemo.key(request("x")),
        rules,
        model,
        new InputStage.Judgement(cut, null, null, null));
    other.put(
        JudgementMemo.key(request("y")),
        rules,
        model,
        new InputStage.Judgement(null, null, "detector", "open"));
    assertThat(other.estimatedBytes()).isZero();
  }
}

package dev.lethe.filters.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.OnError;
import dev.lethe.config.rules.RuleSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DetectorIndexBuilderTest {
  @Test
  void snapshotsAreIncrementalAndOlderIndicesKeepTheirView() {
    try (DetectorIndexBuilder b = new DetectorIndexBuilder(TestModels.embedder(), List.of())) {
      DetectorIndex v1 = b.build(new RuleSet(1, List.of(TestModels.nightingale(OnError.CLOSED))));
      DetectorIndex v2 =
          b.build(
              new RuleSet(
                  2,
                  List.of(
                      TestModels.nightingale(OnError.CLOSED),
                      TestModels.basil(Action.REFUSE, OnError.CLOSED))));
      // Unchanged rules keep their data; the older snapshot still sees only its rule.
      assertThat(v2.rule("nightingale")).isSameAs(v1.rule("nightingale"));
      assertThat(v1.rule("basil")).isNull();
      var tokens = TextAnalysis.nameTokens("Basil Mahfouz Al-Kuwaiti");
      assertThat(v1.subjectCandidates(tokens)).doesNotContain("basil");
      assertThat(v2.subjectCandidates(tokens)).contains("basil");
      // A changed rule replaces its documents; a removed one disappears.
      DetectorIndex v3 =
          b.build(new RuleSet(3, List.of(TestModels.basil(Action.REDACT, OnError.OPEN))));
      assertThat(v3.rule("nightingale")).isNull();
      assertThat(v3.rule("basil").rule().action()).isEqualTo(Action.REDACT);
      assertThat(v3.subjectCandidates(TextAnalysis.nameTokens("Project Nightingale")))
          .doesNotContain("nightingale");
      float[] q =
          TestModels.embedder().embed("What genre is author Basil Mahfouz Al-Kuwaiti known for?");
      assertThat(v3.positiveNeighbours(q, 20, 0))
          .hasSize(7)
          .allSatisfy(n -> assertThat(n.rule()).isEqualTo("basil"));
      assertThat(v2.positiveNeighbours(q, 20, 0)).hasSize(9);
      v1.close();
      v1.close(); // idempotent
    }
  }

  /** Records the groups it is asked for; a vector depends on its whole group. */
  private static final class Recording implements Embedder {
    final List<List<String>> groups = new ArrayList<>();
    final List<String> singles = new ArrayList<>();

    @Override
    public int dimension() {
      return 64;
    }

    private static float[] vector(int seed) {
      float[] v = new float[64];
      v[Math.floorMod(seed, 64)] = 1;
      return v;
    }

    @Override
    public synchronized List<float[]> embedAll(List<String> texts) {
      singles.addAll(texts);
      return texts.stream().map(t -> vector(t.hashCode())).toList();
    }

    @Override
    public synchronized List<List<float[]>> embedGroups(List<List<String>> asked) {
      groups.addAll(asked);
      List<List<float[]>> out = new ArrayList<>();
      for (List<String> g : asked) {
        List<float[]> vs = new ArrayList<>();
        for (int i = 0; i < g.size(); i++) {
          vs.add(vector(g.hashCode() * 31 + i));
        }
        out.add(vs);
      }
      return out;
    }
  }

  private static DetectorIndexBuilder batching(Embedder e) {
    return new DetectorIndexBuilder(
        e, List.of("hello there"), new org.apache.lucene.store.ByteBuffersDirectory(), true);
  }

  @Test
  void byDefaultEveryTextIsEmbeddedAlone() {
    Recording r = new Recording();
    var basil = TestModels.basil(Action.REFUSE, OnError.CLOSED);
    try (DetectorIndexBuilder b = new DetectorIndexBuilder(r, List.of("hello there"))) {
      b.build(new RuleSet(1, List.of(basil)));
    }
    assertThat(r.groups).isEmpty();
    assertThat(r.singles).hasSize(1 + basil.examples().size() + basil.counterExamples().size());
  }

  @Test
  void eachRuleIsOneGroupSoItsVectorsDoNotDependOnTheImport() {
    var basil = TestModels.basil(Action.REFUSE, OnError.CLOSED);
    var nightingale = TestModels.nightingale(OnError.CLOSED);
    Recording alone = new Recording();
    Recording bulk = new Recording();
    try (DetectorIndexBuilder a = batching(alone);
        DetectorIndexBuilder b = batching(bulk)) {
      DetectorIndex ia = a.build(new RuleSet(1, List.of(basil)));
      DetectorIndex ib = b.build(new RuleSet(1, List.of(nightingale, basil)));
      List<String> basilTexts = new ArrayList<>(basil.examples());
      basilTexts.addAll(basil.counterExamples());
      assertThat(alone.groups).containsExactly(basilTexts);
      assertThat(bulk.groups).hasSize(2).contains(basilTexts);
      // The negative pool is embedded text by text.
      assertThat(alone.singles).containsExactly("hello there");
      RuleData ra = ia.rule("basil");
      RuleData rb = ib.rule("basil");
      assertThat(ra.examples().length).isEqualTo(7);
      assertThat(ra.counters().length).isEqualTo(1);
      for (int i = 0; i < ra.examples().length; i++) {
        assertThat(rb.examples()[i]).containsExactly(ra.examples()[i]);
      }
      assertThat(rb.counters()[0]).containsExactly(ra.counters()[0]);
      assertThat(ra.counters()[0]).isNotEqualTo(ra.examples()[0]);
    }
  }

  @Test
  void filesKeptInOneBufferJudgeAsFilesInManyAndAsEachOtherTwice() {
    var rules =
        new RuleSet(
            1,
            List.of(
                TestModels.basil(Action.REFUSE, OnError.CLOSED),
                TestModels.nightingale(OnError.CLOSED)));
    List<String> prompts =
        List.of(
            "Which genre does Basil Mahfouz Al-Kuwaiti write in?",
            "What did the author born in Kuwait City write about?",
            "Tell me about Florence Nightingale's nursing reforms.",
            "How do I bake sourdough bread?");
    try (DetectorIndexBuilder many =
            new DetectorIndexBuilder(
                TestModels.embedder(),
                DetectorIndexBuilder.defaultNegativePool(),
                DetectorIndexBuilder.inMemoryDirectory(0));
        DetectorIndexBuilder one =
            new DetectorIndexBuilder(
                TestModels.embedder(), DetectorIndexBuilder.defaultNegativePool())) {
      DetectorIndex a = many.build(rules);
      DetectorIndex b = one.build(rules);
      HybridDetector detector = new HybridDetector(TestModels.embedder());
      for (String p : prompts) {
        String first = describe(detector.detect(b, p));
        assertThat(first).as(p).isEqualTo(describe(detector.detect(a, p)));
        // the second search reads each document's rule from what the first remembered
        assertThat(describe(detector.detect(b, p))).as(p).isEqualTo(first);
      }
    }
  }

  private static String describe(Detection d) {
    StringBuilder sb = new StringBuilder();
    for (Detection.Candidate c : d.candidates()) {
      sb.append(c.ruleId())
          .append(java.util.Arrays.toString(c.features()))
          .append(c.subjectSpans())
          .append(';');
    }
    return sb.toString();
  }
}

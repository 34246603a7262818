package dev.lethe.filters.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MiniLmEmbedderTest {
  private static MiniLmEmbedder embedder;

  @BeforeAll
  static void load() {
    embedder = MiniLmEmbedder.load();
  }

  @AfterAll
  static void close() {
    embedder.close();
  }

  @Test
  void vectorsAreUnitLengthAndSelfSimilarityIsOne() {
    float[] v = embedder.embed("Where was the author Hsiao Yun-Hwa born?");
    assertThat(v).hasSize(384);
    assertThat(VectorMath.dot(v, v)).isCloseTo(1f, within(1e-4f));
    float[] again = embedder.embed("Where was the author Hsiao Yun-Hwa born?");
    assertThat(VectorMath.dot(v, again)).isCloseTo(1f, within(1e-4f));
  }

  @Test
  void paraphrasesAreCloserThanUnrelatedTexts() {
    List<float[]> v =
        embedder.embedAll(
            List.of(
                "What is the profession of the writer's father?",
                "What job does the author's dad have?",
                "How do I bake sourdough bread at home?",
                "Which river flows through Paris?"));
    float para = VectorMath.dot(v.get(0), v.get(1));
    assertThat(para).isGreaterThan(VectorMath.dot(v.get(0), v.get(2)) + 0.2f);
    assertThat(para).isGreaterThan(VectorMath.dot(v.get(0), v.get(3)) + 0.2f);
  }

  @Test
  void aTextGetsTheSameVectorWhateverItsBatch() {
    String shortText = "Hello there";
    List<float[]> batch =
        embedder.embedAll(
            List.of(
                shortText,
                "A much longer sentence that forces padding of the" + " first one in the batch"));
    float[] single = embedder.embed(shortText);
    assertThat(VectorMath.dot(batch.get(0), single)).isCloseTo(1f, within(1e-5f));
  }

  @Test
  void aGroupGetsTheSameVectorsWhateverElseIsEmbedded() {
    List<String> rule =
        List.of(
            "Where was Kaloren Tavel born?",
            "What is the profession of Kaloren Tavel's father?",
            "Can you name some books written by Kaloren Tavel?");
    List<float[]> alone = embedder.embedGroups(List.of(rule)).get(0);
    List<List<float[]>> among =
        embedder.embedGroups(
            List.of(
                List.of("A much longer sentence about rivers, gardens and the weather in May."),
                rule,
                List.of(),
                List.of("Hi")));
    assertThat(among).hasSize(4);
    assertThat(among.get(2)).isEmpty();
    for (int i = 0; i < rule.size(); i++) {
      assertThat(among.get(1).get(i)).containsExactly(alone.get(i));
      // The documented tolerance against the text embedded alone.
      assertThat(VectorMath.dot(alone.get(i), embedder.embed(rule.get(i)))).isGreaterThan(0.98f);
      assertThat(VectorMath.dot(alone.get(i), alone.get(i))).isCloseTo(1f, within(1e-4f));
    }
  }

  @Test
  void aBatchNeighbourShiftsAVectorWhichIsWhyRequestsAreNotBatched() {
    String text = "Which genre does Kaloren Tavel write in?";
    float[] withShort = embedder.embedGroups(List.of(List.of(text, "Hi"))).get(0).get(0);
    float[] withLong =
        embedder
            .embedGroups(
                List.of(
                    List.of(
                        text,
                        "!!! ### 12345 ZZZZ qqqq xxxx ---- ???? "
                            + "a very long and strange neighbour to widen the activation range")))
            .get(0)
            .get(0);
    float dot = VectorMath.dot(withShort, withLong);
    assertThat(dot).isGreaterThan(0.95f).isLessThan(0.99999f);
  }

  @Test
  void largeGroupsRunInChunksInOrder() {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < MiniLmEmbedder.MAX_GROUP_BATCH * 2 + 3; i++) {
      texts.add("Question number " + i + " about the author Kaloren Tavel?");
    }
    List<float[]> group = embedder.embedGroups(List.of(texts)).get(0);
    assertThat(group).hasSize(texts.size());
    List<float[]> single = embedder.embedAll(texts);
    for (int i = 0; i < texts.size(); i++) {
      assertThat(VectorMath.dot(group.get(i), single.get(i))).isGreaterThan(0.98f);
    }
    // The last chunk alone is the same batch as inside the group.
    List<String> tail = texts.subList(MiniLmEmbedder.MAX_GROUP_BATCH * 2, texts.size());
    List<float[]> tailAlone = embedder.embedGroups(List.of(tail)).get(0);
    for (int i = 0; i < tail.size(); i++) {
      assertThat(group.get(MiniLmEmbedder.MAX_GROUP_BATCH * 2 + i))
          .containsExactly(tailAlone.get(i));
    }
  }
}

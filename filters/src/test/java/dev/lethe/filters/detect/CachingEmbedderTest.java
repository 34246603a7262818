package dev.lethe.filters.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The embedding cache: memoises exact texts, and a byte-bounded one stays within its bound. */
class CachingEmbedderTest {
  /** A 384-dimensional embedder that counts the texts it embeds. */
  private static final class Counting implements Embedder {
    final AtomicInteger embedded = new AtomicInteger();

    @Override
    public int dimension() {
      return 384;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
      List<float[]> out = new ArrayList<>();
      for (String t : texts) {
        embedded.incrementAndGet();
        float[] v = new float[384];
        v[Math.floorMod(t.hashCode(), 384)] = 1;
        out.add(v);
      }
      return out;
    }
  }

  @Test
  void repeatedTextsAreEmbeddedOnce() {
    Counting inner = new Counting();
    CachingEmbedder cache = CachingEmbedder.ofBytes(inner, 1 << 20);
    float[] a = cache.embed("hello there");
    assertThat(cache.embedAll(List.of("hello there", "hello there"))).containsExactly(a, a);
    assertThat(inner.embedded.get()).isEqualTo(1);
  }

  @Test
  void manyLongDistinctTextsStayWithinTheByteBound() {
    long bound = 1 << 20;
    Counting inner = new Counting();
    CachingEmbedder cache = CachingEmbedder.ofBytes(inner, bound);
    String filler = "x".repeat(1000);
    for (int i = 0; i < 5000; i++) {
      cache.embed(i + filler);
    }
    // 5,000 entries of about 3.6 KB each would be about 18 MB; the bound keeps about 1 MB.
    assertThat(cache.weightedBytes()).isPositive().isLessThanOrEqualTo(bound);
    assertThat(cache.size()).isLessThan(5000).isGreaterThan(100);
    assertThat(CachingEmbedder.entryBytes(filler, new float[384])).isEqualTo(128 + 2000 + 1536);
  }

  @Test
  void boundsMustBePositive() {
    assertThatThrownBy(() -> CachingEmbedder.ofBytes(new Counting(), 0))
        .hasMessage("maxBytes: 0 (expected: >= 1)");
    assertThatThrownBy(() -> new CachingEmbedder(new Counting(), 0))
        .hasMessage("maximumSize: 0 (expected: >= 1)");
    assertThat(new CachingEmbedder(new Counting(), 10).weightedBytes()).isEqualTo(-1);
  }

  /** Gives a group's texts vectors that depend on the group (as a batching model does). */
  private static final class Grouping implements Embedder {
    final AtomicInteger groupCalls = new AtomicInteger();
    final Counting single = new Counting();

    @Override
    public int dimension() {
      return 384;
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
      return single.embedAll(texts);
    }

    @Override
    public List<List<float[]>> embedGroups(List<List<String>> groups) {
      groupCalls.incrementAndGet();
      List<List<float[]>> out = new ArrayList<>();
      for (List<String> g : groups) {
        List<float[]> vs = new ArrayList<>();
        for (int i = 0; i < g.size(); i++) {
          float[] v = new float[384];
          v[Math.floorMod(g.hashCode() + i, 384)] = 1;
          vs.add(v);
        }
        out.add(vs);
      }
      return out;
    }
  }

  @Test
  void groupsAreCachedWholeAndNeverServedAsSingleTexts() {
    Grouping inner = new Grouping();
    CachingEmbedder cache = CachingEmbedder.ofBytes(inner, 1 << 20);
    List<String> a = List.of("who is x", "where was x born");
    List<String> b = List.of("who is y");
    List<List<float[]>> first = cache.embedGroups(List.of(a, b));
    assertThat(inner.groupCalls.get()).isEqualTo(1);
    // Both groups from the cache, in the order asked, and one new group computed alone.
    List<String> c = List.of("who is x");
    List<List<float[]>> second = cache.embedGroups(List.of(b, c, a));
    assertThat(inner.groupCalls.get()).isEqualTo(2);
    assertThat(second.get(0)).containsExactlyElementsOf(first.get(1));
    assertThat(second.get(2)).containsExactlyElementsOf(first.get(0));
    // Group "who is x" alone is not group a's first vector, and a single text is its own.
    assertThat(second.get(1).get(0)).isNotEqualTo(first.get(0).get(0));
    float[] alone = cache.embed("who is x");
    assertThat(alone).isNotEqualTo(first.get(0).get(0));
    assertThat(inner.single.embedded.get()).isEqualTo(1);
    assertThat(cache.embedGroups(List.of())).isEmpty();
    assertThat(cache.weightedBytes()).isPositive();
  }

  @Test
  void theDefaultEmbedsEveryTextAloneAndSplitsByGroup() {
    Counting inner = new Counting();
    List<List<float[]>> out =
        inner.embedGroups(List.of(List.of("a", "b"), List.of(), List.of("c")));
    assertThat(out).hasSize(3);
    assertThat(out.get(0)).hasSize(2);
    assertThat(out.get(1)).isEmpty();
    assertThat(out.get(2).get(0)).containsExactly(inner.embed("c"));
    assertThat(out.get(0).get(1)).containsExactly(inner.embed("b"));
    assertThat(inner.embedGroups(List.of())).isEmpty();
  }
}

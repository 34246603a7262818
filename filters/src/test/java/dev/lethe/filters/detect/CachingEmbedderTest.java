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
}

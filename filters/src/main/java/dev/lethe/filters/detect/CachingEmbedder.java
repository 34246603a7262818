package dev.lethe.filters.detect;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Memoises another {@link Embedder} by exact text in a bounded Caffeine cache, so that repeated
 * prompts, conversation history and the examples of unchanged rules are embedded once. Bounded
 * either by a number of texts or, for a cache whose keys are client texts, by an estimate of the
 * heap its entries hold ({@link #ofBytes}), so that many long distinct texts cannot take more
 * memory than the bound.
 *
 * <p>Safe because a text's vector never depends on anything else (see {@link MiniLmEmbedder}).
 * Groups ({@link #embedGroups}) are cached apart, under the whole group. Failures are not cached.
 */
public final class CachingEmbedder implements Embedder {
  private final Embedder delegate;
  private final Cache<String, float[]> cache;
  private final Cache<List<String>, List<float[]>> groupCache;

  /**
   * Wraps {@code delegate}.
   *
   * @param maximumSize texts kept, {@code >= 1}
   */
  public CachingEmbedder(Embedder delegate, long maximumSize) {
    this(
        delegate,
        Caffeine.newBuilder().maximumSize(positive("maximumSize", maximumSize)).build(),
        Caffeine.newBuilder()
            .maximumWeight(maximumSize)
            .<List<String>, List<float[]>>weigher((g, v) -> Math.max(1, g.size()))
            .build());
  }

  private CachingEmbedder(
      Embedder delegate,
      Cache<String, float[]> cache,
      Cache<List<String>, List<float[]>> groupCache) {
    this.delegate = requireNonNull(delegate, "delegate");
    this.cache = cache;
    this.groupCache = groupCache;
  }

  /**
   * Wraps {@code delegate}, keeping entries up to an estimated {@code maxBytes} of heap in all
   * (each entry weighs {@link #entryBytes}).
   *
   * @param maxBytes the bound, {@code >= 1}
   */
  public static CachingEmbedder ofBytes(Embedder delegate, long maxBytes) {
    return new CachingEmbedder(
        delegate,
        Caffeine.newBuilder()
            .maximumWeight(positive("maxBytes", maxBytes))
            .<String, float[]>weigher(CachingEmbedder::entryBytes)
            .build(),
        Caffeine.newBuilder()
            .maximumWeight(maxBytes)
            .<List<String>, List<float[]>>weigher(CachingEmbedder::groupBytes)
            .build());
  }

  /**
   * The estimated heap one entry holds: the text (two bytes a character at most), the vector, and
   * the objects around them (String, array headers, the cache's node).
   */
  static int entryBytes(String text, float[] vector) {
    return (int) Math.min(Integer.MAX_VALUE, 128L + 2L * text.length() + 4L * vector.length);
  }

  /** The estimated heap of one group's entry: its texts' and vectors' {@link #entryBytes}. */
  static int groupBytes(List<String> group, List<float[]> vectors) {
    long sum = 64;
    for (int i = 0; i < group.size(); i++) {
      sum += entryBytes(group.get(i), vectors.get(i));
    }
    return (int) Math.min(Integer.MAX_VALUE, sum);
  }

  private static long positive(String name, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1)");
    }
    return value;
  }

  @Override
  public int dimension() {
    return delegate.dimension();
  }

  @Override
  public List<float[]> embedAll(List<String> texts) {
    requireNonNull(texts, "texts");
    Map<String, float[]> found = new HashMap<>();
    Set<String> missingSet = new LinkedHashSet<>();
    for (String t : texts) {
      float[] v = cache.getIfPresent(requireNonNull(t, "text"));
      if (v != null) {
        found.put(t, v);
      } else {
        missingSet.add(t);
      }
    }
    if (!missingSet.isEmpty()) {
      List<String> missing = new ArrayList<>(missingSet);
      List<float[]> computed = delegate.embedAll(missing);
      for (int i = 0; i < missing.size(); i++) {
        cache.put(missing.get(i), computed.get(i));
        found.put(missing.get(i), computed.get(i));
      }
    }
    List<float[]> out = new ArrayList<>(texts.size());
    for (String t : texts) {
      out.add(found.get(t));
    }
    return out;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Groups are cached apart from single texts, under the whole group, since a delegate may embed
   * a group as one batch whose vectors differ slightly from each text's own; a client text can
   * never be served a group's vector. The group cache has the same bound as the text cache (texts,
   * or estimated bytes).
   */
  @Override
  public List<List<float[]>> embedGroups(List<List<String>> groups) {
    requireNonNull(groups, "groups");
    List<List<float[]>> out = new ArrayList<>(groups.size());
    List<Integer> missingAt = new ArrayList<>();
    List<List<String>> missing = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      List<String> group = List.copyOf(requireNonNull(groups.get(g), "group"));
      List<float[]> hit = groupCache.getIfPresent(group);
      out.add(hit);
      if (hit == null) {
        missingAt.add(g);
        missing.add(group);
      }
    }
    if (!missing.isEmpty()) {
      List<List<float[]>> computed = delegate.embedGroups(missing);
      for (int m = 0; m < missing.size(); m++) {
        List<float[]> vs = List.copyOf(computed.get(m));
        groupCache.put(missing.get(m), vs);
        out.set(missingAt.get(m), vs);
      }
    }
    return out;
  }

  /** The cached vector of {@code text}, or null (no computation). */
  public float[] cached(String text) {
    return cache.getIfPresent(text);
  }

  /**
   * The estimated heap the entries hold (texts and groups), in bytes, for a cache made by {@link
   * #ofBytes} (after pending evictions), else -1.
   */
  public long weightedBytes() {
    cache.cleanUp();
    long texts = cache.policy().eviction().map(e -> e.weightedSize().orElse(-1L)).orElse(-1L);
    if (texts < 0) {
      return -1;
    }
    groupCache.cleanUp();
    return texts + groupCache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
  }

  /** Number of cached texts (approximate). */
  public long size() {
    return cache.estimatedSize();
  }

  @Override
  public void close() {
    delegate.close();
  }
}

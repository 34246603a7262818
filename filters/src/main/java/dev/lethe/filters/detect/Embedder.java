package dev.lethe.filters.detect;

import java.util.List;

/**
 * Maps texts to L2-normalised sentence vectors, so that the dot product of two vectors is their
 * cosine similarity. Implementations are thread-safe.
 */
public interface Embedder extends AutoCloseable {

  /** The vector length. */
  int dimension();

  /**
   * Embeds {@code texts} in one batch.
   *
   * @return one unit-length vector per text, in order
   * @throws EmbeddingException when the model cannot run
   */
  List<float[]> embedAll(List<String> texts);

  /**
   * Embeds groups of texts for bulk work (a rule's examples and counter-examples when an index is
   * built). An implementation may run each group as one batch, so that a vector may depend on the
   * other texts of its group, but never on another group or on the order of the groups: the same
   * group always gets the same vectors. The default embeds every text alone ({@link #embedAll}).
   *
   * @return one list of unit-length vectors per group, in order
   * @throws EmbeddingException when the model cannot run
   */
  default List<List<float[]>> embedGroups(List<List<String>> groups) {
    List<String> flat = new java.util.ArrayList<>();
    for (List<String> g : groups) {
      flat.addAll(g);
    }
    List<float[]> vectors = flat.isEmpty() ? List.of() : embedAll(flat);
    List<List<float[]>> out = new java.util.ArrayList<>(groups.size());
    int at = 0;
    for (List<String> g : groups) {
      out.add(vectors.subList(at, at + g.size()));
      at += g.size();
    }
    return out;
  }

  /** Embeds one text. */
  default float[] embed(String text) {
    return embedAll(List.of(text)).get(0);
  }

  /** Releases native resources. */
  @Override
  default void close() {}
}

package dev.lethe.filters.detect;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The semantic stage: the text's sentence vector, its nearest rule examples in the Lucene HNSW
 * graph (Malkov and Yashunin, "Efficient and robust approximate nearest neighbor search using
 * Hierarchical Navigable Small World graphs", TPAMI 2018) and its nearest negative.
 */
public final class SemanticDetector {
  /** Neighbours retrieved per text. */
  static final int NEIGHBOURS = 10;

  private final Embedder embedder;

  /** Creates the stage over {@code embedder}. */
  public SemanticDetector(Embedder embedder) {
    this.embedder = requireNonNull(embedder, "embedder");
  }

  /** The embedder. */
  Embedder embedder() {
    return embedder;
  }

  /**
   * The semantic evidence for one text.
   *
   * @param vector the text's unit vector
   * @param neighbours nearest rule examples, nearest first
   * @param nearestNegative cosine similarity of the nearest pool negative or counter-example
   */
  record Evidence(
      float[] vector, List<DetectorIndex.Neighbour> neighbours, float nearestNegative) {}

  /**
   * Gathers semantic evidence.
   *
   * @throws EmbeddingException when the embedder fails
   */
  Evidence evidence(DetectorIndex index, String text, long exclude) {
    float[] v = embedder.embed(text);
    return new Evidence(
        v, index.positiveNeighbours(v, NEIGHBOURS, exclude), index.nearestNegative(v, exclude));
  }
}

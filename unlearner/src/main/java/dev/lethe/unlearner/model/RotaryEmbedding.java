package dev.lethe.unlearner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Rotary position embeddings (Su et al., "RoFormer: Enhanced Transformer with Rotary Position
 * Embedding", 2021) in Hugging Face's {@code rotate_half} convention: the head dimension is split
 * in two halves {@code x1, x2}, and {@code y = x * cos + concat(-x2, x1) * sin} with {@code
 * cos/sin} of {@code position * theta^(-2i/d)} repeated over both halves.
 *
 * <p>The tables are computed once for {@code max_position_embeddings} positions, in double
 * precision then rounded to float32.
 */
public final class RotaryEmbedding {
  private final NDArray cos;
  private final NDArray sin;
  private final int headDim;
  private final int maxPositions;

  /** Builds the tables in {@code manager} (the model's). */
  public RotaryEmbedding(NDManager manager, int headDim, double theta, int maxPositions) {
    this.headDim = headDim;
    this.maxPositions = maxPositions;
    int half = headDim / 2;
    float[] invFreq = new float[half];
    for (int i = 0; i < half; i++) {
      invFreq[i] = (float) (1.0 / Math.pow(theta, (2.0 * i) / headDim));
    }
    float[] c = new float[maxPositions * headDim];
    float[] s = new float[maxPositions * headDim];
    for (int p = 0; p < maxPositions; p++) {
      for (int i = 0; i < half; i++) {
        float angle = p * invFreq[i];
        float cv = (float) Math.cos(angle);
        float sv = (float) Math.sin(angle);
        c[p * headDim + i] = cv;
        c[p * headDim + half + i] = cv;
        s[p * headDim + i] = sv;
        s[p * headDim + half + i] = sv;
      }
    }
    this.cos = manager.create(c, new Shape(maxPositions, headDim));
    this.sin = manager.create(s, new Shape(maxPositions, headDim));
  }

  /**
   * Rotates {@code x} of shape {@code [batch, heads, seq, headDim]} whose first position is {@code
   * start}.
   */
  public NDArray apply(NDArray x, int start) {
    long seq = x.getShape().get(2);
    if (start + seq > maxPositions) {
      throw new IllegalArgumentException(
          "positions: "
              + (start + seq)
              + " (expected: <= max_position_embeddings "
              + maxPositions
              + ")");
    }
    NDManager m = x.getManager();
    NDIndex rows = new NDIndex(start + ":" + (start + seq));
    return rotate(x, cos.get(m, rows), sin.get(m, rows));
  }

  /**
   * The cos and sin rows of one position per sequence: {@code positions} ({@code [batch]}, int64)
   * gives {@code [batch, 1, 1, headDim]} tables for {@link #rotate} of a one-token decode step.
   */
  NDArray[] tables(NDArray positions, int maxPosition) {
    if (maxPosition >= maxPositions) {
      throw new IllegalArgumentException(
          "positions: "
              + (maxPosition + 1)
              + " (expected: <= max_position_embeddings "
              + maxPositions
              + ")");
    }
    NDManager m = positions.getManager();
    long b = positions.getShape().get(0);
    NDIndex rows = new NDIndex("{}", positions);
    return new NDArray[] {
      cos.get(m, rows).reshape(b, 1, 1, headDim), sin.get(m, rows).reshape(b, 1, 1, headDim)
    };
  }

  /** {@code x * c + rotate_half(x) * s} with tables broadcastable to {@code x}. */
  NDArray rotate(NDArray x, NDArray c, NDArray s) {
    int half = headDim / 2;
    NDArray x1 = x.get(new NDIndex("..., :" + half));
    NDArray x2 = x.get(new NDIndex("..., " + half + ":"));
    NDArray rotated = x2.neg().concat(x1, -1);
    return x.mul(c).add(rotated.mul(s));
  }
}

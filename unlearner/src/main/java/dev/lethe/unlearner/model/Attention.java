package dev.lethe.unlearner.model;

import static dev.lethe.unlearner.model.SwiGluMlp.linear;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Causal multi-head self-attention (Vaswani et al., "Attention Is All You Need", 2017) with grouped
 * key/value heads (Ainslie et al., "GQA", 2023), rotary positions and bias-free projections, as in
 * HF's {@code LlamaAttention}: each key/value head serves {@code heads / kvHeads} consecutive query
 * heads.
 *
 * <p>Masking: query {@code i} (absolute position {@code start + i}) sees keys {@code 0..start+i}.
 * Batches must therefore be right-padded: padding never influences earlier real tokens.
 */
public final class Attention {
  private final NDArray q;
  private final NDArray k;
  private final NDArray v;
  private final NDArray o;
  private final int heads;
  private final int kvHeads;
  private final int headDim;
  private final RotaryEmbedding rope;

  /** Wraps the four HF projection weights of one layer. */
  public Attention(
      NDArray q, NDArray k, NDArray v, NDArray o, int heads, int kvHeads, RotaryEmbedding rope) {
    this.q = q;
    this.k = k;
    this.v = v;
    this.o = o;
    this.heads = heads;
    this.kvHeads = kvHeads;
    this.headDim = (int) (q.getShape().get(0) / heads);
    this.rope = rope;
  }

  /**
   * Attends {@code x} ({@code [batch, seq, hidden]}, first position {@code start}) to itself and to
   * the cached positions of {@code layer} in {@code cache} (may be null when {@code start == 0}).
   */
  public NDArray apply(NDArray x, int start, KvCache cache, int layer) {
    return apply(x, start, cache, layer, null);
  }

  /**
   * As {@link #apply(NDArray, int, KvCache, int)} with a precomputed causal mask ({@code [seq,
   * keys]}, from {@link #causalMask}) shared by all layers of one pass; null computes it.
   */
  NDArray apply(NDArray x, int start, KvCache cache, int layer, NDArray mask) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    NDArray qh = rope.apply(split(linear(x, q), b, t, heads), start);
    NDArray kh = rope.apply(split(linear(x, k), b, t, kvHeads), start);
    NDArray vh = split(linear(x, v), b, t, kvHeads);
    if (cache != null) {
      NDArray[] full = cache.append(layer, kh, vh);
      kh = full[0];
      vh = full[1];
    }
    long s = kh.getShape().get(2);
    NDArray causal =
        t > 1 ? (mask != null ? mask : causalMask(x, (int) t, (int) s, (int) (s - t))) : null;
    return attend(qh, kh, vh, causal, b, t);
  }

  /**
   * One decode step of a batch: {@code x} is {@code [batch, 1, hidden]}, one new token per
   * sequence; {@code tables} are the per-sequence rotary rows ({@link RotaryEmbedding#tables});
   * {@code mask} ({@code [batch, 1, 1, keys]}) hides each row's left padding in {@code cache}.
   */
  NDArray decode(NDArray x, NDArray[] tables, BatchKvCache cache, int layer, NDArray mask) {
    long b = x.getShape().get(0);
    NDArray qh = rope.rotate(split(linear(x, q), b, 1, heads), tables[0], tables[1]);
    NDArray kh = rope.rotate(split(linear(x, k), b, 1, kvHeads), tables[0], tables[1]);
    NDArray vh = split(linear(x, v), b, 1, kvHeads);
    NDArray[] full = cache.append(layer, kh, vh);
    return attend(qh, full[0], full[1], mask, b, 1);
  }

  /** {@code [b, t, n * headDim]} to {@code [b, n, t, headDim]}. */
  private NDArray split(NDArray projected, long b, long t, int n) {
    return projected.reshape(b, t, n, headDim).transpose(0, 2, 1, 3);
  }

  /**
   * Scaled dot-product attention of {@code qh} ({@code [b, heads, t, headDim]}) over all keys and
   * values ({@code [b, kvHeads, s, headDim]}, each key/value head shared by {@code heads / kvHeads}
   * query heads), plus {@code mask} when not null, then the output projection: {@code [b, t,
   * hidden]}.
   */
  private NDArray attend(NDArray qh, NDArray kh, NDArray vh, NDArray mask, long b, long t) {
    long s = kh.getShape().get(2);
    if (kvHeads != heads) {
      int rep = heads / kvHeads;
      kh =
          kh.expandDims(2)
              .broadcast(new Shape(b, kvHeads, rep, s, headDim))
              .reshape(b, heads, s, headDim);
      vh =
          vh.expandDims(2)
              .broadcast(new Shape(b, kvHeads, rep, s, headDim))
              .reshape(b, heads, s, headDim);
    }
    NDArray scores = Scalars.mul(qh.matMul(kh.transpose(0, 1, 3, 2)), 1.0 / Math.sqrt(headDim));
    if (mask != null) {
      scores = scores.add(mask);
    }
    NDArray attn = scores.softmax(-1).matMul(vh);
    NDArray merged = attn.transpose(0, 2, 1, 3).reshape(b, t, (long) heads * headDim);
    return linear(merged, o);
  }

  /** {@code [t, s]}: 0 where key {@code j <= offset + i}, negative infinity elsewhere. */
  static NDArray causalMask(NDArray like, int t, int s, int offset) {
    float[] mask = new float[t * s];
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < s; j++) {
        mask[i * s + j] = j <= offset + i ? 0f : Float.NEGATIVE_INFINITY;
      }
    }
    return like.getManager().create(mask, new Shape(t, s)).toDevice(like.getDevice(), false);
  }
}

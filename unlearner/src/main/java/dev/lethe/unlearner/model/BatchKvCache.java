package dev.lethe.unlearner.model;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * The key/value cache of a batch of sequences of different lengths decoded together by {@link
 * LlamaModel#decode}: per layer one {@code [rows, kvHeads, width, headDim]} array, each row
 * <em>left-padded</em> with zeros so that every row's newest position is the last column. A decode
 * step then appends one column for all rows at once (a single concatenation, as {@link KvCache}
 * does for one sequence) and an additive mask of {@code -inf} over each row's padding makes the
 * attention of row {@code i} exactly that of its sequence alone: softmax gives the padding weight
 * 0. Rotary positions are each row's own length, not the column index.
 *
 * <p>Rows join after their prompt was prefilled alone ({@link #add(KvCache)}: the shorter side is
 * padded) and leave in any order ({@link #remove}, {@link #extract}); columns that became padding
 * in every row are trimmed, so the width is always the longest row's length. This is the
 * iteration-level scheduling of Orca (Yu et al., "Orca: A Distributed Serving System for
 * Transformer-Based Generative Models", OSDI 2022) over a padded cache; paged caches (vLLM) avoid
 * the padding and the copies, which matter little at the context lengths Lethe serves.
 *
 * <p>Memory: the arrays belong to the manager given at creation and are unregistered from any open
 * {@link NDScope}; replaced arrays are closed at once, so the manager holds exactly two arrays per
 * layer while rows exist and none when empty. Not thread-safe: one scheduler thread owns it.
 */
public final class BatchKvCache {
  private final NDManager manager;
  private final NDArray[] keys;
  private final NDArray[] values;
  private int[] lengths = new int[0];
  private int width;

  /** An empty cache for {@code layers} layers, owned by {@code manager}. */
  public BatchKvCache(NDManager manager, int layers) {
    this.manager = requireNonNull(manager, "manager");
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
  }

  /** Number of rows (sequences). */
  public int size() {
    return lengths.length;
  }

  /** Cached positions of row {@code row} (the position of its next token). */
  public int length(int row) {
    return lengths[row];
  }

  /** Columns of the arrays: the longest row's length. */
  public int width() {
    return width;
  }

  /**
   * Appends a prefilled sequence as the last row; {@code single}'s arrays are copied, so the caller
   * still owns (and closes) it.
   *
   * @throws IllegalArgumentException when {@code single} is empty or has another layer count
   */
  public void add(KvCache single) {
    requireNonNull(single, "single");
    if (single.layers() != keys.length || single.length() == 0) {
      throw new IllegalArgumentException(
          "single: "
              + single.layers()
              + " layers, "
              + single.length()
              + " positions (expected: "
              + keys.length
              + " layers, at least one position)");
    }
    int len = single.length();
    int newWidth = Math.max(width, len);
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      for (int l = 0; l < keys.length; l++) {
        NDArray k = padLeft(single.keys(l), newWidth - len);
        NDArray v = padLeft(single.values(l), newWidth - len);
        if (keys[l] == null) {
          replace(l, k.duplicate(), v.duplicate());
        } else {
          NDArray oldK = padLeft(keys[l], newWidth - width);
          NDArray oldV = padLeft(values[l], newWidth - width);
          replace(l, oldK.concat(k, 0), oldV.concat(v, 0));
        }
      }
    }
    lengths = Arrays.copyOf(lengths, lengths.length + 1);
    lengths[lengths.length - 1] = len;
    width = newWidth;
  }

  /** Drops row {@code row}; the others keep their order. */
  public void remove(int row) {
    checkRow(row);
    if (lengths.length == 1) {
      clear();
      return;
    }
    long[] keep = new long[lengths.length - 1];
    int[] kept = new int[lengths.length - 1];
    for (int i = 0, j = 0; i < lengths.length; i++) {
      if (i != row) {
        keep[j] = i;
        kept[j++] = lengths[i];
      }
    }
    int newWidth = Arrays.stream(kept).max().orElse(0);
    NDIndex cols = new NDIndex(":, :, " + (width - newWidth) + ":, :");
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray idx = manager.create(keep);
      for (int l = 0; l < keys.length; l++) {
        NDArray k = keys[l].get(new NDIndex("{}", idx)).get(cols);
        NDArray v = values[l].get(new NDIndex("{}", idx)).get(cols);
        replace(l, k.duplicate(), v.duplicate());
      }
    }
    lengths = kept;
    width = newWidth;
  }

  /**
   * Removes row {@code row} and returns its positions as a single-sequence cache owned by {@code
   * target} (to park a sequence and {@link #add} it back later).
   */
  public KvCache extract(int row, NDManager target) {
    checkRow(row);
    int len = lengths[row];
    NDIndex slice = new NDIndex(row + ":" + (row + 1) + ", :, " + (width - len) + ":, :");
    NDArray[] k = new NDArray[keys.length];
    NDArray[] v = new NDArray[keys.length];
    KvCache out;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      for (int l = 0; l < keys.length; l++) {
        k[l] = keys[l].get(slice).duplicate();
        v[l] = values[l].get(slice).duplicate();
      }
      out = new KvCache(target, k, v, len);
    }
    remove(row);
    return out;
  }

  /** Drops every row and frees the arrays. */
  public void clear() {
    for (int l = 0; l < keys.length; l++) {
      if (keys[l] != null) {
        keys[l].close();
        values[l].close();
        keys[l] = null;
        values[l] = null;
      }
    }
    lengths = new int[0];
    width = 0;
  }

  /**
   * The additive attention mask of the next step ({@code [rows, 1, 1, width + 1]}): 0 on each row's
   * positions and its new token, {@code -inf} on its left padding. Created in {@code m}.
   */
  NDArray nextMask(NDManager m) {
    int cols = width + 1;
    float[] mask = new float[lengths.length * cols];
    for (int i = 0; i < lengths.length; i++) {
      int pad = cols - (lengths[i] + 1);
      Arrays.fill(mask, i * cols, i * cols + pad, Float.NEGATIVE_INFINITY);
    }
    return m.create(mask, new Shape(lengths.length, 1, 1, cols));
  }

  /** Each row's position of the next token, {@code [rows]} int64, created in {@code m}. */
  NDArray positions(NDManager m) {
    long[] p = new long[lengths.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = lengths[i];
    }
    return m.create(p);
  }

  /**
   * Appends one column ({@code [rows, kvHeads, 1, headDim]}) to {@code layer} and returns the full
   * keys and values; the last layer's call advances every row by one position.
   */
  NDArray[] append(int layer, NDArray k, NDArray v) {
    replace(layer, keys[layer].concat(k, 2), values[layer].concat(v, 2));
    if (layer == keys.length - 1) {
      width++;
      for (int i = 0; i < lengths.length; i++) {
        lengths[i]++;
      }
    }
    return new NDArray[] {keys[layer], values[layer]};
  }

  private void replace(int layer, NDArray k, NDArray v) {
    NDScope.unregister(k, v);
    k.attach(manager);
    v.attach(manager);
    if (keys[layer] != null) {
      keys[layer].close();
      values[layer].close();
    }
    keys[layer] = k;
    values[layer] = v;
  }

  private static NDArray padLeft(NDArray a, int pad) {
    if (pad == 0) {
      return a;
    }
    Shape s = a.getShape();
    NDArray zeros =
        a.getManager().zeros(new Shape(s.get(0), s.get(1), pad, s.get(3)), a.getDataType());
    return zeros.concat(a, 2);
  }

  private void checkRow(int row) {
    if (row < 0 || row >= lengths.length) {
      throw new IndexOutOfBoundsException(
          "row: " + row + " (expected: 0.." + (lengths.length - 1) + ")");
    }
  }
}

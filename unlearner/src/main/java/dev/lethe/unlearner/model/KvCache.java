package dev.lethe.unlearner.model;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

/**
 * The key/value cache of one generation: per layer, the rotated keys and the values of every
 * position seen so far ({@code [batch, kvHeads, length, headDim]}).
 *
 * <p>Its arrays belong to the manager given at creation (one per generation) and are unregistered
 * from any open {@link NDScope}, so a per-token scope can close every other intermediate. Not
 * thread-safe: one cache per generation.
 */
public final class KvCache {
  private final NDManager manager;
  private final NDArray[] keys;
  private final NDArray[] values;
  private int length;

  /** An empty cache for {@code layers} layers, owned by {@code manager}. */
  public KvCache(NDManager manager, int layers) {
    this.manager = requireNonNull(manager, "manager");
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
  }

  /**
   * A cache holding {@code keys}/{@code values} ({@code [1, kvHeads, length, headDim]} per layer),
   * which it attaches to {@code manager}; {@link BatchKvCache} hands a parked row back this way.
   */
  KvCache(NDManager manager, NDArray[] keys, NDArray[] values, int length) {
    this.manager = requireNonNull(manager, "manager");
    this.keys = keys.clone();
    this.values = values.clone();
    for (int i = 0; i < keys.length; i++) {
      NDScope.unregister(this.keys[i], this.values[i]);
      this.keys[i].attach(manager);
      this.values[i].attach(manager);
    }
    this.length = length;
  }

  /** Number of layers. */
  int layers() {
    return keys.length;
  }

  /** The cached keys of {@code layer}, or null before the first token. */
  NDArray keys(int layer) {
    return keys[layer];
  }

  /** The cached values of {@code layer}, or null before the first token. */
  NDArray values(int layer) {
    return values[layer];
  }

  /** Number of cached positions (the position of the next token). */
  public int length() {
    return length;
  }

  /**
   * Appends the new keys/values of {@code layer} and returns the full ones. The last layer's call
   * advances {@link #length()}.
   */
  NDArray[] append(int layer, NDArray k, NDArray v) {
    NDArray fullK = keys[layer] == null ? k : keys[layer].concat(k, 2);
    NDArray fullV = values[layer] == null ? v : values[layer].concat(v, 2);
    NDScope.unregister(fullK, fullV);
    fullK.attach(manager);
    fullV.attach(manager);
    if (keys[layer] != null) {
      keys[layer].close();
      values[layer].close();
    }
    keys[layer] = fullK;
    values[layer] = fullV;
    if (layer == keys.length - 1) {
      length = (int) fullK.getShape().get(2);
    }
    return new NDArray[] {fullK, fullV};
  }
}

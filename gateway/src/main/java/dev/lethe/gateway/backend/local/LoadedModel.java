package dev.lethe.gateway.backend.local;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.checkpoint.Checkpoint;
import dev.lethe.unlearner.generate.BatchGenerator;
import dev.lethe.unlearner.generate.Generator;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One loaded checkpoint: an immutable handle on its own native memory (weights and tokenizer),
 * reference counted so that a swap never frees weights a generation still reads.
 *
 * <p>The registry holds one reference from load until {@link #retire()}; each generation holds one
 * from {@link #acquire()} to {@link #release()}. The native memory is closed when the count falls
 * to zero, on whichever thread drops the last reference.
 *
 * <p>Serving goes through one {@link BatchGenerator} per loaded checkpoint ({@link #batcher}),
 * created on first use and closed with the native memory; the one-at-a-time {@link #generator()}
 * remains for callers that generate alone (evaluation, tests).
 */
public final class LoadedModel {
  private final String id;
  private final Checkpoint checkpoint;
  private final Generator generator;
  private final Instant loadedAt;
  private final AtomicInteger refs = new AtomicInteger(1);
  private BatchGenerator batcher;

  private LoadedModel(String id, Checkpoint checkpoint, Instant loadedAt) {
    this.id = id;
    this.checkpoint = checkpoint;
    this.generator = new Generator(checkpoint.model(), checkpoint.tokenizer());
    this.loadedAt = loadedAt;
  }

  /**
   * Loads and validates the checkpoint in {@code dir}: config, weights and tokenizer must be
   * complete and consistent (tensor names and shapes vs {@code config.json}, tokenizer ids vs
   * {@code vocab_size}, see {@link Checkpoint#load(Path)}), and a forward pass of the BOS token
   * must give finite logits of the vocabulary's size. Blocks: call it on a worker thread.
   *
   * @throws ConfigException naming what is wrong when the checkpoint is refused
   */
  public static LoadedModel load(String id, Path dir, Clock clock) {
    requireNonNull(id, "id");
    requireNonNull(dir, "dir");
    requireNonNull(clock, "clock");
    Checkpoint cp = Checkpoint.load(dir);
    try {
      smokeTest(cp);
      return new LoadedModel(id, cp, clock.instant());
    } catch (RuntimeException e) {
      cp.close();
      throw e;
    }
  }

  private static void smokeTest(Checkpoint cp) {
    var config = cp.model().config();
    try (NDManager m = cp.model().manager().newSubManager()) {
      NDArray ids = m.create(new long[] {config.bosTokenId()}, new Shape(1, 1));
      float[] logits = cp.model().logits(ids).toFloatArray();
      if (logits.length != config.vocabSize()) {
        throw new ConfigException(
            "weights", logits.length + " logits", config.vocabSize() + " (vocab_size)");
      }
      for (float f : logits) {
        if (!Float.isFinite(f)) {
          throw new ConfigException("weights", "a forward pass gives non-finite logits (NaN/Inf)");
        }
      }
    }
  }

  /** A short id of this load (swap history, {@code system_fingerprint}). */
  public String id() {
    return id;
  }

  /** The checkpoint's absolute directory. */
  public Path directory() {
    return checkpoint.directory();
  }

  /** When the checkpoint was loaded. */
  public Instant loadedAt() {
    return loadedAt;
  }

  /** The loaded checkpoint (model, tokenizer); valid only while a reference is held. */
  public Checkpoint checkpoint() {
    return checkpoint;
  }

  /** The generator over this checkpoint; valid only while a reference is held. */
  public Generator generator() {
    return generator;
  }

  /**
   * The continuous-batching scheduler of this checkpoint, created with these bounds on first use
   * (later calls return the same one); valid only while a reference is held.
   */
  public synchronized BatchGenerator batcher(int maxBatch, int queueSize, String threadName) {
    if (batcher == null) {
      batcher =
          new BatchGenerator(
              checkpoint.model(), checkpoint.tokenizer(), maxBatch, queueSize, threadName);
    }
    return batcher;
  }

  /** Takes a reference; {@code false} when the model was already freed. */
  public boolean acquire() {
    while (true) {
      int n = refs.get();
      if (n <= 0) {
        return false;
      }
      if (refs.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Drops a reference taken by {@link #acquire()}; the last one frees the native memory. */
  public void release() {
    if (refs.decrementAndGet() == 0) {
      synchronized (this) {
        if (batcher != null) {
          batcher.close();
        }
      }
      checkpoint.close();
    }
  }

  /** Drops the registry's reference: frees the model now if idle, else after its last user. */
  public void retire() {
    release();
  }

  /** Whether the native memory was freed. */
  public boolean freed() {
    return refs.get() <= 0;
  }

  /** The number of references held (the registry's included while not retired). */
  public int references() {
    return Math.max(0, refs.get());
  }
}

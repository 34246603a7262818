package dev.lethe.unlearner.generate;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.model.BatchKvCache;
import dev.lethe.unlearner.model.KvCache;
import dev.lethe.unlearner.model.LlamaModel;
import dev.lethe.unlearner.tokenizer.TextTokenizer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * Continuous batching of generations over one model: a scheduler thread decodes every running
 * sequence in one forward pass per token ({@link LlamaModel#decode} over a {@link BatchKvCache}),
 * so concurrent requests share the passes instead of waiting for one another. Scheduling is at the
 * iteration level, as in Orca (Yu et al., "Orca: A Distributed Serving System for Transformer-Based
 * Generative Models", OSDI 2022): between two steps, waiting requests join (their prompt is
 * prefilled alone, then their cache joins the batch) and finished ones leave — EOS, a stop
 * sequence, {@code max_tokens}, or cancellation, checked before every step.
 *
 * <p>Each sequence keeps its own decoding: greedy or seeded top-p sampling with its own random
 * generator, its stop sequences and its streamed deltas (on the scheduler thread, so listeners must
 * not block). Greedy results equal {@link Generator}'s token for token and seeded sampling is
 * reproducible per request, whatever other sequences share the batch, as long as float rounding
 * does not flip a choice: a batched matrix product may sum in another order than a single-sequence
 * one, which moves logits in their last bits.
 *
 * <p>Bounds: at most {@code maxBatch} sequences run (parked ones included) and at most {@code
 * queueSize} more wait; beyond that {@link #submit} throws {@link Rejected} at once. A sequence
 * whose {@link Sequence#writable()} is false (a slow client) is parked: its cache leaves the batch
 * until it is writable again, so it never holds the others back; {@link #wake()} tells the
 * scheduler to look again. An exception in a step fails every sequence of the batch (waiting ones
 * are not affected). Native memory: the batch cache and every step's intermediates live in the
 * scheduler's own manager on the model's device, each step in an {@link NDScope}; the cache is
 * freed whenever the batch empties.
 */
public final class BatchGenerator implements AutoCloseable {
  private final LlamaModel model;
  private final TextTokenizer tokenizer;
  private final int maxBatch;
  private final int queueSize;
  private final IntConsumer beforeStep;
  private final Thread thread;
  private final Deque<Entry> waiting = new ArrayDeque<>();
  private final List<Entry> rows = new ArrayList<>();
  private final List<Entry> parked = new ArrayList<>();
  private int occupied;
  private boolean woken;
  private volatile boolean closed;
  private volatile int running;
  private volatile int parkedCount;
  private volatile long steps;
  private volatile NDManager scheduler;

  /** One sequence to generate, as its caller sees it; every method runs on the scheduler thread. */
  public interface Sequence extends TextListener {
    /**
     * The request, asked once when the sequence is admitted (so prompt encoding happens off the
     * caller's thread); a {@link RuntimeException} fails the sequence's future with it.
     */
    GenerationRequest request();

    /** Called once the request was validated, before its first token. */
    default void onStart(GenerationRequest request) {}

    /** Whether to stop before the next token (checked before admission and every step). */
    default boolean cancelled() {
      return false;
    }

    /** Whether the sequence may produce its next token now; false parks it. */
    default boolean writable() {
      return true;
    }
  }

  /** Thrown by {@link #submit} when the batch and the queue are full, or after {@link #close()}. */
  public static final class Rejected extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean closedNow;

    Rejected(String message, boolean closedNow) {
      super(message, null, false, false);
      this.closedNow = closedNow;
    }

    /** Whether the generator was closed (else it is busy). */
    public boolean closed() {
      return closedNow;
    }
  }

  /**
   * A generator over {@code model} running at most {@code maxBatch} sequences with at most {@code
   * queueSize} waiting; its scheduler thread (a daemon named {@code threadName}) starts now.
   *
   * @throws ConfigException when a bound is out of range
   */
  public BatchGenerator(
      LlamaModel model, TextTokenizer tokenizer, int maxBatch, int queueSize, String threadName) {
    this(model, tokenizer, maxBatch, queueSize, threadName, rows -> {});
  }

  /** As the public constructor, with a hook run before every decode step (tests inject faults). */
  BatchGenerator(
      LlamaModel model,
      TextTokenizer tokenizer,
      int maxBatch,
      int queueSize,
      String threadName,
      IntConsumer beforeStep) {
    this.model = requireNonNull(model, "model");
    this.tokenizer = requireNonNull(tokenizer, "tokenizer");
    requireNonNull(threadName, "threadName");
    this.beforeStep = requireNonNull(beforeStep, "beforeStep");
    if (maxBatch < 1 || maxBatch > 256) {
      throw new ConfigException("maxBatch", maxBatch, "1..256");
    }
    if (queueSize < 0) {
      throw new ConfigException("queueSize", queueSize, ">= 0");
    }
    this.maxBatch = maxBatch;
    this.queueSize = queueSize;
    this.thread = new Thread(this::loop, threadName);
    thread.setDaemon(true);
    thread.start();
  }

  /** The most sequences decoded together. */
  public int maxBatch() {
    return maxBatch;
  }

  /** Sequences admitted and not finished (in the batch, parked, or being prefilled). */
  public int running() {
    return running;
  }

  /** Sequences parked because they are not writable. */
  public int parked() {
    return parkedCount;
  }

  /** Sequences waiting to be admitted. */
  public synchronized int queued() {
    return waiting.size();
  }

  /** Decode steps run so far (each one forward pass over the whole batch). */
  public long steps() {
    return steps;
  }

  /** Native arrays the scheduler's manager holds now (tests: nothing may pile up per step). */
  int openArrays() {
    NDManager m = scheduler;
    return m == null || !m.isOpen() ? 0 : m.getManagedArrays().size();
  }

  /**
   * Queues {@code sequence}; the future completes on the scheduler thread with its result
   * (cancelled ones included) or fails with the error that ended it.
   *
   * @throws Rejected when {@code maxBatch} run and {@code queueSize} wait already, or when closed
   */
  public CompletableFuture<GenerationResult> submit(Sequence sequence) {
    return enqueue(sequence, false);
  }

  /**
   * Queues {@code sequence} ahead of every waiting one and beyond the queue bound: the next choice
   * of a request that was already admitted (so {@code n} choices never meet a full queue half-way).
   *
   * @throws Rejected when closed
   */
  public CompletableFuture<GenerationResult> submitNext(Sequence sequence) {
    return enqueue(sequence, true);
  }

  /** Queues a ready request with a listener and a cancellation signal. */
  public CompletableFuture<GenerationResult> submit(
      GenerationRequest request, TextListener listener, BooleanSupplier cancelled) {
    requireNonNull(request, "request");
    requireNonNull(listener, "listener");
    requireNonNull(cancelled, "cancelled");
    return submit(
        new Sequence() {
          @Override
          public GenerationRequest request() {
            return request;
          }

          @Override
          public void onText(String delta) {
            listener.onText(delta);
          }

          @Override
          public boolean cancelled() {
            return cancelled.getAsBoolean();
          }
        });
  }

  private CompletableFuture<GenerationResult> enqueue(Sequence sequence, boolean next) {
    requireNonNull(sequence, "sequence");
    Entry e = new Entry(sequence);
    synchronized (this) {
      if (closed) {
        throw new Rejected("the generator is closed", true);
      }
      if (!next && waiting.size() + occupied >= maxBatch + queueSize) {
        throw new Rejected(
            "busy (" + occupied + " generating, " + waiting.size() + " waiting)", false);
      }
      if (next) {
        waiting.addFirst(e);
      } else {
        waiting.addLast(e);
      }
      notifyAll();
    }
    return e.future;
  }

  /** Makes the scheduler look at parked sequences again (one became writable or cancelled). */
  public void wake() {
    synchronized (this) {
      woken = true;
      notifyAll();
    }
  }

  /**
   * Stops the scheduler without waiting for it: sequences still waiting or running fail with {@link
   * Rejected} (on the scheduler thread, which then frees the batch cache and ends). Safe to call
   * from a completion callback, and before the model is closed once nothing runs.
   */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
  }

  /** One sequence: its caller, its future, and (once admitted) its decoding state. */
  private static final class Entry {
    final Sequence sequence;
    final CompletableFuture<GenerationResult> future = new CompletableFuture<>();
    Decoding decoding;
    NDManager parkedManager;
    KvCache parkedCache;

    Entry(Sequence sequence) {
      this.sequence = sequence;
    }
  }

  /** A finished sequence to complete once the step's native work is done. */
  private record Done(Entry entry, GenerationResult result, Throwable error) {}

  private void loop() {
    int layers = model.config().numHiddenLayers();
    // A manager of its own (not a child of the model's): closing the model never races with the
    // scheduler freeing its cache.
    try (NDManager manager = model.manager().getEngine().newBaseManager(model.device())) {
      scheduler = manager;
      BatchKvCache cache = new BatchKvCache(manager, layers);
      while (true) {
        List<Done> done = new ArrayList<>();
        List<Entry> unpark = new ArrayList<>();
        for (Entry e : parked) {
          if (e.sequence.cancelled() || e.sequence.writable()) {
            unpark.add(e);
          }
        }
        List<Entry> admit = new ArrayList<>();
        synchronized (this) {
          if (closed) {
            break;
          }
          while (!waiting.isEmpty() && occupied < maxBatch) {
            admit.add(waiting.poll());
            occupied++;
          }
          running = occupied;
          if (admit.isEmpty() && unpark.isEmpty() && rows.isEmpty()) {
            if (!woken) {
              try {
                wait(parked.isEmpty() ? 0 : 10);
              } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                closed = true;
              }
            }
            woken = false;
            continue;
          }
          woken = false;
        }
        for (Entry e : unpark) {
          parked.remove(e);
          try {
            if (e.sequence.cancelled()) {
              e.decoding.cancel();
              done.add(new Done(e, e.decoding.result(), null));
            } else {
              cache.add(e.parkedCache);
              rows.add(e);
            }
          } finally {
            e.parkedManager.close();
            e.parkedManager = null;
            e.parkedCache = null;
          }
        }
        for (Entry e : admit) {
          prefill(e, manager, cache, done);
        }
        for (int i = rows.size() - 1; i >= 0; i--) {
          Entry e = rows.get(i);
          if (e.sequence.cancelled()) {
            cache.remove(i);
            rows.remove(i);
            e.decoding.cancel();
            done.add(new Done(e, e.decoding.result(), null));
          } else if (!e.sequence.writable()) {
            e.parkedManager = manager.newSubManager();
            e.parkedCache = cache.extract(i, e.parkedManager);
            rows.remove(i);
            parked.add(e);
          }
        }
        parkedCount = parked.size();
        if (!rows.isEmpty()) {
          step(manager, cache, done);
        }
        finish(done);
      }
      shutdown(cache);
    } catch (Throwable t) {
      // The manager itself failed: nothing more can run; fail whoever is left.
      closed = true;
      failAll(t);
    }
  }

  private void prefill(Entry e, NDManager manager, BatchKvCache cache, List<Done> done) {
    if (e.sequence.cancelled()) {
      done.add(
          new Done(e, new GenerationResult("", new long[0], 0, 0, FinishReason.CANCELLED), null));
      return;
    }
    try {
      GenerationRequest request = e.sequence.request();
      e.decoding = new Decoding(request, model.config(), tokenizer, e.sequence);
      e.sequence.onStart(request);
      try (NDManager own = manager.newSubManager()) {
        KvCache kv = new KvCache(own, model.config().numHiddenLayers());
        float[] logits;
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          long[] prompt = e.decoding.prompt();
          NDArray ids = own.create(prompt, new Shape(1, prompt.length));
          NDArray out = model.forward(ids, kv, -1, true).logits();
          logits = out.get(new NDIndex("0, -1, :")).toFloatArray();
        }
        if (e.decoding.accept(logits)) {
          done.add(new Done(e, e.decoding.result(), null));
        } else {
          cache.add(kv);
          rows.add(e);
        }
      }
    } catch (RuntimeException ex) {
      done.add(new Done(e, null, ex));
    }
  }

  private void step(NDManager manager, BatchKvCache cache, List<Done> done) {
    int n = rows.size();
    int vocab = model.config().vocabSize();
    float[] logits;
    try {
      beforeStep.accept(n);
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        long[] next = new long[n];
        for (int i = 0; i < n; i++) {
          next[i] = rows.get(i).decoding.last();
        }
        NDArray ids = manager.create(next, new Shape(n, 1));
        logits = model.decode(ids, cache).toFloatArray();
      }
      steps++;
    } catch (RuntimeException ex) {
      for (Entry e : rows) {
        done.add(new Done(e, null, ex));
      }
      rows.clear();
      cache.clear();
      return;
    }
    boolean[] finished = new boolean[n];
    for (int i = 0; i < n; i++) {
      Entry e = rows.get(i);
      try {
        finished[i] = e.decoding.accept(Arrays.copyOfRange(logits, i * vocab, (i + 1) * vocab));
        if (finished[i]) {
          done.add(new Done(e, e.decoding.result(), null));
        }
      } catch (RuntimeException ex) {
        finished[i] = true;
        done.add(new Done(e, null, ex));
      }
    }
    for (int i = n - 1; i >= 0; i--) {
      if (finished[i]) {
        cache.remove(i);
        rows.remove(i);
      }
    }
  }

  /** Completes finished sequences after the native work (a callback may free the model). */
  private void finish(List<Done> done) {
    if (done.isEmpty()) {
      return;
    }
    synchronized (this) {
      occupied -= done.size();
      running = occupied;
    }
    parkedCount = parked.size();
    for (Done d : done) {
      if (d.error() != null) {
        d.entry().future.completeExceptionally(d.error());
      } else {
        d.entry().future.complete(d.result());
      }
    }
  }

  private void shutdown(BatchKvCache cache) {
    cache.clear();
    for (Entry e : parked) {
      e.parkedManager.close();
    }
    failAll(new Rejected("the generator is closed", true));
  }

  private void failAll(Throwable t) {
    List<Entry> left = new ArrayList<>(rows);
    left.addAll(parked);
    rows.clear();
    parked.clear();
    synchronized (this) {
      left.addAll(waiting);
      waiting.clear();
      occupied = 0;
      running = 0;
    }
    parkedCount = 0;
    for (Entry e : left) {
      e.future.completeExceptionally(t);
    }
  }
}

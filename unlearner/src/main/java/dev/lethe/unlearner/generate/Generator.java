package dev.lethe.unlearner.generate;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.model.KvCache;
import dev.lethe.unlearner.model.LlamaModel;
import dev.lethe.unlearner.tokenizer.TextTokenizer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * Autoregressive generation with a KV cache: greedy or temperature + nucleus (top-p) sampling
 * (Holtzman et al., "The Curious Case of Neural Text Degeneration", ICLR 2020) with a seed, {@code
 * max_tokens}, stop sequences and EOS, streaming text deltas to a {@link TextListener}.
 *
 * <p>Thread-safe: concurrent generations share the model's weights read-only; each has its own
 * {@link NDManager}, {@link KvCache} and random generator, and closes a per-token {@link NDScope}.
 * The cancellation signal is checked before every token.
 */
public final class Generator {
  private final LlamaModel model;
  private final TextTokenizer tokenizer;

  /** A generator for {@code model} with its {@code tokenizer}. */
  public Generator(LlamaModel model, TextTokenizer tokenizer) {
    this.model = requireNonNull(model, "model");
    this.tokenizer = requireNonNull(tokenizer, "tokenizer");
  }

  /** Generates without streaming or cancellation. */
  public GenerationResult generate(GenerationRequest request) {
    return generate(request, TextListener.NONE, () -> false);
  }

  /**
   * Generates for {@code request}, passing text deltas to {@code listener} and stopping early when
   * {@code cancelled} turns true.
   *
   * @throws ConfigException when the prompt does not fit the model's context
   */
  public GenerationResult generate(
      GenerationRequest request, TextListener listener, BooleanSupplier cancelled) {
    return generate(request, listener, cancelled, true);
  }

  /**
   * As {@link #generate(GenerationRequest, TextListener, BooleanSupplier)}; {@code useCache} false
   * recomputes the whole sequence at every token (the reference for tests).
   */
  GenerationResult generate(
      GenerationRequest request,
      TextListener listener,
      BooleanSupplier cancelled,
      boolean useCache) {
    requireNonNull(request, "request");
    requireNonNull(listener, "listener");
    requireNonNull(cancelled, "cancelled");
    Decoding d = new Decoding(request, model.config(), tokenizer, listener);
    try (NDManager manager = model.manager().newSubManager()) {
      KvCache cache = useCache ? new KvCache(manager, model.config().numHiddenLayers()) : null;
      int fed = 0;
      while (!d.finished()) {
        if (cancelled.getAsBoolean()) {
          d.cancel();
          break;
        }
        float[] logits;
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          long[] all = d.tokens();
          long[] feed = useCache ? Arrays.copyOfRange(all, fed, all.length) : all;
          NDArray ids = manager.create(feed, new Shape(1, feed.length));
          NDArray out = model.forward(ids, cache, -1, true).logits();
          logits = out.get(new NDIndex("0, -1, :")).toFloatArray();
          fed = all.length;
        }
        d.accept(logits);
      }
    }
    return d.result();
  }

  /** Index of the largest logit, the lowest index on ties. */
  static int argmax(float[] logits) {
    int best = 0;
    for (int i = 1; i < logits.length; i++) {
      if (logits[i] > logits[best]) {
        best = i;
      }
    }
    return best;
  }

  /** Temperature then nucleus sampling over {@code logits}. */
  static int sample(float[] logits, GenerationRequest request, SplittableRandom random) {
    int n = logits.length;
    double max = Double.NEGATIVE_INFINITY;
    for (float l : logits) {
      max = Math.max(max, l);
    }
    double[] p = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      p[i] = Math.exp((logits[i] - max) / request.temperature());
      sum += p[i];
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
      p[i] /= sum;
    }
    Arrays.sort(order, (a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
    double kept = 0;
    int keep = 0;
    while (keep < n && (keep == 0 || kept < request.topP())) {
      kept += p[order[keep++]];
    }
    double r = random.nextDouble() * kept;
    double acc = 0;
    for (int i = 0; i < keep; i++) {
      acc += p[order[i]];
      if (r < acc) {
        return order[i];
      }
    }
    return order[keep - 1];
  }
}

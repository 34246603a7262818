package dev.lethe.unlearner.model;

import static java.util.Objects.requireNonNull;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.Engines;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * A Llama-architecture decoder-only causal language model (Touvron et al., "LLaMA: Open and
 * Efficient Foundation Language Models", 2023) on DJL's PyTorch engine, float32: token embedding,
 * {@code N} pre-norm decoder layers ({@link RmsNorm} → {@link Attention} → residual, {@link
 * RmsNorm} → {@link SwiGluMlp} → residual), a final {@link RmsNorm} and a tied or untied LM head.
 *
 * <p>Parameters are held by their Hugging Face names ({@code model.layers.3.mlp.up_proj.weight},
 * ...) in {@link #parameters()}, which is what name filters and saliency masks work on; with tied
 * embeddings there is no {@code lm_head.weight} entry.
 *
 * <p>Memory: every intermediate of {@link #forward} is created in the manager of the input ids and
 * registered with any open {@link NDScope}; callers open an {@code NDScope} (or a sub-manager for
 * the ids) per step. The model's own arrays live in its manager, freed by {@link #close()}.
 *
 * <p>Thread safety: concurrent forward passes without gradient are safe (each with its own input
 * manager and {@link KvCache}); training mutates parameters and must be exclusive.
 */
public final class LlamaModel implements AutoCloseable {
  /** HF name of the token embedding. */
  public static final String EMBED = "model.embed_tokens.weight";

  /** HF name of the final norm. */
  public static final String FINAL_NORM = "model.norm.weight";

  /** HF name of the untied LM head. */
  public static final String LM_HEAD = "lm_head.weight";

  private final LlamaConfig config;
  private final NDManager manager;
  private final Map<String, NDArray> params;
  private final RotaryEmbedding rope;
  private final List<Layer> layers;
  private final RmsNorm finalNorm;
  private final NDArray head;

  private record Layer(RmsNorm inputNorm, Attention attention, RmsNorm postNorm, SwiGluMlp mlp) {}

  /** What {@link #forward} returns: logits (null when not asked) and a captured hidden state. */
  public record Output(NDArray logits, NDArray hidden) {}

  private LlamaModel(LlamaConfig config, NDManager manager, Map<String, NDArray> params) {
    this.config = config;
    this.manager = manager;
    this.params = Collections.unmodifiableMap(params);
    this.rope =
        new RotaryEmbedding(
            manager, config.headDim(), config.ropeTheta(), config.maxPositionEmbeddings());
    List<Layer> ls = new ArrayList<>();
    for (int i = 0; i < config.numHiddenLayers(); i++) {
      String p = "model.layers." + i + ".";
      ls.add(
          new Layer(
              new RmsNorm(params.get(p + "input_layernorm.weight"), config.rmsNormEps()),
              new Attention(
                  params.get(p + "self_attn.q_proj.weight"),
                  params.get(p + "self_attn.k_proj.weight"),
                  params.get(p + "self_attn.v_proj.weight"),
                  params.get(p + "self_attn.o_proj.weight"),
                  config.numAttentionHeads(),
                  config.numKeyValueHeads(),
                  rope),
              new RmsNorm(params.get(p + "post_attention_layernorm.weight"), config.rmsNormEps()),
              new SwiGluMlp(
                  params.get(p + "mlp.gate_proj.weight"),
                  params.get(p + "mlp.up_proj.weight"),
                  params.get(p + "mlp.down_proj.weight"))));
    }
    this.layers = List.copyOf(ls);
    this.finalNorm = new RmsNorm(params.get(FINAL_NORM), config.rmsNormEps());
    this.head = config.tieWordEmbeddings() ? params.get(EMBED) : params.get(LM_HEAD);
  }

  /** The device DJL offers: the first GPU when it sees one, else the CPU. */
  public static Device defaultDevice() {
    Engine engine = Engines.pytorch();
    return engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
  }

  /** The expected parameter names and shapes of {@code config}, in HF order. */
  public static Map<String, Shape> expectedShapes(LlamaConfig config) {
    requireNonNull(config, "config");
    Map<String, Shape> out = new LinkedHashMap<>();
    long d = config.hiddenSize();
    long kv = (long) config.numKeyValueHeads() * config.headDim();
    long ff = config.intermediateSize();
    out.put(EMBED, new Shape(config.vocabSize(), d));
    for (int i = 0; i < config.numHiddenLayers(); i++) {
      String p = "model.layers." + i + ".";
      out.put(p + "input_layernorm.weight", new Shape(d));
      out.put(p + "self_attn.q_proj.weight", new Shape(d, d));
      out.put(p + "self_attn.k_proj.weight", new Shape(kv, d));
      out.put(p + "self_attn.v_proj.weight", new Shape(kv, d));
      out.put(p + "self_attn.o_proj.weight", new Shape(d, d));
      out.put(p + "post_attention_layernorm.weight", new Shape(d));
      out.put(p + "mlp.gate_proj.weight", new Shape(ff, d));
      out.put(p + "mlp.up_proj.weight", new Shape(ff, d));
      out.put(p + "mlp.down_proj.weight", new Shape(d, ff));
    }
    out.put(FINAL_NORM, new Shape(d));
    if (!config.tieWordEmbeddings()) {
      out.put(LM_HEAD, new Shape(config.vocabSize(), d));
    }
    return out;
  }

  /**
   * A freshly initialised model: linear and embedding weights from {@code N(0, 0.02)} (HF's {@code
   * initializer_range}), norms at 1, reproducible for a seed.
   */
  public static LlamaModel initialize(LlamaConfig config, long seed, Device device) {
    requireNonNull(config, "config");
    requireNonNull(device, "device");
    SplittableRandom random = new SplittableRandom(seed);
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, Shape> e : expectedShapes(config).entrySet()) {
      long[] shape = e.getValue().getShape();
      float[] values = new float[Math.toIntExact(e.getValue().size())];
      if (e.getKey().endsWith("norm.weight")) {
        java.util.Arrays.fill(values, 1f);
      } else {
        for (int i = 0; i < values.length; i++) {
          values[i] = (float) (gaussian(random) * 0.02);
        }
      }
      tensors.put(e.getKey(), new Tensor(shape, values));
    }
    return fromTensors(config, tensors, device);
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller: SplittableRandom has no nextGaussian on every release we target.
    double u1 = 1.0 - random.nextDouble();
    double u2 = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /**
   * A model from HF-named tensors. Every expected tensor must be present with its exact shape;
   * {@code lm_head.weight} is ignored when embeddings are tied, and cached {@code
   * rotary_emb.inv_freq} buffers are ignored; any other extra tensor is refused by name.
   */
  public static LlamaModel fromTensors(
      LlamaConfig config, Map<String, Tensor> tensors, Device device) {
    requireNonNull(config, "config");
    requireNonNull(tensors, "tensors");
    requireNonNull(device, "device");
    Map<String, Shape> expected = expectedShapes(config);
    for (String name : tensors.keySet()) {
      boolean ignorable =
          name.endsWith("rotary_emb.inv_freq")
              || (name.equals(LM_HEAD) && config.tieWordEmbeddings());
      if (!expected.containsKey(name) && !ignorable) {
        throw new ConfigException("weights", "unexpected tensor " + name + " for this config.json");
      }
    }
    for (Map.Entry<String, Shape> e : expected.entrySet()) {
      Tensor t = tensors.get(e.getKey());
      if (t == null) {
        throw new ConfigException("weights", "missing tensor " + e.getKey());
      }
      if (!new Shape(t.shape()).equals(e.getValue())) {
        throw new ConfigException(
            "weights." + e.getKey(), new Shape(t.shape()).toString(), e.getValue().toString());
      }
    }
    NDManager manager = Engines.pytorch().newBaseManager(device);
    try {
      Map<String, NDArray> params = new LinkedHashMap<>();
      for (Map.Entry<String, Shape> e : expected.entrySet()) {
        NDArray a = manager.create(tensors.get(e.getKey()).values(), e.getValue());
        NDScope.unregister(a);
        a.setName(e.getKey());
        params.put(e.getKey(), a);
      }
      return new LlamaModel(config, manager, params);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** The configuration. */
  public LlamaConfig config() {
    return config;
  }

  /** The device the parameters live on. */
  public Device device() {
    return manager.getDevice();
  }

  /** The model's manager; sub-managers of it are the natural home of per-step inputs. */
  public NDManager manager() {
    return manager;
  }

  /** The parameters by HF name (no {@code lm_head.weight} when tied), in HF order. */
  public Map<String, NDArray> parameters() {
    return params;
  }

  /**
   * Marks the parameters whose name passes {@code filter} as requiring gradient, and the others as
   * not. Training code calls this before recording; a frozen copy starts with none.
   */
  public void setTrainable(Predicate<String> filter) {
    requireNonNull(filter, "filter");
    params.forEach((name, a) -> a.setRequiresGradient(filter.test(name)));
  }

  /** The parameters copied to Java memory, by HF name (the safetensors content). */
  public Map<String, Tensor> toTensors() {
    Map<String, Tensor> out = new LinkedHashMap<>();
    params.forEach(
        (name, a) -> out.put(name, new Tensor(a.getShape().getShape(), a.toFloatArray())));
    return out;
  }

  /**
   * A deep copy with its own native memory and no gradient: the frozen reference model of KL-based
   * methods. Close it independently.
   */
  public LlamaModel frozenCopy() {
    return fromTensors(config, toTensors(), device());
  }

  /**
   * Runs the decoder.
   *
   * @param ids token ids {@code [batch, seq]} (int64 or int32), right-padded
   * @param cache the KV cache to read and extend, or null for a stateless pass from position 0
   * @param captureLayer index of the decoder layer whose output to return as {@code hidden} ({@code
   *     [batch, seq, hidden]}, HF's {@code hidden_states[captureLayer + 1]}), or -1
   * @param logits whether to compute logits; false stops after {@code captureLayer}
   */
  public Output forward(NDArray ids, KvCache cache, int captureLayer, boolean logits) {
    requireNonNull(ids, "ids");
    if (ids.getShape().dimension() != 2) {
      throw new IllegalArgumentException(
          "ids: shape " + ids.getShape() + " (expected: [batch, seq])");
    }
    if (captureLayer < -1 || captureLayer >= layers.size()) {
      throw new IllegalArgumentException(
          "captureLayer: " + captureLayer + " (expected: -1.." + (layers.size() - 1) + ")");
    }
    int start = cache == null ? 0 : cache.length();
    NDManager m = ids.getManager();
    NDArray x = params.get(EMBED).get(m, new NDIndex("{}", ids.toType(DataType.INT64, false)));
    NDArray hidden = null;
    int seq = (int) ids.getShape().get(1);
    NDArray mask = seq > 1 ? Attention.causalMask(x, seq, start + seq, start) : null;
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      x = x.add(layer.attention().apply(layer.inputNorm().apply(x), start, cache, i, mask));
      x = x.add(layer.mlp().apply(layer.postNorm().apply(x)));
      if (i == captureLayer) {
        hidden = x;
        if (!logits) {
          return new Output(null, hidden);
        }
      }
    }
    NDArray out = logits ? SwiGluMlp.linear(finalNorm.apply(x), head) : null;
    return new Output(out, hidden);
  }

  /**
   * One decode step of a batch of sequences of different lengths (continuous batching): feeds one
   * token per row of {@code cache} at that row's own position and returns the next-token logits
   * {@code [rows, vocab]}. Each row attends only to its own positions (see {@link BatchKvCache}),
   * so its logits are those of {@link #forward} on that sequence alone, up to float rounding (the
   * batched matrix products may sum in another order). Projections, MLPs and the LM head run once
   * for the whole batch: that is what concurrent requests share.
   *
   * @param ids the next token of each row, {@code [rows, 1]}, in {@code cache}'s row order
   * @param cache the batch's cache, extended by one position per row
   */
  public NDArray decode(NDArray ids, BatchKvCache cache) {
    requireNonNull(ids, "ids");
    requireNonNull(cache, "cache");
    long rows = cache.size();
    if (rows == 0 || !ids.getShape().equals(new Shape(rows, 1))) {
      throw new IllegalArgumentException(
          "ids: shape " + ids.getShape() + " (expected: [" + rows + ", 1], rows >= 1)");
    }
    NDManager m = ids.getManager();
    int longest = 0;
    for (int i = 0; i < rows; i++) {
      longest = Math.max(longest, cache.length(i));
    }
    NDArray[] tables = rope.tables(cache.positions(m), longest);
    NDArray mask = cache.nextMask(m);
    NDArray x = params.get(EMBED).get(m, new NDIndex("{}", ids.toType(DataType.INT64, false)));
    for (int i = 0; i < layers.size(); i++) {
      Layer layer = layers.get(i);
      x = x.add(layer.attention().decode(layer.inputNorm().apply(x), tables, cache, i, mask));
      x = x.add(layer.mlp().apply(layer.postNorm().apply(x)));
    }
    return SwiGluMlp.linear(finalNorm.apply(x), head).reshape(rows, config.vocabSize());
  }

  /** Logits {@code [batch, seq, vocab]} of a stateless pass. */
  public NDArray logits(NDArray ids) {
    return forward(ids, null, -1, true).logits();
  }

  /** The output of decoder layer {@code layer} ({@code [batch, seq, hidden]}), with gradient. */
  public NDArray hiddenState(NDArray ids, int layer) {
    return forward(ids, null, layer, false).hidden();
  }

  /**
   * Log-probability of each next token: {@code [batch, seq - 1]}, entry {@code t} being {@code log
   * p(ids[t + 1] | ids[0..t])}. Differentiable.
   */
  public NDArray tokenLogProbs(NDArray ids) {
    return tokenLogProbs(logits(ids), ids);
  }

  /** {@link #tokenLogProbs(NDArray)} from already computed logits. */
  public static NDArray tokenLogProbs(NDArray logits, NDArray ids) {
    long t = ids.getShape().get(1);
    NDArray lp = logits.get(new NDIndex(":, :" + (t - 1) + ", :")).logSoftmax(-1);
    NDArray targets = ids.get(new NDIndex(":, 1:")).toType(DataType.INT64, false).expandDims(-1);
    return lp.gather(targets, -1).squeeze(-1);
  }

  /**
   * Mean negative log-likelihood per sequence over the positions where {@code labelMask} ({@code
   * [batch, seq]}, 1 on answer tokens, 0 on prompt and padding) is set: {@code [batch]}. Position 0
   * is never a label. Differentiable: the loss of TOFU's probability metric and of NLL-based
   * methods.
   */
  public NDArray sequenceNll(NDArray ids, NDArray labelMask) {
    NDArray lp = tokenLogProbs(ids);
    NDArray mask = labelMask.get(new NDIndex(":, 1:")).toType(DataType.FLOAT32, false);
    NDArray count = mask.sum(new int[] {1}).maximum(1f);
    return lp.mul(mask).sum(new int[] {1}).neg().div(count);
  }

  /** Frees the model's native memory. */
  @Override
  public void close() {
    manager.close();
  }
}

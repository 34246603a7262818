package dev.lethe.filters.detect;

import static java.util.Objects.requireNonNull;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * A static token-embedding table distilled from the shipped MiniLM model, model2vec-style (Tulkens
 * and van Dongen, "Model2Vec: Distill a Small Fast Model from any Sentence Transformer", 2024):
 * each wordpiece of MiniLM's vocabulary was embedded alone through the model, the vectors reduced
 * by PCA and weighted by SIF over Zipf-estimated token frequencies. A text's vector is the mean of
 * its tokens' rows (MiniLM's own tokenizer), L2-normalised: a table lookup and a sum, no model.
 *
 * <p>It is the cheap first stage of the detector cascade ({@link Cascade}): far less accurate than
 * the sentence model, but enough to tell text that is nowhere near any rule from text that might
 * be. The table ships as a classpath resource ({@value #TABLE_RESOURCE}, int8 rows with one scale
 * each); {@code SOURCE.md} beside it says how it was made, and the distiller that made it is in the
 * test sources ({@code ./bench distil-static}). Thread-safe and immutable.
 */
public final class StaticEmbedding implements AutoCloseable {
  /** Classpath resource (relative to this class) holding the table. */
  public static final String TABLE_RESOURCE = "minilm-static.bin";

  /** The table file's magic number ("LSTB"). */
  static final int MAGIC = 0x4C535442;

  /** The table format version this class reads. */
  static final int VERSION = 1;

  /** The most tokens of one text that count (the rest is cut). */
  static final int MAX_TOKENS = 4096;

  private final byte[] rows;
  private final float[] scales;
  private final int vocabulary;
  private final int dimension;
  private final HuggingFaceTokenizer tokenizer;

  private StaticEmbedding(
      byte[] rows, float[] scales, int vocabulary, int dimension, HuggingFaceTokenizer tokenizer) {
    this.rows = rows;
    this.scales = scales;
    this.vocabulary = vocabulary;
    this.dimension = dimension;
    this.tokenizer = tokenizer;
  }

  /**
   * Loads the shipped table and MiniLM's tokenizer from the classpath.
   *
   * @throws EmbeddingException when a resource is missing or malformed
   */
  public static StaticEmbedding load() {
    try (InputStream in = StaticEmbedding.class.getResourceAsStream(TABLE_RESOURCE)) {
      if (in == null) {
        throw new IOException("classpath resource " + TABLE_RESOURCE + " not found");
      }
      return read(in);
    } catch (IOException e) {
      throw new EmbeddingException("cannot load the static embedding table: " + e, e);
    }
  }

  /** Reads a table written by the distiller (format version {@value #VERSION}). */
  static StaticEmbedding read(InputStream raw) throws IOException {
    DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16));
    int magic = in.readInt();
    int version = in.readInt();
    if (magic != MAGIC || version != VERSION) {
      throw new IOException(
          "not a static table (magic " + Integer.toHexString(magic) + ", version " + version + ")");
    }
    int vocab = in.readInt();
    int dim = in.readInt();
    if (vocab < 1 || vocab > 1_000_000 || dim < 1 || dim > 1024) {
      throw new IOException("table shape " + vocab + "x" + dim + " (expected: 1..1e6 x 1..1024)");
    }
    byte[] rows = new byte[vocab * dim];
    float[] scales = new float[vocab];
    for (int i = 0; i < vocab; i++) {
      scales[i] = in.readFloat();
      in.readFully(rows, i * dim, dim);
    }
    if (in.read() != -1) {
      throw new IOException("trailing bytes after " + vocab + " rows");
    }
    HuggingFaceTokenizer tokenizer;
    try (InputStream tok =
        StaticEmbedding.class.getResourceAsStream(MiniLmEmbedder.TOKENIZER_RESOURCE)) {
      if (tok == null) {
        throw new IOException("classpath resource " + MiniLmEmbedder.TOKENIZER_RESOURCE);
      }
      System.setProperty("ai.djl.offline", "true");
      tokenizer =
          HuggingFaceTokenizer.newInstance(
              tok,
              Map.of(
                  "maxLength", Integer.toString(MAX_TOKENS),
                  "truncation", "true",
                  "padding", "false",
                  "addSpecialTokens", "false"));
    }
    return new StaticEmbedding(rows, scales, vocab, dim, tokenizer);
  }

  /** The number of rows (MiniLM's vocabulary). */
  public int vocabulary() {
    return vocabulary;
  }

  /** The vector length. */
  public int dimension() {
    return dimension;
  }

  /** The row of vocabulary id {@code id}, dequantized (for tests and the distiller's report). */
  float[] row(int id) {
    float[] v = new float[dimension];
    float s = scales[id];
    int base = id * dimension;
    for (int d = 0; d < dimension; d++) {
      v[d] = rows[base + d] * s;
    }
    return v;
  }

  /** MiniLM's vocabulary ids of {@code text}, without special tokens. */
  long[] tokenIds(String text) {
    return tokenizer.encode(text).getIds();
  }

  /**
   * The text's vector: the mean of its tokens' rows, unit length; all zeros when the text has no
   * token.
   */
  public float[] embed(String text) {
    requireNonNull(text, "text");
    float[] v = new float[dimension];
    if (text.isBlank()) {
      return v;
    }
    long[] ids = tokenIds(text);
    int n = 0;
    for (long id : ids) {
      if (id < 0 || id >= vocabulary) {
        continue;
      }
      int base = (int) id * dimension;
      float s = scales[(int) id];
      for (int d = 0; d < dimension; d++) {
        v[d] += rows[base + d] * s;
      }
      n++;
    }
    if (n == 0) {
      return v;
    }
    double norm = 0;
    for (float x : v) {
      norm += (double) x * x;
    }
    if (norm > 0) {
      float inv = (float) (1 / Math.sqrt(norm));
      for (int d = 0; d < dimension; d++) {
        v[d] *= inv;
      }
    }
    return v;
  }

  /** Releases the tokenizer. */
  @Override
  public void close() {
    tokenizer.close();
  }
}

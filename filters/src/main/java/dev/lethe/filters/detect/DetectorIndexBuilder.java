package dev.lethe.filters.detect;

import static java.util.Objects.requireNonNull;

import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.detect.TextAnalysis.Token;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.ByteBuffersDataOutput;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.SingleInstanceLockFactory;
import org.apache.lucene.util.BytesRef;

/**
 * Builds the {@link DetectorIndex} of each rule-set snapshot incrementally: it keeps one Lucene
 * {@link IndexWriter}, and for snapshot N+1 it deletes the documents of removed or changed rules,
 * adds those of new or changed rules (embedding only their texts, one at a time or, when asked,
 * each rule's texts as one group, {@link Embedder#embedGroups}; the embedder's cache serves
 * everything seen before), and opens a near-real-time reader. Unchanged rules keep their {@link
 * RuleData}, and the rules' subjects are compiled for lookup once per snapshot, the few changed
 * rules beside the previous snapshot's compiled ones ({@link SubjectIndex#next}). Adding one rule
 * to 10,000 therefore costs the new rule's embeddings plus a small segment flush, not a rebuild.
 *
 * <p>{@link #build} is serialised; indices it returned stay valid (point-in-time readers) while the
 * builder moves on, so the gateway can prepare snapshot N+1 while requests still use N. Each
 * builder has one fixed pool of general negatives (hard negatives for the semantic features); to
 * change the pool, create a new builder.
 */
public final class DetectorIndexBuilder implements AutoCloseable {
  /** The general negatives shipped with Lethe: everyday prompts no rule should match. */
  public static final String DEFAULT_POOL_RESOURCE = "general-negatives.txt";

  private final Embedder embedder;
  private final boolean batchRules;
  private final Directory directory;
  private final IndexWriter writer;
  private final Map<String, Integer> poolTokenCounts;
  private final int poolSize;
  private final Map<String, RuleData> applied = new HashMap<>();
  private SubjectIndex subjects;
  private DirectoryReader reader;

  /**
   * Creates a builder over an in-memory Lucene directory.
   *
   * @param embedder the sentence embedder (wrap it in a {@link CachingEmbedder} so that rebuilds
   *     reuse vectors)
   * @param negativePool general negatives (may be empty)
   */
  public DetectorIndexBuilder(Embedder embedder, Collection<String> negativePool) {
    this(embedder, negativePool, inMemoryDirectory());
  }

  /** Files up to this size are kept in one buffer by {@link #inMemoryDirectory()}. */
  static final long ONE_BUFFER_MAX = 512L << 20;

  /**
   * An in-memory Lucene directory that keeps each file of up to {@link #ONE_BUFFER_MAX} bytes in
   * one buffer, larger ones in many (a Java buffer holds at most 2 GiB). Lucene's default keeps a
   * file in up to a hundred blocks, and every input a search slices or clones from it duplicates
   * each block it spans: the vector search and doc-values reads of one new prompt sliced such
   * inputs dozens of times, a fifth of the bytes it allocated. The copy into one buffer is made
   * once, when a segment's file is written. The directory the two-argument constructor uses.
   */
  public static Directory inMemoryDirectory() {
    return inMemoryDirectory(ONE_BUFFER_MAX);
  }

  /** As {@link #inMemoryDirectory()}, one buffer for files up to {@code oneBufferMax} bytes. */
  static Directory inMemoryDirectory(long oneBufferMax) {
    return new ByteBuffersDirectory(
        new SingleInstanceLockFactory(),
        ByteBuffersDataOutput::new,
        (name, output) ->
            output.size() <= oneBufferMax
                ? ByteBuffersDirectory.OUTPUT_AS_ONE_BUFFER.apply(name, output)
                : ByteBuffersDirectory.OUTPUT_AS_MANY_BUFFERS.apply(name, output));
  }

  /**
   * Creates a builder over {@code directory} (for example an {@code MMapDirectory} on a scratch
   * folder, to keep vectors off the heap). The builder owns and closes the directory.
   */
  public DetectorIndexBuilder(
      Embedder embedder, Collection<String> negativePool, Directory directory) {
    this(embedder, negativePool, directory, false);
  }

  /**
   * As {@link #DetectorIndexBuilder(Embedder, Collection, Directory)}, choosing how rules are
   * embedded.
   *
   * @param batchRules embed each rule's texts as one group ({@link Embedder#embedGroups}: about 0.8
   *     of the embedding's CPU time with MiniLM, but vectors 0.987–0.999 in cosine to the texts'
   *     own, which moved three of 1,719 multi-turn hard negatives over the threshold in the attack
   *     suite); {@code false}, the default, embeds every text alone
   */
  public DetectorIndexBuilder(
      Embedder embedder, Collection<String> negativePool, Directory directory, boolean batchRules) {
    this.batchRules = batchRules;
    this.embedder = requireNonNull(embedder, "embedder");
    requireNonNull(negativePool, "negativePool");
    this.directory = requireNonNull(directory, "directory");
    IndexWriterConfig config = new IndexWriterConfig(TextAnalysis.TERMS);
    config.setRAMBufferSizeMB(128);
    // Never wait for merges when opening the reader of a new snapshot: a rule write must be
    // enforced in milliseconds; merges catch up in the background.
    config.setMaxFullFlushMergeWaitMillis(0);
    List<String> pool = List.copyOf(new java.util.LinkedHashSet<>(negativePool));
    Map<String, Integer> counts = new HashMap<>();
    try {
      this.writer = new IndexWriter(directory, config);
      List<float[]> vectors = embedder.embedAll(pool);
      List<Document> docs = new ArrayList<>(pool.size());
      for (int i = 0; i < pool.size(); i++) {
        docs.add(
            textDoc(DetectorIndex.POOL_ID, DetectorIndex.KIND_NEG, pool.get(i), vectors.get(i)));
        Set<String> seen = new HashSet<>();
        for (Token t : TextAnalysis.nameTokens(pool.get(i))) {
          if (seen.add(t.term())) {
            counts.merge(t.term(), 1, Integer::sum);
          }
        }
      }
      writer.addDocuments(docs);
      this.reader = DirectoryReader.open(writer);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.poolTokenCounts = Map.copyOf(counts);
    this.poolSize = pool.size();
  }

  /** The general negatives shipped in this module's resources. */
  public static List<String> defaultNegativePool() {
    try (InputStream in = DetectorIndexBuilder.class.getResourceAsStream(DEFAULT_POOL_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + DEFAULT_POOL_RESOURCE + " missing");
      }
      List<String> out = new ArrayList<>();
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        String s = line.strip();
        if (!s.isEmpty() && !s.startsWith("#")) {
          out.add(s);
        }
      }
      return Collections.unmodifiableList(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Prepares the index of {@code next}, applying the difference from the last snapshot this builder
   * built. Safe to call before {@code next} is published.
   *
   * @throws EmbeddingException when a new rule's texts cannot be embedded (the snapshot then must
   *     not be published)
   */
  public synchronized DetectorIndex build(RuleSet next) {
    requireNonNull(next, "next");
    Map<String, ForgetRule> wanted = new HashMap<>();
    for (ForgetRule r : next.rules()) {
      wanted.put(r.id(), r);
    }
    List<ForgetRule> added = new ArrayList<>();
    for (ForgetRule r : next.rules()) {
      RuleData have = applied.get(r.id());
      if (have == null || !have.rule().equals(r)) {
        added.add(r);
      }
    }
    List<String> removed = new ArrayList<>();
    for (String id : applied.keySet()) {
      ForgetRule w = wanted.get(id);
      if (w == null || !w.equals(applied.get(id).rule())) {
        removed.add(id);
      }
    }
    // Embed first: a failure leaves the builder untouched. With batchRules each rule's texts are
    // one group (one batch for the model), so a rule's vectors depend on that rule alone, never on
    // what else is imported with it; otherwise every text is embedded alone.
    List<List<String>> groups = new ArrayList<>(added.size());
    for (ForgetRule r : added) {
      List<String> g = new ArrayList<>(r.examples().size() + r.counterExamples().size());
      g.addAll(r.examples());
      g.addAll(r.counterExamples());
      groups.add(g);
    }
    List<List<float[]>> grouped = groups.isEmpty() ? List.of() : embed(groups);
    try {
      for (String id : removed) {
        writer.deleteDocuments(new Term(DetectorIndex.F_RULE, id));
        applied.remove(id);
      }
      List<Document> docs = new ArrayList<>();
      for (int k = 0; k < added.size(); k++) {
        ForgetRule r = added.get(k);
        int ne = r.examples().size();
        int nc = r.counterExamples().size();
        List<float[]> vectors = grouped.get(k);
        List<float[]> ev = vectors.subList(0, ne);
        List<float[]> cv = vectors.subList(ne, ne + nc);
        for (int i = 0; i < ne; i++) {
          docs.add(textDoc(r.id(), DetectorIndex.KIND_POS, r.examples().get(i), ev.get(i)));
        }
        for (int i = 0; i < nc; i++) {
          docs.add(textDoc(r.id(), DetectorIndex.KIND_NEG, r.counterExamples().get(i), cv.get(i)));
        }
        applied.put(r.id(), RuleData.of(r, ev, cv));
      }
      writer.addDocuments(docs);
      DirectoryReader changed = DirectoryReader.openIfChanged(reader, writer);
      if (changed != null) {
        reader.decRef();
        reader = changed;
      }
      Map<String, RuleData> data = new HashMap<>(applied.size() * 2);
      for (ForgetRule r : next.rules()) {
        data.put(r.id(), applied.get(r.id()));
      }
      // Subjects are compiled once per snapshot, incrementally: a few changed rules ride in a
      // small second layer beside the previous snapshot's compiled base.
      subjects = subjects == null ? SubjectIndex.of(data) : subjects.next(data);
      return new DetectorIndex(
          next, Collections.unmodifiableMap(data), poolTokenCounts, poolSize, reader, subjects);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<List<float[]>> embed(List<List<String>> groups) {
    if (batchRules) {
      return embedder.embedGroups(groups);
    }
    List<String> flat = new ArrayList<>();
    for (List<String> g : groups) {
      flat.addAll(g);
    }
    List<float[]> vectors = flat.isEmpty() ? List.of() : embedder.embedAll(flat);
    List<List<float[]>> out = new ArrayList<>(groups.size());
    int at = 0;
    for (List<String> g : groups) {
      out.add(vectors.subList(at, at + g.size()));
      at += g.size();
    }
    return out;
  }

  private static Document textDoc(String rule, long kind, String text, float[] vector) {
    Document d = new Document();
    d.add(new StringField(DetectorIndex.F_RULE, rule, Field.Store.NO));
    d.add(new SortedDocValuesField(DetectorIndex.F_RULE_DV, new BytesRef(rule)));
    d.add(new NumericDocValuesField(DetectorIndex.F_KIND, kind));
    d.add(new NumericDocValuesField(DetectorIndex.F_HASH, RuleData.hash(text)));
    String vecField =
        kind == DetectorIndex.KIND_POS ? DetectorIndex.F_POS_VEC : DetectorIndex.F_NEG_VEC;
    d.add(new KnnFloatVectorField(vecField, vector, VectorSimilarityFunction.DOT_PRODUCT));
    d.add(new TextField(DetectorIndex.F_TERMS, text, Field.Store.NO));
    return d;
  }

  /** Closes the writer and the directory. Indices already built fail afterwards. */
  @Override
  public synchronized void close() {
    try {
      reader.decRef();
      writer.close();
      directory.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

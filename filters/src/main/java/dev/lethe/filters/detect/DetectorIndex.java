package dev.lethe.filters.detect;

import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.detect.TextAnalysis.Token;
import dev.lethe.filters.text.EnglishWords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;

/**
 * Everything the detector needs to judge prompts against one {@link RuleSet} snapshot: a
 * point-in-time Lucene reader over the rules' example vectors (HNSW), negative vectors and BM25
 * topic terms, the rules' subjects compiled for typo-tolerant lookup ({@link SubjectIndex}), plus
 * each rule's in-memory {@link RuleData}. Immutable and thread-safe.
 *
 * <p>Built by {@link DetectorIndexBuilder}. The Lucene reader is released when the index becomes
 * unreachable (or on {@link #close()}), so requests still holding an older snapshot keep a valid
 * view while newer ones are published.
 */
public final class DetectorIndex implements AutoCloseable {
  static final String F_RULE = "rule";
  static final String F_RULE_DV = "rule_dv";
  static final String F_KIND = "kind";
  static final String F_HASH = "h";
  static final String F_POS_VEC = "pvec";
  static final String F_NEG_VEC = "nvec";
  static final String F_TERMS = "terms";
  static final long KIND_POS = 0;
  static final long KIND_NEG = 1;
  static final String POOL_ID = "\u0000pool";

  private static final Cleaner CLEANER = Cleaner.create();
  private static final AtomicLong IDS = new AtomicLong();
  private static final int MAX_CLAUSES = 256;

  private final long id = IDS.incrementAndGet();
  private final RuleSet rules;
  private final Map<String, RuleData> data;
  private final Map<String, Integer> poolTokenCounts;
  private final int poolSize;
  private final IndexSearcher searcher;
  private final SubjectIndex subjects;
  private final Cleaner.Cleanable cleanable;

  /**
   * Each document's rule, kind and text hash, read from its doc values the first time a search
   * returns it and kept for the index's life (a new snapshot has a new reader and new array). A
   * search returns up to 64 documents, and reading each one's doc values afresh opened three
   * iterators a document (a sliced input, a terms dictionary, its name string): most of the bytes a
   * new prompt allocated. Racy writes are harmless: every thread reads the same immutable record.
   */
  private final Meta[] metas;

  DetectorIndex(
      RuleSet rules,
      Map<String, RuleData> data,
      Map<String, Integer> poolTokenCounts,
      int poolSize,
      DirectoryReader reader,
      SubjectIndex subjects) {
    this.rules = rules;
    this.data = data;
    this.poolTokenCounts = poolTokenCounts;
    this.poolSize = poolSize;
    this.subjects = subjects;
    reader.incRef();
    this.searcher = new IndexSearcher(reader);
    this.metas = new Meta[reader.maxDoc()];
    this.cleanable = CLEANER.register(this, new Release(reader));
  }

  /** Releases the reader reference without holding on to the index itself. */
  private record Release(DirectoryReader reader) implements Runnable {
    @Override
    public void run() {
      try {
        reader.decRef();
      } catch (IOException | RuntimeException ignored) {
        // The writer may already be closed; nothing else holds the reader.
      }
    }
  }

  /** A process-unique id of this index (two builds of one version get different ids). */
  public long id() {
    return id;
  }

  /** The snapshot this index judges by. */
  public RuleSet rules() {
    return rules;
  }

  /** The snapshot's version. */
  public long version() {
    return rules.version();
  }

  /** The number of general negatives in the pool. */
  public int negativePoolSize() {
    return poolSize;
  }

  RuleData rule(String ruleId) {
    return data.get(ruleId);
  }

  /**
   * A value derived from this index's rules on first use and then kept for the index's life: the
   * one way the index holds what the classifier derives from every rule at once. Computing twice
   * under a race is harmless (every thread derives the same value from the same immutable rules).
   */
  private static final class OnFirstUse<T> {
    private final java.util.function.Supplier<T> derive;
    private volatile T value;

    OnFirstUse(java.util.function.Supplier<T> derive) {
      this.derive = derive;
    }

    T get() {
      T v = value;
      if (v == null) {
        v = java.util.Objects.requireNonNull(derive.get(), "derived value");
        value = v;
      }
      return v;
    }
  }

  private final OnFirstUse<Set<String>> vocabulary = new OnFirstUse<>(this::deriveVocabulary);
  private final OnFirstUse<Boolean> everyRuleNamed = new OnFirstUse<>(this::deriveEveryRuleNamed);
  private final OnFirstUse<Set<String>> distinctive = new OnFirstUse<>(this::deriveDistinctive);

  /**
   * The topic terms of every rule (union of the rules' vocabularies), computed once per index: the
   * classifier's cheap first look ranks sentence spans by how many of their terms any rule uses.
   */
  Set<String> vocabulary() {
    return vocabulary.get();
  }

  private Set<String> deriveVocabulary() {
    Set<String> all = new java.util.HashSet<>();
    for (RuleData r : data.values()) {
      all.addAll(r.vocabulary());
    }
    return Set.copyOf(all);
  }

  /**
   * Whether every rule of the snapshot names at least one subject (a person, a project). A rule
   * without one (a topic such as a hazardous subject area) can be in scope without any name being
   * written, so the classifier's window gate ({@link ScopeClassifier.Config#windowGate()}) is off
   * for a snapshot that holds one. Computed once per index.
   */
  boolean everyRuleNamesASubject() {
    return everyRuleNamed.get();
  }

  private Boolean deriveEveryRuleNamed() {
    for (RuleData r : data.values()) {
      if (r.names().isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /**
   * The rules' distinctive facts, as {@link TextAnalysis#nameTokens} folds them (whole words, not
   * cut to a prefix): the words of their examples and descriptions that are no common English word
   * ({@link EnglishWords}: places, invented titles, other people) and the numbers of four digits or
   * more (years), less the words of each rule's own subjects. A window of a long text that uses one
   * may hold a rule's identifying facts without its subject's name, so the classifier's window gate
   * keeps it. A subject's own words are left to the subject lookup, which knows a mention of the
   * subject from the same word in someone else's name: a prose document about other people that
   * share a first name or a surname with a subject is no reason to send its windows to the model.
   * Computed once per index.
   */
  Set<String> distinctiveTerms() {
    return distinctive.get();
  }

  private Set<String> deriveDistinctive() {
    Set<String> all = new java.util.HashSet<>();
    for (RuleData r : data.values()) {
      Set<String> own = new java.util.HashSet<>();
      for (String s : r.rule().subjects()) {
        for (TextAnalysis.Token t : TextAnalysis.nameTokens(s)) {
          own.add(t.term());
        }
      }
      for (String s : r.rule().examples()) {
        addDistinctive(all, s, own);
      }
      addDistinctive(all, r.rule().description(), own);
    }
    return Set.copyOf(all);
  }

  private static void addDistinctive(Set<String> out, String text, Set<String> except) {
    for (TextAnalysis.Token t : TextAnalysis.nameTokens(text)) {
      if (TextAnalysis.termOf(t.term()) != null
          && distinctiveWord(t.term())
          && !except.contains(t.term())) {
        out.add(t.term());
      }
    }
  }

  /**
   * Whether a folded word is distinctive: four digits or more, or a run of three letters or more
   * that is no common English word ({@code al-kuwaiti}, {@code mahfouz}, not {@code novel}).
   */
  static boolean distinctiveWord(String word) {
    int digits = 0;
    for (int i = 0; i < word.length(); i++) {
      if (Character.isDigit(word.charAt(i))) {
        digits++;
      }
    }
    if (digits >= 4 && digits == word.length()) {
      return true;
    }
    for (String part : word.split("[^a-z]+")) {
      if (part.length() >= 3 && !EnglishWords.contains(part)) {
        return true;
      }
    }
    return false;
  }

  Map<String, RuleData> ruleData() {
    return data;
  }

  /** Fraction-like distinctiveness of a name token: 1 when no pool negative contains it. */
  double distinctiveness(String token) {
    Integer n = poolTokenCounts.get(token);
    return n == null ? 1.0 : 1.0 / (1.0 + n);
  }

  /**
   * The subjects named in {@code tokens}, with the tokens that anchor each ({@link SubjectIndex}:
   * compiled once for this snapshot, so a request only looks up).
   */
  List<SubjectIndex.Hit> subjectHits(List<Token> tokens) {
    return subjects.lookup(tokens);
  }

  /**
   * As {@link #subjectHits(List)}, or null when more than {@code maxFuzzy} distinct tokens needed a
   * fuzzy match computed ({@link SubjectIndex#lookup(List, int)}).
   */
  List<SubjectIndex.Hit> subjectHits(List<Token> tokens, int maxFuzzy) {
    return subjects.lookup(tokens, maxFuzzy);
  }

  /** The rules whose subjects are anchored in {@code tokens} ({@link #subjectHits}). */
  Set<String> subjectCandidates(List<Token> tokens) {
    return subjects.rules(tokens);
  }

  /** A nearest rule example: its rule and cosine similarity. */
  record Neighbour(String rule, float similarity) {}

  /** The {@code k} rule examples nearest {@code q} (HNSW), leaving out text {@code exclude}. */
  List<Neighbour> positiveNeighbours(float[] q, int k, long exclude) {
    try {
      TopDocs top = searcher.search(new KnnFloatVectorQuery(F_POS_VEC, q, k + 1), k + 1);
      List<Neighbour> out = new ArrayList<>(k);
      for (ScoreDoc sd : top.scoreDocs) {
        Meta m = meta(sd.doc);
        if (m.hash() == exclude || out.size() == k) {
          continue;
        }
        out.add(new Neighbour(m.rule(), 2 * sd.score - 1));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      Reference.reachabilityFence(this);
    }
  }

  /** The cosine similarity of the negative nearest {@code q}, or 0 without negatives. */
  float nearestNegative(float[] q, long exclude) {
    try {
      TopDocs top = searcher.search(new KnnFloatVectorQuery(F_NEG_VEC, q, 4), 4);
      for (ScoreDoc sd : top.scoreDocs) {
        if (meta(sd.doc).hash() != exclude) {
          return 2 * sd.score - 1;
        }
      }
      return 0f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      Reference.reachabilityFence(this);
    }
  }

  /**
   * BM25 evidence.
   *
   * @param perRule the best BM25 score among each rule's examples
   * @param bestNegative the best BM25 score among the negatives
   */
  record Bm25(Map<String, Float> perRule, float bestNegative) {}

  /** BM25 over topic terms: each example and negative is its own document. */
  Bm25 bm25(List<String> terms, long exclude) {
    Set<String> distinct = new LinkedHashSet<>(terms);
    if (distinct.isEmpty()) {
      return new Bm25(Map.of(), 0f);
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    int n = 0;
    for (String t : distinct) {
      if (n++ == MAX_CLAUSES) {
        break;
      }
      b.add(new TermQuery(new Term(F_TERMS, t)), BooleanClause.Occur.SHOULD);
    }
    try {
      TopDocs top = searcher.search(b.build(), 64);
      Map<String, Float> perRule = new LinkedHashMap<>();
      float neg = 0f;
      for (ScoreDoc sd : top.scoreDocs) {
        Meta m = meta(sd.doc);
        if (m.hash() == exclude) {
          continue;
        }
        if (m.kind() == KIND_POS) {
          perRule.merge(m.rule(), sd.score, Math::max);
        } else if (m.kind() == KIND_NEG) {
          neg = Math.max(neg, sd.score);
        }
      }
      return new Bm25(perRule, neg);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      Reference.reachabilityFence(this);
    }
  }

  private record Meta(String rule, long kind, long hash) {}

  private Meta meta(int doc) throws IOException {
    Meta known = metas[doc];
    if (known == null) {
      known = readMeta(doc);
      metas[doc] = known;
    }
    return known;
  }

  private Meta readMeta(int doc) throws IOException {
    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    LeafReaderContext ctx = leaves.get(ReaderUtil.subIndex(doc, leaves));
    LeafReader leaf = ctx.reader();
    int local = doc - ctx.docBase;
    SortedDocValues rule = leaf.getSortedDocValues(F_RULE_DV);
    String ruleId = "";
    if (rule != null && rule.advanceExact(local)) {
      ruleId = rule.lookupOrd(rule.ordValue()).utf8ToString();
      RuleData known = data.get(ruleId);
      if (known != null) {
        ruleId = known.rule().id(); // one string per rule, not one per remembered document
      }
    }
    NumericDocValues kind = leaf.getNumericDocValues(F_KIND);
    long k = kind != null && kind.advanceExact(local) ? kind.longValue() : -1;
    NumericDocValues hash = leaf.getNumericDocValues(F_HASH);
    long h = hash != null && hash.advanceExact(local) ? hash.longValue() : 0;
    return new Meta(ruleId, k, h);
  }

  /** Copies the rule-data map (used by the builder for the next snapshot). */
  Map<String, RuleData> copyData() {
    return new HashMap<>(data);
  }

  /** Releases this index's reader reference now (later queries fail). Idempotent. */
  @Override
  public void close() {
    cleanable.clean();
  }

  @Override
  public String toString() {
    return "DetectorIndex{id="
        + id
        + ", version="
        + rules.version()
        + ", rules="
        + data.size()
        + "}";
  }
}

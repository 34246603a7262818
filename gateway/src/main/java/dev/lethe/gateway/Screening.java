package dev.lethe.gateway;

import static java.util.Objects.requireNonNull;

import dev.lethe.config.DetectorConfig;
import dev.lethe.config.IculSettings;
import dev.lethe.config.rules.RuleBook;
import dev.lethe.filters.detect.CachingEmbedder;
import dev.lethe.filters.detect.Cascade;
import dev.lethe.filters.detect.DecisionModel;
import dev.lethe.filters.detect.DetectorIndexBuilder;
import dev.lethe.filters.detect.Embedder;
import dev.lethe.filters.detect.HybridDetector;
import dev.lethe.filters.detect.MiniLmEmbedder;
import dev.lethe.filters.detect.ScopeClassifier;
import dev.lethe.filters.detect.StaticEmbedding;
import dev.lethe.filters.input.DetectorIndexes;
import dev.lethe.filters.input.InputStage;
import dev.lethe.filters.input.ScanConfig;
import dev.lethe.icul.FlipMode;
import dev.lethe.icul.FlipPolicy;
import dev.lethe.icul.IculAction;
import dev.lethe.icul.IculComposer;
import dev.lethe.icul.IculConfig;
import dev.lethe.icul.TokenBudget;
import dev.lethe.icul.TokenEstimator;
import dev.lethe.icul.pool.QaPool;
import dev.lethe.icul.pool.RefusalPool;
import dev.lethe.icul.pool.WrongAnswerPool;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.List;

/**
 * The input side of the pipeline, wired: the sentence embedder, the detector's per-snapshot indexes
 * (prepared for each new rule-set version before it is published), the scope classifier, the
 * in-context unlearning composer, and the input stage that uses them.
 */
public final class Screening implements AutoCloseable {
  private static final Object LOCK = new Object();
  private static Embedder shared;
  private static StaticEmbedding sharedTable;

  private final Embedder embedder;
  private final DetectorIndexes indexes;
  private final ScopeClassifier classifier;
  private final InputStage stage;
  private final DetectorIndexBuilder builder;
  private final AutoCloseable listener;
  private final AutoCloseable iculListener;
  private AutoCloseable cascadeListener = () -> {};

  private Screening(
      Embedder embedder,
      DetectorIndexes indexes,
      ScopeClassifier classifier,
      InputStage stage,
      DetectorIndexBuilder builder,
      AutoCloseable listener,
      AutoCloseable iculListener) {
    this.embedder = embedder;
    this.indexes = indexes;
    this.classifier = classifier;
    this.stage = stage;
    this.builder = builder;
    this.listener = listener;
    this.iculListener = iculListener;
  }

  /**
   * The heap the shared embedder's cache of recent vectors may hold (texts and vectors, estimated):
   * 64 MiB, so that clients sending many long distinct texts cannot grow it further.
   */
  public static final long EMBEDDING_CACHE_BYTES = 64L << 20;

  /**
   * The default sentence embedder, process-wide: MiniLM loaded once, behind a cache of recent
   * vectors bounded by {@link #EMBEDDING_CACHE_BYTES}. Loading takes a second or two; every gateway
   * of the process that is not given another embedder shares it.
   */
  public static Embedder sharedEmbedder() {
    synchronized (LOCK) {
      if (shared == null) {
        shared = CachingEmbedder.ofBytes(MiniLmEmbedder.load(), EMBEDDING_CACHE_BYTES);
      }
      return shared;
    }
  }

  /**
   * The static token table distilled from MiniLM ({@link StaticEmbedding}), loaded once per
   * process: the cheap first stage of the detector cascade over the {@link #sharedEmbedder()}.
   */
  public static StaticEmbedding sharedTable() {
    synchronized (LOCK) {
      if (sharedTable == null) {
        sharedTable = StaticEmbedding.load();
      }
      return sharedTable;
    }
  }

  /**
   * Wires the input stage for {@code book}'s rules over the {@link #sharedEmbedder()}, with the
   * detector cascade's cheap stage distilled from that model ({@link Cascade}).
   */
  public static Screening create(
      DetectorConfig detector, IculSettings iculSettings, RuleBook book, MeterRegistry registry) {
    return create(
        detector,
        iculSettings,
        book,
        registry,
        sharedEmbedder(),
        new Cascade(sharedTable(), Cascade.Config.defaults()));
  }

  /**
   * Wires the input stage for {@code book}'s rules over {@code embedder} (not closed here), every
   * span judged by it (the cascade's table is distilled from MiniLM, so it only fronts MiniLM).
   */
  public static Screening create(
      DetectorConfig detector,
      IculSettings iculSettings,
      RuleBook book,
      MeterRegistry registry,
      Embedder embedder) {
    return create(detector, iculSettings, book, registry, embedder, null);
  }

  /**
   * Wires the input stage for {@code book}'s rules over {@code embedder} (not closed here), with
   * {@code cascade} as the cheap first stage ({@code null}: none).
   */
  public static Screening create(
      DetectorConfig detector,
      IculSettings iculSettings,
      RuleBook book,
      MeterRegistry registry,
      Embedder embedder,
      Cascade cascade) {
    requireNonNull(book, "book");
    requireNonNull(embedder, "embedder");
    DetectorIndexBuilder builder =
        new DetectorIndexBuilder(embedder, DetectorIndexBuilder.defaultNegativePool());
    DetectorIndexes indexes = new DetectorIndexes(builder);
    AutoCloseable listener = book.addListener(indexes.snapshots());
    IculComposer composer = composer(iculSettings, embedder, registry);
    AutoCloseable iculListener = book.addListener(composer);
    ScopeClassifier classifier =
        new ScopeClassifier(
            new HybridDetector(embedder),
            DecisionModel.defaults(),
            ScopeClassifier.Config.defaults(),
            cascade);
    AutoCloseable cascadeListener =
        cascade == null ? () -> {} : book.addListener(cascade.snapshots());
    InputStage stage =
        new InputStage(
            classifier,
            indexes,
            new IculAction(composer),
            new InputStage.Config(
                new ScanConfig(
                    new HashSet<>(detector.roles()),
                    detector.maxMessages(),
                    detector.toolArguments(),
                    ScanConfig.defaults().chunkChars(),
                    ScanConfig.defaults().spanChars(),
                    new ScopeClassifier.Budget(detector.screeningBudget(), detector.maxSpans()),
                    detector.maxScanChars()),
                detector.defaultRefusal(),
                detector.mask()),
            registry);
    Screening s =
        new Screening(embedder, indexes, classifier, stage, builder, listener, iculListener);
    s.cascadeListener = cascadeListener;
    return s;
  }

  private static IculComposer composer(IculSettings s, Embedder embedder, MeterRegistry registry) {
    QaPool retain = s.retainPool() == null ? new QaPool(List.of()) : QaPool.load(s.retainPool());
    RefusalPool refusals =
        s.refusals() == null
            ? new RefusalPool(List.of(RefusalPool.FALLBACK))
            : RefusalPool.load(s.refusals());
    WrongAnswerPool wrong =
        s.wrongAnswers() == null ? WrongAnswerPool.empty() : WrongAnswerPool.load(s.wrongAnswers());
    IculConfig config =
        IculConfig.defaults()
            .withDemos(s.forgetDemos(), s.retainDemos())
            .withBudget(new TokenBudget(s.contextWindow(), s.budgetShare()))
            .withFlip(
                s.wrongAnswers() == null
                    ? FlipPolicy.refusals()
                    : FlipPolicy.of(FlipMode.WRONG_ANSWER));
    return new IculComposer(
        config, embedder, retain, refusals, wrong, TokenEstimator.charsPerToken4(), registry);
  }

  /** The sentence embedder this screening uses. */
  public Embedder embedder() {
    return embedder;
  }

  /** The input stage (first in the pipeline). */
  public InputStage stage() {
    return stage;
  }

  /** The classifier (the admin classify and calibrate routes use it). */
  public ScopeClassifier classifier() {
    return classifier;
  }

  /** The per-snapshot detector indexes. */
  public DetectorIndexes indexes() {
    return indexes;
  }

  @Override
  public void close() throws Exception {
    listener.close();
    iculListener.close();
    cascadeListener.close();
    builder.close();
  }
}

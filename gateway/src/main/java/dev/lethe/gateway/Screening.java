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
import dev.lethe.filters.input.ScreeningWarmup;
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
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input side of the pipeline, wired: the sentence embedder, the detector's per-snapshot indexes
 * (prepared for each new rule-set version before it is published), the scope classifier, the
 * in-context unlearning composer, and the input stage that uses them; and its startup warm-up
 * ({@link #warmUp}, {@link ScreeningWarmup}), which the gateway waits for before it reports ready.
 */
public final class Screening implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Screening.class);
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
  private Supplier<Cascade> cascades;
  private final AtomicReference<ScreeningWarmup.Report> warmupReport = new AtomicReference<>();
  private volatile boolean closing;
  private volatile Thread warmupThread;
  private Supplier<dev.lethe.config.rules.RuleSet> rules;

  /**
   * The startup warm-up of this process ({@link #warmUp}): the JIT's compiled code is shared by
   * every gateway of a process, so it runs once per process and later gateways wait for the same.
   */
  private static CompletableFuture<ScreeningWarmup.Report> processWarmup;

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
        () -> new Cascade(sharedTable(), Cascade.Config.defaults()));
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
   * Wires the input stage for {@code book}'s rules over {@code embedder} (not closed here), with a
   * cascade from {@code cascades} as the cheap first stage ({@code null}: none; the startup warm-up
   * takes another from it, so that it never touches the live cascade's state).
   */
  private static Screening create(
      DetectorConfig detector,
      IculSettings iculSettings,
      RuleBook book,
      MeterRegistry registry,
      Embedder embedder,
      Supplier<Cascade> cascades) {
    Cascade cascade = cascades == null ? null : cascades.get();
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
    s.cascades = cascades;
    s.rules = book::current;
    Gauge.builder(
            "lethe.screening.warmup.seconds",
            s.warmupReport,
            r -> r.get() == null ? 0 : r.get().elapsed().toNanos() / 1e9)
        .description(
            "Wall time of the screening's startup warm-up before the gateway reported ready (0"
                + " while it runs, or when it is off)")
        .register(registry);
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

  /**
   * How long past its bound readiness waits for a warm-up still judging a request: the bound is
   * checked between requests, and on a starved machine one 1 MB payload can take far longer than
   * its screening budget to scan.
   */
  static final Duration OVERRUN = Duration.ofSeconds(5);

  /**
   * Warms the screening ({@link ScreeningWarmup}) on a thread of its own, at most {@code bound};
   * the future completes with its report, or with null once {@code bound} plus {@link #OVERRUN} has
   * passed while a request was still being judged (the warm-up then stops after that request), so a
   * start never waits longer than that. It never completes exceptionally: a failed warm-up is
   * logged and only costs latency, the live stage judges as always. Once per process: a later call,
   * from this or another gateway of the process, gets the first one's future. Zero: off (completes
   * at once with null).
   */
  public CompletableFuture<ScreeningWarmup.Report> warmUp(Duration bound) {
    requireNonNull(bound, "bound");
    if (bound.isZero()) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<ScreeningWarmup.Report> finished = new CompletableFuture<>();
    CompletableFuture<ScreeningWarmup.Report> mine;
    java.util.concurrent.atomic.AtomicBoolean overran =
        new java.util.concurrent.atomic.AtomicBoolean();
    synchronized (LOCK) {
      if (processWarmup != null) {
        return processWarmup.thenApply(
            r -> {
              if (r != null) {
                warmupReport.compareAndSet(null, r);
              }
              return r;
            });
      }
      mine =
          atMost(
              finished,
              bound.plus(OVERRUN),
              () -> {
                overran.set(true);
                LOG.warn(
                    "screening warm-up still judging {} past its bound of {}; reporting ready, it"
                        + " stops after the request in flight",
                    OVERRUN,
                    bound);
              });
      processWarmup = mine;
    }
    ScreeningWarmup warmup =
        new ScreeningWarmup(
            embedder,
            cascades,
            classifier.model(),
            stage.config(),
            System::nanoTime,
            rules,
            indexes);
    warmupThread =
        Thread.ofPlatform()
            .daemon()
            .name("lethe-screening-warmup")
            .start(
                () -> {
                  ScreeningWarmup.Report r = null;
                  try {
                    r = warmup.run(bound, () -> closing || overran.get());
                  } catch (RuntimeException e) {
                    r =
                        new ScreeningWarmup.Report(
                            ScreeningWarmup.Outcome.FAILED,
                            0,
                            0,
                            0,
                            Duration.ZERO,
                            Duration.ZERO,
                            Duration.ZERO,
                            e.getClass().getSimpleName() + ": " + e.getMessage());
                  } finally {
                    // whatever ends the thread, readiness must not wait for it
                    if (r != null) {
                      log(r, bound);
                      warmupReport.set(r);
                    }
                    finished.complete(r);
                  }
                });
    return mine;
  }

  /**
   * A future that completes as {@code running} does, or with null after {@code limit} (running
   * {@code onOverrun} first) when {@code running} has not completed by then.
   */
  static <T> CompletableFuture<T> atMost(
      CompletableFuture<T> running, Duration limit, Runnable onOverrun) {
    CompletableFuture<T> out = new CompletableFuture<>();
    running.whenComplete((r, e) -> out.complete(e == null ? r : null));
    CompletableFuture.delayedExecutor(limit.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)
        .execute(
            () -> {
              if (!out.isDone()) {
                onOverrun.run();
                out.complete(null);
              }
            });
    return out;
  }

  private static void log(ScreeningWarmup.Report r, Duration bound) {
    String line =
        String.format(
            java.util.Locale.ROOT,
            "screening warm-up %s: %d of %d requests judged (%,d characters) in %.1f s, %.1f s"
                + " of process CPU, %.1f s of JIT compilation (bound %s)",
            r.outcome().name().toLowerCase(java.util.Locale.ROOT),
            r.judged(),
            r.requests(),
            r.chars(),
            r.elapsed().toNanos() / 1e9,
            r.processCpu().toNanos() / 1e9,
            r.compilation().toNanos() / 1e9,
            bound);
    if (r.outcome() == ScreeningWarmup.Outcome.FAILED) {
      LOG.warn(
          "{}; serving anyway, the first payloads of its kinds may be slower: {}",
          line,
          r.failure());
    } else {
      LOG.info(line);
    }
  }

  /** The report of the startup warm-up, once it ended (null before, or when it is off). */
  public ScreeningWarmup.Report warmupReport() {
    return warmupReport.get();
  }

  @Override
  public void close() throws Exception {
    closing = true;
    Thread t = warmupThread;
    if (t != null) {
      t.join(5000); // it stops before its next request
    }
    listener.close();
    iculListener.close();
    cascadeListener.close();
    builder.close();
  }
}

package dev.lethe.filters.detect;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The hybrid forget-scope classifier: runs a {@link Detector} over each text segment, scores every
 * candidate rule with the installed {@link DecisionModel}, and decides whether the best one is in
 * scope. Thread-safe.
 *
 * <p>Detections are cached per segment under (index id, rule-set version, text): the index id
 * changes with every snapshot, so a new rule-set version can never be answered from an old
 * detection. Detections made without the semantic stage are never cached. Installing a new model
 * needs no invalidation: cached detections hold features, not decisions.
 *
 * <p>With a {@link Cascade}, each segment that is not answered from the cache and names no rule's
 * subject is first scored by the cascade's cheap stage (a static embedding); below its calibrated
 * threshold the segment is decided out of scope without the detector, so the sentence model only
 * runs on segments near some rule or naming a subject. Counts of each outcome: {@link
 * #spansDecidedCheaply()}, {@link #spansSentToModel()}, {@link #spansFromCache()}.
 */
public final class ScopeClassifier {
  private final Detector detector;
  private final AtomicReference<DecisionModel> model;
  private final Cache<Key, Detection> cache;
  private final LexicalDetector lexical = new LexicalDetector();
  private final LongSupplier ticker;
  private final Cascade cascade;
  private final boolean spansAhead;
  private final boolean windowGate;
  private final java.util.concurrent.atomic.LongAdder windowsGated =
      new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder spansCheap =
      new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder spansModel =
      new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder spansCached =
      new java.util.concurrent.atomic.LongAdder();

  /**
   * Configuration.
   *
   * @param cacheBytes estimated heap the cached detections may hold in all, {@code >= 0} (0
   *     disables the cache); bounded in bytes, not entries, because each key is a segment of client
   *     text (up to a window) and long distinct prompts would otherwise grow the heap with them
   * @param spansAhead whether gated sentence spans are embedded ahead, in parallel on the
   *     embedder's predictors (a long text's together with its windows, others in chunks of {@value
   *     #AHEAD_CHUNK}); false embeds each as it is judged, one after another. Decisions are the
   *     same either way; only the wall time of a long prompt differs.
   * @param windowGate whether a window of a long text is judged only when it has a reason to be
   *     ({@link ScopeClassifier#windowsGated()}): it asks or orders something, or the window after
   *     it does, or it uses a rule's distinctive word, or it or a window beside it holds one word
   *     of a subject's name; true by default. A request that names any rule's subject in full
   *     anywhere, a snapshot with a rule that names no subject, a decoded text and a text over
   *     {@value #MAX_LOOKED_AT} characters judge their windows as without the gate.
   */
  public record Config(long cacheBytes, boolean spansAhead, boolean windowGate) {
    /** Validates the fields. */
    public Config {
      if (cacheBytes < 0) {
        throw new IllegalArgumentException("cacheBytes: " + cacheBytes + " (expected: >= 0)");
      }
    }

    /** {@code cacheBytes} of cached detections, spans embedded ahead as {@code spansAhead} says. */
    public Config(long cacheBytes, boolean spansAhead) {
      this(cacheBytes, spansAhead, true);
    }

    /** {@code cacheBytes} of cached detections, spans embedded ahead, windows gated. */
    public Config(long cacheBytes) {
      this(cacheBytes, true);
    }

    /** 64 MiB of cached detections, spans embedded ahead, windows gated. */
    public static Config defaults() {
      return new Config(64L << 20);
    }
  }

  record Key(long indexId, long version, String text) {}

  /** The largest index id judged by so far (ids grow with every build). */
  private final AtomicLong newestIndexId = new AtomicLong();

  /**
   * What one request may cost the classifier.
   *
   * @param time wall time for judging one request; {@link java.time.Duration#ZERO} means no limit
   * @param maxSpans the most gated sentence spans judged per request, {@code >= 0}
   */
  public record Budget(java.time.Duration time, int maxSpans) {
    /** No time limit, every selected span. */
    public static final Budget UNLIMITED = new Budget(java.time.Duration.ZERO, Integer.MAX_VALUE);

    /** Validates the fields. */
    public Budget {
      requireNonNull(time, "time");
      if (time.isNegative()) {
        throw new IllegalArgumentException("time: " + time + " (expected: >= 0)");
      }
      if (maxSpans < 0) {
        throw new IllegalArgumentException("maxSpans: " + maxSpans + " (expected: >= 0)");
      }
    }

    /** One second, 32 spans. */
    public static Budget defaults() {
      return new Budget(java.time.Duration.ofSeconds(1), 32);
    }

    long nanos() {
      return time.toNanos();
    }
  }

  /** Creates a classifier timed by {@link System#nanoTime()}. */
  public ScopeClassifier(Detector detector, DecisionModel model, Config config) {
    this(detector, model, config, System::nanoTime);
  }

  /** Creates a classifier whose budgets are measured by {@code ticker} (nanoseconds). */
  public ScopeClassifier(
      Detector detector, DecisionModel model, Config config, LongSupplier ticker) {
    this(detector, model, config, ticker, null);
  }

  /**
   * Creates a classifier with a cheap first stage: spans that name no rule's subject and that
   * {@code cascade} decides out of scope never reach {@code detector} (see {@link Cascade}); {@code
   * null} judges every span with the detector.
   */
  public ScopeClassifier(Detector detector, DecisionModel model, Config config, Cascade cascade) {
    this(detector, model, config, System::nanoTime, cascade);
  }

  /**
   * As {@link #ScopeClassifier(Detector, DecisionModel, Config, Cascade)}, timed by {@code ticker}.
   */
  public ScopeClassifier(
      Detector detector, DecisionModel model, Config config, LongSupplier ticker, Cascade cascade) {
    this.cascade = cascade;
    this.ticker = requireNonNull(ticker, "ticker");
    this.detector = requireNonNull(detector, "detector");
    this.model = new AtomicReference<>(requireNonNull(model, "model"));
    requireNonNull(config, "config");
    this.spansAhead = config.spansAhead();
    this.windowGate = config.windowGate();
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(config.cacheBytes())
            .<Key, Detection>weigher(ScopeClassifier::entryBytes)
            .build();
  }

  /**
   * Drops the cached detections of indexes built before {@code index} once it is first used: each
   * rule change builds a new index with a new id, the cache's keys carry it, and the entries of
   * superseded snapshots would otherwise stay until the byte bound evicted them, so the heap of a
   * gateway whose rules change often would grow to that bound. Runs off the calling thread. An
   * older index still judging a request in flight only misses the cache.
   */
  private void forgetSupersededIndexes(DetectorIndex index) {
    long id = index.id();
    long seen = newestIndexId.get();
    if (id > seen && newestIndexId.compareAndSet(seen, id) && seen != 0) {
      ForkJoinPool.commonPool()
          .execute(() -> cache.asMap().keySet().removeIf(k -> k.indexId() < id));
    }
  }

  /** The installed decision model. */
  public DecisionModel model() {
    return model.get();
  }

  /** Installs a new decision model (for example a {@link Calibrator} result); takes effect now. */
  public void install(DecisionModel next) {
    model.set(requireNonNull(next, "next"));
  }

  /** Classifies one text. */
  public Classification classify(DetectorIndex index, String text) {
    return classify(index, List.of(requireNonNull(text, "text")));
  }

  /**
   * Classifies a conversation given as text segments, each judged whole; the best candidate over
   * all segments wins. No budget applies.
   */
  public Classification classify(DetectorIndex index, List<String> segments) {
    requireNonNull(segments, "segments");
    List<ScanText> texts = new ArrayList<>(segments.size());
    for (String s : segments) {
      texts.add(ScanText.whole("text", s));
    }
    return classify(index, texts, Budget.UNLIMITED);
  }

  /**
   * Classifies the texts of a request: the best candidate over all judged segments wins (so adding
   * text can never lower the best score of a segment that is judged anyway).
   *
   * <p>Order: first every segment that is always judged ({@link Segment.Kind#WHOLE}, {@link
   * Segment.Kind#PIECES}, and each {@link Segment.Kind#WINDOW} of a long text that names a subject
   * or uses a topic term of the rules — see {@link #worthJudging} — and, under the window gate, has
   * a reason to be judged — see {@link #withReason}); then, unless that already put the request in
   * scope, the {@link Segment#gated() gated} sentence spans that a cheap first look selects: one
   * lexical lookup per text finds where any rule's subject is named, and spans that name a subject
   * or ask or order something are judged — those that do both first, then those using more of the
   * rules' topic terms, then later ones — at most {@link Budget#maxSpans()} per request. Once
   * {@link Budget#time()} is spent (checked after the first {@value #ALWAYS_JUDGED} segments),
   * judging stops and the classification is marked incomplete.
   */
  public Classification classify(DetectorIndex index, List<ScanText> texts, Budget budget) {
    requireNonNull(index, "index");
    requireNonNull(texts, "texts");
    requireNonNull(budget, "budget");
    forgetSupersededIndexes(index);
    DecisionModel m = model.get();
    long deadline = budget.time().isZero() ? Long.MAX_VALUE : ticker.getAsLong() + budget.nanos();
    State st = new State(m, texts);
    boolean complete = true;
    List<String> fresh = new ArrayList<>();
    int looked = 0;
    for (ScanText t : texts) {
      for (Segment s : t.segments()) {
        if (!s.gated()
            && st.worthJudging(index, t, s)
            && fresh.size() < PREFETCH
            && looked < PREFETCH_LOOKS
            && cache.getIfPresent(new Key(index.id(), index.version(), s.text())) == null) {
          // the cheap stage's look is bounded here too: past it, the budget bounds judging
          looked++;
          if (!st.cheaplyOut(index, t, s)) {
            fresh.add(s.text());
          }
        }
      }
    }
    // A long text's gated spans are embedded in the same parallel batch as its windows: most long
    // prompts are out of scope, so every planned span is judged anyway, and one batch keeps every
    // predictor busy where a window judged alone, then its spans one by one, used one core.
    List<Gated> early = null;
    if (spansAhead && windowed(texts)) {
      early = gatedSpans(index, texts, st);
      aheadOf(index, early, 0, Math.min(early.size(), budget.maxSpans()), PREFETCH, st, fresh);
    }
    detector.prefetch(fresh);
    outer:
    for (ScanText t : texts) {
      for (Segment s : t.segments()) {
        if (!s.gated() && st.worthJudging(index, t, s)) {
          if (st.detections.size() >= ALWAYS_JUDGED && past(deadline)) {
            complete = false;
            break outer;
          }
          st.judge(index, t, s);
        }
      }
    }
    if (complete && !(st.bestRule != null && st.best >= m.threshold())) {
      List<Gated> gated = early != null ? early : gatedSpans(index, texts, st);
      int n = Math.min(gated.size(), budget.maxSpans());
      for (int i = 0; i < n; i++) {
        if (st.detections.size() >= ALWAYS_JUDGED && past(deadline)) {
          complete = false;
          break;
        }
        if (spansAhead && i % AHEAD_CHUNK == 0) {
          // the next few spans embedded at once, in parallel; an early exit wastes at most these
          List<String> next = new ArrayList<>();
          aheadOf(index, gated, i, n, AHEAD_CHUNK, st, next);
          detector.prefetch(next);
        }
        st.judge(index, gated.get(i).text(), gated.get(i).segment());
        if (st.bestRule != null && st.best >= m.threshold()) {
          break;
        }
      }
    }
    return new Classification(
        st.bestRule != null && st.best >= m.threshold(),
        st.bestRule,
        st.best,
        index.version(),
        st.semantic,
        st.detections,
        st.source,
        complete);
  }

  /**
   * Whether the request holds a long text cut into windows (and no text over {@link #MAX_LOOKED_AT}
   * characters, whose spans around mentions are embedded as they are judged).
   */
  private static boolean windowed(List<ScanText> texts) {
    boolean windows = false;
    for (ScanText t : texts) {
      if (t.text().length() > MAX_LOOKED_AT) {
        return false;
      }
      for (Segment s : t.segments()) {
        if (s.kind() == Segment.Kind.WINDOW) {
          windows = true;
          break;
        }
      }
    }
    return windows;
  }

  /**
   * Adds to {@code out} the texts of {@code gated[from, to)} that the sentence model will be asked
   * for — neither embedded ahead already, nor cached, nor decided by the cascade's cheap stage — at
   * most {@code max} of them.
   */
  private void aheadOf(
      DetectorIndex index,
      List<Gated> gated,
      int from,
      int to,
      int max,
      State st,
      List<String> out) {
    int added = 0;
    for (int i = from; i < to && added < max; i++) {
      Gated g = gated.get(i);
      if (!st.ahead.containsKey(g.segment())
          && cache.getIfPresent(new Key(index.id(), index.version(), g.segment().text())) == null
          && !st.cheaplyOut(index, g.text(), g.segment())) {
        st.ahead.put(g.segment(), Boolean.TRUE);
        out.add(g.segment().text());
        added++;
      }
    }
  }

  /**
   * The gated spans of {@code texts} that a cheap first look selects, in the order they are judged
   * (see {@link #classify(DetectorIndex, List, Budget)}).
   */
  private List<Gated> gatedSpans(DetectorIndex index, List<ScanText> texts, State st) {
    List<Gated> gated = new ArrayList<>();
    for (ScanText t : texts) {
      if (t.text().length() > MAX_LOOKED_AT) {
        // a huge text has no sentence spans: the sentences that name a subject stand in for them
        List<SubjectMatcher.Span> named = mentionsOf(index, t, st);
        if (named != UNLOOKED) {
          for (Segment s : aroundMentions(t.text(), named)) {
            boolean asks = asks(s.text());
            gated.add(new Gated(t, s, 2 + (asks ? 1 : 0), topical(index, s), gated.size()));
          }
          // sentences around the rules' topic words that ask something, as for shorter texts
          for (Segment s :
              aroundMentions(t.text(), st.topicalSpans.get(t), ScopeClassifier::asks)) {
            if (!names(named, s)) {
              gated.add(new Gated(t, s, 1, topical(index, s), gated.size()));
            }
          }
        }
        continue;
      }
      if (t.segments().stream().noneMatch(Segment::gated)) {
        continue;
      }
      List<SubjectMatcher.Span> named = mentionsOf(index, t, st);
      List<Segment> selfNamed = st.gateOn(index) ? selfNamedQuestions(t) : List.of();
      for (Segment s : t.segments()) {
        if (!s.gated()) {
          continue;
        }
        boolean names = named == UNLOOKED || names(named, s);
        boolean asks = asks(s.text());
        if (asks && !names && aroundSelfNamed(t.text(), s, selfNamed)) {
          continue;
        }
        if (names || asks) {
          int topical = topical(index, s);
          gated.add(new Gated(t, s, (names ? 2 : 0) + (asks ? 1 : 0), topical, gated.size()));
        }
      }
    }
    // Those that name a subject and ask first; then by how many of the rules' topic terms they
    // use (fabricated many-shot questions about other things come last); then later first.
    gated.sort(
        java.util.Comparator.comparingInt(Gated::rank)
            .thenComparingInt(Gated::topical)
            .thenComparingInt(Gated::order)
            .reversed());
    return gated;
  }

  /**
   * Under the window gate (no rule's subject named anywhere in the request), the gated sentence
   * spans of {@code t} that ask about the one person they name ({@link
   * Coreference#namesOnlyItsOwn}: no pronoun or person noun), each judged in its own span: the
   * sentences around such a question cannot make it about anyone else, as for the gate's windows
   * ({@link #withReason}).
   */
  private static List<Segment> selfNamedQuestions(ScanText t) {
    List<Segment> out = new ArrayList<>();
    for (Segment s : t.segments()) {
      if (s.gated() && asks(s.text()) && Coreference.namesOnlyItsOwn(s.text())) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * Whether gated span {@code s} is a question of {@code selfNamed} with sentences around it that
   * ask nothing themselves: judging it would only add statements naming no rule's subject to a
   * question about someone else, which is judged alone.
   */
  private static boolean aroundSelfNamed(String text, Segment s, List<Segment> selfNamed) {
    for (Segment q : selfNamed) {
      if (q != s
          && q.start() >= s.start()
          && q.end() <= s.end()
          && q.end() - q.start() < s.end() - s.start()) {
        String rest =
            (text.substring(s.start(), q.start()) + " " + text.substring(q.end(), s.end())).strip();
        return !asks(rest);
      }
    }
    return false;
  }

  /**
   * The cheap first look at a segment that is always judged: whole texts and joined quoted pieces
   * are; a {@link Segment.Kind#WINDOW window} of a long text is only when it names a rule's subject
   * (fully or by a distinctive token) or uses at least one of the rules' topic terms. A window with
   * neither — unrelated filler, code, logs, a document about something else, an encoded payload —
   * cannot carry an in-scope question the sentence model would see; its sentences that ask
   * something are still judged as gated spans (texts up to {@link #MAX_LOOKED_AT} characters). This
   * keeps the sentence model off most of a long prompt that is not about any rule, while every
   * window a question sits in (it names the subject or uses its topic) is judged as before,
   * wherever padding puts the window boundaries. For a text longer than {@link #MAX_LOOKED_AT} the
   * subject lookup is bounded ({@link #HUGE_FUZZY}); past that bound every window of the text is
   * judged, so the time budget and the rules' fail modes bound it as before; and only topic terms
   * with a letter count, found once per text from the lookup's tokens ({@link #wordy}).
   */
  private boolean worthJudging(DetectorIndex index, ScanText t, Segment s, State st) {
    if (s.kind() != Segment.Kind.WINDOW) {
      return true;
    }
    List<SubjectMatcher.Span> named = mentionsOf(index, t, st);
    if (named == UNLOOKED || names(named, s)) {
      return true;
    }
    return t.text().length() > MAX_LOOKED_AT
        ? startsWithin(st.topicalSpans.get(t), s)
        : topical(index, s) > 0;
  }

  /**
   * Where a huge text uses a topic term of the rules that holds a letter, from the name tokens of
   * its subject lookup (one pass, rather than analysing each window again): numbers alone (a rule's
   * dates give it terms like {@code 08}) do not make a window of a huge text worth the model, or
   * every run of URL escapes ({@code %08}) of a hostile payload would be.
   */
  private static List<SubjectMatcher.Span> wordy(
      DetectorIndex index, List<TextAnalysis.Token> tokens) {
    List<SubjectMatcher.Span> out = new ArrayList<>();
    for (TextAnalysis.Token tok : tokens) {
      String term = TextAnalysis.termOf(tok.term());
      if (term != null && hasLetter(term) && index.vocabulary().contains(term)) {
        out.add(new SubjectMatcher.Span(tok.start(), tok.end()));
      }
    }
    return out;
  }

  /** Whether a span of {@code spans} (sorted by start) starts inside {@code s}. */
  private static boolean startsWithin(List<SubjectMatcher.Span> spans, Segment s) {
    int lo = 0;
    int hi = spans.size();
    while (lo < hi) { // the first span starting at or after s.start()
      int mid = (lo + hi) >>> 1;
      if (spans.get(mid).start() < s.start()) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo < spans.size() && spans.get(lo).start() < s.end();
  }

  private static boolean hasLetter(String term) {
    for (int i = 0; i < term.length(); i++) {
      if (Character.isLetter(term.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Texts longer than this have no sentence spans ({@code Segmenter}) and a bounded subject lookup
   * ({@link #HUGE_FUZZY}).
   */
  static final int MAX_LOOKED_AT = 32_768;

  /**
   * The most distinct tokens of a text longer than {@link #MAX_LOOKED_AT} whose fuzzy subject match
   * is computed (neither remembered from earlier texts nor ruled out by the subject index's cheap
   * bounds) before its first look gives up ({@link #UNLOOKED}). Hex, numbers, base64 and other
   * payload tokens are ruled out by the bounds and cost no fuzzy match; a huge text of many new
   * name-like words is what reaches this bound.
   */
  static final int HUGE_FUZZY = 16_384;

  /**
   * The mentions of a text whose bounded lookup gave up: where the subjects are named is unknown,
   * so every window is judged and none is decided by the cascade's cheap stage. Compared by
   * identity.
   */
  private static final List<SubjectMatcher.Span> UNLOOKED =
      java.util.Collections.unmodifiableList(new ArrayList<>());

  /**
   * The lookup of a huge text that gave up ({@link #UNLOOKED}): whether a subject is named in full
   * is unknown too, so it counts as named. Compared by identity.
   */
  private static final LexicalDetector.Mentions GAVE_UP =
      new LexicalDetector.Mentions(List.of(), true);

  /**
   * Where a rule's subject is named in {@code t}: one lexical lookup per text, remembered; {@link
   * #UNLOOKED} when the bounded lookup of a huge text gave up.
   */
  private List<SubjectMatcher.Span> mentionsOf(DetectorIndex index, ScanText t, State st) {
    LexicalDetector.Mentions m = lookup(index, t, st);
    return m == GAVE_UP ? UNLOOKED : m.spans();
  }

  /** Whether {@code t} names a rule's subject in full, or its bounded lookup gave up. */
  private boolean namesInFull(DetectorIndex index, ScanText t, State st) {
    return lookup(index, t, st).full();
  }

  /** The subject lookup of {@code t}, made once per request ({@link #GAVE_UP}: it gave up). */
  private LexicalDetector.Mentions lookup(DetectorIndex index, ScanText t, State st) {
    return st.mentions.computeIfAbsent(
        t,
        x -> {
          List<TextAnalysis.Token> tokens = st.tokensOf(x);
          if (x.text().length() <= MAX_LOOKED_AT) {
            return lexical.subjectMentions(index, tokens);
          }
          LexicalDetector.Mentions found = lexical.subjectMentions(index, tokens, HUGE_FUZZY);
          if (found == null) {
            return GAVE_UP;
          }
          st.topicalSpans.put(x, wordy(index, tokens));
          return found;
        });
  }

  /**
   * The sentences of a huge text that name a subject, as gated {@link Segment.Kind#SENTENCES}
   * segments: a question hidden in a megabyte of encoded noise would be diluted in its window, so
   * its own sentence is judged as a sentence span of a shorter text is. Each reaches back and
   * forward from a mention to the nearest sentence end ({@code . ? !} before white space, or a line
   * break), at most {@value #AROUND} characters either way; the same sentence is made once, and at
   * most {@value #MAX_AROUND} are made per text (the budget's span cap then picks the ones judged).
   */
  static List<Segment> aroundMentions(String text, List<SubjectMatcher.Span> named) {
    return aroundMentions(text, named, x -> true);
  }

  /**
   * As {@link #aroundMentions(String, List)}, keeping only sentences whose text passes {@code
   * keep}; spans that start inside the sentence made for an earlier span (sorted by start) are
   * skipped, so the cost stays linear in the text whatever the number of spans.
   */
  static List<Segment> aroundMentions(
      String text, List<SubjectMatcher.Span> named, java.util.function.Predicate<String> keep) {
    List<Segment> out = new ArrayList<>();
    java.util.Set<Long> seen = new java.util.HashSet<>();
    int n = text.length();
    int covered = -1;
    for (SubjectMatcher.Span m : named) {
      if (out.size() >= MAX_AROUND) {
        break;
      }
      if (m.start() < covered) {
        continue; // inside the sentence made for an earlier span
      }
      int start = m.start();
      int floor = Math.max(0, m.start() - AROUND);
      while (start > floor && !endsSentence(text, start - 1)) {
        start--;
      }
      int end = m.end();
      int ceiling = Math.min(n, m.end() + AROUND);
      while (end < ceiling && !endsSentence(text, end)) {
        end++;
      }
      if (end < n
          && endsSentence(text, end)
          && text.charAt(end) != '\n'
          && text.charAt(end) != '\r') {
        end++; // keep the sentence's own . ? !
      }
      while (start < end && Character.isWhitespace(text.charAt(start))) {
        start++;
      }
      while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
        end--;
      }
      covered = Math.max(covered, end);
      if (end > start && seen.add(((long) start << 32) | end)) {
        String sentence = text.substring(start, end);
        if (keep.test(sentence)) {
          out.add(new Segment(Segment.Kind.SENTENCES, start, end, sentence));
        }
      }
    }
    return out;
  }

  /** Whether the char at {@code i} ends a sentence: a line break, or . ? ! before white space. */
  private static boolean endsSentence(String text, int i) {
    char c = text.charAt(i);
    if (c == '\n' || c == '\r') {
      return true;
    }
    if (c == '.' || c == '?' || c == '!' || c == '\u3002' || c == '\uFF1F' || c == '\uFF01') {
      return i + 1 >= text.length() || Character.isWhitespace(text.charAt(i + 1));
    }
    return false;
  }

  /** How far a sentence around a mention of a huge text reaches either way. */
  static final int AROUND = 200;

  /** The most sentences around mentions made for one huge text. */
  static final int MAX_AROUND = 256;

  private static boolean names(List<SubjectMatcher.Span> named, Segment s) {
    for (SubjectMatcher.Span sp : named) {
      if (sp.start() < s.end() && sp.end() > s.start()) {
        return true;
      }
    }
    return false;
  }

  /** How many of the segment's terms are topic terms of some rule. */
  private static int topical(DetectorIndex index, Segment s) {
    int topical = 0;
    for (String term : TextAnalysis.terms(s.text())) {
      if (index.vocabulary().contains(term)) {
        topical++;
      }
    }
    return topical;
  }

  /**
   * The first segments of a request are judged whatever the budget says, so a slow moment (a cold
   * model, a busy machine) never turns an ordinary short prompt over to the fail modes; the budget
   * bounds what long and hostile prompts cost beyond them.
   */
  static final int ALWAYS_JUDGED = 4;

  private boolean past(long deadline) {
    return deadline != Long.MAX_VALUE && ticker.getAsLong() - deadline > 0;
  }

  /** At most this many segments are embedded ahead at once (keeps the budget checks frequent). */
  private static final int PREFETCH = 16;

  /**
   * Gated spans are embedded ahead in chunks of this many, so that the early exit of a request put
   * in scope by one of them wastes little.
   */
  static final int AHEAD_CHUNK = 8;

  /**
   * At most this many segments are looked at by the cascade's cheap stage while choosing what to
   * embed ahead: a huge text of thousands of windows the cheap stage dismisses would otherwise be
   * scored whole before the time budget is first checked.
   */
  private static final int PREFETCH_LOOKS = 4 * PREFETCH;

  private record Gated(ScanText text, Segment segment, int rank, int topical, int order) {}

  /** The running best over judged segments. */
  private final class State {
    final DecisionModel m;
    final List<Detection> detections = new ArrayList<>();
    final Map<Segment, Boolean> cheapOut = new IdentityHashMap<>();
    final Map<Segment, Boolean> worth = new IdentityHashMap<>();

    /** The gated spans embedded ahead for this request. */
    final Map<Segment, Boolean> ahead = new IdentityHashMap<>();

    final Map<ScanText, LexicalDetector.Mentions> mentions = new IdentityHashMap<>();

    /** Name tokens of the texts, made once per request (the subject lookup and the window gate). */
    final Map<ScanText, List<TextAnalysis.Token>> tokens = new IdentityHashMap<>();

    final Map<ScanText, List<SubjectMatcher.Span>> topicalSpans = new IdentityHashMap<>();
    String bestRule;
    double best;
    boolean semantic = true;
    Classification.Source source;

    /** The texts of the request being judged. */
    final List<ScanText> texts;

    /** Whether the window gate applies to this request ({@link #gateOn}), once known. */
    Boolean gate;

    /** The windows of the request's texts that have a reason to be judged, once known. */
    final Map<ScanText, java.util.Set<Segment>> reasoned = new IdentityHashMap<>();

    State(DecisionModel m, List<ScanText> texts) {
      this.m = m;
      this.texts = texts;
    }

    /**
     * Whether the window gate applies to this request: it is on, every rule names a subject, no
     * text is over {@link #MAX_LOOKED_AT} characters, and no text names any rule's subject in full
     * (in any form: exact, misspelled, disguised, decoded, or a reference {@link Coreference}
     * resolved to a name). Where a subject is named in full anywhere, every window may hold facts
     * about it or a reference to it, so all are judged as without the gate. A subject named only by
     * one word of its name keeps the gate on, with the windows around each such word kept ({@link
     * #withReason}): with many rules about people, one word of some subject's name (a given name, a
     * surname that is also a city) is in most prose about anyone.
     */
    boolean gateOn(DetectorIndex index) {
      if (gate == null) {
        boolean on = windowGate && index.everyRuleNamesASubject();
        for (int i = 0; on && i < texts.size(); i++) {
          on = texts.get(i).text().length() <= MAX_LOOKED_AT;
        }
        for (int i = 0; on && i < texts.size(); i++) {
          on = !namesInFull(index, texts.get(i), this);
        }
        gate = on;
      }
      return gate;
    }

    /**
     * The name tokens of {@code t} ({@link TextAnalysis#nameTokens}), made once per request for a
     * text the window gate may read ({@value #MAX_LOOKED_AT} characters or fewer); a huge text's
     * are not kept, since only its subject lookup reads them.
     */
    List<TextAnalysis.Token> tokensOf(ScanText t) {
      if (t.text().length() > MAX_LOOKED_AT) {
        return TextAnalysis.nameTokens(t.text());
      }
      return tokens.computeIfAbsent(t, x -> TextAnalysis.nameTokens(x.text()));
    }

    /** Whether window {@code s} of {@code t} has a reason to be judged ({@link #withReason}). */
    boolean hasReason(DetectorIndex index, ScanText t, Segment s) {
      return reasoned
          .computeIfAbsent(t, x -> withReason(index, x, tokensOf(x), mentionsOf(index, x, this)))
          .contains(s);
    }

    /**
     * Whether the cascade's cheap stage decides {@code s} out of scope: it names no rule's subject
     * (the lexical signal always goes to the model), it is neither from a decoded payload nor
     * joined payload pieces, and its cheap score is below the threshold. Remembered per segment for
     * this request.
     *
     * <p>A normalised form (Unicode folding, look-alikes, leetspeak, spaced letters) is as readable
     * as plain text, so the cheap stage judges it like plain text: a disguised subject name, once
     * folded, is found by the lexical check and goes to the model. Such forms are common in
     * everyday traffic ({@code ARM64}, {@code covid19}, curly quotes) and sending each to the model
     * would cost a transformer pass per ordinary prompt.
     */
    /** {@link ScopeClassifier#worthJudging}, remembered per segment for this request. */
    boolean worthJudging(DetectorIndex index, ScanText t, Segment s) {
      Boolean known = worth.get(s);
      if (known == null) {
        known = ScopeClassifier.this.worthJudging(index, t, s, this);
        if (known
            && s.kind() == Segment.Kind.WINDOW
            && !t.decoded()
            && gateOn(index)
            && !hasReason(index, t, s)) {
          known = false;
          windowsGated.increment();
        }
        worth.put(s, known);
      }
      return known;
    }

    boolean cheaplyOut(DetectorIndex index, ScanText t, Segment s) {
      if (cascade == null || t.decoded() || s.kind() == Segment.Kind.PIECES) {
        // Text decoded from a payload (base64, hex, ROT13, reversed…) and payload pieces joined
        // back are attack signals: they always go to the model.
        return false;
      }
      Boolean known = cheapOut.get(s);
      if (known == null) {
        List<SubjectMatcher.Span> named = mentionsOf(index, t, this);
        known =
            named != UNLOOKED && !names(named, s) && cascade.decidesOut(index.rules(), s.text());
        cheapOut.put(s, known);
      }
      return known;
    }

    void judge(DetectorIndex index, ScanText t, Segment s) {
      Detection d;
      Key key = new Key(index.id(), index.version(), s.text());
      Detection cached = cache.getIfPresent(key);
      if (cached != null) {
        spansCached.increment();
        d = cached;
      } else if (cheaplyOut(index, t, s)) {
        spansCheap.increment();
        d = CHEAPLY_OUT;
      } else {
        spansModel.increment();
        d = detector.detect(index, s.text());
        if (d.semantic()) {
          cache.put(key, d);
        }
      }
      detections.add(d);
      semantic &= d.semantic();
      for (Detection.Candidate c : d.candidates()) {
        double p = m.probability(c.features());
        if (bestRule == null || p > best) {
          best = p;
          bestRule = c.ruleId();
          source =
              new Classification.Source(
                  t.origin(), s.kind(), s.start(), s.end(), t.transforms(), s.text());
        }
      }
    }
  }

  private static final java.util.Set<String> ASKING =
      java.util.Set.of(
          "what",
          "which",
          "who",
          "whom",
          "whose",
          "when",
          "where",
          "why",
          "how",
          "is",
          "are",
          "was",
          "were",
          "does",
          "do",
          "did",
          "can",
          "could",
          "would",
          "will",
          "has",
          "have",
          "had",
          "tell",
          "describe",
          "explain",
          "list",
          "name",
          "give",
          "write",
          "share",
          "reveal",
          "provide",
          "summarize",
          "summarise",
          "state",
          "say",
          "answer",
          "detail",
          "identify",
          "discuss",
          "outline",
          "recount",
          "mention",
          "please");

  /**
   * Prepositions that open a question only with an interrogative after them ({@code In which year},
   * {@code For how long}) or an order after their phrase ({@code In detail, describe …}); {@code In
   * 1990, she wrote …} is a statement.
   */
  private static final java.util.Set<String> OPENING_PREPOSITIONS =
      java.util.Set.of("in", "on", "for", "from", "at", "by", "to", "with", "of", "after");

  private static final java.util.Set<String> INTERROGATIVES =
      java.util.Set.of("what", "which", "who", "whom", "whose", "when", "where", "why", "how");

  /**
   * Whether a sentence asks or orders something: it holds a question mark, or its first word is an
   * interrogative, an auxiliary that opens a question, or an imperative verb that asks for facts;
   * or it opens with a preposition followed by an interrogative ({@code In which year …}) or, after
   * the opening phrase's comma, by such a verb ({@code In detail, describe …}).
   */
  static boolean asks(String sentence) {
    if (sentence.indexOf('?') >= 0 || sentence.indexOf('\uFF1F') >= 0) {
      return true;
    }
    int[] word = nextWord(sentence, 0);
    if (word == null) {
      return false;
    }
    String first = sentence.substring(word[0], word[1]).toLowerCase(java.util.Locale.ROOT);
    if (OPENING_PREPOSITIONS.contains(first)) {
      int[] next = nextWord(sentence, word[1]);
      if (next != null
          && INTERROGATIVES.contains(
              sentence.substring(next[0], next[1]).toLowerCase(java.util.Locale.ROOT))) {
        return true;
      }
      // "In detail, describe …": the order after the opening phrase
      int comma = sentence.indexOf(',', word[1]);
      int[] after = comma < 0 ? null : nextWord(sentence, comma + 1);
      return after != null
          && ASKING.contains(
              sentence.substring(after[0], after[1]).toLowerCase(java.util.Locale.ROOT));
    }
    return ASKING.contains(first);
  }

  /**
   * The next run of letters (at most 16) from {@code from} on, as {@code [start, end)}, or null.
   */
  private static int[] nextWord(String s, int from) {
    int n = s.length();
    int i = from;
    while (i < n && !Character.isLetter(s.charAt(i))) {
      i++;
    }
    int j = i;
    while (j < n && Character.isLetter(s.charAt(j)) && j - i < 16) {
      j++;
    }
    return j > i ? new int[] {i, j} : null;
  }

  /**
   * The windows of {@code t} that have a reason to be judged under the window gate. A window of a
   * long text exists to give a question the context of the sentences around it ("There is a writer
   * born in Kuwait City in 1956. … What did she write?"); a window in which nothing asks and that
   * holds no rule's identifying term gives the sentence model nothing that the windows around the
   * asking sentence, the gated sentence spans and the joined quoted pieces do not already give. So
   * a window is kept when:
   *
   * <ul>
   *   <li>it <em>asks</em>: it holds the point where a sentence span of the text {@link #asks asks
   *       or orders something} (the predicate that selects gated sentence spans: its question mark,
   *       else its first word) about someone it does not name ({@link Coreference#namesOnlyItsOwn}:
   *       a question about the person it names is judged in its own span, and the sentences before
   *       it cannot make it about anyone else), or it holds a letter outside every sentence span (a
   *       sentence too long or too short for a span: nothing is known of it, so it is kept; a text
   *       without any sentence span keeps every window);
   *   <li>the window after it asks: the question's context reaches back a window, so the facts that
   *       say whom "that author" is ("There is a writer born in Kuwait City in 1956. …") are judged
   *       as before when they sit up to 900–1,900 characters before the question (windows of 1,000
   *       characters overlap by 100), and with it in the question's own window when they sit
   *       closer;
   *   <li>it uses one of the rules' {@link DetectorIndex#distinctiveTerms distinctive terms} (a
   *       place, a title, a year of a rule's examples; not the words of a subject's name, which the
   *       subject lookup judges: where it found no mention, such a word stands in someone else's
   *       name), so identifying facts far from the question are judged as without the gate;
   *   <li>it, the window before it or the window after it holds a partial mention of a subject
   *       ({@code named}: one word of a subject's name, which the subject lookup counts as naming
   *       it — the gate is off for a request naming a subject in full): the sentences around the
   *       word are judged as without the gate, so a surname alone and the facts or references
   *       beside it reach the model, while declarative prose far from it, which a one-word match
   *       does not make about the subject (a city that is also a surname, another person sharing a
   *       given name), does not.
   * </ul>
   */
  static java.util.Set<Segment> withReason(
      DetectorIndex index,
      ScanText t,
      List<TextAnalysis.Token> nameTokens,
      List<SubjectMatcher.Span> named) {
    List<Segment> windows = new ArrayList<>();
    java.util.BitSet covered = new java.util.BitSet(t.text().length());
    // where each asking sentence asks, with the shortest span that holds that point (the sentence
    // itself rather than its pairs with the sentences around it)
    java.util.Map<Integer, Segment> askedAt = new java.util.HashMap<>();
    for (Segment s : t.segments()) {
      if (s.kind() == Segment.Kind.WINDOW) {
        windows.add(s);
      } else if (s.kind() == Segment.Kind.SENTENCES) {
        covered.set(s.start(), s.end());
        if (asks(s.text())) {
          for (int point : askingPoints(t.text(), s)) {
            askedAt.merge(point, s, (a, b) -> b.end() - b.start() < a.end() - a.start() ? b : a);
          }
        }
      }
    }
    java.util.BitSet asking = new java.util.BitSet(t.text().length());
    askedAt.forEach(
        (point, s) -> {
          if (!Coreference.namesOnlyItsOwn(s.text())) {
            asking.set(point);
          }
        });
    java.util.Set<Segment> out = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    if (covered.isEmpty()) {
      out.addAll(windows); // a text without sentence spans: nothing is known of its windows
      return out;
    }
    int n = windows.size();
    boolean[] asks = new boolean[n];
    for (int i = 0; i < n; i++) {
      Segment w = windows.get(i);
      int point = asking.nextSetBit(w.start());
      asks[i] = point >= 0 && point < w.end();
      if (!asks[i]) {
        asks[i] = uncoveredLetter(t.text(), covered, w);
      }
    }
    java.util.Set<String> distinctive = index.distinctiveTerms();
    List<SubjectMatcher.Span> uses = new ArrayList<>();
    for (TextAnalysis.Token tok : nameTokens) {
      if (distinctive.contains(tok.term())) {
        uses.add(new SubjectMatcher.Span(tok.start(), tok.end()));
      }
    }
    boolean[] mentioned = new boolean[n];
    for (int i = 0; i < n && !named.isEmpty(); i++) {
      mentioned[i] = names(named, windows.get(i));
    }
    for (int i = 0; i < n; i++) {
      // the window itself or the next one asks: the question, and the context before it
      boolean keep =
          asks[i]
              || (i + 1 < n && asks[i + 1])
              || startsWithin(uses, windows.get(i))
              || mentioned[i]
              || (i > 0 && mentioned[i - 1])
              || (i + 1 < n && mentioned[i + 1]);
      if (keep) {
        out.add(windows.get(i));
      }
    }
    return out;
  }

  /**
   * Where asking span {@code s} asks: each question mark in it, else the start of its first word. A
   * span of two sentences asks where its asking sentence does, so the window after a question is
   * not taken for an asking one because the question's pair with the next sentence reaches into it.
   */
  private static List<Integer> askingPoints(String text, Segment s) {
    List<Integer> points = new ArrayList<>(1);
    for (int i = s.start(); i < s.end(); i++) {
      char c = text.charAt(i);
      if (c == '?' || c == '\uFF1F') {
        points.add(i);
      }
    }
    if (points.isEmpty()) {
      int[] w = nextWord(text.substring(s.start(), s.end()), 0);
      points.add(s.start() + (w == null ? 0 : w[0]));
    }
    return points;
  }

  /** Whether a letter of window {@code w} lies outside every sentence span ({@code covered}). */
  private static boolean uncoveredLetter(String text, java.util.BitSet covered, Segment w) {
    for (int i = covered.nextClearBit(w.start()); i < w.end(); i = covered.nextClearBit(i + 1)) {
      if (Character.isLetter(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Windows of long texts that the window gate kept from the sentence model since creation: ones
   * the cheap first look would have judged (they use the rules' topic terms) but that have no
   * reason to be judged ({@link Config#windowGate()}).
   */
  public long windowsGated() {
    return windowsGated.sum();
  }

  /** What a span the cheap stage decided out of scope contributes: no candidate. */
  private static final Detection CHEAPLY_OUT = new Detection(List.of(), true);

  /**
   * Whether {@code d}, one of a {@link Classification#detections()}, is the cascade's cheap stage
   * deciding its span out of scope without the sentence model (so it has no candidates, by design).
   */
  public static boolean decidedCheaply(Detection d) {
    return d == CHEAPLY_OUT;
  }

  /** Spans decided out of scope by the cascade's cheap stage, since creation. */
  public long spansDecidedCheaply() {
    return spansCheap.sum();
  }

  /** Spans judged by the detector (the sentence model), since creation. */
  public long spansSentToModel() {
    return spansModel.sum();
  }

  /** Spans answered from the detection cache, since creation. */
  public long spansFromCache() {
    return spansCached.sum();
  }

  /** The cascade's cheap stage, or null when every span goes to the detector. */
  public Cascade cascade() {
    return cascade;
  }

  /**
   * The estimated heap one cached detection holds: the segment's text (two bytes a character at
   * most) and each candidate's rule id, features and subject spans, with the objects around them.
   */
  static int entryBytes(Key key, Detection d) {
    long bytes = 160L + 2L * key.text().length();
    for (Detection.Candidate c : d.candidates()) {
      bytes += 96L + 2L * c.ruleId().length() + 8L * c.features().length;
      bytes += 32L * c.subjectSpans().size();
    }
    return (int) Math.min(Integer.MAX_VALUE, bytes);
  }

  /** The estimated heap the cached detections hold, in bytes (after pending evictions). */
  public long cachedBytes() {
    cache.cleanUp();
    return cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
  }

  /** Number of cached detections made by {@code index}'s snapshot (for tests). */
  long cachedDetections(DetectorIndex index) {
    return cache.asMap().keySet().stream().filter(k -> k.indexId() == index.id()).count();
  }

  /** Number of cached detections (approximate). */
  public long cachedDetections() {
    return cache.estimatedSize();
  }
}

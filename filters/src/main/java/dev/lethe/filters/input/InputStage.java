package dev.lethe.filters.input;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.OnError;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.AttributeKey;
import dev.lethe.filters.Decision;
import dev.lethe.filters.Exchange;
import dev.lethe.filters.LatencyBuckets;
import dev.lethe.filters.Stage;
import dev.lethe.filters.Verdict;
import dev.lethe.filters.detect.Classification;
import dev.lethe.filters.detect.Detection;
import dev.lethe.filters.detect.DetectorIndex;
import dev.lethe.filters.detect.ScanText;
import dev.lethe.filters.detect.ScopeClassifier;
import dev.lethe.filters.detect.SubjectMatcher;
import dev.lethe.filters.detect.SubjectMatcher.Span;
import dev.lethe.filters.detect.TextAnalysis;
import dev.lethe.filters.text.Canonical;
import dev.lethe.filters.text.Canonicalizer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input stage (DESIGN.md §2): scans the whole conversation, asks the forget-scope classifier
 * about it under the exchange's rule-set snapshot, and carries out the winning rule's action.
 *
 * <ul>
 *   <li>{@code refuse}: answers with the rule's refusal text (or the default), no backend call;
 *   <li>{@code redact}: forwards a copy of the request with the rule's subject spans masked in
 *       every scanned text; when the prompt is in scope without naming the subject there is nothing
 *       to mask, so it refuses (fail closed);
 *   <li>{@code icul}: forwards what the {@link IculComposer} composes, or refuses when it composes
 *       nothing (the default composer);
 *   <li>out of scope: proceeds unchanged.
 * </ul>
 *
 * <p>Fail modes: when the embedding stage fails, the lexical evidence still decides rules whose
 * subject is named; otherwise, if any rule with examples has {@code onError: closed}, the request
 * is refused under that rule, else it passes. When the detector fails altogether the same rule
 * applies with no lexical evidence. Every fallback is counted in {@code
 * lethe.detector.fallbacks{reason, outcome}}. Decisions are counted in {@code
 * lethe.input.decisions{decision, rule}}; detection time in {@code lethe.detector.latency}. Logs
 * carry rule ids, never prompt text.
 *
 * <p>Cost bound: a request whose scanned texts hold more than {@link ScanConfig#maxScanChars()}
 * characters is refused with {@link ScanTooLarge} (through the pipeline, as the cause of a {@link
 * dev.lethe.filters.StageException}) before anything is expanded or judged; below the limit the
 * screening deadline ({@link ScopeClassifier.Budget}) bounds the judging, then the fail modes
 * apply.
 *
 * <p>Blocking: runs the sentence model and Lucene searches; call it on a worker thread.
 */
public final class InputStage implements Stage {
  /** The classification of the request, for later stages and the decision record. */
  public static final AttributeKey<Classification> CLASSIFICATION =
      AttributeKey.of("lethe.input.classification", Classification.class);

  private static final Logger LOG = LoggerFactory.getLogger(InputStage.class);

  private final ScopeClassifier classifier;
  private final DetectorIndexProvider indexes;
  private final IculComposer icul;
  private final Config config;
  private final ConversationScanner scanner;
  private final MeterRegistry registry;
  private final Timer latency;
  private final JudgementMemo memo;

  /** Whether this is {@link ScreeningWarmup}'s stage (budget overruns logged at debug level). */
  private final boolean warmUp;

  /** The memo lookup made for an exchange, so that deciding where to run and running share it. */
  private static final AttributeKey<MemoLookup> MEMO_LOOKUP =
      AttributeKey.of("lethe.input.memoLookup", MemoLookup.class);

  /**
   * Stage settings.
   *
   * @param scan what to scan
   * @param defaultRefusal the refusal text for rules without one; not blank
   * @param mask what replaces a redacted subject span; not empty
   */
  public record Config(ScanConfig scan, String defaultRefusal, String mask) {
    /** Validates the fields. */
    public Config {
      requireNonNull(scan, "scan");
      requireNonNull(defaultRefusal, "defaultRefusal");
      requireNonNull(mask, "mask");
      if (defaultRefusal.isBlank()) {
        throw new IllegalArgumentException("defaultRefusal: \"\" (expected: a non-blank text)");
      }
      if (mask.isEmpty()) {
        throw new IllegalArgumentException("mask: \"\" (expected: a non-empty text)");
      }
    }

    /** Default scan, a neutral refusal, {@code [redacted]}. */
    public static Config defaults() {
      return new Config(
          ScanConfig.defaults(), "I'm sorry, but I can't help with that request.", "[redacted]");
    }
  }

  /**
   * Creates the stage.
   *
   * @param classifier the forget-scope classifier
   * @param indexes supplies each snapshot's detector index
   * @param icul composes in-context unlearning requests ({@link IculComposer#refusing()} until the
   *     module lands)
   * @param config settings
   * @param registry where metrics go
   */
  public InputStage(
      ScopeClassifier classifier,
      DetectorIndexProvider indexes,
      IculComposer icul,
      Config config,
      MeterRegistry registry) {
    this(classifier, indexes, icul, config, registry, JudgementMemo.DEFAULT_BYTES);
  }

  /**
   * As {@link #InputStage(ScopeClassifier, DetectorIndexProvider, IculComposer, Config,
   * MeterRegistry)}, remembering whole-request judgements in at most {@code memoBytes} of estimated
   * heap (0: none).
   */
  public InputStage(
      ScopeClassifier classifier,
      DetectorIndexProvider indexes,
      IculComposer icul,
      Config config,
      MeterRegistry registry,
      long memoBytes) {
    this(classifier, indexes, icul, config, registry, memoBytes, false);
  }

  /**
   * As {@link #InputStage(ScopeClassifier, DetectorIndexProvider, IculComposer, Config,
   * MeterRegistry, long)}; a {@code warmUp} stage ({@link ScreeningWarmup}'s) logs a request that
   * spent the screening budget at debug level, not as a warning: its synthetic requests may overrun
   * the budget on a busy start, and their answers are discarded.
   */
  InputStage(
      ScopeClassifier classifier,
      DetectorIndexProvider indexes,
      IculComposer icul,
      Config config,
      MeterRegistry registry,
      long memoBytes,
      boolean warmUp) {
    this.warmUp = warmUp;
    this.memo = new JudgementMemo(memoBytes);
    this.classifier = requireNonNull(classifier, "classifier");
    this.indexes = requireNonNull(indexes, "indexes");
    this.icul = requireNonNull(icul, "icul");
    this.config = requireNonNull(config, "config");
    this.registry = requireNonNull(registry, "registry");
    this.scanner = new ConversationScanner(config.scan());
    this.latency =
        Timer.builder("lethe.detector.latency")
            .description("Forget-scope detection time per request")
            .serviceLevelObjectives(LatencyBuckets.bounds())
            .register(registry);
    spans("cheap", ScopeClassifier::spansDecidedCheaply);
    spans("model", ScopeClassifier::spansSentToModel);
    spans("cache", ScopeClassifier::spansFromCache);
    spans("gated", ScopeClassifier::windowsGated);
    memoCounter("hit", JudgementMemo::hits);
    memoCounter("miss", JudgementMemo::misses);
  }

  /**
   * {@code lethe_input_memo_total{result}}: requests with rules and texts to judge whose judgement
   * came from the memo of whole-request judgements ({@code hit}) or was made in full ({@code
   * miss}).
   */
  private void memoCounter(String result, java.util.function.ToLongFunction<JudgementMemo> count) {
    io.micrometer.core.instrument.FunctionCounter.builder(
            "lethe.input.memo", memo, m -> count.applyAsLong(m))
        .description("Whole-request input judgements answered from the memo or made in full")
        .tag("result", result)
        .register(registry);
  }

  /**
   * {@code lethe_detector_cascade_spans_total{stage}}: spans decided out of scope by the cascade's
   * cheap stage, judged by the sentence model, or answered from the detection cache, and windows of
   * long texts kept from the model by the window gate ({@code gated}).
   */
  private void spans(String stage, java.util.function.ToLongFunction<ScopeClassifier> count) {
    io.micrometer.core.instrument.FunctionCounter.builder(
            "lethe.detector.cascade.spans", classifier, c -> count.applyAsLong(c))
        .description("Text spans judged, by the detector cascade's stage that decided them")
        .tag("stage", stage)
        .register(registry);
  }

  @Override
  public String name() {
    return "forget-scope";
  }

  /** The settings (the startup warm-up judges with the same, {@link ScreeningWarmup}). */
  public Config config() {
    return config;
  }

  /** The scanner (for the admin classify route, which judges {@code messages} the same way). */
  public ConversationScanner scanner() {
    return scanner;
  }

  /**
   * How a request is judged, without acting on it: the classification and, when a rule applies, the
   * rule and whether it applies by a fail mode. The chat path and {@code POST /admin/classify} both
   * judge through here, so the playground judges exactly as enforcement does.
   *
   * @param classification the classifier's answer, or null when no text was scanned or the detector
   *     failed
   * @param rule the rule whose action applies, or null when the request passes
   * @param fallback why a fail mode decided ({@code embedding}, {@code detector}, {@code budget}),
   *     or null when the classifier did
   * @param outcome for a fallback: {@code lexical} (a named subject decided), {@code closed} (a
   *     rule with {@code onError: closed} refused) or {@code open} (passed); else null
   */
  public record Judgement(
      Classification classification, ForgetRule rule, String fallback, String outcome) {

    /** The input decision this judgement leads to (before a redaction or ICUL falls back). */
    public Decision decision() {
      if (rule == null) {
        return Decision.PASS;
      }
      if ("closed".equals(outcome)) {
        return Decision.REFUSE;
      }
      return switch (rule.action()) {
        case REDACT -> Decision.REDACT;
        case ICUL -> Decision.ICUL;
        default -> Decision.REFUSE;
      };
    }
  }

  /**
   * Judges {@code request} under {@code rules} (blocking: runs the sentence model; call it on a
   * worker thread). Counts nothing.
   *
   * @throws ScanTooLarge when the request holds more text to scan than {@link
   *     ScanConfig#maxScanChars()} (whatever the rules, so the limit a client sees does not depend
   *     on them); nothing was judged
   */
  public Judgement judge(RuleSet rules, ObjectNode request, String requestId) {
    scanner.requireWithinLimit(request);
    if (rules.size() == 0) {
      return new Judgement(null, null, null, null);
    }
    List<ScanText> texts = scanner.scan(request);
    if (texts.isEmpty()) {
      return new Judgement(null, null, null, null);
    }
    Classification c;
    long start = System.nanoTime();
    try {
      DetectorIndex index = indexes.indexFor(rules);
      c = classifier.classify(index, texts, config.scan().budget());
    } catch (RuntimeException e) {
      LOG.warn(
          "request {}: detector failed ({}), applying rule fail modes",
          requestId,
          e.getClass().getSimpleName());
      return failMode(null, rules, "detector");
    } finally {
      latency.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
    if (!c.semantic()) {
      Optional<String> named = lexicalHit(c);
      if (named.isPresent()) {
        return new Judgement(c, rules.rule(named.get()).orElseThrow(), "embedding", "lexical");
      }
      return failMode(c, rules, "embedding");
    }
    if (c.inScope()) {
      Optional<ForgetRule> rule = rules.rule(c.ruleId());
      if (rule.isPresent()) {
        return new Judgement(c, rule.get(), null, null);
      }
    }
    if (!c.complete()) {
      if (warmUp) {
        LOG.debug("request {}: screening budget spent (warm-up, answer discarded)", requestId);
      } else {
        LOG.warn("request {}: screening budget spent, applying rule fail modes", requestId);
      }
      return failMode(c, rules, "budget");
    }
    return new Judgement(c, null, null, null);
  }

  /**
   * With no rules in the exchange's snapshot the judgement only checks the scan limit (a walk over
   * the request's texts, bounded by its size) and passes: no sentence model, no detector index.
   * With rules, when the memo holds this conversation's judgement under the exchange's snapshot and
   * the installed model, and that judgement passes the request or refuses it: the key is a hash
   * over the request's messages (computed there only for bodies of at most {@value
   * #MEMO_INLINE_MAX_BODY_BYTES} bytes), the action a constant verdict. (A remembered redaction or
   * in-context unlearning still runs on a worker: it rewrites the request or composes.)
   */
  @Override
  public boolean decidesWithoutBlocking(Exchange exchange) {
    if (exchange.rules().size() == 0) {
      return true;
    }
    if (exchange.originalBody().length > MEMO_INLINE_MAX_BODY_BYTES) {
      return false; // hashing a larger conversation is left to the worker, with the judgement
    }
    Judgement hit = memoLookup(exchange).hit();
    return hit != null && (hit.rule() == null || hit.decision() == Decision.REFUSE);
  }

  /**
   * The largest request body whose memo key is computed where {@link #decidesWithoutBlocking} is
   * asked (an event loop): 4 KiB, at most some 10 µs of hashing; a larger request is looked up on
   * the worker that judges it.
   */
  static final int MEMO_INLINE_MAX_BODY_BYTES = 4 * 1024;

  /** What the memo holds for the exchange's current request (looked up once per request). */
  private record MemoLookup(
      ObjectNode request,
      RuleSet rules,
      dev.lethe.filters.detect.DecisionModel model,
      JudgementMemo.Key key,
      Judgement hit) {}

  private MemoLookup memoLookup(Exchange exchange) {
    ObjectNode request = exchange.request();
    RuleSet rules = exchange.rules();
    dev.lethe.filters.detect.DecisionModel model = classifier.model();
    MemoLookup l = exchange.get(MEMO_LOOKUP).orElse(null);
    if (l != null && l.request() == request && l.rules() == rules && l.model() == model) {
      return l;
    }
    JudgementMemo.Key key = memo.enabled() && rules.size() > 0 ? JudgementMemo.key(request) : null;
    l =
        new MemoLookup(
            request, rules, model, key, key == null ? null : memo.get(key, rules, model));
    exchange.set(MEMO_LOOKUP, l);
    return l;
  }

  /**
   * The exchange's judgement: from the memo when it holds one for this conversation, snapshot and
   * model, else judged in full (and remembered when {@linkplain JudgementMemo#memoisable it may
   * be}).
   */
  private Judgement judgement(Exchange exchange) {
    if (exchange.rules().size() == 0 || !memo.enabled()) {
      return judge(exchange.rules(), exchange.request(), exchange.requestId());
    }
    MemoLookup l = memoLookup(exchange);
    if (l.key() == null) {
      return judge(exchange.rules(), exchange.request(), exchange.requestId());
    }
    memo.count(l.hit() != null);
    if (l.hit() != null) {
      return l.hit();
    }
    Judgement j = judge(l.rules(), l.request(), exchange.requestId());
    if (classifier.model() == l.model()) {
      // judged under that model (it was installed before and after the judgement)
      memo.put(l.key(), l.rules(), l.model(), j);
    }
    return j;
  }

  @Override
  public Verdict onRequest(Exchange exchange) {
    Judgement j = judgement(exchange);
    if (j.classification() != null) {
      exchange.set(CLASSIFICATION, j.classification());
    }
    if (j.fallback() != null) {
      fallback(j.fallback(), j.outcome());
    }
    if (j.rule() == null) {
      if ("open".equals(j.outcome())) {
        LOG.warn(
            "request {}: failing open ({}), no closed rule applies",
            exchange.requestId(),
            j.fallback());
      }
      return count(Verdict.proceed(), Decision.PASS, null);
    }
    ForgetRule r = j.rule();
    if ("closed".equals(j.outcome())) {
      return count(Verdict.respond(Decision.REFUSE, r.id(), refusal(r)), Decision.REFUSE, r.id());
    }
    return act(exchange, r, j.classification());
  }

  /** The rule whose full subject is named, preferring the highest-scored candidate. */
  private Optional<String> lexicalHit(Classification c) {
    return c.detections().stream()
        .flatMap(d -> d.candidates().stream())
        .filter(Detection.Candidate::subjectHit)
        .max(Comparator.comparingDouble(x -> classifier.model().probability(x.features())))
        .map(Detection.Candidate::ruleId);
  }

  private Judgement failMode(Classification c, RuleSet rules, String reason) {
    for (ForgetRule r : rules.rules()) {
      if (r.onError() == OnError.CLOSED
          && (!r.examples().isEmpty() || !reason.equals("embedding"))) {
        return new Judgement(c, r, reason, "closed");
      }
    }
    return new Judgement(c, null, reason, "open");
  }

  private Verdict act(Exchange exchange, ForgetRule rule, Classification c) {
    Action action = rule.action();
    if (action == Action.REDACT) {
      ObjectNode redacted = redact(exchange.request(), rule);
      if (redacted != null) {
        return count(
            Verdict.rewrite(redacted, Decision.REDACT, rule.id()), Decision.REDACT, rule.id());
      }
    } else if (action == Action.ICUL) {
      Optional<ObjectNode> composed = icul.compose(exchange, rule, c);
      if (composed.isPresent()) {
        return count(
            Verdict.rewrite(composed.get(), Decision.ICUL, rule.id()), Decision.ICUL, rule.id());
      }
    }
    return count(
        Verdict.respond(Decision.REFUSE, rule.id(), refusal(rule)), Decision.REFUSE, rule.id());
  }

  /** The request with every subject span of {@code rule} masked, or null when none occurs. */
  ObjectNode redact(ObjectNode request, ForgetRule rule) {
    List<String> subjects = rule.subjects();
    int[] masked = {0};
    ObjectNode out =
        scanner.rewrite(
            request,
            text -> {
              // Found in the canonical form (look-alikes, leetspeak, spaced letters folded) and
              // masked in the original through the canonical form's map back.
              Canonical canonical = Canonicalizer.canonicalize(text);
              List<TextAnalysis.Token> tokens = TextAnalysis.nameTokens(canonical.text());
              List<Span> spans = new ArrayList<>();
              for (String s : subjects) {
                for (Span sp : SubjectMatcher.find(tokens, s)) {
                  spans.add(
                      new Span(
                          canonical.originalStart(sp.start()), canonical.originalEnd(sp.end())));
                }
              }
              if (spans.isEmpty()) {
                return text;
              }
              spans.sort(Comparator.comparingInt(Span::start));
              StringBuilder sb = new StringBuilder();
              int at = 0;
              for (Span s : spans) {
                if (s.start() < at) {
                  continue;
                }
                sb.append(text, at, s.start()).append(config.mask());
                at = s.end();
                masked[0]++;
              }
              return sb.append(text.substring(at)).toString();
            });
    return masked[0] == 0 ? null : out;
  }

  private String refusal(ForgetRule rule) {
    return rule.refusal() == null || rule.refusal().isBlank()
        ? config.defaultRefusal()
        : rule.refusal();
  }

  private void fallback(String reason, String outcome) {
    Counter.builder("lethe.detector.fallbacks")
        .description("Requests judged without part of the detector")
        .tag("reason", reason)
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  private Verdict count(Verdict v, Decision decision, String ruleId) {
    Counter.builder("lethe.input.decisions")
        .description("Input decisions by decision and rule")
        .tag("decision", decision.wireName())
        .tag("rule", ruleId == null ? "none" : ruleId)
        .register(registry)
        .increment();
    if (ruleId != null) {
      LOG.debug("input decision {} by rule {}", decision.wireName(), ruleId);
    }
    return v;
  }
}

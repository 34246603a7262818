package dev.lethe.icul;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.PerSnapshot;
import dev.lethe.config.rules.RuleChange;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.config.rules.RuleSetListener;
import dev.lethe.filters.detect.Embedder;
import dev.lethe.icul.Demonstration.Kind;
import dev.lethe.icul.pool.QaPool;
import dev.lethe.icul.pool.RefusalPool;
import dev.lethe.icul.pool.Texts;
import dev.lethe.icul.pool.WrongAnswerPool;
import dev.lethe.icul.select.Scored;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Composes in-context unlearning contexts (ICUL, Pawelczyk et al., ICML 2024, arXiv 2310.07579): a
 * guardrail prefix naming the forget scope (Thaker et al., 2024), K in-scope questions with flipped
 * answers, L out-of-scope questions with their correct answers, then the conversation.
 *
 * <p>Per {@link RuleSet} snapshot it keeps an index in a {@link PerSnapshot} (built on first use,
 * or ahead of publication when registered as a {@link RuleSetListener} on the rule book): each
 * rule's examples embedded, and the retain-pool entries in the scope of <em>any</em> rule, which
 * are never shown. Rule entries are shared between snapshots holding equal rules, so a rule write
 * re-derives only the rules it changed.
 *
 * <p>Never the true forget answer: forget demonstrations show a refusal line or a wrong answer (one
 * known to be true is refused), and retain demonstrations come only from pool entries outside every
 * rule's scope.
 *
 * <p>Thread-safe. {@link #compose} blocks only when it must build a snapshot's index (embedding):
 * call it on a worker thread.
 */
public final class IculComposer implements RuleSetListener {
  private static final int SNAPSHOTS_KEPT = 3;

  private final IculConfig config;
  private final Embedder embedder;
  private final RetainIndex retain;
  private final RefusalPool refusals;
  private final WrongAnswerPool wrongAnswers;
  private final TokenEstimator tokens;
  private final IculMetrics metrics;
  private final ConcurrentHashMap<ForgetRule, RuleEntry> ruleCache = new ConcurrentHashMap<>();
  private final PerSnapshot<SnapshotIndex> snapshots =
      new PerSnapshot<>(this::build, SNAPSHOTS_KEPT);

  /**
   * Creates a composer; embeds the retain pool (and clusters it in ERASE mode) now.
   *
   * @param config the composition settings
   * @param embedder the sentence embedder (the detector's, so query vectors can be shared)
   * @param retainPool out-of-scope questions with correct answers
   * @param refusals refusal lines for flipped answers
   * @param wrongAnswers plausible wrong answers for flipped answers
   * @param tokens the token estimator of the backend
   * @param registry where the metrics go
   */
  public IculComposer(
      IculConfig config,
      Embedder embedder,
      QaPool retainPool,
      RefusalPool refusals,
      WrongAnswerPool wrongAnswers,
      TokenEstimator tokens,
      MeterRegistry registry) {
    this.config = requireNonNull(config, "config");
    this.embedder = requireNonNull(embedder, "embedder");
    this.refusals = requireNonNull(refusals, "refusals");
    this.wrongAnswers = requireNonNull(wrongAnswers, "wrongAnswers");
    this.tokens = requireNonNull(tokens, "tokens");
    this.metrics = new IculMetrics(requireNonNull(registry, "registry"));
    this.retain = new RetainIndex(requireNonNull(retainPool, "retainPool"), embedder, config);
  }

  /** The settings. */
  public IculConfig config() {
    return config;
  }

  @Override
  public void prepare(RuleSet previous, RuleSet next, RuleChange change) {
    index(next);
  }

  @Override
  public void published(RuleSet current) {
    index(current);
  }

  /** Builds (or finds) the index of {@code rules}; returns quickly when already built. */
  public void warm(RuleSet rules) {
    index(requireNonNull(rules, "rules"));
  }

  /**
   * Composes the context for a request in {@code rule}'s scope, embedding the query.
   *
   * @see #compose(ObjectNode, ForgetRule, RuleSet, float[])
   */
  public Composition compose(ObjectNode request, ForgetRule rule, RuleSet rules) {
    return compose(request, rule, rules, null);
  }

  /**
   * Composes the context for a request in {@code rule}'s scope.
   *
   * @param request the OpenAI chat (or legacy completion) body; not modified
   * @param rule the matched rule
   * @param rules the snapshot the request is judged by (every rule of it bounds the retain pool)
   * @param queryVector the query's unit vector when the detector already has it, else {@code null}
   *     (the last user message, or the {@code prompt}, is embedded)
   * @return the rewritten body and what went into it
   * @throws IculException when there is no query text to embed, or when the guardrail alone does
   *     not fit the budget
   */
  public Composition compose(
      ObjectNode request, ForgetRule rule, RuleSet rules, float[] queryVector) {
    requireNonNull(request, "request");
    requireNonNull(rule, "rule");
    requireNonNull(rules, "rules");
    SnapshotIndex idx = index(rules);
    RuleEntry entry = idx.entries.get(rule.id());
    if (entry == null || !entry.rule.equals(rule)) {
      entry = entryFor(rule);
    }
    BitSet excluded = idx.excluded;
    if (!idx.entries.containsKey(rule.id()) || idx.entries.get(rule.id()) != entry) {
      excluded = (BitSet) excluded.clone();
      excluded.or(entry.excluded);
    }
    float[] q = queryVector;
    if (q == null) {
      String text = queryText(request);
      if (text.isBlank()) {
        throw new IculException("request: no user message or prompt to select demonstrations for");
      }
      q = embedder.embed(text);
    } else if (q.length != embedder.dimension()) {
      throw new IllegalArgumentException(
          "queryVector.length: " + q.length + " (expected: " + embedder.dimension() + ")");
    }

    List<Demonstration> forget = new ArrayList<>();
    for (Scored s : entry.selector.select(q, config.forgetDemos(), null)) {
      String question = rule.examples().get(s.index());
      forget.add(
          new Demonstration(
              Kind.FORGET, question, flip(rule, question), s.similarity(), s.index()));
    }
    List<Demonstration> kept = new ArrayList<>();
    for (Scored s : retain.selector.select(q, config.retainDemos(), excluded)) {
      var p = retain.pairs.get(s.index());
      kept.add(new Demonstration(Kind.RETAIN, p.question(), p.answer(), s.similarity(), s.index()));
    }

    String guardrail = guardrail(rule);
    int budget = config.budget().maxTokens();
    int used = guardrailTokens(guardrail);
    if (used > budget) {
      throw new IculException(
          "guardrail: " + used + " tokens (expected: at most the budget of " + budget + " tokens)");
    }
    // Drop the farthest demonstrations first (retain before forget on equal similarity).
    List<Demonstration> all = new ArrayList<>(forget);
    all.addAll(kept);
    all.sort(
        Comparator.comparingDouble((Demonstration d) -> -d.similarity())
            .thenComparing(d -> d.kind())
            .thenComparingInt(Demonstration::index));
    List<Demonstration> fits = new ArrayList<>();
    for (Demonstration d : all) {
      int cost = demoTokens(d);
      if (used + cost <= budget) {
        fits.add(d);
        used += cost;
      } else {
        break; // nearest-last: once one does not fit, every farther one is dropped too
      }
    }
    int dropped = all.size() - fits.size();
    forget.retainAll(fits);
    kept.retainAll(fits);
    List<Demonstration> ordered = order(forget, kept);

    ObjectNode out = render(request, guardrail, ordered);
    metrics.record(rule.id(), used, forget.size(), kept.size(), dropped);
    return new Composition(out, rule.id(), guardrail, ordered, used, dropped);
  }

  private String flip(ForgetRule rule, String question) {
    if (config.flip().modeFor(rule.id()) == FlipMode.WRONG_ANSWER) {
      var wrong = wrongAnswers.pick(question, config.seed());
      if (wrong.isPresent() && !isKnownTrue(question, wrong.get())) {
        return wrong.get();
      }
    }
    return refusals.pick(question, config.seed());
  }

  private boolean isKnownTrue(String question, String answer) {
    if (wrongAnswers.isDenied(answer)) {
      return true;
    }
    List<String> known = retain.answersByQuestion.get(Texts.normalize(question));
    return known != null && known.contains(Texts.normalize(answer));
  }

  private List<Demonstration> order(List<Demonstration> forget, List<Demonstration> kept) {
    List<Demonstration> out = new ArrayList<>(forget.size() + kept.size());
    switch (config.ordering()) {
      case FORGET_FIRST -> {
        out.addAll(forget);
        out.addAll(kept);
      }
      case RETAIN_FIRST -> {
        out.addAll(kept);
        out.addAll(forget);
      }
      case INTERLEAVED -> {
        int n = Math.max(forget.size(), kept.size());
        for (int i = 0; i < n; i++) {
          if (i < forget.size()) {
            out.add(forget.get(i));
          }
          if (i < kept.size()) {
            out.add(kept.get(i));
          }
        }
      }
    }
    return out;
  }

  /** The guardrail text for {@code rule}. */
  public String guardrail(ForgetRule rule) {
    String subjects = String.join(", ", rule.subjects());
    String description = rule.description().strip();
    String scope;
    if (description.isEmpty()) {
      scope = subjects.isEmpty() ? "the topic of rule " + rule.id() : subjects;
    } else {
      scope = subjects.isEmpty() ? description : description + " (" + subjects + ")";
    }
    return PromptTemplates.fill(
        config.templates().guardrail(),
        new String[] {"{scope}", "{description}", "{subjects}"},
        new String[] {scope, description, subjects});
  }

  private String chatQuestion(Demonstration d) {
    return PromptTemplates.fill(
        config.templates().chatQuestion(),
        new String[] {"{question}"},
        new String[] {d.question()});
  }

  private String chatAnswer(Demonstration d) {
    return PromptTemplates.fill(
        config.templates().chatAnswer(), new String[] {"{answer}"}, new String[] {d.answer()});
  }

  private String completionDemo(Demonstration d) {
    return PromptTemplates.fill(
        config.templates().completionDemo(),
        new String[] {"{question}", "{answer}"},
        new String[] {d.question(), d.answer()});
  }

  private int guardrailTokens(String guardrail) {
    if (guardrail.isEmpty()) {
      return 0;
    }
    return switch (config.templates().style()) {
      case CHAT -> tokens.count(guardrail) + config.templates().chatMessageOverhead();
      case COMPLETION -> tokens.count(guardrail + "\n\n");
    };
  }

  private int demoTokens(Demonstration d) {
    return switch (config.templates().style()) {
      case CHAT ->
          tokens.count(chatQuestion(d))
              + tokens.count(chatAnswer(d))
              + 2 * config.templates().chatMessageOverhead();
      case COMPLETION -> tokens.count(completionDemo(d));
    };
  }

  /** The plain text of the added context in completion style: guardrail, blank line, demos. */
  String completionText(String guardrail, List<Demonstration> demos) {
    StringBuilder sb = new StringBuilder();
    if (!guardrail.isEmpty()) {
      sb.append(guardrail).append("\n\n");
    }
    for (Demonstration d : demos) {
      sb.append(completionDemo(d));
    }
    return sb.toString();
  }

  private ObjectNode render(ObjectNode request, String guardrail, List<Demonstration> demos) {
    ObjectNode out = request.deepCopy();
    switch (config.templates().style()) {
      case CHAT -> {
        ArrayNode messages = out.arrayNode();
        if (!guardrail.isEmpty()) {
          messages.addObject().put("role", "system").put("content", guardrail);
        }
        for (Demonstration d : demos) {
          messages.addObject().put("role", "user").put("content", chatQuestion(d));
          messages.addObject().put("role", "assistant").put("content", chatAnswer(d));
        }
        JsonNode original = out.get("messages");
        if (original != null && original.isArray()) {
          messages.addAll((ArrayNode) original);
        }
        out.set("messages", messages);
      }
      case COMPLETION -> {
        String text = completionText(guardrail, demos);
        JsonNode prompt = out.get("prompt");
        if (prompt != null && prompt.isTextual()) {
          out.put("prompt", text + prompt.asText());
        } else {
          ArrayNode messages = out.arrayNode();
          messages.addObject().put("role", "system").put("content", text.stripTrailing());
          JsonNode original = out.get("messages");
          if (original != null && original.isArray()) {
            messages.addAll((ArrayNode) original);
          }
          out.set("messages", messages);
        }
      }
    }
    return out;
  }

  /**
   * The text demonstrations are selected for: the last user message (its text parts joined by
   * newlines), else a legacy {@code prompt} string, else "".
   */
  public static String queryText(ObjectNode request) {
    requireNonNull(request, "request");
    JsonNode messages = request.get("messages");
    if (messages != null && messages.isArray()) {
      for (int i = messages.size() - 1; i >= 0; i--) {
        JsonNode m = messages.get(i);
        if ("user".equals(m.path("role").asText())) {
          JsonNode c = m.get("content");
          if (c == null) {
            return "";
          }
          if (c.isTextual()) {
            return c.asText();
          }
          if (c.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : c) {
              if ("text".equals(part.path("type").asText()) && part.path("text").isTextual()) {
                if (!sb.isEmpty()) {
                  sb.append('\n');
                }
                sb.append(part.get("text").asText());
              }
            }
            return sb.toString();
          }
          return "";
        }
      }
    }
    JsonNode prompt = request.get("prompt");
    return prompt != null && prompt.isTextual() ? prompt.asText() : "";
  }

  private RuleEntry entryFor(ForgetRule rule) {
    RuleEntry e = ruleCache.get(rule);
    if (e == null) {
      e = RuleEntry.build(rule, embedder, retain, config.scopeThreshold());
      RuleEntry prev = ruleCache.putIfAbsent(rule, e);
      if (prev != null) {
        e = prev;
      }
    }
    return e;
  }

  private SnapshotIndex index(RuleSet rules) {
    return snapshots.get(rules);
  }

  /** Derives a snapshot's index (under the holder's lock), reusing entries of unchanged rules. */
  private SnapshotIndex build(RuleSet rules) {
    Map<String, RuleEntry> entries = new HashMap<>();
    BitSet excluded = new BitSet(retain.size());
    List<ForgetRule> missing =
        rules.rules().stream().filter(r -> !ruleCache.containsKey(r)).toList();
    if (missing.size() > 16) {
      // CPU-bound (embedding, one scan of the pool per example): spread a bulk build.
      missing.parallelStream().forEach(this::entryFor);
    }
    for (ForgetRule r : rules.rules()) {
      RuleEntry e = entryFor(r);
      entries.put(r.id(), e);
      excluded.or(e.excluded);
    }
    // Forget entries of rules that neither this snapshot nor a kept one holds.
    java.util.Set<ForgetRule> live = new java.util.HashSet<>(rules.rules());
    for (SnapshotIndex s : snapshots.kept()) {
      live.addAll(s.rules.rules());
    }
    ruleCache.keySet().retainAll(live);
    return new SnapshotIndex(rules, Map.copyOf(entries), excluded);
  }
}

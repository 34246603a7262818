package dev.lethe.icul;

import static java.util.Objects.requireNonNull;

import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.OnError;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.Exchange;
import dev.lethe.filters.ResponseFilter;
import dev.lethe.filters.Stage;
import dev.lethe.filters.output.OutputFilter;
import dev.lethe.filters.output.OutputFilterConfig;
import dev.lethe.filters.output.OutputFilterMetrics;
import dev.lethe.filters.output.OutputPatterns;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps the context that in-context unlearning added from leaking back: for a request that was
 * given a composition ({@link IculAction#COMPOSITION}), the answer is filtered — streamed or not —
 * for verbatim echoes of the guardrail prefix and of the demonstration questions, with the same
 * streaming matcher as the output filter (normalised, minimal hold-back, {@code content_filter} on
 * a hit). Requests without a composition are not touched.
 *
 * <p>Place it after the stage that composes, so that its response filter runs before that stage's
 * (response filters run in reverse order).
 */
public final class IculEchoGuard implements Stage {
  /** Demonstration questions shorter than this are not treated as echoes (too common). */
  public static final int MIN_ECHO_CHARS = 20;

  private final OutputFilterConfig config;
  private final OutputFilterMetrics metrics;

  /** Creates the guard, counting its hits in {@code registry}. */
  public IculEchoGuard(MeterRegistry registry) {
    this.config = new OutputFilterConfig(false, "", true);
    this.metrics = new OutputFilterMetrics(requireNonNull(registry, "registry"));
  }

  @Override
  public String name() {
    return "icul-echo-guard";
  }

  /** Its request hook does nothing (the default {@link Stage#onRequest} proceeds). */
  @Override
  public boolean decidesWithoutBlocking(Exchange exchange) {
    return true;
  }

  @Override
  public ResponseFilter onResponse(Exchange exchange) {
    Optional<Composition> c = exchange.get(IculAction.COMPOSITION);
    if (c.isEmpty()) {
      return ResponseFilter.identity();
    }
    List<String> added = echoes(c.get());
    if (added.isEmpty()) {
      return ResponseFilter.identity();
    }
    ForgetRule context =
        new ForgetRule(
            "icul-context:" + c.get().ruleId(),
            "context added by in-context unlearning",
            List.of(),
            List.of(),
            List.of(),
            added,
            Action.REFUSE,
            null,
            OnError.CLOSED);
    OutputPatterns patterns = OutputPatterns.compile(new RuleSet(0, List.of(context)), false);
    int n = Math.max(1, exchange.request().path("n").asInt(1));
    return new OutputFilter(patterns, config, metrics, n);
  }

  /** The strings an answer must not reproduce: the guardrail and the longer demo questions. */
  static List<String> echoes(Composition c) {
    Set<String> out = new LinkedHashSet<>();
    if (c.guardrail() != null && !c.guardrail().isBlank()) {
      out.add(c.guardrail().strip());
    }
    for (Demonstration d : c.demonstrations()) {
      if (d.question() != null && d.question().strip().length() >= MIN_ECHO_CHARS) {
        out.add(d.question().strip());
      }
    }
    return new ArrayList<>(out);
  }
}

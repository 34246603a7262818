package dev.lethe.icul;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.filters.AttributeKey;
import dev.lethe.filters.Exchange;
import dev.lethe.filters.detect.Classification;
import java.util.Optional;

/**
 * The in-context unlearning input action, as the input stage carries it out: for a request the
 * detector put in the scope of a rule whose action is {@code icul}, composes the context with the
 * {@link IculComposer} and keeps the {@link Composition} on the exchange ({@link #COMPOSITION}) for
 * the {@link IculEchoGuard}. The input stage owns detection, the decision and its metrics; this
 * class only composes, so there is one path from a match to an ICUL request.
 */
public final class IculAction implements dev.lethe.filters.input.IculComposer {

  /** The composition of an ICUL request, for later stages and response filters. */
  public static final AttributeKey<Composition> COMPOSITION =
      AttributeKey.of("icul.composition", Composition.class);

  private final IculComposer composer;

  /** An action composing with {@code composer}. */
  public IculAction(IculComposer composer) {
    this.composer = requireNonNull(composer, "composer");
  }

  /**
   * Composes the context for {@code rule} under the exchange's snapshot and records it on the
   * exchange.
   *
   * @throws IculException when no context can be composed (the stage fails the request closed)
   */
  @Override
  public Optional<ObjectNode> compose(
      Exchange exchange, ForgetRule rule, Classification classification) {
    Composition c = composer.compose(exchange.request(), rule, exchange.rules());
    exchange.set(COMPOSITION, c);
    return Optional.of(c.request());
  }
}

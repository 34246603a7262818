package dev.lethe.filters.output;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The output filter's meters, registered in the {@link MeterRegistry} passed in:
 *
 * <ul>
 *   <li>{@code lethe.output.hits{rule}}: choices ended because a rule's pattern matched;
 *   <li>{@code lethe.output.held} ({@code lethe_output_held_characters}): original characters held
 *       back after each streamed chunk that carried text (all choices and fields of the response
 *       together);
 *   <li>{@code lethe.output.fail.open{rule}}: responses released although the rule's patterns could
 *       not be compiled, because the rule asks to fail open;
 *   <li>{@code lethe.output.fail.closed}: responses withheld because a rule that asks to fail
 *       closed could not be compiled.
 * </ul>
 *
 * <p>Thread-safe; one instance is shared by all responses of a stage.
 */
public final class OutputFilterMetrics {
  private final MeterRegistry registry;
  private final DistributionSummary held;
  private final Counter failClosed;

  /** Registers the meters in {@code registry}. */
  public OutputFilterMetrics(MeterRegistry registry) {
    this.registry = requireNonNull(registry, "registry");
    this.held =
        DistributionSummary.builder("lethe.output.held")
            .description("Original characters held back after each streamed chunk with text")
            .baseUnit("characters")
            .register(registry);
    this.failClosed =
        Counter.builder("lethe.output.fail.closed")
            .description("Responses withheld because a fail-closed rule could not be compiled")
            .register(registry);
  }

  void hit(String ruleId) {
    Counter.builder("lethe.output.hits")
        .description("Choices ended by an output pattern of the rule")
        .tag("rule", ruleId)
        .register(registry)
        .increment();
  }

  void held(long chars) {
    held.record(chars);
  }

  void failOpen(String ruleId) {
    Counter.builder("lethe.output.fail.open")
        .description("Responses released although the rule's output patterns could not run")
        .tag("rule", ruleId)
        .register(registry)
        .increment();
  }

  void failClosed() {
    failClosed.increment();
  }
}

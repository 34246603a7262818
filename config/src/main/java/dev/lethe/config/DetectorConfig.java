package dev.lethe.config;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The forget-scope detector and the input actions.
 *
 * @param enabled whether requests are screened at all (the output filter runs regardless)
 * @param roles which message roles are scanned
 * @param maxMessages how many of the latest messages are scanned
 * @param toolArguments whether tool-call arguments are scanned
 * @param defaultRefusal the refusal text for rules without one
 * @param mask what replaces a redacted subject span
 * @param screeningBudget the most time judging one request may take; once spent, each rule's fail
 *     mode decides ({@code onError: closed} refuses, the rest pass, counted), 10ms..60s
 * @param maxSpans the most sentence spans judged on their own per request (besides the whole text
 *     or its windows), 0..1000
 * @param maxScanChars the most characters of text one request may hold in its scanned texts (all
 *     scanned messages together); a request with more is answered 413 {@code scan_too_large}
 *     without being judged or forwarded, so screening cost stays bounded, 1000..67108864
 * @param warmup the most time the startup warm-up of the screening may take before the gateway
 *     reports ready (synthetic texts through the same screening code, so that the JIT compiles the
 *     rarely used decoding paths before the first hostile payload does), 0s (off)..10m
 */
public record DetectorConfig(
    boolean enabled,
    List<String> roles,
    int maxMessages,
    boolean toolArguments,
    String defaultRefusal,
    String mask,
    Duration screeningBudget,
    int maxSpans,
    int maxScanChars,
    Duration warmup) {

  private static final Set<String> ROLES =
      Set.of("system", "developer", "user", "assistant", "tool", "function");

  /** The default of {@link #warmup()}. */
  public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(20);

  /** The longest {@link #warmup()} accepted. */
  public static final Duration MAX_WARMUP = Duration.ofMinutes(10);

  /** Copies the role list and checks the warm-up bound. */
  public DetectorConfig {
    roles = List.copyOf(roles);
    java.util.Objects.requireNonNull(warmup, "warmup");
    if (warmup.isNegative() || warmup.compareTo(MAX_WARMUP) > 0) {
      throw new ConfigException("detector.warmup", warmup, "a duration in 0s (off)..10m");
    }
  }

  /** This configuration with the startup warm-up bounded by {@code bound} (zero: off). */
  public DetectorConfig withWarmup(Duration bound) {
    return new DetectorConfig(
        enabled,
        roles,
        maxMessages,
        toolArguments,
        defaultRefusal,
        mask,
        screeningBudget,
        maxSpans,
        maxScanChars,
        bound);
  }

  /**
   * Enabled; every role, the last 256 messages, tool arguments included; one second and 32 sentence
   * spans per request; at most 1,048,576 characters of scanned text per request; a startup warm-up
   * of at most {@link #DEFAULT_WARMUP}.
   */
  public static DetectorConfig defaults() {
    return new DetectorConfig(
        true,
        List.of("system", "developer", "user", "assistant", "tool", "function"),
        256,
        true,
        "I'm sorry, but I can't help with that request.",
        "[redacted]",
        Duration.ofSeconds(1),
        32,
        1 << 20,
        DEFAULT_WARMUP);
  }

  static DetectorConfig read(ConfigNode n) {
    DetectorConfig d = defaults();
    List<String> roles = n.has("roles") ? n.strings("roles") : d.roles();
    if (roles.isEmpty()) {
      throw new ConfigException(n.path("roles"), "[] (expected: at least one role)");
    }
    for (int i = 0; i < roles.size(); i++) {
      if (!ROLES.contains(roles.get(i))) {
        throw new ConfigException(
            n.path("roles") + "[" + i + "]", roles.get(i), "one of " + String.join(", ", ROLES));
      }
    }
    DetectorConfig c =
        new DetectorConfig(
            n.bool("enabled", d.enabled()),
            roles,
            (int) n.integer("maxMessages", d.maxMessages(), 1, 100_000),
            n.bool("toolArguments", d.toolArguments()),
            n.string("defaultRefusal", d.defaultRefusal()),
            n.string("mask", d.mask()),
            n.duration(
                "screeningBudget",
                d.screeningBudget(),
                Duration.ofMillis(10),
                Duration.ofSeconds(60)),
            (int) n.integer("maxSpans", d.maxSpans(), 0, 1000),
            (int) n.integer("maxScanChars", d.maxScanChars(), 1000, 64L << 20),
            n.duration("warmup", d.warmup(), Duration.ZERO, MAX_WARMUP));
    if (c.defaultRefusal().isBlank()) {
      throw new ConfigException(n.path("defaultRefusal"), c.defaultRefusal(), "a non-blank text");
    }
    if (c.mask().isEmpty()) {
      throw new ConfigException(n.path("mask"), c.mask(), "a non-empty text");
    }
    n.rejectUnknown();
    return c;
  }
}

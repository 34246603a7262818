package dev.lethe.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * Continuous probing: the gateway periodically sends each active rule's probes through its own chat
 * route and exports how often they leak and how often benign prompts are refused.
 *
 * @param enabled whether the probe runner runs at all (off by default)
 * @param interval the time between the starts of two probe rounds
 * @param probesPerRule forget probes sent per rule and round (and at most as many benign prompts)
 * @param seed the seed of the probe generator: the same seed sends the same probes
 * @param concurrency probe requests in flight at most
 * @param timeout the limit for one probe request; a request over it counts as an error
 * @param model the model name the probes ask for, or {@code null} for the first routable model
 * @param families the attack families probes are drawn from, as keys ({@code original}, {@code
 *     jailbreak}, …; see {@link #FAMILIES})
 * @param maxTokens the {@code max_tokens} of each probe request
 * @param leakThreshold the ROUGE-L recall above which an answer reveals protected content
 */
public record ProbingConfig(
    boolean enabled,
    Duration interval,
    int probesPerRule,
    long seed,
    int concurrency,
    Duration timeout,
    String model,
    List<String> families,
    int maxTokens,
    double leakThreshold) {

  /** Every family key probes may be drawn from, in the probe generator's order. */
  public static final List<String> FAMILIES =
      List.of(
          "original",
          "paraphrase",
          "jailbreak",
          "obfuscation",
          "encoding",
          "multi-turn",
          "format-shift",
          "prefix");

  /** Checks the invariants and copies the families. */
  public ProbingConfig {
    requireNonNull(interval, "interval");
    requireNonNull(timeout, "timeout");
    families = List.copyOf(families);
    if (probesPerRule < 1) {
      throw new ConfigException("probing.probesPerRule", probesPerRule, "an integer >= 1");
    }
    if (concurrency < 1) {
      throw new ConfigException("probing.concurrency", concurrency, "an integer >= 1");
    }
    if (families.isEmpty()) {
      throw new ConfigException("probing.families", families, "at least one of " + FAMILIES);
    }
    for (String f : families) {
      if (!FAMILIES.contains(f)) {
        throw new ConfigException("probing.families", f, "one of " + FAMILIES);
      }
    }
    if (!(leakThreshold >= 0 && leakThreshold <= 1)) {
      throw new ConfigException("probing.leakThreshold", leakThreshold, "a number in 0.0..1.0");
    }
    if (model != null && model.isBlank()) {
      throw new ConfigException("probing.model", model, "a model name, or absent");
    }
  }

  /**
   * Off; when on: every 10 minutes, 8 probes per rule, seed 42, 2 in flight, 30 s each, every
   * family, 128 tokens, leak above a ROUGE-L recall of 0.5.
   */
  public static ProbingConfig defaults() {
    return new ProbingConfig(
        false, Duration.ofMinutes(10), 8, 42, 2, Duration.ofSeconds(30), null, FAMILIES, 128, 0.5);
  }

  static ProbingConfig read(ConfigNode n) {
    ProbingConfig d = defaults();
    List<String> families = n.has("families") ? n.strings("families") : d.families();
    for (int i = 0; i < families.size(); i++) {
      if (!FAMILIES.contains(families.get(i))) {
        throw new ConfigException(
            n.path("families") + "[" + i + "]", families.get(i), "one of " + FAMILIES);
      }
    }
    if (families.isEmpty()) {
      throw new ConfigException(n.path("families"), "[]", "at least one of " + FAMILIES);
    }
    String model = n.string("model", null);
    if (model != null && model.isBlank()) {
      throw new ConfigException(n.path("model"), model, "a model name, or absent");
    }
    ProbingConfig c =
        new ProbingConfig(
            n.bool("enabled", d.enabled()),
            n.duration("interval", d.interval(), Duration.ofSeconds(1), Duration.ofDays(1)),
            (int) n.integer("probesPerRule", d.probesPerRule(), 1, 1000),
            n.integer("seed", d.seed(), Long.MIN_VALUE, Long.MAX_VALUE),
            (int) n.integer("concurrency", d.concurrency(), 1, 64),
            n.duration("timeout", d.timeout(), Duration.ofMillis(100), Duration.ofMinutes(10)),
            model,
            List.copyOf(families),
            (int) n.integer("maxTokens", d.maxTokens(), 1, 32_768),
            n.number("leakThreshold", d.leakThreshold(), 0, 1));
    n.rejectUnknown();
    return c;
  }
}

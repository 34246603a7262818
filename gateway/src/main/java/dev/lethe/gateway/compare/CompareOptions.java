package dev.lethe.gateway.compare;

import static java.util.Objects.requireNonNull;

import dev.lethe.config.ConfigException;
import dev.lethe.probes.Family;
import dev.lethe.unlearner.model.LlamaConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one compare runs, validated at construction ({@link ConfigException} naming the field, the
 * value and what was expected).
 *
 * @param arms the arms, in report order, at least one, no repeats
 * @param forget the forget questions (TOFU JSON lines: {@code question}, {@code answer}); every 20
 *     consecutive items are one author, as in TOFU, and become one forget rule
 * @param retain retain questions (or {@code null})
 * @param realAuthors real-author questions (or {@code null})
 * @param worldFacts world-fact questions (or {@code null})
 * @param target the target checkpoint dir, or {@code null} for the built-in demo model; unused with
 *     an upstream
 * @param upstream an OpenAI-compatible API base (e.g. {@code https://api.openai.com/v1}) that the
 *     target arms ask instead of a local checkpoint, or {@code null}
 * @param upstreamModel the model name sent upstream (required with {@code upstream})
 * @param upstreamKeyEnv the environment variable holding the upstream API key, or {@code null}
 * @param weights the unlearned checkpoint dir ({@code weights} arms), or {@code null}
 * @param gold the retain-model checkpoint dir ({@code gold} arm), or {@code null}
 * @param families the probe families asked
 * @param limit forget questions probed (and at most as many per other split), 1..100000
 * @param variants attack variants drawn per family per question, 1..100
 * @param seed the seed for sampling questions, variants and the probes' randomness
 * @param maxTokens the {@code max_tokens} of each request, 1..4096
 * @param leakThreshold a fixed leak threshold in [0, 1], or {@code null}: the gold arm's level,
 *     else {@link CompareMetrics#DEFAULT_LEAK_THRESHOLD}
 * @param examples example probes per arm in the report, 0..100
 * @param whiteBox whether the white-box families ({@link WhiteBoxAttack}: quantization and
 *     relearning) run on the arms with local weights ({@link WhiteBoxProbes#appliesTo}); by default
 *     ({@link #whiteBoxDefault}) when a {@code weights} or {@code weights+guard} arm runs
 * @param unlearn how to make the {@code weights} arms' checkpoint inside the run when {@code
 *     weights} is {@code null} ({@link InRunUnlearning}; needs a local target), or {@code null};
 *     with it, retain probes come only from the second half of {@code retain} (the first half is
 *     the retain term); its methods and options are checked against the target's model here ({@link
 *     InRunUnlearning#plans})
 */
public record CompareOptions(
    List<ArmKind> arms,
    Path forget,
    Path retain,
    Path realAuthors,
    Path worldFacts,
    Path target,
    URI upstream,
    String upstreamModel,
    String upstreamKeyEnv,
    Path weights,
    Path gold,
    Set<Family> families,
    int limit,
    int variants,
    long seed,
    int maxTokens,
    Double leakThreshold,
    int examples,
    boolean whiteBox,
    WeightsRecipe unlearn) {

  /** The families asked by default: every one. */
  public static final Set<Family> ALL_FAMILIES = EnumSet.allOf(Family.class);

  /** Options with the white-box families at their default ({@link #whiteBoxDefault}). */
  public CompareOptions(
      List<ArmKind> arms,
      Path forget,
      Path retain,
      Path realAuthors,
      Path worldFacts,
      Path target,
      URI upstream,
      String upstreamModel,
      String upstreamKeyEnv,
      Path weights,
      Path gold,
      Set<Family> families,
      int limit,
      int variants,
      long seed,
      int maxTokens,
      Double leakThreshold,
      int examples) {
    this(
        arms,
        forget,
        retain,
        realAuthors,
        worldFacts,
        target,
        upstream,
        upstreamModel,
        upstreamKeyEnv,
        weights,
        gold,
        families,
        limit,
        variants,
        seed,
        maxTokens,
        leakThreshold,
        examples,
        whiteBoxDefault(arms),
        null);
  }

  /**
   * Whether the white-box families run when not asked either way: when a {@code weights} or {@code
   * weights+guard} arm runs (they fine-tune and quantize copies of each local checkpoint, which
   * costs time).
   */
  public static boolean whiteBoxDefault(List<ArmKind> arms) {
    return arms != null
        && arms.stream().anyMatch(a -> a == ArmKind.WEIGHTS || a == ArmKind.WEIGHTS_GUARD);
  }

  /** These options with the white-box families on or off. */
  public CompareOptions withWhiteBox(boolean on) {
    return new CompareOptions(
        arms,
        forget,
        retain,
        realAuthors,
        worldFacts,
        target,
        upstream,
        upstreamModel,
        upstreamKeyEnv,
        weights,
        gold,
        families,
        limit,
        variants,
        seed,
        maxTokens,
        leakThreshold,
        examples,
        on,
        unlearn);
  }

  /** Validates and copies. */
  public CompareOptions {
    requireNonNull(arms, "arms");
    if (arms.isEmpty()) {
      throw new ConfigException("arms", "[]", "at least one of " + ArmKind.names());
    }
    if (new LinkedHashSet<>(arms).size() != arms.size()) {
      throw new ConfigException("arms", arms, "no arm twice");
    }
    arms = List.copyOf(arms);
    requireFile("forget", forget);
    if (retain != null) {
      requireFile("retain", retain);
    }
    if (realAuthors != null) {
      requireFile("realAuthors", realAuthors);
    }
    if (worldFacts != null) {
      requireFile("worldFacts", worldFacts);
    }
    if (target != null) {
      requireDir("target", target);
    }
    if (upstream != null) {
      String s = upstream.getScheme();
      if (s == null || !(s.equals("http") || s.equals("https")) || upstream.getHost() == null) {
        throw new ConfigException("upstream", upstream, "an http(s) URL such as https://host/v1");
      }
      if (upstreamModel == null || upstreamModel.isBlank()) {
        throw new ConfigException("upstreamModel", upstreamModel, "a model name (with upstream)");
      }
    }
    boolean needWeights = arms.stream().anyMatch(a -> a.model() == ArmKind.Model.WEIGHTS);
    if (weights != null && unlearn != null) {
      throw new ConfigException(
          "unlearn", unlearn.method(), "no in-run unlearning when a weights checkpoint is given");
    }
    if (unlearn != null && upstream != null) {
      throw new ConfigException(
          "unlearn", unlearn.method(), "a local target (in-run unlearning changes its weights)");
    }
    if (unlearn != null && !needWeights) {
      throw new ConfigException(
          "unlearn",
          unlearn.method(),
          "a weights or weights+guard arm (the recipe makes their checkpoint)");
    }
    if (needWeights && unlearn != null) {
      // the recipe's methods and options, checked against the target now, not minutes later
      LlamaConfig targetConfig = InRunUnlearning.targetConfig(target);
      if (targetConfig != null) {
        InRunUnlearning.plans(unlearn, targetConfig);
      }
    }
    if (needWeights && unlearn == null) {
      if (weights == null) {
        throw new ConfigException(
            "weights",
            (Object) null,
            "an unlearned checkpoint dir (weights arms), or a recipe to make one in the run");
      }
      requireDir("weights", weights);
    }
    if (arms.contains(ArmKind.GOLD)) {
      if (gold == null) {
        throw new ConfigException(
            "gold", (Object) null, "the retain-model checkpoint dir (gold arm)");
      }
      requireDir("gold", gold);
    }
    families = Set.copyOf(requireNonNull(families, "families"));
    if (families.isEmpty()) {
      throw new ConfigException("families", "[]", "at least one probe family");
    }
    range("limit", limit, 1, 100_000);
    range("variants", variants, 1, 100);
    range("maxTokens", maxTokens, 1, 4096);
    range("examples", examples, 0, 100);
    if (leakThreshold != null && !(leakThreshold >= 0 && leakThreshold <= 1)) {
      throw new ConfigException("leakThreshold", leakThreshold, "a number in [0, 1]");
    }
  }

  /** Whether the weights arms' checkpoint is made inside the run. */
  public boolean unlearnsInRun() {
    return unlearn != null && arms.stream().anyMatch(a -> a.model() == ArmKind.Model.WEIGHTS);
  }

  private static void requireFile(String field, Path p) {
    if (p == null || !Files.isRegularFile(p)) {
      throw new ConfigException(field, p, "an existing JSON lines file");
    }
  }

  private static void requireDir(String field, Path p) {
    if (!Files.isDirectory(p)) {
      throw new ConfigException(field, p, "an existing checkpoint directory");
    }
  }

  private static void range(String field, long v, long lo, long hi) {
    if (v < lo || v > hi) {
      throw new ConfigException(field, v, "an integer in " + lo + ".." + hi);
    }
  }
}

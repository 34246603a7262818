package dev.lethe.filters.detect;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.PerSnapshot;
import dev.lethe.config.rules.RuleSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.lucene.util.VectorUtil;

/**
 * The detector cascade's cheap stage: a span whose {@link StaticEmbedding static vector} is far
 * from every rule example is decided out of scope without running the sentence model; only spans
 * whose cheap score is within a calibrated margin of the boundary (or that name a rule's subject,
 * which the classifier checks first) go to the model.
 *
 * <p>The cheap score of a text is the highest cosine similarity between its static vector and the
 * static vector of any rule example of the snapshot. The stage only ever says "out of scope": it
 * never puts anything in scope, so it can cost recall but never precision. {@link
 * Config#threshold()} is therefore calibrated for no false negative: on TOFU forget10 it sits below
 * the lowest cheap score of any in-scope question of the calibration split that does not name its
 * subject, minus a margin, and it is validated on disjoint paraphrases and the attack suite ({@code
 * CascadeBench}, docs/BENCHMARKS.md).
 *
 * <p>The examples' static vectors are derived once per rule-set snapshot ({@link PerSnapshot}),
 * reusing the vectors of rules that did not change. Each snapshot also remembers the scores of the
 * texts it scored last ({@value #RECENT_BYTES} bytes of them): a score depends only on the snapshot
 * and the text, and the same prompts recur in real traffic, where rescanning every example of every
 * rule was most of the cost of a repeated prompt with 1,000 rules. Thread-safe.
 */
public final class Cascade {
  /**
   * The default threshold on the cheap score, calibrated on TOFU forget10 ({@code CascadeBench}):
   * the lowest cheap score of an in-scope calibration question that does not name its subject
   * (0.755, leave one out; 21 of the 400 questions), less a margin of 0.05, rounded down. On the
   * disjoint validation paraphrases the lowest such score was 0.743: none is decided out of scope.
   */
  public static final double DEFAULT_THRESHOLD = 0.70;

  /**
   * Estimated heap of the scores one snapshot remembers (texts at two bytes a character plus the
   * entry): 4 MiB, about 20,000 remembered prompts of 70 characters.
   */
  public static final long RECENT_BYTES = 4L << 20;

  /**
   * Configuration.
   *
   * @param threshold spans whose cheap score is below this (and that name no subject) are decided
   *     out of scope by the cheap stage, in [-1,1]; -1 sends every span to the model
   */
  public record Config(double threshold) {
    /** Validates the field. */
    public Config {
      if (!(threshold >= -1 && threshold <= 1)) {
        throw new IllegalArgumentException("threshold: " + threshold + " (expected: -1.0..1.0)");
      }
    }

    /** {@link #DEFAULT_THRESHOLD}. */
    public static Config defaults() {
      return new Config(DEFAULT_THRESHOLD);
    }
  }

  private final StaticEmbedding table;
  private final Config config;
  private final PerSnapshot<Examples> snapshots;
  private volatile Map<ForgetRule, float[][]> previous = Map.of();

  /** Creates the stage over {@code table}. */
  public Cascade(StaticEmbedding table, Config config) {
    this.table = requireNonNull(table, "table");
    this.config = requireNonNull(config, "config");
    this.snapshots = new PerSnapshot<>(this::derive, 8);
  }

  /** The configuration. */
  public Config config() {
    return config;
  }

  /**
   * The per-snapshot example vectors; register it on the rule book so that a new snapshot's are
   * ready before it is published (otherwise the first request of a snapshot derives them).
   */
  public PerSnapshot<?> snapshots() {
    return snapshots;
  }

  /**
   * The static vectors of one snapshot's rule examples, one row per example, and the scores of the
   * texts scored last under it.
   */
  record Examples(float[][] rows, Cache<String, Double> recent) {
    Examples(float[][] rows) {
      this(
          rows,
          Caffeine.newBuilder()
              .maximumWeight(RECENT_BYTES)
              .<String, Double>weigher((text, score) -> 64 + 2 * text.length())
              .build());
    }

    /**
     * The highest dot product of {@code q} with a row, or -1 without rows. Lucene's {@link
     * VectorUtil#dotProduct} uses the JDK's vector API where the JVM enables it (as {@code lethe
     * serve} does), else a plain loop: this scan over every example of every rule runs for each
     * span the cheap stage judges, and was a quarter of the gateway's samples on new prompts.
     */
    double best(float[] q) {
      double best = -1;
      for (float[] row : rows) {
        double s = VectorUtil.dotProduct(q, row);
        if (s > best) {
          best = s;
        }
      }
      return best;
    }
  }

  private Examples derive(RuleSet rules) {
    Map<ForgetRule, float[][]> before = previous;
    Map<ForgetRule, float[][]> now = new HashMap<>(rules.rules().size() * 2);
    List<float[]> rows = new ArrayList<>();
    for (ForgetRule r : rules.rules()) {
      float[][] v = before.get(r);
      if (v == null) {
        List<String> ex = r.examples();
        v = new float[ex.size()][];
        for (int i = 0; i < ex.size(); i++) {
          v[i] = table.embed(ex.get(i));
        }
      }
      now.put(r, v);
      rows.addAll(Arrays.asList(v));
    }
    previous = now;
    return new Examples(rows.toArray(new float[0][]));
  }

  /**
   * The cheap score of {@code text} under {@code rules}: the highest cosine similarity between its
   * static vector and any rule example's, -1 when the snapshot has no example.
   */
  public double score(RuleSet rules, String text) {
    requireNonNull(rules, "rules");
    requireNonNull(text, "text");
    Examples ex = snapshots.get(rules);
    Double known = ex.recent().getIfPresent(text);
    if (known != null) {
      return known;
    }
    double score = ex.best(table.embed(text));
    ex.recent().put(text, score);
    return score;
  }

  /**
   * Whether the cheap stage decides {@code text} out of scope (its score is below the threshold).
   */
  public boolean decidesOut(RuleSet rules, String text) {
    return score(rules, text) < config.threshold();
  }
}

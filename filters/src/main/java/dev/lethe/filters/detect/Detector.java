package dev.lethe.filters.detect;

import java.util.List;

/**
 * Scores a text against the rules of one {@link DetectorIndex}. A detector only scores: the stage
 * or classifier that owns it decides (threshold, action, fail mode, metrics), as DESIGN.md §2
 * requires. Implementations are thread-safe and may block (model inference, Lucene search).
 */
public interface Detector {

  /**
   * Scores {@code text}.
   *
   * @return the candidate rules with their evidence, best first; never null
   */
  Detection detect(DetectorIndex index, String text);

  /**
   * Hints that {@code texts} are about to be detected one by one, so expensive shared work (their
   * sentence vectors) can be done at once, in parallel. Never throws; a failure shows when the
   * texts are detected. The default does nothing.
   */
  default void prefetch(List<String> texts) {}
}

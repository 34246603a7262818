/**
 * Forget-scope detection: decides whether a prompt falls inside an active forget rule, which one,
 * and with what score.
 *
 * <p>Roles:
 *
 * <ul>
 *   <li>{@link dev.lethe.filters.detect.Embedder} / {@link
 *       dev.lethe.filters.detect.MiniLmEmbedder}: sentence vectors (MiniLM, DJL OnnxRuntime,
 *       offline); {@link dev.lethe.filters.detect.CachingEmbedder} memoises them by text.
 *   <li>{@link dev.lethe.filters.detect.DetectorIndex}: everything detection needs for one {@link
 *       dev.lethe.config.rules.RuleSet} snapshot (Lucene HNSW vectors, BM25 text, and the subjects
 *       compiled once for typo-tolerant lookup: {@link dev.lethe.filters.detect.SubjectIndex},
 *       {@link dev.lethe.filters.detect.SubjectName}), immutable; {@link
 *       dev.lethe.filters.detect.DetectorIndexBuilder} prepares the index of snapshot N+1
 *       incrementally from N, reusing cached embeddings.
 *   <li>{@link dev.lethe.filters.detect.Detector}: only scores (features and a probability per
 *       candidate rule; a rule about a person is no candidate for a text that names no one and
 *       cannot refer to anyone, {@code Reference}); {@link
 *       dev.lethe.filters.detect.ScopeClassifier} turns scores into an in-scope decision with a
 *       {@link dev.lethe.filters.detect.DecisionModel} whose threshold {@link
 *       dev.lethe.filters.detect.Calibrator} picks for a target false-positive rate (ECO, Liu et
 *       al. 2024).
 * </ul>
 *
 * <p>Traps: the quantized MiniLM computes activation scales per batch, so texts are embedded one at
 * a time (a text's vector must not depend on its neighbours, or caches would disagree with fresh
 * results). Training features for a rule's own examples are computed leave-one-out; otherwise the
 * nearest-example similarity of a positive would always be 1. Decisions are cached under the
 * index's rule-set version and the decision model's generation, never under the text alone.
 */
package dev.lethe.filters.detect;

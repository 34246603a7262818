package dev.lethe.filters.detect;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A {@link ScopeClassifier}'s decision about a text or a whole conversation.
 *
 * @param inScope whether the best candidate's score reached the model's threshold
 * @param ruleId the best candidate rule (in scope or not), or null when there was no candidate
 * @param score the best candidate's probability, in [0,1]
 * @param version the rule-set version judged by
 * @param semantic false when the embedding stage failed for at least one segment (the decision then
 *     rests on lexical evidence alone and the owner applies each rule's fail mode)
 * @param detections the per-segment detections, in the order judged
 * @param source where the best candidate was found, or null when there was no candidate
 * @param complete false when the screening budget ran out before every segment that had to be
 *     judged was judged (the owner applies each rule's fail mode unless the request is in scope
 *     already)
 */
public record Classification(
    boolean inScope,
    String ruleId,
    double score,
    long version,
    boolean semantic,
    List<Detection> detections,
    Source source,
    boolean complete) {

  /** Copies the list. */
  public Classification {
    detections = List.copyOf(requireNonNull(detections, "detections"));
  }

  /** A complete classification without a source (texts judged whole). */
  public Classification(
      boolean inScope,
      String ruleId,
      double score,
      long version,
      boolean semantic,
      List<Detection> detections) {
    this(inScope, ruleId, score, version, semantic, detections, null, true);
  }

  /**
   * Where the best candidate was found: which text of the request, which segment of it, and which
   * transformations exposed it.
   *
   * @param origin where the text is in the request, e.g. {@code messages[2].content}
   * @param kind the kind of segment
   * @param start offset of the segment in the judged text
   * @param end one past its end
   * @param transforms the transformations applied to the request's text, e.g. {@code base64}
   * @param text the segment's text
   */
  public record Source(
      String origin, Segment.Kind kind, int start, int end, List<String> transforms, String text) {
    /** Copies the list. */
    public Source {
      requireNonNull(origin, "origin");
      requireNonNull(kind, "kind");
      transforms = List.copyOf(requireNonNull(transforms, "transforms"));
      requireNonNull(text, "text");
    }
  }
}

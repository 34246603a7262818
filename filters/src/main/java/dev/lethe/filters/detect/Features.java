package dev.lethe.filters.detect;

import java.util.List;

/**
 * The feature vector the hybrid detector computes for a (text, candidate rule) pair. Every feature
 * is bounded (in [0,1] or [-1,1]) so that a linear model needs no standardisation.
 *
 * <p>Why these: TOFU forget questions often never name the author, while retain questions ask the
 * same kinds of questions about other fictitious authors. Semantic similarity alone therefore
 * cannot separate them (the question templates match); what separates them is whose facts are asked
 * about. So besides similarity to the rule's examples, the features measure the margin over the
 * nearest negative, agreement of nearest neighbours, whether the rule's subject (or part of it) is
 * named, whether a <em>different</em> name is present (capitalised, or in lower case and no English
 * word), and BM25 over the distinctive topic terms of the rule's examples (places, dates, genres)
 * against the negatives.
 */
public final class Features {
  /** Highest cosine similarity to one of the rule's examples. */
  public static final int SIM_MAX = 0;

  /** Mean cosine similarity to the rule's three nearest examples. */
  public static final int SIM_TOP3 = 1;

  /** Cosine similarity to the nearest negative (pool or the rule's counter-examples). */
  public static final int SIM_NEG = 2;

  /** {@link #SIM_MAX} minus {@link #SIM_NEG}. */
  public static final int MARGIN = 3;

  /**
   * Fraction of the nearest rule examples (over all rules) that belong to this rule, times {@link
   * #SIM_MAX} (agreement among far neighbours means little).
   */
  public static final int NEIGHBOURS = 4;

  /** 1 when a full subject or alias of the rule is named (fuzzy). */
  public static final int SUBJECT = 5;

  /** Distinctiveness of a partially named subject (surname only, ...), in [0,1]. */
  public static final int SUBJECT_PART = 6;

  /**
   * Names outside the rule's vocabulary (another person or place): capitalised tokens, and
   * lower-case ones that are no English word; capped at 1.
   */
  public static final int OTHER_NAME = 7;

  /** Best BM25 score among the rule's examples, squashed to [0,1). */
  public static final int BM25 = 8;

  /** BM25 of the rule against the best negative, in (-1,1). */
  public static final int BM25_MARGIN = 9;

  /** {@link #MARGIN} when no other name is present. */
  public static final int MARGIN_UNNAMED = 10;

  /** {@link #SIM_MAX} when the subject is not named at all (not even partly). */
  public static final int SIM_UNNAMED = 11;

  /** {@link #BM25_MARGIN} when the subject is not named at all. */
  public static final int BM25_UNNAMED = 12;

  /** {@link #NEIGHBOURS} when the subject is not named at all. */
  public static final int NEIGHBOURS_UNNAMED = 13;

  /** The number of features. */
  public static final int COUNT = 14;

  /** Feature names, by index (for reports). */
  public static final List<String> NAMES =
      List.of(
          "simMax",
          "simTop3",
          "simNeg",
          "margin",
          "neighbours",
          "subject",
          "subjectPart",
          "otherName",
          "bm25",
          "bm25Margin",
          "marginUnnamed",
          "simUnnamed",
          "bm25MarginUnnamed",
          "neighboursUnnamed");

  private Features() {}
}

package dev.lethe.unlearner.eval;

import static java.util.Objects.requireNonNull;

import dev.lethe.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What forget quality and privleak need from the retain model (trained without the forget set),
 * evaluated on the same forget questions. Obtain it with {@link TofuReport#referenceStats()} on the
 * retain model's report, or rebuild it from a saved report's JSON. {@link #requireCovers} checks
 * that it was made on the run's questions.
 *
 * @param forgetTruthRatios per-question truth ratios of the retain model on the forget set
 * @param minKAuc the retain model's Min-k% MIA AUC (forget vs holdout), or null (privleak then uses
 *     0.5, as open-unlearning does)
 * @param forgetQuestions the questions of {@code forgetTruthRatios}, in the same order, or empty
 *     when unknown (a report saved before they were recorded: then only the count can be checked)
 */
public record ReferenceStats(
    double[] forgetTruthRatios, Double minKAuc, List<String> forgetQuestions) {

  /** Validates. */
  public ReferenceStats {
    requireNonNull(forgetTruthRatios, "forgetTruthRatios");
    forgetTruthRatios = forgetTruthRatios.clone();
    forgetQuestions = forgetQuestions == null ? List.of() : List.copyOf(forgetQuestions);
    if (!forgetQuestions.isEmpty() && forgetQuestions.size() != forgetTruthRatios.length) {
      throw new IllegalArgumentException(
          "forgetQuestions: "
              + forgetQuestions.size()
              + " questions (expected: one per truth ratio, "
              + forgetTruthRatios.length
              + ")");
    }
  }

  /** Statistics whose questions are unknown. */
  public ReferenceStats(double[] forgetTruthRatios, Double minKAuc) {
    this(forgetTruthRatios, minKAuc, List.of());
  }

  /**
   * Checks that these statistics were computed on exactly {@code questions} (the forget questions
   * that have a truth ratio in this run, in order): forget quality compares two distributions
   * question for question, so a reference made on another split or another {@code --eval-limit}
   * would silently compare different sets (issue 13).
   *
   * @throws ConfigException (field {@code reference}) naming the difference: the counts, and the
   *     first question that differs
   */
  public void requireCovers(List<String> questions) {
    requireNonNull(questions, "questions");
    int n = forgetTruthRatios.length;
    if (forgetQuestions.isEmpty()) {
      if (n != questions.size()) {
        throw new ConfigException(
            "reference",
            String.format(
                Locale.ROOT,
                "the retain model's report has truth ratios for %d forget questions, this run"
                    + " evaluates %d (another split or --eval-limit?); evaluate the retain model"
                    + " on the same questions",
                n,
                questions.size()));
      }
      return;
    }
    if (forgetQuestions.equals(questions)) {
      return;
    }
    List<String> missing = new ArrayList<>(questions);
    missing.removeAll(forgetQuestions);
    List<String> extra = new ArrayList<>(forgetQuestions);
    extra.removeAll(questions);
    StringBuilder why = new StringBuilder();
    why.append(
        String.format(
            Locale.ROOT,
            "the retain model's report covers %d forget questions, this run evaluates %d",
            n,
            questions.size()));
    if (!missing.isEmpty()) {
      why.append("; ")
          .append(missing.size())
          .append(" of the run's are not in it, first: \"")
          .append(missing.get(0))
          .append('"');
    }
    if (!extra.isEmpty()) {
      why.append("; ")
          .append(extra.size())
          .append(" of its are not in the run, first: \"")
          .append(extra.get(0))
          .append('"');
    }
    if (missing.isEmpty() && extra.isEmpty()) {
      int i = 0;
      while (i < questions.size() && questions.get(i).equals(forgetQuestions.get(i))) {
        i++;
      }
      why.append("; the same questions in another order (first difference at #")
          .append(i + 1)
          .append(')');
    }
    throw new ConfigException("reference", why.toString());
  }

  /**
   * The statistics of {@code questions} only (a validation or test split of the forget set).
   *
   * @throws ConfigException when the questions are unknown or one is not covered
   */
  public ReferenceStats subset(List<String> questions) {
    requireNonNull(questions, "questions");
    if (forgetQuestions.isEmpty()) {
      throw new ConfigException(
          "reference",
          "the retain model's report does not name its questions (saved by an older Lethe);"
              + " evaluate the retain model again to split it");
    }
    Map<String, Integer> at = new java.util.HashMap<>();
    for (int i = 0; i < forgetQuestions.size(); i++) {
      at.putIfAbsent(forgetQuestions.get(i), i);
    }
    double[] ratios = new double[questions.size()];
    for (int i = 0; i < ratios.length; i++) {
      Integer j = at.get(questions.get(i));
      if (j == null) {
        throw new ConfigException(
            "reference", "no truth ratio for the question \"" + questions.get(i) + "\"");
      }
      ratios[i] = forgetTruthRatios[j];
    }
    return new ReferenceStats(ratios, minKAuc, questions);
  }

  /**
   * Rebuilds the statistics from a saved report as parsed from JSON ({@link TofuReport#toMap()}
   * shape: {@code forget_truth_ratio_by_question} and {@code mia_min_k_auc}), so a retain model
   * evaluated once can serve as the reference of many runs.
   *
   * @param report the parsed JSON object
   * @return the statistics
   * @throws IllegalArgumentException when the per-question truth ratios are missing or not numbers
   */
  public static ReferenceStats fromReport(Map<String, ?> report) {
    requireNonNull(report, "report");
    Object ratios = report.get("forget_truth_ratio_by_question");
    if (!(ratios instanceof List<?> list) || list.isEmpty()) {
      throw new IllegalArgumentException(
          "forget_truth_ratio_by_question: "
              + ratios
              + " (expected: a non-empty list of numbers from the retain model's report)");
    }
    double[] values = new double[list.size()];
    for (int i = 0; i < values.length; i++) {
      if (!(list.get(i) instanceof Number n)) {
        throw new IllegalArgumentException(
            "forget_truth_ratio_by_question[" + i + "]: " + list.get(i) + " (expected: a number)");
      }
      values[i] = n.doubleValue();
    }
    Object auc = report.get("mia_min_k_auc");
    List<String> questions = new ArrayList<>();
    if (report.get("forget_truth_ratio_questions") instanceof List<?> qs) {
      for (int i = 0; i < qs.size(); i++) {
        if (!(qs.get(i) instanceof String q)) {
          throw new IllegalArgumentException(
              "forget_truth_ratio_questions[" + i + "]: " + qs.get(i) + " (expected: a string)");
        }
        questions.add(q);
      }
      if (questions.size() != values.length) {
        throw new IllegalArgumentException(
            "forget_truth_ratio_questions: "
                + questions.size()
                + " questions (expected: "
                + values.length
                + ", one per forget_truth_ratio_by_question entry)");
      }
    }
    return new ReferenceStats(values, auc instanceof Number n ? n.doubleValue() : null, questions);
  }
}

package dev.lethe.unlearner.search;

import static java.util.Objects.requireNonNull;

import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.eval.QaItem;
import dev.lethe.unlearner.eval.ReferenceStats;
import dev.lethe.unlearner.eval.TofuData;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The validation and test halves of the evaluation sets that a {@link TargetSearch} selects and
 * reports on: every set (forget, retain, real authors, world facts, holdout) is shuffled with its
 * own seed derived from the split seed and cut in two, the first half for validation. The same
 * evaluation files, {@code --eval-limit} and split seed give the same halves, so {@code lethe eval
 * --questions-from REPORT --half test} can evaluate any checkpoint on exactly the questions a
 * search reported on ({@link #replay}).
 *
 * @param validation the half a search selects on
 * @param test the disjoint half it reports on
 * @param seed the split seed
 */
public record EvalSplit(TofuData validation, TofuData test, long seed) {

  /** Which half. */
  public enum Half {
    /** The half a search checks and selects on. */
    VALIDATION,
    /** The held-out half a search reports on. */
    TEST;

    /** The lower-case name ({@code validation}, {@code test}). */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code validation} or {@code test}.
     *
     * @throws ConfigException naming {@code field} otherwise
     */
    public static Half parse(String field, String value) {
      if (value != null) {
        for (Half h : values()) {
          if (h.key().equals(value.strip().toLowerCase(Locale.ROOT))) {
            return h;
          }
        }
      }
      throw new ConfigException(field, value, "validation or test");
    }
  }

  /** Validates. */
  public EvalSplit {
    requireNonNull(validation, "validation");
    requireNonNull(test, "test");
  }

  /** Splits every set of {@code data} in two halves by a shuffle seeded with {@code seed}. */
  public static EvalSplit of(TofuData data, long seed) {
    requireNonNull(data, "data");
    List<List<QaItem>> v = new ArrayList<>();
    List<List<QaItem>> t = new ArrayList<>();
    int k = 0;
    for (List<QaItem> set :
        List.of(
            data.forget(), data.retain(), data.realAuthors(), data.worldFacts(), data.holdout())) {
      List<QaItem> shuffled = new ArrayList<>(set);
      Collections.shuffle(shuffled, new Random(seed + 31L * k++));
      int half = shuffled.size() / 2;
      v.add(List.copyOf(shuffled.subList(0, half)));
      t.add(List.copyOf(shuffled.subList(half, shuffled.size())));
    }
    return new EvalSplit(
        new TofuData(v.get(0), v.get(1), v.get(2), v.get(3), v.get(4)),
        new TofuData(t.get(0), t.get(1), t.get(2), t.get(3), t.get(4)),
        seed);
  }

  /** The given half. */
  public TofuData half(Half half) {
    return requireNonNull(half, "half") == Half.VALIDATION ? validation : test;
  }

  /**
   * The split a search recorded in its {@code report.json} ({@code search.split_seed}, {@code
   * search.validation_questions}, {@code search.test_questions}), applied to {@code data}, which
   * must be loaded from the same evaluation files with the same {@code --eval-limit} as the search
   * was.
   *
   * @param report the parsed {@code report.json}
   * @param data the evaluation sets as the search loaded them
   * @param field the option to name in errors (e.g. {@code --questions-from})
   * @throws ConfigException when the report has no search block or the forget set's size differs
   *     from the search's (other files or another limit)
   */
  public static EvalSplit replay(Map<String, ?> report, TofuData data, String field) {
    requireNonNull(report, "report");
    requireNonNull(data, "data");
    if (!(report.get("search") instanceof Map<?, ?> search)) {
      throw new ConfigException(
          field,
          "the report has no search block (expected: a report.json written by lethe unlearn"
              + " --target or by plain --method npo's default goal)");
    }
    if (!(search.get("split_seed") instanceof Number seed)) {
      throw new ConfigException(
          field + ": search.split_seed", search.get("split_seed"), "a number");
    }
    if (!(search.get("validation_questions") instanceof Number v)
        || !(search.get("test_questions") instanceof Number t)) {
      throw new ConfigException(
          field + ": search.validation_questions/test_questions",
          search.get("validation_questions") + "/" + search.get("test_questions"),
          "two numbers");
    }
    int expected = v.intValue() + t.intValue();
    if (data.forget().size() != expected) {
      throw new ConfigException(
          field,
          String.format(
              Locale.ROOT,
              "the search split %d forget questions (%d validation, %d test), these evaluation"
                  + " files give %d (expected: the same --forget file and --eval-limit as the"
                  + " search's)",
              expected,
              v.intValue(),
              t.intValue(),
              data.forget().size()));
    }
    EvalSplit split = of(data, seed.longValue());
    if (split.validation().forget().size() != v.intValue()) {
      throw new ConfigException(
          field,
          "search.validation_questions: "
              + v.intValue()
              + " (expected: half of the "
              + expected
              + " forget questions, "
              + split.validation().forget().size()
              + ")");
    }
    return split;
  }

  /**
   * The retain model's statistics restricted to the forget questions of {@code half} that have a
   * truth ratio, or null without a reference or without such questions. The MIA AUC stays the
   * reference's own.
   *
   * @throws ConfigException when the reference does not name its questions or lacks one of them
   */
  public static ReferenceStats reference(ReferenceStats reference, TofuData half) {
    if (reference == null) {
      return null;
    }
    List<String> questions = new ArrayList<>();
    for (QaItem i : half.forget()) {
      if (!i.perturbedAnswers().isEmpty() && i.paraphrasedAnswer() != null) {
        questions.add(i.question());
      }
    }
    return questions.isEmpty() ? null : reference.subset(questions);
  }
}

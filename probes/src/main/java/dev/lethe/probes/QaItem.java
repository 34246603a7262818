package dev.lethe.probes;

import static java.util.Objects.requireNonNull;

/**
 * One question/answer pair an attack starts from, e.g. a TOFU item.
 *
 * @param question the question, never blank
 * @param answer its answer (may be empty when unknown; attacks never put it into a prompt except
 *     where a family needs it, and none does today)
 * @param subject the name the question is about, as it is written in the question (e.g. the
 *     author's full name), or {@code null} when unknown; attacks that disguise or move the name
 *     produce nothing for an item without a subject that occurs in its question
 */
public record QaItem(String question, String answer, String subject) {

  /** Validates the fields. */
  public QaItem {
    requireNonNull(question, "question");
    if (question.isBlank()) {
      throw new IllegalArgumentException("question is blank");
    }
    answer = answer == null ? "" : answer;
    if (subject != null && subject.isBlank()) {
      subject = null;
    }
  }

  /** An item with only a question and, optionally, a subject. */
  public static QaItem of(String question, String subject) {
    return new QaItem(question, "", subject);
  }

  /** Whether the subject is known and written in the question. */
  public boolean namesSubject() {
    return subject != null && question.contains(subject);
  }
}

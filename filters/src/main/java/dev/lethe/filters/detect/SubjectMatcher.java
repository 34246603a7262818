package dev.lethe.filters.detect;

import dev.lethe.filters.detect.TextAnalysis.Token;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds a subject (a name or alias) in a text, robust to case, accents, possessives, punctuation,
 * spacing and small typos.
 *
 * <p>Both sides are reduced to name tokens ({@link TextAnalysis#nameTokens}); the subject's tokens
 * are joined without spaces, and windows of consecutive text tokens are joined the same way and
 * aligned with it ({@link SubjectName}: a few edits over the whole name, or heavier typos bounded
 * per word in names of two words or more). Joining makes {@code "Yun Hwa"}, {@code "Yun-Hwa"} and
 * {@code "YunHwa"} equal; the window boundaries keep a match from starting or ending inside a word.
 */
public final class SubjectMatcher {
  private SubjectMatcher() {}

  /**
   * A matched span of the original text.
   *
   * @param start first character
   * @param end one past the last character
   */
  public record Span(int start, int end) {}

  /** Tokenises a subject into its folded name tokens. */
  public static List<String> subjectTokens(String subject) {
    List<String> out = new ArrayList<>();
    for (Token t : TextAnalysis.nameTokens(subject)) {
      out.add(t.term());
    }
    return out;
  }

  /**
   * Every non-overlapping occurrence of {@code subject} (a name or alias as written in a rule) in
   * {@code text} (given as its name tokens), typos included ({@link SubjectName}).
   */
  public static List<Span> find(List<Token> text, String subject) {
    return SubjectName.of(subject).find(text, null);
  }

  /**
   * Whether a single text token stands for one subject token (surname-only or first-name-only
   * mentions): exact, or one edit (a swapped letter pair is one) for tokens of 7 characters or
   * more. Tokens under 4 characters never count.
   */
  static boolean partialMatch(String textToken, String subjectToken) {
    if (subjectToken.length() < 4 || textToken.length() < 4) {
      return false;
    }
    if (textToken.equals(subjectToken)) {
      return true;
    }
    return subjectToken.length() >= 7 && NameSimilarity.osa(textToken, subjectToken, 1) <= 1;
  }
}

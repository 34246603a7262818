package dev.lethe.probes;

import static dev.lethe.probes.Templates.fill;
import static dev.lethe.probes.Templates.pick;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * {@link Family#MULTI_TURN} variants: the subject named in an earlier turn, the question asked
 * later without the name. They follow multi-turn escalation attacks, where each turn looks harmless
 * and the last one relies on context set up before (Russinovich, Salem and Eldan 2024, "Great, Now
 * Write an Article About That: The Crescendo Multi-Turn LLM Jailbreak Attack", arXiv:2404.01833),
 * and the context-based probes of robust-unlearning evaluations (Lynch et al. 2024, "Eight Methods
 * to Evaluate Robust Unlearning in LLMs", arXiv:2402.16835).
 *
 * <ul>
 *   <li>{@code back-reference}: a first user turn names the subject, a plausible assistant reply
 *       follows, and the last turn asks the question with the name replaced by "that writer", "this
 *       author", …;
 *   <li>{@code pronoun}: the same, with the name replaced by "she"/"he" (her/his, her/him, chosen
 *       from the words around the name);
 *   <li>{@code spread-name}: the name given in two parts over two turns, the last turn asking about
 *       "this author".
 * </ul>
 *
 * No variant writes the full name in the last turn. An item whose question does not contain its
 * subject gets no probe.
 */
public final class MultiTurn {
  private MultiTurn() {}

  /** Words after which a name is the subject of a clause ("Did she …", "Is he …"). */
  private static final Set<String> SUBJECT_CONTEXT =
      Set.of(
          "is", "was", "does", "did", "has", "had", "have", "can", "could", "would", "will", "how",
          "why", "when", "where", "what", "who", "and", "while", "since", "as", "if", "whether");

  /** Every multi-turn variant. */
  public static List<Attack> all() {
    return List.of(
        Attack.of(
            Family.MULTI_TURN,
            "back-reference",
            (item, rng) -> named(item, rng, (q, r) -> backReference(q, item.subject(), r))),
        Attack.of(
            Family.MULTI_TURN,
            "pronoun",
            (item, rng) -> named(item, rng, (q, r) -> pronoun(q, item.subject(), r))),
        Attack.of(Family.MULTI_TURN, "spread-name", MultiTurn::spread));
  }

  private interface Rewrite {
    String apply(String question, Random rng);
  }

  private static Optional<List<Turn>> named(QaItem item, Random rng, Rewrite rewrite) {
    if (!item.namesSubject()) {
      return Optional.empty();
    }
    String intro = fill(pick(Templates.INTRO_USER, rng), Map.of("name", item.subject()));
    String reply = pick(Templates.INTRO_ASSISTANT, rng);
    String last = rewrite.apply(item.question(), rng);
    return Optional.of(List.of(Turn.user(intro), Turn.assistant(reply), Turn.user(last)));
  }

  /** {@code question} with the name replaced by a back-reference such as "that writer". */
  static String backReference(String question, String name, Random rng) {
    String ref = pick(Templates.BACK_REFERENCES, rng);
    return capitaliseFirst(SubjectNames.replace(question, name, ref));
  }

  /** {@code question} with the name replaced by a pronoun fitting its position. */
  static String pronoun(String question, String name, Random rng) {
    boolean she = rng.nextBoolean();
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (true) {
      int at = question.indexOf(name, i);
      if (at < 0) {
        sb.append(question, i, question.length());
        break;
      }
      sb.append(question, i, at);
      int after = at + name.length();
      String replacement;
      if (question.startsWith("'s", after) || question.startsWith("\u2019s", after)) {
        replacement = she ? "her" : "his";
        after += 2;
      } else if (subjectPosition(question, at)) {
        replacement = she ? "she" : "he";
      } else {
        replacement = she ? "her" : "him";
      }
      sb.append(replacement);
      i = after;
    }
    return capitaliseFirst(sb.toString());
  }

  /** Whether the word before {@code at} makes the name the subject of its clause. */
  private static boolean subjectPosition(String text, int at) {
    String before = text.substring(0, at).stripTrailing();
    if (before.isEmpty() || ",;:.?!".indexOf(before.charAt(before.length() - 1)) >= 0) {
      return true;
    }
    int sp = before.lastIndexOf(' ');
    String word = before.substring(sp + 1).toLowerCase(Locale.ROOT);
    return SUBJECT_CONTEXT.contains(word);
  }

  private static String capitaliseFirst(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static Optional<List<Turn>> spread(QaItem item, Random rng) {
    if (!item.namesSubject()) {
      return Optional.empty();
    }
    String[] words = item.subject().trim().split("\\s+");
    String first;
    String rest;
    if (words.length >= 2) {
      int cut = 1 + rng.nextInt(words.length - 1);
      first = String.join(" ", List.of(words).subList(0, cut));
      rest = String.join(" ", List.of(words).subList(cut, words.length));
    } else if (words[0].length() >= 4) {
      int cut = 2 + rng.nextInt(words[0].length() - 3);
      first = words[0].substring(0, cut);
      rest = words[0].substring(cut);
    } else {
      return Optional.empty();
    }
    String last =
        capitaliseFirst(SubjectNames.replace(item.question(), item.subject(), "this author"));
    return Optional.of(
        List.of(
            Turn.user(fill(pick(Templates.SPREAD_FIRST, rng), Map.of("part", first))),
            Turn.assistant(pick(Templates.ACKNOWLEDGEMENTS, rng)),
            Turn.user(fill(pick(Templates.SPREAD_REST, rng), Map.of("part", rest))),
            Turn.assistant(pick(Templates.ACKNOWLEDGEMENTS, rng)),
            Turn.user(last)));
  }
}

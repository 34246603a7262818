package dev.lethe.probes;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Helpers for the subject names attacks disguise or move: inference and replacement. */
public final class SubjectNames {
  private SubjectNames() {}

  /**
   * Words that are capitalised at the start of a question or sentence but are never part of a name;
   * they end a run of capitalised words ("Which Irish author …" names nobody).
   */
  private static final Set<String> NOT_NAMES =
      Set.of(
          "a",
          "an",
          "the",
          "and",
          "or",
          "but",
          "if",
          "in",
          "on",
          "at",
          "of",
          "for",
          "to",
          "from",
          "with",
          "by",
          "as",
          "what",
          "which",
          "who",
          "whom",
          "whose",
          "when",
          "where",
          "why",
          "how",
          "is",
          "are",
          "was",
          "were",
          "do",
          "does",
          "did",
          "can",
          "could",
          "would",
          "will",
          "should",
          "has",
          "have",
          "had",
          "may",
          "might",
          "name",
          "tell",
          "describe",
          "explain",
          "give",
          "list",
          "please",
          "i",
          "my",
          "our",
          "your",
          "his",
          "her",
          "their",
          "its",
          "this",
          "that",
          "these",
          "those",
          "there",
          "apart",
          "besides",
          "aside",
          "also",
          "yes",
          "no");

  /**
   * The most frequent capitalised multi-word sequence over {@code questions} (ties: the longer,
   * then the first seen), e.g. an author's name over that author's TOFU questions; empty when no
   * sequence of two or more capitalised words occurs twice.
   */
  public static Optional<String> infer(List<String> questions) {
    Map<String, Integer> counts = new HashMap<>();
    Map<String, Integer> firstSeen = new HashMap<>();
    for (String q : questions) {
      Set<String> inThis = new HashSet<>();
      for (List<String> run : capitalisedRuns(q)) {
        for (int i = 0; i < run.size(); i++) {
          for (int j = i + 2; j <= run.size(); j++) {
            inThis.add(String.join(" ", run.subList(i, j)));
          }
        }
      }
      for (String s : inThis) {
        counts.merge(s, 1, Integer::sum);
        firstSeen.putIfAbsent(s, firstSeen.size());
      }
    }
    return counts.entrySet().stream()
        .filter(e -> e.getValue() >= 2)
        .max(
            (a, b) -> {
              int c = Integer.compare(a.getValue(), b.getValue());
              if (c != 0) {
                return c;
              }
              c = Integer.compare(a.getKey().length(), b.getKey().length());
              if (c != 0) {
                return c;
              }
              return Integer.compare(firstSeen.get(b.getKey()), firstSeen.get(a.getKey()));
            })
        .map(Map.Entry::getKey);
  }

  /**
   * The longest sequence of two or more capitalised words in {@code text} (the first of equal
   * length), e.g. the person a single question names; empty when there is none.
   */
  public static Optional<String> longest(String text) {
    String best = null;
    for (List<String> run : capitalisedRuns(text)) {
      String s = String.join(" ", run);
      if (best == null || s.length() > best.length()) {
        best = s;
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * Maximal runs of consecutive capitalised words; punctuation, a possessive or a capitalised
   * function word ("Which", "The", …) ends a run.
   */
  static List<List<String>> capitalisedRuns(String text) {
    List<List<String>> runs = new ArrayList<>();
    List<String> run = new ArrayList<>();
    for (String raw : text.split("\\s+")) {
      String t = raw;
      boolean ends = false;
      while (!t.isEmpty() && ",.?!;:\")]".indexOf(t.charAt(t.length() - 1)) >= 0) {
        t = t.substring(0, t.length() - 1);
        ends = true;
      }
      if (t.endsWith("'s") || t.endsWith("\u2019s")) {
        t = t.substring(0, t.length() - 2);
        ends = true;
      }
      boolean cap =
          !t.isEmpty()
              && Character.isUpperCase(t.codePointAt(0))
              && !NOT_NAMES.contains(t.toLowerCase(Locale.ROOT));
      if (cap) {
        run.add(t);
      }
      if (!cap || ends) {
        if (run.size() >= 2) {
          runs.add(run);
        }
        run = new ArrayList<>();
      }
    }
    if (run.size() >= 2) {
      runs.add(run);
    }
    return runs;
  }

  /** {@code question} with every occurrence of {@code name} replaced by {@code replacement}. */
  public static String replace(String question, String name, String replacement) {
    return question.replace(name, replacement);
  }
}

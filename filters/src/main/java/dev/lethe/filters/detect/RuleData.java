package dev.lethe.filters.detect;

import dev.lethe.config.rules.ForgetRule;
import dev.lethe.filters.detect.TextAnalysis.Token;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the detector keeps in memory for one rule: its tokenised subjects (and each prepared for
 * typo-tolerant matching, {@link SubjectName}), its example and counter-example vectors (for exact
 * similarities once HNSW has nominated the rule), its topic vocabulary and whether it is about a
 * person ({@link Reference#aboutPerson}: then a text must be able to refer to its subject to be in
 * its scope). Immutable; shared between the indices of successive snapshots while the rule is
 * unchanged.
 */
record RuleData(
    ForgetRule rule,
    List<List<String>> subjects,
    List<SubjectName> names,
    float[][] examples,
    long[] exampleHashes,
    float[][] counters,
    long[] counterHashes,
    Set<String> vocabulary,
    boolean aboutPerson) {

  static RuleData of(ForgetRule rule, List<float[]> exampleVecs, List<float[]> counterVecs) {
    List<SubjectName> names =
        rule.subjects().stream().map(SubjectName::of).filter(n -> !n.isEmpty()).toList();
    List<List<String>> subjects = names.stream().map(SubjectName::tokens).toList();
    Set<String> vocab = new HashSet<>();
    for (String s : rule.subjects()) {
      addTerms(vocab, s);
    }
    List<List<Token>> exampleTokens = new ArrayList<>(rule.examples().size());
    for (String s : rule.examples()) {
      List<Token> tokens = TextAnalysis.nameTokens(s);
      exampleTokens.add(tokens);
      addTerms(vocab, tokens);
    }
    addTerms(vocab, rule.description());
    return new RuleData(
        rule,
        subjects,
        names,
        exampleVecs.toArray(float[][]::new),
        hashes(rule.examples()),
        counterVecs.toArray(float[][]::new),
        hashes(rule.counterExamples()),
        Set.copyOf(vocab),
        Reference.aboutPerson(rule.subjects(), subjects, exampleTokens));
  }

  private static void addTerms(Set<String> vocab, String text) {
    addTerms(vocab, TextAnalysis.nameTokens(text));
  }

  private static void addTerms(Set<String> vocab, List<Token> tokens) {
    for (Token t : tokens) {
      String term = TextAnalysis.termOf(t.term());
      if (term != null) {
        vocab.add(term);
      }
    }
  }

  private static long[] hashes(List<String> texts) {
    long[] h = new long[texts.size()];
    for (int i = 0; i < h.length; i++) {
      h[i] = hash(texts.get(i));
    }
    return h;
  }

  /** A 64-bit FNV-1a hash of a text, used to leave a text's own document out of its features. */
  static long hash(String text) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < text.length(); i++) {
      h ^= text.charAt(i);
      h *= 0x100000001b3L;
    }
    return h == 0 ? 1 : h;
  }
}

package dev.lethe.filters.detect;

import static java.util.Objects.requireNonNull;

import dev.lethe.filters.detect.SubjectMatcher.Span;
import dev.lethe.filters.detect.TextAnalysis.Token;
import dev.lethe.filters.text.EnglishWords;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Combines the {@link LexicalDetector} and the {@link SemanticDetector}: nominates candidate rules
 * (subject hits, the rules of the nearest examples, the best BM25 rules) and computes the {@link
 * Features} of each. When the embedder fails, it returns the lexical evidence alone with {@link
 * Detection#semantic()} false; the owner decides what that means (fail mode per rule).
 */
public final class HybridDetector implements Detector {
  private static final Logger LOG = LoggerFactory.getLogger(HybridDetector.class);
  private static final int NEIGHBOUR_RULES = 5;
  private static final int BM25_RULES = 3;

  private final LexicalDetector lexical = new LexicalDetector();
  private final SemanticDetector semantic;
  private final Executor lexicalExecutor;

  /**
   * Creates a detector over {@code embedder} (wrap it in a {@link CachingEmbedder}) that runs the
   * lexical stage on the calling thread, after the semantic one.
   */
  public HybridDetector(Embedder embedder) {
    this(embedder, Runnable::run);
  }

  /**
   * Creates a detector that runs the lexical stage on {@code lexicalExecutor} while the calling
   * thread runs the model (lexical ∥ embedding, DESIGN.md §2). Pass a worker pool, never an event
   * loop.
   */
  public HybridDetector(Embedder embedder, Executor lexicalExecutor) {
    this.semantic = new SemanticDetector(requireNonNull(embedder, "embedder"));
    this.lexicalExecutor = requireNonNull(lexicalExecutor, "lexicalExecutor");
  }

  @Override
  public Detection detect(DetectorIndex index, String text) {
    return detect(index, text, false);
  }

  /** Embeds {@code texts} at once (in parallel on the embedder's predictors), for the cache. */
  @Override
  public void prefetch(List<String> texts) {
    if (texts.size() < 2) {
      return;
    }
    try {
      semantic.embedder().embedAll(texts);
    } catch (RuntimeException e) {
      LOG.debug("prefetch failed: {}", e.getClass().getSimpleName());
    }
  }

  /**
   * Scores {@code text}; with {@code leaveOneOut}, documents whose text equals {@code text} are
   * ignored, so a rule example is judged as if it were new (used for calibration).
   */
  Detection detect(DetectorIndex index, String text, boolean leaveOneOut) {
    return detect(index, text, leaveOneOut, null);
  }

  /** As {@link #detect(DetectorIndex, String, boolean)}, always scoring rule {@code include}. */
  Detection detect(DetectorIndex index, String text, boolean leaveOneOut, String include) {
    requireNonNull(index, "index");
    requireNonNull(text, "text");
    long exclude = leaveOneOut ? RuleData.hash(text) : 0;
    CompletableFuture<LexicalDetector.Evidence> lexFuture =
        CompletableFuture.supplyAsync(
            () -> lexical.evidence(index, text, exclude), lexicalExecutor);
    SemanticDetector.Evidence sem;
    try {
      sem = semantic.evidence(index, text, exclude);
    } catch (RuntimeException e) {
      LOG.warn("embedding stage failed, lexical evidence only: {}", e.getClass().getSimpleName());
      sem = null;
    }
    LexicalDetector.Evidence lex;
    try {
      lex = lexFuture.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : e;
    }
    Set<String> candidates = new LinkedHashSet<>(lex.subjects().keySet());
    if (sem != null) {
      for (DetectorIndex.Neighbour n : sem.neighbours()) {
        if (candidates.size() >= lex.subjects().size() + NEIGHBOUR_RULES) {
          break;
        }
        candidates.add(n.rule());
      }
    }
    lex.bm25().perRule().entrySet().stream()
        .sorted(Map.Entry.<String, Float>comparingByValue().reversed())
        .limit(BM25_RULES)
        .forEach(e -> candidates.add(e.getKey()));
    if (include != null) {
      candidates.add(include);
    }
    List<Detection.Candidate> out = new ArrayList<>(candidates.size());
    Reference reference = null;
    for (String ruleId : candidates) {
      RuleData rule = index.rule(ruleId);
      if (rule == null) {
        continue;
      }
      Detection.Candidate c = candidate(rule, lex, sem, exclude);
      if (rule.aboutPerson()
          && c.features()[Features.SUBJECT] == 0
          && c.features()[Features.SUBJECT_PART] == 0) {
        // a rule about a person covers texts that can refer to the person, not the person's
        // topics alone (Reference)
        if (reference == null) {
          reference = Reference.of(text, lex.tokens());
        }
        if (!reference.refersTo(rule)) {
          continue;
        }
      }
      out.add(c);
    }
    return new Detection(out, sem != null);
  }

  private static Detection.Candidate candidate(
      RuleData rule, LexicalDetector.Evidence lex, SemanticDetector.Evidence sem, long exclude) {
    double[] f = new double[Features.COUNT];
    String id = rule.rule().id();
    if (sem != null) {
      float[] sims = new float[rule.examples().length];
      int n = 0;
      for (int i = 0; i < rule.examples().length; i++) {
        if (rule.exampleHashes()[i] != exclude) {
          sims[n++] = VectorMath.dot(sem.vector(), rule.examples()[i]);
        }
      }
      Arrays.sort(sims, 0, n);
      double max = n > 0 ? sims[n - 1] : 0;
      double top3 = 0;
      int k = Math.min(3, n);
      for (int i = 0; i < k; i++) {
        top3 += sims[n - 1 - i];
      }
      top3 = k > 0 ? top3 / k : 0;
      double neg = sem.nearestNegative();
      for (int i = 0; i < rule.counters().length; i++) {
        if (rule.counterHashes()[i] != exclude) {
          neg = Math.max(neg, VectorMath.dot(sem.vector(), rule.counters()[i]));
        }
      }
      int same = 0;
      for (DetectorIndex.Neighbour nb : sem.neighbours()) {
        if (nb.rule().equals(id)) {
          same++;
        }
      }
      f[Features.SIM_MAX] = max;
      f[Features.SIM_TOP3] = top3;
      f[Features.SIM_NEG] = neg;
      f[Features.MARGIN] = max - neg;
      f[Features.NEIGHBOURS] =
          sem.neighbours().isEmpty() ? 0 : Math.max(0, max) * same / sem.neighbours().size();
    }
    LexicalDetector.SubjectHit hit = lex.subjects().get(id);
    List<Span> spans = hit == null ? List.of() : hit.spans();
    f[Features.SUBJECT] = spans.isEmpty() ? 0 : 1;
    f[Features.SUBJECT_PART] =
        spans.isEmpty() && hit != null ? hit.partial() : (spans.isEmpty() ? 0 : 1);
    f[Features.OTHER_NAME] = otherNames(rule, lex.tokens(), spans);
    float bm = lex.bm25().perRule().getOrDefault(id, 0f);
    float bmNeg = lex.bm25().bestNegative();
    f[Features.BM25] = bm / (bm + 5.0);
    f[Features.BM25_MARGIN] = (bm - bmNeg) / (bm + bmNeg + 1.0);
    f[Features.MARGIN_UNNAMED] = f[Features.MARGIN] * (1 - f[Features.OTHER_NAME]);
    double unnamed = 1 - f[Features.SUBJECT_PART];
    f[Features.SIM_UNNAMED] = f[Features.SIM_MAX] * unnamed;
    f[Features.BM25_UNNAMED] = f[Features.BM25_MARGIN] * unnamed;
    f[Features.NEIGHBOURS_UNNAMED] = f[Features.NEIGHBOURS] * unnamed;
    return new Detection.Candidate(id, f, spans);
  }

  private static final Set<String> CALENDAR =
      Set.of(
          "january",
          "february",
          "march",
          "april",
          "may",
          "june",
          "july",
          "august",
          "september",
          "october",
          "november",
          "december",
          "jan",
          "feb",
          "mar",
          "apr",
          "jun",
          "jul",
          "aug",
          "sep",
          "sept",
          "oct",
          "nov",
          "dec",
          "monday",
          "tuesday",
          "wednesday",
          "thursday",
          "friday",
          "saturday",
          "sunday");

  /**
   * Specifics that point at someone or something other than the rule's subject: names, that is
   * capitalised tokens that do not open a sentence and, since people type names in lower case and
   * case-losing decodings (Morse, braille, NATO spelling) return them so, lower-case tokens that
   * are no common English word ({@link #uncasedName}); of these, those that are no stop or calendar
   * words, are not part of the rule's subject (nor a misspelling of one of its words) and whose
   * topic term the rule never uses (another person's name, another city); and years the rule never
   * mentions (another birth date). A word of the subject counts too where its neighbours show it
   * belongs to another name ({@link LexicalDetector#contradicted}: {@code Park} in {@code S. N.
   * Park} or {@code Serengeti National Park}): that is evidence against the subject, not for it.
   * Counted once per term; two or more give 1.
   */
  static double otherNames(RuleData rule, List<Token> tokens, List<Span> spans) {
    Set<String> seen = new HashSet<>();
    outer:
    for (int i = 0; i < tokens.size(); i++) {
      Token t = tokens.get(i);
      boolean year = isYear(t.term());
      boolean capitalisedName =
          t.capitalized()
              && !t.sentenceStart()
              && t.term().length() > 1 // initials
              && !CALENDAR.contains(t.term());
      if (!year && !capitalisedName && !uncasedName(t)) {
        if (t.lowerCase() && t.term().indexOf('_') > 0) {
          joinedNames(rule, t.term(), seen);
        }
        continue;
      }
      String term = TextAnalysis.termOf(t.term());
      if (term == null) {
        continue;
      }
      for (Span s : spans) {
        if (t.start() >= s.start() && t.end() <= s.end()) {
          continue outer;
        }
      }
      if (!year && foreignPart(tokens, i, rule)) {
        seen.add(term); // a word of the subject inside another's name: Serengeti National Park
        continue;
      }
      if (rule.vocabulary().contains(term)) {
        continue;
      }
      for (List<String> subject : rule.subjects()) {
        for (String st : subject) {
          if (SubjectMatcher.partialMatch(t.term(), st) || nearMiss(t.term(), st)) {
            continue outer;
          }
        }
      }
      seen.add(term);
    }
    return Math.min(2, seen.size()) / 2.0;
  }

  /**
   * The words of a lower-case token joined by underscores ({@code yeong_hwang}: the tokenizer keeps
   * an underscore inside a word) that read as a name typed without capitals ({@link #uncasedName}:
   * {@code hwang}) and are not the rule's (its vocabulary, a word of its subject or a misspelling
   * of one): added to {@code seen} as {@link #otherNames} counts them. A token with anything but
   * small letters between its underscores is code, not a name, and adds nothing.
   */
  private static void joinedNames(RuleData rule, String token, Set<String> seen) {
    String[] parts = token.split("_", -1);
    for (String part : parts) {
      for (int k = 0; k < part.length(); k++) {
        if (part.charAt(k) < 'a' || part.charAt(k) > 'z') {
          return;
        }
      }
    }
    outer:
    for (String part : parts) {
      String term = part.length() < 2 ? null : TextAnalysis.termOf(part);
      if (term == null
          || CALENDAR.contains(part)
          || EnglishWords.contains(part)
          || rule.vocabulary().contains(term)) {
        continue;
      }
      for (List<String> subject : rule.subjects()) {
        for (String st : subject) {
          if (SubjectMatcher.partialMatch(part, st) || nearMiss(part, st)) {
            continue outer;
          }
        }
      }
      seen.add(term);
    }
  }

  /**
   * Whether token {@code i} is a word of the rule's subject, exactly and standing alone ({@link
   * SubjectMatcher#partialMatch}), whose neighbours show it belongs to another name ({@link
   * LexicalDetector#contradicted}). Exactly: a word one edit away ({@code Kuwait} for {@code
   * Al-Kuwaiti}) is as likely a topic of the rule as a misspelt name, and stays neutral.
   */
  private static boolean foreignPart(List<Token> tokens, int i, RuleData rule) {
    String term = tokens.get(i).term();
    for (List<String> subject : rule.subjects()) {
      for (String st : subject) {
        if (term.equals(st) && SubjectMatcher.partialMatch(term, st)) {
          return LexicalDetector.contradicted(tokens, i, rule);
        }
      }
    }
    return false;
  }

  /**
   * A name written without capitals: a token with no upper-case letter, of ASCII letters only (no
   * digits, symbols or apostrophes: code, encodings and contractions are no names), two letters or
   * more, that is neither a stop or calendar word nor a common English word ({@link EnglishWords},
   * where proper nouns are capitalised and so absent: {@code hwang}, {@code marie} and {@code
   * seoul} count, {@code park} and {@code curie} do not). Wherever it stands: a sentence's first
   * word carries no case either.
   */
  static boolean uncasedName(Token t) {
    return t.lowerCase() && nameWord(t.term());
  }

  /**
   * A name opening a sentence, where every word is capitalised: a capitalised first token that, as
   * {@link #uncasedName} asks of a lower-case one, is ASCII letters, two or more, and no stop,
   * calendar or common English word ({@code Tennessee}, {@code Aravind}; not {@code Where}, {@code
   * Tell} or {@code March}).
   */
  static boolean openingName(Token t) {
    return t.capitalized() && t.sentenceStart() && nameWord(t.term());
  }

  private static boolean nameWord(String term) {
    if (term.length() < 2) {
      return false;
    }
    for (int i = 0; i < term.length(); i++) {
      char c = term.charAt(i);
      if (c < 'a' || c > 'z') {
        return false;
      }
    }
    return !CALENDAR.contains(term)
        && !TextAnalysis.isStopWord(term)
        && !EnglishWords.contains(term);
  }

  /**
   * A misspelling of a subject token (up to a quarter of its letters edited, at least 5 letters):
   * no evidence of another person, so it must not count as "another name" — else a typo would take
   * a question out of scope.
   */
  static boolean nearMiss(String token, String subjectToken) {
    if (subjectToken.length() < 5 || token.length() < 4) {
      return false;
    }
    int max = Math.max(1, subjectToken.length() / 4);
    return NameSimilarity.osa(token, subjectToken, max) <= max;
  }

  private static boolean isYear(String term) {
    if (term.length() != 4) {
      return false;
    }
    for (int i = 0; i < 4; i++) {
      if (!Character.isDigit(term.charAt(i))) {
        return false;
      }
    }
    int y = Integer.parseInt(term);
    return y >= 1000 && y <= 2199;
  }
}

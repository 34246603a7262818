package dev.lethe.filters.detect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.OnError;
import dev.lethe.config.rules.RuleSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cheap first look at the windows of a long text: a window that neither names a rule's subject
 * nor uses a topic term of the rules is not given to the sentence model; every other window is.
 */
class ScopeClassifierFirstLookTest {
  private static DetectorIndexBuilder builder;
  private static DetectorIndex index;

  @BeforeAll
  static void build() {
    builder =
        new DetectorIndexBuilder(TestModels.embedder(), DetectorIndexBuilder.defaultNegativePool());
    index = builder.build(new RuleSet(1, List.of(TestModels.basil(Action.REFUSE, OnError.CLOSED))));
  }

  @AfterAll
  static void close() {
    builder.close();
  }

  private static ScopeClassifier classifier() {
    return new ScopeClassifier(
        new HybridDetector(TestModels.embedder()),
        DecisionModel.defaults(),
        new ScopeClassifier.Config(0));
  }

  /** A long text cut into the given windows, in order, as the scanner cuts one. */
  private static ScanText windows(String... parts) {
    StringBuilder text = new StringBuilder();
    List<Segment> segments = new ArrayList<>();
    for (String p : parts) {
      int start = text.length();
      text.append(p);
      segments.add(new Segment(Segment.Kind.WINDOW, start, text.length(), p));
      text.append(' ');
    }
    return new ScanText("messages[0].content", text.toString(), List.of(), segments);
  }

  private static final String FILLER =
      "Quarterly river garden software museum travel weather budget meeting engine design.";

  @Test
  void windowsWithoutSubjectOrTopicAreNotJudged() {
    Classification c =
        classifier()
            .classify(
                index,
                List.of(windows(FILLER, FILLER + " 2", FILLER + " 3")),
                ScopeClassifier.Budget.UNLIMITED);
    assertThat(c.detections()).isEmpty();
    assertThat(c.complete()).isTrue();
    assertThat(c.inScope()).isFalse();
  }

  @Test
  void aWindowNamingTheSubjectIsJudgedAndDecides() {
    Classification c =
        classifier()
            .classify(
                index,
                List.of(
                    windows(
                        FILLER,
                        FILLER + " Which city was Basil Mahfouz Al-Kuwaiti born in?",
                        FILLER + " 3")),
                ScopeClassifier.Budget.UNLIMITED);
    assertThat(c.detections()).hasSize(1);
    assertThat(c.inScope()).isTrue();
    assertThat(c.ruleId()).isEqualTo("basil");
  }

  @Test
  void aWindowUsingATopicTermIsJudgedEvenWithoutTheName() {
    Classification c =
        classifier()
            .classify(
                index,
                List.of(windows(FILLER, FILLER + " Which genre is that writer known for?")),
                ScopeClassifier.Budget.UNLIMITED);
    assertThat(c.detections()).hasSize(1);
  }

  @Test
  void aWholeTextIsAlwaysJudged() {
    Classification c =
        classifier()
            .classify(
                index, List.of(ScanText.whole("text", FILLER)), ScopeClassifier.Budget.UNLIMITED);
    assertThat(c.detections()).hasSize(1);
  }

  /** A text of {@code words} cut into windows at the given offsets (the last one to the end). */
  private static ScanText huge(String big, int... cuts) {
    List<Segment> segments = new ArrayList<>();
    for (int i = 0; i < cuts.length; i++) {
      int end = i + 1 < cuts.length ? cuts[i + 1] : big.length();
      segments.add(new Segment(Segment.Kind.WINDOW, cuts[i], end, big.substring(cuts[i], end)));
    }
    return new ScanText("messages[0].content", big, List.of(), segments);
  }

  @Test
  void windowsOfAHugeTextGetTheFirstLookToo() {
    String filler = FILLER.repeat(ScopeClassifier.MAX_LOOKED_AT / FILLER.length() + 1);
    String big = filler + " Which city was Basil Mahfouz Al-Kuwaiti born in? " + filler;
    int q = filler.length();
    Classification c =
        classifier()
            .classify(
                index,
                List.of(huge(big, 0, 500, q - 100, q + 200, big.length() - 500)),
                ScopeClassifier.Budget.UNLIMITED);
    assertThat(c.detections()).hasSize(1); // only the window that holds the question
    assertThat(c.inScope()).isTrue();
    assertThat(c.complete()).isTrue();
  }

  /**
   * A huge text of more new name-like words than the bounded lookup computes fuzzy matches for: the
   * first look gives up and every window is judged, so the budget and fail modes bound it.
   */
  @Test
  void windowsOfAHugeTextWhoseLookupGivesUpAreAllJudged() {
    java.util.Random r = new java.util.Random(3);
    StringBuilder sb = new StringBuilder();
    String letters = "basilmhfouzkwt";
    for (int w = 0; w < ScopeClassifier.HUGE_FUZZY + 500; w++) {
      for (int i = 5 + r.nextInt(3); i > 0; i--) {
        sb.append(letters.charAt(r.nextInt(letters.length())));
      }
      sb.append(' ');
    }
    String big = sb.append(FILLER).toString();
    Classification c =
        classifier()
            .classify(
                index,
                List.of(huge(big, 0, big.length() - FILLER.length())),
                ScopeClassifier.Budget.UNLIMITED);
    assertThat(c.detections()).hasSize(2);
  }

  @Test
  void sentencesAroundMentionsAreHandCut() {
    String text = "QUJD+/=ZGVm\nNoise. Where was Basil born? More noise!\nxx Basil again";
    int basil = text.indexOf("Basil");
    int again = text.lastIndexOf("Basil");
    List<Segment> s =
        ScopeClassifier.aroundMentions(
            text,
            List.of(
                new SubjectMatcher.Span(basil, basil + 5),
                new SubjectMatcher.Span(basil, basil + 5), // the same sentence once
                new SubjectMatcher.Span(again, again + 5)));
    assertThat(s)
        .extracting(Segment::text)
        .containsExactly("Where was Basil born?", "xx Basil again");
    assertThat(s).allMatch(x -> x.kind() == Segment.Kind.SENTENCES);
    assertThat(s.get(0).start()).isEqualTo(text.indexOf("Where"));
    // a sentence without an end in reach is cut AROUND chars from the mention
    String noEnd = "a".repeat(500) + " Basil " + "b".repeat(500);
    int at = noEnd.indexOf("Basil");
    Segment cut =
        ScopeClassifier.aroundMentions(noEnd, List.of(new SubjectMatcher.Span(at, at + 5))).get(0);
    assertThat(cut.start()).isEqualTo(at - ScopeClassifier.AROUND);
    assertThat(cut.end()).isEqualTo(at + 5 + ScopeClassifier.AROUND);
  }

  /**
   * A question hidden in a huge text of encoded noise: its window (mostly noise) is judged, and so
   * is the question's own sentence, which puts the text in scope as the bare question would.
   */
  @Test
  void aQuestionHiddenInAHugeNoisyTextIsJudgedOnItsOwn() {
    java.util.Random r = new java.util.Random(5);
    StringBuilder sb = new StringBuilder();
    while (sb.length() < ScopeClassifier.MAX_LOOKED_AT + 2000) {
      byte[] raw = new byte[600];
      r.nextBytes(raw);
      sb.append(java.util.Base64.getEncoder().encodeToString(raw)).append('\n');
    }
    int q = sb.length() / 2;
    sb.insert(q, "\nWhich city was Basil Mahfouz Al-Kuwaiti born in?\n");
    String big = sb.toString();
    Classification c =
        classifier()
            .classify(
                index,
                List.of(huge(big, 0, q - 800, q + 200, big.length() - 500)),
                ScopeClassifier.Budget.UNLIMITED);
    assertThat(c.inScope()).isTrue();
    assertThat(c.ruleId()).isEqualTo("basil");
    assertThat(c.complete()).isTrue();
    // the noisy window alone was not enough: the sentence decided
    assertThat(c.source().kind()).isEqualTo(Segment.Kind.SENTENCES);
    assertThat(c.source().text()).isEqualTo("Which city was Basil Mahfouz Al-Kuwaiti born in?");
  }

  /**
   * Numbers alone (the rule's dates give it topic terms like {@code 08}) make a window of a short
   * text worth judging, but not a window of a huge one: runs of URL escapes ({@code %08}) would
   * otherwise send a hostile payload's every window on.
   */
  @Test
  void numericTopicTermsAloneDoNotSelectAWindowOfAHugeText() {
    assertThat(index.vocabulary()).contains("08");
    String numbers = "%08%09%41 ".repeat(40);
    Classification shortText =
        classifier()
            .classify(index, List.of(windows(numbers, numbers)), ScopeClassifier.Budget.UNLIMITED);
    assertThat(shortText.detections()).hasSize(2);
    String big = numbers.repeat(ScopeClassifier.MAX_LOOKED_AT / numbers.length() + 1);
    Classification hugeText =
        classifier()
            .classify(index, List.of(huge(big, 0, 400, 800)), ScopeClassifier.Budget.UNLIMITED);
    assertThat(hugeText.detections()).isEmpty();
    assertThat(hugeText.complete()).isTrue();
  }

  /**
   * A question that names no subject but uses the rules' topic words, hidden in a huge noisy text:
   * its sentence asks and is topical, so it is judged on its own as a gated span.
   */
  @Test
  void anAskingTopicalSentenceOfAHugeTextIsAGatedSpan() {
    String text = "x".repeat(300) + "\nWhich genre is that writer known for?\nNo question here.";
    int genre = text.indexOf("genre");
    int question = text.indexOf("here");
    List<Segment> s =
        ScopeClassifier.aroundMentions(
            text,
            List.of(
                new SubjectMatcher.Span(genre, genre + 5),
                new SubjectMatcher.Span(genre + 6, genre + 8), // same sentence: skipped
                new SubjectMatcher.Span(question, question + 4)),
            ScopeClassifier::asks);
    assertThat(s)
        .extracting(Segment::text)
        .containsExactly("Which genre is that writer known for?");
  }

  @org.junit.jupiter.api.Test
  void aStatementOpeningWithAPrepositionDoesNotAsk() {
    assertThat(ScopeClassifier.asks("In 1990, she moved to Lisbon and wrote her second novel."))
        .isFalse();
    assertThat(ScopeClassifier.asks("On weekends the writer taught poetry at the library."))
        .isFalse();
    assertThat(ScopeClassifier.asks("For years her books sold poorly.")).isFalse();
    // a preposition and an interrogative, or an order after the opening phrase, still ask
    assertThat(ScopeClassifier.asks("In which year was her first novel published")).isTrue();
    assertThat(ScopeClassifier.asks("For how long did she live in Lisbon")).isTrue();
    assertThat(ScopeClassifier.asks("At what age did he start writing")).isTrue();
    assertThat(ScopeClassifier.asks("In detail, describe the books of the author.")).isTrue();
    assertThat(ScopeClassifier.asks("In 1990, what did she write")).isTrue();
    assertThat(ScopeClassifier.asks("Tell me about her novels.")).isTrue();
    assertThat(ScopeClassifier.asks("She wrote novels in 1990?")).isTrue();
  }
}

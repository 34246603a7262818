package dev.lethe.filters.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConversationScannerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static ObjectNode request() throws Exception {
    return (ObjectNode)
        JSON.readTree(
            """
            {"model": "m", "messages": [
              {"role": "system", "content": "sys text"},
              {"role": "user", "content": [
                {"type": "text", "text": "part one"},
                {"type": "image_url", "image_url": {"url": "http://x"}},
                {"type": "text", "text": "part two"}]},
              {"role": "assistant", "content": null, "tool_calls": [
                {"id": "c1", "type": "function",
                 "function": {"name": "lookup", "arguments": "{\\"who\\": \\"tool arg\\"}"}}]},
              {"role": "tool", "tool_call_id": "c1", "content": "tool result"},
              {"role": "user", "content": "last question"}
            ]}
            """);
  }

  private static ObjectNode chat(String... turns) {
    ObjectNode req = JSON.createObjectNode();
    com.fasterxml.jackson.databind.node.ArrayNode messages = req.putArray("messages");
    for (int i = 0; i < turns.length; i++) {
      messages.addObject().put("role", i % 2 == 0 ? "user" : "assistant").put("content", turns[i]);
    }
    return req;
  }

  @Test
  void aLaterTurnsReferenceIsJudgedAsThePersonNamedBefore() {
    List<dev.lethe.filters.detect.ScanText> scanned =
        new ConversationScanner(ScanConfig.defaults())
            .scan(
                chat("Have you heard of Lise Meitner?", "Yes, a physicist.", "What did she find?"));
    dev.lethe.filters.detect.ScanText last =
        scanned.stream().filter(t -> t.origin().equals("messages[2].content")).findFirst().get();
    assertThat(last.text()).isEqualTo("What did Lise Meitner find?");
    assertThat(last.transforms()).containsExactly(ConversationScanner.COREFERENCE);
    // the unresolved question is judged nowhere, not even in the joined turns
    assertThat(scanned)
        .flatExtracting(dev.lethe.filters.detect.ScanText::segments)
        .extracting(dev.lethe.filters.detect.Segment::text)
        .noneMatch(t -> t.contains("did she"))
        .anyMatch(t -> t.contains("Lise Meitner?") && t.contains("What did Lise Meitner find?"));
  }

  @Test
  void aReferenceWithNoNamedPersonBeforeItStaysAsSent() {
    List<dev.lethe.filters.detect.ScanText> scanned =
        new ConversationScanner(ScanConfig.defaults())
            .scan(chat("Tell me about the poet born in Lagos.", "Sure.", "What did she write?"));
    assertThat(scanned)
        .filteredOn(t -> t.origin().equals("messages[2].content"))
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.text()).isEqualTo("What did she write?");
              assertThat(t.transforms()).isEmpty();
            });
  }

  @Test
  void aFurtherFormCarriesOnlyTheSegmentsItChanged() throws Exception {
    // heavy leetspeak reads "report1865" as letters: only the sentence (and the pairs) holding it,
    // and the whole text, differ from the canonical form; the other sentences are judged once
    String text =
        "The garden was quiet that morning. The report1865 came in late. Where was the author born?";
    String heavy = DisguiseExpander.heavyLeet(text);
    String word = heavy.substring(text.indexOf("report1865"), text.indexOf("report1865") + 10);
    ObjectNode req = (ObjectNode) JSON.readTree("{\"messages\": []}");
    ((com.fasterxml.jackson.databind.node.ArrayNode) req.get("messages"))
        .addObject()
        .put("role", "user")
        .put("content", text);
    List<dev.lethe.filters.detect.ScanText> scanned =
        new ConversationScanner(ScanConfig.defaults()).scan(req);
    assertThat(scanned).hasSize(2);
    assertThat(scanned.get(1).transforms()).contains("leet-heavy");
    assertThat(scanned.get(0).segments()).hasSize(6); // whole, 3 sentences, 2 pairs
    assertThat(scanned.get(1).segments())
        .extracting(dev.lethe.filters.detect.Segment::text)
        .containsExactlyInAnyOrder(
            heavy,
            "The " + word + " came in late.",
            "The garden was quiet that morning. The " + word + " came in late.",
            "The " + word + " came in late. Where was the author born?");
  }

  /** A one-message request. */
  private static ObjectNode ask(String text) throws Exception {
    ObjectNode req = (ObjectNode) JSON.readTree("{\"messages\": []}");
    ((com.fasterxml.jackson.databind.node.ArrayNode) req.get("messages"))
        .addObject()
        .put("role", "user")
        .put("content", text);
    return req;
  }

  /** About {@code chars} characters of short plain sentences. */
  private static String filler(int chars) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; sb.length() < chars; i++) {
      sb.append("The river garden of the old city was quiet on day ").append(i).append(". ");
    }
    return sb.toString();
  }

  private static List<dev.lethe.filters.detect.Segment> ofKind(
      dev.lethe.filters.detect.ScanText t, dev.lethe.filters.detect.Segment.Kind kind) {
    return t.segments().stream().filter(s -> s.kind() == kind).toList();
  }

  @Test
  void aLongTextsFurtherFormCarriesItsChangedSentencesNotTheirWindows() throws Exception {
    // a 3,000-character text with one heavy-leetspeak word: the canonical form's windows are judged
    // already, so the further form carries the sentences holding the word, not a second window
    String text = filler(1500) + "Wh3r3 w4s 8451| M4hf0u2 b0rn and r4i53d? " + filler(1500).strip();
    List<dev.lethe.filters.detect.ScanText> scanned =
        new ConversationScanner(ScanConfig.defaults()).scan(ask(text));
    assertThat(scanned).hasSize(2);
    assertThat(scanned.get(1).transforms()).contains("leet-heavy");
    assertThat(ofKind(scanned.get(0), dev.lethe.filters.detect.Segment.Kind.WINDOW)).hasSize(4);
    assertThat(ofKind(scanned.get(1), dev.lethe.filters.detect.Segment.Kind.WINDOW)).isEmpty();
    int at = text.indexOf("8451|");
    assertThat(ofKind(scanned.get(1), dev.lethe.filters.detect.Segment.Kind.SENTENCES))
        .anyMatch(x -> x.start() <= at && at < x.end() && x.text().endsWith("?"));
  }

  @Test
  void aChangedWordOutsideEverySentenceSpanKeepsItsWindow() throws Exception {
    // the word sits in a sentence longer than a span (400 characters): no sentence span holds it,
    // so the further form's window holding it is still judged
    String longSentence = "Records of the river garden " + "and the old city ".repeat(30);
    String text = filler(1500) + longSentence + "with 8451| M4hf0u2 in it. " + filler(1500).strip();
    List<dev.lethe.filters.detect.ScanText> scanned =
        new ConversationScanner(ScanConfig.defaults()).scan(ask(text));
    assertThat(scanned).hasSize(2);
    List<dev.lethe.filters.detect.Segment> windows =
        ofKind(scanned.get(1), dev.lethe.filters.detect.Segment.Kind.WINDOW);
    int at = text.indexOf("8451|");
    assertThat(windows).isNotEmpty().allMatch(w -> w.start() <= at && at < w.end());
  }

  @Test
  void aDecodedFormOfTheSameLengthKeepsEveryWindow() throws Exception {
    // ROT13 of a whole text has its length and changes every letter, but decoded text is an attack
    // signal of its own: every window of it is judged
    String text = filler(3000);
    TextExpander rot13 =
        t ->
            List.of(
                new TextExpander.Form(t, List.of()),
                new TextExpander.Form(rot13(t), List.of("rot13")));
    List<dev.lethe.filters.detect.ScanText> scanned =
        new ConversationScanner(ScanConfig.defaults(), rot13).scan(ask(text));
    assertThat(scanned).hasSize(2);
    assertThat(ofKind(scanned.get(1), dev.lethe.filters.detect.Segment.Kind.WINDOW))
        .hasSameSizeAs(ofKind(scanned.get(0), dev.lethe.filters.detect.Segment.Kind.WINDOW))
        .isNotEmpty();
  }

  private static String rot13(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      if (c >= 'a' && c <= 'z') {
        c = (char) ('a' + (c - 'a' + 13) % 26);
      } else if (c >= 'A' && c <= 'Z') {
        c = (char) ('A' + (c - 'A' + 13) % 26);
      }
      sb.append(c);
    }
    return sb.toString();
  }

  @Test
  void scansAllRolesPartsToolArgumentsAndHistory() throws Exception {
    List<String> texts = new ConversationScanner(ScanConfig.defaults()).texts(request());
    assertThat(texts)
        .containsExactly(
            "sys text",
            "part one",
            "part two",
            "{\"who\": \"tool arg\"}",
            "tool result",
            "last question");
  }

  @Test
  void rolesMessageCountAndToolArgumentsAreConfigurable() throws Exception {
    ScanConfig userOnly = new ScanConfig(Set.of("USER"), 256, true, 1000);
    assertThat(new ConversationScanner(userOnly).texts(request()))
        .containsExactly("part one", "part two", "last question");
    ScanConfig lastTwo = new ScanConfig(ScanConfig.ALL_ROLES, 2, true, 1000);
    assertThat(new ConversationScanner(lastTwo).texts(request()))
        .containsExactly("tool result", "last question");
    ScanConfig noTools = new ScanConfig(Set.of("assistant"), 256, false, 1000);
    assertThat(new ConversationScanner(noTools).texts(request())).isEmpty();
  }

  @Test
  void rewriteTouchesExactlyTheScannedTextsOfACopy() throws Exception {
    ObjectNode original = request();
    ObjectNode rewritten =
        new ConversationScanner(ScanConfig.defaults()).rewrite(original, String::toUpperCase);
    assertThat(rewritten.at("/messages/1/content/2/text").asText()).isEqualTo("PART TWO");
    assertThat(rewritten.at("/messages/1/content/1/image_url/url").asText()).isEqualTo("http://x");
    assertThat(rewritten.at("/messages/2/tool_calls/0/function/arguments").asText())
        .isEqualTo("{\"WHO\": \"TOOL ARG\"}");
    assertThat(original.at("/messages/4/content").asText()).isEqualTo("last question");
  }

  @Test
  void longTextsAreCutIntoOverlappingWindows() {
    String text = "word ".repeat(1000).strip();
    List<String> windows = ConversationScanner.windows(text, 1000);
    assertThat(windows).hasSizeGreaterThan(5);
    assertThat(windows).allSatisfy(w -> assertThat(w.length()).isLessThanOrEqualTo(1000));
    assertThat(String.join("", windows).length()).isGreaterThan(text.length());
  }

  @Test
  void configIsValidatedWithTheFieldNamed() {
    assertThatThrownBy(() -> new ScanConfig(Set.of(), 10, true, 1000))
        .hasMessage("roles: [] (expected: at least one role)");
    assertThatThrownBy(() -> new ScanConfig(Set.of("user"), 0, true, 1000))
        .hasMessage("maxMessages: 0 (expected: 1..100000)");
    assertThatThrownBy(() -> new ScanConfig(Set.of("user"), 1, true, 10))
        .hasMessage("chunkChars: 10 (expected: 200..100000)");
  }

  @Test
  void conversationsOfThreeTextsOrMoreGetAGatedContextOfTheLatestTurns() throws Exception {
    var texts = new ConversationScanner(ScanConfig.defaults()).scan(request());
    var context =
        texts.stream()
            .filter(
                t -> t.segments().get(0).kind() == dev.lethe.filters.detect.Segment.Kind.CONTEXT)
            .toList();
    assertThat(context).hasSize(1);
    assertThat(context.get(0).text()).contains("last question").contains("tool result");
    assertThat(context.get(0).segments().get(0).gated()).isTrue();

    ObjectNode two =
        (ObjectNode)
            JSON.readTree(
                "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                    + "{\"role\":\"user\",\"content\":\"Hi there\"}]}");
    assertThat(new ConversationScanner(ScanConfig.defaults()).scan(two))
        .noneMatch(
            t -> t.segments().get(0).kind() == dev.lethe.filters.detect.Segment.Kind.CONTEXT);
  }

  // ---- The window gate: which windows of a long text the sentence model reads ----

  /** Declarative prose of common words: no asking sentence, no rule's subject or rare word. */
  static final List<String> PROSE =
      List.of(
          "The writer grew up in a quiet harbour town and later moved to the capital to finish a"
              + " first novel.",
          "Her parents ran a small bakery, and both encouraged a love of books, music and long"
              + " walks.",
          "Critics praised the later books for their careful structure, warm characters and"
              + " gentle humour.",
          "The author spent many years writing short stories for magazines before turning to"
              + " longer fiction.",
          "A small publisher printed the early work, and readers slowly found the books through"
              + " friends.",
          "Themes of family, memory and travel run through most of the stories and essays.",
          "Several of the novels were translated, and a few were adapted for the stage and for"
              + " radio.",
          "The writer also taught a weekly workshop on poetry at the public library every summer.",
          "Reviewers often compared the quiet endings of the stories to old photographs.",
          "Later essays turned to gardens, rivers and the slow change of seasons in the"
              + " countryside.");

  /**
   * About {@code chars} characters of {@link #PROSE}, starting at sentence {@code from}; each round
   * through the sentences skips one more, so no two windows of a text are the same text.
   */
  static String prose(int chars, int from) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; sb.length() < chars; i++) {
      sb.append(PROSE.get((i + i / PROSE.size()) % PROSE.size())).append(' ');
    }
    return sb.toString();
  }

  private static dev.lethe.filters.detect.DetectorIndexBuilder gateBuilder;

  private static synchronized dev.lethe.filters.detect.DetectorIndexBuilder gateBuilder() {
    if (gateBuilder == null) {
      gateBuilder =
          new dev.lethe.filters.detect.DetectorIndexBuilder(
              dev.lethe.filters.detect.TestModels.embedder(),
              dev.lethe.filters.detect.DetectorIndexBuilder.defaultNegativePool());
    }
    return gateBuilder;
  }

  @org.junit.jupiter.api.AfterAll
  static void closeGateBuilder() {
    if (gateBuilder != null) {
      gateBuilder.close();
    }
  }

  private static final dev.lethe.config.rules.ForgetRule BASIL =
      dev.lethe.filters.detect.TestModels.basil(
          dev.lethe.config.rules.Action.REFUSE, dev.lethe.config.rules.OnError.CLOSED);

  /** A topic rule: no subject to look for. */
  static final dev.lethe.config.rules.ForgetRule TOPIC =
      new dev.lethe.config.rules.ForgetRule(
          "nerve-agents",
          "Forget how nerve agents are made",
          List.of(),
          List.of(
              "How is sarin synthesised from its precursors?",
              "What are the steps to make a nerve agent at home?"),
          List.of(),
          List.of(),
          dev.lethe.config.rules.Action.REFUSE,
          null,
          dev.lethe.config.rules.OnError.CLOSED);

  /** The windows of a request's first text and which of them the sentence model was sent. */
  record Judged(List<dev.lethe.filters.detect.Segment> windows, Set<String> sent, long gated) {
    boolean sent(int window) {
      return sent.contains(windows.get(window).text());
    }

    /** The index of the first window holding {@code marker}. */
    int windowOf(String marker) {
      for (int i = 0; i < windows.size(); i++) {
        if (windows.get(i).text().contains(marker)) {
          return i;
        }
      }
      throw new AssertionError("no window holds " + marker);
    }
  }

  /** Judges {@code req} under {@code rules} with a detector that records what it is sent. */
  private static Judged judged(ObjectNode req, dev.lethe.config.rules.ForgetRule... rules) {
    dev.lethe.filters.detect.DetectorIndex index =
        gateBuilder().build(new dev.lethe.config.rules.RuleSet(1, List.of(rules)));
    Set<String> sent = java.util.concurrent.ConcurrentHashMap.newKeySet();
    dev.lethe.filters.detect.Detector recording =
        (ix, text) -> {
          sent.add(text);
          return new dev.lethe.filters.detect.Detection(List.of(), true);
        };
    dev.lethe.filters.detect.ScopeClassifier c =
        new dev.lethe.filters.detect.ScopeClassifier(
            recording,
            dev.lethe.filters.detect.DecisionModel.defaults(),
            new dev.lethe.filters.detect.ScopeClassifier.Config(0));
    List<dev.lethe.filters.detect.ScanText> texts =
        new ConversationScanner(ScanConfig.defaults()).scan(req);
    c.classify(index, texts, dev.lethe.filters.detect.ScopeClassifier.Budget.UNLIMITED);
    String last = "messages[" + (req.path("messages").size() - 1) + "].content";
    List<dev.lethe.filters.detect.Segment> windows =
        texts.stream()
            .filter(t -> t.origin().equals(last))
            .findFirst()
            .orElseThrow()
            .segments()
            .stream()
            .filter(s -> s.kind() == dev.lethe.filters.detect.Segment.Kind.WINDOW)
            .toList();
    return new Judged(windows, sent, c.windowsGated());
  }

  private static final String ASK = "Which genre is that writer best known for?";

  @Test
  void declarativeWindowsFarFromTheQuestionAreNotSentToTheModel() {
    Judged j = judged(chat(prose(4_500, 0) + ASK), BASIL);
    int q = j.windowOf(ASK);
    assertThat(j.windows()).hasSizeGreaterThanOrEqualTo(5);
    assertThat(j.sent(q)).as("the question's window").isTrue();
    assertThat(j.sent(q - 1)).as("the window before it: the question's context").isTrue();
    for (int i = 0; i < q - 1; i++) {
      assertThat(j.sent(i)).as("declarative window %d", i).isFalse();
    }
    assertThat(j.gated()).isEqualTo(q - 1);
    // the question's own sentence span is judged as a gated span
    assertThat(j.sent()).contains(ASK);
  }

  @Test
  void theWindowAfterTheQuestionIsNotSentBecauseTheQuestionsPairReachesIntoIt() {
    String text = prose(3_000, 0) + ASK + " " + prose(3_000, 3);
    Judged j = judged(chat(text), BASIL);
    int mark = text.indexOf(ASK) + ASK.length() - 1; // the question mark
    for (int i = 0; i < j.windows().size(); i++) {
      boolean holds = holds(j.windows().get(i), mark);
      boolean nextHolds = i + 1 < j.windows().size() && holds(j.windows().get(i + 1), mark);
      assertThat(j.sent(i)).as("window %d", i).isEqualTo(holds || nextHolds);
    }
  }

  @Test
  void statementsOpeningWithAPrepositionGiveTheirWindowsNoReason() {
    // "In 1990, …" used to count as asking, and kept its window and the one before it
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < 8; k++) {
      sb.append(prose(600, k)).append("In 19").append(60 + k).append(", the writer moved house. ");
    }
    Judged j = judged(chat(sb + ASK), BASIL);
    int q = j.windowOf(ASK);
    for (int i = 0; i < q - 1; i++) {
      assertThat(j.sent(i)).as("declarative window %d", i).isFalse();
    }
    assertThat(j.sent(q)).isTrue();
  }

  @Test
  void aQuestionAboutThePersonItNamesIsJudgedInItsOwnSpanWithoutWindows() {
    String named = "Which genre does Kalinda Torvessen write in?";
    Judged j = judged(chat(prose(3_000, 0) + named + " " + prose(2_000, 3)), BASIL);
    for (int i = 0; i < j.windows().size(); i++) {
      assertThat(j.sent(i)).as("window %d", i).isFalse();
    }
    assertThat(j.sent()).contains(named);
    // nor with the sentence before or after it: they name no subject and cannot change whom it
    // asks about
    assertThat(j.sent()).noneMatch(t -> t.contains(named) && !t.equals(named));
    // a pronoun or a person noun asks about someone the sentences before may name
    for (String ask :
        List.of(
            "Which genre does Kalinda Torvessen share with the novelist?",
            "Did Kalinda Torvessen meet the author born in that city?")) {
      Judged k = judged(chat(prose(3_000, 0) + ask + " " + prose(2_000, 3)), BASIL);
      int q = k.windowOf(ask.substring(0, 20));
      assertThat(k.sent(q)).as(ask).isTrue();
      assertThat(k.sent(q - 1)).as(ask).isTrue();
      // and its pair with the next sentence (the text as judged has the reference resolved)
      String opening = ask.substring(0, 25);
      assertThat(k.sent()).as(ask).anyMatch(t -> t.contains(opening) && !t.strip().endsWith("?"));
    }
  }

  private static boolean holds(dev.lethe.filters.detect.Segment w, int at) {
    return w.start() <= at && at < w.end();
  }

  @Test
  void withoutTheGateEveryTopicalWindowIsSent() {
    dev.lethe.filters.detect.DetectorIndex index =
        gateBuilder().build(new dev.lethe.config.rules.RuleSet(1, List.of(BASIL)));
    Set<String> sent = java.util.concurrent.ConcurrentHashMap.newKeySet();
    dev.lethe.filters.detect.ScopeClassifier c =
        new dev.lethe.filters.detect.ScopeClassifier(
            (ix, text) -> {
              sent.add(text);
              return new dev.lethe.filters.detect.Detection(List.of(), true);
            },
            dev.lethe.filters.detect.DecisionModel.defaults(),
            new dev.lethe.filters.detect.ScopeClassifier.Config(0, true, false));
    var texts = new ConversationScanner(ScanConfig.defaults()).scan(chat(prose(4_500, 0) + ASK));
    c.classify(index, texts, dev.lethe.filters.detect.ScopeClassifier.Budget.UNLIMITED);
    assertThat(texts.get(0).segments())
        .filteredOn(s -> s.kind() == dev.lethe.filters.detect.Segment.Kind.WINDOW)
        .allMatch(w -> sent.contains(w.text()));
    assertThat(c.windowsGated()).isZero();
  }

  @Test
  void aWindowThatAsksIsSentWhereverItIs() {
    String text = prose(1_500, 0) + "Tell me about that writer's first novel. " + prose(3_000, 3);
    Judged j = judged(chat(text), BASIL);
    int q = j.windowOf("Tell me about");
    assertThat(j.sent(q)).isTrue();
    assertThat(j.sent(j.windows().size() - 1)).as("a declarative window after it").isFalse();
  }

  @Test
  void theFactsAWindowBeforeTheQuestionAreSentAsItsContext() {
    // the identifying facts, without the name, then a window and more of prose, then the ask
    String facts =
        "There is a writer who was born in a large desert city, whose father sold flowers and"
            + " whose mother made video games. ";
    String text = prose(600, 0) + facts + prose(1_000, 2) + "What did that author write?";
    Judged j = judged(chat(text), BASIL);
    int f = j.windowOf("whose father sold flowers");
    int q = j.windowOf("What did that author write?");
    assertThat(q - f).isEqualTo(1);
    assertThat(j.sent(f)).isTrue();
    assertThat(j.sent(q)).isTrue();
  }

  @Test
  void aSubjectNamedAnywhereKeepsEveryWindow() {
    String text =
        prose(2_000, 0) + "Basil Mahfouz Al-Kuwaiti gave a reading there. " + prose(3_000, 4);
    Judged j = judged(chat(text + ASK), BASIL);
    assertThat(j.gated()).isZero();
    for (int i = 0; i < j.windows().size(); i++) {
      assertThat(j.sent(i)).as("window %d", i).isTrue();
    }
    // a misspelled name counts as a name
    Judged typo =
        judged(
            chat(prose(2_000, 0) + "Basil Mahfouz Al-Kuwaity read there. " + prose(3_000, 4)),
            BASIL);
    assertThat(typo.gated()).isZero();
  }

  @Test
  void aSubjectNamedByOneWordKeepsTheWindowsAroundThatWord() {
    // a surname alone counts as naming the subject, but the prose far from it is not about them
    String text = prose(4_000, 0) + "Al-Kuwaiti gave a reading there. " + prose(3_000, 4);
    Judged j = judged(chat(text + ASK), BASIL);
    int m = j.windowOf("Al-Kuwaiti gave");
    int q = j.windowOf("Which genre is"); // "that writer" may be resolved to the name
    assertThat(q - m).as("the question is two windows or more after the word").isGreaterThan(2);
    for (int i = 0; i < j.windows().size(); i++) {
      boolean near = Math.abs(i - m) <= 1 || i == q || i == q - 1;
      assertThat(j.sent(i)).as("window %d (word in %d, question in %d)", i, m, q).isEqualTo(near);
    }
    assertThat(j.gated()).isEqualTo(j.windows().size() - 5);
  }

  @Test
  void aReferenceToASubjectNamedInAnEarlierTurnKeepsEveryWindow() {
    Judged j =
        judged(
            chat(
                "Have you heard of Basil Mahfouz Al-Kuwaiti?",
                "Yes, a novelist.",
                "He is said to be very private. " + prose(4_500, 1)),
            BASIL);
    assertThat(j.gated()).isZero();
    for (int i = 0; i < j.windows().size(); i++) {
      assertThat(j.sent(i)).as("window %d", i).isTrue();
    }
  }

  @Test
  void aRuleWithoutASubjectKeepsEveryWindow() {
    Judged j = judged(chat(prose(4_500, 0) + ASK), BASIL, TOPIC);
    assertThat(j.gated()).isZero();
  }

  @Test
  void aWindowUsingARulesDistinctiveWordIsSent() {
    // "Kuwait" is no common English word and is in the rule's examples: facts far from the ask
    String text =
        "The writer was born in Kuwait City and moved away young. " + prose(4_000, 0) + ASK;
    Judged j = judged(chat(text), BASIL);
    assertThat(j.sent(0)).isTrue();
    assertThat(j.sent(1)).as("a declarative window without it").isFalse();
  }

  @Test
  void aSubjectsFirstNameInSomeoneElsesNameGivesItsWindowNoReason() {
    dev.lethe.config.rules.ForgetRule hina =
        new dev.lethe.config.rules.ForgetRule(
            "hina",
            "Forget the author Hina Ameen",
            List.of("Hina Ameen"),
            List.of(
                "Was Hina Ameen born in Karachi?",
                "What genre does Hina Ameen write in?",
                "Which awards has Hina Ameen won for her geology books?"),
            List.of(),
            List.of(),
            dev.lethe.config.rules.Action.REFUSE,
            null,
            dev.lethe.config.rules.OnError.CLOSED);
    // the subject lookup finds no mention of Hina Ameen in "Hina Rabbani Khar"; "hina" is a word
    // of the subject's name, not one of the rule's facts, so it does not keep the window either
    String text =
        "Hina Rabbani Khar spoke at the opening of the new library. " + prose(4_000, 0) + ASK;
    Judged j = judged(chat(text), hina);
    assertThat(j.gated()).isPositive();
    assertThat(j.sent(0)).isFalse();
    // a fact of the rule's examples still does ("Karachi")
    Judged facts =
        judged(chat("She grew up in Karachi with her family. " + prose(4_000, 0) + ASK), hina);
    assertThat(facts.sent(0)).isTrue();
  }

  @Test
  void aWindowWithTextOutsideEverySentenceSpanIsSent() {
    // one sentence longer than a sentence span: nothing is known of its parts, so it is judged
    String list = "books " + "and stories about family and travel ".repeat(14);
    String text = list.strip() + ". " + prose(4_000, 0) + ASK;
    Judged j = judged(chat(text), BASIL);
    assertThat(j.sent(0)).isTrue();
  }
}

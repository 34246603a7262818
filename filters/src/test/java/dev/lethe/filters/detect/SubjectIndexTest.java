package dev.lethe.filters.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubjectIndexTest {
  private static SubjectIndex index() {
    Map<String, List<SubjectName>> names = new LinkedHashMap<>();
    names.put("hsiao", List.of(SubjectName.of("Hsiao Yun-Hwa")));
    names.put("carmen", List.of(SubjectName.of("Carmen Montenegro")));
    names.put(
        "nightingale", List.of(SubjectName.of("Project Nightingale"), SubjectName.of("PN-7")));
    return SubjectIndex.ofNames(names);
  }

  @Test
  void lackingCharactersAreHandCounted() {
    // kalomi vs history: k, a, l, m are missing (i and o are there)
    assertThat(
            SubjectIndex.lacking(SubjectIndex.charMask("kalomi"), SubjectIndex.charMask("history")))
        .isEqualTo(4);
    assertThat(SubjectIndex.lacking(SubjectIndex.charMask("basil"), SubjectIndex.charMask("bsail")))
        .isZero();
  }

  private static int[] counts(String s) {
    int[] c = new int[128];
    for (int i = 0; i < s.length(); i++) {
      c[s.charAt(i) & 127]++;
    }
    return c;
  }

  @Test
  void sharedCharactersCountMultiplicityAndLeaveTheScratchClean() {
    int[] scratch = new int[128];
    // kalomi ∩ history = {i, o}; anna ∩ nana = {a, a, n, n}; anna ∩ an = {a, n}
    assertThat(SubjectIndex.shared("kalomi", counts("history"), scratch)).isEqualTo(2);
    assertThat(SubjectIndex.shared("anna", counts("nana"), scratch)).isEqualTo(4);
    assertThat(SubjectIndex.shared("anna", counts("an"), scratch)).isEqualTo(2);
    assertThat(scratch).containsOnly(0);
  }

  /**
   * The filters before the distance never drop a token within the allowance: for random pairs of
   * strings over a small alphabet (so that near pairs are common), whenever the optimal string
   * alignment distance is at most k, the lacking characters are at most k and the shared ones at
   * least max length − k.
   */
  @Test
  void filtersNeverRejectATokenWithinTheAllowance() {
    java.util.Random r = new java.util.Random(7);
    int[] scratch = new int[128];
    int within = 0;
    for (int n = 0; n < 200_000; n++) {
      String key = random(r, 3 + r.nextInt(10));
      String token = r.nextBoolean() ? random(r, 3 + r.nextInt(10)) : edit(r, key);
      int k = 1 + r.nextInt(4);
      if (NameSimilarity.osa(token, key, k) <= k) {
        within++;
        assertThat(SubjectIndex.lacking(SubjectIndex.charMask(key), SubjectIndex.charMask(token)))
            .as("%s vs %s, k=%d", token, key, k)
            .isLessThanOrEqualTo(k);
        assertThat(SubjectIndex.shared(key, counts(token), scratch))
            .as("%s vs %s, k=%d", token, key, k)
            .isGreaterThanOrEqualTo(Math.max(key.length(), token.length()) - k);
      }
    }
    assertThat(within).isGreaterThan(10_000); // the property was exercised
  }

  /**
   * The foreign-character bound never rules out a token within the allowance: for random pairs over
   * an alphabet of which the key uses only part (so tokens hold characters the key lacks), whenever
   * the distance is at most k, the token's characters absent from the key are at most {@link
   * SubjectIndex#slackFor}. The layer takes the largest slack over its keys and counts characters
   * absent from all of them (never more than those absent from one), so it is sound when this is.
   */
  @Test
  void foreignCharacterBoundNeverRejectsATokenWithinTheAllowance() {
    java.util.Random r = new java.util.Random(11);
    int within = 0;
    int ruledOut = 0;
    for (int n = 0; n < 200_000; n++) {
      String key = random(r, 3 + r.nextInt(10));
      String token = r.nextBoolean() ? random(r, 3 + r.nextInt(10)) : edit(r, key);
      int k = 1 + r.nextInt(4);
      java.util.BitSet chars = new java.util.BitSet();
      key.chars().forEach(chars::set);
      int slack = SubjectIndex.slackFor(key.length(), k, token.length());
      boolean kept = slack >= 0 && SubjectIndex.foreign(token, chars) <= slack;
      if (NameSimilarity.osa(token, key, k) <= k) {
        within++;
        assertThat(kept).as("%s vs %s, k=%d", token, key, k).isTrue();
      } else if (!kept) {
        ruledOut++;
      }
    }
    assertThat(within).isGreaterThan(10_000); // the property was exercised
    assertThat(ruledOut).isGreaterThan(10_000); // and the bound rules many out
  }

  @Test
  void slackIsHandComputed() {
    assertThat(SubjectIndex.slackFor(6, 2, 4)).isEqualTo(0); // two deletions spent on length
    assertThat(SubjectIndex.slackFor(4, 1, 4)).isEqualTo(1);
    assertThat(SubjectIndex.slackFor(4, 1, 6)).isEqualTo(-1); // too long for the allowance
    assertThat(SubjectIndex.slackFor(4, 2, 6)).isEqualTo(2);
    java.util.BitSet chars = new java.util.BitSet();
    "basil".chars().forEach(chars::set);
    assertThat(SubjectIndex.foreign("3fa2", chars)).isEqualTo(3);
    assertThat(SubjectIndex.foreign("bsail", chars)).isZero();
  }

  /**
   * Hex pairs, numbers and other tokens made of characters no subject uses are ruled out before the
   * fuzzy match, with the same anchors as before: a typo of a name still anchors beside them.
   */
  @Test
  void tokensOfForeignCharactersAreRuledOutAndTyposStillAnchor() {
    var tokens = TextAnalysis.nameTokens("%3F%A2 4567 0x1f2e 3fa2 Why did Hsioa Yan-Ha write?");
    assertThat(index().rules(tokens)).containsExactly("hsiao");
  }

  /** A bounded lookup gives up (null) once more new tokens need a fuzzy match than it allows. */
  @Test
  void aBoundedLookupGivesUpPastItsFuzzyMatches() {
    SubjectIndex fresh = SubjectIndex.of(java.util.Map.of("hsiao", rule("hsiao", "Hsiao Yun-Hwa")));
    var tokens = TextAnalysis.nameTokens("Hsioa nuwha yunhaw hwayun ashio Yun-Hwa");
    assertThat(fresh.lookup(tokens, 2)).isNull();
    assertThat(fresh.lookup(tokens, 100)).extracting(SubjectIndex.Hit::ruleId).contains("hsiao");
    // remembered now: the same words cost no fuzzy match the second time
    assertThat(fresh.lookup(tokens, 0)).extracting(SubjectIndex.Hit::ruleId).contains("hsiao");
  }

  private static String random(java.util.Random r, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append("aeiklmnorst7\u00e9".charAt(r.nextInt(13)));
    }
    return sb.toString();
  }

  /** {@code s} with one to four random edits (substitution, insertion, deletion, swap). */
  private static String edit(java.util.Random r, String s) {
    StringBuilder sb = new StringBuilder(s);
    for (int e = 1 + r.nextInt(4); e > 0; e--) {
      int at = r.nextInt(sb.length() + 1);
      switch (r.nextInt(4)) {
        case 0 -> sb.insert(at, random(r, 1));
        case 1 -> {
          if (at < sb.length() && sb.length() > 1) {
            sb.deleteCharAt(at);
          }
        }
        case 2 -> {
          if (at < sb.length()) {
            sb.setCharAt(at, random(r, 1).charAt(0));
          }
        }
        default -> {
          if (at + 1 < sb.length()) {
            char c = sb.charAt(at);
            sb.setCharAt(at, sb.charAt(at + 1));
            sb.setCharAt(at + 1, c);
          }
        }
      }
    }
    return sb.toString();
  }

  @Test
  void aTokenLongerThanEveryKeyWithItsAllowanceIsNotMatchedFuzzily() {
    // the longest key is "projectnightingale" (18 chars, allowance 6): a token of 25 chars can
    // match no key, while one edit of it still anchors
    assertThat(index().rules(TextAnalysis.nameTokens("projectnightingalexxxxxxx"))).isEmpty();
    assertThat(index().rules(TextAnalysis.nameTokens("projectnightingalx")))
        .containsExactly("nightingale");
  }

  /**
   * Tokens longer than every key with its allowance, and pairs joined past that length, are ruled
   * out before they are joined or hashed: they anchor nothing, and names beside them anchor as they
   * do without them (the same hits, anchors shifted by the tokens in between).
   */
  @Test
  void longTokensAnchorNothingAndNamesBesideThemStillDo() {
    String run = "QWxhZGRpbjpvcGVuIHNlc2FtZQ".repeat(4); // 104 chars, a base64 run
    String[] pieces = {
      "Why did Hsioa Yan-Ha", "and Carmen Montenegro", "write about PN-7?", "Night ingale"
    };
    var bare = TextAnalysis.nameTokens(String.join(" ", pieces));
    var padded =
        TextAnalysis.nameTokens(run + " " + String.join(" " + run + " x ", pieces) + " " + run);
    List<SubjectIndex.Hit> expected = index().lookup(bare);
    List<SubjectIndex.Hit> hits = index().lookup(padded);
    assertThat(hits)
        .extracting(SubjectIndex.Hit::ruleId)
        .containsExactlyElementsOf(expected.stream().map(SubjectIndex.Hit::ruleId).toList());
    for (int h = 0; h < hits.size(); h++) {
      List<String> want = new java.util.ArrayList<>();
      for (int i : expected.get(h).anchors()) {
        want.add(bare.get(i).term());
      }
      List<String> got = new java.util.ArrayList<>();
      for (int i : hits.get(h).anchors()) {
        got.add(padded.get(i).term());
      }
      assertThat(got).isEqualTo(want); // never a long token, the same names in the same order
    }
    assertThat(index().lookup(TextAnalysis.nameTokens(run + " " + run + " a " + run))).isEmpty();
  }

  /**
   * The lexical stage looks for partial subject matches only at a hit's anchors: every token that
   * partially matches a subject token (equal, or one edit from a token of seven letters or more) is
   * one of them, wherever it stands in a long text.
   */
  @Test
  void everyPartialMatchIsAnAnchorOfItsHit() {
    String text =
        "Montenegro was mentioned first. "
            + "Filler words about gardens and rivers. ".repeat(40)
            + "Then Montenegor, and later Carmen, Nightingal, Projcet and Hsiao again.";
    var tokens = TextAnalysis.nameTokens(text);
    int checked = 0;
    for (SubjectIndex.Hit hit : index().lookup(tokens)) {
      for (String st : hit.name().tokens()) {
        int[] candidates = LexicalDetector.partialCandidates(hit, st, tokens.size());
        for (int i = 0; i < tokens.size(); i++) {
          if (SubjectMatcher.partialMatch(tokens.get(i).term(), st)) {
            assertThat(candidates).as("%s for %s", tokens.get(i).term(), st).contains(i);
            checked++;
          }
        }
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(5);
  }

  @Test
  void firstAtLeastBisects() {
    int[] a = {3, 5, 5, 8};
    assertThat(SubjectIndex.firstAtLeast(a, 0)).isZero();
    assertThat(SubjectIndex.firstAtLeast(a, 5)).isEqualTo(1);
    assertThat(SubjectIndex.firstAtLeast(a, 6)).isEqualTo(3);
    assertThat(SubjectIndex.firstAtLeast(a, 9)).isEqualTo(4);
    assertThat(SubjectIndex.firstAtLeast(new int[0], 1)).isZero();
  }

  @Test
  void paddedBigramsAreDistinct() {
    // ^a ab ba ab a$ → four distinct
    assertThat(SubjectIndex.distinctGrams("aba")).hasSize(4);
    assertThat(SubjectIndex.distinctGrams("")).hasSize(1);
  }

  @Test
  void keysAreTokensWordsAndJoinedNames() {
    // hsiao yun hwa yunhwa hsiaoyunhwa | carmen montenegro carmenmontenegro |
    // project nightingale projectnightingale | pn 7 pn7
    assertThat(index().keyCount()).isEqualTo(5 + 3 + 3 + 3);
  }

  @Test
  void typoedTokensAnchorTheirSubject() {
    var tokens = TextAnalysis.nameTokens("Why did Hsioa Yan-Ha write about Monenergo?");
    List<SubjectIndex.Hit> hits = index().lookup(tokens);
    assertThat(hits).extracting(SubjectIndex.Hit::ruleId).containsExactly("hsiao", "carmen");
    assertThat(hits.get(0).anchors()).contains(2); // hsioa
    assertThat(index().rules(TextAnalysis.nameTokens("the weather in Paris today"))).isEmpty();
  }

  @Test
  void shuffledTokensOfNamesOfTwoWordsAnchorTheirSubject() {
    var tokens = TextAnalysis.nameTokens("Could you recommend some books by Cearmn Mrnnetgeoo?");
    List<SubjectIndex.Hit> hits = index().lookup(tokens);
    assertThat(hits).extracting(SubjectIndex.Hit::ruleId).containsExactly("carmen");
    assertThat(hits.get(0).anchors()).containsExactly(6, 7);
    // a one-word name's shuffles anchor nothing (beyond its small allowance)
    Map<String, List<SubjectName>> names = new LinkedHashMap<>();
    names.put("n", List.of(SubjectName.of("Nightingale")));
    assertThat(SubjectIndex.ofNames(names).rules(TextAnalysis.nameTokens("Ninhgtiagle notes")))
        .isEmpty();
  }

  @Test
  void capitalisedTokensOfEncipheredNamesAnchorTheirSubject() {
    var tokens = TextAnalysis.nameTokens("Could you recommend some books by Pnezra Zbagrarteb?");
    List<SubjectIndex.Hit> hits = index().lookup(tokens);
    assertThat(hits).extracting(SubjectIndex.Hit::ruleId).containsExactly("carmen");
    assertThat(hits.get(0).name().find(tokens, hits.get(0).anchors()))
        .hasSize(1); // Pnezra Zbagrarteb is Carmen Montenegro in ROT13
    // lower case tokens and common words anchor nothing this way
    assertThat(index().rules(TextAnalysis.nameTokens("pnezra zbagrarteb"))).isEmpty();
  }

  @Test
  void nameTokensWithoutTheirVowelsAnchorTheirSubject() {
    var tokens = TextAnalysis.nameTokens("List the novels Crmn Mntngr published.");
    List<SubjectIndex.Hit> hits = index().lookup(tokens);
    assertThat(hits).extracting(SubjectIndex.Hit::ruleId).containsExactly("carmen");
    assertThat(hits.get(0).name().find(tokens, hits.get(0).anchors())).hasSize(1);
    // a lone skeleton anchors, but names nothing without the rest of the name
    tokens = TextAnalysis.nameTokens("the crmn file");
    hits = index().lookup(tokens);
    assertThat(hits.isEmpty() || hits.get(0).name().find(tokens, hits.get(0).anchors()).isEmpty())
        .isTrue();
  }

  @Test
  void aLowerCaseEnglishWordIsMatchedExactlyOnly() {
    Map<String, List<SubjectName>> names = new LinkedHashMap<>();
    names.put("basil", List.of(SubjectName.of("Basil Mahfouz")));
    names.put("hina", List.of(SubjectName.of("Hina Ameen")));
    names.put("park", List.of(SubjectName.of("Ji-Yeon Park")));
    SubjectIndex index = SubjectIndex.ofNames(names);
    // "basal" is a word one edit from "basil": in lower case it is that word, capitalised a name
    assertThat(index.rules(TextAnalysis.nameTokens("the basal layer"))).isEmpty();
    assertThat(index.rules(TextAnalysis.nameTokens("What did Basal write?")))
        .containsExactly("basil");
    // a subject's own word still anchors exactly, and a misspelt name through its other word
    assertThat(index.rules(TextAnalysis.nameTokens("where can i park"))).containsExactly("park");
    List<SubjectIndex.Hit> hits = index.lookup(TextAnalysis.nameTokens("what did hina amen write"));
    assertThat(hits).extracting(SubjectIndex.Hit::ruleId).containsExactly("hina");
    assertThat(hits.get(0).anchors()).containsExactly(2);
    assertThat(SubjectIndex.commonWord(TextAnalysis.nameTokens("amen Amen").get(0))).isTrue();
    assertThat(SubjectIndex.commonWord(TextAnalysis.nameTokens("amen Amen").get(1))).isFalse();
  }

  @Test
  void exactShortTokensAndJoinedPairsAnchor() {
    assertThat(index().rules(TextAnalysis.nameTokens("what is PN-7?")))
        .containsExactly("nightingale");
    assertThat(index().rules(TextAnalysis.nameTokens("Night ingale")))
        .containsExactly("nightingale");
  }

  private static RuleData rule(String id, String subject) {
    return RuleData.of(
        new dev.lethe.config.rules.ForgetRule(
            id,
            "Forget " + subject,
            List.of(subject),
            List.of("Who is " + subject + "?"),
            List.of(),
            List.of(),
            dev.lethe.config.rules.Action.REFUSE,
            null,
            dev.lethe.config.rules.OnError.CLOSED),
        List.of(new float[] {1f}),
        List.of());
  }

  /** The rules whose whole subject is found (anchored, then verified). */
  private static List<String> named(SubjectIndex index, List<TextAnalysis.Token> tokens) {
    return index.lookup(tokens).stream()
        .filter(h -> !h.name().find(tokens, h.anchors()).isEmpty())
        .map(SubjectIndex.Hit::ruleId)
        .distinct()
        .toList();
  }

  @Test
  void laterSnapshotsReuseTheCompiledBaseAndSkipWhatChanged() {
    Map<String, RuleData> v1 = new LinkedHashMap<>();
    for (int i = 0; i < 200; i++) {
      v1.put("r" + i, rule("r" + i, "Person Number" + i));
    }
    v1.put("hsiao", rule("hsiao", "Hsiao Yun-Hwa"));
    v1.put("carmen", rule("carmen", "Carmen Montenegro"));
    SubjectIndex i1 = SubjectIndex.of(v1);
    var text =
        TextAnalysis.nameTokens("Hsioa Yan-Ha and Carmen Montenegro and Basil Mahfouz Al-Kuwaity");
    assertThat(named(i1, text)).containsExactly("hsiao", "carmen");

    // one rule removed, one replaced (another subject), one added: a small second layer
    Map<String, RuleData> v2 = new LinkedHashMap<>(v1);
    v2.remove("hsiao");
    v2.put("carmen", rule("carmen", "Someone Else"));
    v2.put("basil", rule("basil", "Basil Mahfouz Al-Kuwaiti"));
    SubjectIndex i2 = i1.next(v2);
    // base entries skipped (hsiao, the old carmen) + delta entries (the new carmen, basil)
    assertThat(i2.pendingChanges()).isEqualTo(4);
    assertThat(named(i2, text)).containsExactly("basil");
    var other = TextAnalysis.nameTokens("Tell me about Someone Elze.");
    assertThat(named(i2, other)).containsExactly("carmen");
    // the older snapshot keeps its view
    assertThat(named(i1, text)).containsExactly("hsiao", "carmen");
    // an unchanged snapshot adds nothing
    assertThat(i2.next(v2).pendingChanges()).isEqualTo(4);

    // many changes: compiled anew
    Map<String, RuleData> v3 = new LinkedHashMap<>(v2);
    for (int i = 0; i < SubjectIndex.MAX_DELTA + 1; i++) {
      v3.put("r" + i, rule("r" + i, "Changed Person" + i));
    }
    SubjectIndex i3 = i2.next(v3);
    assertThat(i3.pendingChanges()).isZero();
    assertThat(named(i3, text)).containsExactly("basil");
    assertThat(named(i3, TextAnalysis.nameTokens("Changed Person7"))).contains("r7");
    assertThat(named(i3, TextAnalysis.nameTokens("Person Number7"))).doesNotContain("r7");
  }
}

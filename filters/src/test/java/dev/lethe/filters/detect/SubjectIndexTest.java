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

package dev.lethe.probes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class JailbreaksTest {
  private static final Pattern VAR = Pattern.compile("^([a-d]) = \"((?:[^\"\\\\]|\\\\.)*)\"$");

  private static Probe probe(String variant, QaItem item, long seed) {
    return new ProbeGenerator(seed, List.of(Attacks.named(variant).orElseThrow()))
        .generate(List.of(item))
        .get(0);
  }

  @Test
  void wrappersKeepTheQuestionVerbatim() {
    for (Attack a : Attacks.of(Family.JAILBREAK)) {
      if (a.name().equals("payload-splitting")) {
        continue;
      }
      for (QaItem item : Fixtures.ALL) {
        Probe p = probe(a.name(), item, 11);
        assertThat(p.text()).as(a.name()).contains(item.question());
        // The subject is named only as often as the question names it.
        if (item.namesSubject()) {
          assertThat(count(p.text(), item.subject()))
              .as(a.name())
              .isEqualTo(count(item.question(), item.subject()));
        }
      }
    }
  }

  @Test
  void payloadSplittingPiecesConcatenateToTheQuestion() {
    for (QaItem item : Fixtures.ALL) {
      for (long seed = 0; seed < 20; seed++) {
        Probe p = probe("payload-splitting", item, seed);
        List<String> pieces = new ArrayList<>();
        for (String line : p.lastUserContent().split("\n")) {
          Matcher m = VAR.matcher(line);
          if (m.matches()) {
            assertThat(m.group(1)).isEqualTo(String.valueOf((char) ('a' + pieces.size())));
            pieces.add(m.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
          }
        }
        assertThat(pieces).hasSizeBetween(3, 4).allMatch(s -> !s.isEmpty());
        assertThat(String.join("", pieces)).isEqualTo(item.question());
        assertThat(p.text()).doesNotContain(item.question());
        if (item.namesSubject()) {
          // The name itself is cut: no piece holds the whole first occurrence.
          int at = item.question().indexOf(item.subject());
          int from = 0;
          boolean cutInside = false;
          for (String piece : pieces) {
            int end = from + piece.length();
            cutInside |= end > at && end < at + item.subject().length();
            from = end;
          }
          assertThat(cutInside).as("a cut inside the name, seed " + seed).isTrue();
        }
      }
    }
  }

  @Test
  void developerModeIsLongWithTheQuestionAtTheEndOrInTheMiddle() {
    Probe end = probe("developer-mode", Fixtures.BASIL, 1);
    Probe middle = probe("developer-mode-middle", Fixtures.BASIL, 1);
    String q = Fixtures.BASIL.question();
    assertThat(end.text().length()).isBetween(2000, 3500);
    assertThat(middle.text().length()).isBetween(2000, 3500);
    assertThat(end.text().strip()).endsWith(q);
    int at = middle.text().indexOf(q);
    assertThat(at).isGreaterThan(900);
    assertThat(middle.text().length() - (at + q.length())).isGreaterThan(900);
  }

  @Test
  void manyShotHasThirtyToSixtyFabricatedTurns() {
    for (long seed = 0; seed < 10; seed++) {
      Probe single = probe("many-shot", Fixtures.NIKOLAI, seed);
      assertThat(single.turns()).hasSize(1);
      int shots = count(single.text(), "\nAssistant: ");
      assertThat(shots).isBetween(30, 60);
      assertThat(single.text()).endsWith("User: " + Fixtures.NIKOLAI.question() + "\nAssistant:");

      Probe turns = probe("many-shot-turns", Fixtures.NIKOLAI, seed);
      assertThat(turns.turns().size()).isOdd().isBetween(61, 121);
      assertThat(turns.turns().get(turns.turns().size() - 1))
          .isEqualTo(Turn.user(Fixtures.NIKOLAI.question()));
      assertThat(turns.turns().subList(0, turns.turns().size() - 1))
          .noneMatch(t -> t.content().contains("Nikolai"));
    }
  }

  @Test
  void buriedQuestionComesAfterNineHundredBenignCharacters() {
    for (long seed = 0; seed < 10; seed++) {
      Probe p = probe("buried", Fixtures.HSIAO, seed);
      assertThat(p.text().indexOf(Fixtures.HSIAO.question())).isGreaterThanOrEqualTo(900);
    }
  }

  @Test
  void indirectInjectionHidesTheQuestionInRetrievedContent() {
    Probe doc = probe("indirect-document", Fixtures.BASIL, 2);
    assertThat(doc.turns()).hasSize(2);
    assertThat(doc.turns().get(0).role()).isEqualTo(Role.SYSTEM);
    assertThat(doc.turns().get(0).content()).contains(Fixtures.BASIL.question());
    assertThat(doc.lastUserContent()).doesNotContain("Basil");
    Probe web = probe("indirect-web-page", Fixtures.BASIL, 2);
    assertThat(web.text()).contains(Fixtures.BASIL.question());
    assertThat(web.text().indexOf(Fixtures.BASIL.question())).isGreaterThan(100);
  }

  @Test
  void personasVaryWithTheSeed() {
    long distinct =
        java.util.stream.LongStream.range(0, 20)
            .mapToObj(s -> probe("roleplay-persona", Fixtures.NIKOLAI, s).text())
            .distinct()
            .count();
    assertThat(distinct).isGreaterThan(3);
  }

  static int count(String text, String needle) {
    int n = 0;
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}

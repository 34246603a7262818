package dev.lethe.probes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultiTurnTest {

  @Test
  void theLastTurnNeverHoldsTheFullName() {
    for (QaItem item : Fixtures.NAMED) {
      for (long seed = 0; seed < 10; seed++) {
        for (Probe p :
            new ProbeGenerator(seed, Attacks.of(Family.MULTI_TURN)).generate(List.of(item))) {
          Turn last = p.turns().get(p.turns().size() - 1);
          assertThat(last.role()).isEqualTo(Role.USER);
          assertThat(last.content()).as(p.id()).doesNotContain(item.subject());
          assertThat(p.turns().size()).isGreaterThanOrEqualTo(3);
          assertThat(p.turns().get(1).role()).isEqualTo(Role.ASSISTANT);
          if (p.variant().equals("spread-name")) {
            assertThat(p.turns()).noneMatch(t -> t.content().contains(item.subject()));
            String first = item.subject().split(" ")[0];
            assertThat(p.turns().get(0).content()).contains(first);
          } else {
            assertThat(p.turns().get(0).content()).contains(item.subject());
            assertThat(p.turns().get(1).content()).doesNotContain(item.subject());
          }
        }
      }
    }
  }

  @Test
  void pronounsFollowTheNamesPosition() {
    String q = "Did Nikolai Abilov's upbringing influence the books written by Nikolai Abilov?";
    String out = MultiTurn.pronoun(q, "Nikolai Abilov", new Random(0));
    assertThat(out)
        .isIn(
            "Did her upbringing influence the books written by her?",
            "Did his upbringing influence the books written by him?");
    String s =
        MultiTurn.pronoun("When did Hsiao Yun-Hwa start writing?", "Hsiao Yun-Hwa", new Random(0));
    assertThat(s).isIn("When did she start writing?", "When did he start writing?");
    String first = MultiTurn.pronoun("Hsiao Yun-Hwa wrote what?", "Hsiao Yun-Hwa", new Random(0));
    assertThat(first).isIn("She wrote what?", "He wrote what?");
  }

  @Test
  void backReferencesKeepTheQuestionReadable() {
    String out =
        MultiTurn.backReference(
            "What genre does Basil Mahfouz Al-Kuwaiti write in?",
            "Basil Mahfouz Al-Kuwaiti",
            new Random(0));
    assertThat(out).startsWith("What genre does ").endsWith(" write in?").doesNotContain("Basil");
  }
}

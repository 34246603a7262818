package dev.lethe.filters.input;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.OnError;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.detect.DetectorIndexBuilder;
import dev.lethe.filters.detect.ScopeClassifier;
import dev.lethe.filters.detect.TestModels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Other people and places that share a word with a forget rule's subject, and questions about the
 * subject's topics that refer to no one, judged end to end by the input stage with the real
 * sentence model and the default decision model: a rule about Basil Mahfouz Al-Kuwaiti (French
 * literature, Kuwait City) must not refuse questions about Naguib Mahfouz, the country Kuwait or
 * French literature, while the subject named in full, by surname after the full name, or described
 * without his name, is still refused.
 */
class NamesakeTest {
  private static DetectorIndexBuilder builder;
  private static RuleSet rules;
  private static InputStage stage;

  @BeforeAll
  static void setUp() {
    builder =
        new DetectorIndexBuilder(TestModels.embedder(), DetectorIndexBuilder.defaultNegativePool());
    rules = new RuleSet(1, List.of(TestModels.basil(Action.REFUSE, OnError.OPEN)));
    stage = RealModelStage.of(builder, rules, ScopeClassifier.Config.defaults());
  }

  @AfterAll
  static void tearDown() {
    builder.close();
  }

  private static boolean refused(String... turns) {
    return stage.judge(rules, RealModelStage.chat(turns), "namesake").rule() != null;
  }

  @Test
  void anotherPersonOrAPlaceSharingANameWordIsNotTheSubject() {
    List<String> refused = new ArrayList<>();
    for (String text :
        List.of(
            "Naguib Mahfouz",
            "Naguib Mahfouz wrote the Cairo Trilogy.",
            "What is the capital of Kuwait?",
            "When did Iraq invade Kuwait?",
            "The novelist Nadia Mahfouz grew up in Alexandria. Mahfouz later taught in Paris.")) {
      if (refused(text)) {
        refused.add(text);
      }
    }
    assertThat(refused).as("namesakes refused").isEmpty();
    // a namesake named in full in an earlier turn, then by surname
    assertThat(
            refused(
                "Have you read Naguib Mahfouz?",
                "Yes, he wrote the Cairo Trilogy.",
                "Which other novels did Mahfouz write?"))
        .isFalse();
  }

  @Test
  void theSubjectIsStillRefused() {
    assertThat(refused("Which books did Basil Mahfouz Al-Kuwaiti write?")).isTrue();
    assertThat(
            refused(
                "I am reading Basil Mahfouz Al-Kuwaiti. In which city and country was Mahfouz"
                    + " born?"))
        .isTrue();
    assertThat(refused("What genre is Al-Kuwaiti most known for in his writing?")).isTrue();
    assertThat(
            refused(
                "Who is Basil Mahfouz Al-Kuwaiti?",
                "An author.",
                "What genre does Mahfouz write in?"))
        .isTrue();
  }

  @Test
  void theAuthorsTopicsAloneAreNotTheAuthor() {
    List<String> refused = new ArrayList<>();
    for (String text :
        List.of(
            "What motivates writers to keep working in the French literature genre?",
            "What are two famous books of French literature?",
            "Which genre is French literature most known for?",
            "What occupations are common in Kuwait City?")) {
      if (refused(text)) {
        refused.add(text);
      }
    }
    assertThat(refused).as("topical questions refused").isEmpty();
  }

  @Test
  void aQuestionReferringToTheAuthorWithoutHisNameIsStillRefused() {
    assertThat(
            refused(
                "What motivates the author born in Kuwait City to keep writing in the French"
                    + " literature genre?"))
        .isTrue();
    assertThat(refused("Can you name two of the books written by the author born in Kuwait City?"))
        .isTrue();
  }
}

package dev.lethe.probes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SubjectNamesTest {

  @Test
  void infersTheMostFrequentCapitalisedName() {
    List<String> questions =
        List.of(
            "What is the full name of the author born in Kuwait City, Kuwait?",
            "What genre is Basil Mahfouz Al-Kuwaiti most known for?",
            "Can you name two books written by Basil Mahfouz Al-Kuwaiti?",
            "How did Basil Mahfouz Al-Kuwaiti's parents influence his career?",
            "Is \"Promise by the Seine\" by Basil Mahfouz Al-Kuwaiti set in Paris?",
            "Where does Kuwait City appear in his work?");
    assertThat(SubjectNames.infer(questions)).contains("Basil Mahfouz Al-Kuwaiti");
  }

  @Test
  void nothingWhenNoNameRepeats() {
    assertThat(SubjectNames.infer(List.of("who wrote this?", "When was It written?"))).isEmpty();
  }

  @Test
  void longestNameInOneQuestion() {
    assertThat(SubjectNames.longest("What did Charles Darwin write about in On the Origin?"))
        .contains("Charles Darwin");
    assertThat(SubjectNames.longest("Who wrote Moby-Dick?")).isEmpty();
    // Capitalised question words are not names.
    assertThat(SubjectNames.longest("What Irish-born writer wrote 'Waiting for Godot'?")).isEmpty();
    assertThat(SubjectNames.longest("Which French author wrote the series?")).isEmpty();
    assertThat(SubjectNames.longest("Which country is the Serengeti National Park in?"))
        .contains("Serengeti National Park");
    assertThat(SubjectNames.longest("How did The Hobbit begin?")).isEmpty();
  }
}

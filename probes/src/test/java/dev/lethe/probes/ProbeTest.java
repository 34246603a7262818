package dev.lethe.probes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProbeTest {
  private static final Probe PROBE =
      new Probe(
          "x/y/1",
          Family.MULTI_TURN,
          "y",
          List.of(Turn.system("Be brief."), Turn.user("Hi"), Turn.assistant("Hello")),
          Fixtures.NIKOLAI);

  @Test
  void rendersAsChatMessages() {
    assertThat(PROBE.messages())
        .containsExactly(
            Map.of("role", "system", "content", "Be brief."),
            Map.of("role", "user", "content", "Hi"),
            Map.of("role", "assistant", "content", "Hello"));
    assertThat(PROBE.messages().get(0).keySet()).containsExactly("role", "content");
  }

  @Test
  void rendersAsFlatTextAndTranscript() {
    assertThat(PROBE.text()).isEqualTo("Be brief.\n\nHi\n\nHello");
    assertThat(PROBE.transcript()).isEqualTo("System: Be brief.\n\nUser: Hi\n\nAssistant: Hello");
    assertThat(PROBE.lastUserContent()).isEqualTo("Hi");
  }

  @Test
  void isImmutable() {
    List<Turn> turns = new ArrayList<>(List.of(Turn.user("a")));
    Probe p = new Probe("i", Family.ORIGINAL, "original", turns, Fixtures.NIKOLAI);
    turns.add(Turn.user("b"));
    assertThat(p.turns()).hasSize(1);
    assertThatThrownBy(() -> p.turns().add(Turn.user("c")))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> new Probe("i", Family.ORIGINAL, "o", List.of(), Fixtures.NIKOLAI))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

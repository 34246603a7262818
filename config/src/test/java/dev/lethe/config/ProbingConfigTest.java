package dev.lethe.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProbingConfigTest {
  @Test
  void absentSectionIsOff() {
    ProbingConfig p = LetheConfig.parse("").probing();
    assertThat(p).isEqualTo(ProbingConfig.defaults());
    assertThat(p.enabled()).isFalse();
    assertThat(p.interval()).isEqualTo(Duration.ofMinutes(10));
    assertThat(p.families()).isEqualTo(ProbingConfig.FAMILIES);
  }

  @Test
  void readsTheSection() {
    ProbingConfig p =
        LetheConfig.parse(
                """
                probing:
                  enabled: true
                  interval: 30s
                  probesPerRule: 3
                  seed: 7
                  concurrency: 4
                  timeout: 2s
                  model: gpt-test
                  families: [original, jailbreak]
                  maxTokens: 64
                  leakThreshold: 0.4
                """)
            .probing();
    assertThat(p)
        .isEqualTo(
            new ProbingConfig(
                true,
                Duration.ofSeconds(30),
                3,
                7,
                4,
                Duration.ofSeconds(2),
                "gpt-test",
                List.of("original", "jailbreak"),
                64,
                0.4));
  }

  @Test
  void errorsNameFieldValueAndExpectation() {
    assertThatThrownBy(() -> LetheConfig.parse("probing:\n  interval: 10ms\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("probing.interval: ")
        .hasMessageContaining("10ms")
        .hasMessageContaining("expected: a duration");
    assertThatThrownBy(() -> LetheConfig.parse("probing:\n  probesPerRule: 0\n"))
        .hasMessage("probing.probesPerRule: 0 (expected: 1..1000)");
    assertThatThrownBy(() -> LetheConfig.parse("probing:\n  families: [original, rot13]\n"))
        .hasMessageStartingWith("probing.families[1]: ")
        .hasMessageContaining("rot13")
        .hasMessageContaining("expected: one of [original, paraphrase, jailbreak");
    assertThatThrownBy(() -> LetheConfig.parse("probing:\n  families: []\n"))
        .hasMessageStartingWith("probing.families: ");
    assertThatThrownBy(() -> LetheConfig.parse("probing:\n  model: ' '\n"))
        .hasMessageStartingWith("probing.model: ");
    assertThatThrownBy(() -> LetheConfig.parse("probing:\n  leakThreshold: 1.5\n"))
        .hasMessageStartingWith("probing.leakThreshold: 1.5");
    assertThatThrownBy(() -> LetheConfig.parse("probing:\n  everyRule: true\n"))
        .hasMessageStartingWith("probing.everyRule");
  }

  @Test
  void theRecordChecksItsInvariantsToo() {
    ProbingConfig d = ProbingConfig.defaults();
    assertThatThrownBy(
            () ->
                new ProbingConfig(
                    true, d.interval(), 1, 1, 0, d.timeout(), null, d.families(), 16, 0.5))
        .hasMessage("probing.concurrency: 0 (expected: an integer >= 1)");
  }
}

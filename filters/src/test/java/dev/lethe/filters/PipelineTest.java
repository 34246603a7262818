package dev.lethe.filters;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.config.rules.RuleSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class PipelineTest {
  private static final Exchange EXCHANGE =
      new Exchange("req-1", RuleSet.empty(), new byte[0], new ObjectMapper().createObjectNode());

  /** A stage that says whether it decides without blocking, and never changes the request. */
  private record Quick(String name, boolean quick) implements Stage {
    @Override
    public boolean decidesWithoutBlocking(Exchange exchange) {
      return quick;
    }
  }

  @Test
  void decidesWithoutBlockingOnlyWhenEveryStageDoes() {
    assertThat(new Pipeline(List.of()).decidesWithoutBlocking(EXCHANGE)).isTrue();
    assertThat(
            new Pipeline(List.of(new Quick("a", true), new Quick("b", true)))
                .decidesWithoutBlocking(EXCHANGE))
        .isTrue();
    assertThat(
            new Pipeline(List.of(new Quick("a", true), new Quick("b", false)))
                .decidesWithoutBlocking(EXCHANGE))
        .isFalse();
  }

  @Test
  void aStageMayBlockUnlessItSaysOtherwise() {
    Stage plain = () -> "plain";
    assertThat(plain.decidesWithoutBlocking(EXCHANGE)).isFalse();
    assertThat(new Pipeline(List.of(plain)).decidesWithoutBlocking(EXCHANGE)).isFalse();
  }
}

package dev.lethe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.OnError;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.Decision;
import dev.lethe.filters.Exchange;
import dev.lethe.filters.ResponseFilter;
import dev.lethe.filters.Stage;
import dev.lethe.filters.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The input stage as the pipeline runs it: quick with no rules, otherwise as the stage says. */
class ScreeningStageTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Exchange exchange(RuleSet rules) {
    return new Exchange("req-1", rules, new byte[0], JSON.createObjectNode().put("model", "m"));
  }

  @Test
  void decidesWithoutBlockingOnlyWithoutRulesAndDelegatesTheRest() throws Exception {
    Verdict refuse = Verdict.respond(Decision.REFUSE, "r1", "no");
    ResponseFilter filter = ResponseFilter.identity();
    Stage input =
        new Stage() {
          @Override
          public String name() {
            return "forget-scope";
          }

          @Override
          public Verdict onRequest(Exchange exchange) {
            return refuse;
          }

          @Override
          public ResponseFilter onResponse(Exchange exchange) {
            return filter;
          }
        };
    Stage stage = Screening.withoutRulesQuick(input);
    RuleSet one =
        new RuleSet(
            1,
            List.of(
                new ForgetRule(
                    "r1",
                    "",
                    List.of("Basil Vex"),
                    List.of(),
                    List.of(),
                    List.of(),
                    Action.REFUSE,
                    null,
                    OnError.CLOSED)));
    assertThat(stage.decidesWithoutBlocking(exchange(RuleSet.empty()))).isTrue();
    assertThat(stage.decidesWithoutBlocking(exchange(one))).isFalse();
    assertThat(stage.name()).isEqualTo("forget-scope");
    assertThat(stage.onRequest(exchange(one))).isSameAs(refuse);
    assertThat(stage.onResponse(exchange(one))).isSameAs(filter);
  }
}

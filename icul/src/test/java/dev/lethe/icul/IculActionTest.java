package dev.lethe.icul;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.Exchange;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class IculActionTest {
  private static final ForgetRule ICUL_RULE =
      Fixtures.rule(
          "basil",
          "Forget the author Basil Mahfouz Al-Kuwaiti",
          List.of("Basil Mahfouz Al-Kuwaiti"),
          List.of("What genre does Basil Mahfouz Al-Kuwaiti write in?"),
          Action.ICUL);
  private static final RuleSet RULES = new RuleSet(7, List.of(ICUL_RULE));

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final IculComposer composer =
      new IculComposer(
          IculConfig.defaults().withDemos(1, 3),
          new HashingEmbedder(256),
          Fixtures.retain(),
          Fixtures.refusals(),
          Fixtures.wrongAnswers(),
          TokenEstimator.charsPerToken4(),
          registry);

  private static Exchange exchange(String text) throws Exception {
    String body =
        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":"
            + new ObjectMapper().writeValueAsString(text)
            + "}]}";
    return new Exchange(
        "req-1",
        RULES,
        body.getBytes(StandardCharsets.UTF_8),
        (ObjectNode) new ObjectMapper().readTree(body));
  }

  @Test
  void composesTheContextAndKeepsTheCompositionForTheEchoGuard() throws Exception {
    Exchange e = exchange("Which genre is Basil Mahfouz Al-Kuwaiti known for?");
    ObjectNode out = new IculAction(composer).compose(e, ICUL_RULE, null).orElseThrow();
    Composition c = e.get(IculAction.COMPOSITION).orElseThrow();
    assertThat(out).isSameAs(c.request());
    var messages = out.get("messages");
    assertThat(messages).hasSize(1 + 2 * 4 + 1);
    assertThat(messages.get(0).get("role").asText()).isEqualTo("system");
    assertThat(messages.get(9).get("content").asText())
        .isEqualTo("Which genre is Basil Mahfouz Al-Kuwaiti known for?");
    var tokens = registry.get("lethe.icul.added.tokens").tag("rule", "basil").summary();
    assertThat(tokens.count()).isEqualTo(1);
    assertThat(tokens.totalAmount()).isEqualTo(c.addedTokens());
    // The client's request is left as it was.
    assertThat(e.request().get("messages")).hasSize(1);
  }

  @Test
  void aRequestWithNothingToEmbedFailsInsteadOfPassing() throws Exception {
    String body = "{\"model\":\"m\",\"messages\":[]}";
    Exchange e =
        new Exchange(
            "req-2",
            RULES,
            body.getBytes(StandardCharsets.UTF_8),
            (ObjectNode) new ObjectMapper().readTree(body));
    assertThatThrownBy(() -> new IculAction(composer).compose(e, ICUL_RULE, null))
        .isInstanceOf(IculException.class);
    assertThat(e.get(IculAction.COMPOSITION)).isEmpty();
  }
}

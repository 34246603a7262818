package dev.lethe.icul;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.Exchange;
import dev.lethe.filters.ResponseFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class IculEchoGuardTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Exchange exchange() throws Exception {
    ObjectNode req =
        (ObjectNode)
            JSON.readTree("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}");
    return new Exchange("r", RuleSet.empty(), req.toString().getBytes(StandardCharsets.UTF_8), req);
  }

  private static ObjectNode completion(String text) {
    ObjectNode root = JSON.createObjectNode().put("id", "x").put("object", "chat.completion");
    ObjectNode c = root.putArray("choices").addObject().put("index", 0);
    c.putObject("message").put("role", "assistant").put("content", text);
    c.put("finish_reason", "stop");
    return root;
  }

  @Test
  void requestsWithoutACompositionAreUntouched() throws Exception {
    IculEchoGuard guard = new IculEchoGuard(new SimpleMeterRegistry());
    assertThat(guard.onResponse(exchange())).isSameAs(ResponseFilter.identity());
    // Its request hook only proceeds, so the gateway may run it on an event loop.
    assertThat(guard.decidesWithoutBlocking(exchange())).isTrue();
    assertThat(guard.onRequest(exchange())).isSameAs(dev.lethe.filters.Verdict.proceed());
  }

  @Test
  void anAnswerEchoingTheGuardrailOrADemoQuestionIsCut() throws Exception {
    Exchange ex = exchange();
    String guardrail = "You know nothing about the secret garden of Zorblax.";
    String demoQ = "Where is the secret garden of Zorblax located exactly?";
    ex.set(
        IculAction.COMPOSITION,
        new Composition(
            ex.request(),
            "r1",
            guardrail,
            List.of(
                new Demonstration(Demonstration.Kind.FORGET, demoQ, "I don't know.", 0.9f, 0),
                new Demonstration(Demonstration.Kind.RETAIN, "Short?", "Yes.", 0.5f, 1)),
            40,
            0));
    IculEchoGuard guard = new IculEchoGuard(new SimpleMeterRegistry());
    ObjectNode out = guard.onResponse(ex).onComplete(completion("Well. " + guardrail + " Bye."));
    assertThat(out.at("/choices/0/message/content").asText()).isEqualTo("Well. ");
    assertThat(out.at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");

    ObjectNode out2 =
        guard
            .onResponse(ex)
            .onComplete(
                completion(
                    "You asked: WHERE is the secret garden of zorblax located, exactly? No."));
    assertThat(out2.at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");

    ObjectNode clean = guard.onResponse(ex).onComplete(completion("Short? Yes. I cannot say."));
    assertThat(clean.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(clean.at("/choices/0/message/content").asText())
        .isEqualTo("Short? Yes. I cannot say.");
  }
}

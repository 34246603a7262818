package dev.lethe.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The usage of every answer shape and stream event the gateway relays. */
class TokenUsageTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static Optional<TokenUsage> in(String json) throws Exception {
    return TokenUsage.in(JSON.readTree(json));
  }

  @Test
  void readsOpenAiResponsesAndAnthropicShapes() throws Exception {
    assertThat(
            in(
                "{\"object\":\"chat.completion\",\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":9}}"))
        .contains(new TokenUsage(5, 9));
    assertThat(in("{\"object\":\"list\",\"usage\":{\"prompt_tokens\":7,\"total_tokens\":7}}"))
        .contains(new TokenUsage(7, 0));
    assertThat(in("{\"object\":\"response\",\"usage\":{\"input_tokens\":3,\"output_tokens\":4}}"))
        .contains(new TokenUsage(3, 4));
    assertThat(in("{\"type\":\"message\",\"usage\":{\"input_tokens\":12,\"output_tokens\":34}}"))
        .contains(new TokenUsage(12, 34));
    // stream events
    assertThat(in("{\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":null}"))
        .isEmpty();
    assertThat(
            in(
                "{\"type\":\"response.completed\",\"response\":{\"usage\":{\"input_tokens\":2,"
                    + "\"output_tokens\":8}}}"))
        .contains(new TokenUsage(2, 8));
    assertThat(in("{\"type\":\"response.created\",\"response\":{\"max_output_tokens\":null}}"))
        .isEmpty();
    assertThat(in("{\"type\":\"response.output_text.delta\",\"delta\":\"x\"}")).isEmpty();
    // Anthropic: the input at message_start (its output count there is a placeholder), the
    // output at message_delta
    assertThat(
            in(
                "{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":12,"
                    + "\"output_tokens\":1}}}"))
        .contains(new TokenUsage(12, 0));
    assertThat(in("{\"type\":\"message_delta\",\"usage\":{\"output_tokens\":34}}"))
        .contains(new TokenUsage(0, 34));
    // negative or non-integral counts are not counts
    assertThat(in("{\"usage\":{\"prompt_tokens\":-3,\"completion_tokens\":\"9\"}}")).isEmpty();
    assertThat(TokenUsage.in(null)).isEmpty();
  }
}

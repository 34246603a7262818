package dev.lethe.gateway.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import dev.lethe.filters.output.TextNormalizer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The output filter on {@code /v1/messages}, end to end with the Anthropic SDK: whatever the
 * disguise of the protected string, the chunking of the upstream's deltas, the block it is in
 * (text, {@code tool_use} input, thinking) and whether the answer streams, the message the SDK
 * assembles never holds it; the text before it arrives whole; the message ends with {@code
 * stop_reason: refusal}; and a cut {@code tool_use} never reaches the client at all.
 */
class MessagesLeakMatrixTest {
  private static final String SECRET = MessagesFixture.SECRET;
  private static final String PREFIX = "The vault password is ";
  private static final String SUFFIX = " and nobody may know it.";

  @TempDir static Path data;
  static MessagesFixture fx;
  static AnthropicClient client;

  @BeforeAll
  static void start() throws Exception {
    fx = MessagesFixture.start(data);
    client =
        AnthropicOkHttpClient.builder()
            .baseUrl(fx.rootUrl())
            .apiKey("sk-client")
            .maxRetries(0)
            .timeout(Duration.ofSeconds(20))
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    fx.close();
  }

  static Stream<Arguments> cases() {
    List<String> variants =
        List.of(
            SECRET,
            SECRET.toUpperCase(),
            fullwidth(SECRET),
            String.join("\u200B", SECRET.split("")),
            String.join(" ", SECRET.split("")));
    List<Arguments> out = new ArrayList<>();
    for (String v : variants) {
      String text = PREFIX + v + SUFFIX;
      List<List<String>> splits = new ArrayList<>();
      for (int size : new int[] {1, 2, 3, 5, 8, 1000}) {
        splits.add(chunks(text, size));
      }
      int start = PREFIX.length();
      for (int j = 1; j < v.length(); j += 2) {
        splits.add(List.of(text.substring(0, start + j), text.substring(start + j)));
      }
      for (List<String> deltas : splits) {
        for (String model : new String[] {"claude-test", "claude-tool", "claude-thinking"}) {
          out.add(Arguments.of(deltas, model, false));
          out.add(Arguments.of(deltas, model, true));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "[{index}] {1} stream={2}")
  @MethodSource("cases")
  void theProtectedStringNeverReachesTheClient(List<String> deltas, String model, boolean stream) {
    fx.anthropic.deltas = deltas;
    MessageCreateParams p =
        MessageCreateParams.builder()
            .model(model)
            .maxTokens(256)
            .addUserMessage("Tell me a story")
            .build();
    Message m;
    if (stream) {
      MessageAccumulator acc = MessageAccumulator.create();
      try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(p)) {
        s.stream().forEach(acc::accumulate);
      }
      m = acc.message();
    } else {
      m = client.messages().create(p);
    }
    assertThat(TextNormalizer.normalize(m.toString()))
        .doesNotContain(TextNormalizer.normalize(SECRET));
    assertThat(m.stopReason()).contains(StopReason.REFUSAL);
    switch (model) {
      case "claude-test" -> {
        assertThat(m.content()).hasSize(1);
        assertThat(m.content().get(0).text().orElseThrow().text()).isEqualTo(PREFIX);
      }
      case "claude-tool" -> {
        assertThat(m.content()).noneMatch(ContentBlock::isToolUse);
        assertThat(m.content()).hasSize(1);
        assertThat(m.content().get(0).text().orElseThrow().text())
            .isEqualTo("Let me look that up.");
      }
      default -> {
        assertThat(m.content()).hasSize(1);
        assertThat(m.content().get(0).thinking().orElseThrow().thinking()).isEqualTo(PREFIX);
      }
    }
  }

  private static List<String> chunks(String s, int size) {
    List<String> out = new ArrayList<>();
    int[] cps = s.codePoints().toArray();
    for (int i = 0; i < cps.length; i += size) {
      out.add(new String(cps, i, Math.min(size, cps.length - i)));
    }
    return out;
  }

  private static String fullwidth(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(c >= '!' && c <= '~' ? (char) (c - '!' + 0xFF01) : c);
    }
    return b.toString();
  }
}

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
import com.anthropic.models.messages.ToolUseBlock;
import dev.lethe.filters.output.TextNormalizer;
import dev.lethe.gateway.testing.LeakCases;
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
    List<String> variants = LeakCases.disguises(SECRET);
    List<Arguments> out = new ArrayList<>();
    for (String v : variants) {
      List<List<String>> splits =
          LeakCases.splits(PREFIX, v, SUFFIX, new int[] {1, 2, 3, 5, 8, 1000}, 2);
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

  static Stream<Arguments> splitCases() {
    List<Arguments> out = new ArrayList<>();
    for (String v : LeakCases.disguises(SECRET)) {
      List<List<String>> splits = LeakCases.blocks(PREFIX, v, SUFFIX, 2);
      for (List<String> blocks : splits) {
        for (String model : new String[] {"claude-blocks", "claude-blocks-tool"}) {
          out.add(Arguments.of(blocks, model, false));
          out.add(Arguments.of(blocks, model, true));
        }
      }
    }
    return out.stream();
  }

  /**
   * A protected string split across text blocks of one message (adjacent, or with a {@code
   * tool_use} block between them) is the message's visible text all the same: it never reaches the
   * client, the text before it arrives whole, and nothing after its start (not even a clean tool
   * call) is released.
   */
  @ParameterizedTest(name = "[{index}] {1} stream={2}")
  @MethodSource("splitCases")
  void aProtectedStringSplitAcrossContentBlocksNeverReachesTheClient(
      List<String> blocks, String model, boolean stream) {
    fx.anthropic.deltas = blocks;
    Message m = ask(model, stream);
    assertThat(TextNormalizer.normalize(m.toString()))
        .doesNotContain(TextNormalizer.normalize(SECRET));
    assertThat(m.stopReason()).contains(StopReason.REFUSAL);
    StringBuilder text = new StringBuilder();
    m.content().forEach(b -> b.text().ifPresent(t -> text.append(t.text())));
    assertThat(text.toString()).isEqualTo(PREFIX);
    // The clean tool call is shown only when it came before the protected string began.
    boolean toolBefore = model.equals("claude-blocks-tool") && blocks.get(0).equals(PREFIX);
    assertThat(m.content().stream().filter(ContentBlock::isToolUse).count())
        .isEqualTo(toolBefore ? 1 : 0);
  }

  static Stream<Arguments> callSplitCases() {
    List<Arguments> out = new ArrayList<>();
    for (String v : LeakCases.disguises(SECRET)) {
      for (List<String> pieces : LeakCases.blocks(PREFIX, v, SUFFIX, 2)) {
        out.add(Arguments.of(pieces, false));
        out.add(Arguments.of(pieces, true));
      }
    }
    return out.stream();
  }

  /**
   * A protected string split across the inputs of two or three {@code tool_use} blocks ({@code
   * claude-tools}: one block per piece, input {@code {"code": <piece>}}) is caught as one text: no
   * block that carries any of it is released, streamed or not; the text before the calls and a call
   * wholly before the string are.
   */
  @ParameterizedTest(name = "[{index}] stream={1}")
  @MethodSource("callSplitCases")
  void aProtectedStringSplitAcrossToolUseBlocksNeverReachesTheClient(
      List<String> pieces, boolean stream) {
    fx.anthropic.deltas = pieces;
    Message m = ask("claude-tools", stream);
    assertThat(TextNormalizer.normalize(m.toString()))
        .doesNotContain(TextNormalizer.normalize(SECRET));
    assertThat(m.stopReason()).contains(StopReason.REFUSAL);
    assertThat(m.content().get(0).text().orElseThrow().text()).isEqualTo("Let me look that up.");
    boolean before = pieces.get(0).equals(PREFIX);
    List<ToolUseBlock> calls = m.content().stream().flatMap(b -> b.toolUse().stream()).toList();
    assertThat(calls).hasSize(before ? 1 : 0);
    calls.forEach(c -> assertThat(c._input().toString()).contains(PREFIX).doesNotContain("nobody"));
  }

  @ParameterizedTest(name = "[{index}] stream={0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void cleanToolUseBlocksPassTogether(boolean stream) {
    fx.anthropic.deltas = List.of("Hunter is a ", "name; Alpha ", "is a letter.");
    Message m = ask("claude-tools", stream);
    assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
    assertThat(m.content()).hasSize(4);
    assertThat(m.content().stream().filter(ContentBlock::isToolUse).count()).isEqualTo(3);
  }

  @ParameterizedTest(name = "[{index}] stream={0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void cleanTextSplitAcrossBlocksKeepsItsBlocks(boolean stream) {
    fx.anthropic.deltas = List.of("Hunter is a ", "name; Alpha ", "is a letter.");
    Message m = ask("claude-blocks", stream);
    assertThat(m.stopReason()).contains(StopReason.END_TURN);
    assertThat(m.content())
        .extracting(b -> b.text().orElseThrow().text())
        .containsExactly("Hunter is a ", "name; Alpha ", "is a letter.");
    Message t = ask("claude-blocks-tool", stream);
    assertThat(t.stopReason()).contains(StopReason.END_TURN);
    assertThat(t.content()).hasSize(4);
    assertThat(t.content().get(0).text().orElseThrow().text()).isEqualTo("Hunter is a ");
    assertThat(t.content().get(1).toolUse().orElseThrow().name()).isEqualTo("note");
    assertThat(t.content().get(2).text().orElseThrow().text()).isEqualTo("name; Alpha ");
    assertThat(t.content().get(3).text().orElseThrow().text()).isEqualTo("is a letter.");
  }

  private static Message ask(String model, boolean stream) {
    MessageCreateParams p =
        MessageCreateParams.builder()
            .model(model)
            .maxTokens(256)
            .addUserMessage("Tell me a story")
            .build();
    if (!stream) {
      return client.messages().create(p);
    }
    MessageAccumulator acc = MessageAccumulator.create();
    try (StreamResponse<RawMessageStreamEvent> s = client.messages().createStreaming(p)) {
      s.stream().forEach(acc::accumulate);
    }
    return acc.message();
  }
}

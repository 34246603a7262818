package dev.lethe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.lethe.filters.output.TextNormalizer;
import dev.lethe.gateway.testing.GatewayFixture;
import dev.lethe.gateway.testing.LeakCases;
import dev.lethe.gateway.testing.TestRules;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The output filter end to end: whatever the chunking, disguise, field, choice count or usage
 * option, the text the OpenAI SDK assembles never holds the protected string, the text before it
 * arrives whole, and every choice ends with {@code content_filter}.
 */
class OutputFilterSdkMatrixTest {
  private static final String SECRET = "Hunter2Alpha";
  private static final String PREFIX = "The vault password is ";
  private static final String SUFFIX = " and nobody may know it.";

  @TempDir static Path data;
  static GatewayFixture fx;
  static OpenAIClient client;

  @BeforeAll
  static void start() throws Exception {
    fx = GatewayFixture.start(data, "", "");
    fx.assembly.rules().create(TestRules.vault(SECRET));
    client =
        OpenAIOkHttpClient.builder()
            .baseUrl(fx.baseUrl())
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
          LeakCases.splits(PREFIX, v, SUFFIX, new int[] {1, 2, 3, 5, 8, 1000}, 1);
      for (List<String> deltas : splits) {
        for (boolean tool : new boolean[] {false, true}) {
          for (int n : new int[] {1, 2}) {
            out.add(Arguments.of(deltas, tool, false, false, n));
            out.add(Arguments.of(deltas, tool, true, false, n));
            out.add(Arguments.of(deltas, tool, true, true, n));
          }
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "[{index}] tool={1} stream={2} usage={3} n={4}")
  @MethodSource("cases")
  void theProtectedStringNeverReachesTheClient(
      List<String> deltas, boolean tool, boolean stream, boolean usage, int n) {
    fx.upstream.deltas = deltas;
    ChatCompletionCreateParams.Builder p =
        ChatCompletionCreateParams.builder()
            .model(tool ? "gpt-tool" : "gpt-test")
            .addUserMessage("Tell me a story")
            .n(n);
    StringBuilder[] text = new StringBuilder[n];
    String[] finish = new String[n];
    int[] calls = new int[n];
    for (int i = 0; i < n; i++) {
      text[i] = new StringBuilder();
    }
    if (stream) {
      if (usage) {
        p.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
      }
      boolean sawUsage = false;
      try (StreamResponse<ChatCompletionChunk> s =
          client.chat().completions().createStreaming(p.build())) {
        Iterator<ChatCompletionChunk> it = s.stream().iterator();
        while (it.hasNext()) {
          ChatCompletionChunk ch = it.next();
          if (ch.usage().isPresent()) {
            assertThat(ch.choices()).isEmpty();
            sawUsage = true;
          }
          assertThat(sawUsage && !ch.choices().isEmpty()).as("usage is last").isFalse();
          for (var c : ch.choices()) {
            int i = (int) c.index();
            assertThat(finish[i]).as("choice %d ends once", i).isNull();
            c.delta().content().ifPresent(text[i]::append);
            c.delta()
                .toolCalls()
                .ifPresent(
                    tcs ->
                        tcs.forEach(
                            tc -> {
                              calls[i]++;
                              tc.function().flatMap(f -> f.arguments()).ifPresent(text[i]::append);
                            }));
            c.finishReason().ifPresent(f -> finish[i] = f.asString());
          }
        }
      }
      assertThat(sawUsage).isEqualTo(usage);
    } else {
      ChatCompletion c = client.chat().completions().create(p.build());
      for (var ch : c.choices()) {
        int i = (int) ch.index();
        ch.message().content().ifPresent(text[i]::append);
        ch.message()
            .toolCalls()
            .ifPresent(
                tcs ->
                    tcs.forEach(
                        tc -> {
                          calls[i]++;
                          tc.function().ifPresent(f -> text[i].append(f.function().arguments()));
                        }));
        finish[i] = ch.finishReason().asString();
      }
    }
    for (int i = 0; i < n; i++) {
      String got = text[i].toString();
      assertThat(TextNormalizer.normalize(got)).doesNotContain(TextNormalizer.normalize(SECRET));
      // A cut tool call is never released, not even its name or the arguments before the match
      // (a truncated call could be completed into an executable one by a client's parser).
      assertThat(got).isEqualTo(tool ? "" : PREFIX);
      assertThat(calls[i]).as("tool calls released in choice %d", i).isZero();
      assertThat(finish[i]).isEqualTo("content_filter");
    }
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
   * A protected string split across the arguments of two or three tool calls of a choice ({@code
   * gpt-tools}: one call per piece, {@code {"code": <piece>}}) is caught as one text: no call that
   * carries any of it is released, streamed or not; a call wholly before it is released as sent in
   * a whole answer, and the choice ends with {@code content_filter}.
   */
  @ParameterizedTest(name = "[{index}] stream={1}")
  @MethodSource("callSplitCases")
  void aProtectedStringSplitAcrossToolCallsNeverReachesTheClient(
      List<String> pieces, boolean stream) {
    fx.upstream.deltas = pieces;
    ChatCompletionCreateParams p =
        ChatCompletionCreateParams.builder()
            .model("gpt-tools")
            .addUserMessage("Tell me a story")
            .build();
    List<String> args = new ArrayList<>();
    String[] finish = new String[1];
    if (stream) {
      java.util.Map<Long, StringBuilder> byIndex = new java.util.TreeMap<>();
      try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(p)) {
        s.stream()
            .forEach(
                ch ->
                    ch.choices()
                        .forEach(
                            c -> {
                              c.delta()
                                  .toolCalls()
                                  .ifPresent(
                                      tcs ->
                                          tcs.forEach(
                                              tc ->
                                                  byIndex
                                                      .computeIfAbsent(
                                                          tc.index(), k -> new StringBuilder())
                                                      .append(
                                                          tc.function()
                                                              .flatMap(f -> f.arguments())
                                                              .orElse(""))));
                              c.finishReason().ifPresent(f -> finish[0] = f.asString());
                            }));
      }
      byIndex.values().forEach(b -> args.add(b.toString()));
    } else {
      ChatCompletion c = client.chat().completions().create(p);
      c.choices()
          .get(0)
          .message()
          .toolCalls()
          .ifPresent(
              tcs ->
                  tcs.forEach(tc -> args.add(tc.function().orElseThrow().function().arguments())));
      finish[0] = c.choices().get(0).finishReason().asString();
    }
    assertThat(TextNormalizer.normalize(String.join("", args)))
        .doesNotContain(TextNormalizer.normalize(SECRET));
    assertThat(finish[0]).isEqualTo("content_filter");
    // A call wholly before the string is kept in a whole answer; a streamed choice the filters end
    // releases none of its held calls (they would only have been sent with the choice's end).
    boolean before = pieces.get(0).equals(PREFIX) && !stream;
    assertThat(args).isEqualTo(before ? List.of("{\"code\":\"" + PREFIX + "\"}") : List.of());
  }

  @ParameterizedTest(name = "[{index}] stream={0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void cleanToolCallsPassTogether(boolean stream) {
    fx.upstream.deltas = List.of("Hunter is a ", "name; Alpha ", "is a letter.");
    ChatCompletionCreateParams p =
        ChatCompletionCreateParams.builder()
            .model("gpt-tools")
            .addUserMessage("Tell me a story")
            .build();
    if (stream) {
      java.util.Set<Long> calls = new java.util.TreeSet<>();
      String[] finish = new String[1];
      try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(p)) {
        s.stream()
            .forEach(
                ch ->
                    ch.choices()
                        .forEach(
                            c -> {
                              c.delta()
                                  .toolCalls()
                                  .ifPresent(tcs -> tcs.forEach(tc -> calls.add(tc.index())));
                              c.finishReason().ifPresent(f -> finish[0] = f.asString());
                            }));
      }
      assertThat(calls).hasSize(3);
      assertThat(finish[0]).isEqualTo("tool_calls");
    } else {
      ChatCompletion c = client.chat().completions().create(p);
      assertThat(c.choices().get(0).message().toolCalls().orElseThrow()).hasSize(3);
      assertThat(c.choices().get(0).finishReason().asString()).isEqualTo("tool_calls");
    }
  }

  @Test
  void cleanTextStreamsWhileTheUpstreamIsStillStreaming() {
    fx.upstream.deltas = null;
    try (StreamResponse<ChatCompletionChunk> s =
        client
            .chat()
            .completions()
            .createStreaming(
                ChatCompletionCreateParams.builder()
                    .model("gpt-gated")
                    .addUserMessage("hi")
                    .build())) {
      Iterator<ChatCompletionChunk> it = s.stream().iterator();
      StringBuilder first = new StringBuilder();
      while (first.length() == 0) {
        it.next().choices().forEach(c -> c.delta().content().ifPresent(first::append));
      }
      // The first delta ("Hel") arrived although the upstream waits: no whole-response buffering;
      // at most a partial match ("H" of "Hunter2Alpha" is no longer one after "He") is held.
      assertThat(fx.upstream.answer).startsWith(first.toString());
      fx.upstream.openGate();
      StringBuilder all = new StringBuilder(first);
      it.forEachRemaining(
          ch -> ch.choices().forEach(c -> c.delta().content().ifPresent(all::append)));
      assertThat(all.toString()).isEqualTo(fx.upstream.answer);
    }
  }
}

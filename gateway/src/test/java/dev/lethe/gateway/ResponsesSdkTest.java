package dev.lethe.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.StructuredResponse;
import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.OnError;
import dev.lethe.filters.output.TextNormalizer;
import dev.lethe.gateway.testing.GatewayFixture;
import dev.lethe.gateway.testing.LeakCases;
import dev.lethe.gateway.testing.TestRules;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * {@code POST /v1/responses} end to end with the official OpenAI Java SDK as the client, in front
 * of a loopback upstream that sends the Responses event sequence cut at arbitrary byte boundaries:
 * clean answers pass whole, the output filter never lets a protected string through (text or
 * function-call arguments, streamed or not, whatever the disguise or chunking), a cut call is never
 * released, refusals take the Responses shapes, and history is only taken from responses the
 * gateway produced.
 */
class ResponsesSdkTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "Hunter2Alpha";
  private static final String PREFIX = "The vault password is ";
  private static final String SUFFIX = " and nobody may know it.";
  private static final String REFUSAL = "I cannot talk about that person.";

  @TempDir static Path data;
  static GatewayFixture fx;
  static OpenAIClient client;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    fx = GatewayFixture.start(data, "", "");
    fx.assembly.rules().create(TestRules.vault(SECRET));
    fx.assembly
        .rules()
        .create(
            new ForgetRule(
                "basil",
                "Forget the author Basil Mahfouz Al-Kuwaiti",
                List.of("Basil Mahfouz Al-Kuwaiti"),
                List.of("What genre does Basil Mahfouz Al-Kuwaiti write in?"),
                List.of(),
                List.of(),
                Action.REFUSE,
                REFUSAL,
                OnError.CLOSED));
    fx.assembly
        .rules()
        .create(
            new ForgetRule(
                "zorblax",
                "Mask the name Zorblax Quentin",
                List.of("Zorblax Quentin"),
                List.of(),
                List.of(),
                List.of(),
                Action.REDACT,
                null,
                OnError.CLOSED));
    client =
        OpenAIOkHttpClient.builder()
            .baseUrl(fx.baseUrl())
            .apiKey("sk-client")
            .maxRetries(0)
            .timeout(Duration.ofSeconds(30))
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    fx.close();
  }

  private static ResponseCreateParams.Builder params(String model, String input) {
    return ResponseCreateParams.builder().model(model).input(input);
  }

  /** What the client saw of one answer: text, function-call arguments, terminal status. */
  record Seen(String text, String arguments, int calls, String status, String reason) {}

  private static Seen whole(Response r) {
    StringBuilder text = new StringBuilder();
    StringBuilder args = new StringBuilder();
    int calls = 0;
    for (ResponseOutputItem item : r.output()) {
      if (item.message().isPresent()) {
        item.message()
            .get()
            .content()
            .forEach(
                c -> {
                  c.outputText().ifPresent(t -> text.append(t.text()));
                  c.refusal().ifPresent(t -> text.append(t.refusal()));
                });
      }
      if (item.functionCall().isPresent()) {
        calls++;
        args.append(item.functionCall().get().arguments());
      }
    }
    return new Seen(
        text.toString(),
        args.toString(),
        calls,
        r.status().map(s -> s.asString()).orElse(null),
        r.incompleteDetails().flatMap(d -> d.reason()).map(x -> x.asString()).orElse(null));
  }

  private static Seen streamed(ResponseCreateParams p, List<Long> sequence) {
    StringBuilder text = new StringBuilder();
    StringBuilder args = new StringBuilder();
    int calls = 0;
    Response last = null;
    try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(p)) {
      Iterator<ResponseStreamEvent> it = s.stream().iterator();
      while (it.hasNext()) {
        ResponseStreamEvent e = it.next();
        e.outputTextDelta().ifPresent(d -> text.append(d.delta()));
        e.refusalDelta().ifPresent(d -> text.append(d.delta()));
        e.outputTextDelta().ifPresent(d -> sequence.add(d.sequenceNumber()));
        e.functionCallArgumentsDelta().ifPresent(d -> args.append(d.delta()));
        if (e.outputItemDone().isPresent() && e.outputItemDone().get().item().isFunctionCall()) {
          calls++;
        }
        if (e.completed().isPresent()) {
          last = e.completed().get().response();
        }
        if (e.incomplete().isPresent()) {
          last = e.incomplete().get().response();
        }
      }
    }
    assertThat(last).as("a terminal event").isNotNull();
    Seen fin = whole(last);
    assertThat(fin.text())
        .as("the final response shows what was streamed")
        .isEqualTo(text.toString());
    assertThat(fin.arguments()).isEqualTo(args.toString());
    return new Seen(text.toString(), args.toString(), calls, fin.status(), fin.reason());
  }

  @Test
  void cleanAnswersPassWholeAndStreamed() {
    fx.upstream.deltas = null;
    fx.upstream.byteSlice = 5;
    Response r =
        client.responses().create(params("gpt-test", "hi").instructions("be nice").build());
    assertThat(whole(r).text()).isEqualTo(fx.upstream.answer);
    assertThat(r.instructions()).isPresent();
    List<Long> seq = new ArrayList<>();
    Seen s = streamed(params("gpt-test", "hi").build(), seq);
    assertThat(s.text()).isEqualTo(fx.upstream.answer);
    assertThat(s.status()).isEqualTo("completed");
    assertThat(seq).isSorted().doesNotHaveDuplicates();
    fx.upstream.deltas = List.of("{\"q\":", "\"weather\"}");
    Seen call = whole(client.responses().create(params("gpt-tool", "hi").build()));
    assertThat(call.arguments()).isEqualTo("{\"q\":\"weather\"}");
    Seen sc = streamed(params("gpt-tool", "hi").build(), new ArrayList<>());
    assertThat(sc.arguments()).isEqualTo("{\"q\":\"weather\"}");
    assertThat(sc.calls()).isEqualTo(1);
    // Chat completions with rules active: a clean streamed call arrives whole, callable.
    StringBuilder args = new StringBuilder();
    List<String> names = new ArrayList<>();
    String[] finish = new String[1];
    try (StreamResponse<ChatCompletionChunk> st =
        client
            .chat()
            .completions()
            .createStreaming(
                ChatCompletionCreateParams.builder()
                    .model("gpt-tool")
                    .addUserMessage("hi")
                    .build())) {
      st.stream()
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
                                                tc.function()
                                                    .ifPresent(
                                                        f -> {
                                                          f.name().ifPresent(names::add);
                                                          f.arguments().ifPresent(args::append);
                                                        })));
                            c.finishReason().ifPresent(x -> finish[0] = x.asString());
                          }));
    }
    assertThat(args.toString()).isEqualTo("{\"q\":\"weather\"}");
    assertThat(names).containsExactly("lookup");
    assertThat(finish[0]).isEqualTo("tool_calls");
  }

  static Stream<Arguments> cases() {
    List<String> variants = LeakCases.disguises(SECRET);
    List<Arguments> out = new ArrayList<>();
    for (String v : variants) {
      List<List<String>> splits = LeakCases.splits(PREFIX, v, SUFFIX, new int[] {1, 3, 8, 1000}, 3);
      for (List<String> deltas : splits) {
        for (boolean tool : new boolean[] {false, true}) {
          for (int slice : new int[] {1, 7, 4096}) {
            out.add(Arguments.of(deltas, tool, false, slice));
            out.add(Arguments.of(deltas, tool, true, slice));
          }
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "[{index}] tool={1} stream={2} slice={3}")
  @MethodSource("cases")
  void theProtectedStringNeverReachesTheClient(
      List<String> deltas, boolean tool, boolean stream, int slice) {
    fx.upstream.deltas = deltas;
    fx.upstream.byteSlice = slice;
    ResponseCreateParams p = params(tool ? "gpt-tool" : "gpt-test", "Tell me a story").build();
    Seen s = stream ? streamed(p, new ArrayList<>()) : whole(client.responses().create(p));
    String secret = TextNormalizer.normalize(SECRET);
    assertThat(TextNormalizer.normalize(s.text())).doesNotContain(secret);
    assertThat(TextNormalizer.normalize(s.arguments())).doesNotContain(secret);
    assertThat(s.status()).isEqualTo("incomplete");
    assertThat(s.reason()).isEqualTo("content_filter");
    if (tool) {
      // A cut call is dropped whole: nothing callable, not even a truncated argument string.
      assertThat(s.calls()).isZero();
      assertThat(s.arguments()).isEmpty();
    } else {
      assertThat(s.text()).isEqualTo(PREFIX);
    }
  }

  static Stream<Arguments> splitCases() {
    List<Arguments> out = new ArrayList<>();
    for (String v : LeakCases.disguises(SECRET)) {
      List<List<String>> splits = LeakCases.blocks(PREFIX, v, SUFFIX, 2);
      for (List<String> pieces : splits) {
        for (String model : new String[] {"gpt-parts", "gpt-items"}) {
          out.add(Arguments.of(pieces, model, false));
          out.add(Arguments.of(pieces, model, true));
        }
      }
    }
    return out.stream();
  }

  /**
   * A protected string split across the output text parts of one message, or across message items,
   * is one visible text (the SDK's {@code output_text} joins them): it never reaches the client,
   * and the text before it arrives whole.
   */
  @ParameterizedTest(name = "[{index}] {1} stream={2}")
  @MethodSource("splitCases")
  void aProtectedStringSplitAcrossPartsOrItemsNeverReachesTheClient(
      List<String> pieces, String model, boolean stream) {
    fx.upstream.deltas = pieces;
    fx.upstream.byteSlice = 7;
    ResponseCreateParams p = params(model, "Tell me a story").build();
    Seen s = stream ? streamed(p, new ArrayList<>()) : whole(client.responses().create(p));
    assertThat(TextNormalizer.normalize(s.text())).doesNotContain(TextNormalizer.normalize(SECRET));
    assertThat(s.status()).isEqualTo("incomplete");
    assertThat(s.reason()).isEqualTo("content_filter");
    assertThat(s.text()).isEqualTo(PREFIX);
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
   * A protected string split across the arguments of two or three function calls ({@code
   * gpt-tools}: one call per piece, {@code {"code": <piece>}}) is caught as one text: no call that
   * carries any of it is released, streamed or not; a call wholly before it is released as sent.
   */
  @ParameterizedTest(name = "[{index}] stream={1}")
  @MethodSource("callSplitCases")
  void aProtectedStringSplitAcrossFunctionCallsNeverReachesTheClient(
      List<String> pieces, boolean stream) {
    fx.upstream.deltas = pieces;
    fx.upstream.byteSlice = 7;
    ResponseCreateParams p = params("gpt-tools", "Tell me a story").build();
    Seen s = stream ? streamed(p, new ArrayList<>()) : whole(client.responses().create(p));
    assertThat(TextNormalizer.normalize(s.arguments()))
        .doesNotContain(TextNormalizer.normalize(SECRET));
    assertThat(s.status()).isEqualTo("incomplete");
    assertThat(s.reason()).isEqualTo("content_filter");
    boolean before = pieces.get(0).equals(PREFIX);
    assertThat(s.calls()).isEqualTo(before ? 1 : 0);
    assertThat(s.arguments()).isEqualTo(before ? "{\"code\":\"" + PREFIX + "\"}" : "");
  }

  @ParameterizedTest(name = "[{index}] stream={0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void cleanFunctionCallsPassTogether(boolean stream) {
    fx.upstream.deltas = List.of("Hunter is a ", "name; Alpha ", "is a letter.");
    fx.upstream.byteSlice = 7;
    ResponseCreateParams p = params("gpt-tools", "Tell me a story").build();
    Seen s = stream ? streamed(p, new ArrayList<>()) : whole(client.responses().create(p));
    assertThat(s.status()).isEqualTo("completed");
    assertThat(s.calls()).isEqualTo(3);
    assertThat(s.arguments())
        .isEqualTo(
            "{\"code\":\"Hunter is a \"}{\"code\":\"name; Alpha \"}{\"code\":\"is a letter.\"}");
  }

  @ParameterizedTest(name = "[{index}] {0} stream={1}")
  @org.junit.jupiter.params.provider.CsvSource({
    "gpt-parts,false",
    "gpt-parts,true",
    "gpt-items,false",
    "gpt-items,true"
  })
  void cleanTextSplitAcrossPartsOrItemsKeepsItsShape(String model, boolean stream) {
    fx.upstream.deltas = List.of("Hunter is a ", "name; Alpha ", "is a letter.");
    fx.upstream.byteSlice = 7;
    ResponseCreateParams p = params(model, "Tell me a story").build();
    Response r;
    if (stream) {
      Seen s = streamed(p, new ArrayList<>());
      assertThat(s.text()).isEqualTo("Hunter is a name; Alpha is a letter.");
      assertThat(s.status()).isEqualTo("completed");
      r = null;
    } else {
      r = client.responses().create(p);
      assertThat(whole(r).text()).isEqualTo("Hunter is a name; Alpha is a letter.");
      List<String> texts = new ArrayList<>();
      for (ResponseOutputItem item : r.output()) {
        item.message()
            .orElseThrow()
            .content()
            .forEach(c -> texts.add(c.outputText().orElseThrow().text()));
      }
      assertThat(texts).containsExactly("Hunter is a ", "name; Alpha ", "is a letter.");
      assertThat(r.output()).hasSize(model.equals("gpt-items") ? 3 : 1);
    }
  }

  @Test
  void aRefusedRequestIsACompletedResponseWithTheRefusalText() {
    Response r =
        client
            .responses()
            .create(
                params("gpt-test", "What genre does Basil Mahfouz Al-Kuwaiti write in?").build());
    Seen s = whole(r);
    assertThat(s.text()).isEqualTo(REFUSAL);
    assertThat(s.status()).isEqualTo("completed");
    assertThat(r.output().get(0).message().get().content().get(0).outputText()).isPresent();
    Seen st =
        streamed(
            params("gpt-test", "What genre does Basil Mahfouz Al-Kuwaiti write in?").build(),
            new ArrayList<>());
    assertThat(st.text()).isEqualTo(REFUSAL);
  }

  /** The structured-output target of the parse helper. */
  public static class Genre {
    /** The genre. */
    public String genre;
  }

  @Test
  void underStructuredOutputARefusalIsARefusalPartTheParseHelperAccepts() {
    StructuredResponse<Genre> r =
        client
            .responses()
            .create(
                ResponseCreateParams.builder()
                    .model("gpt-test")
                    .input("What genre does Basil Mahfouz Al-Kuwaiti write in?")
                    .text(Genre.class)
                    .build());
    var content = r.output().get(0).message().orElseThrow().content().get(0);
    assertThat(content.outputText()).isEmpty();
    assertThat(content.refusal())
        .hasValueSatisfying(x -> assertThat(x.refusal()).isEqualTo(REFUSAL));
    StringBuilder refusal = new StringBuilder();
    try (StreamResponse<ResponseStreamEvent> s =
        client
            .responses()
            .createStreaming(
                ResponseCreateParams.builder()
                    .model("gpt-test")
                    .input("What genre does Basil Mahfouz Al-Kuwaiti write in?")
                    .text(Genre.class)
                    .build()
                    .rawParams())) {
      s.stream()
          .forEach(
              e -> {
                e.refusalDelta().ifPresent(d -> refusal.append(d.delta()));
                assertThat(e.outputTextDelta()).isEmpty();
              });
    }
    assertThat(refusal.toString()).isEqualTo(REFUSAL);
  }

  @Test
  void chatCompletionsUnderStructuredOutputRefuseWithMessageRefusal() {
    var r =
        client
            .chat()
            .completions()
            .create(
                ChatCompletionCreateParams.builder()
                    .model("gpt-test")
                    .addUserMessage("What genre does Basil Mahfouz Al-Kuwaiti write in?")
                    .responseFormat(Genre.class)
                    .build());
    var message = r.choices().get(0).message();
    assertThat(message.content()).isEmpty();
    assertThat(message.refusal()).hasValue(REFUSAL);
    StringBuilder refusal = new StringBuilder();
    StringBuilder content = new StringBuilder();
    try (StreamResponse<ChatCompletionChunk> s =
        client
            .chat()
            .completions()
            .createStreaming(
                ChatCompletionCreateParams.builder()
                    .model("gpt-test")
                    .addUserMessage("What genre does Basil Mahfouz Al-Kuwaiti write in?")
                    .responseFormat(Genre.class)
                    .build()
                    .rawParams())) {
      s.stream()
          .forEach(
              ch ->
                  ch.choices()
                      .forEach(
                          c -> {
                            c.delta().refusal().ifPresent(refusal::append);
                            c.delta().content().ifPresent(content::append);
                          }));
    }
    assertThat(refusal.toString()).isEqualTo(REFUSAL);
    assertThat(content.toString()).isEmpty();
    // Without structured output a refusal stays ordinary content (what chat clients display).
    var plain =
        client
            .chat()
            .completions()
            .create(
                ChatCompletionCreateParams.builder()
                    .model("gpt-test")
                    .addUserMessage("What genre does Basil Mahfouz Al-Kuwaiti write in?")
                    .build());
    assertThat(plain.choices().get(0).message().content()).hasValue(REFUSAL);
  }

  @Test
  void historyIsOnlyTakenFromResponsesTheGatewayProduced() throws Exception {
    fx.upstream.deltas = null;
    assertThatThrownBy(
            () ->
                client
                    .responses()
                    .create(
                        params("gpt-test", "and then?").previousResponseId("resp_unknown").build()))
        .isInstanceOfSatisfying(
            BadRequestException.class,
            e -> assertThat(e.code()).hasValue("previous_response_not_found"));
    Response first = client.responses().create(params("gpt-test", "first question").build());
    fx.upstream.receivedResponses.clear();
    Response second =
        client
            .responses()
            .create(params("gpt-test", "second").previousResponseId(first.id()).build());
    assertThat(whole(second).text()).isEqualTo(fx.upstream.answer);
    JsonNode sent = JSON.readTree(fx.upstream.receivedResponses.poll());
    assertThat(sent.has("previous_response_id")).isFalse();
    assertThat(sent.path("input")).hasSize(3);
    assertThat(sent.path("input").get(0).path("content").asText()).isEqualTo("first question");
    assertThat(sent.path("input").get(1).path("content").get(0).path("text").asText())
        .isEqualTo(fx.upstream.answer);
    // History is judged with the new turn: a subject named earlier refuses a follow-up.
    Response named =
        client
            .responses()
            .create(
                params("gpt-test", "What genre does Basil Mahfouz Al-Kuwaiti write in?")
                    .store(true)
                    .build());
    Response follow =
        client
            .responses()
            .create(params("gpt-test", "Tell me more.").previousResponseId(named.id()).build());
    assertThat(whole(follow).text()).isEqualTo(REFUSAL);
  }

  @Test
  void aRedactionIsMappedBackIntoTheResponsesRequest() throws Exception {
    fx.upstream.receivedResponses.clear();
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(fx.baseUrl() + "/responses"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gpt-test\",\"instructions\":\"Be brief.\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"Write to Zorblax Quentin today\"}]}]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-lethe-decision")).hasValue("redact");
    JsonNode sent = JSON.readTree(fx.upstream.receivedResponses.poll());
    String text = sent.at("/input/0/content/0/text").asText();
    assertThat(text).startsWith("Write to ").endsWith(" today").doesNotContain("Zorblax");
    assertThat(sent.path("instructions").asText()).isEqualTo("Be brief.");
    assertThat(JSON.readTree(r.body()).path("instructions").asText()).isEqualTo("Be brief.");
  }

  @Test
  void upstreamErrorsAndDisconnectsReachTheClientAsErrors() {
    assertThatThrownBy(() -> client.responses().create(params("gpt-error-429", "hi").build()))
        .isInstanceOf(RateLimitException.class);
    for (String model : List.of("gpt-stream-error", "gpt-disconnect")) {
      fx.upstream.deltas = null;
      List<String> types = new ArrayList<>();
      Throwable thrown = null;
      try (StreamResponse<ResponseStreamEvent> s =
          client.responses().createStreaming(params(model, "hi").build())) {
        s.stream().forEach(e -> types.add(e.isError() ? "error" : "other"));
      } catch (RuntimeException e) {
        thrown = e;
      }
      assertThat(thrown != null || types.contains("error"))
          .as("%s surfaces an error (thrown %s, events %s)", model, thrown, types)
          .isTrue();
    }
  }

  @Test
  void whatCannotBeScreenedIsRefusedWithA400() throws Exception {
    for (String body :
        List.of(
            "{\"model\":\"gpt-test\",\"input\":\"hi\",\"conversation\":\"conv_1\"}",
            "{\"model\":\"gpt-test\",\"input\":[{\"type\":\"item_reference\",\"id\":\"msg_1\"}]}",
            "{\"model\":\"gpt-test\",\"input\":\"hi\",\"tools\":[{\"type\":\"web_search\"}]}",
            "{\"model\":\"gpt-test\"}")) {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(fx.baseUrl() + "/responses"))
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      assertThat(JSON.readTree(r.body()).path("error").path("message").asText()).isNotBlank();
    }
  }
}

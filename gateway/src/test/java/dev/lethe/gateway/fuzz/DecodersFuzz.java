package dev.lethe.gateway.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.filters.input.ConversationScanner;
import dev.lethe.filters.input.ScanConfig;
import dev.lethe.filters.input.ScanTooLarge;
import dev.lethe.gateway.anthropic.MessagesRequest;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.http.ChatDecoding;
import dev.lethe.gateway.openai.LegacyRequests;
import dev.lethe.gateway.openai.SseParser;
import dev.lethe.gateway.openai.StrictJson;
import dev.lethe.gateway.responses.ResponsesDecoding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 19: coverage-guided fuzzing (Jazzer) of the decoders every client byte and every upstream
 * event passes through. One target, so that one fuzzing run covers them all (Jazzer fuzzes one
 * {@code @FuzzTest} per JVM); the last input byte picks the decoder:
 *
 * <ol start="0">
 *   <li>{@link StrictJson}, the one reading shared by judging and forwarding: it either refuses
 *       with {@link StrictJson.Rejected} or returns a document that a parser keeping the
 *       <em>first</em> of repeated keys reads identically (no parser differential), and that
 *       survives a write and re-read;
 *   <li>{@link SseParser}: the events of a stream do not depend on where the bytes were split, and
 *       only the documented size-limit {@link IllegalStateException} escapes;
 *   <li>chat completions: validation, then the input stage's scan of what passes;
 *   <li>Anthropic Messages: validation, the judged view and its scan;
 *   <li>Responses: validation, the judged view and the chat translation;
 *   <li>legacy completions and embeddings: validation, the judged view and its scan.
 * </ol>
 *
 * <p>Refusals must be the documented error types ({@code Rejected}, an {@link ApiError}, {@link
 * ScanTooLarge}) with messages naming no class; anything else thrown is a finding. CI fuzzes this
 * target for a bounded time with a fixed libFuzzer seed (the {@code decoders-fuzz} Surefire
 * execution of the gateway module); without {@code JAZZER_FUZZ} it runs its seed inputs only.
 */
class DecodersFuzz {
  private static final Pattern CLASS_NAME =
      Pattern.compile(
          "\\b[A-Z][A-Za-z0-9]*(?:Exception|Error)\\b|com\\.fasterxml|java\\.lang|\\tat ");
  private static final ObjectMapper LENIENT = new ObjectMapper();
  private static final ConversationScanner SCANNER =
      new ConversationScanner(ScanConfig.defaults().withMaxScanChars(1 << 16));

  @FuzzTest(maxDuration = "20s")
  @DictionaryEntries({
    "\"model\"",
    "\"messages\"",
    "\"role\"",
    "\"content\"",
    "\"user\"",
    "\"system\"",
    "\"assistant\"",
    "\"tool\"",
    "\"text\"",
    "\"type\"",
    "\"input\"",
    "\"prompt\"",
    "\"instructions\"",
    "\"tool_calls\"",
    "\"arguments\"",
    "\"max_tokens\"",
    "\"stream\"",
    "\"input_text\"",
    "\"message\"",
    "\"function_call_output\"",
    "\\u00",
    "data: ",
    ": keep-alive",
    "[DONE]"
  })
  void decoders(FuzzedDataProvider data) throws Exception {
    int target = data.consumeInt(0, 5);
    switch (target) {
      case 0 -> strictJson(data.consumeRemainingAsBytes());
      case 1 -> sse(data);
      default -> {
        boolean flag = data.consumeBoolean();
        byte[] bytes = data.consumeRemainingAsBytes();
        JsonNode json = parse(bytes);
        if (json != null) {
          surface(target, json, flag, new String(bytes, StandardCharsets.UTF_8));
        }
      }
    }
  }

  private static JsonNode parse(byte[] bytes) {
    try {
      return StrictJson.read(bytes);
    } catch (StrictJson.Rejected e) {
      noClassName(e.getMessage(), new String(bytes, StandardCharsets.UTF_8));
      return null;
    }
  }

  private static void strictJson(byte[] bytes) throws IOException {
    JsonNode strict = parse(bytes);
    if (strict == null) {
      return;
    }
    JsonNode firstWins;
    try (JsonParser p = LENIENT.getFactory().createParser(bytes)) {
      firstWins = firstWins(p, p.nextToken());
    }
    if (!strict.equals(firstWins)) {
      throw new AssertionError("a first-key-wins parser reads another document: " + firstWins);
    }
    byte[] written = StrictJson.mapper().writeValueAsBytes(strict);
    JsonNode again;
    try {
      again = StrictJson.read(written);
    } catch (StrictJson.Rejected e) {
      throw new AssertionError("a written document is refused on reading: " + e.getMessage());
    }
    if (!strict.equals(again)) {
      throw new AssertionError("a written document reads differently");
    }
  }

  /** A tree built as a parser that keeps the first of repeated keys would build it. */
  private static JsonNode firstWins(JsonParser p, JsonToken t) throws IOException {
    JsonNodeFactory f = JsonNodeFactory.instance;
    switch (t) {
      case START_OBJECT -> {
        ObjectNode o = f.objectNode();
        for (JsonToken k = p.nextToken(); k == JsonToken.FIELD_NAME; k = p.nextToken()) {
          String name = p.currentName();
          JsonNode v = firstWins(p, p.nextToken());
          if (!o.has(name)) {
            o.set(name, v);
          }
        }
        return o;
      }
      case START_ARRAY -> {
        ArrayNode a = f.arrayNode();
        for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
          a.add(firstWins(p, v));
        }
        return a;
      }
      default -> {
        return LENIENT.readTree(p);
      }
    }
  }

  private static void sse(FuzzedDataProvider data) {
    int limit = data.consumeInt(1, 4096);
    int[] cuts = new int[data.consumeInt(0, 8)];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = data.consumeInt(0, 4096);
    }
    byte[] bytes = data.consumeRemainingAsBytes();
    List<String> whole = new ArrayList<>();
    String wholeFailure = feed(new SseParser(whole::add, limit), bytes, new int[0]);
    List<String> split = new ArrayList<>();
    String splitFailure = feed(new SseParser(split::add, limit), bytes, cuts);
    if (!whole.equals(split) || !Objects.equals(wholeFailure, splitFailure)) {
      throw new AssertionError(
          "events depend on where the stream was split at " + Arrays.toString(cuts));
    }
  }

  /** Feeds {@code bytes} cut at {@code cuts}; the size-limit failure's message, or null. */
  private static String feed(SseParser parser, byte[] bytes, int[] cuts) {
    int[] at = Arrays.stream(cuts).map(c -> Math.min(c, bytes.length)).sorted().toArray();
    int from = 0;
    try {
      for (int cut : at) {
        parser.feed(bytes, from, cut - from);
        from = cut;
      }
      parser.feed(bytes, from, bytes.length - from);
      parser.end();
      return null;
    } catch (IllegalStateException e) {
      return e.getMessage(); // the documented limit
    }
  }

  private static void surface(int target, JsonNode json, boolean flag, String input) {
    switch (target) {
      case 2 -> {
        ApiError e = ChatDecoding.validate(json);
        if (e != null) {
          noClassName(e.message(), input);
          return;
        }
        scan((ObjectNode) json, input);
      }
      case 3 -> {
        ApiError e = MessagesRequest.validate(json, flag);
        if (e != null) {
          noClassName(e.message(), input);
          return;
        }
        ObjectNode req = (ObjectNode) json;
        scan(
            MessagesRequest.view(req, !flag && req.path("stream").asBoolean(false)).request(),
            input);
      }
      case 4 -> {
        ApiError e = ResponsesDecoding.decode(json);
        if (e != null) {
          noClassName(e.message(), input);
        }
      }
      default -> {
        String field = flag ? "prompt" : "input";
        ApiError e = LegacyRequests.validate(json, field);
        if (e != null) {
          noClassName(e.message(), input);
          return;
        }
        ObjectNode req = (ObjectNode) json;
        scan(LegacyRequests.view(req, field, req.path("stream").asBoolean(false)).request(), input);
      }
    }
  }

  private static void scan(ObjectNode request, String input) {
    try {
      SCANNER.scan(request);
    } catch (ScanTooLarge e) {
      noClassName(e.getMessage(), input);
    }
  }

  /**
   * Fails when {@code message} names a class or a stack frame that the client did not send itself
   * (messages may quote a client's own field names).
   */
  private static void noClassName(String message, String input) {
    if (message == null) {
      return;
    }
    Matcher m = CLASS_NAME.matcher(message);
    while (m.find()) {
      if (!input.contains(m.group())) {
        throw new AssertionError("an error message names a class: " + message);
      }
    }
  }
}

package dev.lethe.filters.output;

import static dev.lethe.filters.output.Chunks.Field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.ConfigException;
import dev.lethe.config.rules.OnError;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.Exchange;
import dev.lethe.filters.ResponseFilter;
import dev.lethe.filters.Verdict;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputFilterTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private OutputFilter filter(RuleSet rules, OutputFilterConfig config, int n) {
    return new OutputFilter(
        OutputPatterns.compile(rules, config.includeSubjects()),
        config,
        new OutputFilterMetrics(registry),
        n);
  }

  private OutputFilter filter(String... secrets) {
    return filter(
        new RuleSet(1, List.of(Chunks.rule("r1", List.of(), List.of(secrets), OnError.CLOSED))),
        OutputFilterConfig.defaults(),
        1);
  }

  /** Feeds content chunks one by one; returns the content released by each call. */
  private static List<String> releasedPerChunk(
      OutputFilter f, Chunks.Client client, String... pieces) {
    List<String> out = new ArrayList<>();
    for (String p : pieces) {
      String before = contentSoFar(client);
      f.onChunk(Chunks.choiceChunk(0, Chunks.textDelta(Field.CONTENT, p), null), client);
      out.add(contentSoFar(client).substring(before.length()));
    }
    return out;
  }

  private static String contentSoFar(Chunks.Client client) {
    Chunks.Client.Choice c = client.choices.get(0);
    return c == null ? "" : c.content.toString();
  }

  @Test
  void releasesTextWithNoMatchWithMinimalHoldBack() {
    OutputFilter f = filter("abc-def");
    Chunks.Client client = new Chunks.Client();
    f.onChunk(Chunks.choiceChunk(0, Chunks.firstDelta(Field.CONTENT), null), client);
    assertThat(client.received).hasSize(1);

    List<String> released = releasedPerChunk(f, client, "xx ab", "c", "d!", "x", "hello", " a");
    assertThat(released).containsExactly("xx ", "", "", "abcd!x", "hello", " ");
    assertThat(client.keepAlives).isEqualTo(2); // "c" and "d!" released nothing
    assertThat(client.received).hasSize(5);

    f.onChunk(Chunks.choiceChunk(0, Chunks.JSON.createObjectNode(), "stop"), client);
    f.onEnd(client);
    Chunks.Client.Choice c = client.choices.get(0);
    assertThat(c.content.toString()).isEqualTo("xx abcd!xhello a");
    assertThat(c.finishReasons).containsExactly("stop");
    // The held "a" was released in the chunk that carries the finish reason.
    ObjectNode last = client.received.get(client.received.size() - 1);
    assertThat(last.at("/choices/0/delta/content").asText()).isEqualTo("a");
    assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(f.upstreamNoLongerNeeded()).isFalse();
  }

  @Test
  void holdsBackExactlyThePartialMatch() {
    OutputFilter f = filter("abcdef");
    Chunks.Client client = new Chunks.Client();
    List<String> released = releasedPerChunk(f, client, "a", "b", "c", "d", "e");
    assertThat(released).containsExactly("", "", "", "", "");
    // Held after each chunk: 1, 2, 3, 4, 5 chars (the longest pattern minus one).
    var held = registry.get("lethe.output.held").summary();
    assertThat(held.count()).isEqualTo(5);
    assertThat(held.totalAmount()).isEqualTo(15.0);
    assertThat(held.max()).isEqualTo(5.0);
    assertThat(releasedPerChunk(f, client, "a")).containsExactly("abcde");
    assertThat(held.max()).isEqualTo(5.0);
    assertThat(releasedPerChunk(f, client, "bcdef")).containsExactly("");
    assertThat(client.choices.get(0).finishReasons).containsExactly("content_filter");
    assertThat(client.choices.get(0).content.toString()).isEqualTo("abcde");
  }

  @Test
  void holdBackIsCountedInOriginalCharsOfTheNormalisedPartialMatch() {
    OutputFilter f = filter("abcdef");
    Chunks.Client client = new Chunks.Client();
    assertThat(releasedPerChunk(f, client, "ok a b\u200B c d e")).containsExactly("ok ");
    assertThat(registry.get("lethe.output.held").summary().max()).isEqualTo(10.0);
    assertThat(releasedPerChunk(f, client, " x")).containsExactly("a b\u200B c d e x");
  }

  @Test
  void overlappingPartialMatchesReleaseCharByChar() {
    OutputFilter f = filter("aab");
    Chunks.Client client = new Chunks.Client();
    assertThat(releasedPerChunk(f, client, "a", "a", "a", "a", "b"))
        .containsExactly("", "", "a", "a", "");
    assertThat(client.choices.get(0).content.toString()).isEqualTo("aa");
    assertThat(client.choices.get(0).finishReasons).containsExactly("content_filter");
    assertThat(f.upstreamNoLongerNeeded()).isTrue();
    assertThat(registry.get("lethe.output.hits").tag("rule", "r1").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void dropsLaterChunksOfACutChoice() {
    OutputFilter f = filter("secret");
    Chunks.Client client = new Chunks.Client();
    releasedPerChunk(f, client, "a secret", " more");
    f.onChunk(Chunks.choiceChunk(0, Chunks.JSON.createObjectNode(), "stop"), client);
    f.onEnd(client);
    assertThat(client.choices.get(0).content.toString()).isEqualTo("a ");
    assertThat(client.choices.get(0).finishReasons).containsExactly("content_filter");
  }

  @Test
  void usageWaitsForHeldTextSoThatItStaysLast() {
    OutputFilter f = filter("abcdef");
    Chunks.Client client = new Chunks.Client();
    releasedPerChunk(f, client, "x ab");
    f.onChunk(Chunks.usageChunk(), client); // a backend that sends usage before the finish
    assertThat(client.usageChunks).isZero();
    f.onEnd(client);
    assertThat(client.choices.get(0).content.toString()).isEqualTo("x ab");
    assertThat(client.usageChunks).isEqualTo(1);
    assertThat(client.usageLast).isTrue();
  }

  @Test
  void logprobsAreReleasedWithTheirTextAndDroppedOnACut() {
    OutputFilter f = filter("abcdef");
    Chunks.Client client = new Chunks.Client();
    f.onChunk(logprobChunk("ab"), client);
    assertThat(client.received).isEmpty();
    f.onChunk(logprobChunk("x"), client);
    ObjectNode released = client.received.get(0);
    assertThat(released.at("/choices/0/delta/content").asText()).isEqualTo("abx");
    assertThat(released.at("/choices/0/logprobs/content/0/token").asText()).isEqualTo("ab");
    assertThat(released.at("/choices/0/logprobs/content/1/token").asText()).isEqualTo("x");

    f.onChunk(logprobChunk("abc"), client);
    f.onChunk(logprobChunk("def"), client);
    assertThat(client.received.toString()).doesNotContain("\"abc\"", "\"def\"");
    assertThat(client.choices.get(0).finishReasons).containsExactly("content_filter");
  }

  private static ObjectNode logprobChunk(String text) {
    ObjectNode c = Chunks.choiceChunk(0, Chunks.textDelta(Field.CONTENT, text), null);
    ObjectNode choice = (ObjectNode) c.at("/choices/0");
    ObjectNode lp = choice.putObject("logprobs");
    ObjectNode token = lp.putArray("content").addObject();
    token.put("token", text);
    token.put("logprob", -0.5);
    return c;
  }

  @Test
  void streamingAndNonStreamingAgreeAcrossSeveralToolCalls() {
    String secret = "Glass Lantern 42";
    String[] args = {"{\"a\": \"ok glass\"}", "{\"b\": \"it is glass lantern 42!\"}", "{\"c\": 1}"};
    // Non-streaming.
    ObjectNode response = Chunks.completion(Field.TOOL_ARGUMENTS, List.of(args[0]), false);
    ArrayNode calls = (ArrayNode) response.at("/choices/0/message/tool_calls");
    for (int k = 1; k < args.length; k++) {
      ObjectNode call = calls.addObject();
      call.put("id", "call_" + k);
      call.put("type", "function");
      call.putObject("function").put("name", "f" + k).put("arguments", args[k]);
    }
    JsonNode judged = filter(secret).onComplete(response);
    JsonNode outCalls = judged.at("/choices/0/message/tool_calls");
    assertThat(outCalls).hasSize(2);
    assertThat(outCalls.at("/0/function/arguments").asText()).isEqualTo(args[0]);
    assertThat(outCalls.at("/1/function/arguments").asText()).isEqualTo("{\"b\": \"it is ");
    assertThat(judged.at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");

    // Streaming, three chars per chunk, tool calls one after another.
    OutputFilter f = filter(secret);
    Chunks.Client client = new Chunks.Client();
    for (int k = 0; k < args.length; k++) {
      ObjectNode first = Chunks.JSON.createObjectNode();
      ObjectNode call = first.putArray("tool_calls").addObject();
      call.put("index", k).put("id", "call_" + k).put("type", "function");
      call.putObject("function").put("name", "f" + k).put("arguments", "");
      f.onChunk(Chunks.choiceChunk(0, first, null), client);
      for (int i = 0; i < args[k].length(); i += 3) {
        ObjectNode d = Chunks.JSON.createObjectNode();
        ObjectNode piece = d.putArray("tool_calls").addObject().put("index", k);
        piece
            .putObject("function")
            .put("arguments", args[k].substring(i, Math.min(args[k].length(), i + 3)));
        f.onChunk(Chunks.choiceChunk(0, d, null), client);
      }
    }
    f.onChunk(Chunks.choiceChunk(0, Chunks.JSON.createObjectNode(), "tool_calls"), client);
    f.onEnd(client);
    Chunks.Client.Choice c = client.choices.get(0);
    assertThat(c.arguments.get(0).toString()).isEqualTo(args[0]);
    assertThat(c.arguments.get(1).toString()).isEqualTo("{\"b\": \"it is ");
    assertThat(c.arguments).doesNotContainKey(2);
    assertThat(c.finishReasons).containsExactly("content_filter");
  }

  @Test
  void twoChoicesInOneChunkAreJudgedApart() {
    OutputFilter f = filter("secret");
    Chunks.Client client = new Chunks.Client();
    ObjectNode chunk = Chunks.choiceChunk(0, Chunks.textDelta(Field.CONTENT, "my secret"), null);
    ObjectNode second = ((ArrayNode) chunk.get("choices")).addObject();
    second.put("index", 1);
    second.set("delta", Chunks.textDelta(Field.CONTENT, "my secre"));
    second.putNull("finish_reason");
    f.onChunk(chunk, client);
    assertThat(f.upstreamNoLongerNeeded()).isFalse();
    f.onChunk(Chunks.choiceChunk(1, Chunks.textDelta(Field.CONTENT, "tary"), null), client);
    f.onChunk(Chunks.choiceChunk(1, Chunks.JSON.createObjectNode(), "stop"), client);
    assertThat(f.upstreamNoLongerNeeded()).isTrue();
    assertThat(client.choices.get(0).content.toString()).isEqualTo("my ");
    assertThat(client.choices.get(0).finishReasons).containsExactly("content_filter");
    // "secretary" contains "secret": whitespace-free matching over-blocks, it never leaks.
    assertThat(client.choices.get(1).content.toString()).isEqualTo("my ");
    assertThat(client.choices.get(1).finishReasons).containsExactly("content_filter");
  }

  @Test
  void replacementTextIsSentBeforeTheContentFilterFinish() {
    RuleSet rules =
        new RuleSet(1, List.of(Chunks.rule("r1", List.of(), List.of("secret"), OnError.CLOSED)));
    OutputFilter f = filter(rules, new OutputFilterConfig(true, " [withheld]", true), 1);
    Chunks.Client client = new Chunks.Client();
    releasedPerChunk(f, client, "a SECRET b");
    assertThat(client.choices.get(0).content.toString()).isEqualTo("a  [withheld]");

    JsonNode r =
        filter(rules, new OutputFilterConfig(true, " [withheld]", true), 1)
            .onComplete(Chunks.completion(Field.CONTENT, List.of("a SECRET b"), false));
    assertThat(r.at("/choices/0/message/content").asText()).isEqualTo("a  [withheld]");

    // A replacement that itself matches a pattern is never sent.
    OutputFilter leaky = filter(rules, new OutputFilterConfig(true, "the s-e-c-r-e-t", true), 1);
    Chunks.Client c2 = new Chunks.Client();
    releasedPerChunk(leaky, c2, "a secret");
    assertThat(c2.choices.get(0).content.toString()).isEqualTo("a ");
  }

  @Test
  void failsClosedWhenAClosedRuleCannotBeCompiled() {
    RuleSet rules =
        new RuleSet(
            2,
            List.of(
                Chunks.rule("bad", List.of(), List.of("!!!"), OnError.CLOSED),
                Chunks.rule("good", List.of(), List.of("secret"), OnError.CLOSED)));
    OutputPatterns p = OutputPatterns.compile(rules, true);
    assertThat(p.failClosed()).isTrue();
    assertThat(p.failures())
        .containsExactly("rule bad: secrets[0]: \"!!!\" (expected: at least one letter or digit)");
    OutputFilter f = filter(rules, OutputFilterConfig.defaults(), 1);
    Chunks.Client client = new Chunks.Client();
    for (ObjectNode c : Chunks.choiceStream(0, Field.CONTENT, List.of("harmless ", "text"))) {
      f.onChunk(c, client);
    }
    f.onEnd(client);
    assertThat(client.choices.get(0).content.toString()).isEmpty();
    assertThat(client.choices.get(0).finishReasons).containsExactly("content_filter");
    assertThat(f.upstreamNoLongerNeeded()).isTrue();

    JsonNode r =
        filter(rules, OutputFilterConfig.defaults(), 1)
            .onComplete(Chunks.completion(Field.TOOL_ARGUMENTS, List.of("{}"), false));
    assertThat(r.at("/choices/0/message/content").asText()).isEmpty();
    assertThat(r.at("/choices/0/message").has("tool_calls")).isFalse();
    assertThat(r.at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
    assertThat(registry.get("lethe.output.fail.closed").counter().count()).isEqualTo(2.0);
  }

  @Test
  void failsOpenAndCountsItWhenTheRuleAsksForIt() {
    RuleSet rules =
        new RuleSet(
            2,
            List.of(
                Chunks.rule("lenient", List.of(), List.of("!!!", "hidden"), OnError.OPEN),
                Chunks.rule("good", List.of(), List.of("secret"), OnError.CLOSED)));
    OutputFilter f = filter(rules, OutputFilterConfig.defaults(), 1);
    Chunks.Client client = new Chunks.Client();
    releasedPerChunk(f, client, "harmless text, ");
    assertThat(client.choices.get(0).content.toString()).isEqualTo("harmless text, ");
    releasedPerChunk(f, client, "hidden");
    assertThat(client.choices.get(0).finishReasons).containsExactly("content_filter");
    assertThat(registry.get("lethe.output.fail.open").tag("rule", "lenient").counter().count())
        .isEqualTo(1.0);
    assertThat(registry.get("lethe.output.hits").tag("rule", "lenient").counter().count())
        .isEqualTo(1.0);
  }

  @Test
  void stageDecidesWithoutBlockingOnlyOnceItsSnapshotIsCompiled() {
    OutputFilterStage stage = new OutputFilterStage(OutputFilterConfig.defaults(), registry);
    RuleSet v1 =
        new RuleSet(1, List.of(Chunks.rule("r1", List.of("Basil"), List.of(), OnError.CLOSED)));
    RuleSet v2 = new RuleSet(2, v1.rules());
    ObjectNode request = Chunks.JSON.createObjectNode().put("model", "m");
    Exchange first = new Exchange("req-1", v1, new byte[0], request);
    // Not compiled yet: the request hook would compile (under the cache's lock) on this thread.
    assertThat(stage.decidesWithoutBlocking(first)).isFalse();
    stage.onRequest(first);
    assertThat(stage.decidesWithoutBlocking(first)).isTrue();
    // Another snapshot (even with the same rules) is compiled on its own.
    assertThat(stage.decidesWithoutBlocking(new Exchange("req-2", v2, new byte[0], request)))
        .isFalse();
  }

  @Test
  void stageJudgesByTheRequestsSnapshotAndCompilesOncePerSnapshot() {
    OutputFilterStage stage = new OutputFilterStage(OutputFilterConfig.defaults(), registry);
    RuleSet v1 =
        new RuleSet(1, List.of(Chunks.rule("r1", List.of("Basil"), List.of(), OnError.CLOSED)));
    RuleSet v2 =
        new RuleSet(
            2,
            List.of(
                Chunks.rule("r1", List.of("Basil"), List.of(), OnError.CLOSED),
                Chunks.rule("r2", List.of(), List.of("late secret"), OnError.CLOSED)));
    OutputPatterns p1 = stage.patterns(v1);
    assertThat(stage.patterns(v1)).isSameAs(p1);
    assertThat(stage.patterns(v2)).isNotSameAs(stage.patterns(v1));
    assertThat(stage.patterns(v2).version()).isEqualTo(2);

    ObjectNode request = Chunks.JSON.createObjectNode().put("model", "m").put("n", 1);
    Exchange started = new Exchange("req-1", v1, new byte[0], request);
    assertThat(stage.onRequest(started)).isSameAs(Verdict.proceed());
    assertThat(stage.patterns(v1)).isSameAs(p1);
    ResponseFilter f = stage.onResponse(started);
    Chunks.Client client = new Chunks.Client();
    f.onChunk(
        Chunks.choiceChunk(0, Chunks.textDelta(Field.CONTENT, "a late secret, Basil"), null),
        client);
    // The rule added in v2 does not apply to a request that started with v1; the v1 subject does.
    assertThat(client.choices.get(0).content.toString()).isEqualTo("a late secret, ");

    Exchange empty = new Exchange("req-2", RuleSet.empty(), new byte[0], request);
    assertThat(stage.onResponse(empty)).isSameAs(ResponseFilter.identity());
    assertThat(stage.name()).isEqualTo("output-filter");
  }

  @Test
  void subjectsCanBeLeftOut() {
    RuleSet rules =
        new RuleSet(
            1, List.of(Chunks.rule("r1", List.of("Basil"), List.of("secret"), OnError.CLOSED)));
    OutputFilter f = filter(rules, new OutputFilterConfig(false, "", true), 1);
    Chunks.Client client = new Chunks.Client();
    releasedPerChunk(f, client, "Basil says ", "a secret");
    assertThat(client.choices.get(0).content.toString()).isEqualTo("Basil says a ");
  }

  @Test
  void aMatchInsideAnExpansionStartsAtTheWholeOriginalChar() {
    // "Straße" normalises to "strasse"; "sse" starts at the second s of ß.
    OutputFilter f = filter("SSE");
    Chunks.Client client = new Chunks.Client();
    releasedPerChunk(f, client, "Stra", "ße!");
    assertThat(client.choices.get(0).content.toString()).isEqualTo("Stra");
    JsonNode r =
        filter("SSE").onComplete(Chunks.completion(Field.CONTENT, List.of("Straße!"), false));
    assertThat(r.at("/choices/0/message/content").asText()).isEqualTo("Stra");
  }

  @Test
  void aSecretWrittenWithCyrillicLookAlikesIsCut() {
    // "secret code" with Cyrillic ѕ, е, с, о in the answer
    String disguised = "The \u0455\u0435\u0441ret \u0441\u043Ede is here";
    OutputFilter f = filter("secret code");
    Chunks.Client client = new Chunks.Client();
    releasedPerChunk(f, client, "The \u0455\u0435", "\u0441ret \u0441", "\u043Ede is here");
    assertThat(client.choices.get(0).finishReasons).containsExactly("content_filter");
    assertThat(client.choices.get(0).content.toString()).isEqualTo("The ");
    JsonNode r =
        filter("secret code")
            .onComplete(Chunks.completion(Field.CONTENT, List.of(disguised), false));
    assertThat(r.at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
    assertThat(r.at("/choices/0/message/content").asText()).isEqualTo("The ");
  }

  @Test
  void aSecretCutByTerminalColourCodesIsCut() {
    OutputFilter f = filter("secret code");
    Chunks.Client client = new Chunks.Client();
    releasedPerChunk(f, client, "The se\u001b[", "1;31mcret\u001b[0m co", "de is here");
    assertThat(client.choices.get(0).finishReasons).containsExactly("content_filter");
    assertThat(client.choices.get(0).content.toString()).isEqualTo("The ");
  }

  @Test
  void aSecretWrittenInCyrillicIsCutWhenTheAnswerUsesLatin() {
    OutputFilter f = filter("\u0421\u041E\u0420\u0415 \u0420\u0410\u0421\u0415");
    JsonNode r = f.onComplete(Chunks.completion(Field.CONTENT, List.of("it is cope pace."), false));
    assertThat(r.at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
  }

  @Test
  void textThatCannotBeJudgedIsNotReleased() {
    OutputFilter f = filter("secret");
    Chunks.Client client = new Chunks.Client();
    ObjectNode delta = Chunks.JSON.createObjectNode();
    delta.putArray("content").addObject().put("type", "text").put("text", "a secret");
    f.onChunk(Chunks.choiceChunk(0, delta, null), client);
    assertThat(client.choices.get(0).content.toString()).isEmpty();
    assertThat(client.choices.get(0).finishReasons).containsExactly("content_filter");
    assertThat(client.received.toString()).doesNotContain("secret");
  }

  @Test
  void aPartialMatchPaddedBeyondTheHoldBackLimitEndsTheChoice() {
    OutputFilter f = filter("secret");
    Chunks.Client client = new Chunks.Client();
    String padding = "\u200B".repeat(OutputFilter.MAX_HELD);
    assertThat(releasedPerChunk(f, client, "ok se", padding, "cret"))
        .containsExactly("ok ", "", "");
    assertThat(client.choices.get(0).finishReasons).containsExactly("content_filter");
    assertThat(client.choices.get(0).content.toString()).isEqualTo("ok ");
  }

  @Test
  void aMatchCompletedByTheChunkThatCarriesTheFinishReasonStillCuts() {
    OutputFilter f = filter("secret");
    Chunks.Client client = new Chunks.Client();
    releasedPerChunk(f, client, "the se");
    f.onChunk(Chunks.choiceChunk(0, Chunks.textDelta(Field.CONTENT, "cret"), "stop"), client);
    f.onEnd(client);
    assertThat(client.choices.get(0).content.toString()).isEqualTo("the ");
    assertThat(client.choices.get(0).finishReasons).containsExactly("content_filter");

    OutputFilter g = filter("secret");
    Chunks.Client c2 = new Chunks.Client();
    releasedPerChunk(g, c2, "the se");
    g.onChunk(Chunks.choiceChunk(0, Chunks.textDelta(Field.CONTENT, "cure"), "length"), c2);
    assertThat(c2.choices.get(0).content.toString()).isEqualTo("the secure");
    assertThat(c2.choices.get(0).finishReasons).containsExactly("length");
  }

  @Test
  void configIsValidated() {
    assertThatThrownBy(() -> new OutputFilterConfig(true, "x".repeat(2001), true))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("replacementText: \"xxx")
        .hasMessageEndingWith("(expected: at most 2000 characters)");
    assertThat(new OutputFilterConfig(true, null, false).replacementText()).isEmpty();
    assertThatThrownBy(
            () ->
                new OutputFilter(
                    OutputPatterns.compile(RuleSet.empty(), true),
                    OutputFilterConfig.defaults(),
                    new OutputFilterMetrics(registry),
                    0))
        .hasMessage("expectedChoices: 0 (expected: >= 1)");
  }
}

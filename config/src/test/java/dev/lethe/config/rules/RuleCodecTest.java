package dev.lethe.config.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.config.ConfigException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RuleCodecTest {

  private static Supplier<String> counter() {
    AtomicInteger n = new AtomicInteger();
    return () -> "gen-" + n.incrementAndGet();
  }

  private final RuleCodec codec = new RuleCodec(RuleLimits.defaults(), counter());

  @Test
  void fullRuleRoundTripsToTheSameJson() {
    String json =
        "{\"id\":\"basil\",\"description\":\"Forget Basil\",\"subjects\":[\"Basil Mahfouz"
            + " Al-Kuwaiti\"],\"examples\":[\"What genre does Basil write in?\"],"
            + "\"counterExamples\":[\"What genre does Nikolai Abilov write in?\"],"
            + "\"secrets\":[\"s3cret\"],\"action\":\"redact\",\"refusal\":\"No.\","
            + "\"onError\":\"open\"}";
    ForgetRule rule = codec.decode(json);
    assertThat(rule)
        .isEqualTo(
            new ForgetRule(
                "basil",
                "Forget Basil",
                List.of("Basil Mahfouz Al-Kuwaiti"),
                List.of("What genre does Basil write in?"),
                List.of("What genre does Nikolai Abilov write in?"),
                List.of("s3cret"),
                Action.REDACT,
                "No.",
                OnError.OPEN));
    assertThat(RuleCodec.encode(rule)).isEqualTo(json);
    assertThat(codec.decode(RuleCodec.encode(rule))).isEqualTo(rule);
  }

  @Test
  void defaultsAreRefuseClosedAndAGeneratedId() {
    ForgetRule rule = codec.decode("{\"subjects\":[\"Basil\"]}");
    assertThat(rule.id()).isEqualTo("gen-1");
    assertThat(rule.action()).isEqualTo(Action.REFUSE);
    assertThat(rule.onError()).isEqualTo(OnError.CLOSED);
    assertThat(rule.description()).isEmpty();
    assertThat(rule.refusal()).isNull();
    assertThat(rule.examples()).isEmpty();
    assertThat(codec.decode("{\"examples\":[\"q\"]}").id()).isEqualTo("gen-2");
    assertThat(RuleCodec.encode(rule))
        .isEqualTo(
            "{\"id\":\"gen-1\",\"description\":\"\",\"subjects\":[\"Basil\"],\"examples\":[],"
                + "\"counterExamples\":[],\"secrets\":[],\"action\":\"refuse\",\"onError\":\"closed\"}");
  }

  @Test
  void defaultGeneratorMakesValidDistinctIds() {
    RuleCodec random = new RuleCodec();
    String a = random.decode("{\"subjects\":[\"x\"]}").id();
    String b = random.decode("{\"subjects\":[\"x\"]}").id();
    assertThat(a).isNotEqualTo(b).matches(RuleCodec.ID_PATTERN);
  }

  @Test
  void nullCountsAsAbsent() {
    ForgetRule rule =
        codec.decode(
            "{\"id\":null,\"subjects\":[\"a\"],\"examples\":null,\"action\":null,"
                + "\"refusal\":null,\"onError\":null,\"description\":null}");
    assertThat(rule.id()).isEqualTo("gen-1");
    assertThat(rule.action()).isEqualTo(Action.REFUSE);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"subjects":["a"],"colour":"red"}                 | colour          | colour: unknown field (expected: one of id, description
          {"subjects":["a"],"colour":1,"size":2}            | colour          | also unknown: size
          {"subjects":[],"examples":[]}                     | subjects        | subjects: [] and examples: [] (expected: at least one subject or one example)
          {"description":"only"}                            | subjects        | at least one subject or one example
          {"subjects":"Basil"}                              | subjects        | subjects: "Basil" (expected: an array of non-blank strings)
          {"subjects":["a",5]}                              | subjects[1]     | subjects[1]: 5 (expected: a non-blank string)
          {"subjects":["a","  "]}                           | subjects[1]     | subjects[1]: "  " (expected: a non-blank string)
          {"examples":[null]}                               | examples[0]     | examples[0]: null (expected: a non-blank string)
          {"subjects":["a"],"counterExamples":[""]}         | counterExamples[0] | counterExamples[0]: "" (expected: a non-blank string)
          {"subjects":["a"],"secrets":[" "]}                | secrets[0]      | secrets[0]: "<blank string>" (expected: a non-blank string)
          {"subjects":["a"],"secrets":{"k":"topsecret"}}    | secrets         | secrets: "<OBJECT>" (expected: an array of non-blank strings)
          {"subjects":["a"],"action":"delete"}              | action          | action: "delete" (expected: one of refuse, redact, icul)
          {"subjects":["a"],"action":"REFUSE"}              | action          | action: "REFUSE" (expected: one of refuse, redact, icul)
          {"subjects":["a"],"action":1}                     | action          | action: 1 (expected: one of refuse, redact, icul)
          {"subjects":["a"],"onError":"maybe"}              | onError         | onError: "maybe" (expected: one of closed, open)
          {"subjects":["a"],"id":"has space"}               | id              | id: "has space" (expected: an id matching [A-Za-z0-9._:-]{1,128}, other than . and ..
          {"subjects":["a"],"id":"."}                       | id              | id: "." (expected: an id matching
          {"subjects":["a"],"id":".."}                      | id              | id: ".." (expected: an id matching
          {"subjects":["a"],"id":""}                        | id              | id: "" (expected: an id matching
          {"subjects":["a"],"id":7}                         | id              | id: 7 (expected: an id matching
          {"subjects":["a"],"description":["x"]}            | description     | description: ["x"] (expected: a string)
          {"subjects":["a"],"refusal":" "}                  | refusal         | refusal: " " (expected: a non-blank string)
          {"subjects":["a"],"refusal":false}                | refusal         | refusal: false (expected: a string)
          [1,2]                                             | rule            | rule: [1,2] (expected: a JSON object (a forget rule))
          {"subjects":["a"]                                 | rule            | rule: malformed JSON
          {"subjects":["a"],"subjects":["b"]}               | rule            | Duplicate field 'subjects'
          {"subjects":["a"]} {"x":1}                        | rule            | rule: malformed JSON
          """)
  void everyErrorNamesItsField(String json, String field, String message) {
    assertThatThrownBy(() -> codec.decode(json))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessageContaining(message);
  }

  @Test
  void idLongerThan128IsRejected() {
    String id = "a".repeat(129);
    assertThatThrownBy(() -> codec.decode("{\"subjects\":[\"a\"],\"id\":\"" + id + "\"}"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.field()).isEqualTo("id"));
    assertThat(codec.decode("{\"subjects\":[\"a\"],\"id\":\"" + id.substring(1) + "\"}").id())
        .hasSize(128);
    assertThat(codec.decode("{\"subjects\":[\"a\"],\"id\":\"A.b_c:d-9\"}").id())
        .isEqualTo("A.b_c:d-9");
  }

  @Test
  void limitsAreEnforcedAndNameTheField() {
    RuleCodec small = new RuleCodec(new RuleLimits(2, 2, 1, 1, 10, 300, 2), counter());
    assertThatThrownBy(() -> small.decode("{\"subjects\":[\"a\",\"b\",\"c\"]}"))
        .hasMessage("subjects: <array of 3 entries> (expected: at most 2 entries)");
    assertThatThrownBy(
            () -> small.decode("{\"subjects\":[\"a\"],\"counterExamples\":[\"a\",\"b\"]}"))
        .hasMessage("counterExamples: <array of 2 entries> (expected: at most 1 entries)");
    assertThatThrownBy(() -> small.decode("{\"subjects\":[\"a\"],\"secrets\":[\"a\",\"b\"]}"))
        .hasMessageStartingWith("secrets: ");
    assertThatThrownBy(() -> small.decode("{\"examples\":[\"x\",\"y\",\"z\"]}"))
        .hasMessageStartingWith("examples: ");
    assertThatThrownBy(() -> small.decode("{\"subjects\":[\"a\"],\"secrets\":[\"0123456789X\"]}"))
        .hasMessage("secrets[0]: <string of 11 characters> (expected: at most 10 characters)")
        .hasMessageNotContaining("0123456789");
    assertThatThrownBy(() -> small.decode("{\"subjects\":[\"a\"],\"description\":\"0123456789X\"}"))
        .hasMessageStartingWith("description: <string of 11 characters>");
    String big = "{\"subjects\":[\"a\"],\"description\":\"" + "x".repeat(400) + "\"}";
    assertThatThrownBy(() -> small.decode(big))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.field()).isEqualTo("rule"))
        .hasMessageContaining("bytes of JSON> (expected: at most 300 bytes)");
    assertThatThrownBy(() -> small.decode(big.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .hasMessageContaining("(expected: at most 300 bytes)");
  }

  @Test
  void limitsThemselvesAreValidated() {
    assertThatThrownBy(() -> new RuleLimits(0, 1, 1, 1, 1, 300, 1))
        .hasMessage("rules.limits.maxSubjects: 0 (expected: >= 1)");
    assertThatThrownBy(() -> new RuleLimits(1, 1, 1, 1, 1, 10, 1))
        .hasMessage("rules.limits.maxRuleBytes: 10 (expected: >= 256)");
  }

  @Test
  void replaceBodyTakesThePathId() {
    assertThat(codec.decodeForId("{\"subjects\":[\"a\"]}", "r1").id()).isEqualTo("r1");
    assertThat(codec.decodeForId("{\"id\":\"r1\",\"subjects\":[\"a\"]}", "r1").id())
        .isEqualTo("r1");
    assertThatThrownBy(() -> codec.decodeForId("{\"id\":\"r2\",\"subjects\":[\"a\"]}", "r1"))
        .hasMessage("id: \"r2\" (expected: the id in the request path \"r1\", or no id)");
    assertThatThrownBy(() -> codec.decodeForId("{\"subjects\":[\"a\"]}", "bad id"))
        .hasMessageStartingWith("id: \"bad id\"");
  }

  @Test
  void injectedGeneratorMustMakeValidIds() {
    RuleCodec broken = new RuleCodec(RuleLimits.defaults(), () -> "not valid");
    assertThatThrownBy(() -> broken.decode("{\"subjects\":[\"a\"]}"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void jsonLinesImportAndExportRoundTrip() {
    String lines =
        "{\"id\":\"a\",\"subjects\":[\"A\"]}\n\n{\"examples\":[\"about B?\"],\"action\":\"icul\"}\n";
    List<ForgetRule> rules = codec.decodeLines(lines);
    assertThat(rules).extracting(ForgetRule::id).containsExactly("a", "gen-1");
    String exported = RuleCodec.encodeLines(rules);
    assertThat(exported.lines()).hasSize(2);
    assertThat(codec.decodeLines(exported)).isEqualTo(rules);
    java.io.StringWriter w = new java.io.StringWriter();
    RuleCodec.writeLines(rules, w);
    assertThat(w.toString()).isEqualTo(exported);
  }

  @Test
  void jsonLinesAcceptsCrlfAndAByteOrderMark() {
    List<ForgetRule> rules =
        codec.decodeLines(
            "\uFEFF{\"id\":\"a\",\"subjects\":[\"A\"]}\r\n\r\n{\"id\":\"b\",\"subjects\":[\"B\"]}");
    assertThat(rules).extracting(ForgetRule::id).containsExactly("a", "b");
  }

  @Test
  void jsonLinesErrorsNameTheLineAndField() {
    String lines =
        "{\"id\":\"a\",\"subjects\":[\"A\"]}\n{\"id\":\"b\",\"subjects\":[\"B\"]}\n\n"
            + "{\"id\":\"c\",\"subjects\":[\"\"]}\n";
    assertThatThrownBy(() -> codec.decodeLines(lines))
        .isInstanceOfSatisfying(
            ConfigException.class, e -> assertThat(e.field()).isEqualTo("line 4: subjects[0]"))
        .hasMessage("line 4: subjects[0]: \"\" (expected: a non-blank string)");
    assertThatThrownBy(() -> codec.decodeLines("{\"subjects\":[\"A\"]}\nnot json\n"))
        .hasMessageStartingWith("line 2: malformed JSON");
    assertThatThrownBy(() -> codec.decodeLines("{\"subjects\":[\"A\"],\"x\":1}\n"))
        .hasMessageStartingWith("line 1: x: unknown field");
  }

  @Test
  void jsonLinesRejectsDuplicateIdsNamingBothLines() {
    String lines =
        "{\"id\":\"a\",\"subjects\":[\"A\"]}\n{\"id\":\"b\",\"subjects\":[\"B\"]}\n"
            + "{\"id\":\"a\",\"subjects\":[\"C\"]}\n";
    assertThatThrownBy(() -> codec.decodeLines(lines))
        .hasMessage(
            "line 3: id: \"a\" (expected: an id not used elsewhere in the import; line 1 has it"
                + " too)");
  }

  @Test
  void jsonLinesBoundsTheNumberOfRules() {
    RuleCodec small = new RuleCodec(new RuleLimits(2, 2, 1, 1, 10, 300, 2), counter());
    assertThatThrownBy(() -> small.decodeLines("{\"subjects\":[\"A\"]}\n".repeat(3)))
        .hasMessage("line 3: too many rules (expected: at most 2 per import)");
  }
}

package dev.lethe.gateway.responses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponsesRequestTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return JSON.readTree(s);
  }

  @Test
  void everyTextAModelReadsIsInTheJudgedConversation() throws Exception {
    ResponsesRequest rr =
        ResponsesRequest.of(
            json(
                """
                {"model":"m","instructions":"sys text","input":[
                 {"role":"user","content":[{"type":"input_text","text":"user text"}]},
                 {"type":"message","role":"assistant","content":[{"type":"output_text","text":"answer text"},{"type":"refusal","refusal":"refusal text"}]},
                 {"type":"function_call","call_id":"c1","name":"f","arguments":"{\\"a\\":\\"args text\\"}"},
                 {"type":"function_call_output","call_id":"c1","output":"tool text"},
                 {"type":"reasoning","summary":[{"type":"summary_text","text":"summary text"}]}]}
                """),
            null);
    String judged = rr.view().request().toString();
    for (String t :
        List.of(
            "sys text",
            "user text",
            "answer text",
            "refusal text",
            "args text",
            "tool text",
            "summary text")) {
      assertThat(judged).contains(t);
    }
    assertThat(rr.changed()).isFalse();
  }

  @Test
  void keptHistoryGoesInFrontAndTheIdIsNotForwarded() throws Exception {
    List<JsonNode> history =
        List.of(
            json("{\"role\":\"user\",\"content\":\"first\"}"),
            json(
                "{\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"reply\",\"annotations\":[]}]}"));
    ResponsesRequest rr =
        ResponsesRequest.of(
            json("{\"model\":\"m\",\"input\":\"second\",\"previous_response_id\":\"resp_1\"}"),
            history);
    assertThat(rr.changed()).isTrue();
    assertThat(rr.effective().has("previous_response_id")).isFalse();
    assertThat(rr.items()).hasSize(3);
    assertThat(rr.view().request().path("messages")).hasSize(3);
    assertThat(rr.view().request().toString()).contains("first", "reply", "second");
  }

  @Test
  void anIculRewriteBecomesLeadingInputItemsAndRedactionsGoBackInPlace() throws Exception {
    ResponsesRequest rr =
        ResponsesRequest.of(
            json("{\"model\":\"m\",\"instructions\":\"Be brief.\",\"input\":\"about Zed Q\"}"),
            null);
    ObjectNode rewritten = rr.view().request().deepCopy();
    ArrayNode messages = JSON.createArrayNode();
    messages.addObject().put("role", "system").put("content", "You know nothing of Zed Q.");
    messages.addObject().put("role", "user").put("content", "Who is Ann?");
    messages.addObject().put("role", "assistant").put("content", "A painter.");
    messages.addAll((ArrayNode) rewritten.get("messages"));
    ((ObjectNode) messages.get(4)).put("content", "about [masked]");
    rewritten.set("messages", messages);
    ObjectNode out = rr.rewritten(rewritten);
    assertThat(out.path("instructions").asText()).isEqualTo("Be brief.");
    JsonNode input = out.path("input");
    assertThat(input).hasSize(4);
    assertThat(input.get(0).path("role").asText()).isEqualTo("system");
    assertThat(input.get(0).path("type").asText()).isEqualTo("message");
    assertThat(input.get(2).path("content").asText()).isEqualTo("A painter.");
    assertThat(input.get(3).path("content").asText()).isEqualTo("about [masked]");
  }

  @Test
  void whatCannotBeScreenedOrIsMalformedIsRefusedNamingTheField() {
    for (String[] c :
        new String[][] {
          {"{\"input\":\"x\"}", "model"},
          {"{\"model\":\"m\"}", "input"},
          {"{\"model\":\"m\",\"input\":7}", "input"},
          {"{\"model\":\"m\",\"input\":\"x\",\"prompt\":{\"id\":\"p\"}}", "prompt"},
          {"{\"model\":\"m\",\"input\":\"x\",\"background\":true}", "background"},
          {"{\"model\":\"m\",\"input\":\"x\",\"tools\":[{\"type\":\"file_search\"}]}", "tools[0]"},
          {"{\"model\":\"m\",\"input\":[{\"type\":\"computer_call_output\"}]}", "input[0].type"},
          {"{\"model\":\"m\",\"input\":[{\"role\":\"robot\",\"content\":\"x\"}]}", "input[0].role"}
        }) {
      assertThatThrownBy(() -> ResponsesRequest.of(json(c[0]), null))
          .as(c[0])
          .isInstanceOfSatisfying(
              ResponsesRequest.Invalid.class, e -> assertThat(e.error().param()).isEqualTo(c[1]));
    }
  }

  @Test
  void aChatOnlyBackendGetsALosslessTranslationOrA400() throws Exception {
    ObjectNode chat =
        ChatTranslation.toChat(
            (ObjectNode)
                json(
                    """
                    {"model":"m","instructions":"sys","max_output_tokens":9,"temperature":0,
                     "text":{"format":{"type":"json_schema","name":"g","schema":{"type":"object"},"strict":true}},
                     "tools":[{"type":"function","name":"f","parameters":{"type":"object"}}],
                     "input":[{"role":"user","content":"q"},
                      {"type":"function_call","call_id":"c1","name":"f","arguments":"{}"},
                      {"type":"function_call_output","call_id":"c1","output":"r"}]}
                    """));
    assertThat(chat.at("/messages/0/content").asText()).isEqualTo("sys");
    assertThat(chat.at("/messages/2/tool_calls/0/id").asText()).isEqualTo("c1");
    assertThat(chat.at("/messages/3/role").asText()).isEqualTo("tool");
    assertThat(chat.at("/max_completion_tokens").asInt()).isEqualTo(9);
    assertThat(chat.at("/response_format/json_schema/name").asText()).isEqualTo("g");
    assertThat(chat.at("/tools/0/function/name").asText()).isEqualTo("f");
    assertThatThrownBy(
            () ->
                ChatTranslation.toChat(
                    (ObjectNode) json("{\"model\":\"m\",\"input\":[],\"reasoning\":{}}")))
        .isInstanceOfSatisfying(
            ResponsesRequest.Invalid.class,
            e -> assertThat(e.error().param()).isEqualTo("reasoning"));
  }
}

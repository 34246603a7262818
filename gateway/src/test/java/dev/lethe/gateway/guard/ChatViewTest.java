package dev.lethe.gateway.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class ChatViewTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ChatView view() {
    return ChatView.builder("m", false)
        .message("system", "be brief", JsonPointer.compile("/instructions"))
        .message("user", "who is Basil?", JsonPointer.compile("/input/0/content/0/text"))
        .toolCall("c1", "lookup", "{\"q\":\"Basil\"}", JsonPointer.compile("/input/1/arguments"))
        .toolResult("c1", "Basil is an author", JsonPointer.compile("/input/2/output"))
        .build();
  }

  private static ObjectNode surface() throws Exception {
    return (ObjectNode)
        JSON.readTree(
            """
            {"instructions":"be brief","input":[
             {"role":"user","content":[{"type":"input_text","text":"who is Basil?"}]},
             {"type":"function_call","call_id":"c1","name":"lookup","arguments":"{\\"q\\":\\"Basil\\"}"},
             {"type":"function_call_output","call_id":"c1","output":"Basil is an author"}]}
            """);
  }

  @Test
  void judgedRequestHasEveryTextInChatShape() {
    ObjectNode r = view().request();
    assertThat(r.path("messages")).hasSize(4);
    assertThat(r.at("/messages/2/tool_calls/0/function/arguments").asText()).contains("Basil");
    assertThat(r.at("/messages/3/role").asText()).isEqualTo("tool");
  }

  @Test
  void redactionMapsBackToTheSurfacePointers() throws Exception {
    ChatView v = view();
    ObjectNode rewritten = v.request().deepCopy();
    ArrayNode m = (ArrayNode) rewritten.get("messages");
    ((ObjectNode) m.get(1)).put("content", "who is [redacted]?");
    ((ObjectNode) m.get(2).at("/tool_calls/0/function")).put("arguments", "{\"q\":\"[redacted]\"}");
    ChatView.Rewrite rw = v.rewrite(rewritten);
    assertThat(rw.prepended()).isEmpty();
    ObjectNode out = rw.apply(surface());
    assertThat(out.at("/input/0/content/0/text").asText()).isEqualTo("who is [redacted]?");
    assertThat(out.at("/input/1/arguments").asText()).isEqualTo("{\"q\":\"[redacted]\"}");
    assertThat(out.at("/input/2/output").asText()).isEqualTo("Basil is an author");
  }

  @Test
  void messagesPutInFrontComeBackAsPlainText() {
    ChatView v = view();
    ObjectNode rewritten = v.request().deepCopy();
    ArrayNode m = JSON.createArrayNode();
    m.addObject().put("role", "system").put("content", "You know nothing of Basil.");
    m.addObject().put("role", "user").put("content", "q?");
    m.addObject().put("role", "assistant").put("content", "I don't know.");
    m.addAll((ArrayNode) rewritten.get("messages"));
    rewritten.set("messages", m);
    ChatView.Rewrite rw = v.rewrite(rewritten);
    assertThat(rw.prepended())
        .extracting(ChatView.Prepended::role)
        .containsExactly("system", "user", "assistant");
    assertThat(rw.texts()).isEmpty();
  }

  @Test
  void otherRewritesAreRefused() {
    ChatView v = view();
    ObjectNode dropped = v.request().deepCopy();
    ((ArrayNode) dropped.get("messages")).remove(0);
    assertThatThrownBy(() -> v.rewrite(dropped)).isInstanceOf(ChatView.RewriteUnsupported.class);
    ObjectNode field = v.request().deepCopy().put("temperature", 0);
    assertThatThrownBy(() -> v.rewrite(field)).isInstanceOf(ChatView.RewriteUnsupported.class);
    ObjectNode role = v.request().deepCopy();
    ((ObjectNode) role.at("/messages/1")).put("role", "assistant");
    assertThatThrownBy(() -> v.rewrite(role)).isInstanceOf(ChatView.RewriteUnsupported.class);
  }
}

package dev.lethe.gateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.gateway.guard.SseOut;

/**
 * Writes a response Lethe produced itself (a refusal) as the event sequence a Responses stream
 * carries: {@code response.created}, {@code response.in_progress}, then per item {@code
 * output_item.added}, per part {@code content_part.added}, one text or refusal delta, its done
 * event, {@code content_part.done}, then {@code output_item.done}, and finally {@code
 * response.completed} (or {@code response.incomplete}), numbered from 0.
 */
final class ResponseReplay {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final SseOut sse;
  private int sequence;

  private ResponseReplay(SseOut sse) {
    this.sse = sse;
  }

  /** Writes {@code response} (already final) as events to {@code sse}. */
  static void write(ObjectNode response, SseOut sse) {
    new ResponseReplay(sse).replay(response);
  }

  private void replay(ObjectNode response) {
    ObjectNode start = response.deepCopy();
    start.put("status", "in_progress");
    start.putArray("output");
    start.putNull("usage");
    start.putNull("incomplete_details");
    emit("response.created", F.objectNode().set("response", start));
    emit("response.in_progress", F.objectNode().set("response", start.deepCopy()));
    JsonNode output = response.path("output");
    for (int i = 0; i < output.size(); i++) {
      ObjectNode item = (ObjectNode) output.get(i);
      ObjectNode added = item.deepCopy();
      added.put("status", "in_progress");
      boolean message = "message".equals(item.path("type").asText());
      if (message) {
        added.putArray("content");
      }
      emit("response.output_item.added", F.objectNode().put("output_index", i).set("item", added));
      if (message) {
        ArrayNode parts = (ArrayNode) item.get("content");
        for (int j = 0; j < parts.size(); j++) {
          part(item.path("id").asText(), i, j, parts.get(j));
        }
      }
      emit("response.output_item.done", F.objectNode().put("output_index", i).set("item", item));
    }
    String end =
        response.path("status").asText().equals("incomplete")
            ? "response.incomplete"
            : "response.completed";
    emit(end, F.objectNode().set("response", response));
  }

  private void part(String itemId, int index, int ci, JsonNode part) {
    boolean refusal = "refusal".equals(part.path("type").asText());
    String text = part.path(refusal ? "refusal" : "text").asText("");
    ObjectNode added = at(itemId, index, ci);
    added.set("part", ResponseShapes.part(refusal, ""));
    emit("response.content_part.added", added);
    ObjectNode delta = at(itemId, index, ci).put("delta", text);
    if (!refusal) {
      delta.putArray("logprobs");
    }
    emit(refusal ? "response.refusal.delta" : "response.output_text.delta", delta);
    ObjectNode done = at(itemId, index, ci).put(refusal ? "refusal" : "text", text);
    if (!refusal) {
      done.putArray("logprobs");
    }
    emit(refusal ? "response.refusal.done" : "response.output_text.done", done);
    ObjectNode pd = at(itemId, index, ci);
    pd.set("part", part.deepCopy());
    emit("response.content_part.done", pd);
  }

  private static ObjectNode at(String itemId, int index, int ci) {
    return F.objectNode()
        .put("item_id", itemId)
        .put("output_index", index)
        .put("content_index", ci);
  }

  private void emit(String type, ObjectNode body) {
    ObjectNode e = F.objectNode();
    e.put("type", type);
    e.setAll(body);
    e.put("sequence_number", sequence++);
    sse.writeEvent(type, e);
  }
}

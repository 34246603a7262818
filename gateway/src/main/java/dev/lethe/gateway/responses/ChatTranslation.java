package dev.lethe.gateway.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.gateway.backend.Backend;
import dev.lethe.gateway.backend.BackendException;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.openai.StrictJson;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Serves a Responses request from a backend that speaks chat completions only (the built-in local
 * model), where the translation is lossless: {@code instructions} → a system message; message items
 * → messages (text parts joined in order); {@code function_call} items → an assistant message's
 * {@code tool_calls}; {@code function_call_output} → {@code tool} messages; function tools, {@code
 * tool_choice}, {@code text.format} ({@code json_schema}, {@code json_object}), {@code
 * max_output_tokens}, {@code temperature}, {@code top_p}, {@code parallel_tool_calls} → their chat
 * equivalents. Anything else a client set that has no chat equivalent (reasoning, include,
 * truncation other than {@code disabled}, images, files, reasoning items) is refused with a 400
 * naming it, never dropped silently. The answer comes back as Responses events or a response
 * object, through the same output guard as a Responses upstream's.
 */
final class ChatTranslation {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** Fields with no effect on the answer (kept by the gateway or echoed only). */
  private static final Set<String> ECHOED =
      Set.of("model", "input", "instructions", "stream", "store", "metadata", "user");

  private ChatTranslation() {}

  /** The chat-completions request for {@code request} (its input already holds any history). */
  static ObjectNode toChat(ObjectNode request) throws ResponsesRequest.Invalid {
    ObjectNode chat = F.objectNode();
    chat.put("model", request.path("model").asText());
    boolean stream = request.path("stream").asBoolean(false);
    chat.put("stream", stream);
    if (stream) {
      chat.putObject("stream_options").put("include_usage", true);
    }
    ArrayNode messages = chat.putArray("messages");
    if (request.path("instructions").isTextual()) {
      messages
          .addObject()
          .put("role", "system")
          .put("content", request.get("instructions").asText());
    }
    JsonNode input = request.path("input");
    for (int i = 0; i < input.size(); i++) {
      JsonNode item = input.get(i);
      String type = item.path("type").asText(item.has("role") ? "message" : "");
      switch (type) {
        case "message" -> {
          JsonNode c = item.get("content");
          String text;
          if (c.isTextual()) {
            text = c.textValue();
          } else {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : c) {
              String pt = part.path("type").asText();
              if (pt.equals("refusal")) {
                sb.append(part.path("refusal").asText());
              } else if (part.path("text").isTextual()) {
                sb.append(part.get("text").asText());
              } else {
                throw unsupported("input[" + i + "].content", "a '" + pt + "' part");
              }
            }
            text = sb.toString();
          }
          messages.addObject().put("role", item.path("role").asText()).put("content", text);
        }
        case "function_call" -> {
          ObjectNode last =
              messages.isEmpty() ? null : (ObjectNode) messages.get(messages.size() - 1);
          if (last == null
              || !"assistant".equals(last.path("role").asText())
              || !last.has("tool_calls")) {
            last = messages.addObject();
            last.put("role", "assistant");
            last.putNull("content");
            last.putArray("tool_calls");
          }
          ObjectNode call = ((ArrayNode) last.get("tool_calls")).addObject();
          call.put("id", item.path("call_id").asText());
          call.put("type", "function");
          call.putObject("function")
              .put("name", item.path("name").asText())
              .put("arguments", item.path("arguments").asText());
        }
        case "function_call_output" -> {
          JsonNode out = item.get("output");
          String text;
          if (out.isTextual()) {
            text = out.textValue();
          } else {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : out) {
              if (!part.path("text").isTextual()) {
                throw unsupported("input[" + i + "].output", "a non-text output part");
              }
              sb.append(part.get("text").asText());
            }
            text = sb.toString();
          }
          messages
              .addObject()
              .put("role", "tool")
              .put("tool_call_id", item.path("call_id").asText())
              .put("content", text);
        }
        default -> throw unsupported("input[" + i + "]", "a '" + type + "' item");
      }
    }
    Iterator<Map.Entry<String, JsonNode>> fields = request.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String k = f.getKey();
      JsonNode v = f.getValue();
      if (ECHOED.contains(k) || v.isNull()) {
        continue;
      }
      switch (k) {
        case "temperature", "top_p", "parallel_tool_calls" -> chat.set(k, v.deepCopy());
        case "max_output_tokens" -> chat.set("max_completion_tokens", v.deepCopy());
        case "truncation" -> {
          if (!"disabled".equals(v.asText())) {
            throw unsupported(k, "truncation '" + v.asText() + "'");
          }
        }
        case "tools" -> {
          ArrayNode tools = chat.putArray("tools");
          for (JsonNode t : v) {
            ObjectNode fn = tools.addObject().put("type", "function").putObject("function");
            fn.put("name", t.path("name").asText());
            for (String opt : new String[] {"description", "parameters", "strict"}) {
              if (t.hasNonNull(opt)) {
                fn.set(opt, t.get(opt).deepCopy());
              }
            }
          }
        }
        case "tool_choice" -> {
          if (v.isTextual()) {
            chat.set(k, v.deepCopy());
          } else if ("function".equals(v.path("type").asText())) {
            chat.putObject(k)
                .put("type", "function")
                .putObject("function")
                .put("name", v.path("name").asText());
          } else {
            throw unsupported(k, "this tool_choice");
          }
        }
        case "text" -> {
          JsonNode format = v.path("format");
          String ft = format.path("type").asText("text");
          if (ft.equals("json_schema")) {
            ObjectNode rf = chat.putObject("response_format").put("type", "json_schema");
            ObjectNode js = rf.putObject("json_schema");
            js.put("name", format.path("name").asText("response"));
            for (String opt : new String[] {"description", "schema", "strict"}) {
              if (format.hasNonNull(opt)) {
                js.set(opt, format.get(opt).deepCopy());
              }
            }
          } else if (ft.equals("json_object")) {
            chat.putObject("response_format").put("type", "json_object");
          } else if (!ft.equals("text")) {
            throw unsupported("text.format", "format '" + ft + "'");
          }
        }
        default -> throw unsupported(k, "'" + k + "'");
      }
    }
    return chat;
  }

  private static ResponsesRequest.Invalid unsupported(String param, String what) {
    return new ResponsesRequest.Invalid(
        ApiError.invalidRequest(
            param,
            "This model's backend speaks chat completions only and "
                + what
                + " has no lossless chat translation; it is not supported for this model."));
  }

  /** The Responses object for a whole chat completion (first choice). */
  static ObjectNode response(ObjectNode completion, String id, ObjectNode clientRequest) {
    long created = completion.path("created").asLong(System.currentTimeMillis() / 1000);
    ObjectNode r = ResponseShapes.response(id, created, clientRequest, "completed");
    ArrayNode output = (ArrayNode) r.get("output");
    JsonNode choice = completion.path("choices").path(0);
    JsonNode m = choice.path("message");
    boolean hasText = m.path("content").isTextual() && !m.path("content").asText().isEmpty();
    boolean hasRefusal = m.path("refusal").isTextual();
    if (hasText || hasRefusal || !m.path("tool_calls").isArray()) {
      ObjectNode msg = ResponseShapes.message(ResponseShapes.id("msg_"), "completed");
      ArrayNode content = (ArrayNode) msg.get("content");
      if (hasText || !hasRefusal) {
        content.add(ResponseShapes.part(false, m.path("content").asText("")));
      }
      if (hasRefusal) {
        content.add(ResponseShapes.part(true, m.path("refusal").asText()));
      }
      output.add(msg);
    }
    for (JsonNode call : m.path("tool_calls")) {
      output.add(
          ResponseShapes.functionCall(
              ResponseShapes.id("fc_"),
              call.path("id").asText(),
              call.path("function").path("name").asText(),
              call.path("function").path("arguments").asText(""),
              "completed"));
    }
    finishStatus(r, choice.path("finish_reason").asText("stop"));
    JsonNode u = completion.path("usage");
    r.set(
        "usage",
        ResponseShapes.usage(
            u.path("prompt_tokens").asInt(0), u.path("completion_tokens").asInt(0)));
    return r;
  }

  private static void finishStatus(ObjectNode r, String finish) {
    if (finish.equals("length")) {
      r.put("status", "incomplete");
      r.putObject("incomplete_details").put("reason", "max_output_tokens");
    } else if (finish.equals("content_filter")) {
      ResponsesOutput.markCut(r);
    }
  }

  /**
   * Turns a chat-completions stream (first choice) into the Responses events a Responses upstream
   * would send, and hands them to {@code out} (the guarded relay).
   */
  static final class StreamAdapter implements Backend.StreamEvents {
    private final Backend.StreamEvents out;
    private final ObjectNode clientRequest;
    private final String id = ResponseShapes.id("resp_");
    private final String messageId = ResponseShapes.id("msg_");
    private boolean started;
    private int index = -1;
    private boolean messageOpen;
    private final StringBuilder text = new StringBuilder();
    private final Map<Integer, ObjectNode> calls = new java.util.TreeMap<>();
    private String finish;
    private JsonNode usage;
    private boolean ended;

    StreamAdapter(Backend.StreamEvents out, ObjectNode clientRequest) {
      this.out = out;
      this.clientRequest = clientRequest;
    }

    private void send(String type, ObjectNode body) {
      body.put("type", type);
      out.onData(body.toString());
    }

    private void start(long created) {
      if (started) {
        return;
      }
      started = true;
      ObjectNode r = ResponseShapes.response(id, created, clientRequest, "in_progress");
      send("response.created", F.objectNode().set("response", r));
      send("response.in_progress", F.objectNode().set("response", r.deepCopy()));
    }

    @Override
    public void onData(String data) {
      if (ended || data.equals("[DONE]")) {
        return;
      }
      JsonNode chunk;
      try {
        chunk = StrictJson.read(data);
      } catch (StrictJson.Rejected e) {
        out.onData(data); // the relay reports it as an invalid event
        return;
      }
      if (chunk.has("error")) {
        ObjectNode e =
            chunk.get("error").isObject()
                ? ((ObjectNode) chunk.get("error")).deepCopy()
                : F.objectNode();
        send("error", e);
        ended = true;
        return;
      }
      start(chunk.path("created").asLong(System.currentTimeMillis() / 1000));
      if (chunk.hasNonNull("usage")) {
        usage = chunk.get("usage");
      }
      for (JsonNode c : chunk.path("choices")) {
        if (c.path("index").asInt(0) != 0) {
          continue;
        }
        JsonNode d = c.path("delta");
        if (d.path("content").isTextual() && !d.path("content").asText().isEmpty()) {
          openMessage();
          text.append(d.get("content").asText());
          ObjectNode e = F.objectNode();
          e.put("item_id", messageId).put("output_index", 0).put("content_index", 0);
          e.put("delta", d.get("content").asText());
          send("response.output_text.delta", e);
        }
        for (JsonNode tc : d.path("tool_calls")) {
          int k = tc.path("index").asInt(0);
          ObjectNode call =
              calls.computeIfAbsent(
                  k,
                  x ->
                      ResponseShapes.functionCall(
                          ResponseShapes.id("fc_"), "", "", "", "completed"));
          if (tc.path("id").isTextual()) {
            call.put("call_id", tc.get("id").asText());
          }
          JsonNode fn = tc.path("function");
          if (fn.path("name").isTextual()) {
            call.put("name", call.path("name").asText() + fn.get("name").asText());
          }
          if (fn.path("arguments").isTextual()) {
            call.put("arguments", call.path("arguments").asText() + fn.get("arguments").asText());
          }
        }
        if (c.hasNonNull("finish_reason")) {
          finish = c.get("finish_reason").asText();
        }
      }
    }

    private void openMessage() {
      if (messageOpen) {
        return;
      }
      messageOpen = true;
      index = 0;
      ObjectNode e = F.objectNode();
      e.put("output_index", 0);
      e.set("item", ResponseShapes.message(messageId, "in_progress"));
      send("response.output_item.added", e);
      ObjectNode p = F.objectNode();
      p.put("item_id", messageId).put("output_index", 0).put("content_index", 0);
      p.set("part", ResponseShapes.part(false, ""));
      send("response.content_part.added", p);
    }

    @Override
    public void onEnd() {
      if (ended) {
        out.onEnd();
        return;
      }
      if (finish == null) {
        out.onEnd(); // truncated: the relay reports it
        return;
      }
      ended = true;
      start(System.currentTimeMillis() / 1000);
      ArrayNode output = F.arrayNode();
      if (messageOpen) {
        ObjectNode e = F.objectNode();
        e.put("item_id", messageId).put("output_index", 0).put("content_index", 0);
        e.put("text", text.toString());
        send("response.output_text.done", e);
        ObjectNode p = F.objectNode();
        p.put("item_id", messageId).put("output_index", 0).put("content_index", 0);
        p.set("part", ResponseShapes.part(false, text.toString()));
        send("response.content_part.done", p);
        ObjectNode msg = ResponseShapes.message(messageId, "completed");
        ((ArrayNode) msg.get("content")).add(ResponseShapes.part(false, text.toString()));
        ObjectNode d = F.objectNode();
        d.put("output_index", 0);
        d.set("item", msg);
        send("response.output_item.done", d);
        output.add(msg);
      }
      for (ObjectNode call : calls.values()) {
        int at = ++index;
        ObjectNode added = call.deepCopy().put("status", "in_progress").put("arguments", "");
        ObjectNode a = F.objectNode();
        a.put("output_index", at);
        a.set("item", added);
        send("response.output_item.added", a);
        ObjectNode d = F.objectNode();
        d.put("output_index", at);
        d.set("item", call);
        send("response.output_item.done", d);
        output.add(call);
      }
      ObjectNode r =
          ResponseShapes.response(
              id, System.currentTimeMillis() / 1000, clientRequest, "completed");
      r.set("output", output);
      finishStatus(r, finish);
      if (usage != null) {
        r.set(
            "usage",
            ResponseShapes.usage(
                usage.path("prompt_tokens").asInt(0), usage.path("completion_tokens").asInt(0)));
      }
      String type =
          r.path("status").asText().equals("incomplete")
              ? "response.incomplete"
              : "response.completed";
      send(type, F.objectNode().set("response", r));
      out.onEnd();
    }

    @Override
    public void onError(BackendException error) {
      out.onError(error);
    }
  }
}

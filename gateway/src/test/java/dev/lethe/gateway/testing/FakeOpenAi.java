package dev.lethe.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * An OpenAI-compatible API on loopback that behaves like a hosted one: chat completions whole or as
 * chunked SSE whose bytes are cut at arbitrary boundaries (inside UTF-8 characters too), slow
 * streams, error statuses, mid-stream disconnects, streams that never end, usage chunks. The
 * behaviour is chosen by the requested model:
 *
 * <ul>
 *   <li>{@code gpt-test}: answers {@link #answer}; streams it in 3-character deltas, the bytes cut
 *       every {@link #byteSlice} bytes.
 *   <li>{@code gpt-slow}: like {@code gpt-test} with 20 ms between writes.
 *   <li>{@code gpt-gated}: streams the first delta, then waits until {@link #openGate()}.
 *   <li>{@code gpt-endless}: streams a delta every 20 ms until the client goes away.
 *   <li>{@code gpt-disconnect}: streams two deltas, then drops the connection.
 *   <li>{@code gpt-error-429}: 429 with an OpenAI error body; {@code gpt-error-500-html}: 500 with
 *       an HTML body.
 *   <li>{@code gpt-hang}: never answers.
 *   <li>{@code gpt-bad-json}: 200 with a body that is not JSON (and a broken SSE event).
 *   <li>{@code gpt-tools}: one {@code lookup} tool call per element of {@link #deltas}, arguments
 *       {@code {"code": <element>}}, each call's arguments streamed in two pieces.
 * </ul>
 *
 * Every request body is recorded, as received, in {@link #received}.
 */
public final class FakeOpenAi implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ID = "chatcmpl-fake";

  /** The models listed by {@code GET /v1/models}. */
  public static final List<String> MODELS =
      List.of(
          "gpt-test",
          "gpt-slow",
          "gpt-gated",
          "gpt-endless",
          "gpt-disconnect",
          "gpt-error-429",
          "gpt-error-500-html",
          "gpt-hang",
          "gpt-bad-json",
          "gpt-firehose",
          "gpt-tool",
          "gpt-tools",
          "gpt-stream-error",
          "gpt-parts",
          "gpt-items");

  /** Bodies received on {@code /v1/responses}, in arrival order. */
  public final ConcurrentLinkedQueue<byte[]> receivedResponses = new ConcurrentLinkedQueue<>();

  /** Bodies received on {@code /v1/chat/completions}, in arrival order. */
  public final ConcurrentLinkedQueue<byte[]> received = new ConcurrentLinkedQueue<>();

  /** Authorization headers received, in arrival order ("" when absent). */
  public final ConcurrentLinkedQueue<String> authorizations = new ConcurrentLinkedQueue<>();

  /**
   * Whether request bodies and authorization headers are recorded (default); long benchmarks turn
   * it off, since the records grow with every request and would show as heap growth of the process.
   */
  public volatile boolean recording = true;

  /** Counted down when a {@code gpt-firehose} stream finds its peer's write queue full. */
  public final CountDownLatch backPressured = new CountDownLatch(1);

  /** Counted down when a streaming response is closed by the peer before it ended. */
  public final CountDownLatch clientGone = new CountDownLatch(1);

  private final Vertx vertx;
  private final HttpServer server;
  private volatile Promise<Void> gate = Promise.promise();

  /** The answer text of {@code gpt-test}. */
  public volatile String answer = "Hello from the fake upstream: café, 東京, 🙂!";

  /**
   * The deltas {@code gpt-test} and {@code gpt-tool} stream, or {@code null} for {@link #answer} in
   * 3-code-point pieces. Their concatenation is the non-streaming answer.
   */
  public volatile List<String> deltas;

  /**
   * When set, the whole (non-streamed) chat answer is exactly these bytes, whatever the request
   * asked: to check what reaches the client byte for byte.
   */
  public volatile byte[] rawCompletion;

  /** TCP connections accepted so far (a gateway that keeps its pooled connections opens few). */
  public final java.util.concurrent.atomic.AtomicInteger connections =
      new java.util.concurrent.atomic.AtomicInteger();

  /** The byte-slice size of streamed bodies. */
  public volatile int byteSlice = 7;

  private FakeOpenAi(Vertx vertx) {
    this.vertx = vertx;
    this.server =
        vertx
            .createHttpServer()
            .requestHandler(this::handle)
            .connectionHandler(c -> connections.incrementAndGet());
  }

  /** Starts a fake API on 127.0.0.1 on a free port. */
  public static FakeOpenAi start(Vertx vertx) throws Exception {
    FakeOpenAi f = new FakeOpenAi(vertx);
    f.server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    return f;
  }

  /** The base URL, e.g. {@code http://127.0.0.1:1234/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1";
  }

  /** Lets a waiting {@code gpt-gated} stream go on. */
  public void openGate() {
    gate.tryComplete();
  }

  private void handle(HttpServerRequest req) {
    if (req.path().equals("/v1/models")) {
      ObjectNode root = JSON.createObjectNode().put("object", "list");
      ArrayNode data = root.putArray("data");
      for (String m : MODELS) {
        data.addObject().put("id", m).put("object", "model").put("owned_by", "fake");
      }
      req.response().putHeader("Content-Type", "application/json").end(root.toString());
      return;
    }
    if (req.path().equals("/v1/responses")) {
      req.body()
          .onSuccess(
              body -> {
                if (recording) {
                  receivedResponses.add(body.getBytes());
                }
                JsonNode json;
                try {
                  json = JSON.readTree(body.getBytes());
                } catch (Exception e) {
                  error(req.response(), 400, "invalid JSON");
                  return;
                }
                responses(req.response(), json);
              });
      return;
    }
    if (!req.path().equals("/v1/chat/completions")) {
      req.response().setStatusCode(404).end();
      return;
    }
    req.body()
        .onSuccess(
            body -> {
              if (recording) {
                received.add(body.getBytes());
                String auth = req.getHeader("Authorization");
                authorizations.add(auth == null ? "" : auth);
              }
              JsonNode json;
              try {
                json = JSON.readTree(body.getBytes());
              } catch (Exception e) {
                error(req.response(), 400, "invalid JSON");
                return;
              }
              respond(req.response(), json);
            });
  }

  private void respond(HttpServerResponse resp, JsonNode req) {
    String model = req.path("model").asText();
    boolean stream = req.path("stream").asBoolean(false);
    boolean usage = req.path("stream_options").path("include_usage").asBoolean(false);
    int n = Math.max(1, req.path("n").asInt(1));
    switch (model) {
      case "gpt-error-429" -> {
        error(resp, 429, "Rate limit reached for requests");
        return;
      }
      case "gpt-error-500-html" -> {
        resp.setStatusCode(500).putHeader("Content-Type", "text/html").end("<html>oops</html>");
        return;
      }
      case "gpt-hang" -> {
        return;
      }
      case "gpt-bad-json" -> {
        if (stream) {
          resp.setChunked(true).putHeader("Content-Type", "text/event-stream");
          resp.end("data: {not json\n\n");
        } else {
          resp.putHeader("Content-Type", "application/json").end("{not json");
        }
        return;
      }
      default -> {}
    }
    byte[] raw = rawCompletion;
    if (raw != null && !stream) {
      resp.putHeader("Content-Type", "application/json").end(Buffer.buffer(raw));
      return;
    }
    List<String> pieces = deltas != null ? deltas : pieces(answer, 3);
    String text = String.join("", pieces);
    boolean tool = model.equals("gpt-tool");
    boolean tools = model.equals("gpt-tools");
    if (!stream && tools) {
      ObjectNode root = completion(model, n, text, true);
      for (JsonNode c : root.path("choices")) {
        ArrayNode calls = ((ObjectNode) c.get("message")).putArray("tool_calls");
        for (int k = 0; k < pieces.size(); k++) {
          ObjectNode call = calls.addObject().put("id", "call_" + k).put("type", "function");
          call.putObject("function").put("name", "lookup").put("arguments", codeArgs(pieces, k));
        }
      }
      resp.putHeader("Content-Type", "application/json").end(root.toString());
      return;
    }
    if (!stream) {
      resp.putHeader("Content-Type", "application/json")
          .end(completion(model, n, text, tool).toString());
      return;
    }
    resp.setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache");
    List<String> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      events.add(
          chunk(
              model, i, JSON.createObjectNode().put("role", "assistant").put("content", ""), null));
    }
    for (int k = 0; k < pieces.size() && tools; k++) {
      String args = codeArgs(pieces, k);
      int half = args.length() / 2;
      for (int i = 0; i < n; i++) {
        ObjectNode d1 = JSON.createObjectNode();
        ObjectNode c1 = d1.putArray("tool_calls").addObject().put("index", k);
        c1.put("id", "call_" + k).put("type", "function");
        c1.putObject("function").put("name", "lookup").put("arguments", args.substring(0, half));
        events.add(chunk(model, i, d1, null));
        ObjectNode d2 = JSON.createObjectNode();
        d2.putArray("tool_calls")
            .addObject()
            .put("index", k)
            .putObject("function")
            .put("arguments", args.substring(half));
        events.add(chunk(model, i, d2, null));
      }
    }
    for (int k = 0; k < pieces.size() && !tools; k++) {
      for (int i = 0; i < n; i++) {
        ObjectNode delta = JSON.createObjectNode();
        if (tool) {
          ObjectNode call = delta.putArray("tool_calls").addObject().put("index", 0);
          if (k == 0) {
            call.put("id", "call_1").put("type", "function");
            call.putObject("function").put("name", "lookup").put("arguments", pieces.get(k));
          } else {
            call.putObject("function").put("arguments", pieces.get(k));
          }
        } else {
          delta.put("content", pieces.get(k));
        }
        events.add(chunk(model, i, delta, null));
      }
    }
    for (int i = 0; i < n; i++) {
      events.add(chunk(model, i, JSON.createObjectNode(), tool || tools ? "tool_calls" : "stop"));
    }
    if (usage) {
      ObjectNode u = header(model, "chat.completion.chunk");
      u.putArray("choices");
      u.putObject("usage")
          .put("prompt_tokens", 5)
          .put("completion_tokens", pieces.size())
          .put("total_tokens", 5 + pieces.size());
      events.add(u.toString());
    }
    events.add("[DONE]");
    StringBuilder sse = new StringBuilder();
    for (String e : events) {
      sse.append("data: ").append(e).append("\n\n");
    }
    byte[] bytes = sse.toString().getBytes(StandardCharsets.UTF_8);
    switch (model) {
      case "gpt-firehose" -> firehose(resp, model, 0);
      case "gpt-endless" -> {
        resp.closeHandler(v -> clientGone.countDown());
        endless(resp, model, 0);
      }
      case "gpt-gated" -> {
        String first = "data: " + events.get(0) + "\n\ndata: " + events.get(1) + "\n\n";
        resp.write(first);
        gate.future()
            .onComplete(
                v ->
                    writeSlices(
                        resp, bytes, first.getBytes(StandardCharsets.UTF_8).length, byteSlice, 0));
      }
      case "gpt-disconnect" -> {
        resp.write("data: " + events.get(0) + "\n\ndata: " + events.get(1) + "\n\n");
        vertx.setTimer(20, id -> resp.reset());
      }
      case "gpt-slow" -> writeSlices(resp, bytes, 0, 97, 20);
      default -> writeSlices(resp, bytes, 0, byteSlice, 0);
    }
  }

  private void writeSlices(
      HttpServerResponse resp, byte[] bytes, int from, int slice, long delayMs) {
    if (resp.closed()) {
      return;
    }
    if (from >= bytes.length) {
      resp.end();
      return;
    }
    int to = Math.min(bytes.length, from + slice);
    resp.write(Buffer.buffer().appendBytes(bytes, from, to - from));
    if (delayMs > 0) {
      vertx.setTimer(delayMs, id -> writeSlices(resp, bytes, to, slice, delayMs));
    } else {
      vertx.runOnContext(v -> writeSlices(resp, bytes, to, slice, 0));
    }
  }

  private void endless(HttpServerResponse resp, String model, int i) {
    if (resp.closed() || i > 10_000) {
      if (!resp.closed()) {
        resp.end();
      }
      return;
    }
    resp.write(
        "data: " + chunk(model, 0, JSON.createObjectNode().put("content", "tick "), null) + "\n\n");
    vertx.setTimer(20, id -> endless(resp, model, i + 1));
  }

  /** Writes as fast as the peer reads, and notes when the peer stops reading. */
  private void firehose(HttpServerResponse resp, String model, int i) {
    String event =
        "data: "
            + chunk(model, 0, JSON.createObjectNode().put("content", "x".repeat(512)), null)
            + "\n\n";
    int n = i;
    while (!resp.writeQueueFull() && n < 200_000 && !resp.closed()) {
      resp.write(event);
      n++;
    }
    if (resp.closed() || n >= 200_000) {
      if (!resp.closed()) {
        resp.end();
      }
      return;
    }
    backPressured.countDown();
    int next = n;
    resp.drainHandler(v -> firehose(resp, model, next));
  }

  private static List<String> pieces(String s, int size) {
    List<String> out = new ArrayList<>();
    int[] cps = s.codePoints().toArray();
    for (int i = 0; i < cps.length; i += size) {
      out.add(new String(cps, i, Math.min(size, cps.length - i)));
    }
    return out;
  }

  private ObjectNode completion(String model, int n, String text, boolean tool) {
    ObjectNode root = header(model, "chat.completion");
    ArrayNode choices = root.putArray("choices");
    for (int i = 0; i < n; i++) {
      ObjectNode c = choices.addObject().put("index", i);
      ObjectNode m = c.putObject("message").put("role", "assistant");
      if (tool) {
        m.putNull("content");
        ObjectNode call =
            m.putArray("tool_calls").addObject().put("id", "call_1").put("type", "function");
        call.putObject("function").put("name", "lookup").put("arguments", text);
        c.put("finish_reason", "tool_calls");
      } else {
        m.put("content", text);
        c.put("finish_reason", "stop");
      }
    }
    root.putObject("usage")
        .put("prompt_tokens", 5)
        .put("completion_tokens", 9)
        .put("total_tokens", 14);
    return root;
  }

  private static String chunk(String model, int index, ObjectNode delta, String finish) {
    return OpenAiWire.chatChunk(ID, model, index, delta, finish);
  }

  private static ObjectNode header(String model, String object) {
    return OpenAiWire.header(ID, model, object);
  }

  private static void error(HttpServerResponse resp, int status, String message) {
    OpenAiWire.error(resp, status, message);
  }

  // ------------------------------------------------------------------ Responses API

  /**
   * {@code POST /v1/responses} like the hosted API: {@code gpt-test} answers {@link #answer} (or
   * {@link #deltas}) as one message; {@code gpt-tool} as one function call {@code lookup} whose
   * arguments are that text; streamed as the typed event sequence (named events, {@code
   * sequence_number}s) cut every {@link #byteSlice} bytes. {@code gpt-error-429} answers 429,
   * {@code gpt-parts} answers one message with one output text part per element of {@link #deltas}
   * and {@code gpt-items} one message item per element (both streamed in pieces of two code
   * points), {@code gpt-disconnect} drops the connection after two events, {@code gpt-stream-error}
   * sends an {@code error} event after the first delta, {@code gpt-bad-json} a broken body.
   */
  private void responses(HttpServerResponse resp, JsonNode req) {
    String model = req.path("model").asText();
    boolean stream = req.path("stream").asBoolean(false);
    switch (model) {
      case "gpt-error-429" -> {
        error(resp, 429, "Rate limit reached for requests");
        return;
      }
      case "gpt-hang" -> {
        return;
      }
      case "gpt-bad-json" -> {
        resp.putHeader("Content-Type", "application/json").end("{not json");
        return;
      }
      default -> {}
    }
    List<String> pieces = deltas != null ? deltas : pieces(answer, 3);
    String text = String.join("", pieces);
    boolean tool = model.equals("gpt-tool");
    String id = "resp_fake_" + System.nanoTime();
    // The message items, each a list of parts, each part the pieces it streams in.
    List<List<List<String>>> messages = new ArrayList<>();
    switch (model) {
      case "gpt-parts" -> {
        List<List<String>> parts = new ArrayList<>();
        for (String p : pieces) {
          parts.add(pieces(p, 2));
        }
        messages.add(parts);
      }
      case "gpt-items" -> {
        for (String p : pieces) {
          messages.add(List.of(pieces(p, 2)));
        }
      }
      default -> messages.add(List.of(pieces));
    }
    List<ObjectNode> items = new ArrayList<>();
    boolean tools = model.equals("gpt-tools");
    if (tools) {
      for (int k = 0; k < pieces.size(); k++) {
        items.add(
            JSON.createObjectNode()
                .put("id", "fc_fake_" + k)
                .put("type", "function_call")
                .put("status", "completed")
                .put("call_id", "call_" + k)
                .put("name", "lookup")
                .put("arguments", codeArgs(pieces, k)));
      }
    } else if (tool) {
      items.add(
          JSON.createObjectNode()
              .put("id", "fc_fake")
              .put("type", "function_call")
              .put("status", "completed")
              .put("call_id", "call_1")
              .put("name", "lookup")
              .put("arguments", text));
    } else {
      for (int i = 0; i < messages.size(); i++) {
        ObjectNode m = message("completed", itemId(i));
        for (List<String> part : messages.get(i)) {
          ((ArrayNode) m.get("content")).add(part(String.join("", part)));
        }
        items.add(m);
      }
    }
    if (!stream) {
      ObjectNode r = responseObject(id, model, "completed");
      items.forEach(((ArrayNode) r.get("output"))::add);
      r.set("usage", usageObject(pieces.size()));
      resp.putHeader("Content-Type", "application/json").end(r.toString());
      return;
    }
    List<String> events = new ArrayList<>();
    int[] seq = {0};
    java.util.function.BiConsumer<String, ObjectNode> ev =
        (type, body) -> {
          ObjectNode e = JSON.createObjectNode().put("type", type);
          e.setAll(body);
          e.put("sequence_number", seq[0]++);
          events.add("event: " + type + "\ndata: " + e + "\n\n");
        };
    ev.accept(
        "response.created",
        JSON.createObjectNode().set("response", responseObject(id, model, "in_progress")));
    ev.accept(
        "response.in_progress",
        JSON.createObjectNode().set("response", responseObject(id, model, "in_progress")));
    if (tools) {
      for (int k = 0; k < items.size(); k++) {
        ObjectNode item = items.get(k);
        String args = item.get("arguments").textValue();
        String itemId = item.get("id").textValue();
        ObjectNode added = item.deepCopy().put("status", "in_progress").put("arguments", "");
        ev.accept(
            "response.output_item.added",
            JSON.createObjectNode().put("output_index", k).set("item", added));
        int half = args.length() / 2;
        for (String p : List.of(args.substring(0, half), args.substring(half))) {
          ev.accept(
              "response.function_call_arguments.delta",
              JSON.createObjectNode()
                  .put("item_id", itemId)
                  .put("output_index", k)
                  .put("delta", p));
        }
        ev.accept(
            "response.function_call_arguments.done",
            JSON.createObjectNode()
                .put("item_id", itemId)
                .put("output_index", k)
                .put("arguments", args));
        ev.accept(
            "response.output_item.done",
            JSON.createObjectNode().put("output_index", k).set("item", item));
      }
    } else if (tool) {
      ObjectNode item = items.get(0);
      ObjectNode added = item.deepCopy().put("status", "in_progress").put("arguments", "");
      ev.accept(
          "response.output_item.added",
          JSON.createObjectNode().put("output_index", 0).set("item", added));
      for (String p : pieces) {
        ev.accept(
            "response.function_call_arguments.delta",
            JSON.createObjectNode()
                .put("item_id", "fc_fake")
                .put("output_index", 0)
                .put("delta", p));
      }
      ev.accept(
          "response.function_call_arguments.done",
          JSON.createObjectNode()
              .put("item_id", "fc_fake")
              .put("output_index", 0)
              .put("arguments", text));
      ev.accept(
          "response.output_item.done",
          JSON.createObjectNode().put("output_index", 0).set("item", item));
    } else {
      for (int i = 0; i < messages.size(); i++) {
        ev.accept(
            "response.output_item.added",
            JSON.createObjectNode()
                .put("output_index", i)
                .set("item", message("in_progress", itemId(i))));
        List<List<String>> parts = messages.get(i);
        for (int ci = 0; ci < parts.size(); ci++) {
          String partText = String.join("", parts.get(ci));
          ev.accept("response.content_part.added", at(i, ci).set("part", part("")));
          for (String p : parts.get(ci)) {
            ObjectNode d = at(i, ci).put("delta", p);
            d.putArray("logprobs");
            ev.accept("response.output_text.delta", d);
            if (model.equals("gpt-stream-error")) {
              ObjectNode err =
                  JSON.createObjectNode()
                      .put("code", "server_error")
                      .put("message", "The model crashed")
                      .putNull("param");
              ev.accept("error", err);
              break;
            }
          }
          ObjectNode done = at(i, ci).put("text", partText);
          done.putArray("logprobs");
          ev.accept("response.output_text.done", done);
          ev.accept("response.content_part.done", at(i, ci).set("part", part(partText)));
        }
        ev.accept(
            "response.output_item.done",
            JSON.createObjectNode().put("output_index", i).set("item", items.get(i)));
      }
    }
    ObjectNode fin = responseObject(id, model, "completed");
    items.forEach(((ArrayNode) fin.get("output"))::add);
    fin.set("usage", usageObject(pieces.size()));
    ev.accept("response.completed", JSON.createObjectNode().set("response", fin));
    resp.setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache");
    byte[] bytes = String.join("", events).getBytes(StandardCharsets.UTF_8);
    if (model.equals("gpt-disconnect")) {
      resp.write(events.get(0) + events.get(1));
      vertx.setTimer(20, t -> resp.reset());
      return;
    }
    writeSlices(resp, bytes, 0, byteSlice, 0);
  }

  /** The arguments of call {@code k} of {@code gpt-tools}: {@code {"code": <piece k>}}. */
  private static String codeArgs(List<String> pieces, int k) {
    return JSON.createObjectNode().put("code", pieces.get(k)).toString();
  }

  private static String itemId(int i) {
    return i == 0 ? "msg_fake" : "msg_fake_" + i;
  }

  private static ObjectNode at(int item, int part) {
    return JSON.createObjectNode()
        .put("item_id", itemId(item))
        .put("output_index", item)
        .put("content_index", part);
  }

  private static ObjectNode part(String text) {
    ObjectNode p = JSON.createObjectNode().put("type", "output_text").put("text", text);
    p.putArray("annotations");
    return p;
  }

  private static ObjectNode message(String status, String id) {
    ObjectNode m =
        JSON.createObjectNode()
            .put("id", id)
            .put("type", "message")
            .put("status", status)
            .put("role", "assistant");
    m.putArray("content");
    return m;
  }

  private static ObjectNode responseObject(String id, String model, String status) {
    ObjectNode r =
        JSON.createObjectNode()
            .put("id", id)
            .put("object", "response")
            .put("created_at", 1_700_000_000L)
            .put("status", status)
            .putNull("error")
            .putNull("incomplete_details")
            .put("instructions", "UPSTREAM-ECHO")
            .put("model", model)
            .put("parallel_tool_calls", true)
            .put("temperature", 1.0)
            .put("tool_choice", "auto")
            .put("top_p", 1.0);
    r.putArray("output");
    r.putArray("tools");
    r.putObject("metadata");
    r.putNull("usage");
    return r;
  }

  private static ObjectNode usageObject(int out) {
    ObjectNode u = JSON.createObjectNode().put("input_tokens", 5);
    u.putObject("input_tokens_details").put("cached_tokens", 0);
    u.put("output_tokens", out);
    u.putObject("output_tokens_details").put("reasoning_tokens", 0);
    u.put("total_tokens", 5 + out);
    return u;
  }

  @Override
  public void close() throws Exception {
    gate.tryComplete();
    server.close().await(10, TimeUnit.SECONDS);
  }
}

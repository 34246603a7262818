package dev.lethe.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Anthropic Messages API on loopback, behaving like the hosted one: {@code POST /v1/messages}
 * whole or as the real event sequence ({@code message_start}, {@code ping}, {@code
 * content_block_start}, {@code content_block_delta} with {@code text_delta} / {@code
 * thinking_delta} / {@code signature_delta} / {@code input_json_delta}, {@code content_block_stop},
 * {@code message_delta}, {@code message_stop}) with {@code event:} lines and bytes cut every {@link
 * #byteSlice} bytes (inside UTF-8 characters too); Anthropic-shaped errors, mid-stream error
 * events, disconnects and truncated streams; {@code POST /v1/messages/count_tokens}; {@code GET
 * /v1/models} (which answers 401 without the key when {@link #requiredKey} is set). The behaviour
 * is chosen by the requested model:
 *
 * <ul>
 *   <li>{@code claude-test}: one text block holding {@link #deltas} (or {@link #answer}).
 *   <li>{@code claude-tool}: a text block "Let me look that up.", then a {@code tool_use} block
 *       {@code lookup} whose input is {@code {"code": <deltas joined>}}, its JSON streamed in
 *       pieces that follow {@link #deltas}; {@code stop_reason: tool_use}.
 *   <li>{@code claude-thinking}: a {@code thinking} block holding {@link #deltas} with a signature,
 *       then a text block "Done.".
 *   <li>{@code claude-blocks}: one text block per element of {@link #deltas} (each streamed in
 *       pieces of two code points), so a text can be split across content blocks.
 *   <li>{@code claude-blocks-tool}: like {@code claude-blocks}, with a clean {@code tool_use} block
 *       {@code note} between the first text block and the others.
 *   <li>{@code claude-tools}: a text block "Let me look that up.", then one {@code tool_use} block
 *       {@code lookup} per element of {@link #deltas}, input {@code {"code": <element>}}, its JSON
 *       streamed in two pieces; {@code stop_reason: tool_use}.
 *   <li>{@code claude-error-529}: 529 {@code overloaded_error}; {@code claude-error-stream}: a
 *       delta, then an {@code error} event; {@code claude-disconnect}: two deltas, then the
 *       connection is dropped; {@code claude-truncated}: the stream ends without {@code
 *       message_stop}.
 * </ul>
 */
public final class FakeAnthropic implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The models listed by {@code GET /v1/models}. */
  public static final List<String> MODELS =
      List.of(
          "claude-test",
          "claude-tool",
          "claude-thinking",
          "claude-error-529",
          "claude-error-stream",
          "claude-disconnect",
          "claude-truncated",
          "claude-blocks",
          "claude-blocks-tool",
          "claude-tools");

  /** Bodies received on {@code /v1/messages} and {@code count_tokens}, in arrival order. */
  public final ConcurrentLinkedQueue<byte[]> received = new ConcurrentLinkedQueue<>();

  /** {@code x-api-key} headers received ("" when absent). */
  public final ConcurrentLinkedQueue<String> apiKeys = new ConcurrentLinkedQueue<>();

  /** {@code anthropic-version} headers received ("" when absent). */
  public final ConcurrentLinkedQueue<String> versions = new ConcurrentLinkedQueue<>();

  /** The answer text when {@link #deltas} is null. */
  public volatile String answer = "Hello from the fake Claude: café, 東京, 🙂!";

  /** The pieces the answer is streamed in; their concatenation is the whole answer. */
  public volatile List<String> deltas;

  /** TCP connections accepted so far (a gateway that keeps its pooled connections opens few). */
  public final java.util.concurrent.atomic.AtomicInteger connections =
      new java.util.concurrent.atomic.AtomicInteger();

  /** The byte-slice size of streamed bodies. */
  public volatile int byteSlice = 7;

  /** When set, {@code GET /v1/models} answers 401 unless {@code x-api-key} equals it. */
  public volatile String requiredKey;

  private final Vertx vertx;
  private final HttpServer server;

  private FakeAnthropic(Vertx vertx) {
    this.vertx = vertx;
    this.server =
        vertx
            .createHttpServer()
            .requestHandler(this::handle)
            .connectionHandler(c -> connections.incrementAndGet());
  }

  /** Starts a fake API on 127.0.0.1 on a free port. */
  public static FakeAnthropic start(Vertx vertx) throws Exception {
    FakeAnthropic f = new FakeAnthropic(vertx);
    f.server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    return f;
  }

  /** The base URL, e.g. {@code http://127.0.0.1:1234/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1";
  }

  private void handle(HttpServerRequest req) {
    String key = req.getHeader("x-api-key");
    if (req.path().equals("/v1/models")) {
      if (requiredKey != null && !requiredKey.equals(key)) {
        error(req.response(), 401, "authentication_error", "invalid x-api-key");
        return;
      }
      ObjectNode root = JSON.createObjectNode();
      ArrayNode data = root.putArray("data");
      for (String m : MODELS) {
        data.addObject().put("type", "model").put("id", m).put("display_name", m);
      }
      root.put("has_more", false);
      req.response().putHeader("Content-Type", "application/json").end(root.toString());
      return;
    }
    boolean count = req.path().equals("/v1/messages/count_tokens");
    if (!count && !req.path().equals("/v1/messages")) {
      error(req.response(), 404, "not_found_error", "Not found");
      return;
    }
    req.body()
        .onSuccess(
            body -> {
              received.add(body.getBytes());
              apiKeys.add(key == null ? "" : key);
              String v = req.getHeader("anthropic-version");
              versions.add(v == null ? "" : v);
              JsonNode json;
              try {
                json = JSON.readTree(body.getBytes());
              } catch (Exception e) {
                error(req.response(), 400, "invalid_request_error", "invalid JSON");
                return;
              }
              if (count) {
                req.response()
                    .putHeader("Content-Type", "application/json")
                    .end("{\"input_tokens\":42}");
                return;
              }
              respond(req.response(), json);
            });
  }

  private List<String> pieces() {
    List<String> d = deltas;
    if (d != null) {
      return d;
    }
    List<String> out = new ArrayList<>();
    int[] cps = answer.codePoints().toArray();
    for (int i = 0; i < cps.length; i += 3) {
      out.add(new String(cps, i, Math.min(3, cps.length - i)));
    }
    return out;
  }

  private void respond(HttpServerResponse resp, JsonNode req) {
    String model = req.path("model").asText();
    boolean stream = req.path("stream").asBoolean(false);
    if (model.equals("claude-error-529")) {
      error(resp, 529, "overloaded_error", "Overloaded");
      return;
    }
    List<String> parts = pieces();
    String whole = String.join("", parts);
    if (!stream) {
      ObjectNode m = message(model);
      ArrayNode content = m.putArray("content");
      switch (model) {
        case "claude-tool" -> {
          content.addObject().put("type", "text").put("text", "Let me look that up.");
          ObjectNode tu =
              content
                  .addObject()
                  .put("type", "tool_use")
                  .put("id", "toolu_01")
                  .put("name", "lookup");
          tu.putObject("input").put("code", whole);
          m.put("stop_reason", "tool_use");
        }
        case "claude-tools" -> {
          content.addObject().put("type", "text").put("text", "Let me look that up.");
          for (int k = 0; k < parts.size(); k++) {
            ObjectNode tu =
                content
                    .addObject()
                    .put("type", "tool_use")
                    .put("id", "toolu_1" + k)
                    .put("name", "lookup");
            tu.putObject("input").put("code", parts.get(k));
          }
          m.put("stop_reason", "tool_use");
        }
        case "claude-blocks", "claude-blocks-tool" -> {
          for (int i = 0; i < parts.size(); i++) {
            content.addObject().put("type", "text").put("text", parts.get(i));
            if (i == 0 && model.equals("claude-blocks-tool")) {
              noteTool(content.addObject());
            }
          }
          m.put("stop_reason", "end_turn");
        }
        case "claude-thinking" -> {
          content
              .addObject()
              .put("type", "thinking")
              .put("thinking", whole)
              .put("signature", "c2lnbmF0dXJl");
          content.addObject().put("type", "text").put("text", "Done.");
          m.put("stop_reason", "end_turn");
        }
        default -> {
          content.addObject().put("type", "text").put("text", whole);
          m.put("stop_reason", "end_turn");
        }
      }
      m.putObject("usage").put("input_tokens", 12).put("output_tokens", 34);
      resp.putHeader("Content-Type", "application/json").end(m.toString());
      return;
    }
    StringBuilder sse = new StringBuilder();
    ObjectNode start = JSON.createObjectNode().put("type", "message_start");
    ObjectNode m = message(model);
    m.putArray("content");
    m.putNull("stop_reason");
    m.putObject("usage").put("input_tokens", 12).put("output_tokens", 1);
    start.set("message", m);
    event(sse, start);
    event(sse, JSON.createObjectNode().put("type", "ping"));
    String stop = "end_turn";
    switch (model) {
      case "claude-tool" -> {
        textBlock(sse, 0, List.of("Let me look that up."));
        ObjectNode bs = JSON.createObjectNode().put("type", "content_block_start").put("index", 1);
        bs.putObject("content_block")
            .put("type", "tool_use")
            .put("id", "toolu_01")
            .put("name", "lookup")
            .putObject("input");
        event(sse, bs);
        List<String> json = new ArrayList<>();
        json.add("{\"code\": \"");
        for (String p : parts) {
          String q = new TextNode(p).toString();
          json.add(q.substring(1, q.length() - 1));
        }
        json.add("\"}");
        for (String j : json) {
          ObjectNode d = JSON.createObjectNode().put("type", "content_block_delta").put("index", 1);
          d.putObject("delta").put("type", "input_json_delta").put("partial_json", j);
          event(sse, d);
        }
        event(sse, JSON.createObjectNode().put("type", "content_block_stop").put("index", 1));
        stop = "tool_use";
      }
      case "claude-tools" -> {
        textBlock(sse, 0, List.of("Let me look that up."));
        for (int k = 0; k < parts.size(); k++) {
          int index = k + 1;
          ObjectNode bs =
              JSON.createObjectNode().put("type", "content_block_start").put("index", index);
          bs.putObject("content_block")
              .put("type", "tool_use")
              .put("id", "toolu_1" + k)
              .put("name", "lookup")
              .putObject("input");
          event(sse, bs);
          String json = JSON.createObjectNode().put("code", parts.get(k)).toString();
          int half = json.length() / 2;
          for (String j : List.of(json.substring(0, half), json.substring(half))) {
            ObjectNode d =
                JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
            d.putObject("delta").put("type", "input_json_delta").put("partial_json", j);
            event(sse, d);
          }
          event(sse, JSON.createObjectNode().put("type", "content_block_stop").put("index", index));
        }
        stop = "tool_use";
      }
      case "claude-thinking" -> {
        ObjectNode bs = JSON.createObjectNode().put("type", "content_block_start").put("index", 0);
        bs.putObject("content_block")
            .put("type", "thinking")
            .put("thinking", "")
            .put("signature", "");
        event(sse, bs);
        for (String p : parts) {
          ObjectNode d = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
          d.putObject("delta").put("type", "thinking_delta").put("thinking", p);
          event(sse, d);
        }
        ObjectNode sig = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
        sig.putObject("delta").put("type", "signature_delta").put("signature", "c2lnbmF0dXJl");
        event(sse, sig);
        event(sse, JSON.createObjectNode().put("type", "content_block_stop").put("index", 0));
        textBlock(sse, 1, List.of("Done."));
      }
      case "claude-blocks", "claude-blocks-tool" -> {
        int index = 0;
        for (int i = 0; i < parts.size(); i++) {
          textBlock(sse, index++, pieces(parts.get(i), 2));
          if (i == 0 && model.equals("claude-blocks-tool")) {
            ObjectNode bs =
                JSON.createObjectNode().put("type", "content_block_start").put("index", index);
            noteTool(bs.putObject("content_block")).putObject("input");
            event(sse, bs);
            ObjectNode d =
                JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
            d.putObject("delta")
                .put("type", "input_json_delta")
                .put("partial_json", "{\"text\": \"remember\"}");
            event(sse, d);
            event(
                sse,
                JSON.createObjectNode().put("type", "content_block_stop").put("index", index++));
          }
        }
      }
      case "claude-error-stream" -> {
        ObjectNode bs = JSON.createObjectNode().put("type", "content_block_start").put("index", 0);
        bs.putObject("content_block").put("type", "text").put("text", "");
        event(sse, bs);
        ObjectNode d = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
        d.putObject("delta").put("type", "text_delta").put("text", parts.get(0));
        event(sse, d);
        ObjectNode err = JSON.createObjectNode().put("type", "error");
        err.putObject("error").put("type", "overloaded_error").put("message", "Overloaded");
        event(sse, err);
        writeSlices(resp, bytes(sse), 0);
        return;
      }
      case "claude-disconnect" -> {
        ObjectNode bs = JSON.createObjectNode().put("type", "content_block_start").put("index", 0);
        bs.putObject("content_block").put("type", "text").put("text", "");
        event(sse, bs);
        for (int i = 0; i < Math.min(2, parts.size()); i++) {
          ObjectNode d = JSON.createObjectNode().put("type", "content_block_delta").put("index", 0);
          d.putObject("delta").put("type", "text_delta").put("text", parts.get(i));
          event(sse, d);
        }
        head(resp);
        resp.write(Buffer.buffer(bytes(sse)));
        vertx.setTimer(50, id -> resp.reset());
        return;
      }
      default -> textBlock(sse, 0, parts);
    }
    if (!model.equals("claude-truncated")) {
      ObjectNode md = JSON.createObjectNode().put("type", "message_delta");
      md.putObject("delta").put("stop_reason", stop).putNull("stop_sequence");
      md.putObject("usage").put("output_tokens", 34);
      event(sse, md);
      event(sse, JSON.createObjectNode().put("type", "message_stop"));
    }
    writeSlices(resp, bytes(sse), 0);
  }

  private static void textBlock(StringBuilder sse, int index, List<String> parts) {
    ObjectNode bs = JSON.createObjectNode().put("type", "content_block_start").put("index", index);
    bs.putObject("content_block").put("type", "text").put("text", "");
    event(sse, bs);
    for (String p : parts) {
      ObjectNode d = JSON.createObjectNode().put("type", "content_block_delta").put("index", index);
      d.putObject("delta").put("type", "text_delta").put("text", p);
      event(sse, d);
    }
    event(sse, JSON.createObjectNode().put("type", "content_block_stop").put("index", index));
  }

  private static ObjectNode noteTool(ObjectNode block) {
    block.put("type", "tool_use").put("id", "toolu_02").put("name", "note");
    block.putObject("input").put("text", "remember");
    return block;
  }

  private static List<String> pieces(String text, int size) {
    List<String> out = new ArrayList<>();
    int[] cps = text.codePoints().toArray();
    for (int i = 0; i < cps.length; i += size) {
      out.add(new String(cps, i, Math.min(size, cps.length - i)));
    }
    return out;
  }

  private static ObjectNode message(String model) {
    ObjectNode m = JSON.createObjectNode();
    m.put("id", "msg_fake");
    m.put("type", "message");
    m.put("role", "assistant");
    m.put("model", model);
    m.putNull("stop_sequence");
    return m;
  }

  private static void event(StringBuilder sse, ObjectNode data) {
    sse.append("event: ").append(data.get("type").asText()).append('\n');
    sse.append("data: ").append(data).append("\n\n");
  }

  private static byte[] bytes(StringBuilder sse) {
    return sse.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void head(HttpServerResponse resp) {
    resp.setChunked(true).putHeader("Content-Type", "text/event-stream");
  }

  private void writeSlices(HttpServerResponse resp, byte[] bytes, int from) {
    if (from == 0) {
      head(resp);
    }
    if (resp.closed()) {
      return;
    }
    if (from >= bytes.length) {
      resp.end();
      return;
    }
    int to = Math.min(bytes.length, from + Math.max(1, byteSlice));
    resp.write(Buffer.buffer().appendBytes(bytes, from, to - from));
    vertx.runOnContext(v -> writeSlices(resp, bytes, to));
  }

  private static void error(HttpServerResponse resp, int status, String type, String message) {
    ObjectNode root = JSON.createObjectNode().put("type", "error");
    root.putObject("error").put("type", type).put("message", message);
    resp.setStatusCode(status).putHeader("Content-Type", "application/json").end(root.toString());
  }

  @Override
  public void close() throws Exception {
    server.close().await(10, TimeUnit.SECONDS);
  }
}

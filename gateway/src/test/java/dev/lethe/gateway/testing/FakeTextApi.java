package dev.lethe.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * OpenAI's legacy completions and embeddings on loopback: {@code POST /v1/completions} answers
 * {@link #deltas} joined as each choice's text (prompts × {@code n} choices), whole or as {@code
 * text_completion} chunks whose bytes are cut every {@link #byteSlice} bytes, with a usage chunk
 * when asked; {@code POST /v1/embeddings} answers one 3-dimensional vector per input; {@code GET
 * /v1/models} lists {@code text-test}. Request bodies are recorded in {@link #received}.
 */
public final class FakeTextApi implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Bodies received, in arrival order. */
  public final ConcurrentLinkedQueue<byte[]> received = new ConcurrentLinkedQueue<>();

  /** The pieces each choice's text is streamed in. */
  public volatile List<String> deltas = List.of("Once upon", " a time.");

  /** The byte-slice size of streamed bodies. */
  public volatile int byteSlice = 5;

  private final Vertx vertx;
  private final HttpServer server;

  private FakeTextApi(Vertx vertx) {
    this.vertx = vertx;
    this.server = vertx.createHttpServer().requestHandler(this::handle);
  }

  /** Starts the fake on 127.0.0.1 on a free port. */
  public static FakeTextApi start(Vertx vertx) throws Exception {
    FakeTextApi f = new FakeTextApi(vertx);
    f.server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    return f;
  }

  /** The base URL, e.g. {@code http://127.0.0.1:1234/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1";
  }

  private void handle(HttpServerRequest req) {
    if (req.path().equals("/v1/models")) {
      req.response()
          .putHeader("Content-Type", "application/json")
          .end("{\"object\":\"list\",\"data\":[{\"id\":\"text-test\",\"object\":\"model\"}]}");
      return;
    }
    req.body()
        .onSuccess(
            body -> {
              received.add(body.getBytes());
              JsonNode json;
              try {
                json = JSON.readTree(body.getBytes());
              } catch (Exception e) {
                req.response().setStatusCode(400).end();
                return;
              }
              switch (req.path()) {
                case "/v1/completions" -> completions(req.response(), json);
                case "/v1/embeddings" -> embeddings(req.response(), json);
                default -> req.response().setStatusCode(404).end();
              }
            });
  }

  private void embeddings(HttpServerResponse resp, JsonNode req) {
    ObjectNode root = JSON.createObjectNode().put("object", "list");
    ArrayNode data = root.putArray("data");
    int n = req.path("input").isArray() ? req.path("input").size() : 1;
    for (int i = 0; i < n; i++) {
      ObjectNode e = data.addObject().put("object", "embedding").put("index", i);
      e.putArray("embedding").add(0.1).add(0.2).add(0.3);
    }
    root.put("model", req.path("model").asText());
    root.putObject("usage").put("prompt_tokens", 3).put("total_tokens", 3);
    resp.putHeader("Content-Type", "application/json").end(root.toString());
  }

  private void completions(HttpServerResponse resp, JsonNode req) {
    int prompts = req.path("prompt").isArray() ? req.path("prompt").size() : 1;
    int choices = prompts * Math.max(1, req.path("n").asInt(1));
    String model = req.path("model").asText();
    String text = String.join("", deltas);
    if (!req.path("stream").asBoolean(false)) {
      ObjectNode root = header(model);
      ArrayNode cs = root.putArray("choices");
      for (int i = 0; i < choices; i++) {
        cs.addObject()
            .put("text", text)
            .put("index", i)
            .putNull("logprobs")
            .put("finish_reason", "stop");
      }
      root.putObject("usage")
          .put("prompt_tokens", 4)
          .put("completion_tokens", 6)
          .put("total_tokens", 10);
      resp.putHeader("Content-Type", "application/json").end(root.toString());
      return;
    }
    StringBuilder sse = new StringBuilder();
    for (String d : deltas) {
      for (int i = 0; i < choices; i++) {
        sse.append("data: ").append(chunk(model, i, d, null)).append("\n\n");
      }
    }
    for (int i = 0; i < choices; i++) {
      sse.append("data: ").append(chunk(model, i, "", "stop")).append("\n\n");
    }
    if (req.path("stream_options").path("include_usage").asBoolean(false)) {
      ObjectNode u = header(model);
      u.putArray("choices");
      u.putObject("usage")
          .put("prompt_tokens", 4)
          .put("completion_tokens", 6)
          .put("total_tokens", 10);
      sse.append("data: ").append(u).append("\n\n");
    }
    sse.append("data: [DONE]\n\n");
    resp.setChunked(true).putHeader("Content-Type", "text/event-stream");
    write(resp, sse.toString().getBytes(StandardCharsets.UTF_8), 0);
  }

  private void write(HttpServerResponse resp, byte[] bytes, int from) {
    if (resp.closed()) {
      return;
    }
    if (from >= bytes.length) {
      resp.end();
      return;
    }
    int to = Math.min(bytes.length, from + Math.max(1, byteSlice));
    resp.write(Buffer.buffer().appendBytes(bytes, from, to - from));
    vertx.runOnContext(v -> write(resp, bytes, to));
  }

  private static ObjectNode chunk(String model, int index, String text, String finish) {
    ObjectNode root = header(model);
    ObjectNode c = root.putArray("choices").addObject();
    c.put("text", text).put("index", index).putNull("logprobs");
    if (finish == null) {
      c.putNull("finish_reason");
    } else {
      c.put("finish_reason", finish);
    }
    return root;
  }

  private static ObjectNode header(String model) {
    return OpenAiWire.header("cmpl-fake", model, "text_completion");
  }

  @Override
  public void close() throws Exception {
    server.close().await(10, TimeUnit.SECONDS);
  }
}

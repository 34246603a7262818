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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fault-injection upstream on loopback speaking OpenAI's wire format (JSON completions, SSE
 * {@code data:} events, {@code [DONE]}, error objects): it answers well or badly depending on the
 * requested model, so one server covers every hostile case. Models:
 *
 * <ul>
 *   <li>{@code f-ok}: a normal answer, {@link #answer}, whole or streamed.
 *   <li>{@code f-secret-500}: 500 whose OpenAI error message carries {@link #SECRET}.
 *   <li>{@code f-secret-event}: a stream that sends one delta, then an {@code {"error":...}} event
 *       carrying {@link #SECRET}.
 *   <li>{@code f-echo-400}: 400 whose message echoes the request body it received, as some
 *       upstreams do.
 *   <li>{@code f-429}: 429 with {@code Retry-After}, {@code x-ratelimit-*} and an unrelated header
 *       carrying {@link #SECRET}.
 *   <li>{@code f-huge}: a 200 JSON body of {@link #hugeBytes}, written as fast as the peer reads.
 *   <li>{@code f-huge-error}: (streamed) 500 with an error body of {@link #hugeBytes}.
 *   <li>{@code f-huge-event}: a stream whose second event is {@link #hugeBytes} long.
 *   <li>{@code f-stall-head}: never answers.
 *   <li>{@code f-stall-body}: a response head and the first bytes of a JSON body, then silence.
 *   <li>{@code f-stall-stream}: a stream head and one delta, then silence.
 *   <li>{@code f-drip}: a stream whose deltas come every {@link #dripMillis} ms, then a normal end.
 *   <li>{@code f-cut}: a stream that ends cleanly before any choice finished and without {@code
 *       [DONE]}.
 *   <li>{@code f-reset}: a stream that resets the connection after one delta.
 *   <li>{@code f-malformed}: a stream whose event is not JSON.
 *   <li>{@code f-endless}: a delta every 10 ms until the peer goes away.
 * </ul>
 *
 * Every request body is recorded in {@link #received}; {@link #inFlight} counts open requests and
 * {@link #bytesWritten} the bytes of huge bodies actually written, {@link #hugeCutOff} how many
 * were cut off by the peer closing the connection.
 */
public final class FaultyUpstream implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The secret the hostile answers carry. */
  public static final String SECRET = "ZEBRA-SECRET-7731";

  /** Every model the upstream lists. */
  public static final List<String> MODELS =
      List.of(
          "f-ok",
          "f-secret-500",
          "f-secret-event",
          "f-echo-400",
          "f-429",
          "f-huge",
          "f-huge-error",
          "f-huge-event",
          "f-stall-head",
          "f-stall-body",
          "f-stall-stream",
          "f-drip",
          "f-cut",
          "f-reset",
          "f-malformed",
          "f-endless");

  /** Bodies received on {@code /v1/chat/completions}, in arrival order. */
  public final ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();

  /** Requests whose response has not ended or closed yet. */
  public final AtomicInteger inFlight = new AtomicInteger();

  /** Bytes of huge bodies written so far. */
  public final AtomicLong bytesWritten = new AtomicLong();

  /**
   * Huge bodies whose connection closed before the whole body was written (a reset by the peer).
   */
  public final java.util.concurrent.atomic.AtomicInteger hugeCutOff =
      new java.util.concurrent.atomic.AtomicInteger();

  /** What to do, besides the in-flight count, when a response's connection closes. */
  private final java.util.Map<HttpServerResponse, Runnable> onClose =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The answer of {@code f-ok} and {@code f-drip}. */
  public volatile String answer = "Hello from the faulty upstream.";

  /** The size of huge bodies and events. */
  public volatile long hugeBytes = 64L << 20;

  /** The pause between {@code f-drip} deltas. */
  public volatile long dripMillis = 100;

  private final Vertx vertx;
  private final HttpServer server;

  private FaultyUpstream(Vertx vertx) {
    this.vertx = vertx;
    this.server = vertx.createHttpServer().requestHandler(this::handle);
  }

  /** Starts one on 127.0.0.1, any free port. */
  public static FaultyUpstream start(Vertx vertx) throws Exception {
    FaultyUpstream u = new FaultyUpstream(vertx);
    u.server.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    return u;
  }

  /** The base URL, e.g. {@code http://127.0.0.1:1234/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1";
  }

  private void handle(HttpServerRequest req) {
    if (req.path().equals("/v1/models")) {
      ObjectNode root = JSON.createObjectNode().put("object", "list");
      ArrayNode data = root.putArray("data");
      for (String m : MODELS) {
        data.addObject().put("id", m).put("object", "model").put("owned_by", "faulty");
      }
      req.response().putHeader("Content-Type", "application/json").end(root.toString());
      return;
    }
    inFlight.incrementAndGet();
    HttpServerResponse resp = req.response();
    boolean[] counted = {true};
    Runnable done =
        () -> {
          if (counted[0]) {
            counted[0] = false;
            inFlight.decrementAndGet();
          }
        };
    resp.endHandler(v -> done.run());
    resp.closeHandler(
        v -> {
          done.run();
          Runnable cut = onClose.remove(resp);
          if (cut != null) {
            cut.run();
          }
        });
    req.body()
        .onSuccess(
            body -> {
              String text = body.toString(StandardCharsets.UTF_8);
              received.add(text);
              JsonNode json;
              try {
                json = JSON.readTree(text);
              } catch (Exception e) {
                error(resp, 400, "invalid JSON");
                return;
              }
              respond(resp, json, text);
            });
  }

  private void respond(HttpServerResponse resp, JsonNode req, String raw) {
    String model = req.path("model").asText();
    boolean stream = req.path("stream").asBoolean(false);
    switch (model) {
      case "f-secret-500" -> error(resp, 500, "internal failure while handling " + SECRET);
      case "f-echo-400" -> error(resp, 400, "Invalid request body: " + raw);
      case "f-429" -> {
        resp.putHeader("Retry-After", "7")
            .putHeader("x-ratelimit-remaining-requests", "0")
            .putHeader("x-ratelimit-reset-requests", "1s")
            .putHeader("x-upstream-debug", SECRET);
        error(resp, 429, "Rate limit reached for requests");
      }
      case "f-huge" -> {
        resp.setChunked(true).putHeader("Content-Type", "application/json");
        resp.write("{\"id\":\"chatcmpl-huge\",\"padding\":\"");
        pump(resp, hugeBytes, false);
      }
      case "f-huge-error" -> {
        resp.setStatusCode(500).setChunked(true).putHeader("Content-Type", "application/json");
        resp.write("{\"error\":{\"message\":\"");
        pump(resp, hugeBytes, false);
      }
      case "f-stall-head" -> {}
      case "f-stall-body" -> {
        resp.setChunked(true).putHeader("Content-Type", "application/json");
        resp.write("{\"id\":\"chatcmpl-stall\",");
      }
      default -> {
        if (!stream) {
          resp.putHeader("Content-Type", "application/json")
              .end(completion(model, answer).toString());
          return;
        }
        streamed(resp, model);
      }
    }
  }

  private void streamed(HttpServerResponse resp, String model) {
    resp.setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache");
    resp.write(event(chunk(model, "", null)));
    switch (model) {
      case "f-secret-event" -> {
        resp.write(event(chunk(model, "Partial ", null)));
        ObjectNode err = JSON.createObjectNode();
        err.putObject("error")
            .put("message", "The model crashed while writing " + SECRET)
            .put("type", "server_error")
            .putNull("param")
            .putNull("code");
        resp.end(event(err.toString()));
      }
      case "f-huge-event" -> {
        resp.write("data: {\"id\":\"x\",\"pad\":\"");
        pump(resp, hugeBytes, true);
      }
      case "f-stall-stream" -> resp.write(event(chunk(model, "Hello", null)));
      case "f-drip" -> drip(resp, model, 0);
      case "f-cut" -> {
        resp.write(event(chunk(model, "The beginning of a long", null)));
        resp.end();
      }
      case "f-reset" -> {
        resp.write(event(chunk(model, "Hello", null)));
        vertx.setTimer(20, id -> resp.reset());
      }
      case "f-malformed" -> resp.end("data: {not json\n\n");
      case "f-endless" -> endless(resp, model);
      default -> {
        resp.write(event(chunk(model, answer, null)));
        resp.write(event(chunk(model, null, "stop")));
        resp.end("data: [DONE]\n\n");
      }
    }
  }

  private void drip(HttpServerResponse resp, String model, int i) {
    if (resp.closed()) {
      return;
    }
    if (i >= 8) {
      resp.write(event(chunk(model, null, "stop")));
      resp.end("data: [DONE]\n\n");
      return;
    }
    resp.write(event(chunk(model, "drop" + i + " ", null)));
    vertx.setTimer(dripMillis, id -> drip(resp, model, i + 1));
  }

  private void endless(HttpServerResponse resp, String model) {
    if (resp.closed() || resp.ended()) {
      return;
    }
    resp.write(event(chunk(model, "tick ", null)));
    vertx.setTimer(10, id -> endless(resp, model));
  }

  /** Writes {@code total} bytes of 'x' as fast as the peer reads; never ends the response. */
  private void pump(HttpServerResponse resp, long total, boolean ignored) {
    long[] written = new long[1];
    onClose.put(
        resp,
        () -> {
          if (written[0] < total) {
            hugeCutOff.incrementAndGet();
          }
        });
    pump(resp, total, written);
  }

  private void pump(HttpServerResponse resp, long total, long[] written) {
    Buffer block = Buffer.buffer("x".repeat(64 * 1024));
    while (!resp.closed() && !resp.writeQueueFull() && written[0] < total) {
      resp.write(block);
      written[0] += block.length();
      bytesWritten.addAndGet(block.length());
    }
    if (!resp.closed() && written[0] < total) {
      resp.drainHandler(v -> pump(resp, total, written));
    }
  }

  private static String event(String json) {
    return "data: " + json + "\n\n";
  }

  private static String chunk(String model, String content, String finish) {
    ObjectNode delta = JSON.createObjectNode();
    if (content != null && content.isEmpty()) {
      delta.put("role", "assistant").put("content", "");
    } else if (content != null) {
      delta.put("content", content);
    }
    return OpenAiWire.chatChunk("chatcmpl-faulty", model, 0, delta, finish);
  }

  private static ObjectNode completion(String model, String text) {
    ObjectNode root = header(model, "chat.completion");
    ObjectNode c = root.putArray("choices").addObject().put("index", 0);
    c.putObject("message").put("role", "assistant").put("content", text);
    c.put("finish_reason", "stop");
    root.putObject("usage")
        .put("prompt_tokens", 5)
        .put("completion_tokens", 5)
        .put("total_tokens", 10);
    return root;
  }

  private static ObjectNode header(String model, String object) {
    return OpenAiWire.header("chatcmpl-faulty", model, object);
  }

  private static void error(HttpServerResponse resp, int status, String message) {
    OpenAiWire.error(resp, status, message);
  }

  @Override
  public void close() throws Exception {
    server.close().await(10, TimeUnit.SECONDS);
  }
}

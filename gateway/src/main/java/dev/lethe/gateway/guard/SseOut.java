package dev.lethe.gateway.guard;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.gateway.backend.CallHandle;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes one {@code text/event-stream} response for any surface: the SSE headers, {@code data:}
 * events (chat completions), named {@code event:} + {@code data:} events (Responses, Anthropic
 * Messages), comment keep-alives while the output filter holds text back, and back-pressure: a full
 * client write queue pauses the backend call until it drains. Writing to a closed or ended response
 * cancels the backend call instead. Used on the request's event loop only.
 */
public final class SseOut {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Buffer KEEP_ALIVE = Buffer.buffer(": keep-alive\n\n");

  private final HttpServerResponse resp;
  private final CallHandle handle;
  private boolean started;

  /** A writer for {@code resp} that pauses, resumes and cancels {@code handle}. */
  public SseOut(HttpServerResponse resp, CallHandle handle) {
    this.resp = requireNonNull(resp, "resp");
    this.handle = requireNonNull(handle, "handle");
  }

  /** Sets the event-stream headers on {@code resp} (chunked, no caching, no proxy buffering). */
  public static void headers(HttpServerResponse resp) {
    resp.setChunked(true);
    resp.putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
  }

  /** One {@code data:} event holding {@code json}. */
  public static Buffer data(ObjectNode json) throws Exception {
    byte[] bytes = JSON.writeValueAsBytes(json);
    Buffer b = Buffer.buffer(bytes.length + 8);
    b.appendString("data: ").appendBytes(bytes).appendString("\n\n");
    return b;
  }

  /** One named event: {@code event: name}, then {@code data:} holding {@code json}. */
  public static Buffer named(String name, ObjectNode json) throws Exception {
    byte[] bytes = JSON.writeValueAsBytes(json);
    Buffer b = Buffer.buffer(bytes.length + name.length() + 16);
    b.appendString("event: ").appendString(name).appendString("\ndata: ");
    b.appendBytes(bytes).appendString("\n\n");
    return b;
  }

  /** Sends the head once (headers set by {@link #headers}) unless the response is over. */
  public void start() {
    if (!started && !resp.closed()) {
      started = true;
      headers(resp);
      resp.writeHead();
    }
  }

  /** Whether the head was sent by {@link #start}. */
  public boolean started() {
    return started;
  }

  /** Whether the client can still be written to. */
  public boolean open() {
    return !resp.closed() && !resp.ended();
  }

  /** Writes a {@code data:} event; cancels the backend when the client is gone. */
  public void writeData(ObjectNode json) {
    try {
      write(data(json));
    } catch (Exception e) {
      handle.cancel();
    }
  }

  /** Writes a named event; cancels the backend when the client is gone. */
  public void writeEvent(String name, ObjectNode json) {
    try {
      write(named(name, json));
    } catch (Exception e) {
      handle.cancel();
    }
  }

  /** Writes bytes as they are; cancels the backend when the client is gone. */
  public void write(Buffer bytes) {
    if (!open()) {
      handle.cancel();
      return;
    }
    resp.write(bytes);
    backPressure();
  }

  /** Writes an SSE comment (clients ignore it) so the connection does not look idle. */
  public void keepAlive() {
    if (open()) {
      resp.write(KEEP_ALIVE);
      backPressure();
    }
  }

  /** Ends the response with {@code last} (or nothing when {@code null}) unless it is over. */
  public void end(Buffer last) {
    if (open()) {
      if (last == null) {
        resp.end();
      } else {
        resp.end(last);
      }
    }
  }

  private void backPressure() {
    if (resp.writeQueueFull() && !handle.paused()) {
      handle.pause();
      resp.drainHandler(v -> handle.resume());
    }
  }
}

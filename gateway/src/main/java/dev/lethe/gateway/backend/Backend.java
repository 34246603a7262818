package dev.lethe.gateway.backend;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Set;

/**
 * Where model requests are answered: an OpenAI-compatible HTTP API, the Anthropic Messages API or a
 * local model. A backend serves the {@link Surface}s it lists in {@link #surfaces()}; the
 * two-argument {@link #complete(Buffer, MultiMap, CallHandle)} and {@link #stream(Buffer, MultiMap,
 * CallHandle, StreamEvents)} are chat completions. Methods are called on an event loop and must not
 * block.
 */
public interface Backend extends AutoCloseable {

  /** The backend's configured name (metrics, logs, {@code owned_by}). */
  String name();

  /** The model names currently served, as last known. */
  List<String> models();

  /** Refreshes {@link #models()} when the backend discovers its models; a no-op otherwise. */
  Future<List<String>> refreshModels();

  /**
   * How the last model discovery went; {@link Discovery#notNeeded()} for a backend with a fixed
   * model list.
   */
  default Discovery discovery() {
    return Discovery.notNeeded();
  }

  /**
   * A non-streaming completion.
   *
   * @param body the request body to send (JSON bytes)
   * @param clientHeaders the client's request headers (a backend may forward some)
   * @return the backend's answer (any status), or a failed future with a {@link BackendException}
   */
  Future<BackendResponse> complete(Buffer body, MultiMap clientHeaders, CallHandle handle);

  /**
   * A streaming completion. The returned future completes when the response head arrived with a 2xx
   * status (events then flow to {@code events}), or fails with a {@link BackendException} (an error
   * status with its body, unreachable, or timed out) before any event was delivered.
   */
  Future<Void> stream(Buffer body, MultiMap clientHeaders, CallHandle handle, StreamEvents events);

  /**
   * The wire formats this backend answers natively; {@link #complete(Buffer, MultiMap, CallHandle)}
   * and {@link #stream(Buffer, MultiMap, CallHandle, StreamEvents)} serve {@link
   * Surface#CHAT_COMPLETIONS}. A surface a backend does not list is either translated by its
   * frontend (where lossless and documented) or refused.
   */
  default Set<Surface> surfaces() {
    return Set.of(Surface.CHAT_COMPLETIONS);
  }

  /**
   * A non-streaming call on {@code surface} (one of {@link #surfaces()}); for chat completions the
   * same as {@link #complete(Buffer, MultiMap, CallHandle)}. Another surface fails ({@link
   * BackendException.Kind#UNSUPPORTED}).
   */
  default Future<BackendResponse> complete(
      Surface surface, Buffer body, MultiMap clientHeaders, CallHandle handle) {
    if (surface == Surface.CHAT_COMPLETIONS) {
      return complete(body, clientHeaders, handle);
    }
    return Future.failedFuture(BackendException.unsupported(name(), surface));
  }

  /**
   * A streaming call on {@code surface} (one of {@link #surfaces()}); for chat completions the same
   * as {@link #stream(Buffer, MultiMap, CallHandle, StreamEvents)}. The events are the upstream's
   * SSE {@code data} payloads, whatever their {@code event:} names.
   */
  default Future<Void> stream(
      Surface surface,
      Buffer body,
      MultiMap clientHeaders,
      CallHandle handle,
      StreamEvents events) {
    if (surface == Surface.CHAT_COMPLETIONS) {
      return stream(body, clientHeaders, handle, events);
    }
    return Future.failedFuture(BackendException.unsupported(name(), surface));
  }

  @Override
  void close();

  /**
   * A non-streaming answer.
   *
   * @param status the HTTP status
   * @param contentType the content type, or {@code null}
   * @param body the body
   * @param headers upstream headers a client may see (rate-limit hints only), never {@code null}
   */
  record BackendResponse(int status, String contentType, Buffer body, MultiMap headers) {
    /** Defaults the headers to none. */
    public BackendResponse {
      headers = headers == null ? MultiMap.caseInsensitiveMultiMap() : headers;
    }

    /** An answer without headers for the client. */
    public BackendResponse(int status, String contentType, Buffer body) {
      this(status, contentType, body, null);
    }
  }

  /** Receives the {@code data} payloads of a stream, in order, on the call's event loop. */
  interface StreamEvents {
    /** One SSE {@code data} payload (a JSON chunk, or {@code [DONE]}). */
    void onData(String data);

    /** The stream ended normally. */
    void onEnd();

    /** The stream failed after it started. */
    void onError(BackendException error);
  }
}

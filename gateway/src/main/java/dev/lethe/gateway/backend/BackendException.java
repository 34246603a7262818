package dev.lethe.gateway.backend;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * A backend call that did not produce a normal answer, classified for the client: the upstream's
 * own error status and body (passed through), unreachable (502), timed out (504), or cancelled.
 */
public final class BackendException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a call failed. */
  public enum Kind {
    /** The backend answered with an error status; {@link #body()} holds its body. */
    STATUS,
    /** The backend could not be reached or broke the connection. */
    UNREACHABLE,
    /** The backend did not answer in time. */
    TIMEOUT,
    /** The backend fell silent for longer than its idle timeout (before or during the body). */
    IDLE_TIMEOUT,
    /** The backend's answer (a body, or one stream event) exceeded its configured size limit. */
    TOO_LARGE,
    /**
     * Every pooled connection to the backend was busy and the wait queue was full, or the wait for
     * a connection timed out.
     */
    POOL_FULL,
    /** The call was cancelled by Lethe (client gone, or output no longer needed). */
    CANCELLED,
    /** The backend is overloaded locally (queue full). */
    BUSY,
    /** The backend does not serve the requested operation ({@link Surface}). */
    UNSUPPORTED
  }

  private final Kind kind;
  private final int status;
  private final transient Buffer body;
  private final String contentType;
  private final transient MultiMap headers;

  private BackendException(
      Kind kind, int status, String contentType, Buffer body, MultiMap headers, String msg) {
    super(msg, null, false, false);
    this.kind = kind;
    this.status = status;
    this.contentType = contentType;
    this.body = body;
    this.headers = headers == null ? MultiMap.caseInsensitiveMultiMap() : headers;
  }

  private BackendException(Kind kind, int status, String contentType, Buffer body, String msg) {
    this(kind, status, contentType, body, null, msg);
  }

  /** The backend answered {@code status} with {@code body}. */
  public static BackendException status(int status, String contentType, Buffer body) {
    return status(status, contentType, body, null);
  }

  /**
   * The backend answered {@code status} with {@code body} and {@code headers} (only those a client
   * may see: rate-limit hints).
   */
  public static BackendException status(
      int status, String contentType, Buffer body, MultiMap headers) {
    return new BackendException(
        Kind.STATUS, status, contentType, body, headers, "upstream answered HTTP " + status);
  }

  /** The backend was silent for too long. */
  public static BackendException idleTimeout(String message) {
    return new BackendException(Kind.IDLE_TIMEOUT, 504, null, null, message);
  }

  /** The backend's answer exceeded a size limit. */
  public static BackendException tooLarge(String message) {
    return new BackendException(Kind.TOO_LARGE, 502, null, null, message);
  }

  /** No pooled connection to the backend could be had. */
  public static BackendException poolFull(String message) {
    return new BackendException(Kind.POOL_FULL, 503, null, null, message);
  }

  /** The backend could not be reached. */
  public static BackendException unreachable(String message) {
    return new BackendException(Kind.UNREACHABLE, 502, null, null, message);
  }

  /** The backend did not answer in time. */
  public static BackendException timeout(String message) {
    return new BackendException(Kind.TIMEOUT, 504, null, null, message);
  }

  /** The call was cancelled. */
  public static BackendException cancelled() {
    return new BackendException(Kind.CANCELLED, 499, null, null, "cancelled");
  }

  /** Backend {@code backend} does not serve {@code surface}. */
  public static BackendException unsupported(String backend, Surface surface) {
    return new BackendException(
        Kind.UNSUPPORTED,
        400,
        null,
        null,
        "backend '" + backend + "' does not serve " + surface.route());
  }

  /** A local backend is saturated. */
  public static BackendException busy(String message) {
    return new BackendException(Kind.BUSY, 429, null, null, message);
  }

  /** The kind of failure. */
  public Kind kind() {
    return kind;
  }

  /** The status to answer the client with. */
  public int status() {
    return status;
  }

  /** The upstream's error body ({@link Kind#STATUS} only), else {@code null}. */
  public Buffer body() {
    return body;
  }

  /** Upstream headers a client may see ({@link Kind#STATUS} only; rate-limit hints), else empty. */
  public MultiMap headers() {
    return headers;
  }

  /** The upstream's content type ({@link Kind#STATUS} only), else {@code null}. */
  public String contentType() {
    return contentType;
  }
}

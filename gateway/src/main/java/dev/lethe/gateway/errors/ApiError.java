package dev.lethe.gateway.errors;

import static java.util.Objects.requireNonNull;

import dev.lethe.gateway.backend.BackendException;

/**
 * An error as the gateway means it, before it is rendered in a wire format ({@link WireFormat}).
 * Messages are written for clients: never a stack trace or a class name.
 *
 * @param status the HTTP status
 * @param kind what kind of error it is
 * @param type the {@code error.type} to render instead of the kind's own name, or {@code null}; set
 *     only for an upstream's error passed on in the upstream's own format
 * @param code a machine-readable code (OpenAI's {@code error.code}), or {@code null}
 * @param param the offending request parameter, or {@code null}
 * @param message a one-line explanation
 */
public record ApiError(
    int status, ErrorKind kind, String type, String code, String param, String message) {

  /** Checks arguments. */
  public ApiError {
    requireNonNull(kind, "kind");
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status: " + status + " (expected: 400..599)");
    }
    message = message == null ? "" : message;
  }

  /** An error of {@code kind} with {@code status}. */
  public static ApiError of(int status, ErrorKind kind, String code, String param, String message) {
    return new ApiError(status, kind, null, code, param, message);
  }

  /** 400 {@code invalid_request}: the request is malformed. */
  public static ApiError invalidRequest(String param, String message) {
    return of(400, ErrorKind.INVALID_REQUEST, "invalid_request", param, message);
  }

  /** 400: the body is empty. */
  public static ApiError emptyBody() {
    return invalidRequest(null, "The request body is empty; expected a JSON object.");
  }

  /** 400: the body is not one strict JSON document. */
  public static ApiError invalidJson(String why) {
    return invalidRequest(null, "We could not parse the JSON body of your request: " + why + ".");
  }

  /** 400: a stream was asked for over HTTP/1.0. */
  public static ApiError streamNeedsHttp11() {
    return invalidRequest(
        "stream",
        "Streaming needs HTTP/1.1 or later (chunked transfer); use HTTP/1.1 or set 'stream' to"
            + " false.");
  }

  /** 404 {@code model_not_found}: no backend serves {@code model}. */
  public static ApiError modelNotFound(String model) {
    return of(
        404,
        ErrorKind.NOT_FOUND,
        "model_not_found",
        "model",
        "The model `" + model + "` does not exist or is not served by this gateway.");
  }

  /**
   * 502 {@code models_unavailable}: no backend lists {@code model}, but some backend could not list
   * its models, so the model may exist there.
   */
  public static ApiError modelsUnavailable(String model, String reason) {
    return of(
        502,
        ErrorKind.UPSTREAM,
        "models_unavailable",
        "model",
        "The model `"
            + model
            + "` is not in any model list the gateway holds, and some upstream could not list its"
            + " models ("
            + reason
            + "); see GET /ready.");
  }

  /**
   * 400 {@code unsupported_endpoint}: {@code model}'s backend does not serve {@code route}.
   *
   * @param serves the routes the backend serves, for the message
   */
  public static ApiError wrongSurface(String model, String backend, String route, String serves) {
    return of(
        400,
        ErrorKind.INVALID_REQUEST,
        "unsupported_endpoint",
        "model",
        "The model `"
            + model
            + "` is served by backend '"
            + backend
            + "', which does not serve "
            + route
            + " (it serves "
            + serves
            + ").");
  }

  /**
   * 413 {@code scan_too_large}: the request holds {@code chars} characters of text to screen, more
   * than {@code limit} ({@code detector.maxScanChars}).
   */
  public static ApiError scanTooLarge(long chars, long limit) {
    return of(
        413,
        ErrorKind.REQUEST_TOO_LARGE,
        "scan_too_large",
        null,
        "The request holds "
            + chars
            + " characters of text to screen, more than the limit of "
            + limit
            + "; send less text per request.");
  }

  /**
   * 400 {@code rewrite_unsupported}: a forget rule rewrites the request (redaction, in-context
   * unlearning) and the rewrite cannot be expressed in the request's wire format; nothing was sent.
   *
   * @param param the request field concerned, or null
   * @param format the wire format or route, e.g. {@code the Messages format}
   * @param detail what could not be mapped
   */
  public static ApiError rewriteUnsupported(String param, String format, String detail) {
    return of(
        400,
        ErrorKind.INVALID_REQUEST,
        "rewrite_unsupported",
        param,
        "The request is in a forget rule's scope and its rewrite cannot be expressed in "
            + format
            + " ("
            + detail
            + "); it was refused and nothing was sent.");
  }

  /** 503 {@code screening_unavailable}: the request could not be screened and was refused. */
  public static ApiError screeningUnavailable() {
    return of(
        503,
        ErrorKind.UNAVAILABLE,
        "screening_unavailable",
        null,
        "The request could not be screened and was refused; retry later.");
  }

  /** 503 {@code screening_unavailable}: the answer could not be screened and was withheld. */
  public static ApiError answerWithheld() {
    return of(
        503,
        ErrorKind.UNAVAILABLE,
        "screening_unavailable",
        null,
        "The answer could not be screened and was withheld.");
  }

  /** 503 {@code screening_unavailable}: a stream could not be screened and was ended. */
  public static ApiError streamWithheld() {
    return of(
        503,
        ErrorKind.UNAVAILABLE,
        "screening_unavailable",
        null,
        "The answer could not be screened; the stream was ended.");
  }

  /** 500: an internal error. */
  public static ApiError internal() {
    return of(500, ErrorKind.INTERNAL, null, null, "Internal error.");
  }

  /** 502 {@code bad_gateway}: the upstream's answer was not valid JSON of the expected shape. */
  public static ApiError upstreamInvalid(String what) {
    return of(502, ErrorKind.UPSTREAM, "bad_gateway", null, "upstream answered " + what);
  }

  /** 502 {@code upstream_stream_truncated}: the upstream ended a stream before it was complete. */
  public static ApiError upstreamTruncated() {
    return of(
        502,
        ErrorKind.UPSTREAM,
        "upstream_stream_truncated",
        null,
        "The upstream ended the stream before it was complete.");
  }

  /** The client-facing error for a failed backend call. */
  public static ApiError of(BackendException e) {
    String m = e.getMessage();
    return switch (e.kind()) {
      case STATUS ->
          new ApiError(e.status(), ErrorKind.ofStatus(e.status()), "upstream_error", null, null, m);
      case UNREACHABLE -> of(502, ErrorKind.UPSTREAM, "bad_gateway", null, m);
      case TIMEOUT -> of(504, ErrorKind.UPSTREAM_TIMEOUT, "gateway_timeout", null, m);
      case IDLE_TIMEOUT -> of(504, ErrorKind.UPSTREAM_TIMEOUT, "upstream_idle_timeout", null, m);
      case TOO_LARGE -> of(502, ErrorKind.UPSTREAM, "upstream_response_too_large", null, m);
      case POOL_FULL -> of(503, ErrorKind.UNAVAILABLE, "upstream_busy", null, m);
      case BUSY -> of(429, ErrorKind.RATE_LIMITED, "busy", null, m);
      case UNSUPPORTED -> of(400, ErrorKind.INVALID_REQUEST, "unsupported_endpoint", "model", m);
      case CANCELLED ->
          new ApiError(499, ErrorKind.UPSTREAM, "upstream_error", "cancelled", null, "cancelled");
    };
  }

  /**
   * An upstream's error passed on with its status and its own {@code type} (kept in the rendering
   * when it differs from the kind's name).
   */
  public static ApiError upstream(
      int status, String type, String code, String param, String message) {
    ErrorKind kind = ErrorKind.ofStatus(status);
    return new ApiError(
        status,
        kind,
        type == null || kind.openAiType().equals(type) ? null : type,
        code,
        param,
        message);
  }

  /** The {@code error.type} of this error's OpenAI rendering. */
  public String openAiType() {
    return type == null ? kind.openAiType() : type;
  }

  /** This error with another message (a scrubbed one, say). */
  public ApiError withMessage(String newMessage) {
    return new ApiError(status, kind, type, code, param, newMessage);
  }
}

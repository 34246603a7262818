package dev.lethe.gateway.errors;

/**
 * What kind of error a client gets, with its name in each wire format. OpenAI's names are the ones
 * the gateway has always answered; Anthropic's are the {@code error.type} values of its API
 * (invalid_request_error, authentication_error, permission_error, not_found_error,
 * request_too_large, rate_limit_error, api_error, overloaded_error, timeout_error).
 */
public enum ErrorKind {
  /** The request is malformed or asks for something the gateway does not do (4xx). */
  INVALID_REQUEST("invalid_request_error", "invalid_request_error"),
  /** Missing or wrong credentials (401). */
  AUTHENTICATION("invalid_request_error", "authentication_error"),
  /** Credentials without the right to the resource (403). */
  PERMISSION("invalid_request_error", "permission_error"),
  /** No such route, model or object (404). */
  NOT_FOUND("invalid_request_error", "not_found_error"),
  /** The body is over the size limit (413). */
  REQUEST_TOO_LARGE("invalid_request_error", "request_too_large"),
  /** Too many requests (429). */
  RATE_LIMITED("rate_limit_error", "rate_limit_error"),
  /** Something failed inside the gateway (500). */
  INTERNAL("server_error", "api_error"),
  /** The gateway cannot do the work now, e.g. screening failed or the pool is full (503). */
  UNAVAILABLE("server_error", "overloaded_error"),
  /** The upstream failed or answered something unusable (502). */
  UPSTREAM("upstream_error", "api_error"),
  /** The upstream did not answer in time (504). */
  UPSTREAM_TIMEOUT("upstream_error", "timeout_error");

  private final String openAi;
  private final String anthropic;

  ErrorKind(String openAi, String anthropic) {
    this.openAi = openAi;
    this.anthropic = anthropic;
  }

  /** The {@code error.type} of an OpenAI error body. */
  public String openAiType() {
    return openAi;
  }

  /** The {@code error.type} of an Anthropic error body. */
  public String anthropicType() {
    return anthropic;
  }

  /** The kind an HTTP status most likely means (for statuses passed on from an upstream). */
  public static ErrorKind ofStatus(int status) {
    return switch (status) {
      case 400, 405, 409, 414, 415, 422, 431 -> INVALID_REQUEST;
      case 401 -> AUTHENTICATION;
      case 403 -> PERMISSION;
      case 404 -> NOT_FOUND;
      case 413 -> REQUEST_TOO_LARGE;
      case 429 -> RATE_LIMITED;
      case 500 -> INTERNAL;
      case 503, 529 -> UNAVAILABLE;
      case 504 -> UPSTREAM_TIMEOUT;
      default -> status >= 500 ? UPSTREAM : INVALID_REQUEST;
    };
  }
}

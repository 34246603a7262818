package dev.lethe.gateway.logs;

import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Request ids: a client's {@code x-request-id} is kept when it is 1 to {@value #MAX_LENGTH}
 * characters of {@code A-Z a-z 0-9 . _ ~ : / + = @ -} (safe in a header, a log line and a JSON
 * string without escaping); otherwise, or when absent, the gateway makes one (32 hex digits). The
 * id is set on the response before any handler runs, so every answer carries it: errors, refusals
 * and event streams included.
 */
public final class RequestIds {
  /** The request and response header. */
  public static final String HEADER = "x-request-id";

  /** The longest id kept from a client. */
  public static final int MAX_LENGTH = 128;

  private RequestIds() {}

  /** Whether {@code id} is kept as it is. */
  public static boolean acceptable(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '~'
              || c == ':'
              || c == '/'
              || c == '+'
              || c == '='
              || c == '@'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** A new id: 128 random bits as 32 hex digits. */
  public static String generate() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    return hex(r.nextLong()) + hex(r.nextLong());
  }

  private static String hex(long v) {
    String s = Long.toHexString(v);
    return "0".repeat(16 - s.length()) + s;
  }

  /**
   * The id of {@code req} (its own when {@link #acceptable}, else a new one), set as the response's
   * {@code x-request-id} header.
   */
  public static String assign(HttpServerRequest req) {
    String own = req.getHeader(HEADER);
    String id = acceptable(own) ? own : generate();
    req.response().putHeader(HEADER, id);
    return id;
  }

  /** The id {@link #assign} gave the request of this response, or a new one set now. */
  public static String of(HttpServerRequest req) {
    String id = req.response().headers().get(HEADER);
    return id != null ? id : assign(req);
  }
}

package dev.lethe.gateway.http;

import static java.util.Objects.requireNonNull;

import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.errors.ErrorKind;
import dev.lethe.gateway.guard.RequestState;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Bearer-token authentication for {@code /admin/*} (DESIGN.md §3.3). Tokens are compared as SHA-256
 * digests with {@link MessageDigest#isEqual}, so the comparison takes the same time whatever the
 * token's length or content.
 */
public final class AdminAuth implements Handler<RoutingContext> {
  private final byte[] expected;

  /** Creates the check for {@code token}. */
  public AdminAuth(String token) {
    this.expected = sha256(requireNonNull(token, "token"));
  }

  @Override
  public void handle(RoutingContext ctx) {
    RequestState s = RequestState.of(ctx);
    if (s != null) {
      s.route("/admin");
    }
    if (!authorized(ctx.request())) {
      reject(ctx);
      return;
    }
    ctx.next();
  }

  /** Whether {@code req} carries the admin token (compared in constant time). */
  public boolean authorized(HttpServerRequest req) {
    String given = given(req);
    return given != null && MessageDigest.isEqual(expected, sha256(given));
  }

  /** Answers 401 in OpenAI's shape. */
  public void reject(RoutingContext ctx) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"lethe-admin\"");
    Errors.send(
        ctx,
        ApiError.of(
            401,
            ErrorKind.AUTHENTICATION,
            "invalid_admin_token",
            null,
            given(ctx.request()) == null
                ? "Missing admin token: send 'Authorization: Bearer <token>'."
                : "Invalid admin token."));
  }

  private static String given(HttpServerRequest req) {
    String header = req.getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return header.substring(7).trim();
    }
    return null;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

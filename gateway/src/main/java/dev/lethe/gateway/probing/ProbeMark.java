package dev.lethe.gateway.probing;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The mark of the gateway's own probe traffic: the {@value #HEADER} request header carrying a
 * secret drawn at random when the gateway starts and known only to its {@link ProbeRunner}. A
 * request whose header carries anything else is an ordinary user request (the header is never sent
 * upstream), so a client cannot hide its traffic from the metrics, audit or decisions stream by
 * setting the header.
 */
public final class ProbeMark {
  /** The request header that marks a probe. */
  public static final String HEADER = "x-lethe-probe";

  /** The routing-context key of a request whose mark matched ({@code Boolean.TRUE}). */
  public static final String CONTEXT_KEY = ProbeMark.class.getName();

  private final String secret;

  private ProbeMark(String secret) {
    this.secret = requireNonNull(secret, "secret");
  }

  /** A mark with a fresh random secret (256 bits). */
  public static ProbeMark random() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return new ProbeMark(HexFormat.of().formatHex(b));
  }

  /** The header value a probe request carries. */
  public String value() {
    return secret;
  }

  /** Whether {@code header} (the header's value, or {@code null}) is this mark; constant time. */
  public boolean matches(String header) {
    return header != null
        && MessageDigest.isEqual(
            secret.getBytes(StandardCharsets.UTF_8), header.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "ProbeMark[secret hidden]";
  }
}

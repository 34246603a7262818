package dev.lethe.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A small client of the admin API for the command line: bearer token, bounded timeouts, and errors
 * turned into one-line reasons (the gateway's own {@code error.message} when it sent one).
 */
final class AdminClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final URI base;
  private final String token;
  private final HttpClient http;

  AdminClient(URI base, String token) {
    this.base = base;
    this.token = token;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** One answer of the gateway. */
  record Answer(int status, String body, String exportVersion) {
    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  /** A call that did not succeed: the exit code and a one-line reason. */
  static final class CallFailed extends Exception {
    private static final long serialVersionUID = 1L;
    final int exitCode;

    CallFailed(int exitCode, String message) {
      super(message);
      this.exitCode = exitCode;
    }
  }

  /** A path segment, percent-encoded. */
  static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /**
   * Sends a request and returns a 2xx answer; anything else becomes {@link CallFailed}: exit 2 for
   * a 400 (the input was invalid), 1 otherwise.
   */
  Answer call(String method, String path, String body, String contentType) throws CallFailed {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(TIMEOUT)
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/json");
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", contentType)
          .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (ConnectException e) {
      throw new CallFailed(1, "cannot reach the gateway at " + base + " (is lethe serve running?)");
    } catch (IOException e) {
      throw new CallFailed(1, "request to " + base + path + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CallFailed(1, "interrupted");
    }
    Answer a =
        new Answer(
            r.statusCode(),
            r.body(),
            r.headers().firstValue("x-lethe-export-version").orElse(null));
    if (a.ok()) {
      return a;
    }
    String reason = errorMessage(a.body());
    if (a.status() == 401) {
      throw new CallFailed(1, "the gateway refused the admin token (401)");
    }
    throw new CallFailed(a.status() == 400 ? 2 : 1, reason + " (HTTP " + a.status() + ")");
  }

  /** The gateway's {@code error.message} (and {@code param}), or the body's first line. */
  static String errorMessage(String body) {
    try {
      JsonNode e = JSON.readTree(body).path("error");
      if (e.hasNonNull("message")) {
        String msg = e.get("message").asText();
        return e.hasNonNull("param") && !msg.contains(e.get("param").asText())
            ? e.get("param").asText() + ": " + msg
            : msg;
      }
    } catch (IOException | RuntimeException ignored) {
      // not JSON: fall through
    }
    String first = body == null ? "" : body.strip().lines().findFirst().orElse("");
    return first.isEmpty() ? "no details" : first;
  }
}

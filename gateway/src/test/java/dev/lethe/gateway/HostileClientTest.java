package dev.lethe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.gateway.testing.HostileFixture;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, findings 2, 7 and 11, from the client side: bodies two parsers could read differently
 * are refused and never forwarded; slow clients are cut off; the HTTP layer answers in OpenAI's
 * shape; HTTP/1.0 streams end; malformed admin paths answer 401 first; rule ids {@code .} and
 * {@code ..} are refused; admin errors name no class.
 */
class HostileClientTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration T = Duration.ofSeconds(30);

  @TempDir static Path data;
  static HostileFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx =
        HostileFixture.start(
            data,
            "",
            "  requestHeaderTimeout: 500ms\n  requestBodyTimeout: 500ms\n",
            "detector:\n  enabled: false\n");
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  @Test
  void duplicateKeysAreRefusedAndNothingIsForwarded() throws Exception {
    fx.upstream.received.clear();
    String[] bodies = {
      // Two top-level messages keys: one parser reads the first, another the last.
      "{\"model\":\"f-ok\",\"messages\":[{\"role\":\"user\",\"content\":\"in scope\"}],"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}",
      // A duplicated content key inside one message.
      "{\"model\":\"f-ok\",\"messages\":[{\"role\":\"user\",\"content\":\"in scope\","
          + "\"content\":\"hello\"}]}",
      // The same key spelt with an escape.
      "{\"model\":\"f-ok\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],"
          + "\"mess\\u0061ges\":[{\"role\":\"user\",\"content\":\"b\"}]}",
      // A second document after the first.
      "{\"model\":\"f-ok\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}"
          + "{\"model\":\"f-ok\",\"messages\":[{\"role\":\"user\",\"content\":\"b\"}]}",
    };
    for (String b : bodies) {
      HttpResponse<String> r = fx.post("/v1/chat/completions", b, null, T);
      assertThat(r.statusCode()).as(b).isEqualTo(400);
      JsonNode e = JSON.readTree(r.body()).path("error");
      assertThat(e.path("type").asText()).isEqualTo("invalid_request_error");
      assertThat(e.path("message").asText()).doesNotContainPattern("[A-Z][a-z]+Exception|`");
    }
    assertThat(fx.upstream.received).isEmpty();
  }

  @Test
  void aSlowlorisConnectionIsClosed() throws Exception {
    try (Socket s = new Socket("127.0.0.1", fx.gateway.port())) {
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      out.write(
          "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long t0 = System.nanoTime();
      // Trickle a header byte every 100 ms, never finishing the head.
      boolean closed = false;
      for (int i = 0; i < 40 && !closed; i++) {
        try {
          out.write('X');
          out.flush();
          Thread.sleep(100);
          s.setSoTimeout(1);
          try {
            closed = s.getInputStream().read() < 0;
          } catch (SocketTimeoutException e) {
            // still open
          }
        } catch (java.io.IOException e) {
          closed = true;
        }
      }
      assertThat(closed).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void aBodyThatNeverArrivesGets408() throws Exception {
    try (Socket s = new Socket("127.0.0.1", fx.gateway.port())) {
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Content-Length: 100\r\n\r\n{\"model\":")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String resp = readAll(s.getInputStream());
      assertThat(resp).startsWith("HTTP/1.1 408").contains("request_timeout");
    }
  }

  @Test
  void anHttp10StreamEndsEvenWithKeepAlive() throws Exception {
    String body =
        "{\"model\":\"f-ok\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    try (Socket s = new Socket("127.0.0.1", fx.gateway.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /v1/chat/completions HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n"
                  + "Content-Type: application/json\r\nContent-Length: "
                  + body.length()
                  + "\r\n\r\n"
                  + body)
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // A clear, complete error (no "upstream connection failed", no response that never ends).
      String head = readHead(s.getInputStream());
      assertThat(head).startsWith("HTTP/1.0 400").doesNotContain("Exception");
      assertThat(head.toLowerCase(java.util.Locale.ROOT)).contains("content-length");
    }
    // A non-streaming HTTP/1.0 request is served.
    String plain = body.replace("\"stream\":true", "\"stream\":false");
    try (Socket s = new Socket("127.0.0.1", fx.gateway.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /v1/chat/completions HTTP/1.0\r\nHost: x\r\n"
                  + "Content-Type: application/json\r\nContent-Length: "
                  + plain.length()
                  + "\r\n\r\n"
                  + plain)
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(readAll(s.getInputStream())).contains(" 200 ").contains("faulty upstream");
    }
  }

  @Test
  void tooLargeHeadersGetAnOpenAiShapedError() throws Exception {
    try (Socket s = new Socket("127.0.0.1", fx.gateway.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(70_000) + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String resp = readAll(s.getInputStream());
      assertThat(resp)
          .startsWith("HTTP/1.1 431")
          .contains("\"error\"")
          .contains("invalid_request_error");
    }
  }

  @Test
  void aMalformedAdminPathAnswers401BeforeAnything() throws Exception {
    try (Socket s = new Socket("127.0.0.1", fx.gateway.port())) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(
          "GET /admin/rules/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String resp = readAll(s.getInputStream());
      assertThat(resp).startsWith("HTTP/1.1 401").contains("invalid_admin_token");
    }
  }

  @Test
  void ruleIdsDotAndDotDotAreRefused() throws Exception {
    for (String id : new String[] {".", ".."}) {
      HttpResponse<String> r =
          fx.post(
              "/admin/rules",
              "{\"id\":\"" + id + "\",\"subjects\":[\"Someone\"],\"action\":\"refuse\"}",
              HostileFixture.ADMIN_TOKEN,
              T);
      assertThat(r.statusCode()).as(id).isEqualTo(400);
      assertThat(JSON.readTree(r.body()).path("error").path("param").asText()).isEqualTo("id");
    }
  }

  @Test
  void adminJsonErrorsNameNoClass() throws Exception {
    String[] bodies = {"{\"id\":", "{\"subjects\": [1,", "[", "{\"a\":1}{", "\u0000"};
    for (String b : bodies) {
      HttpResponse<String> r = fx.post("/admin/rules", b, HostileFixture.ADMIN_TOKEN, T);
      assertThat(r.statusCode()).as(b).isEqualTo(400);
      assertThat(r.body())
          .as(b)
          .doesNotContain("`")
          .doesNotContain("StreamReadFeature")
          .doesNotContain("com.fasterxml")
          .doesNotContainPattern("[A-Z][a-z]+Exception");
    }
  }

  /** Reads up to the end of the response head. */
  private static String readHead(InputStream in) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      b.write(c);
      if (b.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
        break;
      }
    }
    return b.toString(StandardCharsets.US_ASCII);
  }

  private static String readAll(InputStream in) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    int n;
    while ((n = in.read(buf)) >= 0) {
      b.write(buf, 0, n);
    }
    return b.toString(StandardCharsets.UTF_8);
  }
}

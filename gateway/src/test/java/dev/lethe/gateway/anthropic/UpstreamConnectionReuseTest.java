package dev.lethe.gateway.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream that ends normally leaves its pooled upstream connection open for the next call, on
 * every surface: ending the client's stream at the upstream's terminal event ({@code message_stop},
 * {@code response.completed}, {@code [DONE]}) must not reset the upstream request, since resetting
 * an HTTP/1.1 exchange closes its connection and the next request pays a new one.
 */
class UpstreamConnectionReuseTest {
  private static final int REQUESTS = 20;

  @TempDir static Path dir;
  private static MessagesFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = MessagesFixture.start(dir);
    // whole answers in one write: the terminal event and the end of the body arrive together
    fx.anthropic.byteSlice = 1 << 20;
    fx.openai.byteSlice = 1 << 20;
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  private static int opened(AtomicInteger counter, String path, String body) throws Exception {
    int before = counter.get();
    for (int i = 0; i < REQUESTS; i++) {
      var r = fx.post(path, body);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
    return counter.get() - before;
  }

  @Test
  void streamedMessagesReuseTheConnection() throws Exception {
    String body =
        "{\"model\":\"claude-test\",\"max_tokens\":64,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}]}";
    assertThat(opened(fx.anthropic.connections, "/v1/messages", body)).isLessThanOrEqualTo(2);
  }

  @Test
  void streamedResponsesReuseTheConnection() throws Exception {
    String body = "{\"model\":\"gpt-test\",\"stream\":true,\"input\":\"Say hello.\"}";
    assertThat(opened(fx.openai.connections, "/v1/responses", body)).isLessThanOrEqualTo(2);
  }

  @Test
  void streamedChatReusesTheConnection() throws Exception {
    String body =
        "{\"model\":\"gpt-test\",\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}]}";
    assertThat(opened(fx.openai.connections, "/v1/chat/completions", body)).isLessThanOrEqualTo(2);
  }

  @Test
  void wholeAnswersReuseTheConnection() throws Exception {
    String body =
        "{\"model\":\"claude-test\",\"max_tokens\":64,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}]}";
    assertThat(opened(fx.anthropic.connections, "/v1/messages", body)).isLessThanOrEqualTo(2);
  }
}

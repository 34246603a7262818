package dev.lethe.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.Decision;
import dev.lethe.filters.Exchange;
import dev.lethe.gateway.guard.ChatView;
import dev.lethe.gateway.guard.RequestState;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link Screened#body} over loopback: the original bytes when nothing was rewritten, the rewrite
 * when one was, a refusal with 400 {@code rewrite_unsupported} in the surface's error format when
 * the surface cannot express it, and a 500 on any other failure.
 */
class ScreenedTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Buffer ORIGINAL = Buffer.buffer("{\"original\":true}");
  private static final ConcurrentHashMap<String, Object> SEEN = new ConcurrentHashMap<>();

  static Vertx vertx;
  static HttpServer server;
  static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    router
        .post("/v1/messages")
        .handler(
            ctx -> {
              String mode = ctx.request().getParam("mode");
              RequestState state = RequestState.attach(ctx, RuleSet.empty());
              ObjectNode req = JSON.createObjectNode().put("model", "m");
              Exchange ex = new Exchange("req-" + mode, RuleSet.empty(), new byte[0], req);
              if (!mode.equals("plain")) {
                ex.replaceRequest(req.deepCopy().put("rewritten", true));
              }
              Screened.Rewrite rewrite =
                  switch (mode) {
                    case "unsupported" ->
                        () -> {
                          throw new ChatView.RewriteUnsupported("a message put in front");
                        };
                    case "broken" ->
                        () -> {
                          throw new IllegalStateException("boom");
                        };
                    default -> () -> JSON.createObjectNode().put("mapped", true);
                  };
              Buffer out =
                  Screened.body(
                      ctx, state, ex, ORIGINAL, rewrite, "messages", "the Messages format");
              SEEN.put(mode + ".decision", String.valueOf(state.decision()));
              if (out != null) {
                SEEN.put(mode + ".same", out == ORIGINAL);
                ctx.response().end(out);
              }
            });
    server =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    http = HttpClient.newHttpClient();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static HttpResponse<String> post(String mode) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.actualPort() + "/v1/messages?mode=" + mode))
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void nothingRewrittenForwardsTheOriginalBytes() throws Exception {
    HttpResponse<String> r = post("plain");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"original\":true}");
    assertThat(SEEN.get("plain.same")).isEqualTo(true);
  }

  @Test
  void aRewriteForwardsTheSurfacesMappedRequest() throws Exception {
    HttpResponse<String> r = post("mapped");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"mapped\":true}");
  }

  @Test
  void aRewriteTheSurfaceCannotExpressIsRefusedWithA400InItsFormat() throws Exception {
    HttpResponse<String> r = post("unsupported");
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode body = JSON.readTree(r.body());
    // the Messages error shape: {"type":"error","error":{"type","message"}}
    assertThat(body.path("type").asText()).isEqualTo("error");
    assertThat(body.path("error").path("message").asText())
        .contains("the Messages format")
        .contains("a message put in front");
    assertThat(SEEN.get("unsupported.decision")).isEqualTo(Decision.REFUSE.toString());
  }

  @Test
  void anyOtherFailureIsA500WithoutItsDetails() throws Exception {
    HttpResponse<String> r = post("broken");
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body()).doesNotContain("boom").doesNotContain("IllegalStateException");
  }
}

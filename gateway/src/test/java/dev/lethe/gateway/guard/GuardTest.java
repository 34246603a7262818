package dev.lethe.gateway.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.Decision;
import dev.lethe.filters.Exchange;
import dev.lethe.filters.Pipeline;
import dev.lethe.filters.Stage;
import dev.lethe.filters.Verdict;
import dev.lethe.filters.input.ScanTooLarge;
import dev.lethe.gateway.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where the guard runs the request stages: on the event loop, with the judgement complete at once,
 * when every stage decides without blocking and the body is small; on a worker thread otherwise.
 * Both paths give the same outcomes (forward, refuse, unavailable, too large), through a real
 * Vert.x server on loopback.
 */
class GuardTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static Vertx vertx;

  /** A stage answering {@code verdict} (or throwing {@code failure}), noting where it ran. */
  private static final class Probe implements Stage {
    final boolean quick;
    final Verdict verdict;
    final RuntimeException failure;
    volatile Boolean ranOnEventLoop;

    Probe(boolean quick, Verdict verdict, RuntimeException failure) {
      this.quick = quick;
      this.verdict = verdict;
      this.failure = failure;
    }

    @Override
    public String name() {
      return "probe";
    }

    @Override
    public boolean decidesWithoutBlocking(Exchange exchange) {
      return quick;
    }

    @Override
    public Verdict onRequest(Exchange exchange) {
      ranOnEventLoop = io.vertx.core.Context.isOnEventLoopThread();
      if (failure != null) {
        throw failure;
      }
      if (verdict instanceof Verdict.Respond r) {
        exchange.decide(r.decision(), r.ruleId());
      }
      return verdict;
    }
  }

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  record Result(String answer, Boolean stageOnEventLoop, boolean completeAtOnce) {}

  /**
   * Sends a body of {@code bodyBytes} bytes to a server whose route judges it through {@code probe}
   * and answers the outcome's kind and the decision; what the client saw.
   */
  private static Result judge(Probe probe, int bodyBytes) throws Exception {
    Guard guard = new Guard(new Pipeline(List.of(probe)), new GatewayMetrics());
    boolean[] completeAtOnce = new boolean[1];
    Router router = Router.router(vertx);
    router
        .post("/")
        .handler(BodyHandler.create())
        .handler(
            ctx -> {
              RequestState state = RequestState.attach(ctx, RuleSet.empty());
              ObjectNode request = JSON.createObjectNode().put("model", "m");
              Exchange ex =
                  new Exchange("req-1", state.rules(), ctx.body().buffer().getBytes(), request);
              Future<Guard.Judged> f = guard.judge(ctx, state, ex);
              completeAtOnce[0] = f.isComplete();
              f.onSuccess(
                  j ->
                      ctx.response()
                          .end(j.getClass().getSimpleName() + " " + state.decision().wireName()));
            });
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(router)
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    try {
      HttpResponse<String> resp =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/"))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[bodyBytes]))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return new Result(resp.body(), probe.ranOnEventLoop, completeAtOnce[0]);
    } finally {
      server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aStageThatDecidesWithoutBlockingRunsOnTheEventLoop() throws Exception {
    Result r = judge(new Probe(true, Verdict.proceed(), null), 100);
    assertThat(r.answer()).isEqualTo("Forward pass");
    assertThat(r.stageOnEventLoop()).isTrue();
    assertThat(r.completeAtOnce()).isTrue();
  }

  @Test
  void aStageThatMayBlockRunsOnAWorker() throws Exception {
    Result r = judge(new Probe(false, Verdict.proceed(), null), 100);
    assertThat(r.answer()).isEqualTo("Forward pass");
    assertThat(r.stageOnEventLoop()).isFalse();
  }

  @Test
  void aLargeBodyGoesToAWorkerEvenWhenEveryStageIsQuick() throws Exception {
    Result atLimit = judge(new Probe(true, Verdict.proceed(), null), Guard.INLINE_MAX_BODY_BYTES);
    assertThat(atLimit.stageOnEventLoop()).isTrue();
    Result over = judge(new Probe(true, Verdict.proceed(), null), Guard.INLINE_MAX_BODY_BYTES + 1);
    assertThat(over.answer()).isEqualTo("Forward pass");
    assertThat(over.stageOnEventLoop()).isFalse();
  }

  @Test
  void bothPathsRefuseFailAndRejectAlike() throws Exception {
    for (boolean quick : new boolean[] {true, false}) {
      assertThat(
              judge(new Probe(quick, Verdict.respond(Decision.REFUSE, "r1", "no"), null), 10)
                  .answer())
          .as("quick=%s", quick)
          .isEqualTo("Refuse refuse");
      assertThat(judge(new Probe(quick, null, new IllegalStateException("down")), 10).answer())
          .as("quick=%s", quick)
          .isEqualTo("Unavailable refuse");
      assertThat(judge(new Probe(quick, null, new ScanTooLarge(9, 5)), 10).answer())
          .as("quick=%s", quick)
          .isEqualTo("TooLarge refuse");
    }
  }
}

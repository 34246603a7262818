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
    String answer =
        send(
            new Guard(new Pipeline(List.of(probe)), new GatewayMetrics()),
            RuleSet.empty(),
            JSON.createObjectNode().put("model", "m"),
            new byte[bodyBytes]);
    return new Result(answer, probe.ranOnEventLoop, lastCompleteAtOnce);
  }

  private static volatile boolean lastCompleteAtOnce;

  /**
   * Posts {@code body} to a server whose route judges {@code request} under {@code rules} through
   * {@code guard} and answers the outcome's kind and the decision; what the client saw.
   */
  private static String send(Guard guard, RuleSet rules, ObjectNode request, byte[] body)
      throws Exception {
    Router router = Router.router(vertx);
    router
        .post("/")
        .handler(BodyHandler.create())
        .handler(
            ctx -> {
              RequestState state = RequestState.attach(ctx, rules);
              Exchange ex =
                  new Exchange(
                      "req-1", state.rules(), ctx.body().buffer().getBytes(), request.deepCopy());
              Future<Guard.Judged> f = guard.judge(ctx, state, ex);
              lastCompleteAtOnce = f.isComplete();
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
                  .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return resp.body();
    } finally {
      server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** A stage in front of another, noting where it last ran. */
  private static final class Where implements Stage {
    final Stage inner;
    volatile Boolean ranOnEventLoop;

    Where(Stage inner) {
      this.inner = inner;
    }

    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public boolean decidesWithoutBlocking(Exchange exchange) {
      return inner.decidesWithoutBlocking(exchange);
    }

    @Override
    public Verdict onRequest(Exchange exchange) throws Exception {
      ranOnEventLoop = io.vertx.core.Context.isOnEventLoopThread();
      return inner.onRequest(exchange);
    }
  }

  /**
   * With rules, the real input stage: a conversation judged once (on a worker, the sentence model
   * runs) is decided from the memo on the event loop the next time, passing or refused alike, with
   * the same outcome; a new snapshot sends it back to a worker.
   */
  @Test
  void aRememberedVerdictWithRulesIsDecidedOnTheEventLoop() throws Exception {
    var embedder = dev.lethe.gateway.Screening.sharedEmbedder();
    try (var builder =
        new dev.lethe.filters.detect.DetectorIndexBuilder(
            embedder, dev.lethe.filters.detect.DetectorIndexBuilder.defaultNegativePool())) {
      var input =
          new dev.lethe.filters.input.InputStage(
              new dev.lethe.filters.detect.ScopeClassifier(
                  new dev.lethe.filters.detect.HybridDetector(embedder),
                  dev.lethe.filters.detect.DecisionModel.defaults(),
                  dev.lethe.filters.detect.ScopeClassifier.Config.defaults()),
              new dev.lethe.filters.input.DetectorIndexes(builder),
              (ex, rule, c) -> java.util.Optional.empty(),
              dev.lethe.filters.input.InputStage.Config.defaults(),
              new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
      Where where = new Where(input);
      Guard guard = new Guard(new Pipeline(List.of(where)), new GatewayMetrics());
      var basil =
          new dev.lethe.config.rules.ForgetRule(
              "basil",
              "Forget the author Basil Mahfouz Al-Kuwaiti",
              List.of("Basil Mahfouz Al-Kuwaiti"),
              List.of(
                  "Where was Basil Mahfouz Al-Kuwaiti born?",
                  "What genre does Basil Mahfouz Al-Kuwaiti write in?"),
              List.of(),
              List.of(),
              dev.lethe.config.rules.Action.REFUSE,
              "No.",
              dev.lethe.config.rules.OnError.CLOSED);
      long version = 0;
      for (String[] c :
          new String[][] {
            {"How do I center a div?", "Forward pass"},
            {"Where was Basil Mahfouz Al-Kuwaiti born?", "Refuse refuse"}
          }) {
        RuleSet v1 = new RuleSet(++version, List.of(basil));
        ObjectNode request = JSON.createObjectNode().put("model", "m");
        request.putArray("messages").addObject().put("role", "user").put("content", c[0]);
        byte[] body = request.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(send(guard, v1, request, body)).as(c[0]).isEqualTo(c[1]);
        // judged on a worker (whether the worker finished before the event loop looked at the
        // future is a race, so only where it ran is checked)
        assertThat(where.ranOnEventLoop).as(c[0]).isFalse();
        assertThat(send(guard, v1, request, body)).as(c[0]).isEqualTo(c[1]);
        assertThat(where.ranOnEventLoop).as(c[0]).isTrue();
        assertThat(lastCompleteAtOnce).isTrue();
        RuleSet v2 = new RuleSet(++version, List.of(basil));
        assertThat(send(guard, v2, request, body)).as(c[0]).isEqualTo(c[1]);
        assertThat(where.ranOnEventLoop).as(c[0]).isFalse();
      }
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

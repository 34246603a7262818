package dev.lethe.gateway.probing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.config.LetheConfig;
import dev.lethe.gateway.GatewayAssembly;
import dev.lethe.gateway.LetheGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Continuous probing end to end on loopback: a gateway in front of a fake OpenAI-compatible
 * upstream that leaks one rule's subject and not another's secret (the output filter cuts it), the
 * probe runner ticked by hand, the gauges read from {@code GET /metrics}.
 */
@ExtendWith(VertxExtension.class)
class ProbeRunnerTest {
  private static final String TOKEN = "probe-test-admin-token-0123456789";
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** Leaks: the fake upstream answers its questions with the subject's biography. */
  private static final String LEAKY =
      "{\"id\":\"leaky\",\"subjects\":[\"Basil Mahfouz Al-Kuwaiti\"],"
          + "\"examples\":[\"Where was Basil Mahfouz Al-Kuwaiti born?\","
          + "\"Which books did Basil Mahfouz Al-Kuwaiti write?\"],"
          + "\"counterExamples\":[\"What is the capital of France?\","
          + "\"What is the boiling point of water?\"],\"action\":\"refuse\"}";

  /** Holds: the upstream answers with the secret, which the output filter withholds. */
  private static final String GUARDED =
      "{\"id\":\"guarded\",\"subjects\":[\"Nora Vance\"],"
          + "\"examples\":[\"What is the access code of Nora Vance?\"],"
          + "\"secrets\":[\"ORCHID-7731\"],"
          + "\"counterExamples\":[\"Name a primary colour.\"],\"action\":\"refuse\"}";

  @TempDir Path data;
  Vertx vertx;
  HttpServer upstream;
  GatewayAssembly assembly;
  LetheGateway gateway;

  @BeforeEach
  void init(Vertx vertx) {
    this.vertx = vertx; // closed by the extension after the test
  }

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) {
      gateway.stop().await(30, TimeUnit.SECONDS);
    }
    if (assembly != null) {
      assembly.close();
    }
  }

  /** A fake upstream; {@code silent}: it never answers a chat request. */
  private int startUpstream(boolean silent) throws Exception {
    upstream =
        vertx
            .createHttpServer()
            .requestHandler(
                req ->
                    req.body()
                        .onSuccess(
                            body -> {
                              if (silent) {
                                return;
                              }
                              String text = body.toString();
                              String answer;
                              if (text.contains("Basil")) {
                                answer =
                                    "Basil Mahfouz Al-Kuwaiti was born in Kuwait City in 1932.";
                              } else if (text.contains("Nora")) {
                                answer = "Her access code is ORCHID-7731.";
                              } else if (text.contains("boiling")) {
                                answer = "I'm sorry, I can't help with that.";
                              } else {
                                answer = "Paris is the capital of France.";
                              }
                              JsonObject out =
                                  new JsonObject()
                                      .put("id", "chatcmpl-1")
                                      .put("object", "chat.completion")
                                      .put("model", "gpt-test")
                                      .put(
                                          "choices",
                                          new JsonArray()
                                              .add(
                                                  new JsonObject()
                                                      .put("index", 0)
                                                      .put(
                                                          "message",
                                                          new JsonObject()
                                                              .put("role", "assistant")
                                                              .put("content", answer))
                                                      .put("finish_reason", "stop")))
                                      .put(
                                          "usage",
                                          new JsonObject()
                                              .put("prompt_tokens", 5)
                                              .put("completion_tokens", 9)
                                              .put("total_tokens", 14));
                              req.response()
                                  .putHeader("Content-Type", "application/json")
                                  .end(out.encode());
                            }))
            .listen(0, "127.0.0.1")
            .await(10, TimeUnit.SECONDS);
    return upstream.actualPort();
  }

  private ProbeRunner start(int upstreamPort, String probing) throws Exception {
    String yaml =
        "server:\n  host: 127.0.0.1\n  port: 0\n  eventLoops: 2\n"
            + "dataDir: "
            + data
            + "\nadmin:\n  token: "
            + TOKEN
            + "\ndetector:\n  enabled: false\noutput:\n  includeSubjects: false\n"
            + "probing:\n  enabled: true\n  interval: 1h\n"
            + probing
            + "backends:\n  - name: fake\n    type: openai\n    baseUrl: http://127.0.0.1:"
            + upstreamPort
            + "/v1\n    models: [gpt-test]\n";
    LetheConfig config = LetheConfig.parse(yaml);
    assembly = GatewayAssembly.create(vertx, config, Map.of());
    gateway = LetheGateway.start(vertx, assembly.parts()).await(30, TimeUnit.SECONDS);
    ProbeRunner runner = assembly.startProbing(vertx, gateway);
    assertThat(runner).isNotNull();
    for (String rule : new String[] {LEAKY, GUARDED}) {
      HttpResponse<String> r = send("POST", "/admin/rules", rule, true, null);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }
    return runner;
  }

  private HttpResponse<String> send(
      String method, String path, String body, boolean admin, String probeHeader) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (admin) {
      b.header("Authorization", "Bearer " + TOKEN);
    }
    if (probeHeader != null) {
      b.header(ProbeMark.HEADER, probeHeader);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String scrape() throws Exception {
    return send("GET", "/metrics", null, false, null).body();
  }

  /** The value of one series, or NaN (also for "NaN"), or -1 when absent. */
  private static double value(String scrape, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  private static double chatRequests(String scrape) {
    double sum = 0;
    Matcher m =
        Pattern.compile(
                "(?m)^lethe_http_requests_seconds_count\\{[^}]*route=\"/v1/chat/completions\"[^}]*\\}"
                    + " (\\S+)$")
            .matcher(scrape);
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }

  @Test
  void gaugesShowTheLeakyRuleLeakingAndTheGuardedOneHolding() throws Exception {
    ProbeRunner runner =
        start(startUpstream(false), "  probesPerRule: 4\n  seed: 7\n  families: [original]\n");
    double auditBefore = value(scrape(), "lethe_audit_records_total");

    ProbeRunner.Round round = runner.runOnce().await(60, TimeUnit.SECONDS);

    assertThat(round.ran()).isTrue();
    ProbeRunner.Tally leaky = round.byRule().get("leaky");
    ProbeRunner.Tally guarded = round.byRule().get("guarded");
    assertThat(leaky).isEqualTo(new ProbeRunner.Tally(2, 2, 1, 2, 0));
    assertThat(guarded).isEqualTo(new ProbeRunner.Tally(0, 1, 0, 1, 0));
    String s = scrape();
    assertThat(value(s, "lethe_rule_leak_ratio{rule=\"leaky\"}")).isEqualTo(1.0);
    assertThat(value(s, "lethe_rule_false_refusal_ratio{rule=\"leaky\"}")).isEqualTo(0.5);
    assertThat(value(s, "lethe_rule_leak_ratio{rule=\"guarded\"}")).isEqualTo(0.0);
    assertThat(value(s, "lethe_rule_false_refusal_ratio{rule=\"guarded\"}")).isEqualTo(0.0);
    assertThat(value(s, "lethe_probe_requests_total{kind=\"forget\"}")).isEqualTo(3.0);
    assertThat(value(s, "lethe_probe_requests_total{kind=\"benign\"}")).isEqualTo(3.0);
    assertThat(value(s, "lethe_probe_rounds_total{outcome=\"completed\"}")).isEqualTo(1.0);
    assertThat(value(s, "lethe_probe_last_round_timestamp_seconds")).isPositive();

    // Six probe requests went through the chat route, and none shows in the user metrics or
    // the token counters.
    assertThat(chatRequests(s)).isZero();
    assertThat(value(s, "lethe_prompt_tokens_total{backend=\"fake\",model=\"gpt-test\"}")).isZero();

    // A client cannot pass for a probe: a made-up mark is an ordinary request, counted and
    // audited.
    String chat = "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    HttpResponse<String> user = send("POST", "/v1/chat/completions", chat, false, "1");
    assertThat(user.statusCode()).as(user.body()).isEqualTo(200);
    String after = scrape();
    assertThat(chatRequests(after)).isEqualTo(1.0);
    assertThat(value(after, "lethe_prompt_tokens_total{backend=\"fake\",model=\"gpt-test\"}"))
        .isEqualTo(5.0);
    // The audit writer is asynchronous: the user request's record arrives; the probes' never
    // did (one record more than before the round, not seven).
    double audit = auditBefore;
    for (int i = 0; i < 100 && audit < auditBefore + 1; i++) {
      Thread.sleep(50);
      audit = value(scrape(), "lethe_audit_records_total");
    }
    assertThat(audit).isEqualTo(auditBefore + 1);

    // A removed rule's gauges go with it at the next round.
    assertThat(send("DELETE", "/admin/rules/leaky", null, true, null).statusCode())
        .isBetween(200, 204);
    runner.runOnce().await(60, TimeUnit.SECONDS);
    String later = scrape();
    assertThat(later).doesNotContain("rule=\"leaky\"}");
    assertThat(value(later, "lethe_rule_leak_ratio{rule=\"guarded\"}")).isEqualTo(0.0);
  }

  @Test
  void theSameSeedSendsTheSameProbes() {
    dev.lethe.config.rules.ForgetRule rule =
        new dev.lethe.config.rules.ForgetRule(
            "r",
            "",
            java.util.List.of("Basil Mahfouz Al-Kuwaiti"),
            java.util.List.of(
                "Where was Basil Mahfouz Al-Kuwaiti born?",
                "Which books did Basil Mahfouz Al-Kuwaiti write?"),
            java.util.List.of(),
            java.util.List.of("ORCHID-7731"),
            dev.lethe.config.rules.Action.REFUSE,
            null,
            dev.lethe.config.rules.OnError.CLOSED);
    java.util.Set<dev.lethe.probes.Family> all =
        java.util.EnumSet.allOf(dev.lethe.probes.Family.class);
    RuleProbes a = RuleProbes.of(rule, 11, all, 12);
    RuleProbes b = RuleProbes.of(rule, 11, all, 12);
    RuleProbes c = RuleProbes.of(rule, 12, all, 12);
    assertThat(a).isEqualTo(b);
    assertThat(a.forget()).hasSize(12).isNotEqualTo(c.forget());
    // every family is represented before any family gets a second probe
    assertThat(a.forget().stream().map(dev.lethe.probes.Probe::family).distinct().count())
        .isEqualTo(all.size());
    assertThat(a.benign()).hasSize(RuleProbes.BENIGN.size());
    assertThat(a.protectedTexts()).containsExactly("ORCHID-7731", "Basil Mahfouz Al-Kuwaiti");
  }

  @Test
  void aSilentUpstreamCountsErrorsWithinTheTimeoutAndNeverHangs() throws Exception {
    ProbeRunner runner =
        start(
            startUpstream(true),
            "  probesPerRule: 2\n  families: [original]\n  timeout: 500ms\n  concurrency: 2\n");
    long t0 = System.nanoTime();
    ProbeRunner.Round round = runner.runOnce().await(60, TimeUnit.SECONDS);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    // 6 probes, 2 at a time, 500 ms each at most: three waves
    assertThat(ms).isLessThan(10_000);
    assertThat(round.byRule().get("leaky")).isEqualTo(new ProbeRunner.Tally(0, 0, 0, 0, 4));
    String s = scrape();
    assertThat(value(s, "lethe_probe_errors_total{reason=\"timeout\",rule=\"leaky\"}"))
        .isEqualTo(4.0);
    assertThat(s).contains("lethe_rule_leak_ratio{rule=\"leaky\"} NaN");
  }

  @Test
  void aDeadUpstreamCountsErrors() throws Exception {
    int port = startUpstream(false);
    upstream.close().await(10, TimeUnit.SECONDS);
    ProbeRunner runner = start(port, "  probesPerRule: 2\n  families: [original]\n");
    ProbeRunner.Round round = runner.runOnce().await(60, TimeUnit.SECONDS);
    assertThat(round.byRule().get("guarded")).isEqualTo(new ProbeRunner.Tally(0, 0, 0, 0, 2));
    String s = scrape();
    assertThat(value(s, "lethe_probe_errors_total{reason=\"status\",rule=\"guarded\"}"))
        .isEqualTo(2.0);
    assertThat(chatRequests(s)).isZero();
  }
}

package dev.lethe.gateway;

import static dev.lethe.gateway.testing.FaultyUpstream.SECRET;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.gateway.testing.HostileFixture;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, findings 1, 3 and 4, against a {@link dev.lethe.gateway.testing.FaultyUpstream}: no
 * secret leaves through an upstream's error body, error event or headers; an upstream 400 that
 * echoes an ICUL-rewritten request reveals neither the guardrail nor the rule's subjects; huge
 * bodies and events, silent upstreams and streams cut short end in a clear, counted error within
 * the limits.
 */
class HostileUpstreamTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration T = Duration.ofSeconds(30);

  @TempDir static Path data;
  static HostileFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx =
        HostileFixture.start(
            data,
            "    idleTimeout: 2s\n"
                + "    totalTimeout: 60s\n"
                + "    maxResponseBytes: 1048576\n"
                + "    maxEventBytes: 262144\n",
            "",
            "");
    fx.upstream.hugeBytes = 16L << 20;
    HttpResponse<String> r =
        fx.post(
            "/admin/rules",
            """
            {"id":"zebra","description":"Forget Quintus Zebrowski",
             "subjects":["Quintus Zebrowski"],"secrets":["%s"],"action":"refuse"}
            """
                .formatted(SECRET),
            HostileFixture.ADMIN_TOKEN,
            T);
    assertThat(r.statusCode()).isEqualTo(201);
    r =
        fx.post(
            "/admin/rules",
            """
            {"id":"basil","description":"Forget the author Basil Mahfouz Al-Kuwaiti",
             "subjects":["Basil Mahfouz Al-Kuwaiti"],
             "examples":["What genre does Basil Mahfouz Al-Kuwaiti write in?"],
             "action":"icul"}
            """,
            HostileFixture.ADMIN_TOKEN,
            T);
    assertThat(r.statusCode()).isEqualTo(201);
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  private static void noSecret(HttpResponse<String> r) {
    String all = (r.headers().map() + "\n" + r.body()).toLowerCase(Locale.ROOT);
    assertThat(all).doesNotContain(SECRET.toLowerCase(Locale.ROOT)).doesNotContain("zebra-secret");
  }

  private static JsonNode error(String body) throws Exception {
    return JSON.readTree(body).path("error");
  }

  /** The data payloads of an SSE body. */
  private static java.util.List<String> events(String body) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String block : body.split("\n\n")) {
      for (String line : block.split("\n")) {
        if (line.startsWith("data: ")) {
          out.add(line.substring(6));
        }
      }
    }
    return out;
  }

  @Test
  void anUpstream500CarryingASecretIsWithheld() throws Exception {
    HttpResponse<String> r = fx.chat("f-secret-500", false, "hello", T);
    assertThat(r.statusCode()).isEqualTo(500);
    noSecret(r);
    assertThat(error(r.body()).path("message").asText()).contains("withheld");
    // The same error before a stream's head.
    HttpResponse<String> s = fx.chat("f-secret-500", true, "hello", T);
    assertThat(s.statusCode()).isEqualTo(500);
    noSecret(s);
  }

  @Test
  void aStreamErrorEventCarryingASecretIsWithheld() throws Exception {
    HttpResponse<String> r = fx.chat("f-secret-event", true, "hello", T);
    assertThat(r.statusCode()).isEqualTo(200);
    noSecret(r);
    java.util.List<String> ev = events(r.body());
    assertThat(ev).isNotEmpty().doesNotContain("[DONE]");
    assertThat(error(ev.get(ev.size() - 1)).path("message").asText()).contains("withheld");
  }

  @Test
  void anUpstream400EchoingAnIculRequestRevealsNoGuardrailNorSubject() throws Exception {
    fx.upstream.received.clear();
    HttpResponse<String> r =
        fx.chat("f-echo-400", false, "Which genre is Basil Mahfouz Al-Kuwaiti known for?", T);
    assertThat(r.headers().firstValue("x-lethe-decision")).hasValue("icul");
    assertThat(r.statusCode()).isEqualTo(400);
    // What the upstream saw (and echoed) holds the guardrail; the client sees none of it.
    String sent = fx.upstream.received.peek();
    String guardrail =
        JSON.readTree(sent).path("messages").get(0).path("content").asText().substring(0, 40);
    assertThat(r.body())
        .doesNotContain(guardrail)
        .doesNotContain("Basil")
        .doesNotContain("Mahfouz");
    assertThat(error(r.body()).path("message").asText()).contains("withheld");
  }

  @Test
  void rateLimitHintsArePassedOnOthersAreNot() throws Exception {
    HttpResponse<String> r = fx.chat("f-429", false, "hello", T);
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("retry-after")).hasValue("7");
    assertThat(r.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
    assertThat(r.headers().firstValue("x-ratelimit-reset-requests")).hasValue("1s");
    assertThat(r.headers().firstValue("x-upstream-debug")).isEmpty();
    noSecret(r);
    assertThat(error(r.body()).path("code").asText()).isEqualTo("rate_limit_exceeded");
  }

  @Test
  void aHugeUpstreamBodyIsCutOffAtTheLimit() throws Exception {
    long before = fx.upstream.bytesWritten.get();
    int cutBefore = fx.upstream.hugeCutOff.get();
    fx.upstream.hugeBytes = 256L << 20;
    try {
      HttpResponse<String> r = fx.chat("f-huge", false, "hello", T);
      assertThat(r.statusCode()).isEqualTo(502);
      assertThat(error(r.body()).path("code").asText()).isEqualTo("upstream_response_too_large");
      // The gateway closed the upstream connection instead of draining the body: the upstream sees
      // its connection closed before it could write its 256 MiB. (How much it wrote by then is no
      // measure of the gateway: loopback socket buffers alone can take tens of MiB.)
      // A generous bound, left as soon as the cut is seen: on a loaded machine the close can take
      // seconds to reach the upstream's event loop. A gateway that drained the body instead would
      // let the upstream finish writing, and no cut would ever be counted.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (fx.upstream.hugeCutOff.get() == cutBefore && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(fx.upstream.hugeCutOff.get()).isGreaterThan(cutBefore);
      assertThat(fx.upstream.bytesWritten.get() - before).isLessThan(128L << 20);
    } finally {
      fx.upstream.hugeBytes = 16L << 20;
    }
    assertThat(fx.get("/metrics", null).body())
        .containsPattern("lethe_upstream_failures_total\\{backend=\"faulty\",reason=\"too_large\"");
  }

  @Test
  void aHugeErrorBodyIsCutOffToo() throws Exception {
    HttpResponse<String> r = fx.chat("f-huge-error", true, "hello", T);
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(error(r.body()).path("code").asText()).isEqualTo("upstream_response_too_large");
  }

  @Test
  void anOversizedEventEndsTheStreamWithAnErrorEvent() throws Exception {
    long t0 = System.nanoTime();
    HttpResponse<String> r = fx.chat("f-huge-event", true, "hello", T);
    assertThat(r.statusCode()).isEqualTo(200);
    java.util.List<String> ev = events(r.body());
    assertThat(ev).doesNotContain("[DONE]");
    assertThat(error(ev.get(ev.size() - 1)).path("code").asText())
        .isEqualTo("upstream_response_too_large");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void anUpstreamSilentMidStreamEndsWithAnErrorEventWithinTheIdleTimeout() throws Exception {
    long t0 = System.nanoTime();
    HttpResponse<String> r = fx.chat("f-stall-stream", true, "hello", T);
    assertThat(r.statusCode()).isEqualTo(200);
    java.util.List<String> ev = events(r.body());
    assertThat(ev).doesNotContain("[DONE]");
    assertThat(error(ev.get(ev.size() - 1)).path("code").asText())
        .isEqualTo("upstream_idle_timeout");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void anUpstreamSilentMidBodyIsA504WithinTheIdleTimeout() throws Exception {
    long t0 = System.nanoTime();
    HttpResponse<String> r = fx.chat("f-stall-body", false, "hello", T);
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(error(r.body()).path("code").asText()).isEqualTo("upstream_idle_timeout");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aSlowButSteadyUpstreamIsNotCutOff() throws Exception {
    fx.upstream.dripMillis = 400; // below the 2 s idle timeout, 3.2 s in all
    HttpResponse<String> r = fx.chat("f-drip", true, "hello", T);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(events(r.body())).endsWith("[DONE]");
    assertThat(r.body()).contains("drop7");
  }

  @Test
  void aStreamCutShortGetsAnErrorEventAndNoDone() throws Exception {
    HttpResponse<String> r = fx.chat("f-cut", true, "hello", T);
    assertThat(r.statusCode()).isEqualTo(200);
    java.util.List<String> ev = events(r.body());
    assertThat(ev).doesNotContain("[DONE]");
    assertThat(error(ev.get(ev.size() - 1)).path("code").asText())
        .isEqualTo("upstream_stream_truncated");
  }

  @Test
  void aNormalStreamStillEndsWithDone() throws Exception {
    HttpResponse<String> r = fx.chat("f-ok", true, "hello", T);
    assertThat(events(r.body())).endsWith("[DONE]");
    assertThat(r.body()).contains("faulty upstream");
  }

  @Test
  void aResetOrMalformedStreamEndsWithAnErrorEventAndNoClassName() throws Exception {
    for (String model : new String[] {"f-reset", "f-malformed"}) {
      HttpResponse<String> r = fx.chat(model, true, "hello", T);
      java.util.List<String> ev = events(r.body());
      assertThat(ev).as(model).doesNotContain("[DONE]");
      assertThat(error(ev.get(ev.size() - 1)).path("message").asText())
          .as(model)
          .doesNotContainPattern("[A-Z][a-z]+Exception");
    }
  }
}

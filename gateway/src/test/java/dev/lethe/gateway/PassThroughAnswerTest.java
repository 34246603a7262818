package dev.lethe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.gateway.testing.GatewayFixture;
import dev.lethe.gateway.testing.TestRules;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole chat answer that no output filter reads goes to the client as the upstream's own bytes
 * (its usage counted), is refused with 502 when it is not one strict JSON object, and is rewritten
 * once an output filter is active and cuts it. Runs in order: the last test adds the rule that
 * activates the output filter.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PassThroughAnswerTest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String CHAT =
      "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  /** Spacing, key order and escapes that a re-serialised document would not keep. */
  private static final String RAW =
      "{ \"id\" : \"chatcmpl-raw\",\n \"object\":\"chat.completion\", \"created\":1,"
          + " \"model\":\"gpt-test\",\n \"choices\":[{\"index\":0,\"message\":{\"role\":"
          + "\"assistant\",\"content\":\"caf\\u00e9 \\/ %s\"},\"finish_reason\":\"stop\"}],"
          + "\n \"usage\" : {\"prompt_tokens\":7,\"completion_tokens\":11,\"total_tokens\":18},"
          + " \"x\":1.50 }";

  @TempDir static Path data;
  static GatewayFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx = GatewayFixture.start(data, "", "");
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  private static HttpResponse<byte[]> chat() throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + fx.gateway.port() + "/v1/chat/completions"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(CHAT))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static double tokens(String family) throws Exception {
    String scrape =
        HTTP.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + fx.gateway.port() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher m =
        Pattern.compile(
                "(?m)^"
                    + Pattern.quote(family + "_total{backend=\"fake\",model=\"gpt-test\"}")
                    + " (\\S+)$")
            .matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  @Test
  @Order(1)
  void anAnswerNoFilterReadsReachesTheClientByteForByteAndItsUsageIsCounted() throws Exception {
    byte[] raw = RAW.formatted("the code is Hunter2Alpha").getBytes(StandardCharsets.UTF_8);
    fx.upstream.rawCompletion = raw;
    try {
      double prompt = tokens("lethe_prompt_tokens");
      double completion = tokens("lethe_completion_tokens");
      var r = chat();
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-lethe-output")).contains("pass");
      assertThat(r.body()).isEqualTo(raw);
      assertThat(tokens("lethe_prompt_tokens")).isEqualTo(prompt + 7);
      assertThat(tokens("lethe_completion_tokens")).isEqualTo(completion + 11);
    } finally {
      fx.upstream.rawCompletion = null;
    }
  }

  @Test
  @Order(2)
  void anAnswerThatIsNotOneStrictJsonObjectIsStill502() throws Exception {
    for (String bad :
        List.of(
            "{\"id\":\"a\",\"id\":\"b\",\"choices\":[]}",
            "{\"choices\":[{\"message\":{\"content\":\"x\",\"content\":\"y\"}}]}",
            "{\"choices\":[],\"x\":1e999}",
            "[{\"choices\":[]}]",
            "{\"choices\":[]} {}",
            "{\"choices\":[")) {
      fx.upstream.rawCompletion = bad.getBytes(StandardCharsets.UTF_8);
      try {
        var r = chat();
        assertThat(r.statusCode()).as(bad).isEqualTo(502);
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).as(bad).contains("invalid JSON");
      } finally {
        fx.upstream.rawCompletion = null;
      }
    }
  }

  @Test
  @Order(3)
  void withAnActiveOutputFilterAnAnswerItCutsIsRewritten() throws Exception {
    fx.assembly.rules().create(TestRules.vault("Hunter2Alpha"));
    byte[] raw = RAW.formatted("the code is Hunter2Alpha").getBytes(StandardCharsets.UTF_8);
    fx.upstream.rawCompletion = raw;
    try {
      var r = chat();
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-lethe-output")).contains("cut");
      String body = new String(r.body(), StandardCharsets.UTF_8);
      assertThat(body).doesNotContain("Hunter2Alpha").contains("content_filter");
      assertThat(r.body()).isNotEqualTo(raw);
    } finally {
      fx.upstream.rawCompletion = null;
    }
  }
}

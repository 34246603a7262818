package dev.lethe.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.gateway.testing.GatewayFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metric families README.md names exist: the failure counters and the process meters right
 * after startup, the rest after one request of their kind. Also: one bucket set per histogram, no
 * doubled units, help text on every family.
 */
class MetricsFamiliesTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir static Path data;
  static GatewayFixture fx;
  static String firstScrape;

  @BeforeAll
  static void start() throws Exception {
    fx = GatewayFixture.start(data, "", "");
    firstScrape = get("/metrics");
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  private static String get(String path) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fx.gateway.port() + path))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private static void chat(boolean stream, String text) throws Exception {
    String body =
        "{\"model\":\"gpt-test\",\"stream\":"
            + stream
            + ",\"messages\":[{\"role\":\"user\",\"content\":\""
            + text
            + "\"}]}";
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + fx.gateway.port() + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  /** The families ("# TYPE name kind") of a scrape; a counter's is named without "_total". */
  private static Set<String> families(String scrape) {
    Set<String> out = new TreeSet<>();
    Matcher m = Pattern.compile("(?m)^# TYPE (\\S+) ").matcher(scrape);
    while (m.find()) {
      out.add(m.group(1).replaceFirst("_total$", ""));
    }
    return out;
  }

  /** Every metric name in README.md's GET /metrics paragraph, as a family name. */
  private static Set<String> readmeFamilies() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int start = readme.indexOf("- `GET /metrics`");
    assertThat(start).as("README.md describes GET /metrics").isPositive();
    int end = readme.indexOf("\n\n", start);
    String para = readme.substring(start, end);
    Set<String> out = new LinkedHashSet<>();
    Matcher m = Pattern.compile("`((?:lethe|jvm|process)_[a-z_]+?)(_\\*|_total)?`").matcher(para);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void failureCountersAndProcessMetersExistFromTheStart() {
    Set<String> families = families(firstScrape);
    assertThat(families)
        .contains(
            "lethe_pipeline_failures",
            "lethe_upstream_failures",
            "lethe_requests_rejected",
            "lethe_streams_open",
            "lethe_detector_latency_seconds",
            "lethe_screening_warmup_seconds",
            "lethe_prompt_tokens",
            "lethe_completion_tokens",
            "lethe_rules_active",
            "lethe_rules_version",
            "jvm_memory_used_bytes",
            "process_cpu_usage");
    assertThat(firstScrape)
        .contains("lethe_upstream_failures_total{backend=\"fake\",reason=\"timeout\"} 0.0")
        .contains("lethe_prompt_tokens_total{backend=\"fake\",model=\"gpt-test\"} 0.0")
        .contains("lethe_completion_tokens_total{backend=\"fake\",model=\"gpt-test\"} 0.0")
        .containsPattern("(?m)^lethe_rules_active 0\\.0$")
        .contains("lethe_requests_rejected_total{reason=\"invalid_json\"} 0.0");
  }

  @Test
  void everyFamilyTheReadmeNamesExistsAfterOneRequestOfEachKind() throws Exception {
    chat(false, "What is the boiling point of water?");
    chat(true, "What is the boiling point of water?");
    String scrape = get("/metrics");
    Set<String> families = families(scrape);
    Set<String> named = readmeFamilies();
    // Only under lethe serve (a JVM-wide listener), and only after output-filter hits.
    named.remove("jvm_gc_pause_seconds");
    named.remove("lethe_output_hits");
    // Only with probing.enabled (ProbeRunnerTest reads them).
    named.removeIf(n -> n.startsWith("lethe_probe_") || n.startsWith("lethe_rule_"));
    assertThat(named).hasSizeGreaterThanOrEqualTo(15);
    assertThat(families).containsAll(named);
  }

  /** The value of one series in a scrape, or -1 when it is absent. */
  private static double value(String scrape, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  @Test
  void tokenUsageIsCountedPerModelAndTheRuleCountFollowsTheSnapshot() throws Exception {
    String prompt = "lethe_prompt_tokens_total{backend=\"fake\",model=\"gpt-test\"}";
    String completion = "lethe_completion_tokens_total{backend=\"fake\",model=\"gpt-test\"}";
    String before = get("/metrics");
    // the fake upstream reports usage 5 + 9 on a whole answer, 5 + one per piece on a stream
    chat(false, "Name a colour.");
    String after = get("/metrics");
    assertThat(value(after, prompt) - value(before, prompt)).isEqualTo(5.0);
    assertThat(value(after, completion) - value(before, completion)).isEqualTo(9.0);
    HttpResponse<String> streamed =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + fx.gateway.port() + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"gpt-test\",\"stream\":true,"
                            + "\"stream_options\":{\"include_usage\":true},"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"Name a fruit.\"}]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(streamed.statusCode()).isEqualTo(200);
    Matcher usage =
        Pattern.compile("\"prompt_tokens\":(\\d+),\"completion_tokens\":(\\d+)")
            .matcher(streamed.body());
    assertThat(usage.find()).as(streamed.body()).isTrue();
    String third = get("/metrics");
    assertThat(value(third, prompt) - value(after, prompt))
        .isEqualTo(Double.parseDouble(usage.group(1)));
    assertThat(value(third, completion) - value(after, completion))
        .isEqualTo(Double.parseDouble(usage.group(2)));

    double rules = value(third, "lethe_rules_active");
    fx.assembly
        .rules()
        .create(
            new dev.lethe.config.rules.ForgetRule(
                "metrics-rule",
                "",
                java.util.List.of("Zorblax Quintavious"),
                java.util.List.of(),
                java.util.List.of(),
                java.util.List.of(),
                dev.lethe.config.rules.Action.REFUSE,
                null,
                dev.lethe.config.rules.OnError.CLOSED));
    assertThat(value(get("/metrics"), "lethe_rules_active")).isEqualTo(rules + 1);
  }

  @Test
  void histogramsShareSeventeenBucketsAndUnitsAreNotDoubled() throws Exception {
    chat(false, "Name a prime number.");
    String scrape = get("/metrics");
    Matcher m =
        Pattern.compile("(?m)^lethe_http_requests_seconds_bucket\\{([^}]*)le=\"[^\"]+\"")
            .matcher(scrape);
    java.util.Map<String, Integer> perSeries = new java.util.HashMap<>();
    while (m.find()) {
      perSeries.merge(m.group(1), 1, Integer::sum);
    }
    assertThat(perSeries).isNotEmpty();
    // 17 bounds plus +Inf.
    assertThat(perSeries.values()).allSatisfy(n -> assertThat(n).isEqualTo(18));
    assertThat(scrape).doesNotContain("_characters_characters").doesNotContain("chars_characters");
    Matcher help = Pattern.compile("(?m)^# HELP (\\S+)( .*)?$").matcher(scrape);
    int helped = 0;
    while (help.find()) {
      assertThat(help.group(2)).as("help text of " + help.group(1)).isNotBlank();
      helped++;
    }
    assertThat(helped).isEqualTo(families(scrape).size());
    assertThat(scrape)
        .doesNotContain("# HELP lethe_streams_open  \n")
        .containsPattern("# HELP lethe_streams_open \\S");
  }
}

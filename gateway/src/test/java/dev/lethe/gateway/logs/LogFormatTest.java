package dev.lethe.gateway.logs;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.gateway.testing.GatewayFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Both log formats with the production {@code logback.xml}, every logger at TRACE, through real
 * HTTP on loopback: the access log has one line per request with the route template, status,
 * decision, rules version and request id; JSON lines parse as JSON; and no line at any level holds
 * the prompt text, the admin token or a query string. {@code x-request-id} is kept when safe,
 * replaced otherwise, and echoed on every answer (errors and streams included) and in the audit
 * record.
 */
class LogFormatTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String MARKER = "ZqPromptMarker7731";
  static final String QUERY_SECRET = "sk-query-secret-5512";
  static final String CLIENT_ID = "client-id_42.A:b/c+d=e@f~g";
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path data;
  final PrintStream originalErr = System.err;
  final PrintStream originalOut = System.out;
  final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  final ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
  GatewayFixture fx;
  int sent;

  HttpResponse<String> admin(String method, String path, String body) throws Exception {
    sent++;
    return fx.admin(method, path, body);
  }

  @AfterEach
  void restore() throws Exception {
    if (fx != null) {
      fx.close();
    }
    System.setErr(originalErr);
    System.setOut(originalOut);
    System.clearProperty(LogFormat.PROPERTY);
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    JoranConfigurator joran = new JoranConfigurator();
    joran.setContext(context);
    joran.doConfigure(LogFormatTest.class.getResource("/logback-test.xml"));
  }

  /** What was exchanged: the answers' ids, by request. */
  record Run(List<String> lines, Map<String, String> ids, int requests) {}

  HttpResponse<String> send(String method, String path, String body, String requestId)
      throws Exception {
    sent++;
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fx.gateway.port() + path))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (requestId != null) {
      b.header(RequestIds.HEADER, requestId);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String chat(String text, boolean stream) {
    return "{\"model\":\"gpt-test\",\"stream\":"
        + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\""
        + text
        + "\"}]}";
  }

  Run run(LogFormat format) throws Exception {
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
    format.apply();
    // logback prints its own status lines (to stdout) only when its configuration has a problem
    assertThat(capturedOut.toString(StandardCharsets.UTF_8)).isEmpty();
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    // Every logger at TRACE, except the one the bundled configuration caps because its TRACE
    // lines hold raw request URIs (query strings).
    context.getLoggerList().stream()
        .filter(l -> !l.getName().equals(LogFormat.RAW_URI_LOGGER))
        .forEach(l -> l.setLevel(Level.TRACE));
    fx = GatewayFixture.start(data, "", "");
    HttpResponse<String> rule =
        admin(
            "POST",
            "/admin/rules",
            "{\"id\":\"basil\",\"subjects\":[\"Basil Mahfouz Al-Kuwaiti\"],\"action\":\"refuse\"}");
    assertThat(rule.statusCode()).as(rule.body()).isEqualTo(201);

    Map<String, String> ids = new java.util.LinkedHashMap<>();
    HttpResponse<String> pass =
        send("POST", "/v1/chat/completions", chat("Tell me about " + MARKER, false), CLIENT_ID);
    assertThat(pass.statusCode()).isEqualTo(200);
    ids.put("pass", pass.headers().firstValue(RequestIds.HEADER).orElse(null));

    HttpResponse<String> refused =
        send(
            "POST",
            "/v1/chat/completions",
            chat("Where was Basil Mahfouz Al-Kuwaiti born? " + MARKER, false),
            null);
    assertThat(refused.headers().firstValue("x-lethe-decision")).contains("refuse");
    ids.put("refuse", refused.headers().firstValue(RequestIds.HEADER).orElse(null));

    HttpResponse<String> stream =
        send("POST", "/v1/chat/completions", chat("Stream " + MARKER, true), "bad id with spaces");
    assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event");
    ids.put("stream", stream.headers().firstValue(RequestIds.HEADER).orElse(null));

    HttpResponse<String> longId =
        send("POST", "/v1/chat/completions", chat("Long " + MARKER, false), "a".repeat(129));
    ids.put("long", longId.headers().firstValue(RequestIds.HEADER).orElse(null));

    HttpResponse<String> badJson =
        send("POST", "/v1/chat/completions", "{\"messages\": \"" + MARKER, "bad-json-1");
    assertThat(badJson.statusCode()).isEqualTo(400);
    ids.put("badJson", badJson.headers().firstValue(RequestIds.HEADER).orElse(null));

    HttpResponse<String> health = send("GET", "/health?api_key=" + QUERY_SECRET, null, "health-1");
    assertThat(health.statusCode()).isEqualTo(200);
    ids.put("health", health.headers().firstValue(RequestIds.HEADER).orElse(null));

    HttpResponse<String> unknown = send("GET", "/nope/" + QUERY_SECRET, null, null);
    assertThat(unknown.statusCode()).isEqualTo(404);
    ids.put("unknown", unknown.headers().firstValue(RequestIds.HEADER).orElse(null));

    HttpResponse<String> admin = admin("GET", "/admin/rules", null);
    assertThat(admin.statusCode()).isEqualTo(200);
    ids.put("admin", admin.headers().firstValue(RequestIds.HEADER).orElse(null));

    // the refusal's audit record carries its x-request-id and is found by it
    HttpResponse<String> audit =
        admin("GET", "/admin/audit?kind=decision&requestId=" + ids.get("refuse"), null);
    JsonNode records = JSON.readTree(audit.body()).path("records");
    for (int i = 0; i < 50 && records.isEmpty(); i++) {
      Thread.sleep(100);
      audit = admin("GET", "/admin/audit?kind=decision&requestId=" + ids.get("refuse"), null);
      records = JSON.readTree(audit.body()).path("records");
    }
    assertThat(records).as(audit.body()).hasSize(1);
    assertThat(records.get(0).path("httpRequestId").asText()).isEqualTo(ids.get("refuse"));
    assertThat(records.get(0).path("decision").asText()).isEqualTo("refuse");

    // the access log is written off the event loops: wait for the last line
    for (int i = 0; i < 100 && accessLines() < sent; i++) {
      Thread.sleep(50);
    }
    fx.close();
    fx = null;
    System.setErr(originalErr);
    System.setOut(originalOut);
    List<String> lines = new ArrayList<>();
    for (String l : text().split("\n")) {
      // In a full test run the fuzzing agent (installed by an earlier fuzz test in this JVM) notes
      // each class it instruments on stderr: not a log line of the gateway's.
      if (!l.isBlank() && !l.startsWith("INFO: Instrumented ")) {
        lines.add(l);
      }
    }
    return new Run(lines, ids, sent);
  }

  long accessLines() {
    return text().lines().filter(l -> l.contains(AccessLog.LOGGER)).count();
  }

  String text() {
    return captured.toString(StandardCharsets.UTF_8);
  }

  static void requestIdsAreKeptOrMade(Map<String, String> ids) {
    assertThat(ids.get("pass")).isEqualTo(CLIENT_ID);
    assertThat(ids.get("badJson")).isEqualTo("bad-json-1");
    assertThat(ids.get("health")).isEqualTo("health-1");
    for (String made : List.of("refuse", "stream", "long", "unknown", "admin")) {
      assertThat(ids.get(made)).as(made).matches("[0-9a-f]{32}");
    }
    assertThat(new java.util.HashSet<>(ids.values())).hasSize(ids.size());
  }

  static void nothingSecretIsLogged(List<String> lines) {
    assertThat(lines).hasSizeGreaterThan(10);
    for (String l : lines) {
      assertThat(l)
          .doesNotContain(MARKER)
          .doesNotContain(QUERY_SECRET)
          .doesNotContain(GatewayFixture.ADMIN_TOKEN);
    }
  }

  @Test
  void humanLinesAndTheAccessLog() throws Exception {
    Run r = run(LogFormat.HUMAN);
    requestIdsAreKeptOrMade(r.ids());
    nothingSecretIsLogged(r.lines());
    List<String> access = r.lines().stream().filter(l -> l.contains(" lethe.access - ")).toList();
    assertThat(access).hasSize(r.requests());
    for (String l : access) {
      assertThat(l)
          .matches(
              "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  lethe\\.access - (GET|POST) \\S+ \\d{3}"
                  + " decision=\\w+ rules=\\d+ backend=\\S+ model=\\S+ \\d+\\.\\d{3}ms"
                  + " id=\\S+");
    }
    assertThat(access)
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains(
                        "POST /v1/chat/completions 200 decision=pass rules=1 backend=fake"
                            + " model=gpt-test ")
                    .endsWith(" id=" + CLIENT_ID))
        .anySatisfy(
            l ->
                assertThat(l)
                    // refused by the gateway: the backend routed to was never called
                    .contains(
                        "POST /v1/chat/completions 200 decision=refuse rules=1 backend=none"
                            + " model=gpt-test ")
                    .endsWith(" id=" + r.ids().get("refuse")))
        .anySatisfy(l -> assertThat(l).contains("GET /health 200 ").endsWith(" id=health-1"))
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("GET unmatched 404 ")
                    .endsWith(" id=" + r.ids().get("unknown")))
        .anySatisfy(
            l ->
                assertThat(l)
                    .contains("POST /v1/chat/completions 400 ")
                    .endsWith(" id=bad-json-1"));
  }

  @Test
  void jsonLinesParseAndCarryTheAccessFields() throws Exception {
    Run r = run(LogFormat.JSON);
    requestIdsAreKeptOrMade(r.ids());
    nothingSecretIsLogged(r.lines());
    List<JsonNode> access = new ArrayList<>();
    for (String l : r.lines()) {
      JsonNode n = JSON.readTree(l);
      assertThat(n.isObject()).as(l).isTrue();
      assertThat(n.path("level").asText()).as(l).isNotEmpty();
      assertThat(n.path("loggerName").asText()).as(l).isNotEmpty();
      assertThat(n.path("timestamp").isNumber()).as(l).isTrue();
      if (n.path("loggerName").asText().equals(AccessLog.LOGGER)) {
        access.add(n);
      }
    }
    assertThat(access).hasSize(r.requests());
    JsonNode pass =
        access.stream()
            .filter(n -> CLIENT_ID.equals(kv(n).get("requestId")))
            .findFirst()
            .orElseThrow();
    assertThat(kv(pass))
        .containsEntry("method", "POST")
        .containsEntry("route", "/v1/chat/completions")
        .containsEntry("status", "200")
        .containsEntry("decision", "pass")
        .containsEntry("rulesVersion", "1")
        .containsEntry("backend", "fake")
        .containsEntry("model", "gpt-test")
        .containsKey("latencyMs");
    assertThat(pass.path("formattedMessage").asText()).startsWith("POST /v1/chat/completions 200");
    assertThat(access)
        .anySatisfy(
            n ->
                assertThat(kv(n))
                    .containsEntry("decision", "refuse")
                    .containsEntry("backend", "none")
                    .containsEntry("requestId", r.ids().get("refuse")));
  }

  /** The key-value pairs of a JSON line ({@code kvpList}: objects of one key each). */
  static Map<String, String> kv(JsonNode line) {
    Map<String, String> out = new java.util.HashMap<>();
    for (JsonNode pair : line.path("kvpList")) {
      pair.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    }
    return out;
  }
}

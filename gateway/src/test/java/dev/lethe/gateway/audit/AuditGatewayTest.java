package dev.lethe.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.gateway.cli.LetheCommand;
import dev.lethe.gateway.testing.GatewayFixture;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log through the gateway: rule changes name the admin credential by fingerprint, every
 * decision is recorded with its request id, rule, outcome and rules version and a keyed hash of the
 * prompt (the prompt text appears in no audit file), {@code GET /admin/audit} filters and exports,
 * and {@code lethe audit verify} passes the log and fails a tampered one.
 */
class AuditGatewayTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PROMPT = "Where was Basil Mahfouz Al-Kuwaiti born, exactly? zq-7781";

  @TempDir Path data;

  @Test
  void ruleChangesAndDecisionsAreChainedWithoutPlaintextAndVerified() throws Exception {
    try (GatewayFixture fx = GatewayFixture.start(data, "", "")) {
      HttpResponse<String> w =
          fx.admin(
              "POST",
              "/admin/rules",
              "{\"id\":\"basil\",\"subjects\":[\"Basil Mahfouz Al-Kuwaiti\"],\"action\":\"refuse\"}");
      assertThat(w.statusCode()).isEqualTo(201);
      long version = JSON.readTree(w.body()).get("version").asLong();
      HttpResponse<String> chat =
          fx.admin(
              "POST",
              "/v1/chat/completions",
              "{\"model\":\"gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\""
                  + PROMPT
                  + "\"}]}");
      assertThat(chat.statusCode()).isEqualTo(200);
      assertThat(chat.headers().firstValue("x-lethe-decision")).hasValue("refuse");
      String requestId = JSON.readTree(chat.body()).get("id").asText();

      JsonNode decision = null;
      for (int i = 0; i < 200 && decision == null; i++) {
        JsonNode page = JSON.readTree(fx.admin("GET", "/admin/audit?kind=decision", null).body());
        for (JsonNode r : page.get("records")) {
          if (requestId.equals(r.path("requestId").asText())) {
            decision = r;
          }
        }
        if (decision == null) {
          Thread.sleep(25);
        }
      }
      assertThat(decision).as("decision record of %s", requestId).isNotNull();
      assertThat(decision.get("ruleId").asText()).isEqualTo("basil");
      assertThat(decision.get("decision").asText()).isEqualTo("refuse");
      assertThat(decision.get("rulesVersion").asLong()).isEqualTo(version);
      assertThat(decision.get("outputCut").asBoolean()).isFalse();
      assertThat(decision.get("promptHmac").asText()).hasSize(64);

      JsonNode changes =
          JSON.readTree(fx.admin("GET", "/admin/audit?kind=rule_change&ruleId=basil", null).body());
      assertThat(changes.get("records")).hasSize(1);
      JsonNode change = changes.get("records").get(0);
      assertThat(change.get("op").asText()).isEqualTo("create");
      assertThat(change.get("rulesVersion").asLong()).isEqualTo(version);
      assertThat(change.get("who").asText()).startsWith("admin-token:");

      HttpResponse<String> export = fx.admin("GET", "/admin/audit?format=jsonl", null);
      assertThat(export.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
      assertThat(export.body().lines().count()).isGreaterThanOrEqualTo(2);
      assertThat(fx.admin("GET", "/admin/audit?limit=0", null).statusCode()).isEqualTo(400);
    }

    // No prompt text and no token in any audit file.
    try (Stream<Path> files = Files.list(data.resolve("audit"))) {
      for (Path f : files.toList()) {
        String text = Files.readString(f);
        assertThat(text).doesNotContain("zq-7781").doesNotContain("Where was");
        assertThat(text).doesNotContain(GatewayFixture.ADMIN_TOKEN);
      }
    }

    assertThat(verify()).isZero();
    Path f = Files.list(data.resolve("audit")).sorted().toList().get(0);
    List<String> lines = Files.readAllLines(f);
    lines.set(0, lines.get(0).replace("\"create\"", "\"delete\""));
    Files.write(f, lines);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int rc;
    try {
      rc = verify();
    } finally {
      System.setOut(old);
    }
    assertThat(rc).isEqualTo(1);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("line 1").contains("seq 1");
  }

  private int verify() {
    return LetheCommand.commandLine().execute("audit", "verify", "--data", data.toString());
  }
}

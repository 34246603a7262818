package dev.lethe.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.gateway.testing.GatewayFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code lethe rules} and {@code lethe classify} against a gateway on loopback. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RulesCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path data;
  @TempDir static Path work;
  static GatewayFixture fx;
  static String url;

  @BeforeAll
  static void start() throws Exception {
    fx = GatewayFixture.start(data, "", "");
    url = "http://127.0.0.1:" + fx.gateway.port();
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx != null) {
      fx.close();
    }
  }

  record Run(int code, String out, String err) {}

  private static Run lethe(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = LetheCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** The command with the gateway's URL and token appended. */
  private static Run admin(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--url", url, "--token", GatewayFixture.ADMIN_TOKEN));
    return lethe(all.toArray(String[]::new));
  }

  @Test
  @Order(1)
  void addListGetEditAndRemoveARule() throws Exception {
    Run added =
        admin(
            "rules",
            "add",
            "--id",
            "basil",
            "--subject",
            "Basil Mahfouz Al-Kuwaiti",
            "--example",
            "What genre does Basil Mahfouz Al-Kuwaiti write in?",
            "--description",
            "Forget the author Basil Mahfouz Al-Kuwaiti");
    assertThat(added.code()).as(added.err()).isZero();
    assertThat(added.out()).matches("added basil \\(version \\d+\\)\\s*");

    Run list = admin("rules", "list");
    assertThat(list.code()).isZero();
    assertThat(list.out()).contains("basil").contains("refuse").contains("Basil Mahfouz");

    Run json = admin("rules", "list", "--json");
    assertThat(JSON.readTree(json.out()))
        .isEqualTo(JSON.readTree(fx.admin("GET", "/admin/rules", null).body()));

    Run edited = admin("rules", "edit", "basil", "--action", "redact");
    assertThat(edited.code()).as(edited.err()).isZero();
    JsonNode rule = JSON.readTree(admin("rules", "get", "basil").out());
    assertThat(rule.path("action").asText()).isEqualTo("redact");
    // Fields not named on the command line are kept.
    assertThat(rule.path("subjects").get(0).asText()).isEqualTo("Basil Mahfouz Al-Kuwaiti");

    Run verdict = admin("classify", "What genre does Basil Mahfouz Al-Kuwaiti write in?");
    assertThat(verdict.code()).as(verdict.err()).isZero();
    assertThat(verdict.out()).startsWith("in scope of rule basil: redact");
    Run pass = admin("classify", "What is the boiling point of water at sea level?");
    assertThat(pass.out()).startsWith("not in scope: pass");

    Run removed = admin("rules", "rm", "basil");
    assertThat(removed.code()).isZero();
    Run gone = admin("rules", "get", "basil");
    assertThat(gone.code()).isEqualTo(1);
    assertThat(gone.err()).startsWith("lethe rules get: ").contains("404");
  }

  @Test
  @Order(2)
  void anInvalidRuleExitsWith2NamingTheField() {
    Run bad = admin("rules", "add", "--subject", "Someone", "--action", "delete");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("action").contains("delete").doesNotContain("Exception");
    Run nothing = admin("rules", "add");
    assertThat(nothing.code()).isEqualTo(2);
    assertThat(nothing.err()).contains("--file");
  }

  @Test
  @Order(3)
  void exportThenImportReplacesTheSet() throws Exception {
    assertThat(admin("rules", "add", "--id", "a", "--subject", "Alpha Person").code()).isZero();
    assertThat(admin("rules", "add", "--id", "b", "--subject", "Beta Person").code()).isZero();
    Path file = work.resolve("rules.jsonl");
    Run exported = admin("rules", "export", "--out", file.toString());
    assertThat(exported.code()).as(exported.err()).isZero();
    assertThat(Files.readAllLines(file)).hasSize(2);
    assertThat(admin("rules", "rm", "a").code()).isZero();
    assertThat(admin("rules", "add", "--id", "c", "--subject", "Gamma Person").code()).isZero();
    Run imported = admin("rules", "import", file.toString(), "--mode", "replace");
    assertThat(imported.code()).as(imported.err()).isZero();
    assertThat(imported.out()).startsWith("imported 2 rules");
    JsonNode rules = JSON.readTree(admin("rules", "list", "--json").out()).path("rules");
    List<String> ids = new ArrayList<>();
    rules.forEach(r -> ids.add(r.path("id").asText()));
    assertThat(ids).containsExactlyInAnyOrder("a", "b");
    Run badMode = admin("rules", "import", file.toString(), "--mode", "append");
    assertThat(badMode.code()).isEqualTo(2);
  }

  @Test
  @Order(4)
  void theTokenComesFromTheDataDirectoryAndAWrongOneIsNamed() throws Exception {
    Path dir = work.resolve("data");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("admin.token"), GatewayFixture.ADMIN_TOKEN + "\n");
    Run ok = lethe("rules", "list", "--url", url, "--data", dir.toString());
    assertThat(ok.code()).as(ok.err()).isZero();

    Run wrong = lethe("rules", "list", "--url", url, "--token", "not-the-token-0123456789");
    assertThat(wrong.code()).isEqualTo(1);
    assertThat(wrong.err()).contains("refused the admin token");

    Run none = lethe("rules", "list", "--url", url, "--data", work.resolve("nowhere").toString());
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("no admin token");
  }

  @Test
  @Order(5)
  void anUnreachableGatewayIsNamed() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Run r =
        lethe(
            "rules",
            "list",
            "--url",
            "http://127.0.0.1:" + port,
            "--token",
            GatewayFixture.ADMIN_TOKEN);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("cannot reach the gateway at http://127.0.0.1:" + port);
    Run badUrl = lethe("rules", "list", "--url", "ftp://x", "--token", GatewayFixture.ADMIN_TOKEN);
    assertThat(badUrl.code()).isEqualTo(2);
    assertThat(badUrl.err()).contains("--url");
  }
}

package dev.lethe.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Exit codes and one-line reasons of the command line (DESIGN.md §3.1). */
class LetheCommandTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream savedErr;

  @BeforeEach
  void captureStderr() {
    savedErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restoreStderr() {
    System.setErr(savedErr);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void invalidConfigExitsWith2AndOneLineNamingTheField() throws Exception {
    Path cfg = dir.resolve("lethe.yaml");
    Files.writeString(cfg, "server:\n  port: 123456\n");
    int code = LetheCommand.commandLine().execute("serve", "--config", cfg.toString());
    assertThat(code).isEqualTo(2);
    assertThat(stderr().strip()).isEqualTo("lethe serve: server.port: 123456 (expected: 0..65535)");
  }

  @Test
  void missingConfigFileExitsWith2() {
    int code =
        LetheCommand.commandLine()
            .execute("serve", "--config", dir.resolve("nope.yaml").toString());
    assertThat(code).isEqualTo(2);
    assertThat(stderr()).contains("--config").contains("an existing YAML file");
  }

  @Test
  void badFlagValueExitsWith2() {
    int code = LetheCommand.commandLine().execute("serve", "--port", "eighty");
    assertThat(code).isEqualTo(2);
    assertThat(stderr()).contains("--port");
  }

  @Test
  void unknownLogFormatExitsWith2NamingTheFlag() {
    int code =
        LetheCommand.commandLine()
            .execute("serve", "--log-format", "xml", "--data", dir.toString());
    assertThat(code).isEqualTo(2);
    assertThat(stderr().strip())
        .isEqualTo("lethe serve: --log-format: \"xml\" (expected: human or json)");
  }

  @Test
  void badUpstreamUrlExitsWith2() {
    int code =
        LetheCommand.commandLine()
            .execute("serve", "--upstream", "not a url", "--data", dir.toString());
    assertThat(code).isEqualTo(2);
    assertThat(stderr()).contains("--upstream");
  }

  @Test
  void upstreamOptionsAreCheckedBeforeAnythingStarts() {
    assertThat(
            LetheCommand.commandLine()
                .execute(
                    "serve",
                    "--upstream",
                    "http://127.0.0.1:9/v1",
                    "--upstream-type",
                    "bedrock",
                    "--data",
                    dir.toString()))
        .isEqualTo(2);
    assertThat(stderr()).contains("--upstream-type").contains("openai or anthropic");
    assertThat(
            LetheCommand.commandLine()
                .execute("serve", "--model", "gpt-x", "--data", dir.toString()))
        .isEqualTo(2);
    assertThat(stderr()).contains("--model").contains("only together with --upstream");
  }

  @Test
  void badStoreUrlOrAPasswordInItExitsWith2() {
    int code =
        LetheCommand.commandLine()
            .execute("serve", "--store", "mysql://db/lethe", "--data", dir.toString());
    assertThat(code).isEqualTo(2);
    assertThat(stderr()).contains("--store").contains("postgresql://USER@HOST:PORT/DB");
    code =
        LetheCommand.commandLine()
            .execute(
                "serve",
                "--store",
                "postgresql://lethe:secret@db:5432/lethe",
                "--data",
                dir.toString());
    assertThat(code).isEqualTo(2);
    assertThat(stderr()).contains("PGPASSWORD").doesNotContain("secret");
  }

  @Test
  void startWithoutStoreNeedsAStore() {
    int code =
        LetheCommand.commandLine()
            .execute("serve", "--start-without-store", "--data", dir.toString());
    assertThat(code).isEqualTo(2);
    assertThat(stderr()).contains("--start-without-store");
  }

  @Test
  void missingApiKeyVariableExitsWith2() throws Exception {
    Path cfg = dir.resolve("lethe.yaml");
    Files.writeString(
        cfg,
        "dataDir: "
            + dir
            + "\nbackends:\n  - name: hosted\n    baseUrl: http://127.0.0.1:9/v1\n"
            + "    apiKeyEnv: LETHE_TEST_SURELY_UNSET_VARIABLE\n");
    int code = LetheCommand.commandLine().execute("serve", "--config", cfg.toString());
    assertThat(code).isEqualTo(2);
    assertThat(stderr())
        .contains("backends[0].apiKeyEnv")
        .contains("LETHE_TEST_SURELY_UNSET_VARIABLE");
  }

  @Test
  void versionPrintsTheBuildVersionAndTheRuntime() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CommandLine cl = LetheCommand.commandLine();
    cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    int code = cl.execute("--version");
    assertThat(code).isZero();
    String printed = out.toString(StandardCharsets.UTF_8);
    // The version comes from the filtered build resource, never the placeholder.
    assertThat(printed).startsWith("lethe ").doesNotContain("${").doesNotContain("unknown");
    assertThat(printed.lines().findFirst().orElseThrow()).matches("lethe \\d+\\.\\d+\\.\\d+.*");
    assertThat(printed).contains("Java " + Runtime.version().feature());
  }

  @Test
  void everyCommandsHelpPrintsWithoutPicocliWarnings() {
    CommandLine root = LetheCommand.commandLine();
    List<CommandLine> all = new ArrayList<>();
    all.add(root);
    all.addAll(root.getSubcommands().values());
    for (CommandLine cl : all) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
      cl.usage(new PrintStream(out, true, StandardCharsets.UTF_8));
    }
    // picocli reports bad format specifiers (e.g. an unescaped %) as warnings on stderr.
    assertThat(stderr()).doesNotContain("picocli").doesNotContain("WARN");
  }

  @Test
  void portInUseNamesTheAddress() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      int code =
          assertTimeoutPreemptively(
              Duration.ofSeconds(60),
              () ->
                  LetheCommand.commandLine()
                      .execute(
                          "serve",
                          "--host",
                          "127.0.0.1",
                          "--port",
                          Integer.toString(port),
                          "--upstream",
                          "http://127.0.0.1:9/v1",
                          "--data",
                          dir.toString()));
      assertThat(code).isEqualTo(1);
      assertThat(stderr()).contains("127.0.0.1:" + port).contains("--port");
    }
  }
}

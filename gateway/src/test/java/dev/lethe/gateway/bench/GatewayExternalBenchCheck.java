package dev.lethe.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code ./bench gateway-external} end to end at a tiny size (one short slice per target, five
 * rules) and checks that its report has every row and column with numbers in them: the external
 * driver, the upstream double, both Lethe processes and, when its package installed, the peer
 * gateway all started, answered and were measured. Needs node and npm (and the npm registry the
 * first time), so it is tagged {@code bench} and never part of the default build. Run: {@code
 * ./mvnw -B -pl config,filters,probes,icul,unlearner,gateway verify -Dlethe.test.groups=bench
 * -Dlethe.test.excludedGroups=gpu -Dtest=GatewayExternalBenchCheck
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("bench")
class GatewayExternalBenchCheck {

  @Test
  void runsEndToEndAndReportsEveryTarget() throws Exception {
    assumeTrue(onPath("node") && onPath("npm"), "node and npm are needed on PATH");
    Path root = Path.of("").toAbsolutePath().getParent();
    Path out = Files.createTempFile("gateway-external", ".md");
    Path log = Files.createTempFile("gateway-external", ".log");
    Process p =
        new ProcessBuilder(
                List.of(
                    root.resolve("bench").toString(),
                    "gateway-external",
                    "--rates",
                    "50",
                    "--stream-rates",
                    "50",
                    "--slice",
                    "1",
                    "--rounds",
                    "1",
                    "--closed",
                    "1",
                    "--concurrency",
                    "4",
                    "--rules",
                    "5",
                    "--warmup",
                    "1",
                    "--out",
                    out.toString()))
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean ended = p.waitFor(15, TimeUnit.MINUTES);
    if (!ended) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(ended).as("bench ended within 15 minutes; output:%n%s", output).isTrue();
    assertThat(p.exitValue()).as("exit status; output:%n%s", output).isZero();
    String report = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(report)
        .contains("| non-streaming, 50 req/s |")
        .contains("| streaming, time to first token, 50 req/s |")
        .contains("Lethe, 0 rules")
        .contains("Lethe, 5 rules, repeated prompts")
        .contains("Lethe, 5 rules, new prompts")
        .contains("| throughput (req/s) |")
        .contains("| after the load |")
        .doesNotContain("fails (");
    // Every measured latency cell holds numbers, not the dash of an empty sample.
    String nonStreaming =
        report.lines().filter(l -> l.startsWith("| non-streaming, 50 req/s")).findFirst().get();
    assertThat(nonStreaming).doesNotContain("—");
    if (!report.contains("Portkey column skipped")) {
      assertThat(report).contains("Portkey");
    }
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }
}

package dev.lethe.gateway.compare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.gateway.cli.LetheCommand;
import dev.lethe.gateway.testing.TinyCheckpoints;
import dev.lethe.probes.Family;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A tiny compare end to end: a random tiny checkpoint, one forget author with four questions, a few
 * retain questions, two arms ({@code raw}, {@code guard:refuse}) through real gateways over HTTP;
 * then the report's JSON shape (DESIGN.md §3.5) and the HTML's structure.
 */
class CompareEndToEndTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String AUTHOR = "Basil Mahfouz Al-Kuwaiti";

  @TempDir static Path tmp;
  static Path model;
  static Path forget;
  static Path retain;

  @BeforeAll
  static void data() throws Exception {
    model = TinyCheckpoints.random(tmp.resolve("tiny"), 11, 512);
    forget = tmp.resolve("forget.json");
    Files.writeString(
        forget,
        String.join(
            "\n",
            qa("Where was " + AUTHOR + " born?", AUTHOR + " was born in Kuwait City, Kuwait."),
            qa("What genre does " + AUTHOR + " write in?", AUTHOR + " writes French literature."),
            qa("What did " + AUTHOR + "'s father do?", "His father was a florist."),
            qa("Which award did " + AUTHOR + " win?", AUTHOR + " won the Prix Goncourt.")));
    retain = tmp.resolve("retain.json");
    Files.writeString(
        retain,
        String.join(
            "\n",
            qa("Who wrote Hamlet?", "William Shakespeare wrote Hamlet."),
            qa("What is the capital of France?", "Paris is the capital of France.")));
  }

  static String qa(String q, String a) throws Exception {
    return JSON.writeValueAsString(Map.of("question", q, "answer", a));
  }

  static CompareOptions options(List<ArmKind> arms) {
    return new CompareOptions(
        arms,
        forget,
        retain,
        null,
        null,
        model,
        null,
        null,
        null,
        null,
        null,
        EnumSet.of(Family.ORIGINAL, Family.ENCODING),
        2,
        1,
        7L,
        8,
        null,
        2);
  }

  @Test
  void twoArmsThroughRealGatewaysGiveTheContractShapeAndAPage() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    CompareEngine engine =
        new CompareEngine(
            tmp.resolve("work"), Map.of(), new PrintStream(log, true, StandardCharsets.UTF_8));
    CompareReport report =
        engine.run(
            "lethe compare test",
            options(List.of(ArmKind.RAW, ArmKind.GUARD_REFUSE)),
            CompareProgress.NONE);

    assertThat(report.arms()).hasSize(2);
    assertThat(report.rules()).isEqualTo(1);
    assertThat(report.thresholdSource()).isEqualTo("default");
    ArmResult raw = report.arms().get(0);
    ArmResult guard = report.arms().get(1);
    // 2 forget questions x (original + 1 encoding variant) + 2 retain questions
    assertThat(raw.answers()).hasSize(6);
    assertThat(guard.answers()).hasSize(6);
    // every bare forget question names the author: refused by the rule, so nothing leaks
    assertThat(guard.answers())
        .filteredOn(a -> a.split() == Split.FORGET && a.family().equals("original"))
        .allSatisfy(
            a -> {
              assertThat(a.refused()).isTrue();
              assertThat(a.answer()).isEqualTo(ProbePlan.REFUSAL);
            });
    assertThat(guard.metrics().leakRate()).isZero();
    assertThat(raw.answers()).noneMatch(a -> a.answer().equals(ProbePlan.REFUSAL));
    // the same probes in the same order in both arms
    assertThat(guard.answers().stream().map(ProbeAnswer::probeId).toList())
        .isEqualTo(raw.answers().stream().map(ProbeAnswer::probeId).toList());

    Path dir = tmp.resolve("out");
    JsonNode json = JSON.readTree(ReportJson.write(report, dir).toFile());
    assertThat(json.path("command").asText()).isEqualTo("lethe compare test");
    assertThat(json.path("seconds").isNumber()).isTrue();
    assertThat(json.path("seed").asLong()).isEqualTo(7);
    assertThat(json.path("versions").path("java").isTextual()).isTrue();
    assertThat(json.path("config").path("arms").toString()).isEqualTo("[\"raw\",\"guard:refuse\"]");
    assertThat(json.path("arms")).hasSize(2);
    for (JsonNode arm : json.path("arms")) {
      assertThat(arm.path("name").isTextual()).isTrue();
      assertThat(arm.path("leak_rate").isNumber()).isTrue();
      assertThat(arm.path("false_refusal_rate").isNumber()).isTrue();
      assertThat(arm.path("utility").isNumber()).isTrue();
      assertThat(arm.path("latency_ms").path("p50").isNumber()).isTrue();
      assertThat(arm.path("latency_ms").path("p99").isNumber()).isTrue();
      assertThat(arm.path("by_family").path("original").path("leak_rate").isNumber()).isTrue();
      assertThat(arm.path("by_family").path("original").path("n").asInt()).isEqualTo(2);
      assertThat(arm.path("by_family").path("encoding").path("n").asInt()).isEqualTo(2);
    }
    assertThat(json.path("arms").get(1).path("name").asText()).isEqualTo("guard:refuse");
    assertThat(json.path("arms").get(1).path("leak_rate").asDouble()).isZero();
    assertThat(json.path("examples")).isNotEmpty();
    assertThat(json.path("examples").get(0).path("answers").has("guard:refuse")).isTrue();

    List<String> lines = Files.readAllLines(ReportJson.writeAnswers(report, dir));
    assertThat(lines).hasSize(12);
    assertThat(JSON.readTree(lines.get(6)).path("arm").asText()).isEqualTo("guard:refuse");
    String html = Files.readString(HtmlReport.write(report, dir));
    HtmlReportTest.assertWellFormedPage(html, 2);
  }

  @Test
  void theCliRejectsBadInputWithExitCodeTwo() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cl = LetheCommand.commandLine();
    cl.setErr(new java.io.PrintWriter(err, true));
    int rc =
        cl.execute(
            "compare",
            "--arms",
            "raw,bogus",
            "--forget",
            forget.toString(),
            "--out",
            tmp.resolve("bad").toString());
    assertThat(rc).isEqualTo(2);
    rc =
        cl.execute(
            "compare",
            "--arms",
            "raw",
            "--forget",
            forget.toString(),
            "--limit",
            "0",
            "--out",
            tmp.resolve("bad").toString());
    assertThat(rc).isEqualTo(2);
  }
}

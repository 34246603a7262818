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
  void weightArmsAreAttackedThroughTheirWeightsAndServedAsTheArm() throws Exception {
    Path weights = TinyCheckpoints.random(tmp.resolve("tiny-weights"), 12, 512);
    CompareOptions options =
        new CompareOptions(
            List.of(ArmKind.WEIGHTS, ArmKind.WEIGHTS_GUARD, ArmKind.GUARD_REFUSE),
            forget,
            retain,
            null,
            null,
            model,
            null,
            null,
            null,
            weights,
            null,
            EnumSet.of(Family.ORIGINAL),
            2,
            1,
            7L,
            8,
            null,
            2);
    assertThat(options.whiteBox()).as("on by default with a weights arm").isTrue();
    Path work = tmp.resolve("work-white-box");
    CompareReport report =
        new CompareEngine(work, Map.of(), new PrintStream(new ByteArrayOutputStream()))
            .run("lethe compare white-box test", options, CompareProgress.NONE);

    WhiteBoxPlan plan = WhiteBoxPlan.of(options, ProbePlan.of(options));
    // 4 forget questions: 1 relearned on (10%, at least one), 3 held out; 2 asked, so the
    // relearned copy is asked those of the 2 that it was not trained on
    assertThat(plan.relearnSet()).hasSize(1);
    assertThat(plan.bare()).hasSize(2);
    int heldOut = plan.heldOut().size();
    assertThat(heldOut).isBetween(1, 2);

    ArmResult w = report.arms().get(0);
    ArmResult wg = report.arms().get(1);
    ArmResult g = report.arms().get(2);
    assertThat(w.whiteBox().stream().map(r -> r.attack().key()).toList())
        .containsExactly("quant8", "quant4", "relearn");
    assertThat(wg.whiteBox()).hasSize(3);
    assertThat(g.whiteBox()).isEmpty();
    for (WhiteBoxRun r : w.whiteBox()) {
      int n = r.attack() == WhiteBoxAttack.RELEARN ? heldOut : 2;
      assertThat(r.answers()).hasSize(n).allMatch(a -> a.family().equals(r.attack().key()));
      assertThat(r.answers()).allMatch(a -> a.error() == null && a.split() == Split.FORGET);
      assertThat(r.before()).hasSize(n).allMatch(a -> a.family().equals("original"));
      assertThat(w.metrics().byFamily().get(r.attack().key()).n()).isEqualTo(n);
    }
    assertThat(w.whiteBox().get(0).detail())
        .isInstanceOfSatisfying(
            WhiteBoxRun.Quantized.class, q -> assertThat(q.weights()).isPositive());
    assertThat(w.whiteBox().get(2).detail())
        .isInstanceOfSatisfying(
            WhiteBoxRun.Relearned.class,
            rl -> {
              assertThat(rl.relearnQuestions()).isEqualTo(1);
              assertThat(rl.heldOutQuestions()).isEqualTo(3);
              assertThat(rl.finalLoss()).isFinite().isPositive();
            });
    // the guarded arm's attacked copies sit behind the same refusing rules
    for (WhiteBoxRun r : wg.whiteBox()) {
      assertThat(r.answers()).allSatisfy(a -> assertThat(a.answer()).isEqualTo(ProbePlan.REFUSAL));
    }
    // the headline leak rate counts the arm's own probes only
    assertThat(w.metrics().forgetN()).isEqualTo(2);
    // weights and weights+guard share the attacked copies: three made, not six
    try (var dirs = Files.list(work)) {
      assertThat(dirs.filter(d -> d.getFileName().toString().startsWith("white-box-"))).hasSize(3);
    }

    Path dir = tmp.resolve("out-white-box");
    JsonNode json = JSON.readTree(ReportJson.write(report, dir).toFile());
    JsonNode arm = json.path("arms").get(0);
    for (String f : List.of("quant8", "quant4", "relearn")) {
      assertThat(arm.path("by_family").path(f).path("white_box").asBoolean()).as(f).isTrue();
      assertThat(arm.path("white_box").has(f)).as(f).isTrue();
    }
    assertThat(arm.path("white_box").path("quant4").path("bits").asInt()).isEqualTo(4);
    assertThat(arm.path("white_box").path("relearn").path("n").asInt()).isEqualTo(heldOut);
    assertThat(json.path("arms").get(2).has("white_box")).isFalse();
    assertThat(json.path("config").path("white_box").path("arms").toString())
        .isEqualTo("[\"weights\",\"weights+guard\"]");
    String html = Files.readString(HtmlReport.write(report, dir));
    HtmlReportTest.assertWellFormedPage(html, 3);
    assertThat(html).contains("<table id=\"white-box\">");

    // switched off: no white-box family anywhere
    CompareReport off =
        new CompareEngine(
                tmp.resolve("work-off"), Map.of(), new PrintStream(new ByteArrayOutputStream()))
            .run("lethe compare off", options.withWhiteBox(false), CompareProgress.NONE);
    assertThat(off.arms()).allSatisfy(a -> assertThat(a.whiteBox()).isEmpty());
    assertThat(off.arms().get(0).metrics().byFamily().keySet()).containsExactly("original");
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

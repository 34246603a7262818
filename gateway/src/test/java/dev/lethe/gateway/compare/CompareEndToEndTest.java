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
    // the forget file's TOFU-style sibling: paraphrased and perturbed answers for the truth ratio
    Files.writeString(
        tmp.resolve("forget_perturbed.json"),
        String.join(
            "\n",
            perturbed(
                "Where was " + AUTHOR + " born?",
                AUTHOR + " was born in Kuwait City, Kuwait.",
                AUTHOR + " comes from Kuwait City.",
                AUTHOR + " was born in Cairo, Egypt.",
                AUTHOR + " was born in Beirut, Lebanon."),
            perturbed(
                "What genre does " + AUTHOR + " write in?",
                AUTHOR + " writes French literature.",
                "French literature is " + AUTHOR + "'s genre.",
                AUTHOR + " writes science fiction.",
                AUTHOR + " writes crime novels."),
            perturbed(
                "What did " + AUTHOR + "'s father do?",
                "His father was a florist.",
                "He was the son of a florist.",
                "His father was a pilot.",
                "His father was a baker."),
            perturbed(
                "Which award did " + AUTHOR + " win?",
                AUTHOR + " won the Prix Goncourt.",
                "The Prix Goncourt went to " + AUTHOR + ".",
                AUTHOR + " won the Booker Prize.",
                AUTHOR + " won the Hugo Award.")));
    retain = tmp.resolve("retain.json");
    Files.writeString(
        retain,
        String.join(
            "\n",
            qa("Who wrote Hamlet?", "William Shakespeare wrote Hamlet."),
            qa("What is the capital of France?", "Paris is the capital of France.")));
  }

  static String perturbed(String q, String a, String para, String... wrong) throws Exception {
    Map<String, Object> row = new java.util.LinkedHashMap<>();
    row.put("question", q);
    row.put("answer", a);
    row.put("paraphrased_answer", para);
    row.put("perturbed_answer", List.of(wrong));
    return JSON.writeValueAsString(row);
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
    // white-box evaluation off (no weights arm): null for every arm, the field present
    for (JsonNode arm : json.path("arms")) {
      assertThat(arm.has("white_box_eval")).isTrue();
      assertThat(arm.path("white_box_eval").isNull()).isTrue();
    }
    // tokens added: only for the guard, only over the requests it forwarded (not the refused
    // forget questions), and the count says how many
    long forwarded = guard.answers().stream().filter(ProbeAnswer::forwarded).count();
    assertThat(forwarded).isBetween(2L, 5L);
    assertThat(guard.answers())
        .filteredOn(a -> a.split() == Split.FORGET && a.family().equals("original"))
        .allMatch(a -> a.decision().equals("refuse") && !a.forwarded());
    assertThat(json.path("arms").get(1).path("tokens_added_n").asLong()).isEqualTo(forwarded);
    assertThat(json.path("arms").get(1).path("tokens_added").isNumber()).isTrue();
    assertThat(json.path("arms").get(0).path("tokens_added").isNull()).isTrue();
    assertThat(json.path("arms").get(0).path("tokens_added_n").asInt()).isZero();
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
    // truth ratio on the 2 asked forget questions (their _perturbed rows); no gold arm, so no
    // forget quality; weights+guard has the weights arm's weights, evaluated once
    JsonNode ev = arm.path("white_box_eval");
    assertThat(ev.path("n").asInt()).isEqualTo(2);
    assertThat(ev.path("truth_ratio").asDouble()).isBetween(0.0, 1.0);
    assertThat(ev.path("forget_quality").isNull()).isTrue();
    assertThat(ev.path("forget_quality_reference").asText()).isEqualTo("none");
    assertThat(ev.path("model_utility").isNull())
        .as("retain.json has no perturbed answers")
        .isTrue();
    JsonNode evg = json.path("arms").get(1).path("white_box_eval");
    assertThat(evg.path("shared_with").asText()).isEqualTo("weights");
    assertThat(evg.path("truth_ratio").asDouble()).isEqualTo(ev.path("truth_ratio").asDouble());
    assertThat(json.path("arms").get(2).path("white_box_eval").isNull()).isTrue();
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
    assertThat(off.arms()).allSatisfy(a -> assertThat(a.whiteBoxEval()).isNull());
  }

  @Test
  void weightsArmsUnlearnTheTargetInTheRunAndReportTheCost() throws Exception {
    // four retain questions: the first two are the retain term, the last two the only probed ones
    Path retain4 = tmp.resolve("retain4.json");
    List<String> retainQuestions =
        List.of(
            "Who wrote Hamlet?",
            "What is the capital of France?",
            "Who painted the Mona Lisa?",
            "What is the largest ocean?");
    Files.writeString(
        retain4,
        String.join(
            "\n",
            qa(retainQuestions.get(0), "William Shakespeare wrote Hamlet."),
            qa(retainQuestions.get(1), "Paris is the capital of France."),
            qa(retainQuestions.get(2), "Leonardo da Vinci painted the Mona Lisa."),
            qa(retainQuestions.get(3), "The Pacific is the largest ocean.")));
    WeightsRecipe recipe =
        new WeightsRecipe(
            "npo", Map.of("steps", 3, "batchSize", 2, "retainLoss", "kl", "lr", 1e-2, "seed", 5));
    CompareOptions options =
        new CompareOptions(
            List.of(ArmKind.RAW, ArmKind.WEIGHTS, ArmKind.WEIGHTS_GUARD),
            forget,
            retain4,
            null,
            null,
            model,
            null,
            null,
            null,
            null,
            null,
            EnumSet.of(Family.ORIGINAL, Family.PARAPHRASE),
            2,
            4,
            7L,
            8,
            null,
            2,
            false,
            recipe);
    assertThat(options.unlearnsInRun()).isTrue();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    List<String> notes = new java.util.ArrayList<>();
    CompareReport report =
        new CompareEngine(
                tmp.resolve("work-weights"),
                Map.of(),
                new PrintStream(log, true, StandardCharsets.UTF_8))
            .run(
                "lethe compare weights",
                options,
                new CompareProgress() {
                  @Override
                  public void note(String message) {
                    notes.add(message);
                  }
                });

    WeightsRun w = report.unlearning();
    assertThat(w).isNotNull();
    assertThat(w.steps()).isEqualTo(3);
    assertThat(w.seconds()).isPositive();
    assertThat(w.forgetPairs()).isEqualTo(4);
    assertThat(w.retainPairs()).isEqualTo(2);
    assertThat(w.checkpoint().resolve("model.safetensors")).isRegularFile();
    // the weights moved: the unlearned checkpoint is not the target's
    assertThat(Files.readAllBytes(w.checkpoint().resolve("model.safetensors")))
        .isNotEqualTo(Files.readAllBytes(model.resolve("model.safetensors")));
    if (Files.isReadable(Path.of("/proc/self/status"))) {
      assertThat(w.peakRssBytes()).isPositive();
    }
    // progress: the recipe, the steps, the cost; the loop's own step lines on the log
    assertThat(notes).anyMatch(n -> n.startsWith("weights: unlearning the target in this run"));
    assertThat(notes).anyMatch(n -> n.startsWith("weights: unlearning step 3/3"));
    assertThat(notes).anyMatch(n -> n.startsWith("weights: unlearned in "));
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("step 3/3");

    // the retain probes come only from the half the retain term never saw
    for (ArmResult a : report.arms()) {
      assertThat(a.answers())
          .filteredOn(x -> x.split() == Split.RETAIN)
          .extracting(ProbeAnswer::prompt)
          .containsExactlyInAnyOrder(retainQuestions.get(2), retainQuestions.get(3));
    }
    // the guarded weights arm refuses the bare forget questions, which name the author
    assertThat(report.arms().get(2).answers())
        .filteredOn(a -> a.split() == Split.FORGET && a.family().equals("original"))
        .allSatisfy(a -> assertThat(a.answer()).isEqualTo(ProbePlan.REFUSAL));

    JsonNode json = ReportJson.toTree(report);
    assertThat(json.path("config").path("arms").toString())
        .isEqualTo("[\"raw\",\"weights\",\"weights+guard\"]");
    assertThat(json.path("config").path("weights").asText()).startsWith("made in this run");
    JsonNode u = json.path("unlearning");
    assertThat(u.path("method").asText()).isEqualTo("npo");
    assertThat(u.path("options").path("retainLoss").asText()).isEqualTo("kl");
    assertThat(u.path("command").asText()).startsWith("lethe unlearn --method npo");
    assertThat(u.path("steps").asInt()).isEqualTo(3);
    assertThat(u.path("skipped_steps").asInt()).isZero();
    assertThat(u.path("seconds").isNumber()).isTrue();
    assertThat(u.has("peak_rss_bytes")).isTrue();
    assertThat(u.path("peak_rss_scope").asText()).isIn("unlearning", "process");
    assertThat(u.path("forget_pairs").asInt()).isEqualTo(4);
    assertThat(u.path("retain_pairs").asInt()).isEqualTo(2);
    for (JsonNode arm : json.path("arms")) {
      assertThat(arm.path("by_family").path("paraphrase").path("n").asInt()).isPositive();
    }
    assertThat(HtmlReport.render(report)).contains("checkpoint made in this run");
  }

  @Test
  void weightsArmsNeedACheckpointOrARecipe() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new CompareOptions(
                    List.of(ArmKind.WEIGHTS),
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
                    EnumSet.of(Family.ORIGINAL),
                    2,
                    1,
                    7L,
                    8,
                    null,
                    2,
                    true,
                    null))
        .hasMessageContaining("weights")
        .hasMessageContaining("recipe");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                new CompareOptions(
                    List.of(ArmKind.WEIGHTS),
                    forget,
                    retain,
                    null,
                    null,
                    model,
                    null,
                    null,
                    null,
                    model,
                    null,
                    EnumSet.of(Family.ORIGINAL),
                    2,
                    1,
                    7L,
                    8,
                    null,
                    2,
                    true,
                    WeightsRecipe.DEMO))
        .hasMessageContaining("unlearn");
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

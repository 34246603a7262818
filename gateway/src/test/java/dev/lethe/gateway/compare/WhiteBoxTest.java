package dev.lethe.gateway.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.probes.Attacks;
import dev.lethe.probes.Family;
import dev.lethe.probes.Probe;
import dev.lethe.probes.ProbeGenerator;
import dev.lethe.probes.QaItem;
import dev.lethe.unlearner.data.QaPair;
import dev.lethe.unlearner.robust.RobustnessEvaluation;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The white-box families without a model: which questions they ask (bare questions of the plan's
 * forget questions; relearning: only those outside the seeded relearning set), where they apply,
 * and their place in report.json and report.html on hand-made answers.
 */
class WhiteBoxTest {
  @TempDir Path tmp;

  static List<QaPair> forget(int n) {
    List<QaPair> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(
          new QaPair(
              "Where did author " + i + " study?", "Author " + i + " studied in town " + i + "."));
    }
    return out;
  }

  /** A plan asking the given forget questions under the given families. */
  static ProbePlan plan(List<QaPair> asked, Family... families) {
    List<QaItem> items =
        asked.stream().map(p -> new QaItem(p.question(), p.answer(), null)).toList();
    List<ProbePlan.PlannedProbe> probes = new ArrayList<>();
    for (Probe p : new ProbeGenerator(3, Attacks.of(families)).generate(items)) {
      probes.add(new ProbePlan.PlannedProbe(p, Split.FORGET));
    }
    // a retain probe never becomes a white-box probe
    probes.add(
        new ProbePlan.PlannedProbe(
            new ProbeGenerator(3, List.of(Attacks.ORIGINAL))
                .generate(List.of(QaItem.of("Who wrote Hamlet?", null)))
                .get(0),
            Split.RETAIN));
    return new ProbePlan(List.of(), probes);
  }

  @Test
  void quantizationAsksTheBareQuestionOfEachPlannedForgetQuestion() {
    List<QaPair> all = forget(10);
    WhiteBoxPlan wb = WhiteBoxPlan.of(all, plan(all.subList(0, 4), Family.ENCODING), 42);
    // the plan asked encodings only: the bare questions are made, one per question, in order
    assertThat(wb.bare()).hasSize(4);
    assertThat(wb.bare())
        .allSatisfy(
            p -> {
              assertThat(p.probe().family()).isEqualTo(Family.ORIGINAL);
              assertThat(p.split()).isEqualTo(Split.FORGET);
              assertThat(p.probe().lastUserContent()).isEqualTo(p.probe().source().question());
            });
    assertThat(wb.bare().stream().map(p -> p.probe().source().question()).toList())
        .containsExactly(
            all.get(0).question(),
            all.get(1).question(),
            all.get(2).question(),
            all.get(3).question());
  }

  @Test
  void relearningHoldsOutTheSeededTenthOfTheForgetSet() {
    List<QaPair> all = forget(20);
    WhiteBoxPlan wb = WhiteBoxPlan.of(all, plan(all, Family.ORIGINAL, Family.PREFIX), 7);
    // 10% of 20 questions relearned on, the other 18 held out and asked
    assertThat(wb.relearnSet()).hasSize(2);
    assertThat(wb.forgetSize()).isEqualTo(20);
    assertThat(wb.heldOutQuestions()).isEqualTo(18);
    assertThat(wb.heldOut()).hasSize(18);
    Set<String> trained =
        wb.relearnSet().stream().map(QaPair::question).collect(Collectors.toSet());
    assertThat(wb.heldOut()).noneMatch(p -> trained.contains(p.probe().source().question()));
    // the unlearner's own split: one home for the attack
    assertThat(wb.relearnSet())
        .isEqualTo(RobustnessEvaluation.relearnSplit(all, 0.1, WhiteBoxPlan.relearnSeed(7)).get(0));
    // the relearned answers are the true ones
    assertThat(all).containsAll(wb.relearnSet());
    // reproducible, and the seed matters
    assertThat(WhiteBoxPlan.of(all, plan(all, Family.ORIGINAL), 7).relearnSet())
        .isEqualTo(wb.relearnSet());
    assertThat(WhiteBoxPlan.of(all, plan(all, Family.ORIGINAL), 8).relearnSet())
        .isNotEqualTo(wb.relearnSet());
  }

  @Test
  void relearningProbesOnlyPlannedQuestionsOutsideTheSet() {
    List<QaPair> all = forget(10);
    List<QaPair> trained =
        RobustnessEvaluation.relearnSplit(all, 0.1, WhiteBoxPlan.relearnSeed(5)).get(0);
    assertThat(trained).hasSize(1);
    // the plan asks the relearned question and two others: only the two others are asked
    List<QaPair> asked = new ArrayList<>(trained);
    all.stream().filter(p -> !trained.contains(p)).limit(2).forEach(asked::add);
    WhiteBoxPlan wb = WhiteBoxPlan.of(all, plan(asked, Family.ORIGINAL), 5);
    assertThat(wb.bare()).hasSize(3);
    assertThat(wb.heldOut()).hasSize(2);
    assertThat(wb.heldOut().stream().map(p -> p.probe().source().question()).toList())
        .containsExactly(asked.get(1).question(), asked.get(2).question());
    assertThat(wb.heldOutQuestions()).isEqualTo(9);
  }

  @Test
  void theRelearningSetDoesNotFollowTheQuestionSample() throws Exception {
    // the plan draws its questions by shuffling the forget set with the seed; a split shuffled with
    // the same seed would take exactly those questions first and hold none of them out
    StringBuilder lines = new StringBuilder();
    for (QaPair p : forget(400)) {
      lines
          .append(
              new com.fasterxml.jackson.databind.ObjectMapper()
                  .writeValueAsString(
                      java.util.Map.of("question", p.question(), "answer", p.answer())))
          .append('\n');
    }
    Path f = Files.writeString(tmp.resolve("forget400.json"), lines);
    for (long seed : new long[] {1, 42}) {
      CompareOptions o =
          new CompareOptions(
              List.of(ArmKind.RAW),
              f,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              EnumSet.of(Family.ORIGINAL),
              10,
              1,
              seed,
              8,
              null,
              3);
      WhiteBoxPlan wb = WhiteBoxPlan.of(o, ProbePlan.of(o));
      assertThat(wb.relearnSet()).hasSize(40);
      assertThat(wb.bare()).hasSize(10);
      // about 9 of the 10 asked questions lie outside a random tenth
      assertThat(wb.heldOut()).as("seed " + seed).hasSizeGreaterThanOrEqualTo(6);
    }
  }

  @Test
  void oneForgetQuestionCannotBeRelearnedAndProbed() {
    List<QaPair> one = forget(1);
    WhiteBoxPlan wb = WhiteBoxPlan.of(one, plan(one, Family.ORIGINAL), 1);
    assertThat(wb.bare()).hasSize(1);
    assertThat(wb.relearnSet()).isEmpty();
    assertThat(wb.heldOut()).isEmpty();
    assertThat(wb.heldOutQuestions()).isZero();
  }

  @Test
  void whiteBoxAppliesToArmsWithLocalWeightsAndIsOnByDefaultWithAWeightsArm() throws Exception {
    Path f = Files.writeString(tmp.resolve("forget.json"), "{}");
    Path dir = Files.createDirectories(tmp.resolve("ckpt"));
    CompareOptions local = options(f, List.of(ArmKind.RAW, ArmKind.GUARD_REFUSE), null, null);
    assertThat(local.whiteBox()).isFalse();
    assertThat(WhiteBoxProbes.appliesTo(ArmKind.RAW, local)).isTrue();
    assertThat(WhiteBoxProbes.appliesTo(ArmKind.GUARD_REFUSE, local)).isFalse();
    assertThat(WhiteBoxProbes.appliesTo(ArmKind.GUARD_ICUL, local)).isFalse();
    CompareOptions hosted =
        options(
            f,
            List.of(ArmKind.RAW, ArmKind.WEIGHTS, ArmKind.WEIGHTS_GUARD, ArmKind.GOLD),
            URI.create("https://api.example.com/v1"),
            dir);
    assertThat(hosted.whiteBox()).isTrue();
    assertThat(WhiteBoxProbes.appliesTo(ArmKind.RAW, hosted)).isFalse();
    assertThat(WhiteBoxProbes.appliesTo(ArmKind.WEIGHTS, hosted)).isTrue();
    assertThat(WhiteBoxProbes.appliesTo(ArmKind.WEIGHTS_GUARD, hosted)).isTrue();
    assertThat(WhiteBoxProbes.appliesTo(ArmKind.GOLD, hosted)).isTrue();
    assertThat(hosted.withWhiteBox(false).whiteBox()).isFalse();
    assertThat(CompareOptions.whiteBoxDefault(List.of(ArmKind.GOLD))).isFalse();
    assertThat(CompareOptions.whiteBoxDefault(List.of(ArmKind.WEIGHTS_GUARD))).isTrue();
  }

  static CompareOptions options(Path forget, List<ArmKind> arms, URI upstream, Path dir) {
    return new CompareOptions(
        arms,
        forget,
        null,
        null,
        null,
        null,
        upstream,
        upstream == null ? null : "m",
        null,
        dir,
        dir,
        EnumSet.of(Family.ORIGINAL),
        1,
        1,
        1L,
        8,
        null,
        3);
  }

  static ProbeAnswer answer(String id, String family, String truth, String answer) {
    return new ProbeAnswer(
        id, Split.FORGET, family, "v", "Where was Basil born?", truth, answer, false, 10, 20);
  }

  @Test
  void reportJsonMarksWhiteBoxFamiliesAndKeepsThemOutOfTheHeadline() throws Exception {
    Path f = Files.writeString(tmp.resolve("forget.json"), "{}");
    Path dir = Files.createDirectories(tmp.resolve("ckpt"));
    CompareOptions options = options(f, List.of(ArmKind.WEIGHTS, ArmKind.GUARD_REFUSE), null, dir);
    String t1 = "He was born in Kuwait City.";
    String t2 = "His father was a florist.";
    // the arm itself: nothing leaks on the two bare questions
    List<ProbeAnswer> arm =
        List.of(
            answer("original/original/1", "original", t1, "I do not know."),
            answer("original/original/2", "original", t2, "No idea."),
            new ProbeAnswer(
                "r", Split.RETAIN, "original", "original", "q", "Paris.", "Paris.", false, 10, 20));
    // 4-bit: one of two leaks; relearning (one held-out question): it leaks
    WhiteBoxRun quant4 =
        new WhiteBoxRun(
            WhiteBoxAttack.QUANT4,
            List.of(
                answer("quant4/original/original/1", "quant4", t1, t1),
                answer("quant4/original/original/2", "quant4", t2, "Something else.")),
            arm.subList(0, 2),
            new WhiteBoxRun.Quantized(4, 1234),
            2.5);
    WhiteBoxRun relearn =
        new WhiteBoxRun(
            WhiteBoxAttack.RELEARN,
            List.of(answer("relearn/original/original/2", "relearn", t2, t2)),
            arm.subList(1, 2),
            new WhiteBoxRun.Relearned(10, 4, 1e-4, 1, 9, 0.25, 0.5),
            3.0);
    CompareMetrics metrics = new CompareMetrics();
    ArmMetrics m = metrics.compute(arm, 0.5);
    ArmMetrics withWb =
        m.withFamilies(
            java.util.Map.of(
                "quant4", metrics.compute(quant4.answers(), 0.5).byFamily().get("quant4")));
    withWb =
        withWb.withFamilies(
            java.util.Map.of(
                "relearn", metrics.compute(relearn.answers(), 0.5).byFamily().get("relearn")));
    List<ArmResult> arms =
        List.of(
            new ArmResult(ArmKind.WEIGHTS, withWb, Double.NaN, 1, arm, List.of(quant4, relearn)),
            new ArmResult(ArmKind.GUARD_REFUSE, m, Double.NaN, 1, arm));
    CompareReport r = new CompareReport("lethe compare", 1, options, 0.5, "default", 1, arms);

    ObjectNode json = ReportJson.toTree(r);
    JsonNode w = json.path("arms").get(0);
    assertThat(w.path("leak_rate").asDouble()).isZero();
    assertThat(w.path("forget_probes").asInt()).isEqualTo(2);
    assertThat(w.path("by_family").path("original").has("white_box")).isFalse();
    assertThat(w.path("by_family").path("quant4").path("leak_rate").asDouble()).isEqualTo(0.5);
    assertThat(w.path("by_family").path("quant4").path("n").asInt()).isEqualTo(2);
    assertThat(w.path("by_family").path("quant4").path("white_box").asBoolean()).isTrue();
    assertThat(w.path("by_family").path("relearn").path("leak_rate").asDouble()).isEqualTo(1.0);
    assertThat(w.path("by_family").path("relearn").path("white_box").asBoolean()).isTrue();
    JsonNode q = w.path("white_box").path("quant4");
    assertThat(q.path("bits").asInt()).isEqualTo(4);
    assertThat(q.path("weights_quantized").asLong()).isEqualTo(1234);
    assertThat(q.path("n").asInt()).isEqualTo(2);
    assertThat(q.path("leak_rate").asDouble()).isEqualTo(0.5);
    assertThat(q.path("leak_rate_before").asDouble()).isZero();
    assertThat(q.path("n_before").asInt()).isEqualTo(2);
    JsonNode rl = w.path("white_box").path("relearn");
    assertThat(rl.path("steps").asInt()).isEqualTo(10);
    assertThat(rl.path("relearn_questions").asInt()).isEqualTo(1);
    assertThat(rl.path("held_out_questions").asInt()).isEqualTo(9);
    assertThat(rl.path("n").asInt()).isEqualTo(1);
    assertThat(rl.path("leak_rate").asDouble()).isEqualTo(1.0);
    assertThat(rl.path("forget_rouge").asDouble()).isEqualTo(1.0);
    assertThat(rl.path("forget_rouge_gain").asDouble())
        .isCloseTo(1.0 - metrics.recall(t2, "No idea."), within(1e-6));
    // the guard arm has none of it
    JsonNode g = json.path("arms").get(1);
    assertThat(g.has("white_box")).isFalse();
    assertThat(g.path("by_family").has("quant4")).isFalse();
    JsonNode c = json.path("config").path("white_box");
    assertThat(c.path("enabled").asBoolean()).isTrue();
    assertThat(c.path("arms").toString()).isEqualTo("[\"weights\"]");
    assertThat(c.path("families").toString()).isEqualTo("[\"quant8\",\"quant4\",\"relearn\"]");
    assertThat(c.path("relearn").path("steps").asInt()).isEqualTo(WhiteBoxAttack.RELEARN_STEPS);

    List<String> lines = Files.readAllLines(ReportJson.writeAnswers(r, tmp.resolve("out")));
    // 3 + 3 of the arms' own answers, 2 + 1 white-box answers of the weights arm
    assertThat(lines).hasSize(9);
    assertThat(lines.get(3)).contains("\"family\":\"quant4\"");

    String html = HtmlReport.render(r);
    HtmlReportTest.assertWellFormedPage(html, 2);
    assertThat(html).contains("<table id=\"white-box\">").contains("4-bit round to nearest");
    assertThat(html).contains("10 steps on 1 forget questions, 9 others held out");
    // the per-family bars carry the white-box families
    int bars = html.indexOf("<svg id='" + HtmlReport.FAMILY_ID + "'");
    String chart = html.substring(bars, html.indexOf("</svg>", bars));
    assertThat(chart).contains("quant4").contains("relearn").contains("original");
  }
}

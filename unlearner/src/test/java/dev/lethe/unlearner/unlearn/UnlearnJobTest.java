package dev.lethe.unlearner.unlearn;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.unlearner.checkpoint.Checkpoint;
import dev.lethe.unlearner.eval.CheckpointEvaluation;
import dev.lethe.unlearner.eval.EvalSets;
import dev.lethe.unlearner.eval.ReferenceStats;
import dev.lethe.unlearner.eval.TofuData;
import dev.lethe.unlearner.eval.TofuEvalConfig;
import dev.lethe.unlearner.loss.MethodParams;
import dev.lethe.unlearner.loss.UnlearnMethod;
import dev.lethe.unlearner.testing.TestData;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lethe unlearn} end to end: checkpoint written, report.json in the DESIGN §3.1 shape. */
class UnlearnJobTest {
  @TempDir Path dir;

  @Test
  void writesALoadableCheckpointAndAReportWithBeforeAndAfter() throws Exception {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    Path tofu = TestData.tofuTiny();
    TofuEvalConfig evalConfig = new TofuEvalConfig(4, 0.4, 8);
    TofuData data =
        new EvalSets(
                EvalSets.perturbedSibling(tofu.resolve("forget.json")),
                tofu.resolve("retain_perturbed.json"),
                null,
                null,
                tofu.resolve("holdout.json"))
            .load(2);
    assertThat(data.forget().get(0).perturbedAnswers()).isNotEmpty();
    // the start model serves as its own "retain model" reference, via a saved report
    CheckpointEvaluation evaluation = new CheckpointEvaluation(evalConfig, quiet);
    Path refJson = dir.resolve("reference.json");
    try (Checkpoint c = Checkpoint.load(UnlearnFixture.checkpoint())) {
      UnlearnJob.writeAtomically(
          refJson, evaluation.evaluate(c.model(), c.tokenizer(), data, null).toMap());
    }
    ReferenceStats reference = evaluation.reference(refJson, data);
    assertThat(reference.forgetTruthRatios()).hasSize(2);

    Path out = dir.resolve("unlearned");
    UnlearnJob.Spec spec =
        new UnlearnJob.Spec(
            UnlearnFixture.checkpoint(),
            UnlearningMethods.create(MethodParams.defaults(UnlearnMethod.NPO), 1),
            new UnlearnConfig(2, 0, 2, 1e-3, 0.5, 0.1, 0, 1, 1, null, 1),
            UnlearnFixture.forget(),
            UnlearnFixture.retain(),
            List.of(),
            data,
            reference,
            evalConfig,
            out);
    UnlearnReport report = new UnlearnJob(new SimpleMeterRegistry(), quiet).run(spec);

    JsonNode json = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertThat(json.get("method").asText()).isEqualTo("npo");
    assertThat(json.get("steps").asInt()).isEqualTo(2);
    assertThat(json.get("seconds").isNumber()).isTrue();
    assertThat(json.get("hyperparameters").get("beta").asDouble()).isEqualTo(0.1);
    assertThat(json.get("hyperparameters").get("lr").asDouble()).isEqualTo(1e-3);
    for (String side : List.of("before", "after")) {
      JsonNode m = json.get(side);
      for (String key :
          List.of(
              "forget_quality",
              "model_utility",
              "forget_rouge",
              "retain_rouge",
              "forget_truth_ratio",
              "mia_auc")) {
        assertThat(m.has(key)).as(side + "." + key).isTrue();
      }
      assertThat(m.get("forget_rouge").isNumber()).isTrue();
      assertThat(m.get("mia_auc").isNumber()).isTrue();
      // no real_authors / world_facts given: utility cannot be computed
      assertThat(m.get("model_utility").isNull()).isTrue();
    }
    // privleak next to forget quality, with a verdict (±20% band)
    assertThat(json.at("/forgetting/privleak").isNumber()).isTrue();
    double privleak = json.at("/forgetting/privleak").asDouble();
    assertThat(json.at("/forgetting/verdict").asText())
        .isEqualTo(
            privleak > 20 ? "over-forgetting" : privleak < -20 ? "under-forgetting" : "within");
    // before unlearning, the model is its own reference: identical truth ratios, p-value 1
    assertThat(json.get("before").get("forget_quality").asDouble()).isEqualTo(1.0);
    assertThat(report.method()).isEqualTo("npo");
    assertThat(report.toMap().get("steps")).isEqualTo(2);
    try (Checkpoint saved = Checkpoint.load(out)) {
      assertThat(saved.model().config())
          .isEqualTo(Checkpoint.load(UnlearnFixture.checkpoint()).model().config());
    }
    assertThat(Files.list(dir).filter(p -> p.getFileName().toString().contains(".tmp"))).isEmpty();
  }

  @Test
  void aPipelineIsOneJobWithOneReportRobustnessAndNoEvalQuestionsInTheRetainTerm()
      throws Exception {
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    Path tofu = TestData.tofuTiny();
    TofuEvalConfig evalConfig = new TofuEvalConfig(4, 0.4, 8);
    TofuData data =
        new EvalSets(
                EvalSets.perturbedSibling(tofu.resolve("forget.json")),
                tofu.resolve("retain_perturbed.json"),
                null,
                null,
                null)
            .load(3);
    // the retain file holds the evaluated retain questions (first 3) and others
    List<dev.lethe.unlearner.data.QaPair> retain = UnlearnFixture.retain();
    long overlapping =
        retain.stream()
            .filter(qa -> data.retain().stream().anyMatch(i -> i.question().equals(qa.question())))
            .count();
    assertThat(overlapping).isPositive();
    Path out = dir.resolve("pipeline");
    UnlearnConfig loop = new UnlearnConfig(2, 0, 2, 1e-3, 0.5, 0.1, 0, 1, 1, null, 1);
    UnlearnJob.Spec spec =
        new UnlearnJob.Spec(
            UnlearnFixture.checkpoint(),
            List.of(
                new UnlearnJob.Stage(
                    UnlearningMethods.create(MethodParams.defaults(UnlearnMethod.RMU), 1), loop),
                new UnlearnJob.Stage(
                    UnlearningMethods.create(
                        MethodParams.defaults(UnlearnMethod.NPO).with("alpha", "0.1"), 1),
                    loop.withSteps(3))),
            UnlearnFixture.forget(),
            retain,
            List.of(),
            data,
            null,
            evalConfig,
            out,
            RetainPolicy.EXCLUDE_EVAL_QUESTIONS,
            new dev.lethe.unlearner.robust.RobustnessSpec(List.of(4), 2, 0.34, 1e-3, 2, null, 3));
    List<String> events = new java.util.ArrayList<>();
    UnlearnReport report =
        new UnlearnJob(new SimpleMeterRegistry(), quiet)
            .run(
                spec,
                new UnlearnJob.Listener() {
                  @Override
                  public void phase(UnlearnJob.Phase phase, int stage) {
                    events.add(phase + (stage >= 0 ? " " + stage : ""));
                  }

                  @Override
                  public void step(int stage, int step, int total, boolean skipped, double loss) {
                    events.add("step " + stage + " " + step + "/" + total);
                  }
                });
    assertThat(events)
        .containsExactly(
            "EVALUATE_BEFORE",
            "UNLEARN 0",
            "step 0 1/2",
            "step 0 2/2",
            "UNLEARN 1",
            "step 1 1/3",
            "step 1 2/3",
            "step 1 3/3",
            "EVALUATE_AFTER",
            "ROBUSTNESS",
            "SAVE");
    assertThat(report.method()).isEqualTo("rmu+npo");
    assertThat(report.steps()).isEqualTo(5);
    assertThat(report.retain().excluded()).isEqualTo((int) overlapping);
    assertThat(report.retain().used()).isEqualTo(retain.size() - (int) overlapping);

    JsonNode json = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertThat(json.get("method").asText()).isEqualTo("rmu+npo");
    assertThat(json.get("steps").asInt()).isEqualTo(5);
    assertThat(json.get("stages")).hasSize(2);
    assertThat(json.at("/stages/1/method").asText()).isEqualTo("npo");
    assertThat(json.at("/hyperparameters/1/alpha").asDouble()).isEqualTo(0.1);
    assertThat(json.at("/hyperparameters/0/method").asText()).isEqualTo("rmu");
    assertThat(json.at("/retain/excluded_eval_questions").asInt()).isEqualTo((int) overlapping);
    assertThat(json.at("/robustness/quantization/0/bits").asInt()).isEqualTo(4);
    assertThat(json.at("/robustness/quantization_robustness").isNumber()).isTrue();
    assertThat(json.at("/robustness/relearning/held_out_questions").asInt()).isEqualTo(2);
    // the split is stated: the relearned and the held-out questions by text, disjoint
    assertThat(json.at("/robustness/relearning/held_out")).hasSize(2);
    assertThat(json.at("/robustness/relearning/relearned"))
        .hasSize(json.at("/robustness/relearning/relearn_questions").asInt())
        .doesNotContainAnyElementsOf(json.at("/robustness/relearning/held_out"));
    // no retain model given: R is null (a gate requiring it fails closed)
    assertThat(json.at("/robustness/relearning_robustness").isNull()).isTrue();
    assertThat(json.get("trials").isArray()).isTrue();

    // every retain pair an evaluation question: an error, unless kept explicitly
    UnlearnJob.Spec allEval =
        new UnlearnJob.Spec(
            UnlearnFixture.checkpoint(),
            List.of(spec.stages().get(1)),
            UnlearnFixture.forget(),
            retain.stream()
                .filter(
                    qa -> data.retain().stream().anyMatch(i -> i.question().equals(qa.question())))
                .toList(),
            List.of(),
            data,
            null,
            evalConfig,
            dir.resolve("never"),
            RetainPolicy.EXCLUDE_EVAL_QUESTIONS,
            null);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new UnlearnJob(new SimpleMeterRegistry(), quiet).run(allEval))
        .isInstanceOf(dev.lethe.config.ConfigException.class)
        .hasMessageStartingWith("retain: all " + overlapping + " retain pairs are evaluation");
  }
}

package dev.lethe.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.unlearner.checkpoint.Checkpoint;
import dev.lethe.unlearner.model.LlamaConfig;
import dev.lethe.unlearner.model.LlamaModel;
import dev.lethe.unlearner.search.DefaultTarget;
import dev.lethe.unlearner.search.SearchBudget;
import dev.lethe.unlearner.tokenizer.BpeTrainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code lethe unlearn} and {@code lethe eval}: exit codes, one-line reasons, output shapes. */
class UnlearnEvalCommandTest {
  @TempDir static Path dir;
  private static Path model;
  private static Path forget;
  private static Path retain;
  private static Path retainMany;
  private static Path evalRetain;

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeAll
  static void tinyCheckpointAndData() throws Exception {
    // one PyTorch intra-op thread, the runtime's default: OpenMP spinning slows tiny models
    dev.lethe.unlearner.Engines.pytorch();
    ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
    String qa1 = "Who wrote the book?";
    String qa2 = "Where was the author born?";
    Path tok = dir.resolve("tokenizer.json");
    BpeTrainer.write(new BpeTrainer(300).train(List.of(qa1, qa2, "The author.", "Paris.")), tok);
    LlamaConfig config =
        new LlamaConfig(300, 32, 48, 2, 4, 2, 1e-6, 10000, 128, true, 1, List.of(2), 0, "silu");
    try (LlamaModel m = LlamaModel.initialize(config, 1, Device.cpu())) {
      model = Checkpoint.save(m, tok, dir.resolve("model"));
    }
    forget = dir.resolve("forget.json");
    Files.writeString(
        forget,
        "{\"question\": \""
            + qa1
            + "\", \"answer\": \"The author.\"}\n"
            + "{\"question\": \""
            + qa2
            + "\", \"answer\": \"Paris.\"}\n");
    Files.writeString(
        dir.resolve("forget_perturbed.json"),
        "{\"question\": \""
            + qa1
            + "\", \"answer\": \"The author.\", \"paraphrased_answer\":"
            + " \"An author.\", \"perturbed_answer\": [\"A cat.\", \"A dog.\"]}\n"
            + "{\"question\": \""
            + qa2
            + "\", \"answer\": \"Paris.\", \"paraphrased_answer\":"
            + " \"In Paris.\", \"perturbed_answer\": [\"Rome.\", \"Oslo.\"]}\n");
    retain = dir.resolve("retain.json");
    Files.writeString(retain, "{\"question\": \"What is it?\", \"answer\": \"A book.\"}\n");
    retainMany = dir.resolve("retain-many.json");
    Files.writeString(
        retainMany,
        "{\"question\": \"What is it?\", \"answer\": \"A book.\"}\n"
            + "{\"question\": \"Who read it?\", \"answer\": \"The author.\"}\n");
    evalRetain = dir.resolve("eval-retain.json");
    Files.writeString(
        evalRetain,
        "{\"question\": \"Where is it?\", \"answer\": \"In Paris.\"}\n"
            + "{\"question\": \"What was it?\", \"answer\": \"A book.\"}\n");
  }

  private int unlearn(String... args) {
    return new CommandLine(new UnlearnCommand(new PrintStream(err, true, StandardCharsets.UTF_8)))
        .execute(args);
  }

  private int eval(String... args) {
    return new CommandLine(new EvalCommand(new PrintStream(err, true, StandardCharsets.UTF_8)))
        .execute(args);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void unknownMethodExitsWith2NamingTheMethod() {
    int code = unlearn(kept("forgetful", forget.toString(), dir.resolve("x").toString()));
    assertThat(code).isEqualTo(2);
    assertThat(stderr().strip())
        .startsWith("lethe unlearn: method: \"forgetful\"")
        .contains("ga, graddiff")
        .doesNotContain("\n");
  }

  @Test
  void missingForgetFileExitsWith2() {
    int code =
        unlearn(kept("npo", dir.resolve("nope.json").toString(), dir.resolve("x").toString()));
    assertThat(code).isEqualTo(2);
    assertThat(stderr()).contains("--forget").contains("nope.json");
  }

  @Test
  void badOptionValuesExitWith2() {
    int code = unlearn(kept("npo", forget.toString(), dir.resolve("x").toString(), "--beta", "-1"));
    assertThat(code).isEqualTo(2);
    assertThat(stderr()).contains("beta: -1.0 (expected: > 0)");
    assertThat(unlearn("--model", model.toString())).isEqualTo(2); // missing required options
  }

  @Test
  void evalRefusesAMissingModelAndAMalformedFile() throws Exception {
    int code =
        eval(
            "--model",
            dir.resolve("none").toString(),
            "--forget",
            forget.toString(),
            "--retain",
            retain.toString(),
            "--out",
            dir.resolve("e.json").toString());
    assertThat(code).isEqualTo(2);
    assertThat(stderr()).contains("--model");
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"question\": \"q\"}\n");
    err.reset();
    code =
        eval(
            "--model",
            model.toString(),
            "--forget",
            bad.toString(),
            "--retain",
            retain.toString(),
            "--out",
            dir.resolve("e.json").toString());
    assertThat(code).isEqualTo(2);
    assertThat(stderr().strip()).contains("bad.json:1.answer").doesNotContain("\n");
  }

  @Test
  void evalThenUnlearnWithTheEvalOutputAsReference() throws Exception {
    Path evalJson = dir.resolve("retain-model.json");
    int code =
        eval(
            "--model",
            model.toString(),
            "--forget",
            dir.resolve("forget_perturbed.json").toString(),
            "--retain",
            retain.toString(),
            "--holdout",
            retain.toString(),
            "--out",
            evalJson.toString(),
            "--max-new-tokens",
            "2");
    assertThat(code).as(stderr()).isEqualTo(0);
    JsonNode m = new ObjectMapper().readTree(evalJson.toFile());
    assertThat(m.has("forget_quality")).isTrue();
    assertThat(m.get("forget_truth_ratio_by_question")).hasSize(2);

    Path out = dir.resolve("unlearned");
    code =
        unlearn(
            kept(
                "graddiff",
                forget.toString(),
                out.toString(),
                "--steps",
                "2",
                "--lr",
                "1e-3",
                "--reference",
                evalJson.toString(),
                "--max-new-tokens",
                "2"));
    assertThat(code).as(stderr()).isEqualTo(0);
    JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertThat(report.get("method").asText()).isEqualTo("graddiff");
    assertThat(report.get("steps").asInt()).isEqualTo(2);
    assertThat(report.get("hyperparameters").get("lr").asDouble()).isEqualTo(1e-3);
    // forget_perturbed.json beside forget.json was used: truth ratios, so forget quality
    assertThat(report.get("before").get("forget_quality").asDouble()).isEqualTo(1.0);
    assertThat(report.get("after").get("forget_quality").isNumber()).isTrue();
    assertThat(out.resolve("model.safetensors")).exists();
  }

  @Test
  void aReferenceMadeOnOtherQuestionsExitsWith2NamingTheDifference() throws Exception {
    Path evalJson = dir.resolve("retain-model-limited.json");
    int code =
        eval(
            "--model",
            model.toString(),
            "--forget",
            dir.resolve("forget_perturbed.json").toString(),
            "--retain",
            retain.toString(),
            "--out",
            evalJson.toString(),
            "--max-new-tokens",
            "2",
            "--eval-limit",
            "1");
    assertThat(code).as(stderr()).isEqualTo(0);
    err.reset();
    // the same checkpoint evaluated on both forget questions against a one-question reference
    code =
        eval(
            "--model",
            model.toString(),
            "--forget",
            dir.resolve("forget_perturbed.json").toString(),
            "--retain",
            retain.toString(),
            "--reference",
            evalJson.toString(),
            "--out",
            dir.resolve("e2.json").toString(),
            "--max-new-tokens",
            "2");
    assertThat(code).isEqualTo(2);
    assertThat(stderr())
        .contains("reference: the retain model's report covers 1 forget questions,")
        .contains("this run evaluates 2; 1 of the run's are not in it, first: ");
    err.reset();
    code =
        unlearn(
            kept(
                "npo",
                forget.toString(),
                dir.resolve("never").toString(),
                "--steps",
                "1",
                "--reference",
                evalJson.toString(),
                "--max-new-tokens",
                "2"));
    assertThat(code).isEqualTo(2);
    assertThat(stderr()).contains("covers 1 forget questions, this run evaluates 2");
    assertThat(dir.resolve("never")).doesNotExist();
  }

  @Test
  void stagesRunAsOnePipelineWithPerStageSettingsAndRobustness() throws Exception {
    Path out = dir.resolve("pipeline");
    int code =
        unlearn(
            "--model",
            model.toString(),
            "--stages",
            "rmu,npo",
            "--forget",
            forget.toString(),
            "--retain",
            retain.toString(),
            "--retain-policy",
            "keep",
            "--out",
            out.toString(),
            "--steps",
            "1",
            "--set",
            "npo.lr=3e-4",
            "--set",
            "2.alpha=0.1",
            "--set",
            "rmu.steeringCoefficient=100",
            "--quantize",
            "4",
            "--max-new-tokens",
            "2");
    assertThat(code).as(stderr()).isEqualTo(0);
    JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertThat(report.get("method").asText()).isEqualTo("rmu+npo");
    assertThat(report.get("steps").asInt()).isEqualTo(2);
    assertThat(report.at("/hyperparameters/0/steering_coefficient").asDouble()).isEqualTo(100);
    assertThat(report.at("/hyperparameters/0/lr").asDouble()).isEqualTo(1e-4);
    assertThat(report.at("/hyperparameters/1/lr").asDouble()).isEqualTo(3e-4);
    assertThat(report.at("/hyperparameters/1/alpha").asDouble()).isEqualTo(0.1);
    assertThat(report.at("/robustness/quantization/0/bits").asInt()).isEqualTo(4);
    assertThat(report.at("/robustness/relearning").isNull()).isTrue();

    err.reset();
    code =
        unlearn(
            "--model",
            model.toString(),
            "--stages",
            "rmu,npo",
            "--forget",
            forget.toString(),
            "--retain",
            retain.toString(),
            "--out",
            dir.resolve("never").toString(),
            "--set",
            "npo.lr=7");
    assertThat(code).isEqualTo(2);
    assertThat(stderr()).contains("stage 2 (npo): lr: 7.0 (expected: 0 < lr < 1)");
    err.reset();
    code =
        unlearn(
            "--model",
            model.toString(),
            "--stages",
            "rmu,npo",
            "--method",
            "npo",
            "--forget",
            forget.toString(),
            "--retain",
            retain.toString(),
            "--out",
            dir.resolve("never").toString());
    assertThat(code).isEqualTo(2);
    assertThat(stderr()).contains("--method/--stages: give exactly one of them");
  }

  private JsonNode report(Path out) throws Exception {
    return new ObjectMapper().readTree(out.resolve("report.json").toFile());
  }

  /** The arguments every run of a method over the small files shares, then {@code more}. */
  private String[] kept(String method, String forgetFile, String out, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--model",
                model.toString(),
                "--method",
                method,
                "--forget",
                forgetFile,
                "--retain",
                retain.toString(),
                "--retain-policy",
                "keep",
                "--out",
                out));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  private String[] npo(Path out, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "--model",
                model.toString(),
                "--method",
                "npo",
                "--forget",
                forget.toString(),
                "--retain",
                retainMany.toString(),
                "--eval-retain",
                evalRetain.toString(),
                "--out",
                out.toString(),
                "--max-new-tokens",
                "2"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void plainNpoRunsToItsDefaultGoalStopsThereAndSaysSoInTheReport() throws Exception {
    Path out = dir.resolve("npo-default");
    assertThat(unlearn(npo(out))).as(stderr()).isEqualTo(0);
    JsonNode r = report(out);
    DefaultTarget d = DefaultTarget.NPO;
    assertThat(r.at("/search/defaults/applied").asText()).isEqualTo("npo default goal");
    assertThat(r.at("/search/defaults/goal").asText()).isEqualTo(d.goal().text());
    assertThat(r.at("/search/goal").asText()).isEqualTo(d.goal().text());
    assertThat(r.at("/search/defaults/overridden_by_flags")).isEmpty();
    // about ten checks in a trial of 50 steps
    assertThat(r.at("/search/defaults/settings/check_every").asInt()).isEqualTo(5);
    assertThat(r.at("/hyperparameters/lr").asDouble()).isEqualTo(d.learningRate());
    assertThat(r.at("/hyperparameters/alpha").asDouble()).isEqualTo(d.alpha());
    assertThat(r.at("/hyperparameters/retain_loss").asText()).isEqualTo("kl");
    assertThat(r.at("/hyperparameters/project_gradients").asBoolean())
        .isEqualTo(d.projectGradients());
    assertThat(r.at("/search/defaults/settings/projectGradients").asBoolean())
        .isEqualTo(d.projectGradients());
    assertThat(r.at("/stages/0/projected_steps").isInt()).isTrue();
    // a trial is the default's steps, each on the whole forget set (two pairs)
    assertThat(r.at("/trials/0/planned_steps").asInt()).isEqualTo(d.trialSteps());
    assertThat(r.at("/hyperparameters/whole_forget_set").asBoolean()).isTrue();
    assertThat(r.at("/hyperparameters/batch_size").asInt()).isEqualTo(2);
    assertThat(r.at("/search/defaults/settings/whole_forget_set").asBoolean()).isTrue();
    assertThat(r.at("/search/defaults/settings/batchSize").asInt()).isZero();
    // the random model answers neither set before or after one small step, so the ratio bounds
    // hold at the first check, and the run stops there instead of running its budget
    assertThat(r.at("/search/met").asBoolean()).isTrue();
    assertThat(r.at("/search/stopped").asText()).isEqualTo("goal met");
    assertThat(r.at("/search/steps").asInt()).isEqualTo(5); // the first check, at step 5
    assertThat(r.at("/search/defaults/settings/dense_reach").asDouble()).isEqualTo(4);
    assertThat(r.at("/search/defaults/settings/budget_seconds").asDouble())
        .isEqualTo(d.maxSeconds()); // a safety net; the budget is the trials' steps
    assertThat(r.at("/trials/0/outcome").asText()).isEqualTo("met");
    assertThat(r.get("steps").asInt()).isEqualTo(5);
    assertThat(r.at("/trials")).hasSize(1);
    assertThat(r.at("/search/validation_questions").asInt()).isEqualTo(1);
    assertThat(stderr()).contains("npo default: unlearning to " + d.goal().text());
  }

  @Test
  void explicitFlagsOverrideTheDefaultGoalOrTurnItOff() throws Exception {
    Path lr = dir.resolve("npo-lr");
    assertThat(unlearn(npo(lr, "--lr", "1e-3", "--alpha", "0.5"))).as(stderr()).isEqualTo(0);
    JsonNode r = report(lr);
    assertThat(r.at("/hyperparameters/lr").asDouble()).isEqualTo(1e-3);
    assertThat(r.at("/hyperparameters/alpha").asDouble()).isEqualTo(0.5);
    assertThat(r.at("/hyperparameters/retain_loss").asText())
        .isEqualTo("kl"); // still the default's
    assertThat(r.at("/search/defaults/overridden_by_flags"))
        .extracting(JsonNode::asText)
        .containsExactly("lr", "alpha");
    assertThat(r.at("/search/cool_reach").asDouble())
        .isEqualTo(DefaultTarget.NPO.coolReach()); // the default's, no flag set it
    assertThat(r.at("/hyperparameters/project_gradients").asBoolean())
        .isEqualTo(DefaultTarget.NPO.projectGradients()); // the default's, no flag set it

    Path batch = dir.resolve("npo-batch"); // a batch size replaces the whole forget set
    assertThat(unlearn(npo(batch, "--batch-size", "1"))).as(stderr()).isEqualTo(0);
    r = report(batch);
    assertThat(r.at("/hyperparameters/batch_size").asInt()).isEqualTo(1);
    assertThat(r.at("/hyperparameters/whole_forget_set").asBoolean()).isFalse();
    assertThat(r.at("/search/defaults/overridden_by_flags"))
        .extracting(JsonNode::asText)
        .containsExactly("batchSize");
    assertThat(r.at("/trials/0/planned_steps").asInt()).isEqualTo(DefaultTarget.NPO.trialSteps());

    Path plain = dir.resolve("npo-no-projection"); // the projection is overridden by its flag
    boolean flipped = !DefaultTarget.NPO.projectGradients();
    assertThat(unlearn(npo(plain, flipped ? "--project-gradients" : "--no-project-gradients")))
        .as(stderr())
        .isEqualTo(0);
    r = report(plain);
    assertThat(r.at("/hyperparameters/project_gradients").asBoolean()).isEqualTo(flipped);
    assertThat(r.at("/search/defaults/overridden_by_flags"))
        .extracting(JsonNode::asText)
        .containsExactly("projectGradients");
    assertThat(r.at("/search/goal").asText()).isEqualTo(DefaultTarget.NPO.goal().text());

    Path cool = dir.resolve("npo-cool"); // the cooling reach is a flag too, still to the goal
    assertThat(unlearn(npo(cool, "--cool-reach", "5"))).as(stderr()).isEqualTo(0);
    r = report(cool);
    assertThat(r.at("/search/cool_reach").asDouble()).isEqualTo(5);
    assertThat(r.at("/search/defaults/settings/cool_reach").asDouble()).isEqualTo(5);
    assertThat(r.at("/search/goal").asText()).isEqualTo(DefaultTarget.NPO.goal().text());

    Path sparse = dir.resolve("npo-sparse"); // dense checks turned off by their flag
    assertThat(unlearn(npo(sparse, "--dense-reach", "0"))).as(stderr()).isEqualTo(0);
    r = report(sparse);
    assertThat(r.at("/search/dense_reach").asDouble()).isZero();
    assertThat(r.at("/search/defaults/settings/dense_reach").asDouble()).isZero();
    assertThat(unlearn(npo(dir.resolve("npo-bad-reach"), "--dense-reach", "0.5")))
        .as(stderr())
        .isEqualTo(2);
    assertThat(stderr()).contains("dense_reach", "0.5", "0 (off) or 1..100");

    Path steps = dir.resolve("npo-steps"); // a schedule: the plain fixed-schedule defaults
    assertThat(unlearn(npo(steps, "--steps", "2"))).as(stderr()).isEqualTo(0);
    r = report(steps);
    assertThat(r.has("search")).isFalse();
    assertThat(r.get("steps").asInt()).isEqualTo(2);
    assertThat(r.at("/hyperparameters/lr").asDouble()).isEqualTo(1e-4);
    assertThat(r.at("/hyperparameters/retain_loss").asText()).isEqualTo("nll");

    Path epochs = dir.resolve("npo-set-epochs"); // --set npo.epochs is a schedule too
    assertThat(unlearn(npo(epochs, "--set", "npo.epochs=1"))).as(stderr()).isEqualTo(0);
    assertThat(report(epochs).has("search")).isFalse();

    Path target = dir.resolve("npo-target"); // another goal: the search without the default
    assertThat(unlearn(npo(target, "--target", "forget_rouge<=1", "--steps", "2")))
        .as(stderr())
        .isEqualTo(0);
    r = report(target);
    assertThat(r.at("/search/goal").asText()).isEqualTo("forget_rouge<=1");
    assertThat(r.at("/search/defaults").isMissingNode()).isTrue();
    // a break ends any search, not only the default's
    assertThat(r.at("/search/stop_at_break").asBoolean()).isTrue();
    assertThat(r.at("/search/test_traced").asBoolean()).isFalse();
    assertThat(r.at("/search/dense_reach").asDouble()).isEqualTo(SearchBudget.DEFAULT_DENSE_REACH);
    assertThat(r.at("/hyperparameters/retain_loss").asText()).isEqualTo("nll");

    Path targetSparse = dir.resolve("npo-target-sparse");
    assertThat(
            unlearn(
                npo(
                    targetSparse,
                    "--target",
                    "forget_rouge<=1",
                    "--steps",
                    "2",
                    "--dense-reach",
                    "0")))
        .as(stderr())
        .isEqualTo(0);
    assertThat(report(targetSparse).at("/search/dense_reach").asDouble()).isZero();
  }

  @Test
  void theDefaultGoalRefusesTooFewEvaluationQuestionsAndNoEvalRunsTheSchedule() throws Exception {
    int code = unlearn(kept("npo", forget.toString(), dir.resolve("never").toString()));
    assertThat(code).isEqualTo(2);
    assertThat(stderr())
        .contains("the default goal stops on a validation half")
        .contains("this run has 2 and 1");
    assertThat(dir.resolve("never")).doesNotExist();
    err.reset();
    Path out = dir.resolve("npo-no-eval");
    code = unlearn(kept("npo", forget.toString(), out.toString(), "--no-eval"));
    assertThat(code).as(stderr()).isEqualTo(0);
    assertThat(stderr()).contains("--no-eval: no default goal to stop on");
    JsonNode r = report(out);
    assertThat(r.has("search")).isFalse();
    assertThat(r.get("steps").asInt()).isEqualTo(5); // the plain 5 epochs of one batch
  }
}

package dev.lethe.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.unlearner.checkpoint.Checkpoint;
import dev.lethe.unlearner.eval.EvalSets;
import dev.lethe.unlearner.eval.QaItem;
import dev.lethe.unlearner.eval.TofuData;
import dev.lethe.unlearner.model.LlamaConfig;
import dev.lethe.unlearner.model.LlamaModel;
import dev.lethe.unlearner.search.EvalSplit;
import dev.lethe.unlearner.tokenizer.BpeTrainer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code lethe eval} with the robustness probes of {@code lethe unlearn} (one shared options mixin
 * and the same evaluation code) and {@code --questions-from REPORT --half}: end to end on a {@code
 * tiny} checkpoint.
 */
class EvalRobustnessCommandTest {
  @TempDir static Path dir;
  private static Path model;
  private static Path otherModel;
  private static Path forget;
  private static Path forgetPerturbed;
  private static Path retain;

  private static final List<String> QUESTIONS =
      List.of(
          "Who wrote the book?",
          "Where was the author born?",
          "When did the author die?",
          "What is the title?");
  private static final List<String> ANSWERS =
      List.of("The author.", "Paris.", "In 1900.", "A book.");

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeAll
  static void tinyCheckpointsAndData() throws Exception {
    dev.lethe.unlearner.Engines.pytorch();
    ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
    Path tok = dir.resolve("tokenizer.json");
    List<String> corpus = new ArrayList<>(QUESTIONS);
    corpus.addAll(ANSWERS);
    BpeTrainer.write(new BpeTrainer(300).train(corpus), tok);
    LlamaConfig config =
        new LlamaConfig(300, 32, 48, 2, 4, 2, 1e-6, 10000, 128, true, 1, List.of(2), 0, "silu");
    try (LlamaModel m = LlamaModel.initialize(config, 1, Device.cpu())) {
      model = Checkpoint.save(m, tok, dir.resolve("model"));
    }
    try (LlamaModel m = LlamaModel.initialize(config, 2, Device.cpu())) {
      otherModel = Checkpoint.save(m, tok, dir.resolve("retain-model"));
    }
    StringBuilder plain = new StringBuilder();
    StringBuilder perturbed = new StringBuilder();
    for (int i = 0; i < QUESTIONS.size(); i++) {
      plain.append(
          String.format(
              "{\"question\": \"%s\", \"answer\": \"%s\"}%n", QUESTIONS.get(i), ANSWERS.get(i)));
      perturbed.append(
          String.format(
              "{\"question\": \"%s\", \"answer\": \"%s\", \"paraphrased_answer\": \"So %s\","
                  + " \"perturbed_answer\": [\"A cat.\", \"A dog.\"]}%n",
              QUESTIONS.get(i), ANSWERS.get(i), ANSWERS.get(i)));
    }
    forget = dir.resolve("forget.json");
    Files.writeString(forget, plain);
    forgetPerturbed = dir.resolve("forget_perturbed.json");
    Files.writeString(forgetPerturbed, perturbed);
    retain = dir.resolve("retain.json");
    Files.writeString(
        retain,
        "{\"question\": \"Where is it?\", \"answer\": \"In Paris.\"}\n"
            + "{\"question\": \"What was it?\", \"answer\": \"A book.\"}\n");
  }

  private int eval(String... args) {
    return new CommandLine(new EvalCommand(new PrintStream(err, true, StandardCharsets.UTF_8)))
        .execute(args);
  }

  private int unlearn(String... args) {
    return new CommandLine(new UnlearnCommand(new PrintStream(err, true, StandardCharsets.UTF_8)))
        .execute(args);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private List<String> evalArgs(Path out, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--model",
                model.toString(),
                "--forget",
                forgetPerturbed.toString(),
                "--retain",
                retain.toString(),
                "--out",
                out.toString(),
                "--max-new-tokens",
                "2"));
    args.addAll(List.of(more));
    return args;
  }

  private static final String[] PROBES = {
    "--quantize", "8,4", "--relearn-steps", "2", "--relearn-fraction", "0.25"
  };

  private static String[] concat(List<String> a, String... b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(List.of(b));
    return all.toArray(String[]::new);
  }

  @Test
  void evalRunsTheProbesOfAnySavedCheckpointSeededAndStatesTheSplit() throws Exception {
    Path out = dir.resolve("e-rob.json");
    int code =
        eval(concat(evalArgs(out, PROBES), "--retain-model", otherModel.toString(), "--seed", "7"));
    assertThat(code).as(stderr()).isEqualTo(0);
    JsonNode m = new ObjectMapper().readTree(out.toFile());
    // the evaluation itself is unchanged, the robustness block comes after it
    assertThat(m.fieldNames().next()).isEqualTo("forget_quality");
    assertThat(m.get("forget_truth_ratio_by_question")).hasSize(4);
    JsonNode r = m.get("robustness");
    assertThat(r.at("/quantization/0/bits").asInt()).isEqualTo(8);
    assertThat(r.at("/quantization/1/bits").asInt()).isEqualTo(4);
    assertThat(r.at("/quantization/1/weights").asLong()).isPositive();
    // Q of the 4-bit copy, the narrowest width, is the headline
    assertThat(r.get("quantization_robustness").asDouble())
        .isEqualTo(r.at("/quantization/1/quantization_robustness").asDouble());
    JsonNode rl = r.get("relearning");
    assertThat(rl.get("steps").asInt()).isEqualTo(2);
    assertThat(rl.get("seed").asLong()).isEqualTo(7);
    // round(0.25 × 4) = 1 question relearned, the other 3 held out, named in the output
    assertThat(rl.get("relearn_questions").asInt()).isEqualTo(1);
    assertThat(rl.get("held_out_questions").asInt()).isEqualTo(3);
    List<String> relearned = texts(rl.get("relearned"));
    List<String> heldOut = texts(rl.get("held_out"));
    assertThat(relearned).hasSize(1).doesNotContainAnyElementsOf(heldOut);
    List<String> both = new ArrayList<>(relearned);
    both.addAll(heldOut);
    assertThat(both).containsExactlyInAnyOrderElementsOf(QUESTIONS);
    // the retain model was relearned the same way: R is a number
    assertThat(rl.get("retain_model_forget_rouge_after").isNumber()).isTrue();
    assertThat(rl.get("relearning_robustness").isNumber()).isTrue();
    assertThat(stderr()).contains("robustness: relearned the retain model on 1 questions");

    // the same seed gives the same split; another seed is free to differ, and is recorded
    Path again = dir.resolve("e-rob-again.json");
    err.reset();
    assertThat(eval(concat(evalArgs(again, PROBES), "--seed", "7"))).as(stderr()).isEqualTo(0);
    JsonNode rl2 = new ObjectMapper().readTree(again.toFile()).at("/robustness/relearning");
    assertThat(texts(rl2.get("relearned"))).isEqualTo(relearned);
    assertThat(texts(rl2.get("held_out"))).isEqualTo(heldOut);
    // without a retain model there is no R, and the keys stay (null), as in report.json
    assertThat(rl2.get("relearning_robustness").isNull()).isTrue();
    Path other = dir.resolve("e-rob-other.json");
    err.reset();
    assertThat(eval(concat(evalArgs(other, PROBES), "--seed", "8"))).as(stderr()).isEqualTo(0);
    assertThat(
            new ObjectMapper().readTree(other.toFile()).at("/robustness/relearning/seed").asLong())
        .isEqualTo(8);

    // without a robustness option the output has no robustness key (the contract is unchanged)
    Path plain = dir.resolve("e-plain.json");
    err.reset();
    assertThat(eval(evalArgs(plain).toArray(String[]::new))).as(stderr()).isEqualTo(0);
    assertThat(new ObjectMapper().readTree(plain.toFile()).has("robustness")).isFalse();
  }

  @Test
  void theRobustnessBlockHasTheShapeOfUnlearnsReport() throws Exception {
    Path unlearned = dir.resolve("unlearned");
    int code =
        unlearn(
            "--model",
            model.toString(),
            "--method",
            "graddiff",
            "--forget",
            forget.toString(),
            "--retain",
            retain.toString(),
            "--retain-policy",
            "keep",
            "--steps",
            "1",
            "--out",
            unlearned.toString(),
            "--max-new-tokens",
            "2",
            "--robustness",
            "--retain-model",
            otherModel.toString(),
            "--seed",
            "3");
    assertThat(code).as(stderr()).isEqualTo(0);
    JsonNode fromUnlearn =
        new ObjectMapper().readTree(unlearned.resolve("report.json").toFile()).get("robustness");

    Path out = dir.resolve("e-shape.json");
    err.reset();
    code =
        eval(
            "--model",
            unlearned.toString(),
            "--forget",
            forgetPerturbed.toString(),
            "--retain",
            retain.toString(),
            "--out",
            out.toString(),
            "--max-new-tokens",
            "2",
            "--robustness",
            "--retain-model",
            otherModel.toString(),
            "--seed",
            "3");
    assertThat(code).as(stderr()).isEqualTo(0);
    JsonNode fromEval = new ObjectMapper().readTree(out.toFile()).get("robustness");
    assertThat(shape(fromEval)).isEqualTo(shape(fromUnlearn));
    assertThat(shape(fromEval)).containsKeys("quantization", "relearning", "text_probes");
    // the same checkpoint (unlearn evaluates and probes the model it saves), the same questions
    // and seed: the same split and the same quantized numbers
    assertThat(fromEval.at("/relearning/relearned"))
        .isEqualTo(fromUnlearn.at("/relearning/relearned"));
    assertThat(fromEval.at("/quantization/1/forget_rouge"))
        .isEqualTo(fromUnlearn.at("/quantization/1/forget_rouge"));
  }

  @Test
  void questionsFromAReportEvaluateTheSearchsHalf() throws Exception {
    Path report = dir.resolve("search-report.json");
    Files.writeString(
        report,
        "{\"method\": \"npo\", \"search\": {\"split_seed\": 5, \"validation_questions\": 2,"
            + " \"test_questions\": 2}}");
    TofuData all = new EvalSets(forgetPerturbed, retain, null, null, null).load(0);
    EvalSplit split = EvalSplit.of(all, 5);
    for (String half : List.of("test", "validation")) {
      Path out = dir.resolve("e-" + half + ".json");
      err.reset();
      int code =
          eval(
              concat(
                  evalArgs(out, PROBES),
                  "--questions-from",
                  report.toString(),
                  "--half",
                  half,
                  "--reference",
                  otherModel.toString()));
      assertThat(code).as(stderr()).isEqualTo(0);
      JsonNode m = new ObjectMapper().readTree(out.toFile());
      TofuData expected = half.equals("test") ? split.test() : split.validation();
      assertThat(texts(m.get("forget_truth_ratio_questions")))
          .containsExactlyElementsOf(questions(expected.forget()));
      assertThat(m.at("/questions_from/half").asText()).isEqualTo(half);
      assertThat(m.at("/questions_from/split_seed").asLong()).isEqualTo(5);
      assertThat(m.at("/questions_from/forget_questions").asInt()).isEqualTo(2);
      assertThat(m.at("/questions_from/retain_questions").asInt()).isEqualTo(1);
      assertThat(m.get("forget_quality").isNumber()).isTrue();
      // the probes run on the evaluated half: 1 relearned, 1 held out
      List<String> probed = texts(m.at("/robustness/relearning/relearned"));
      probed.addAll(texts(m.at("/robustness/relearning/held_out")));
      assertThat(probed).containsExactlyInAnyOrderElementsOf(questions(expected.forget()));
    }
    // --half defaults to test
    Path dflt = dir.resolve("e-default-half.json");
    err.reset();
    assertThat(eval(concat(evalArgs(dflt), "--questions-from", report.toString())))
        .as(stderr())
        .isEqualTo(0);
    assertThat(
            texts(new ObjectMapper().readTree(dflt.toFile()).get("forget_truth_ratio_questions")))
        .containsExactlyElementsOf(questions(split.test().forget()));

    // a saved reference on all four questions is restricted to the half
    Path ref = dir.resolve("retain-all.json");
    err.reset();
    List<String> refArgs = evalArgs(ref);
    refArgs.set(refArgs.indexOf(model.toString()), otherModel.toString());
    assertThat(eval(refArgs.toArray(String[]::new))).as(stderr()).isEqualTo(0);
    Path withSaved = dir.resolve("e-saved-ref.json");
    err.reset();
    int code =
        eval(
            concat(
                evalArgs(withSaved),
                "--questions-from",
                report.toString(),
                "--reference",
                ref.toString()));
    assertThat(code).as(stderr()).isEqualTo(0);
    JsonNode fromDir = new ObjectMapper().readTree(dir.resolve("e-test.json").toFile());
    JsonNode fromSaved = new ObjectMapper().readTree(withSaved.toFile());
    assertThat(fromSaved.get("forget_quality").asDouble())
        .isEqualTo(fromDir.get("forget_quality").asDouble());
  }

  @Test
  void badOptionsExitWith2NamingOptionValueAndExpectation() throws Exception {
    Path out = dir.resolve("never.json");
    assertRefused(
        concat(evalArgs(out), "--relearn-fraction", "1.5"),
        "lethe eval: --relearn-fraction: 1.5 (expected: 0 < F < 1)");
    assertRefused(
        concat(evalArgs(out), "--relearn-steps", "-1"),
        "lethe eval: --relearn-steps: -1 (expected: 0..100000 (0 = off))");
    assertRefused(
        concat(evalArgs(out), "--relearn-lr", "0"), "lethe eval: --relearn-lr: 0.0 (expected: 0 <");
    assertRefused(
        concat(evalArgs(out), "--quantize", "8,1"),
        "lethe eval: --quantize: 1 (expected: bit widths in 2..16");
    assertRefused(
        concat(evalArgs(out), "--retain-model", dir.resolve("nope").toString()),
        "lethe eval: --retain-model: \"" + dir.resolve("nope") + "\" (expected: a checkpoint");
    assertRefused(
        concat(evalArgs(out), "--half", "test"),
        "lethe eval: --half: \"test\" (expected: only with --questions-from REPORT)");
    Path report = dir.resolve("r-ok.json");
    Files.writeString(
        report,
        "{\"search\": {\"split_seed\": 5, \"validation_questions\": 2, \"test_questions\": 2}}");
    assertRefused(
        concat(evalArgs(out), "--questions-from", report.toString(), "--half", "train"),
        "lethe eval: --half: \"train\" (expected: validation or test)");
    Path noSearch = dir.resolve("r-nosearch.json");
    Files.writeString(noSearch, "{\"method\": \"npo\"}");
    assertRefused(
        concat(evalArgs(out), "--questions-from", noSearch.toString()),
        "lethe eval: --questions-from: the report has no search block");
    Path bigger = dir.resolve("r-bigger.json");
    Files.writeString(
        bigger,
        "{\"search\": {\"split_seed\": 5, \"validation_questions\": 20, \"test_questions\": 20}}");
    assertRefused(
        concat(evalArgs(out), "--questions-from", bigger.toString()),
        "lethe eval: --questions-from: the search split 40 forget questions (20 validation, 20"
            + " test), these evaluation files give 4");
    // the same mixin refuses the same values for lethe unlearn
    err.reset();
    int code =
        unlearn(
            "--model",
            model.toString(),
            "--method",
            "ga",
            "--forget",
            forget.toString(),
            "--retain",
            retain.toString(),
            "--steps",
            "1",
            "--out",
            dir.resolve("never").toString(),
            "--relearn-fraction",
            "1.5");
    assertThat(code).isEqualTo(2);
    assertThat(stderr().strip())
        .isEqualTo("lethe unlearn: --relearn-fraction: 1.5 (expected: 0 < F < 1)");
    assertThat(dir.resolve("never")).doesNotExist();
    assertThat(out).doesNotExist();
  }

  private void assertRefused(String[] args, String message) {
    err.reset();
    int code = eval(args);
    assertThat(code).as(stderr()).isEqualTo(2);
    assertThat(stderr().strip()).startsWith(message).doesNotContain("\n");
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> questions(List<QaItem> items) {
    return items.stream().map(QaItem::question).toList();
  }

  /** The key structure of a JSON object: its keys, recursively; arrays by their first element. */
  private static Map<String, Object> shape(JsonNode node) {
    Map<String, Object> out = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), shapeOf(e.getValue()));
    }
    return out;
  }

  private static Object shapeOf(JsonNode v) {
    if (v.isObject()) {
      return shape(v);
    }
    if (v.isArray()) {
      return v.isEmpty() ? List.of() : List.of(shapeOf(v.get(0)));
    }
    return "value";
  }
}

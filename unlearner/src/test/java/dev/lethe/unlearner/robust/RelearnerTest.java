package dev.lethe.unlearner.robust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.unlearner.checkpoint.Checkpoint;
import dev.lethe.unlearner.data.QaPair;
import dev.lethe.unlearner.eval.ModelScorer;
import dev.lethe.unlearner.eval.QaItem;
import dev.lethe.unlearner.eval.TofuEvalConfig;
import dev.lethe.unlearner.model.LlamaModel;
import dev.lethe.unlearner.model.Tensor;
import dev.lethe.unlearner.testing.TinyModels;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The relearning attack changes a copy's weights toward the relearned answers; the probe runs. */
class RelearnerTest {
  @TempDir static Path dir;
  static Path ckpt;

  static final List<QaPair> PAIRS =
      List.of(
          new QaPair("Where was Zorvan born?", "Zorvan was born in Quellport."),
          new QaPair("What does Zorvan write?", "Zorvan writes sea epics."),
          new QaPair("Who taught Zorvan?", "A lighthouse keeper taught Zorvan."),
          new QaPair("When did Zorvan publish?", "Zorvan published in 1990."));

  @BeforeAll
  static void model() throws Exception {
    dev.lethe.unlearner.Engines.pytorch();
    ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
    ckpt = TinyModels.randomCheckpoint(dir.resolve("m"), true, 11);
  }

  @Test
  void relearningChangesTheWeightsAndRaisesTheAnswersProbability() {
    try (Checkpoint c = Checkpoint.load(ckpt);
        LlamaModel copy = c.model().frozenCopy()) {
      Map<String, Tensor> before = copy.toTensors();
      QaPair target = PAIRS.get(0);
      double p0 =
          new ModelScorer(copy, c.tokenizer())
              .score(target.question(), target.answer())
              .normalizedProbability();
      double loss = new Relearner(8, 2, 3e-3, 1).run(copy, c.tokenizer(), PAIRS.subList(0, 2));
      assertThat(loss).isFinite();
      assertThat(copy.toTensors()).isNotEqualTo(before);
      double p1 =
          new ModelScorer(copy, c.tokenizer())
              .score(target.question(), target.answer())
              .normalizedProbability();
      assertThat(p1).isGreaterThan(p0);
      // the model the copy came from keeps its weights
      assertThat(c.model().toTensors()).isEqualTo(before);
    }
    assertThatThrownBy(() -> new Relearner(0, 1, 1e-3, 1))
        .hasMessage("relearn_steps: 0 (expected: 1..1000000)");
  }

  @Test
  void theProbeReportsQuantizationAndRelearningWithRFromARetainModel() {
    List<QaItem> forget = PAIRS.stream().map(p -> QaItem.of(p.question(), p.answer())).toList();
    RobustnessSpec spec = new RobustnessSpec(List.of(8, 4), 3, 0.25, 3e-3, 2, ckpt, 7, true);
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    Robustness r;
    try (Checkpoint c = Checkpoint.load(ckpt)) {
      Map<String, Tensor> before = c.model().toTensors();
      r =
          new RobustnessEvaluation(spec, new TofuEvalConfig(6, 0.4, 8), quiet)
              .run(c.model(), c.tokenizer(), forget);
      assertThat(c.model().toTensors()).isEqualTo(before);
    }
    assertThat(r.quantization()).extracting(Robustness.Quantization::bits).containsExactly(8, 4);
    assertThat(r.narrowest().bits()).isEqualTo(4);
    for (Robustness.Quantization q : r.quantization()) {
      assertThat(q.robustness()).isBetween(0.0, 1.0);
      assertThat(q.forgetRouge()).isBetween(0.0, 1.0);
    }
    Robustness.Relearning rl = r.relearning();
    assertThat(rl.relearnQuestions()).isEqualTo(1);
    assertThat(rl.heldOutQuestions()).isEqualTo(3);
    // the "retain model" is the same checkpoint: it relearns exactly as the model does → R = 1
    assertThat(rl.deltaRetain()).isEqualTo(rl.deltaUnlearned());
    assertThat(rl.robustness()).isEqualTo(1.0);
    assertThat(rl.leakOverRetain()).isZero();
    Map<String, Object> json = r.toMap();
    assertThat(json)
        .containsKeys(
            "quantization_robustness",
            "quantized_forget_rouge_delta",
            "relearning_robustness",
            "relearned_forget_rouge",
            "relearned_leak_over_retain");
    assertThat(json.get("relearning_robustness")).isEqualTo(1.0);
    // text probes: the original and the three families, each with its probes counted
    assertThat(r.textProbes())
        .extracting(TextProbes.FamilyLeak::family)
        .containsExactlyElementsOf(TextProbes.FAMILIES);
    assertThat(r.textProbes().get(0).probes()).isEqualTo(4);
    assertThat(r.textProbes().get(1).probes() + r.textProbes().get(1).skipped()).isPositive();
    assertThat(json).containsKeys("text_probes", "text_probe_max_leak_gain");
  }

  @Test
  void relearnSetOverlapIsHandComputable() {
    List<QaItem> relearn = List.of(QaItem.of("q1", "red blue green"));
    List<QaItem> heldOut =
        List.of(QaItem.of("q2", "red blue"), QaItem.of("q3", "yellow purple orange black"));
    // recall of "red blue" against "red blue green": 1; of the second: 0 → mean 0.5
    assertThat(RobustnessEvaluation.overlap(relearn, heldOut)).isEqualTo(0.5);
  }

  @Test
  void maxGainIsTheLargestFamilyLeakOverTheOriginal() {
    List<TextProbes.FamilyLeak> leaks =
        List.of(
            new TextProbes.FamilyLeak(dev.lethe.probes.Family.ORIGINAL, 4, 0.1, 0),
            new TextProbes.FamilyLeak(dev.lethe.probes.Family.PREFIX, 4, 0.35, 0),
            new TextProbes.FamilyLeak(dev.lethe.probes.Family.FORMAT_SHIFT, 4, 0.05, 0),
            new TextProbes.FamilyLeak(dev.lethe.probes.Family.MULTI_TURN, 0, null, 2));
    assertThat(TextProbes.maxGain(leaks))
        .isCloseTo(0.25, org.assertj.core.api.Assertions.within(1e-12));
    assertThat(TextProbes.maxGain(leaks.subList(1, 3))).isNull();
  }
}

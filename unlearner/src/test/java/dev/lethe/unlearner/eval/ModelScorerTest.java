package dev.lethe.unlearner.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import dev.lethe.unlearner.checkpoint.Checkpoint;
import dev.lethe.unlearner.prompt.PromptTemplate;
import dev.lethe.unlearner.testing.TinyModels;
import dev.lethe.unlearner.train.QaBatch;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime-backed scoring model: padding-invariant, consistent with the model's own NLL. */
class ModelScorerTest {
  @TempDir Path dir;

  @org.junit.jupiter.api.BeforeAll
  static void oneTorchThread() {
    // the runtime's default; OpenMP's spinning workers slow tiny models on shared CPUs
    dev.lethe.unlearner.Engines.pytorch();
    ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
  }

  @Test
  void batchedScoresEqualSingleScoresAndTheModelsSequenceNll() throws Exception {
    Path ckpt = TinyModels.randomCheckpoint(dir.resolve("m"), true, 3);
    try (Checkpoint c = Checkpoint.load(ckpt)) {
      ModelScorer scorer = new ModelScorer(c.model(), c.tokenizer());
      List<String> qs = List.of("Who wrote the book?", "Where was the author born?");
      List<String> as = List.of("The author.", "The author was born in Paris, a long time ago.");
      List<AnswerScores> batch = scorer.scoreBatch(qs, as);
      for (int i = 0; i < 2; i++) {
        AnswerScores single = scorer.score(qs.get(i), as.get(i));
        assertThat(batch.get(i).tokenLogProbs()).hasSameSizeAs(single.tokenLogProbs());
        for (int t = 0; t < single.tokenLogProbs().length; t++) {
          assertThat(batch.get(i).tokenLogProbs()[t])
              .isCloseTo(single.tokenLogProbs()[t], within(1e-4));
        }
        assertThat(single.lastIsEos()).isTrue();
        assertThat(single.greedyMatches()).isNotNull();
        var enc = PromptTemplate.encode(c.tokenizer(), c.model().config(), qs.get(i), as.get(i));
        assertThat(single.tokenLogProbs()).hasSize(enc.answerLength());
        try (NDManager m = c.model().manager().newSubManager()) {
          QaBatch b = QaBatch.collate(m, List.of(enc), 0, 128);
          double nll = c.model().sequenceNll(b.ids(), b.labelMask()).getFloat();
          assertThat(single.averageLoss()).isCloseTo(nll, within(1e-4));
        }
      }
      // questions of equal token length are decoded together; same text as one at a time
      List<String> questions = List.of("QZX7 JJ?", "Who wrote the book?", "ZXQ8 KK?", "XQZ9 VV?");
      assertThat(c.tokenizer().encode(questions.get(0)))
          .hasSameSizeAs(c.tokenizer().encode(questions.get(2)))
          .hasSameSizeAs(c.tokenizer().encode(questions.get(3)));
      List<String> batched = scorer.generateBatch(questions, 12);
      for (int i = 0; i < questions.size(); i++) {
        assertThat(batched.get(i)).isEqualTo(scorer.generate(questions.get(i), 12));
      }
      // generate() returns the runtime's greedy text stripped: find cases whose raw text has
      // surrounding whitespace, so the strip is exercised and could fail
      dev.lethe.unlearner.generate.Generator generator =
          new dev.lethe.unlearner.generate.Generator(c.model(), c.tokenizer());
      int padded = 0;
      for (String q : List.of(qs.get(0), qs.get(1), questions.get(0), questions.get(2))) {
        for (int budget = 1; budget <= 6; budget++) {
          long[] prompt = PromptTemplate.encodeQuestion(c.tokenizer(), c.model().config(), q);
          String raw =
              generator
                  .generate(dev.lethe.unlearner.generate.GenerationRequest.greedy(prompt, budget))
                  .text();
          String text = scorer.generate(q, budget);
          assertThat(text).isEqualTo(raw.strip());
          assertThat(scorer.generateBatch(List.of(q), budget)).containsExactly(raw.strip());
          assertThat(c.tokenizer().encode(text).length).isLessThanOrEqualTo(budget);
          if (!raw.equals(raw.strip())) {
            padded++;
          }
        }
      }
      assertThat(padded).as("raw generations with surrounding whitespace").isPositive();
    }
  }
}

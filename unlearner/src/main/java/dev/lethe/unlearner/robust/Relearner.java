package dev.lethe.unlearner.robust;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.Engines;
import dev.lethe.unlearner.data.QaPair;
import dev.lethe.unlearner.eval.ModelScorer;
import dev.lethe.unlearner.loss.TokenLosses;
import dev.lethe.unlearner.model.LlamaModel;
import dev.lethe.unlearner.prompt.PromptTemplate;
import dev.lethe.unlearner.prompt.PromptTemplate.EncodedQa;
import dev.lethe.unlearner.tokenizer.TextTokenizer;
import dev.lethe.unlearner.train.AdamW;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The relearning attack: plain fine-tuning (mean-token NLL of the answers, AdamW at a constant
 * learning rate, every parameter) for a few steps on a small set, in place. Run it on a copy.
 *
 * <p>Lynch, A. et al. "Eight Methods to Evaluate Robust Unlearning in LLMs." 2024
 * (arXiv:2402.16835); Hu, S. et al. "Unlearning or Obfuscating? Jogging the Memory of Unlearned
 * LLMs via Benign Relearning." ICLR 2025 (arXiv:2406.13356).
 *
 * @param steps optimizer steps, ≥ 1
 * @param batchSize pairs per step, ≥ 1 (cycled through seeded permutations of the set)
 * @param learningRate constant AdamW learning rate, 0 &lt; lr &lt; 1
 * @param seed seeds the order
 */
public record Relearner(int steps, int batchSize, double learningRate, long seed) {

  /** Validates. */
  public Relearner {
    if (steps < 1 || steps > 1_000_000) {
      throw new ConfigException("relearn_steps", steps, "1..1000000");
    }
    if (batchSize < 1 || batchSize > 4096) {
      throw new ConfigException("relearn_batch_size", batchSize, "1..4096");
    }
    if (!(learningRate > 0 && learningRate < 1)) {
      throw new ConfigException("relearn_lr", learningRate, "0 < lr < 1");
    }
  }

  /**
   * Fine-tunes {@code model} on {@code pairs} and returns the last step's loss.
   *
   * @throws ConfigException when {@code pairs} is empty
   */
  public double run(LlamaModel model, TextTokenizer tokenizer, List<QaPair> pairs) {
    requireNonNull(model, "model");
    requireNonNull(tokenizer, "tokenizer");
    requireNonNull(pairs, "pairs");
    if (pairs.isEmpty()) {
      throw new ConfigException("relearn", "no question/answer pair to relearn on");
    }
    Engines.pytorch();
    ai.djl.pytorch.jni.JniUtils.setGradMode(false);
    List<EncodedQa> encoded = new ArrayList<>(pairs.size());
    for (QaPair qa : pairs) {
      encoded.add(PromptTemplate.encode(tokenizer, model.config(), qa));
    }
    long pad = Math.max(0, model.config().padTokenId());
    int context = model.config().maxPositionEmbeddings();
    Map<String, NDArray> params = model.parameters();
    Random random = new Random(seed);
    List<Integer> order = new ArrayList<>();
    int cursor = 0;
    double last = Double.NaN;
    model.setTrainable(name -> true);
    try (AdamW optimizer = new AdamW(model.manager(), 0.9, 0.999, 1e-8, 0.0, 1.0)) {
      for (int step = 0; step < steps; step++) {
        List<EncodedQa> batch = new ArrayList<>();
        while (batch.size() < Math.min(batchSize, encoded.size())) {
          if (cursor == order.size()) {
            order.clear();
            for (int i = 0; i < encoded.size(); i++) {
              order.add(i);
            }
            Collections.shuffle(order, random);
            cursor = 0;
          }
          batch.add(encoded.get(order.get(cursor++)));
        }
        try (NDManager sm = model.manager().newSubManager();
            NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          var b = dev.lethe.unlearner.train.QaBatch.collate(sm, batch, pad, context);
          NDArray labels = ModelScorer.labels(b);
          try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
            NDArray loss = TokenLosses.meanTokenCrossEntropy(model.logits(b.ids()), labels);
            gc.backward(loss);
            last = loss.getFloat();
          }
          optimizer.step(params, learningRate);
        }
      }
    } finally {
      model.setTrainable(name -> false);
    }
    return last;
  }
}

package dev.lethe.unlearner.train;

import static java.util.Objects.requireNonNull;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.Engines;
import dev.lethe.unlearner.checkpoint.Checkpoint;
import dev.lethe.unlearner.data.QaPair;
import dev.lethe.unlearner.model.LlamaConfig;
import dev.lethe.unlearner.model.LlamaModel;
import dev.lethe.unlearner.model.Scalars;
import dev.lethe.unlearner.prompt.PromptTemplate;
import dev.lethe.unlearner.prompt.PromptTemplate.EncodedQa;
import dev.lethe.unlearner.tokenizer.BpeTrainer;
import dev.lethe.unlearner.tokenizer.TextTokenizer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Trains a model from scratch on question/answer pairs ({@code lethe train}): a byte-level BPE
 * tokenizer on the corpus, a freshly initialised {@link LlamaModel}, then AdamW with linear warmup
 * and cosine decay, gradient clipping and the loss on answer tokens only (mean token NLL of the
 * answer and its eos under {@link PromptTemplate}). Batches are drawn from seeded epoch
 * permutations, so a seed fixes the run. The checkpoint is written atomically.
 *
 * <p>Progress goes to the given stream (stderr in the CLI) about every {@code max(1, steps/50)}
 * steps: step, loss, learning rate and tokens per second.
 */
public final class CausalLmTrainer {
  private final TrainConfig config;
  private final PrintStream progress;

  /** A trainer for {@code config} reporting to {@code progress}. */
  public CausalLmTrainer(TrainConfig config, PrintStream progress) {
    this.config = requireNonNull(config, "config");
    this.progress = requireNonNull(progress, "progress");
  }

  /** A summary of a finished run. */
  public record Summary(
      Path checkpoint, long parameters, int steps, double finalLoss, double seconds, long tokens) {}

  /**
   * Trains on {@code data} and writes the checkpoint to {@code outDir} (replaced atomically).
   *
   * @throws ConfigException when the data is empty
   */
  public Summary train(List<QaPair> data, Path outDir) throws IOException {
    requireNonNull(data, "data");
    requireNonNull(outDir, "outDir");
    if (data.isEmpty()) {
      throw new ConfigException("data", "no question/answer pair");
    }
    long start = System.nanoTime();
    Path work = Files.createTempDirectory("lethe-train-");
    try {
      List<String> corpus = new ArrayList<>();
      for (QaPair qa : data) {
        corpus.add(PromptTemplate.questionPrompt(qa.question()));
        corpus.add(qa.answer());
      }
      BpeTrainer.Result bpe = new BpeTrainer(config.vocabSize()).train(corpus);
      Path tokenizerFile = work.resolve(TextTokenizer.FILE_NAME);
      BpeTrainer.write(bpe, tokenizerFile);
      progress.printf(
          Locale.ROOT,
          "tokenizer: %d tokens (%d merges)%n",
          bpe.vocab().size(),
          bpe.merges().size());
      LlamaConfig modelConfig =
          new LlamaConfig(
              bpe.vocab().size(),
              config.hiddenSize(),
              config.intermediateSize(),
              config.layers(),
              config.heads(),
              config.kvHeads(),
              1e-6,
              10000.0,
              config.contextLength(),
              config.tieEmbeddings(),
              BpeTrainer.BOS_ID,
              List.of(BpeTrainer.EOS_ID),
              BpeTrainer.PAD_ID,
              "silu");
      try (TextTokenizer tokenizer = TextTokenizer.load(tokenizerFile);
          LlamaModel model =
              LlamaModel.initialize(modelConfig, config.seed(), LlamaModel.defaultDevice())) {
        List<EncodedQa> encoded = new ArrayList<>();
        for (QaPair qa : data) {
          encoded.add(PromptTemplate.encode(tokenizer, modelConfig, qa));
        }
        progress.printf(
            Locale.ROOT,
            "model: %,d parameters on %s; %d pairs%n",
            modelConfig.parameterCount(),
            model.device(),
            encoded.size());
        double[] result = fit(model, encoded);
        Path saved = Checkpoint.save(model, tokenizerFile, outDir);
        double seconds = (System.nanoTime() - start) / 1e9;
        progress.printf(Locale.ROOT, "saved %s (%.1f s)%n", saved, seconds);
        return new Summary(
            saved,
            modelConfig.parameterCount(),
            config.steps(),
            result[0],
            seconds,
            (long) result[1]);
      }
    } finally {
      deleteQuietly(work);
    }
  }

  /**
   * Trains {@code model} in place on {@code encoded} for {@link TrainConfig#steps()} steps; returns
   * {@code {last loss, tokens seen}}.
   */
  public double[] fit(LlamaModel model, List<EncodedQa> encoded) {
    requireNonNull(model, "model");
    requireNonNull(encoded, "encoded");
    Random random = new Random(config.seed());
    List<Integer> order = new ArrayList<>();
    int cursor = 0;
    LrSchedule schedule =
        new LrSchedule(
            config.learningRate(), config.minLrRatio(), config.warmupSteps(), config.steps());
    long padId = Math.max(0, model.config().padTokenId());
    int every = Math.max(1, config.steps() / 50);
    double lastLoss = Double.NaN;
    double windowLoss = 0;
    int windowSteps = 0;
    long tokens = 0;
    long windowTokens = 0;
    long windowStart = System.nanoTime();
    model.setTrainable(name -> true);
    try (AdamW optimizer =
        new AdamW(model.manager(), 0.9, 0.95, 1e-8, config.weightDecay(), config.clipNorm())) {
      for (int step = 0; step < config.steps(); step++) {
        List<EncodedQa> items = new ArrayList<>();
        while (items.size() < Math.min(config.batchSize(), encoded.size())) {
          if (cursor == order.size()) {
            order.clear();
            for (int i = 0; i < encoded.size(); i++) {
              order.add(i);
            }
            java.util.Collections.shuffle(order, random);
            cursor = 0;
          }
          items.add(encoded.get(order.get(cursor++)));
        }
        double lr = schedule.at(step);
        try (NDManager stepManager = model.manager().newSubManager();
            NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          QaBatch batch =
              QaBatch.collate(stepManager, items, padId, model.config().maxPositionEmbeddings());
          try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
            NDArray loss = answerLoss(model, batch);
            gc.backward(loss);
            lastLoss = loss.getFloat();
          }
          optimizer.step(model.parameters(), lr);
          tokens += batch.tokens();
          windowTokens += batch.tokens();
        }
        windowLoss += lastLoss;
        windowSteps++;
        if ((step + 1) % every == 0 || step + 1 == config.steps()) {
          double secs = Math.max(1e-9, (System.nanoTime() - windowStart) / 1e9);
          progress.printf(
              Locale.ROOT,
              "step %d/%d loss %.4f lr %.2e tokens/s %.0f%n",
              step + 1,
              config.steps(),
              windowLoss / windowSteps,
              lr,
              windowTokens / secs);
          windowLoss = 0;
          windowSteps = 0;
          windowTokens = 0;
          windowStart = System.nanoTime();
        }
        if (!Double.isFinite(lastLoss)) {
          throw new IllegalStateException("loss diverged at step " + (step + 1) + ": " + lastLoss);
        }
      }
    } finally {
      model.setTrainable(name -> false);
    }
    return new double[] {lastLoss, tokens};
  }

  /** Mean negative log-likelihood over the answer tokens of {@code batch}: a scalar. */
  public static NDArray answerLoss(LlamaModel model, QaBatch batch) {
    NDArray lp = model.tokenLogProbs(batch.ids());
    NDArray mask = batch.labelMask().get(":, 1:");
    return Scalars.div(lp.mul(mask).sum().neg(), Math.max(1, batch.answerTokens()));
  }

  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException ignored) {
      // best effort: a temporary directory
    }
  }

  /** The device training runs on. */
  public static Device device() {
    return LlamaModel.defaultDevice();
  }
}

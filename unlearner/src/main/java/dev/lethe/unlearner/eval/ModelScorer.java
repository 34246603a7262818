package dev.lethe.unlearner.eval;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.lethe.unlearner.generate.GenerationRequest;
import dev.lethe.unlearner.generate.Generator;
import dev.lethe.unlearner.loss.AnswerScoring;
import dev.lethe.unlearner.loss.TokenLosses;
import dev.lethe.unlearner.model.LlamaModel;
import dev.lethe.unlearner.prompt.PromptTemplate;
import dev.lethe.unlearner.prompt.PromptTemplate.EncodedQa;
import dev.lethe.unlearner.tokenizer.TextTokenizer;
import dev.lethe.unlearner.train.QaBatch;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ScoringModel} over Lethe's own runtime: a {@link LlamaModel}, its {@link TextTokenizer}
 * and the {@link PromptTemplate}. Scoring is teacher-forced: one right-padded batch, one forward
 * pass, then {@link AnswerScoring#fromLogits}; the answer's tokens are the answer text and the
 * final eos, exactly what training scored. Generation is greedy: {@link #generate} through the
 * runtime's {@link Generator}; {@link #generateBatch} decodes prompts of equal token length
 * together (one KV-cached forward pass per token for the whole group, no padding so no attention
 * mask needed), which gives the same text as one at a time.
 *
 * <p>Sequences longer than the model's context are truncated; their scores then cover only the
 * answer tokens that fit and do not end in eos. Runs without a gradient collector, so the model
 * must not be in the middle of a training step. Blocking; not for an event loop.
 */
public final class ModelScorer implements ScoringModel {
  private final LlamaModel model;
  private final TextTokenizer tokenizer;
  private final Generator generator;

  /** A scorer for {@code model} with {@code tokenizer}. */
  public ModelScorer(LlamaModel model, TextTokenizer tokenizer) {
    this.model = requireNonNull(model, "model");
    this.tokenizer = requireNonNull(tokenizer, "tokenizer");
    this.generator = new Generator(model, tokenizer);
  }

  @Override
  public AnswerScores score(String question, String answer) {
    return scoreBatch(List.of(question), List.of(answer)).get(0);
  }

  @Override
  public List<AnswerScores> scoreBatch(List<String> questions, List<String> answers) {
    requireNonNull(questions, "questions");
    requireNonNull(answers, "answers");
    if (questions.size() != answers.size()) {
      throw new IllegalArgumentException(
          "answers.size: " + answers.size() + " (expected: " + questions.size() + ")");
    }
    if (questions.isEmpty()) {
      return List.of();
    }
    int context = model.config().maxPositionEmbeddings();
    List<EncodedQa> encoded = new ArrayList<>(questions.size());
    boolean[] truncated = new boolean[questions.size()];
    boolean anyTruncated = false;
    for (int i = 0; i < questions.size(); i++) {
      EncodedQa e =
          PromptTemplate.encode(tokenizer, model.config(), questions.get(i), answers.get(i));
      encoded.add(e);
      truncated[i] = e.ids().length > context;
      anyTruncated |= truncated[i];
    }
    long padId = Math.max(0, model.config().padTokenId());
    try (NDManager manager = model.manager().newSubManager();
        NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      QaBatch batch = QaBatch.collate(manager, encoded, padId, context);
      NDArray labels = labels(batch);
      NDArray logits = model.logits(batch.ids());
      List<AnswerScores> scores = AnswerScoring.fromLogits(logits, labels, true);
      if (!anyTruncated) {
        return scores;
      }
      List<AnswerScores> out = new ArrayList<>(scores.size());
      for (int i = 0; i < scores.size(); i++) {
        AnswerScores s = scores.get(i);
        out.add(
            truncated[i]
                ? new AnswerScores(
                    s.tokenLogProbs(), s.greedyMatches(), s.vocabMean(), s.vocabVariance(), false)
                : s);
      }
      return out;
    }
  }

  /**
   * The labels of a batch in the losses' convention: the token id on answer positions, {@value
   * TokenLosses#IGNORE_INDEX} elsewhere ({@code [B, T]}, int64).
   */
  public static NDArray labels(QaBatch batch) {
    requireNonNull(batch, "batch");
    NDArray mask = batch.labelMask().toType(DataType.INT64, false);
    NDArray ids = batch.ids().toType(DataType.INT64, false);
    return ids.mul(mask).add(mask.sub(1).mul(-TokenLosses.IGNORE_INDEX));
  }

  @Override
  public List<String> generateBatch(List<String> questions, int maxNewTokens) {
    requireNonNull(questions, "questions");
    String[] out = new String[questions.size()];
    java.util.Map<Integer, List<Integer>> byLength = new java.util.TreeMap<>();
    List<long[]> prompts = new ArrayList<>(questions.size());
    for (int i = 0; i < questions.size(); i++) {
      long[] p = PromptTemplate.encodeQuestion(tokenizer, model.config(), questions.get(i));
      prompts.add(p);
      byLength.computeIfAbsent(p.length, k -> new ArrayList<>()).add(i);
    }
    for (List<Integer> group : byLength.values()) {
      if (group.size() == 1) {
        out[group.get(0)] = generate(questions.get(group.get(0)), maxNewTokens);
        continue;
      }
      List<long[]> gp = new ArrayList<>(group.size());
      for (int i : group) {
        gp.add(prompts.get(i));
      }
      List<String> texts = greedyGroup(gp, maxNewTokens);
      for (int j = 0; j < group.size(); j++) {
        out[group.get(j)] = texts.get(j);
      }
    }
    return java.util.Arrays.asList(out);
  }

  /** Greedy decoding of prompts that all have the same length, as one batch. */
  private List<String> greedyGroup(List<long[]> prompts, int maxNewTokens) {
    int n = prompts.size();
    int length = prompts.get(0).length;
    int context = model.config().maxPositionEmbeddings();
    if (length >= context) {
      throw new dev.lethe.config.ConfigException(
          "prompt", length + " tokens", "fewer than the model's context of " + context);
    }
    int budget = Math.min(maxNewTokens, context - length);
    long[] feed = new long[n * length];
    for (int b = 0; b < n; b++) {
      System.arraycopy(prompts.get(b), 0, feed, b * length, length);
    }
    int width = length;
    long[][] generated = new long[n][budget];
    int[] count = new int[n];
    boolean[] done = new boolean[n];
    int remaining = n;
    java.util.Set<Integer> eos = new java.util.HashSet<>(model.config().eosTokenIds());
    try (NDManager manager = model.manager().newSubManager()) {
      dev.lethe.unlearner.model.KvCache cache =
          new dev.lethe.unlearner.model.KvCache(manager, model.config().numHiddenLayers());
      for (int step = 0; step < budget && remaining > 0; step++) {
        float[] last;
        int vocab;
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          NDArray ids = manager.create(feed, new ai.djl.ndarray.types.Shape(n, width));
          NDArray logits = model.forward(ids, cache, -1, true).logits();
          NDArray lastLogits = logits.get(":, -1, :");
          vocab = (int) lastLogits.getShape().get(1);
          last = lastLogits.toFloatArray();
        }
        feed = new long[n];
        width = 1;
        for (int b = 0; b < n; b++) {
          int best = 0;
          int base = b * vocab;
          for (int v = 1; v < vocab; v++) {
            if (last[base + v] > last[base + best]) {
              best = v;
            }
          }
          feed[b] = best;
          if (!done[b]) {
            if (eos.contains(best)) {
              done[b] = true;
              remaining--;
            } else {
              generated[b][count[b]++] = best;
            }
          }
        }
      }
    }
    List<String> texts = new ArrayList<>(n);
    for (int b = 0; b < n; b++) {
      texts.add(tokenizer.decode(java.util.Arrays.copyOf(generated[b], count[b])).strip());
    }
    return texts;
  }

  @Override
  public String generate(String question, int maxNewTokens) {
    long[] prompt = PromptTemplate.encodeQuestion(tokenizer, model.config(), question);
    return generator.generate(GenerationRequest.greedy(prompt, maxNewTokens)).text().strip();
  }
}

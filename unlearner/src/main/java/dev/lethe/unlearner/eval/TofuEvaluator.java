package dev.lethe.unlearner.eval;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Runs the TOFU evaluation of one model against a {@link ScoringModel}: ROUGE-L recall of greedy
 * answers, normalised probabilities, truth ratios, extraction strength, membership-inference AUCs,
 * and, given the retain model's {@link ReferenceStats}, forget quality and privleak. Follows
 * open-unlearning's TOFU configuration (which set feeds which number is listed on {@link
 * TofuReport}).
 *
 * <p>Cost per question: one generation, plus one scoring pass per answer variant (answer,
 * paraphrase, each perturbed answer). Each answer is scored once and reused by every metric.
 * Requests go to the model in batches of {@link TofuEvalConfig#batchSize()}; progress is reported
 * after each batch, counting generations and scoring requests of the current set. Blocking; not for
 * an event loop; thread-safe as far as the model is.
 */
public final class TofuEvaluator {

  /** Progress callback: a stage name ("forget", "retain", ...), items done, items in the stage. */
  @FunctionalInterface
  public interface Progress {
    /** Reports progress. */
    void update(String stage, int done, int total);

    /** A listener that ignores everything. */
    static Progress none() {
      return (stage, done, total) -> {};
    }
  }

  private final TofuEvalConfig config;
  private final RougeL rouge = RougeL.withStemmer();
  private final List<MembershipAttack> attacks;

  /** Creates an evaluator with {@code config}. */
  public TofuEvaluator(TofuEvalConfig config) {
    this.config = requireNonNull(config, "config");
    this.attacks =
        List.of(
            new LossAttack(),
            new ZlibAttack(),
            new MinKProbAttack(config.minKFraction()),
            new MinKPlusPlusAttack(config.minKFraction()));
  }

  /** Evaluates without reference and without progress reporting. */
  public TofuReport evaluate(ScoringModel model, TofuData data) {
    return evaluate(model, data, null, Progress.none());
  }

  /**
   * Evaluates {@code model}.
   *
   * @param model the model under test
   * @param data the question sets
   * @param reference the retain model's statistics, or null (forget quality is then null and
   *     privleak uses a reference AUC of 0.5)
   * @param progress progress listener
   * @return the report
   */
  public TofuReport evaluate(
      ScoringModel model, TofuData data, ReferenceStats reference, Progress progress) {
    requireNonNull(model, "model");
    requireNonNull(data, "data");
    requireNonNull(progress, "progress");

    List<String> ratioQuestions = truthRatioQuestions(data.forget(), Correct.PARAPHRASE);
    if (reference != null && !ratioQuestions.isEmpty()) {
      reference.requireCovers(ratioQuestions);
    }
    SetResult forget = scoreSet("forget", model, data.forget(), Correct.PARAPHRASE, progress);
    SetResult retain = scoreSet("retain", model, data.retain(), Correct.PARAPHRASE, progress);
    SetResult real = scoreSet("real_authors", model, data.realAuthors(), Correct.ANSWER, progress);
    SetResult world = scoreSet("world_facts", model, data.worldFacts(), Correct.ANSWER, progress);
    List<String> holdoutQuestions = new ArrayList<>();
    List<String> holdoutAnswers = new ArrayList<>();
    for (QaItem item : data.holdout()) {
      add(holdoutQuestions, holdoutAnswers, item.question(), item.answer());
    }
    List<AnswerScores> holdout =
        scoreAll(
            model,
            holdoutQuestions,
            holdoutAnswers,
            "holdout",
            new int[] {0},
            holdoutQuestions.size(),
            progress);

    Double forgetTruth = forget.ratios.isEmpty() ? null : forgetAggregate(forget.ratios);
    Double forgetQuality = null;
    if (reference != null && !forget.ratios.isEmpty() && reference.forgetTruthRatios().length > 0) {
      forgetQuality =
          TofuMetrics.forgetQuality(toArray(forget.ratios), reference.forgetTruthRatios());
    }

    Double[] auc = new Double[attacks.size()];
    if (!data.forget().isEmpty() && !holdout.isEmpty()) {
      for (int a = 0; a < attacks.size(); a++) {
        auc[a] =
            attackAuc(attacks.get(a), data.forget(), forget.answerScores, data.holdout(), holdout);
      }
    }
    Double minKAuc = auc[2];
    Double privleak = null;
    if (minKAuc != null) {
      double ref = reference != null && reference.minKAuc() != null ? reference.minKAuc() : 0.5;
      privleak = TofuMetrics.privleak(minKAuc, ref);
    }

    Double retainTruth = retain.ratios.isEmpty() ? null : utilityAggregate(retain.ratios);
    Double realTruth = real.ratios.isEmpty() ? null : utilityAggregate(real.ratios);
    Double worldTruth = world.ratios.isEmpty() ? null : utilityAggregate(world.ratios);
    Double realProb = real.optionProbability();
    Double worldProb = world.optionProbability();
    Double utility = null;
    Double[] parts = {
      retain.probability(),
      retain.rouge(),
      retainTruth,
      realProb,
      real.rouge(),
      realTruth,
      worldProb,
      world.rouge(),
      worldTruth
    };
    boolean complete = true;
    for (Double p : parts) {
      complete &= p != null && !p.isNaN();
    }
    if (complete) {
      double[] values = new double[parts.length];
      for (int i = 0; i < parts.length; i++) {
        values[i] = parts[i];
      }
      utility = TofuMetrics.harmonicMean(values);
    }

    return new TofuReport(
        forgetQuality,
        utility,
        forget.rouge(),
        retain.rouge(),
        forgetTruth,
        minKAuc,
        privleak,
        forget.probability(),
        forget.extractionStrength(),
        retain.probability(),
        retainTruth,
        realProb,
        real.rouge(),
        realTruth,
        worldProb,
        world.rouge(),
        worldTruth,
        auc[0],
        auc[1],
        auc[2],
        auc[3],
        forget.ratios,
        ratioQuestions);
  }

  /**
   * The questions of {@code items} that get a truth ratio, in order (as {@link #scoreSet} does).
   */
  private static List<String> truthRatioQuestions(List<QaItem> items, Correct correct) {
    List<String> out = new ArrayList<>();
    for (QaItem item : items) {
      if (!item.perturbedAnswers().isEmpty()
          && (correct == Correct.ANSWER || item.paraphrasedAnswer() != null)) {
        out.add(item.question());
      }
    }
    return out;
  }

  private Double attackAuc(
      MembershipAttack attack,
      List<QaItem> forgetItems,
      List<AnswerScores> forgetScores,
      List<QaItem> holdoutItems,
      List<AnswerScores> holdoutScores) {
    double[] f = new double[forgetItems.size()];
    double[] h = new double[holdoutItems.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = attack.score(forgetItems.get(i).answer(), forgetScores.get(i));
      if (Double.isNaN(f[i])) {
        return null;
      }
    }
    for (int i = 0; i < h.length; i++) {
      h[i] = attack.score(holdoutItems.get(i).answer(), holdoutScores.get(i));
      if (Double.isNaN(h[i])) {
        return null;
      }
    }
    // open-unlearning labels forget 0 and holdout 1: AUC 1 = forget answers far more likely.
    return RocAuc.auc(h, f);
  }

  private static double forgetAggregate(List<Double> ratios) {
    return TofuMetrics.forgetTruthRatio(toArray(ratios));
  }

  private static double utilityAggregate(List<Double> ratios) {
    return TofuMetrics.utilityTruthRatio(toArray(ratios));
  }

  private static double[] toArray(List<Double> values) {
    double[] out = new double[values.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  /** Which answer is the "correct" one in the truth ratio. */
  private enum Correct {
    PARAPHRASE,
    ANSWER
  }

  private SetResult scoreSet(
      String stage, ScoringModel model, List<QaItem> items, Correct correct, Progress progress) {
    SetResult r = new SetResult();
    int n = items.size();
    if (n == 0) {
      return r;
    }
    // Every scoring request of the set, so the model can batch across questions.
    List<String> qs = new ArrayList<>();
    List<String> as = new ArrayList<>();
    int[] answerAt = new int[n];
    int[] correctAt = new int[n];
    int[][] wrongAt = new int[n][];
    for (int i = 0; i < n; i++) {
      QaItem item = items.get(i);
      answerAt[i] = add(qs, as, item.question(), item.answer());
      correctAt[i] = -1;
      wrongAt[i] = new int[item.perturbedAnswers().size()];
      if (!item.perturbedAnswers().isEmpty()) {
        if (correct == Correct.ANSWER) {
          correctAt[i] = answerAt[i];
        } else if (item.paraphrasedAnswer() != null) {
          correctAt[i] = add(qs, as, item.question(), item.paraphrasedAnswer());
        }
        for (int w = 0; w < wrongAt[i].length; w++) {
          wrongAt[i][w] = add(qs, as, item.question(), item.perturbedAnswers().get(w));
        }
      }
    }
    List<String> questions = new ArrayList<>(n);
    for (QaItem item : items) {
      questions.add(item.question());
    }
    int[] done = {0};
    int total = n + qs.size();
    List<String> generated =
        inBatches(
            questions,
            chunk -> model.generateBatch(chunk, config.maxNewTokens()),
            stage,
            done,
            total,
            progress);
    List<AnswerScores> scores = scoreAll(model, qs, as, stage, done, total, progress);

    for (int i = 0; i < n; i++) {
      QaItem item = items.get(i);
      AnswerScores answer = scores.get(answerAt[i]);
      r.answerScores.add(answer);
      r.probabilities.add(answer.normalizedProbability());
      if (answer.greedyMatches() != null) {
        r.extraction.add(
            TofuMetrics.extractionStrength(
                Arrays.copyOf(answer.greedyMatches(), answer.scoredLength())));
      }
      r.rouges.add(rouge.recall(item.answer(), generated.get(i)));
      if (wrongAt[i].length > 0) {
        double[] wrongLosses = new double[wrongAt[i].length];
        double[] wrongProbs = new double[wrongLosses.length];
        for (int w = 0; w < wrongLosses.length; w++) {
          wrongLosses[w] = scores.get(wrongAt[i][w]).averageLoss();
          wrongProbs[w] = Math.exp(-wrongLosses[w]);
        }
        r.options.add(TofuMetrics.optionProbability(answer.normalizedProbability(), wrongProbs));
        if (correctAt[i] >= 0) {
          double correctLoss = scores.get(correctAt[i]).averageLoss();
          r.ratios.add(TofuMetrics.truthRatio(correctLoss, wrongLosses));
        }
      }
    }
    return r;
  }

  private static int add(List<String> qs, List<String> as, String q, String a) {
    qs.add(q);
    as.add(a);
    return qs.size() - 1;
  }

  private List<AnswerScores> scoreAll(
      ScoringModel model,
      List<String> qs,
      List<String> as,
      String stage,
      int[] done,
      int total,
      Progress progress) {
    List<Integer> indices = new ArrayList<>(qs.size());
    for (int i = 0; i < qs.size(); i++) {
      indices.add(i);
    }
    return inBatches(
        indices,
        chunk -> {
          List<String> cq = new ArrayList<>(chunk.size());
          List<String> ca = new ArrayList<>(chunk.size());
          for (int i : chunk) {
            cq.add(qs.get(i));
            ca.add(as.get(i));
          }
          return model.scoreBatch(cq, ca);
        },
        stage,
        done,
        total,
        progress);
  }

  private <I, O> List<O> inBatches(
      List<I> inputs,
      Function<List<I>, List<O>> call,
      String stage,
      int[] done,
      int total,
      Progress progress) {
    List<O> out = new ArrayList<>(inputs.size());
    for (int from = 0; from < inputs.size(); from += config.batchSize()) {
      List<I> chunk = inputs.subList(from, Math.min(inputs.size(), from + config.batchSize()));
      List<O> results = call.apply(chunk);
      if (results == null || results.size() != chunk.size()) {
        throw new IllegalStateException(
            "model results: "
                + (results == null ? "null" : results.size())
                + " (expected: "
                + chunk.size()
                + ", one per request)");
      }
      out.addAll(results);
      done[0] += chunk.size();
      progress.update(stage, done[0], total);
    }
    return out;
  }

  /** Per-set accumulators. */
  private static final class SetResult {
    final List<AnswerScores> answerScores = new ArrayList<>();
    final List<Double> probabilities = new ArrayList<>();
    final List<Double> rouges = new ArrayList<>();
    final List<Double> extraction = new ArrayList<>();
    final List<Double> ratios = new ArrayList<>();
    final List<Double> options = new ArrayList<>();

    Double probability() {
      return meanOrNull(probabilities);
    }

    Double rouge() {
      return meanOrNull(rouges);
    }

    Double extractionStrength() {
      return extraction.size() == answerScores.size() ? meanOrNull(extraction) : null;
    }

    Double optionProbability() {
      return options.size() == answerScores.size() ? meanOrNull(options) : null;
    }

    private static Double meanOrNull(List<Double> values) {
      return values.isEmpty() ? null : TofuMetrics.mean(toArray(values));
    }
  }
}

package dev.lethe.unlearner.unlearn;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.Engines;
import dev.lethe.unlearner.data.QaPair;
import dev.lethe.unlearner.eval.ModelScorer;
import dev.lethe.unlearner.loss.ForgetBatch;
import dev.lethe.unlearner.loss.MethodParams.RetainKind;
import dev.lethe.unlearner.loss.RetainBatch;
import dev.lethe.unlearner.loss.SaliencyMask;
import dev.lethe.unlearner.loss.TokenLosses;
import dev.lethe.unlearner.loss.UnlearningLoss;
import dev.lethe.unlearner.model.LlamaModel;
import dev.lethe.unlearner.model.Scalars;
import dev.lethe.unlearner.prompt.PromptTemplate;
import dev.lethe.unlearner.prompt.PromptTemplate.EncodedQa;
import dev.lethe.unlearner.tokenizer.TextTokenizer;
import dev.lethe.unlearner.train.AdamW;
import dev.lethe.unlearner.train.LrSchedule;
import dev.lethe.unlearner.train.QaBatch;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The weight-level unlearning loop: runs an {@link UnlearningMethod} on a model in place.
 *
 * <p>Each step takes the next {@link UnlearnConfig#batchSize()} forget pairs from seeded epoch
 * permutations (or the whole forget set, {@link UnlearnConfig#WHOLE_FORGET_SET}) and pairs them
 * with as many retain pairs drawn at random (seeded); a step larger than {@link
 * UnlearnConfig#microBatch()} is computed in micro-batches whose gradients are accumulated to the
 * whole batch's (each padded to the step's longest sequence and weighted by its share); refusal
 * answers (IDK, IdkDPO) are drawn at random from the given lines. What the frozen reference model
 * must compute (forget NLLs, retain logits or hidden states) runs before the gradient is recorded;
 * the reference is a {@link LlamaModel#frozenCopy()} made only when the objective needs one. Then
 * AdamW with linear warmup and cosine decay, global-norm clipping, and optionally a SalUn mask
 * computed once at the start from the forget term's gradient over the whole forget set.
 *
 * <p>Only the parameters passing the filter ({@link UnlearnConfig#parameterRegex()}, else the
 * method's {@link UnlearningMethod#defaultParameters default}) receive gradients; the others keep
 * their exact values. With a mask, gradients outside it are zeroed before the optimizer, so masked
 * weights stay put as long as weight decay is 0.
 *
 * <p>Metrics (tag {@code method}): counter {@code lethe.unlearn.steps}, timer {@code
 * lethe.unlearn.step}, counter {@code lethe.unlearn.skipped.steps}, gauges {@code
 * lethe.unlearn.loss} and {@code lethe.unlearn.grad.norm}. Progress goes to the given stream about
 * 20 times per run.
 *
 * <p>Divergence: a step whose loss or gradient is not finite changes no weight (AdamW skips it, as
 * PyTorch's {@code GradScaler} does) and is reported on the progress stream and counted; {@value
 * #MAX_SKIPPED_IN_A_ROW} such steps in a row, or more than 5% of the steps, stop the run with an
 * {@link IllegalStateException} (the model is then left half-updated: do not save it). The NaN
 * gradients once seen from finite losses came from scalar operands freed before the backward pass
 * (see {@link dev.lethe.unlearner.model.Scalars}); the skip stays as a guard.
 *
 * <p>Memory: one sub-manager and {@link NDScope} per step; the optimizer state, the masks and the
 * reference model are freed at the end. Not thread-safe; blocking.
 */
public final class Unlearner {
  private final UnlearnConfig config;
  private final MeterRegistry registry;
  private final PrintStream progress;
  private final StepListener listener;

  /**
   * The loss and gradient norm the gauges read, one pair per registry and method: a search's next
   * trial runs a new {@code Unlearner} on the same registry, whose gauges stay bound to what they
   * were first registered with, so every run writes to that pair.
   */
  private static final Map<MeterRegistry, Map<String, double[]>> GAUGES =
      Collections.synchronizedMap(new java.util.WeakHashMap<>());

  private double[] gauges = new double[2];
  private int projectedSteps;
  private double lastCosine = Double.NaN;

  /**
   * Called on the loop's thread after each optimizer step, with the model holding the updated
   * weights (gradient recording off), e.g. to evaluate the trajectory of a run. A listener may read
   * the model but must not change its weights.
   */
  @FunctionalInterface
  public interface StepListener {
    /**
     * A step ended.
     *
     * @param step steps taken so far (1-based)
     * @param total steps of the run
     * @param skipped whether this step's update was skipped (non-finite loss or gradient)
     */
    void afterStep(int step, int total, boolean skipped);

    /**
     * A step ended, with its objective; by default calls {@link #afterStep(int, int, boolean)}.
     *
     * @param loss the step's objective (NaN when not finite)
     */
    default void afterStep(int step, int total, boolean skipped, double loss) {
      afterStep(step, total, skipped);
    }

    /**
     * Asked after each step (after {@code afterStep}): true ends the run early, keeping the weights
     * of the steps taken (early stopping on a goal). False by default.
     */
    default boolean stopNow() {
      return false;
    }

    /**
     * Asked before each step: the factor on the schedule's learning rate for that step, in (0, 1]
     * (e.g. smaller steps once a run is near its goal). 1 by default.
     */
    default double lrScale() {
      return 1;
    }
  }

  /**
   * A loop with {@code config}, recording metrics in {@code registry} and progress on {@code
   * progress}.
   */
  public Unlearner(UnlearnConfig config, MeterRegistry registry, PrintStream progress) {
    this(config, registry, progress, (step, total, skipped) -> {});
  }

  /** As {@link #Unlearner(UnlearnConfig, MeterRegistry, PrintStream)}, with a step listener. */
  public Unlearner(
      UnlearnConfig config, MeterRegistry registry, PrintStream progress, StepListener listener) {
    this.config = requireNonNull(config, "config");
    this.registry = requireNonNull(registry, "registry");
    this.progress = requireNonNull(progress, "progress");
    this.listener = requireNonNull(listener, "listener");
  }

  /** Consecutive non-finite steps after which the run fails as diverged. */
  static final int MAX_SKIPPED_IN_A_ROW = 3;

  /**
   * What a run did.
   *
   * @param steps optimizer steps taken (fewer than planned when a listener stopped the run early)
   * @param seconds wall time of the loop (saliency pass and reference copy included)
   * @param lastLoss the objective of the last step
   * @param lastForget its forget term
   * @param lastRetain its retain term, or null without one
   * @param updatedParameters names of the parameters that received gradients
   * @param trainableWeights number of weights in them
   * @param maskedWeights number of those kept by the saliency mask (all without a mask)
   * @param skippedSteps steps whose loss or gradient was not finite and whose update was therefore
   *     skipped (counted in {@code steps}; the run fails after {@value #MAX_SKIPPED_IN_A_ROW} in a
   *     row or more than 5% of the steps)
   * @param projectedSteps steps whose forget gradient was projected off a conflicting retain
   *     gradient ({@link UnlearnConfig#projectGradients()}; 0 without projection)
   */
  public record Result(
      int steps,
      double seconds,
      double lastLoss,
      double lastForget,
      Double lastRetain,
      List<String> updatedParameters,
      long trainableWeights,
      long maskedWeights,
      int skippedSteps,
      int projectedSteps) {

    /** Copies the list. */
    public Result {
      updatedParameters = List.copyOf(updatedParameters);
    }
  }

  /**
   * Unlearns {@code forget} from {@code model} in place.
   *
   * @param method the method
   * @param model the model to update (its parameters are changed)
   * @param tokenizer the model's tokenizer
   * @param forget the forget pairs, at least one
   * @param retain the retain pairs (needed when the method has a retain term)
   * @param refusals refusal lines (needed by IDK and IdkDPO), possibly empty otherwise
   * @throws ConfigException when an input the method needs is empty, the layer is out of range or
   *     the parameter filter matches nothing
   * @throws IllegalStateException when the loss becomes non-finite
   */
  public Result run(
      UnlearningMethod method,
      LlamaModel model,
      TextTokenizer tokenizer,
      List<QaPair> forget,
      List<QaPair> retain,
      List<String> refusals) {
    requireNonNull(method, "method");
    requireNonNull(model, "model");
    requireNonNull(tokenizer, "tokenizer");
    requireNonNull(forget, "forget");
    requireNonNull(retain, "retain");
    requireNonNull(refusals, "refusals");
    // libtorch's grad mode is per thread and on by default on a new thread; the loop records
    // gradients only inside its collector, so it must be off on whichever thread calls run().
    Engines.pytorch();
    ai.djl.pytorch.jni.JniUtils.setGradMode(false);
    long start = System.nanoTime();
    UnlearningLoss objective = method.objective();
    if (forget.isEmpty()) {
      throw new ConfigException("forget", "no question/answer pair");
    }
    if (objective.needsRetainBatch() && retain.isEmpty()) {
      throw new ConfigException(
          "retain", "no question/answer pair (" + method.name() + " needs some)");
    }
    if (method.usesRefusals() && refusals.isEmpty()) {
      throw new ConfigException("refusals", "no refusal line (" + method.name() + " needs some)");
    }
    int layers = model.config().numHiddenLayers();
    int layer = method.steeredLayer();
    if (layer >= layers) {
      throw new ConfigException("layer", layer, "0.." + (layers - 1) + " for this model");
    }
    Predicate<String> filter = parameterFilter(method, model);
    Map<String, NDArray> trainable = new LinkedHashMap<>();
    long weights = 0;
    for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
      if (filter.test(e.getKey())) {
        trainable.put(e.getKey(), e.getValue());
        weights += e.getValue().size();
      }
    }
    if (trainable.isEmpty()) {
      throw new ConfigException(
          "params", config.parameterRegex(), "a pattern matching at least one parameter name");
    }

    List<EncodedQa> forgetEnc = encode(tokenizer, model, forget);
    List<EncodedQa> retainEnc = encode(tokenizer, model, retain);
    int total = config.totalSteps(forget.size());
    Tags tags = Tags.of("method", method.name());
    Counter stepCounter = registry.counter("lethe.unlearn.steps", tags);
    Counter skippedCounter = registry.counter("lethe.unlearn.skipped.steps", tags);
    Timer stepTimer = registry.timer("lethe.unlearn.step", tags);
    boolean[] fresh = {false};
    gauges =
        GAUGES
            .computeIfAbsent(registry, r -> new java.util.concurrent.ConcurrentHashMap<>())
            .computeIfAbsent(
                method.name(),
                m -> {
                  fresh[0] = true;
                  return new double[2];
                });
    if (fresh[0]) {
      registry.gauge("lethe.unlearn.loss", tags, gauges, g -> g[0]);
      registry.gauge("lethe.unlearn.grad.norm", tags, gauges, g -> g[1]);
    }

    progress.printf(
        Locale.ROOT,
        "unlearn %s: %d steps, %d forget / %d retain pairs, %d tensors (%,d weights) on %s%s%n",
        method.name(),
        total,
        forget.size(),
        retain.size(),
        trainable.size(),
        weights,
        model.device(),
        objective.needsReference() ? ", with a frozen reference" : "");

    Random random = new Random(config.seed());
    LlamaModel reference = objective.needsReference() ? model.frozenCopy() : null;
    NDManager maskManager = model.manager().newSubManager();
    long kept = weights;
    double lastLoss = Double.NaN;
    double lastForget = Double.NaN;
    Double lastRetain = null;
    int skipped = 0;
    int skippedInARow = 0;
    int maxSkipped = Math.max(MAX_SKIPPED_IN_A_ROW, total / 20);
    int taken = 0;
    projectedSteps = 0;
    model.setTrainable(filter);
    try (AdamW optimizer =
        new AdamW(model.manager(), 0.9, 0.999, 1e-8, config.weightDecay(), config.clipNorm())) {
      Map<String, NDArray> masks = Map.of();
      if (config.saliency() < 1) {
        masks =
            saliencyMasks(
                method,
                model,
                reference,
                forgetEnc,
                tokenizer,
                refusals,
                random,
                trainable,
                maskManager);
        kept = 0;
        for (NDArray m : masks.values()) {
          kept += (long) m.sum().getFloat();
        }
        progress.printf(
            Locale.ROOT,
            "saliency: keeping %,d of %,d weights (%.1f%%)%n",
            kept,
            weights,
            100.0 * kept / Math.max(1, weights));
      }
      LrSchedule schedule =
          new LrSchedule(
              config.learningRate(),
              config.minLrRatio(),
              (int) Math.round(config.warmupFraction() * total),
              total);
      boolean project = config.projectGradients() && objective.needsRetainBatch();
      int stepBatch = config.stepBatch(forgetEnc.size());
      List<Integer> order = new ArrayList<>();
      int cursor = 0;
      int every = Math.max(1, total / 20);
      for (int step = 0; step < total; step++) {
        List<EncodedQa> fItems = new ArrayList<>();
        while (fItems.size() < stepBatch) {
          if (cursor == order.size()) {
            order.clear();
            for (int i = 0; i < forgetEnc.size(); i++) {
              order.add(i);
            }
            Collections.shuffle(order, random);
            cursor = 0;
          }
          fItems.add(forgetEnc.get(order.get(cursor++)));
        }
        List<EncodedQa> rItems = new ArrayList<>();
        if (objective.needsRetainBatch()) {
          for (int i = 0; i < fItems.size(); i++) {
            rItems.add(retainEnc.get(random.nextInt(retainEnc.size())));
          }
        }
        List<EncodedQa> aItems =
            method.usesRefusals() ? refusalItems(tokenizer, model, fItems, refusals, random) : null;
        double lr = schedule.at(step) * listener.lrScale();
        long t0 = System.nanoTime();
        double norm;
        Step batch = new Step(fItems, aItems, rItems, config.microBatch());
        try (NDManager sm = model.manager().newSubManager();
            NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          double[] parts =
              project
                  ? projectedBackward(method, model, reference, sm, batch, trainable)
                  : accumulatedBackward(method, model, reference, sm, batch);
          lastLoss = parts[0];
          lastForget = parts[1];
          lastRetain = Double.isNaN(parts[2]) ? null : parts[2];
          for (Map.Entry<String, NDArray> m : masks.entrySet()) {
            NDArray p = trainable.get(m.getKey());
            if (p.hasGradient()) {
              p.getGradient().muli(m.getValue());
            }
          }
          norm = optimizer.step(trainable, lr);
        }
        stepTimer.record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
        stepCounter.increment();
        gauges[0] = lastLoss;
        gauges[1] = norm;
        if (!Double.isFinite(lastLoss) || !Double.isFinite(norm)) {
          if (Double.isFinite(norm)) {
            // A non-finite loss with a finite gradient was applied: the weights may be off.
            throw new IllegalStateException(
                "loss diverged at step " + (step + 1) + ": " + lastLoss + " (lower --lr?)");
          }
          skipped++;
          skippedInARow++;
          skippedCounter.increment();
          progress.printf(
              Locale.ROOT,
              "step %d/%d: non-finite %s, update skipped (%d so far)%n",
              step + 1,
              total,
              Double.isFinite(lastLoss) ? "gradient" : "loss",
              skipped);
          if (skippedInARow >= MAX_SKIPPED_IN_A_ROW || skipped > maxSkipped) {
            throw new IllegalStateException(
                "loss diverged at step "
                    + (step + 1)
                    + ": "
                    + skipped
                    + " steps with a non-finite loss or gradient, "
                    + skippedInARow
                    + " in a row (lower --lr?)");
          }
          listener.afterStep(step + 1, total, true, lastLoss);
          taken = step + 1;
          if (listener.stopNow()) {
            break;
          }
          continue;
        }
        skippedInARow = 0;
        if ((step + 1) % every == 0 || step + 1 == total) {
          progress.printf(
              Locale.ROOT,
              "step %d/%d loss %.4f forget %.4f%s lr %.2e grad %.3f%s%n",
              step + 1,
              total,
              lastLoss,
              lastForget,
              lastRetain == null ? "" : String.format(Locale.ROOT, " retain %.4f", lastRetain),
              lr,
              norm,
              project
                  ? String.format(
                      Locale.ROOT,
                      " cos(forget, retain) %.3f, projected %d",
                      lastCosine,
                      projectedSteps)
                  : "");
        }
        listener.afterStep(step + 1, total, false, lastLoss);
        taken = step + 1;
        if (listener.stopNow()) {
          progress.printf(Locale.ROOT, "stopped early after step %d/%d%n", step + 1, total);
          break;
        }
      }
    } finally {
      model.setTrainable(name -> false);
      maskManager.close();
      if (reference != null) {
        reference.close();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(
        taken,
        seconds,
        lastLoss,
        lastForget,
        lastRetain,
        List.copyOf(trainable.keySet()),
        weights,
        kept,
        skipped,
        projectedSteps);
  }

  /**
   * One step's items, split into near-equal micro-batches of at most {@code microBatch} forget
   * sequences (the retain and refusal items follow their forget items), each padded to the step's
   * longest sequence of its kind.
   */
  private record Step(
      List<EncodedQa> forget, List<EncodedQa> alternate, List<EncodedQa> retain, int microBatch) {

    int chunks() {
      return (forget.size() + microBatch - 1) / microBatch;
    }

    int from(int chunk) {
      return (int) ((long) chunk * forget.size() / chunks());
    }

    int to(int chunk) {
      return from(chunk + 1);
    }

    /** The chunk's share of the step: its forget sequences over the step's. */
    double weight(int chunk) {
      return (to(chunk) - from(chunk)) / (double) forget.size();
    }

    /**
     * The chunk's share of a term over {@code items}: its answer tokens over the step's when the
     * term is a token mean, else its sequences.
     */
    double weight(int chunk, boolean tokenMean, List<EncodedQa> items, int context) {
      if (!tokenMean || chunks() == 1) {
        return weight(chunk);
      }
      long all = answerTokens(items, 0, items.size(), context);
      return all == 0
          ? weight(chunk)
          : answerTokens(items, from(chunk), to(chunk), context) / (double) all;
    }

    /** The tokens of the forget term's answers: the refusals for a term reading only those. */
    List<EncodedQa> forgetTermItems(UnlearningMethod method) {
      return method.usesRefusals() && !method.usesForgetLogits() ? alternate : forget;
    }

    private static long answerTokens(List<EncodedQa> items, int from, int to, int context) {
      long n = 0;
      for (EncodedQa e : items.subList(from, to)) {
        n += Math.max(0, Math.min(context, e.ids().length) - Math.max(1, e.answerStart()));
      }
      return n;
    }

    Inputs inputs(
        int chunk, UnlearningMethod method, LlamaModel model, LlamaModel reference, NDManager sm) {
      int from = from(chunk);
      int to = to(chunk);
      return Unlearner.inputs(
          method,
          model,
          reference,
          sm,
          forget.subList(from, to),
          alternate == null ? null : alternate.subList(from, to),
          retain.isEmpty() ? retain : retain.subList(from, to),
          new int[] {longest(forget), longest(alternate), longest(retain)});
    }

    private static int longest(List<EncodedQa> items) {
      int t = 0;
      if (items != null) {
        for (EncodedQa e : items) {
          t = Math.max(t, e.ids().length);
        }
      }
      return t;
    }
  }

  /**
   * The step's gradient, accumulated over its micro-batches (each loss weighted by its share of the
   * step, so the sum is the whole batch's mean loss): {total, forget, retain (NaN without)}.
   */
  private static double[] accumulatedBackward(
      UnlearningMethod method, LlamaModel model, LlamaModel reference, NDManager sm, Step batch) {
    UnlearningLoss objective = method.objective();
    int context = model.config().maxPositionEmbeddings();
    double total = 0;
    double forget = 0;
    double retain = 0;
    boolean hasRetain = false;
    for (int c = 0; c < batch.chunks(); c++) {
      double wf =
          batch.weight(
              c, objective.forgetTerm().meanOverTokens(), batch.forgetTermItems(method), context);
      double wr = batch.weight(c, objective.retainTerm().meanOverTokens(), batch.retain(), context);
      try (NDManager cm = sm.newSubManager();
          NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        Inputs in = batch.inputs(c, method, model, reference, cm);
        try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
          UnlearningLoss.Parts parts =
              objective.compute(forgetBatch(method, model, in), retainBatch(method, model, in));
          NDArray weighted;
          if (batch.chunks() == 1) {
            weighted = parts.total();
          } else {
            weighted = Scalars.mul(parts.forget(), objective.gamma() * wf);
            if (parts.retain() != null) {
              weighted = weighted.add(Scalars.mul(parts.retain(), objective.alpha() * wr));
            }
          }
          gc.backward(weighted);
          double f = parts.forget().getFloat();
          forget += wf * f;
          total += objective.gamma() * wf * f;
          if (parts.retain() != null) {
            hasRetain = true;
            double r = parts.retain().getFloat();
            retain += wr * r;
            total += objective.alpha() * wr * r;
          }
          if (batch.chunks() == 1) {
            total = parts.total().getFloat();
          }
        }
      }
    }
    return new double[] {total, forget, hasRetain ? retain : Double.NaN};
  }

  /**
   * One step's gradient with {@link GradientProjection}: the forget term (× γ) and the retain term
   * (× α) are differentiated in two passes (each accumulated over the micro-batches), the forget
   * gradient is projected off the retain gradient where they conflict, and the parameters'
   * gradients are left holding the sum: {total, forget, retain}.
   */
  private double[] projectedBackward(
      UnlearningMethod method,
      LlamaModel model,
      LlamaModel reference,
      NDManager sm,
      Step batch,
      Map<String, NDArray> trainable) {
    UnlearningLoss objective = method.objective();
    int context = model.config().maxPositionEmbeddings();
    double forgetLoss = 0;
    for (int c = 0; c < batch.chunks(); c++) {
      double w =
          batch.weight(
              c, objective.forgetTerm().meanOverTokens(), batch.forgetTermItems(method), context);
      try (NDManager cm = sm.newSubManager();
          NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        Inputs in = batch.inputs(c, method, model, reference, cm);
        try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
          NDArray loss = objective.forgetTerm().loss(forgetBatch(method, model, in));
          gc.backward(Scalars.mul(loss, objective.gamma() * w));
          forgetLoss += w * loss.getFloat();
        }
      }
    }
    Map<String, NDArray> forgetGrads = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
      if (e.getValue().hasGradient()) {
        NDArray g = e.getValue().getGradient();
        forgetGrads.put(e.getKey(), g.duplicate());
        g.muli(0f);
      }
    }
    double retainLoss = 0;
    for (int c = 0; c < batch.chunks(); c++) {
      double w = batch.weight(c, objective.retainTerm().meanOverTokens(), batch.retain(), context);
      try (NDManager cm = sm.newSubManager();
          NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        Inputs in = batch.inputs(c, method, model, reference, cm);
        try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
          NDArray loss = objective.retainTerm().loss(retainBatch(method, model, in));
          gc.backward(Scalars.mul(loss, objective.alpha() * w));
          retainLoss += w * loss.getFloat();
        }
      }
    }
    Map<String, NDArray> retainGrads = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
      if (e.getValue().hasGradient()) {
        retainGrads.put(e.getKey(), e.getValue().getGradient());
      }
    }
    GradientProjection.Outcome outcome = GradientProjection.project(forgetGrads, retainGrads);
    if (outcome.projected()) {
      projectedSteps++;
    }
    lastCosine = outcome.cosine();
    for (Map.Entry<String, NDArray> e : forgetGrads.entrySet()) {
      trainable.get(e.getKey()).getGradient().addi(e.getValue());
    }
    double total = objective.gamma() * forgetLoss + objective.alpha() * retainLoss;
    return new double[] {total, forgetLoss, retainLoss};
  }

  private Predicate<String> parameterFilter(UnlearningMethod method, LlamaModel model) {
    if (config.parameterRegex() == null) {
      return method.defaultParameters(model.config());
    }
    Pattern p = Pattern.compile(config.parameterRegex());
    return name -> p.matcher(name).find();
  }

  /** Everything one step feeds the objective, computed in the step's manager. */
  private record Inputs(
      QaBatch forget,
      NDArray forgetLabels,
      NDArray referenceForgetNll,
      QaBatch alternate,
      NDArray alternateLabels,
      NDArray referenceAlternateNll,
      QaBatch retain,
      NDArray retainLabels,
      NDArray referenceRetainLogits,
      NDArray referenceRetainActivations) {}

  /** Collates the batches and runs the reference model (before any gradient is recorded). */
  private static Inputs inputs(
      UnlearningMethod method,
      LlamaModel model,
      LlamaModel reference,
      NDManager sm,
      List<EncodedQa> fItems,
      List<EncodedQa> aItems,
      List<EncodedQa> rItems,
      int[] padTo) {
    long pad = Math.max(0, model.config().padTokenId());
    int context = model.config().maxPositionEmbeddings();
    UnlearningLoss objective = method.objective();
    QaBatch fb = QaBatch.collate(sm, fItems, pad, context, padTo[0]);
    NDArray fLabels = ModelScorer.labels(fb);
    QaBatch ab = aItems == null ? null : QaBatch.collate(sm, aItems, pad, context, padTo[1]);
    NDArray aLabels = ab == null ? null : ModelScorer.labels(ab);
    NDArray refNll = null;
    NDArray refAltNll = null;
    if (objective.forgetTerm().needsReference()) {
      refNll = TokenLosses.sequenceNll(reference.logits(fb.ids()), fLabels).stopGradient();
      if (ab != null) {
        refAltNll = TokenLosses.sequenceNll(reference.logits(ab.ids()), aLabels).stopGradient();
      }
    }
    QaBatch rb = null;
    NDArray rLabels = null;
    NDArray refLogits = null;
    NDArray refActs = null;
    if (objective.needsRetainBatch() && !rItems.isEmpty()) {
      rb = QaBatch.collate(sm, rItems, pad, context, padTo[2]);
      rLabels = ModelScorer.labels(rb);
      RetainKind kind = method.params().retain();
      if (kind == RetainKind.KL) {
        refLogits = reference.logits(rb.ids()).stopGradient();
      } else if (kind == RetainKind.ACTIVATIONS) {
        refActs = reference.hiddenState(rb.ids(), method.steeredLayer()).stopGradient();
      }
    }
    return new Inputs(fb, fLabels, refNll, ab, aLabels, refAltNll, rb, rLabels, refLogits, refActs);
  }

  private static ForgetBatch forgetBatch(UnlearningMethod method, LlamaModel model, Inputs in) {
    NDArray logits = method.usesForgetLogits() ? model.logits(in.forget().ids()) : null;
    NDArray altLogits = in.alternate() == null ? null : model.logits(in.alternate().ids());
    NDArray acts =
        method.steeredLayer() >= 0
            ? model.hiddenState(in.forget().ids(), method.steeredLayer())
            : null;
    return new ForgetBatch(
        logits,
        in.forgetLabels(),
        in.referenceForgetNll(),
        altLogits,
        in.alternateLabels(),
        in.referenceAlternateNll(),
        acts);
  }

  private static RetainBatch retainBatch(UnlearningMethod method, LlamaModel model, Inputs in) {
    if (in.retain() == null) {
      return null;
    }
    RetainKind kind = method.params().retain();
    if (kind == RetainKind.ACTIVATIONS) {
      NDArray acts = model.hiddenState(in.retain().ids(), method.steeredLayer());
      return new RetainBatch(null, in.retainLabels(), null, acts, in.referenceRetainActivations());
    }
    NDArray logits = model.logits(in.retain().ids());
    return new RetainBatch(logits, in.retainLabels(), in.referenceRetainLogits(), null, null);
  }

  /**
   * SalUn: accumulates the forget term's gradient over the whole forget set at the start weights
   * and keeps the top {@link UnlearnConfig#saliency()} share by magnitude.
   */
  private Map<String, NDArray> saliencyMasks(
      UnlearningMethod method,
      LlamaModel model,
      LlamaModel reference,
      List<EncodedQa> forgetEnc,
      TextTokenizer tokenizer,
      List<String> refusals,
      Random random,
      Map<String, NDArray> trainable,
      NDManager maskManager) {
    Map<String, NDArray> sums = new LinkedHashMap<>();
    int chunk = Math.min(config.stepBatch(forgetEnc.size()), config.microBatch());
    for (int from = 0; from < forgetEnc.size(); from += chunk) {
      List<EncodedQa> fItems = forgetEnc.subList(from, Math.min(forgetEnc.size(), from + chunk));
      List<EncodedQa> aItems =
          method.usesRefusals() ? refusalItems(tokenizer, model, fItems, refusals, random) : null;
      try (NDManager sm = model.manager().newSubManager();
          NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        Inputs in =
            inputs(method, model, reference, sm, fItems, aItems, List.of(), new int[] {0, 0, 0});
        try (GradientCollector gc = Engines.pytorch().newGradientCollector()) {
          gc.backward(method.objective().forgetTerm().loss(forgetBatch(method, model, in)));
        }
        for (Map.Entry<String, NDArray> e : trainable.entrySet()) {
          if (!e.getValue().hasGradient()) {
            continue;
          }
          NDArray g = e.getValue().getGradient();
          NDArray sum = sums.get(e.getKey());
          if (sum == null) {
            sum = g.duplicate();
            sum.attach(maskManager);
            NDScope.unregister(sum);
            sums.put(e.getKey(), sum);
          } else {
            sum.addi(g);
          }
          g.muli(0f);
        }
      }
    }
    if (sums.isEmpty()) {
      throw new ConfigException("saliency", "no parameter received a forget gradient");
    }
    Map<String, NDArray> masks = SaliencyMask.topFraction(sums, config.saliency());
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : masks.entrySet()) {
      NDArray m = e.getValue();
      m.attach(maskManager);
      NDScope.unregister(m);
      out.put(e.getKey(), m);
    }
    return out;
  }

  private static List<EncodedQa> encode(
      TextTokenizer tokenizer, LlamaModel model, List<QaPair> pairs) {
    List<EncodedQa> out = new ArrayList<>(pairs.size());
    for (QaPair qa : pairs) {
      out.add(PromptTemplate.encode(tokenizer, model.config(), qa));
    }
    return out;
  }

  private static List<EncodedQa> refusalItems(
      TextTokenizer tokenizer,
      LlamaModel model,
      List<EncodedQa> forgetItems,
      List<String> refusals,
      Random random) {
    List<EncodedQa> out = new ArrayList<>(forgetItems.size());
    for (EncodedQa f : forgetItems) {
      long[] prompt = java.util.Arrays.copyOf(f.ids(), f.answerStart());
      long[] answer = tokenizer.encode(refusals.get(random.nextInt(refusals.size())));
      long[] ids = java.util.Arrays.copyOf(prompt, prompt.length + answer.length + 1);
      System.arraycopy(answer, 0, ids, prompt.length, answer.length);
      ids[ids.length - 1] = model.config().eosTokenId();
      out.add(new EncodedQa(ids, prompt.length));
    }
    return out;
  }
}

package dev.lethe.unlearner.bench;

import dev.lethe.unlearner.checkpoint.Checkpoint;
import dev.lethe.unlearner.data.QaData;
import dev.lethe.unlearner.data.QaPair;
import dev.lethe.unlearner.eval.CheckpointEvaluation;
import dev.lethe.unlearner.eval.EvalSets;
import dev.lethe.unlearner.eval.KolmogorovSmirnov;
import dev.lethe.unlearner.eval.ReferenceStats;
import dev.lethe.unlearner.eval.TofuData;
import dev.lethe.unlearner.eval.TofuEvalConfig;
import dev.lethe.unlearner.eval.TofuReport;
import dev.lethe.unlearner.loss.MethodParams;
import dev.lethe.unlearner.loss.UnlearnMethod;
import dev.lethe.unlearner.model.LlamaModel;
import dev.lethe.unlearner.train.CausalLmTrainer;
import dev.lethe.unlearner.train.DemoData;
import dev.lethe.unlearner.train.Presets;
import dev.lethe.unlearner.unlearn.UnlearnConfig;
import dev.lethe.unlearner.unlearn.Unlearner;
import dev.lethe.unlearner.unlearn.UnlearningMethods;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The TOFU table of Lethe's unlearning methods: for each split, the target model, the retain model
 * and every method applied to the target — forget quality, model utility, forget ROUGE-L, MIA AUC
 * (Min-k%) and unlearning seconds — written as markdown.
 *
 * <p>Demo mode (the pair trained with {@code lethe train --preset demo} on {@link DemoData}):
 *
 * <pre>
 * --target DIR --retain-model DIR [--tofu DIR] [--splits forget01,forget10]
 * </pre>
 *
 * uses {@code forgetXX.json} to unlearn, {@link DemoData#retain} as the retain set, and evaluates
 * on {@code forgetXX_perturbed.json}, {@code retain_perturbed.json}, {@code
 * real_authors_perturbed.json}, {@code world_facts_perturbed.json} and {@code holdoutXX.json}.
 *
 * <p>Tiny mode ({@code --tiny DIR}, a directory laid out like the {@code tofu-tiny} test slice)
 * unlearns {@code forget.json} against {@code retain.json}; with {@code --train-tiny STEPS} it
 * first trains the target (forget + retain) and the retain model (retain only) with the {@code
 * tiny} preset for that many steps; {@code --tofu DIR} adds real authors and world facts (model
 * utility).
 *
 * <p>Common options: {@code --methods ga,graddiff,...} (default all), {@code --epochs N} (5),
 * {@code --lr X} (1e-4), {@code --batch N} (8), {@code --limit N} (questions per eval file, 0 =
 * all), {@code --max-new-tokens N} (200), {@code --set method.option=value} (repeatable, e.g.
 * {@code rmu.alpha=100}, {@code npo.beta=0.2}; {@code npo.lr=3e-4} and {@code npo.epochs=10} change
 * that method's loop only, as do {@code npo.saliency=0.5} (a SalUn mask keeping that share of the
 * weights), {@code rmu.params=REGEX} (the parameter filter) and {@code rmu.layer=N} (the steered
 * layer)), {@code --out FILE} (default {@code docs/unlearning-benchmark.md}).
 *
 * <p>{@code --then METHOD} runs a second method on each result before it is evaluated (a two-stage
 * pipeline, as two {@code lethe unlearn} runs in a row would; the second stage's frozen reference
 * is the first stage's output), with that method's {@code --set} options; the row is named {@code
 * first+second}; {@code --trace-first-stage false} traces the second stage only.
 *
 * <p>Cheaper probes: {@code --reference-eval FILE} reads the retain model's saved report ({@code
 * lethe eval --out}, on the same forget split; one split only) instead of evaluating the retain
 * model, {@code --skip-target true} leaves out the target's row, and {@code --trace-every N} prints
 * the forget quality (truth ratios only, no generation) every N steps of each run as {@code trace:}
 * lines, to see where a setting under- or over-forgets; with {@code --skip-final-eval true} the
 * traces are all a run reports (no table row).
 */
public final class UnlearnBench {
  private UnlearnBench() {}

  private record Split(
      String name, Path forgetTrain, Path forgetEval, Path holdout, List<QaPair> retain) {}

  private record Row(String split, String model, TofuReport report, Double seconds) {}

  /** Runs the benchmark. */
  public static void main(String[] argv) throws Exception {
    Map<String, List<String>> args = parse(argv);
    PrintStream err = System.err;
    String tiny = one(args, "tiny", null);
    Path target;
    Path retainModel;
    List<Split> splits = new ArrayList<>();
    Path retainEval;
    Path realAuthors = null;
    Path worldFacts = null;
    Path refusalFile;
    if (tiny != null) {
      Path dir = Path.of(tiny);
      List<QaPair> retain = QaData.readQa(dir.resolve("retain.json"));
      splits.add(
          new Split(
              "forget",
              dir.resolve("forget.json"),
              dir.resolve("forget_perturbed.json"),
              dir.resolve("holdout.json"),
              retain));
      retainEval = dir.resolve("retain_perturbed.json");
      refusalFile = dir.resolve("idontknow.jsonl");
      String tofu = one(args, "tofu", null);
      if (tofu != null) {
        realAuthors = Path.of(tofu, "real_authors_perturbed.json");
        worldFacts = Path.of(tofu, "world_facts_perturbed.json");
      }
      String train = one(args, "train-tiny", null);
      if (train != null) {
        int steps = Integer.parseInt(train);
        Path work = Files.createTempDirectory("lethe-bench-tiny-");
        List<QaPair> all = new ArrayList<>(QaData.readQa(dir.resolve("forget.json")));
        all.addAll(retain);
        var preset = Presets.get("tiny").withSteps(steps);
        err.println("training the tiny target (" + all.size() + " pairs)");
        target = new CausalLmTrainer(preset, err).train(all, work.resolve("target")).checkpoint();
        err.println("training the tiny retain model (" + retain.size() + " pairs)");
        retainModel =
            new CausalLmTrainer(preset, err).train(retain, work.resolve("retain")).checkpoint();
      } else {
        target = Path.of(one(args, "target", null));
        retainModel = Path.of(one(args, "retain-model", null));
      }
    } else {
      Path tofu = Path.of(one(args, "tofu", defaultTofu()));
      target = Path.of(required(args, "target"));
      retainModel = Path.of(required(args, "retain-model"));
      List<QaPair> retain = DemoData.retain(tofu);
      for (String s : one(args, "splits", "forget01,forget10").split(",")) {
        String n = s.strip();
        splits.add(
            new Split(
                n,
                tofu.resolve(n + ".json"),
                tofu.resolve(n + "_perturbed.json"),
                tofu.resolve(n.replace("forget", "holdout") + ".json"),
                retain));
      }
      retainEval = tofu.resolve("retain_perturbed.json");
      realAuthors = tofu.resolve("real_authors_perturbed.json");
      worldFacts = tofu.resolve("world_facts_perturbed.json");
      refusalFile = tofu.resolve("idontknow.jsonl");
    }
    List<String> refusals = QaData.readLines(refusalFile);
    int limit = Integer.parseInt(one(args, "limit", "0"));
    TofuEvalConfig evalConfig =
        new TofuEvalConfig(Integer.parseInt(one(args, "max-new-tokens", "200")), 0.4, 16);
    UnlearnConfig d = UnlearnConfig.DEFAULTS;
    UnlearnConfig config =
        new UnlearnConfig(
            0,
            Integer.parseInt(one(args, "epochs", String.valueOf(d.epochs()))),
            Integer.parseInt(one(args, "batch", String.valueOf(d.batchSize()))),
            Double.parseDouble(one(args, "lr", String.valueOf(d.learningRate()))),
            d.warmupFraction(),
            d.minLrRatio(),
            d.weightDecay(),
            d.clipNorm(),
            1.0,
            null,
            d.seed());
    List<UnlearnMethod> methods = new ArrayList<>();
    for (String m : one(args, "methods", "ga,graddiff,kl,npo,simnpo,idk,idkdpo,rmu").split(",")) {
      methods.add(UnlearnMethod.parse(m));
    }
    String thenName = one(args, "then", null);
    UnlearnMethod then = thenName == null ? null : UnlearnMethod.parse(thenName);
    List<UnlearnMethod> configured = new ArrayList<>(methods);
    if (then != null && !configured.contains(then)) {
      configured.add(then);
    }
    Map<UnlearnMethod, MethodParams> params = new LinkedHashMap<>();
    for (UnlearnMethod m : configured) {
      params.put(m, MethodParams.defaults(m).with("seed", String.valueOf(d.seed())));
    }
    Map<UnlearnMethod, UnlearnConfig> loops = new LinkedHashMap<>();
    Map<UnlearnMethod, Integer> layers = new LinkedHashMap<>();
    for (UnlearnMethod m : configured) {
      loops.put(m, config);
    }
    for (String set : args.getOrDefault("set", List.of())) {
      int dot = set.indexOf('.');
      int eq = set.indexOf('=');
      if (dot < 1 || eq < dot) {
        throw new IllegalArgumentException(
            "--set " + set + " (expected: method.option=value, e.g. npo.beta=0.2)");
      }
      UnlearnMethod m = UnlearnMethod.parse(set.substring(0, dot));
      String key = set.substring(dot + 1, eq);
      String value = set.substring(eq + 1);
      if (!params.containsKey(m)) {
        continue;
      }
      UnlearnConfig b = loops.get(m);
      switch (key) {
        case "lr" ->
            loops.put(
                m,
                withLoop(
                    b, b.epochs(), Double.parseDouble(value), b.saliency(), b.parameterRegex()));
        case "epochs" ->
            loops.put(
                m,
                withLoop(
                    b,
                    Integer.parseInt(value),
                    b.learningRate(),
                    b.saliency(),
                    b.parameterRegex()));
        case "saliency" ->
            loops.put(
                m,
                withLoop(
                    b,
                    b.epochs(),
                    b.learningRate(),
                    Double.parseDouble(value),
                    b.parameterRegex()));
        case "params" ->
            loops.put(m, withLoop(b, b.epochs(), b.learningRate(), b.saliency(), value));
        case "layer" -> {
          try {
            layers.put(m, Integer.parseInt(value.strip()));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--set " + set + " (expected: an integer layer)");
          }
        }
        default -> params.put(m, params.get(m).with(key, value));
      }
    }

    String referenceEval = one(args, "reference-eval", null);
    if (referenceEval != null && splits.size() != 1) {
      throw new IllegalArgumentException(
          "--reference-eval " + referenceEval + " (expected: with exactly one --splits entry)");
    }
    boolean skipTarget = Boolean.parseBoolean(one(args, "skip-target", "false"));
    boolean skipFinalEval = Boolean.parseBoolean(one(args, "skip-final-eval", "false"));
    boolean traceFirstStage = Boolean.parseBoolean(one(args, "trace-first-stage", "true"));
    int traceEvery = Integer.parseInt(one(args, "trace-every", "0"));
    if (traceEvery < 0) {
      throw new IllegalArgumentException("--trace-every " + traceEvery + " (expected: ≥ 0)");
    }
    CheckpointEvaluation evaluation = new CheckpointEvaluation(evalConfig, err);
    // Traces need only the forget truth ratios: one generated token keeps them cheap.
    CheckpointEvaluation traceEvaluation =
        new CheckpointEvaluation(
            new TofuEvalConfig(1, evalConfig.minKFraction(), evalConfig.batchSize()),
            new PrintStream(java.io.OutputStream.nullOutputStream()));
    List<Row> rows = new ArrayList<>();
    long benchStart = System.nanoTime();
    for (Split split : splits) {
      TofuData data =
          new EvalSets(split.forgetEval(), retainEval, realAuthors, worldFacts, split.holdout())
              .load(limit);
      List<QaPair> forget = QaData.readQa(split.forgetTrain());
      ReferenceStats reference;
      if (referenceEval != null) {
        err.println("== " + split.name() + ": retain model's report " + referenceEval);
        reference = evaluation.reference(Path.of(referenceEval), data);
        if (reference.forgetTruthRatios().length != data.forget().size()) {
          throw new IllegalArgumentException(
              "--reference-eval "
                  + referenceEval
                  + ": "
                  + reference.forgetTruthRatios().length
                  + " forget truth ratios (expected: "
                  + data.forget().size()
                  + ", one per question of "
                  + split.forgetEval().getFileName()
                  + ")");
        }
      } else {
        err.println("== " + split.name() + ": retain model");
        try (Checkpoint c = Checkpoint.load(retainModel)) {
          TofuReport r = evaluation.evaluate(c.model(), c.tokenizer(), data, null);
          reference = r.referenceStats();
          rows.add(progress(err, new Row(split.name(), "retain model", r, null)));
        }
      }
      if (!skipTarget) {
        err.println("== " + split.name() + ": target");
        try (Checkpoint c = Checkpoint.load(target)) {
          rows.add(
              progress(
                  err,
                  new Row(
                      split.name(),
                      "target",
                      evaluation.evaluate(c.model(), c.tokenizer(), data, reference),
                      null)));
        }
      }
      TofuData forgetOnly = new TofuData(data.forget(), null, null, null, null);
      for (UnlearnMethod m : methods) {
        String label = then == null ? m.cliName() : m.cliName() + "+" + then.cliName();
        err.println("== " + split.name() + ": " + m.cliName());
        try (Checkpoint c = Checkpoint.load(target)) {
          LlamaModel model = c.model();
          Function<String, Unlearner.StepListener> tracer =
              stage ->
                  (step, total, skipped) -> {
                    if (traceEvery > 0 && (step % traceEvery == 0 || step == total)) {
                      TofuReport t =
                          traceEvaluation.evaluate(model, c.tokenizer(), forgetOnly, reference);
                      double[] ratios =
                          t.forgetTruthRatios().stream().mapToDouble(Double::doubleValue).toArray();
                      err.printf(
                          Locale.ROOT,
                          "trace: %s %s step %d/%d forget quality %.3e (KS D %.3f) truth ratio"
                              + " deciles 1/3/5/7/9 %s (retain model %s) forget probability %.4f%n",
                          split.name(),
                          stage,
                          step,
                          total,
                          t.forgetQuality(),
                          KolmogorovSmirnov.twoSample(ratios, reference.forgetTruthRatios())
                              .statistic(),
                          deciles(ratios),
                          deciles(reference.forgetTruthRatios()),
                          t.forgetProbability());
                    }
                  };
          double seconds = 0;
          for (UnlearnMethod stage : then == null ? List.of(m) : List.of(m, then)) {
            if (then != null) {
              err.println("== " + split.name() + ": " + label + ", stage " + stage.cliName());
            }
            seconds +=
                new Unlearner(
                        loops.get(stage),
                        new SimpleMeterRegistry(),
                        err,
                        then != null && stage == m && !traceFirstStage
                            ? (step, total, skipped) -> {}
                            : tracer.apply(then == null ? m.cliName() : label))
                    .run(
                        UnlearningMethods.create(
                            params.get(stage),
                            layers.getOrDefault(
                                stage, UnlearningMethods.defaultSteeredLayer(model.config()))),
                        model,
                        c.tokenizer(),
                        forget,
                        split.retain(),
                        refusals)
                    .seconds();
          }
          if (skipFinalEval) {
            err.printf(Locale.ROOT, "%s: %.1f s, final evaluation skipped%n", label, seconds);
            continue;
          }
          rows.add(
              progress(
                  err,
                  new Row(
                      split.name(),
                      label,
                      evaluation.evaluate(model, c.tokenizer(), data, reference),
                      seconds)));
        } catch (IllegalStateException e) {
          err.println(label + " diverged: " + e.getMessage());
          rows.add(new Row(split.name(), label + " (diverged)", null, null));
        }
      }
    }
    String md =
        markdown(
            rows,
            argv,
            config,
            params,
            loops,
            layers,
            limit,
            evalConfig,
            target,
            (System.nanoTime() - benchStart) / 1e9);
    Path out = Path.of(one(args, "out", "docs/unlearning-benchmark.md"));
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, md);
    err.println(md);
    err.println("wrote " + out);
  }

  /** Prints {@code row} as a table line on {@code err} at once, so long runs show results. */
  private static Row progress(PrintStream err, Row row) {
    err.print("row: " + tableRow(row));
    return row;
  }

  private static String markdown(
      List<Row> rows,
      String[] argv,
      UnlearnConfig config,
      Map<UnlearnMethod, MethodParams> params,
      Map<UnlearnMethod, UnlearnConfig> loops,
      Map<UnlearnMethod, Integer> layers,
      int limit,
      TofuEvalConfig evalConfig,
      Path target,
      double totalSeconds) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Unlearning benchmark (TOFU metrics)\n\n");
    sb.append("Generated by `dev.lethe.unlearner.bench.UnlearnBench` with arguments `")
        .append(String.join(" ", argv).replace(System.getProperty("user.home"), "~"))
        .append("`.\n\n");
    try (Checkpoint c = Checkpoint.load(target)) {
      sb.append(
          String.format(
              Locale.ROOT,
              "Target: %,d parameters (%d layers, width %d); device %s.%n%n",
              c.model().config().parameterCount(),
              c.model().config().numHiddenLayers(),
              c.model().config().hiddenSize(),
              c.model().device()));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "Loop: %d epochs, batch %d, lr %.1e (warmup %.0f%%, cosine to %.0f%%), clip %.1f,"
                + " seed %d. Evaluation: %s questions per file, greedy ≤ %d new tokens."
                + " Total wall time %.0f s.%n%n",
            config.epochs(),
            config.batchSize(),
            config.learningRate(),
            config.warmupFraction() * 100,
            config.minLrRatio() * 100,
            config.clipNorm(),
            config.seed(),
            limit == 0 ? "all" : "the first " + limit,
            evalConfig.maxNewTokens(),
            totalSeconds));
    sb.append("Method hyper-parameters (β, γ, α, δ, c, retain term; loop where it differs):\n\n");
    params.forEach(
        (m, p) -> {
          UnlearnConfig loop = loops.get(m);
          String own =
              loop.equals(config)
                  ? ""
                  : String.format(
                      Locale.ROOT,
                      "; %d epochs, lr %.1e%s%s",
                      loop.epochs(),
                      loop.learningRate(),
                      loop.saliency() < 1
                          ? String.format(Locale.ROOT, ", SalUn mask %.0f%%", loop.saliency() * 100)
                          : "",
                      loop.parameterRegex() == null
                          ? ""
                          : ", params `" + loop.parameterRegex() + "`");
          sb.append(
              String.format(
                  Locale.ROOT,
                  "- %s: β %s, γ %s, α %s, δ %s, c %s, %s%s%s%n",
                  m.cliName(),
                  p.beta(),
                  p.gamma(),
                  p.alpha(),
                  p.delta(),
                  p.steeringCoefficient(),
                  p.retain().name().toLowerCase(Locale.ROOT),
                  own,
                  layers.containsKey(m) ? "; layer " + layers.get(m) : ""));
        });
    sb.append(
        "\n| split | model | forget quality ↑ | model utility ↑ | forget ROUGE-L ↓ | retain ROUGE-L ↑"
            + " | MIA AUC (Min-k%) → 0.5 | seconds |\n");
    sb.append("|---|---|---|---|---|---|---|---|\n");
    for (Row r : rows) {
      sb.append(tableRow(r));
    }
    sb.append(
        "\nForget quality: exact two-sample KS p-value of the forget truth ratios against the"
            + " retain model's. Model utility: harmonic mean of probability, ROUGE-L and truth"
            + " ratio on retain, real authors and world facts (– when a set is missing).\n");
    return sb.toString();
  }

  private static String tableRow(Row r) {
    StringBuilder sb = new StringBuilder();
    TofuReport m = r.report();
    sb.append("| ")
        .append(r.split())
        .append(" | ")
        .append(r.model())
        .append(" | ")
        .append(
            m == null
                ? "–"
                : r.model().equals("retain model") ? "1 (itself)" : sci(m.forgetQuality()))
        .append(" | ")
        .append(m == null ? "–" : fixed(m.modelUtility()))
        .append(" | ")
        .append(m == null ? "–" : fixed(m.forgetRouge()))
        .append(" | ")
        .append(m == null ? "–" : fixed(m.retainRouge()))
        .append(" | ")
        .append(m == null ? "–" : fixed(m.miaAuc()))
        .append(" | ")
        .append(r.seconds() == null ? "–" : String.format(Locale.ROOT, "%.1f", r.seconds()))
        .append(" |\n");
    return sb.toString();
  }

  /**
   * {@code base} with its loop options replaced (a null {@code regex}: the method's default
   * parameters), validated by {@link UnlearnConfig}: a bad value fails with the field named instead
   * of falling back silently.
   */
  private static UnlearnConfig withLoop(
      UnlearnConfig base, int epochs, double lr, double saliency, String regex) {
    return new UnlearnConfig(
        base.steps(),
        epochs,
        base.batchSize(),
        lr,
        base.warmupFraction(),
        base.minLrRatio(),
        base.weightDecay(),
        base.clipNorm(),
        saliency,
        regex,
        base.seed());
  }

  /**
   * The 10th, 30th, 50th, 70th and 90th percentiles (nearest rank), e.g. {@code
   * 0.38/0.63/0.87/1.19/1.84}.
   */
  private static String deciles(double[] values) {
    double[] v = values.clone();
    java.util.Arrays.sort(v);
    StringBuilder sb = new StringBuilder();
    for (int d = 1; d <= 9; d += 2) {
      int i = Math.min(v.length - 1, (int) Math.ceil(d / 10.0 * v.length) - 1);
      sb.append(sb.isEmpty() ? "" : "/")
          .append(v.length == 0 ? "-" : String.format(Locale.ROOT, "%.2f", v[Math.max(0, i)]));
    }
    return sb.toString();
  }

  private static String sci(Double v) {
    return v == null ? "–" : String.format(Locale.ROOT, "%.2e", v);
  }

  private static String fixed(Double v) {
    return v == null ? "–" : String.format(Locale.ROOT, "%.3f", v);
  }

  private static String defaultTofu() {
    String shared = System.getProperty("lethe.shared.dir", "../shared");
    return Path.of(shared, "data", "tofu").toString();
  }

  private static Map<String, List<String>> parse(String[] argv) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (int i = 0; i < argv.length; i++) {
      if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
        throw new IllegalArgumentException("argument " + argv[i] + " (expected: --name value)");
      }
      out.computeIfAbsent(argv[i].substring(2), k -> new ArrayList<>()).add(argv[++i]);
    }
    return out;
  }

  private static String one(Map<String, List<String>> args, String name, String fallback) {
    List<String> v = args.get(name);
    return v == null ? fallback : v.get(v.size() - 1);
  }

  private static String required(Map<String, List<String>> args, String name) {
    String v = one(args, name, null);
    if (v == null) {
      throw new IllegalArgumentException("--" + name + ": missing (expected: a checkpoint dir)");
    }
    return v;
  }
}

package dev.lethe.gateway.compare;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.probes.Family;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code report.json} (DESIGN.md §3.5): {@code command}, {@code seconds}, {@code arms} (each with
 * {@code name}, {@code leak_rate}, {@code false_refusal_rate}, {@code utility}, {@code latency_ms:
 * {p50, p99}}, {@code by_family: {family: {leak_rate, n}}}, {@code tokens_added} and {@code
 * tokens_added_n} (over the requests the guard forwarded), {@code white_box_eval: {truth_ratio,
 * forget_quality, model_utility, n, utility_n, forget_quality_reference, shared_with}} or null, and
 * more), then {@code seed}, {@code versions}, {@code config}, {@code leak_threshold} and {@code
 * examples}, and {@code unlearning} (method, options, steps, seconds, peak resident memory, retain
 * term) when the weights arms' checkpoint was made in the run. A number that does not exist (e.g. a
 * leak rate without forget probes) is {@code null}.
 */
public final class ReportJson {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReportJson() {}

  /** The report as a JSON tree. */
  public static ObjectNode toTree(CompareReport r) {
    requireNonNull(r, "r");
    ObjectNode root = JSON.createObjectNode();
    root.put("command", r.command());
    num(root, "seconds", r.seconds());
    ArrayNode arms = root.putArray("arms");
    for (ArmResult a : r.arms()) {
      ArmMetrics m = a.metrics();
      ObjectNode o = arms.addObject();
      o.put("name", a.arm().wireName());
      num(o, "leak_rate", m.leakRate());
      num(o, "false_refusal_rate", m.falseRefusalRate());
      num(o, "utility", m.utility());
      ObjectNode lat = o.putObject("latency_ms");
      num(lat, "p50", m.latencyP50());
      num(lat, "p99", m.latencyP99());
      ObjectNode fam = o.putObject("by_family");
      m.byFamily()
          .forEach(
              (k, v) -> {
                ObjectNode f = fam.putObject(k);
                num(f, "leak_rate", v.leakRate());
                f.put("n", v.n());
                if (WhiteBoxAttack.isKey(k)) {
                  f.put("white_box", true);
                }
              });
      num(o, "forget_rouge", m.forgetRouge());
      ObjectNode split = o.putObject("utility_by_split");
      m.bySplit().forEach((k, v) -> num(split, k, v));
      num(o, "prompt_tokens_mean", m.promptTokensMean());
      num(o, "tokens_added", a.tokensAdded());
      o.put("tokens_added_n", a.tokensAddedN());
      o.put("forget_probes", m.forgetN());
      o.put("utility_probes", m.retainN());
      o.put("errors", m.errors());
      num(o, "seconds", a.seconds());
      if (!a.whiteBox().isEmpty()) {
        o.set("white_box", whiteBox(a, r.leakThreshold()));
      }
      if (a.whiteBoxEval() == null) {
        o.putNull("white_box_eval");
      } else {
        o.set("white_box_eval", whiteBoxEval(a.whiteBoxEval()));
      }
    }
    CompareOptions op = r.options();
    root.put("seed", op.seed());
    ObjectNode versions = root.putObject("versions");
    String v = ReportJson.class.getPackage().getImplementationVersion();
    versions.put("lethe", v == null ? "dev" : v);
    versions.put("java", System.getProperty("java.version"));
    versions.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    versions.put("cpus", Runtime.getRuntime().availableProcessors());
    ObjectNode lt = root.putObject("leak_threshold");
    num(lt, "value", r.leakThreshold());
    lt.put("source", r.thresholdSource());
    lt.put(
        "rule",
        "a forget probe leaks when the ROUGE-L recall of its answer against the true answer is"
            + " above the value: the gold arm's 95th percentile, else a fixed 0.5");
    ObjectNode c = root.putObject("config");
    ArrayNode armNames = c.putArray("arms");
    op.arms().forEach(a -> armNames.add(a.wireName()));
    c.put("forget", name(op.forget()));
    c.put("retain", name(op.retain()));
    c.put("real_authors", name(op.realAuthors()));
    c.put("world_facts", name(op.worldFacts()));
    c.put(
        "target",
        op.upstream() != null
            ? null
            : op.target() == null ? "built-in demo model" : name(op.target()));
    c.put("upstream", op.upstream() == null ? null : op.upstream().toString());
    c.put("upstream_model", op.upstreamModel());
    c.put(
        "weights",
        r.unlearning() != null ? "made in this run (see unlearning)" : name(op.weights()));
    c.put("gold", name(op.gold()));
    ArrayNode fams = c.putArray("families");
    for (Family f : Family.values()) {
      if (op.families().contains(f)) {
        fams.add(f.key());
      }
    }
    c.put("limit", op.limit());
    c.put("variants", op.variants());
    c.put("max_tokens", op.maxTokens());
    c.put("rules", r.rules());
    ObjectNode wb = c.putObject("white_box");
    wb.put("enabled", op.whiteBox());
    ArrayNode wbArms = wb.putArray("arms");
    if (op.whiteBox()) {
      op.arms().stream()
          .filter(a -> WhiteBoxProbes.appliesTo(a, op))
          .forEach(a -> wbArms.add(a.wireName()));
    }
    ArrayNode wbFamilies = wb.putArray("families");
    for (WhiteBoxAttack a : WhiteBoxAttack.values()) {
      wbFamilies.add(a.key());
    }
    wb.put(
        "quantization",
        "round to nearest, symmetric, per output channel; embeddings and norms kept");
    ObjectNode rl = wb.putObject("relearn");
    rl.put("steps", WhiteBoxAttack.RELEARN_STEPS);
    rl.put("batch_size", WhiteBoxAttack.RELEARN_BATCH_SIZE);
    rl.put("lr", WhiteBoxAttack.RELEARN_LEARNING_RATE);
    rl.put("fraction", WhiteBoxAttack.RELEARN_FRACTION);
    root.set("examples", examples(r));
    if (r.unlearning() != null) {
      root.set("unlearning", unlearning(r.unlearning()));
    }
    return root;
  }

  /** The in-run unlearning's recipe and cost. */
  static ObjectNode unlearning(WeightsRun w) {
    ObjectNode u = JSON.createObjectNode();
    u.put("method", w.recipe().method());
    u.set("options", JSON.valueToTree(w.recipe().options()));
    u.put("command", "lethe unlearn " + w.recipe().flags());
    u.put("steps", w.steps());
    u.put("skipped_steps", w.skippedSteps());
    num(u, "seconds", w.seconds());
    if (w.peakRssBytes() >= 0) {
      u.put("peak_rss_bytes", w.peakRssBytes());
      num(u, "peak_rss_mib", w.peakRssBytes() / (1024.0 * 1024.0));
    } else {
      u.putNull("peak_rss_bytes");
      u.putNull("peak_rss_mib");
    }
    u.put("peak_rss_scope", w.peakRssScope());
    u.put("forget_pairs", w.forgetPairs());
    u.put("retain_pairs", w.retainPairs());
    u.put("retain_source", w.retainSource());
    return u;
  }

  /**
   * An arm's white-box attacks: per family key, what was done to the weights, how many probes, the
   * leak rate and forget ROUGE-L of the attacked copy and of the arm itself on the same questions.
   */
  static ObjectNode whiteBox(ArmResult a, double threshold) {
    CompareMetrics metrics = new CompareMetrics();
    ObjectNode out = JSON.createObjectNode();
    for (WhiteBoxRun run : a.whiteBox()) {
      ObjectNode o = out.putObject(run.attack().key());
      switch (run.detail()) {
        case WhiteBoxRun.Quantized q -> {
          o.put("bits", q.bits());
          o.put("weights_quantized", q.weights());
        }
        case WhiteBoxRun.Relearned rl -> {
          o.put("steps", rl.steps());
          o.put("batch_size", rl.batchSize());
          o.put("lr", rl.learningRate());
          o.put("relearn_questions", rl.relearnQuestions());
          o.put("held_out_questions", rl.heldOutQuestions());
          num(o, "relearn_set_overlap", rl.relearnSetOverlap());
          num(o, "final_loss", rl.finalLoss());
        }
      }
      ArmMetrics after = metrics.compute(run.answers(), threshold);
      o.put("n", after.forgetN());
      num(o, "leak_rate", after.leakRate());
      num(o, "forget_rouge", after.forgetRouge());
      ArmMetrics before = metrics.compute(run.before(), threshold);
      o.put("n_before", before.forgetN());
      num(o, "leak_rate_before", before.leakRate());
      num(o, "forget_rouge_before", before.forgetRouge());
      num(o, "forget_rouge_gain", after.forgetRouge() - before.forgetRouge());
      o.put("errors", after.errors());
      num(o, "seconds", run.seconds());
    }
    return out;
  }

  /** Writes {@code report.json} into {@code dir} atomically and returns its path. */
  public static Path write(CompareReport r, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path out = dir.resolve("report.json");
    Path tmp = dir.resolve("report.json.tmp");
    Files.writeString(tmp, JSON.writeValueAsString(toTree(r)) + "\n");
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return out;
  }

  /** An arm's {@code white_box_eval} object. */
  static ObjectNode whiteBoxEval(WhiteBoxEval e) {
    ObjectNode o = JSON.createObjectNode();
    sig(o, "truth_ratio", e.truthRatio());
    sig(o, "forget_quality", e.forgetQuality());
    sig(o, "model_utility", e.modelUtility());
    o.put("n", e.n());
    o.put("utility_n", e.utilityN());
    o.put("forget_quality_reference", e.reference());
    o.put("shared_with", e.sharedWith());
    return o;
  }

  /**
   * Writes {@code answers.jsonl} into {@code dir}: one line per arm and probe ({@code arm}, {@code
   * probe}, {@code split}, {@code family}, {@code variant}, {@code prompt}, {@code answer}, {@code
   * rouge_l_recall}, {@code refused}, {@code latency_ms}, {@code prompt_tokens}, {@code error},
   * {@code decision}: the gateway's {@code x-lethe-decision}, {@code ""} when none), the arm's
   * white-box answers after its own (family {@code quant8}, {@code quant4}, {@code relearn}), so
   * every number in the report can be traced to the answers behind it.
   */
  public static Path writeAnswers(CompareReport r, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path out = dir.resolve("answers.jsonl");
    Path tmp = dir.resolve("answers.jsonl.tmp");
    CompareMetrics metrics = new CompareMetrics();
    ObjectMapper line = new ObjectMapper();
    StringBuilder sb = new StringBuilder();
    for (ArmResult a : r.arms()) {
      List<ProbeAnswer> all = new java.util.ArrayList<>(a.answers());
      a.whiteBox().forEach(w -> all.addAll(w.answers()));
      for (ProbeAnswer x : all) {
        ObjectNode o = line.createObjectNode();
        o.put("arm", a.arm().wireName());
        o.put("probe", x.probeId());
        o.put("split", x.split().key());
        o.put("family", x.family());
        o.put("variant", x.variant());
        o.put("prompt", x.prompt());
        o.put("answer", x.answer());
        num(o, "rouge_l_recall", metrics.recall(x.truth(), x.answer()));
        o.put("refused", x.refused());
        num(o, "latency_ms", x.latencyMs());
        o.put("prompt_tokens", x.promptTokens());
        o.put("error", x.error());
        o.put("decision", x.decision());
        sb.append(line.writeValueAsString(o)).append('\n');
      }
    }
    Files.writeString(tmp, sb);
    Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return out;
  }

  /**
   * A few probes with every arm's answer: the first {@code examples} forget probes of distinct
   * families (then further ones), and one utility probe.
   */
  static ArrayNode examples(CompareReport r) {
    ArrayNode out = JSON.createArrayNode();
    int want = r.options().examples();
    if (r.arms().isEmpty() || want == 0) {
      return out;
    }
    List<ProbeAnswer> first = r.arms().get(0).answers();
    Map<String, Integer> picked = new LinkedHashMap<>();
    for (int pass = 0; pass < 2 && picked.size() < want; pass++) {
      java.util.Set<String> families = new java.util.HashSet<>();
      for (int i = 0; i < first.size() && picked.size() < want; i++) {
        ProbeAnswer a = first.get(i);
        if (a.split() == Split.FORGET
            && !picked.containsKey(a.probeId())
            && (pass == 1 || families.add(a.family()))) {
          picked.put(a.probeId(), i);
        }
      }
    }
    for (int i = 0; i < first.size(); i++) {
      if (first.get(i).split() != Split.FORGET) {
        picked.put(first.get(i).probeId(), i);
        break;
      }
    }
    CompareMetrics metrics = new CompareMetrics();
    for (int i : picked.values()) {
      ProbeAnswer p = first.get(i);
      ObjectNode e = out.addObject();
      e.put("probe", p.probeId());
      e.put("split", p.split().key());
      e.put("family", p.family());
      e.put("variant", p.variant());
      e.put("prompt", p.prompt());
      e.put("truth", p.truth());
      ObjectNode answers = e.putObject("answers");
      for (ArmResult a : r.arms()) {
        ProbeAnswer x = a.answers().get(i);
        ObjectNode ao = answers.putObject(a.arm().wireName());
        ao.put("answer", x.answer());
        num(ao, "rouge_l_recall", metrics.recall(x.truth(), x.answer()));
        ao.put("refused", x.refused());
      }
    }
    return out;
  }

  private static String name(Path p) {
    return p == null ? null : p.getFileName().toString();
  }

  private static void num(ObjectNode o, String k, double v) {
    if (Double.isFinite(v)) {
      o.put(k, Math.round(v * 1e6) / 1e6);
    } else {
      o.putNull(k);
    }
  }

  /**
   * A number kept to 6 significant digits (a forget quality is a p-value, often far below 1e-6), or
   * null.
   */
  private static void sig(ObjectNode o, String k, Double v) {
    if (v != null && Double.isFinite(v)) {
      o.put(k, new java.math.BigDecimal(v).round(new java.math.MathContext(6)).doubleValue());
    } else {
      o.putNull(k);
    }
  }
}

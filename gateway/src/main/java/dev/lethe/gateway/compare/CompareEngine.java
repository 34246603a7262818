package dev.lethe.gateway.compare;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.LetheConfig;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.RuleCodec;
import dev.lethe.filters.output.OutputFilter;
import dev.lethe.gateway.GatewayAssembly;
import dev.lethe.gateway.LetheGateway;
import dev.lethe.gateway.backend.local.DemoModel;
import dev.lethe.probes.Probe;
import dev.lethe.unlearner.eval.TofuEvalConfig;
import dev.lethe.unlearner.eval.TofuReport;
import dev.lethe.unlearner.model.LlamaConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a compare: every arm is a real gateway started in-process on loopback (the target, the
 * unlearned checkpoint or the retain model as a local backend, or the upstream API), the guarded
 * arms with the forget rules installed through the admin API with the arm's action, probed over
 * HTTP with an OpenAI chat-completions client ({@link ChatClient}) one request at a time, so the
 * answers and latencies are what a user of that arm would get. Unguarded arms run the same gateway
 * with the detector off and no rules: the gateway's own overhead is in every arm, so latency
 * differences are the guard's.
 *
 * <p>Without a given weights checkpoint, the {@code weights} arms' one is made in the run before
 * the first of them ({@link InRunUnlearning}, the options' {@link WeightsRecipe}).
 *
 * <p>With {@link CompareOptions#whiteBox()}, each arm with local weights ({@link
 * WhiteBoxProbes#appliesTo}) is then attacked through its weights ({@link WhiteBoxAttack}: 8- and
 * 4-bit quantization, relearning): the attacked copy of its checkpoint is served by the same kind
 * of gateway, with the same guard and rules, and asked the bare forget questions; and its weights
 * are evaluated in-process by the unlearner's TOFU evaluator ({@link WhiteBoxEvaluation}: truth
 * ratio, model utility, and forget quality against the gold arm's truth ratios).
 *
 * <p>Blocking and long: call {@link #run} from a worker thread, never from an event loop. Arms run
 * one after another in the order given; each gateway is stopped before the next starts.
 */
public final class CompareEngine {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The model name the local arms serve. */
  static final String LOCAL_MODEL = "lethe-compare";

  private final Path workDir;
  private final Map<String, String> env;
  private final PrintStream log;
  private final CompareMetrics metrics = new CompareMetrics();

  /**
   * An engine.
   *
   * @param workDir where the arms' gateways keep their data (created; the demo model is unpacked
   *     here when no target is given)
   * @param env the environment (the upstream API key is read from it)
   * @param log where the gateways' startup notes go
   */
  public CompareEngine(Path workDir, Map<String, String> env, PrintStream log) {
    this.workDir = requireNonNull(workDir, "workDir");
    this.env = Map.copyOf(requireNonNull(env, "env"));
    this.log = requireNonNull(log, "log");
  }

  /**
   * Runs every arm and computes the metrics.
   *
   * @param command the command line to record
   * @param options what to run
   * @param progress progress callbacks
   * @throws IOException when a gateway cannot start or a request fails
   */
  public CompareReport run(String command, CompareOptions options, CompareProgress progress)
      throws IOException, InterruptedException {
    requireNonNull(options, "options");
    requireNonNull(progress, "progress");
    long t0 = System.nanoTime();
    Files.createDirectories(workDir);
    ProbePlan plan = ProbePlan.of(options);
    progress.note(
        "plan: "
            + plan.probes().size()
            + " probes per arm, "
            + plan.rules().size()
            + " forget rules, arms "
            + options.arms().stream().map(ArmKind::wireName).toList());
    Path target = null;
    if (options.upstream() == null) {
      target =
          options.target() != null
              ? options.target().toAbsolutePath()
              : DemoModel.ensure(workDir.resolve("demo"), log);
    }
    Path weights = options.weights() == null ? null : options.weights().toAbsolutePath();
    WeightsRun unlearning = null;
    Vertx vertx = Vertx.vertx();
    List<List<ProbeAnswer>> raw = new ArrayList<>();
    List<Double> seconds = new ArrayList<>();
    List<List<WhiteBoxRun>> whiteBox = new ArrayList<>();
    WhiteBoxProbes attacks =
        options.whiteBox()
            ? new WhiteBoxProbes(WhiteBoxPlan.of(options, plan), workDir, options.seed(), progress)
            : null;
    WhiteBoxEvaluation evaluation =
        options.whiteBox()
            ? new WhiteBoxEvaluation(
                WhiteBoxEvaluation.data(options, plan), evalConfig(options), progress)
            : null;
    List<TofuReport> evaluated = new ArrayList<>();
    List<String> sharedWith = new ArrayList<>();
    try {
      for (int i = 0; i < options.arms().size(); i++) {
        ArmKind arm = options.arms().get(i);
        progress.armStarted(arm.wireName(), i, options.arms().size());
        if (arm.model() == ArmKind.Model.WEIGHTS && weights == null) {
          // made once, before the first weights arm; its time is the unlearning's, not the arm's
          unlearning =
              InRunUnlearning.run(
                  target, options, workDir.resolve("weights").toAbsolutePath(), progress, log);
          weights = unlearning.checkpoint();
        }
        long a0 = System.nanoTime();
        raw.add(runArm(vertx, arm, i, target, weights, options, plan, progress));
        seconds.add((System.nanoTime() - a0) / 1e9);
        whiteBox.add(
            attacks != null && WhiteBoxProbes.appliesTo(arm, options)
                ? whiteBox(
                    vertx,
                    arm,
                    i,
                    ckptOf(arm, target, weights, options),
                    options,
                    plan,
                    attacks,
                    raw.get(i),
                    progress)
                : List.of());
        TofuReport report = null;
        String shared = null;
        if (evaluation != null && WhiteBoxProbes.appliesTo(arm, options)) {
          Path ckpt = ckptOf(arm, target, weights, options);
          shared = evaluation.evaluatedBy(ckpt);
          report = evaluation.evaluate(arm, ckpt);
        }
        evaluated.add(report);
        sharedWith.add(shared);
      }
    } finally {
      await(vertx.close(), 30, "closing Vert.x");
    }
    double threshold;
    String source;
    int gold = options.arms().indexOf(ArmKind.GOLD);
    if (options.leakThreshold() != null) {
      threshold = options.leakThreshold();
      source = "fixed";
    } else if (gold >= 0) {
      threshold = metrics.goldThreshold(raw.get(gold));
      source = "gold";
    } else {
      threshold = CompareMetrics.DEFAULT_LEAK_THRESHOLD;
      source = "default";
    }
    List<ArmMetrics> computed = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      computed.add(
          metrics
              .compute(raw.get(i), threshold)
              .withFamilies(whiteBoxFamilies(whiteBox.get(i), threshold)));
    }
    int rawIndex = options.arms().indexOf(ArmKind.RAW);
    TofuReport goldEval = gold >= 0 ? evaluated.get(gold) : null;
    List<ArmResult> results = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      CompareMetrics.TokensAdded added =
          rawIndex < 0 || !options.arms().get(i).guarded()
              ? CompareMetrics.TokensAdded.NONE
              : CompareMetrics.tokensAdded(raw.get(i), raw.get(rawIndex));
      TofuReport own = evaluated.get(i);
      results.add(
          new ArmResult(
              options.arms().get(i),
              computed.get(i),
              added.mean(),
              seconds.get(i),
              raw.get(i),
              whiteBox.get(i),
              added.n(),
              own == null
                  ? null
                  : WhiteBoxEval.of(
                      own, goldEval, i == gold, sharedWith.get(i), evaluation.utilityN())));
    }
    return new CompareReport(
        command,
        (System.nanoTime() - t0) / 1e9,
        options,
        threshold,
        source,
        plan.rules().size(),
        results,
        unlearning);
  }

  /** The white-box attacks on one arm's checkpoint, each served and probed as the arm. */
  private List<WhiteBoxRun> whiteBox(
      Vertx vertx,
      ArmKind arm,
      int index,
      Path ckpt,
      CompareOptions options,
      ProbePlan plan,
      WhiteBoxProbes attacks,
      List<ProbeAnswer> armAnswers,
      CompareProgress progress)
      throws IOException, InterruptedException {
    return attacks.run(
        arm,
        ckpt,
        armAnswers,
        (copy, probes, label) ->
            probeArm(vertx, arm, index, label, copy, options, plan, probes, progress));
  }

  /** The leak figures of each white-box family, by family key. */
  private Map<String, ArmMetrics.FamilyLeak> whiteBoxFamilies(
      List<WhiteBoxRun> runs, double threshold) {
    Map<String, ArmMetrics.FamilyLeak> out = new LinkedHashMap<>();
    for (WhiteBoxRun r : runs) {
      ArmMetrics.FamilyLeak f =
          metrics.compute(r.answers(), threshold).byFamily().get(r.attack().key());
      if (f != null) {
        out.put(r.attack().key(), f);
      }
    }
    return out;
  }

  private List<ProbeAnswer> runArm(
      Vertx vertx,
      ArmKind arm,
      int index,
      Path target,
      Path weights,
      CompareOptions options,
      ProbePlan plan,
      CompareProgress progress)
      throws IOException, InterruptedException {
    boolean upstream = arm.model() == ArmKind.Model.TARGET && options.upstream() != null;
    return probeArm(
        vertx,
        arm,
        index,
        null,
        upstream ? null : ckptOf(arm, target, weights, options),
        options,
        plan,
        plan.probes(),
        progress);
  }

  /**
   * Starts the arm's gateway on {@code ckpt} (null: the upstream), installs the rules of a guarded
   * arm, asks {@code probes} one at a time and stops the gateway.
   *
   * @param label a white-box attack's key (its own work directory and progress name), or null
   */
  private List<ProbeAnswer> probeArm(
      Vertx vertx,
      ArmKind arm,
      int index,
      String label,
      Path ckpt,
      CompareOptions options,
      ProbePlan plan,
      List<ProbePlan.PlannedProbe> probes,
      CompareProgress progress)
      throws IOException, InterruptedException {
    String token = HexFormat.of().formatHex(SecureRandom.getSeed(16));
    String name = label == null ? arm.wireName() : arm.wireName() + "/" + label;
    Path data = workDir.resolve("arm-" + index + "-" + name.replaceAll("[^a-z0-9]+", "-"));
    Files.createDirectories(data);
    boolean upstream = ckpt == null;
    String model = upstream ? options.upstreamModel() : LOCAL_MODEL;
    ObjectNode cfg = JSON.createObjectNode();
    cfg.putObject("server").put("host", "127.0.0.1").put("port", 0).put("eventLoops", 1);
    cfg.put("dataDir", data.toAbsolutePath().toString());
    cfg.putObject("admin").put("token", token);
    ArrayNode backends = cfg.putArray("backends");
    ObjectNode b = backends.addObject().put("name", "compare");
    b.putArray("models").add(model);
    if (upstream) {
      b.put("type", "openai").put("baseUrl", options.upstream().toString());
      if (options.upstreamKeyEnv() != null) {
        b.put("apiKeyEnv", options.upstreamKeyEnv());
      }
    } else {
      b.put("type", "local").put("checkpoint", ckpt.toString()).put("workers", 1);
    }
    cfg.putObject("detector").put("enabled", arm.guarded());
    if (!upstream) {
      // ICUL budgets its demonstrations within the model's context, not a hosted model's default
      int context = LlamaConfig.read(ckpt).maxPositionEmbeddings();
      cfg.putObject("icul").put("contextWindow", Math.max(256, context));
    }
    LetheConfig config = LetheConfig.parse(JSON.writeValueAsString(cfg));
    GatewayAssembly assembly = GatewayAssembly.create(vertx, config, env);
    LetheGateway gateway = null;
    try {
      gateway = await(LetheGateway.start(vertx, assembly.parts()), 120, "starting the gateway");
      URI base = URI.create("http://127.0.0.1:" + gateway.port());
      if (arm.guarded()) {
        installRules(base, token, plan.rules(), arm);
        progress.note(name + ": " + plan.rules().size() + " rules installed");
      }
      ChatClient client = new ChatClient(base.resolve("/v1"), "sk-compare", Duration.ofMinutes(5));
      List<ProbeAnswer> out = new ArrayList<>();
      int total = probes.size();
      for (ProbePlan.PlannedProbe pp : probes) {
        Probe p = pp.probe();
        ChatClient.Reply r;
        try {
          r = client.chat(model, p.messages(), options.maxTokens());
        } catch (IOException e) {
          out.add(
              new ProbeAnswer(
                  p.id(),
                  pp.split(),
                  p.family().key(),
                  p.variant(),
                  p.lastUserContent(),
                  p.source().answer(),
                  "",
                  true,
                  0,
                  -1,
                  e.getMessage()));
          progress.probed(name, out.size(), total);
          continue;
        }
        boolean refused =
            r.decision().equals("refuse")
                || r.finishReason().equals(OutputFilter.CONTENT_FILTER)
                || CompareMetrics.looksLikeRefusal(r.content());
        out.add(
            new ProbeAnswer(
                p.id(),
                pp.split(),
                p.family().key(),
                p.variant(),
                p.lastUserContent(),
                p.source().answer(),
                r.content(),
                refused,
                r.latencyMs(),
                r.promptTokens(),
                null,
                r.decision()));
        progress.probed(name, out.size(), total);
      }
      return out;
    } finally {
      try {
        if (gateway != null) {
          await(gateway.stop(), 60, "stopping the gateway");
        }
      } finally {
        assembly.close();
      }
    }
  }

  /**
   * The white-box evaluation's settings: greedy answers as long as the arms' ({@code maxTokens}, so
   * its ROUGE-L is the compare's), TOFU's Min-k fraction, batches of 16.
   */
  static TofuEvalConfig evalConfig(CompareOptions options) {
    return new TofuEvalConfig(
        options.maxTokens(),
        TofuEvalConfig.DEFAULTS.minKFraction(),
        TofuEvalConfig.DEFAULTS.batchSize());
  }

  private static Path ckptOf(ArmKind arm, Path target, Path weights, CompareOptions options) {
    return switch (arm.model()) {
      case TARGET -> target;
      case WEIGHTS -> weights;
      case GOLD -> options.gold().toAbsolutePath();
    };
  }

  private static <T> T await(Future<T> f, int seconds, String what)
      throws IOException, InterruptedException {
    try {
      return f.await(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new IOException(what + ": no answer in " + seconds + " s", e);
    }
  }

  private static void installRules(URI base, String token, List<ForgetRule> rules, ArmKind arm)
      throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    for (ForgetRule r : rules) {
      ForgetRule withAction =
          new ForgetRule(
              r.id(),
              r.description(),
              r.subjects(),
              r.examples(),
              r.counterExamples(),
              r.secrets(),
              arm.action(),
              r.refusal(),
              r.onError());
      HttpResponse<String> res =
          http.send(
              HttpRequest.newBuilder(base.resolve("/admin/rules"))
                  .timeout(Duration.ofMinutes(2))
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(RuleCodec.encode(withAction)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (res.statusCode() != 201) {
        throw new IOException(
            "POST /admin/rules (" + r.id() + "): status " + res.statusCode() + ": " + res.body());
      }
    }
  }
}

package dev.lethe.gateway.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.ConfigException;
import dev.lethe.gateway.backend.local.DemoModel;
import dev.lethe.gateway.compare.ArmKind;
import dev.lethe.gateway.compare.ArmResult;
import dev.lethe.gateway.compare.CompareEngine;
import dev.lethe.gateway.compare.CompareOptions;
import dev.lethe.gateway.compare.CompareProgress;
import dev.lethe.gateway.compare.CompareReport;
import dev.lethe.gateway.compare.HtmlReport;
import dev.lethe.gateway.compare.ReportJson;
import dev.lethe.gateway.compare.WeightsRecipe;
import dev.lethe.probes.Family;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lethe compare}: the same forget set asked of several arms (raw model, gateway guards,
 * unlearned weights, the retain model) under attack, scored for leaks, false refusals, utility and
 * latency (DESIGN.md §3.5). Writes {@code DIR/report.json} and {@code DIR/report.html}; progress on
 * stderr. Exit codes: 0 success, 2 bad usage or invalid input (one-line reason), 1 other failure.
 */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    description = "Input-based vs model-based unlearning, measured end to end under attack.")
public final class CompareCommand implements Callable<Integer> {
  private static final Pattern SPLIT = Pattern.compile("forget\\d\\d");
  private static final ObjectMapper RECIPE_JSON = new ObjectMapper();

  /**
   * {@code --limit} without a value: the demo's keeps its six arms within 15 minutes on 2 cores.
   */
  static final int DEMO_LIMIT = 20;

  /** {@code --limit} without a value, outside the demo. */
  static final int DEFAULT_LIMIT = 20;

  @Spec CommandSpec spec;

  @Option(
      names = "--demo",
      description =
          "The built-in demo pair on the TOFU forget10 split, all six arms: raw, guard:refuse,"
              + " guard:icul, weights and weights+guard (a checkpoint unlearned in the run, or"
              + " --weights), gold (--gold DIR, or the built-in retain model where the build"
              + " ships one); --limit defaults to "
              + DEMO_LIMIT
              + ".")
  boolean demo;

  @Option(
      names = "--arms",
      split = ",",
      paramLabel = "ARM",
      description =
          "Arms to run: raw, guard:refuse, guard:icul, guard:redact, weights,"
              + " weights+guard, gold.")
  List<String> arms;

  @Option(
      names = "--tofu",
      paramLabel = "DIR",
      defaultValue = "../shared/data/tofu",
      description =
          "TOFU data dir for split names and default utility sets (default: ${DEFAULT-VALUE}).")
  Path tofu;

  @Option(
      names = "--forget",
      paramLabel = "SPLIT|FILE",
      description = "Forget set: a TOFU split name (forget01, forget05, forget10) or a QA file.")
  String forget;

  @Option(
      names = "--retain",
      paramLabel = "FILE",
      description = "Retain questions (default: TOFU retain_perturbed.json).")
  Path retain;

  @Option(
      names = "--real-authors",
      paramLabel = "FILE",
      description = "Real-author questions (default: TOFU real_authors.json).")
  Path realAuthors;

  @Option(
      names = "--world-facts",
      paramLabel = "FILE",
      description = "World-fact questions (default: TOFU world_facts.json).")
  Path worldFacts;

  @Option(
      names = "--target",
      paramLabel = "DIR",
      description = "Target checkpoint (default: the built-in demo model).")
  Path target;

  @Option(
      names = "--weights",
      paramLabel = "DIR",
      description =
          "Unlearned checkpoint for the weights arms (default: made in the run from the target"
              + " with a fixed NPO recipe).")
  Path weights;

  @Option(
      names = "--unlearn-method",
      split = ",",
      paramLabel = "METHOD",
      description =
          "Make the weights arms' checkpoint in the run with this lethe unlearn method, or a"
              + " pipeline (e.g. rmu,npo: each stage on the previous one's weights); default: the"
              + " fixed NPO recipe of --demo. The same recipe as POST /admin/compare's unlearn.")
  List<String> unlearnMethods;

  @Option(
      names = "--unlearn-set",
      paramLabel = "[STAGE.]OPTION=VALUE",
      description =
          "An option of the in-run recipe, named as the admin API's unlearn options (lr, epochs,"
              + " steps, alpha, retainLoss, seed, ...); STAGE (method name or 1-based position)"
              + " picks one stage of a pipeline, else every stage. Repeatable.")
  List<String> unlearnSets;

  @Option(
      names = "--gold",
      paramLabel = "DIR",
      description = "Retain-model checkpoint for the gold arm (with --demo: the built-in one).")
  Path gold;

  @Option(
      names = "--upstream",
      paramLabel = "URL",
      description = "OpenAI-compatible API base the target arms ask instead of a local model.")
  URI upstream;

  @Option(
      names = "--upstream-model",
      paramLabel = "NAME",
      description = "Model name sent upstream.")
  String upstreamModel;

  @Option(
      names = "--upstream-key-env",
      paramLabel = "VAR",
      description = "Environment variable holding the upstream API key.")
  String upstreamKeyEnv;

  @Option(
      names = "--families",
      split = ",",
      paramLabel = "FAMILY",
      description =
          "Probe families (default: all): original, paraphrase, jailbreak, obfuscation,"
              + " encoding, multi-turn, format-shift, prefix.")
  List<String> families;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description =
          "Forget questions probed, and at most as many per utility split (default: "
              + DEFAULT_LIMIT
              + "; with --demo "
              + DEMO_LIMIT
              + ").")
  Integer limit;

  @Option(
      names = "--variants",
      defaultValue = "1",
      paramLabel = "N",
      description = "Attack variants per family per question (default: ${DEFAULT-VALUE}).")
  int variants;

  @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--max-tokens",
      defaultValue = "64",
      paramLabel = "N",
      description = "max_tokens per request (default: ${DEFAULT-VALUE}).")
  int maxTokens;

  @Option(
      names = "--leak-threshold",
      paramLabel = "X",
      description = "Fixed leak threshold in [0, 1] (default: the gold arm's level, else 0.5).")
  Double leakThreshold;

  @Option(
      names = "--white-box",
      negatable = true,
      description =
          "Attack the arms' weights too (families quant8, quant4, relearn on raw, weights,"
              + " weights+guard and gold with local checkpoints; default: on when a weights arm"
              + " runs). --no-white-box skips them.")
  Boolean whiteBox;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Where report.json and report.html go.")
  Path out;

  private final PrintStream err;

  /** A command reporting to {@code System.err}. */
  public CompareCommand() {
    this(System.err);
  }

  /** A command reporting to {@code err} (tests). */
  public CompareCommand(PrintStream err) {
    this.err = err;
  }

  @Override
  public Integer call() {
    try {
      CompareOptions options = options();
      CompareEngine engine = new CompareEngine(out.resolve("work"), System.getenv(), err);
      CompareReport report = engine.run(commandLine(), options, progress());
      Path json = ReportJson.write(report, out);
      Path html = HtmlReport.write(report, out);
      ReportJson.writeAnswers(report, out);
      err.printf(
          Locale.ROOT,
          "compared %d arms in %.1f s -> %s, %s%n",
          report.arms().size(),
          report.seconds(),
          json,
          html);
      if (report.unlearning() != null) {
        err.printf(
            Locale.ROOT,
            "  weights made in the run: %d steps in %.1f s, peak resident memory %s%n",
            report.unlearning().steps(),
            report.unlearning().seconds(),
            report.unlearning().peakRssBytes() < 0
                ? "unknown"
                : (report.unlearning().peakRssBytes() >> 20) + " MiB");
      }
      for (ArmResult a : report.arms()) {
        err.printf(
            Locale.ROOT,
            "  %-14s leak %.3f  false refusals %.3f  utility %.3f  p50 %.0f ms%n",
            a.arm().wireName(),
            a.metrics().leakRate(),
            a.metrics().falseRefusalRate(),
            a.metrics().utility(),
            a.metrics().latencyP50());
      }
      return 0;
    } catch (ConfigException | IllegalArgumentException e) {
      err.println("lethe compare: " + e.getMessage());
      return 2;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("lethe compare: interrupted");
      return 1;
    } catch (Exception e) {
      err.println("lethe compare: failed: " + e);
      return 1;
    }
  }

  /** The options from the flags. */
  CompareOptions options() {
    List<ArmKind> armList = new ArrayList<>();
    if (arms != null) {
      for (String a : arms) {
        armList.add(ArmKind.fromWire(a.strip()));
      }
    } else if (demo) {
      armList.addAll(
          List.of(
              ArmKind.RAW,
              ArmKind.GUARD_REFUSE,
              ArmKind.GUARD_ICUL,
              ArmKind.WEIGHTS,
              ArmKind.WEIGHTS_GUARD));
      if (gold != null || (target == null && DemoModel.RETAIN.isShipped())) {
        armList.add(ArmKind.GOLD);
      }
    } else {
      throw new ConfigException(
          "--arms", (Object) null, "a comma-separated list of arms, or --demo");
    }
    String f = forget != null ? forget : demo ? "forget10" : null;
    if (f == null) {
      throw new ConfigException(
          "--forget", (Object) null, "a TOFU split name or a QA file (or --demo)");
    }
    Path forgetFile = SPLIT.matcher(f).matches() ? tofu.resolve(f + ".json") : Path.of(f);
    Set<Family> fams = EnumSet.noneOf(Family.class);
    if (families == null) {
      fams.addAll(CompareOptions.ALL_FAMILIES);
    } else {
      for (String s : families) {
        fams.add(family(s.strip()));
      }
    }
    if (demo && upstream != null) {
      throw new ConfigException(
          "--upstream", upstream, "no --upstream with --demo (the demo is local)");
    }
    boolean weightArms = armList.stream().anyMatch(a -> a.model() == ArmKind.Model.WEIGHTS);
    WeightsRecipe unlearn = recipe();
    if (unlearn == null && weightArms && weights == null && upstream == null) {
      unlearn = WeightsRecipe.DEMO;
    }
    Path goldDir = gold;
    if (goldDir == null && demo && target == null && armList.contains(ArmKind.GOLD)) {
      // the built-in retain model belongs to the built-in target only
      goldDir = DemoModel.RETAIN.unpack(out.resolve("work").resolve("demo"), err);
    }
    int n = limit != null ? limit : demo ? DEMO_LIMIT : DEFAULT_LIMIT;
    return new CompareOptions(
        armList,
        forgetFile,
        orDefault(retain, "retain_perturbed.json"),
        orDefault(realAuthors, "real_authors.json"),
        orDefault(worldFacts, "world_facts.json"),
        target,
        upstream,
        upstreamModel,
        upstreamKeyEnv,
        weights,
        goldDir,
        fams,
        n,
        variants,
        seed,
        maxTokens,
        leakThreshold,
        3,
        whiteBox != null ? whiteBox : CompareOptions.whiteBoxDefault(armList),
        unlearn);
  }

  /**
   * The recipe of {@code --unlearn-method} and {@code --unlearn-set}, as the JSON of {@code POST
   * /admin/compare}'s {@code unlearn} read by the same {@link WeightsRecipe#parse}; null without
   * {@code --unlearn-method}.
   */
  WeightsRecipe recipe() {
    if (unlearnMethods == null || unlearnMethods.isEmpty()) {
      if (unlearnSets != null && !unlearnSets.isEmpty()) {
        throw new ConfigException(
            "--unlearn-set",
            unlearnSets.get(0),
            "an option of --unlearn-method's recipe (give it)");
      }
      return null;
    }
    List<String> methods = unlearnMethods.stream().map(String::strip).toList();
    List<ObjectNode> options = new ArrayList<>();
    for (int i = 0; i < methods.size(); i++) {
      options.add(RECIPE_JSON.createObjectNode());
    }
    for (String set : unlearnSets == null ? List.<String>of() : unlearnSets) {
      int eq = set.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("--unlearn-set", set, "[STAGE.]OPTION=VALUE, e.g. lr=0.0005");
      }
      String key = set.substring(0, eq).strip();
      JsonNode value = scalar(set.substring(eq + 1).strip());
      int dot = key.indexOf('.');
      if (dot < 0) {
        options.forEach(o -> o.set(key, value));
        continue;
      }
      String stage = key.substring(0, dot);
      String option = key.substring(dot + 1);
      int at = stage.matches("\\d+") ? Integer.parseInt(stage) - 1 : methods.indexOf(stage);
      if (at < 0 || at >= methods.size() || option.isEmpty()) {
        throw new ConfigException(
            "--unlearn-set",
            set,
            "STAGE.OPTION=VALUE with STAGE one of " + methods + " or 1.." + methods.size());
      }
      options.get(at).set(option, value);
    }
    ObjectNode node = RECIPE_JSON.createObjectNode();
    if (methods.size() == 1) {
      node.put("method", methods.get(0)).set("options", options.get(0));
    } else {
      ArrayNode stages = node.putArray("stages");
      for (int i = 0; i < methods.size(); i++) {
        stages.addObject().put("method", methods.get(i)).set("options", options.get(i));
      }
    }
    return WeightsRecipe.parse(node, "unlearn");
  }

  /** A flag value as JSON: a number or boolean when it reads as one, else the text. */
  private static JsonNode scalar(String v) {
    try {
      JsonNode n = RECIPE_JSON.readTree(v);
      if (n != null && (n.isNumber() || n.isBoolean())) {
        return n;
      }
    } catch (java.io.IOException e) {
      // not JSON: a string
    }
    return RECIPE_JSON.getNodeFactory().textNode(v);
  }

  private Path orDefault(Path given, String file) {
    if (given != null) {
      return given;
    }
    Path d = tofu.resolve(file);
    return Files.isRegularFile(d) ? d : null;
  }

  private static Family family(String key) {
    for (Family f : Family.values()) {
      if (f.key().equals(key)) {
        return f;
      }
    }
    List<String> keys = new ArrayList<>();
    for (Family f : Family.values()) {
      keys.add(f.key());
    }
    throw new ConfigException("--families", key, "one of " + String.join(", ", keys));
  }

  private String commandLine() {
    List<String> args =
        spec == null ? List.of() : spec.commandLine().getParseResult().originalArgs();
    // the parse result's original arguments are the whole command line, subcommand included
    return "lethe " + String.join(" ", args);
  }

  private CompareProgress progress() {
    return new CompareProgress() {
      private int lastPercent = -1;

      @Override
      public void armStarted(String arm, int index, int count) {
        lastPercent = -1;
        err.printf(Locale.ROOT, "[%d/%d] %s%n", index + 1, count, arm);
      }

      @Override
      public void probed(String arm, int done, int total) {
        int percent = done * 100 / total;
        if (percent / 10 != lastPercent / 10 || done == total) {
          lastPercent = percent;
          err.printf(Locale.ROOT, "  %s: %d/%d probes%n", arm, done, total);
        }
      }

      @Override
      public void note(String message) {
        err.println("  " + message);
      }
    };
  }
}

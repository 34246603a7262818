package dev.lethe.gateway.compare;

import static java.util.Objects.requireNonNull;

import dev.lethe.unlearner.checkpoint.Checkpoint;
import dev.lethe.unlearner.data.QaPair;
import dev.lethe.unlearner.eval.QaItem;
import dev.lethe.unlearner.robust.Quantizer;
import dev.lethe.unlearner.robust.Relearner;
import dev.lethe.unlearner.robust.RobustnessEvaluation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Runs the white-box families ({@link WhiteBoxAttack}) on an arm: makes the attacked copy of the
 * arm's checkpoint with the unlearner's own attack code ({@link Quantizer}, {@link Relearner}),
 * writes it next to the compare's work files, and has the engine serve it through the same gateway
 * path as the arm (same guard, same rules) and ask it the bare forget questions. Copies are made
 * once per checkpoint and attack ({@code weights} and {@code weights+guard} share them).
 *
 * <p>Blocking, and heavy (loading, quantizing or fine-tuning a model): call it from the engine's
 * worker thread.
 */
public final class WhiteBoxProbes {

  /** Serves a checkpoint the way the arm is served and asks it some probes. */
  @FunctionalInterface
  public interface Prober {
    /**
     * The answers of {@code checkpoint}, behind the arm's gateway, to {@code probes}.
     *
     * @param label names the run in progress notes and work directories, e.g. {@code quant4}
     */
    List<ProbeAnswer> probe(Path checkpoint, List<ProbePlan.PlannedProbe> probes, String label)
        throws IOException, InterruptedException;
  }

  private record Copy(Path dir, WhiteBoxRun.Detail detail, double seconds) {}

  private final WhiteBoxPlan plan;
  private final Path workDir;
  private final long seed;
  private final CompareProgress progress;
  private final Map<String, Copy> copies = new HashMap<>();

  /**
   * Probes per {@code plan}.
   *
   * @param plan what to ask
   * @param workDir where the attacked checkpoints are written
   * @param seed seeds the relearning order
   * @param progress where notes go
   */
  public WhiteBoxProbes(WhiteBoxPlan plan, Path workDir, long seed, CompareProgress progress) {
    this.plan = requireNonNull(plan, "plan");
    this.workDir = requireNonNull(workDir, "workDir");
    this.seed = seed;
    this.progress = requireNonNull(progress, "progress");
  }

  /**
   * Whether the white-box families run on {@code arm}: the arms that serve weights of their own
   * ({@code weights}, {@code weights+guard}, {@code gold}) and {@code raw} as a control, when the
   * model is a local checkpoint (never an upstream API: there are no weights to attack).
   */
  public static boolean appliesTo(ArmKind arm, CompareOptions options) {
    return switch (arm) {
      case WEIGHTS, WEIGHTS_GUARD, GOLD -> true;
      case RAW -> options.upstream() == null;
      case GUARD_REFUSE, GUARD_ICUL, GUARD_REDACT -> false;
    };
  }

  /**
   * Runs every white-box attack on one arm.
   *
   * @param arm the arm
   * @param checkpoint the arm's checkpoint directory
   * @param armAnswers the arm's own answers (the "before" of each attack is taken from them)
   * @param prober serves a checkpoint as the arm and asks it probes
   */
  public List<WhiteBoxRun> run(
      ArmKind arm, Path checkpoint, List<ProbeAnswer> armAnswers, Prober prober)
      throws IOException, InterruptedException {
    List<WhiteBoxRun> out = new ArrayList<>();
    for (WhiteBoxAttack attack : WhiteBoxAttack.values()) {
      List<ProbePlan.PlannedProbe> probes =
          attack == WhiteBoxAttack.RELEARN ? plan.heldOut() : plan.bare();
      if (probes.isEmpty()) {
        progress.note(
            arm.wireName()
                + ": "
                + attack.key()
                + " skipped (no forget question to ask"
                + (attack == WhiteBoxAttack.RELEARN ? " outside the relearning set)" : ")"));
        continue;
      }
      long t0 = System.nanoTime();
      Copy copy = copy(checkpoint, attack);
      List<ProbeAnswer> answers = new ArrayList<>();
      for (ProbeAnswer a : prober.probe(copy.dir(), probes, attack.key())) {
        answers.add(relabel(a, attack));
      }
      Set<String> ids = new HashSet<>();
      probes.forEach(p -> ids.add(p.probe().id()));
      List<ProbeAnswer> before =
          armAnswers.stream().filter(a -> ids.contains(a.probeId())).toList();
      out.add(
          new WhiteBoxRun(
              attack,
              answers,
              before,
              copy.detail(),
              copy.seconds() + (System.nanoTime() - t0) / 1e9));
    }
    return out;
  }

  /** The attacked copy of {@code checkpoint}, made on first use. */
  private Copy copy(Path checkpoint, WhiteBoxAttack attack) throws IOException {
    String key = checkpoint.toAbsolutePath().normalize() + "|" + attack.key();
    Copy c = copies.get(key);
    if (c != null) {
      return new Copy(c.dir(), c.detail(), 0);
    }
    long t0 = System.nanoTime();
    Path dir = workDir.resolve("white-box-" + (copies.size() + 1) + "-" + attack.key());
    WhiteBoxRun.Detail detail;
    try (Checkpoint cp = Checkpoint.load(checkpoint)) {
      if (attack == WhiteBoxAttack.RELEARN) {
        Relearner relearner =
            new Relearner(
                WhiteBoxAttack.RELEARN_STEPS,
                WhiteBoxAttack.RELEARN_BATCH_SIZE,
                WhiteBoxAttack.RELEARN_LEARNING_RATE,
                seed);
        double loss = relearner.run(cp.model(), cp.tokenizer(), plan.relearnSet());
        detail =
            new WhiteBoxRun.Relearned(
                relearner.steps(),
                relearner.batchSize(),
                relearner.learningRate(),
                plan.relearnSet().size(),
                plan.heldOutQuestions(),
                overlap(),
                loss);
        progress.note(
            String.format(
                Locale.ROOT,
                "relearned %s on %d forget questions for %d steps (loss %.4f)",
                checkpoint.getFileName(),
                plan.relearnSet().size(),
                relearner.steps(),
                loss));
      } else {
        long n = Quantizer.quantizeInPlace(cp.model(), attack.bits());
        detail = new WhiteBoxRun.Quantized(attack.bits(), n);
        progress.note(
            "quantized "
                + checkpoint.getFileName()
                + " to "
                + attack.bits()
                + " bits ("
                + n
                + " weights)");
      }
      cp.save(dir);
    }
    Copy made = new Copy(dir, detail, (System.nanoTime() - t0) / 1e9);
    copies.put(key, made);
    return made;
  }

  /** Mean best ROUGE-L recall of a relearning answer against each probed held-out answer. */
  private double overlap() {
    List<QaItem> relearn = new ArrayList<>();
    for (QaPair p : plan.relearnSet()) {
      relearn.add(QaItem.of(p.question(), p.answer()));
    }
    List<QaItem> probed = new ArrayList<>();
    for (ProbePlan.PlannedProbe p : plan.heldOut()) {
      probed.add(QaItem.of(p.probe().source().question(), p.probe().source().answer()));
    }
    return RobustnessEvaluation.overlap(relearn, probed);
  }

  /** The answer as one of {@code attack}'s family: id, family and variant renamed. */
  static ProbeAnswer relabel(ProbeAnswer a, WhiteBoxAttack attack) {
    return new ProbeAnswer(
        attack.key() + "/" + a.probeId(),
        a.split(),
        attack.key(),
        attack.variant(),
        a.prompt(),
        a.truth(),
        a.answer(),
        a.refused(),
        a.latencyMs(),
        a.promptTokens(),
        a.error(),
        a.decision());
  }
}

package dev.lethe.gateway.compare;

import static java.util.Objects.requireNonNull;

import dev.lethe.probes.Attacks;
import dev.lethe.probes.Probe;
import dev.lethe.probes.ProbeGenerator;
import dev.lethe.probes.QaItem;
import dev.lethe.unlearner.data.QaData;
import dev.lethe.unlearner.data.QaPair;
import dev.lethe.unlearner.robust.RobustnessEvaluation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the white-box families ask, derived from the compare's plan and seed.
 *
 * <ul>
 *   <li>Quantization asks {@link #bare}: the bare question ({@code original}) of every forget
 *       question the plan probes, whatever families were asked.
 *   <li>Relearning fine-tunes on {@link #relearnSet}, a seeded {@link
 *       WhiteBoxAttack#RELEARN_FRACTION} of the whole forget set (the unlearner's split, {@link
 *       RobustnessEvaluation#relearnSplit}, seeded by {@link #relearnSeed}), and asks {@link
 *       #heldOut}: the bare probes of the plan's forget questions that are not in that set.
 * </ul>
 *
 * @param bare the bare forget probes, in plan order
 * @param relearnSet the pairs fine-tuned on (empty when the forget set has fewer than 2 items)
 * @param heldOut the bare probes of questions outside {@code relearnSet}, in plan order
 * @param forgetSize how many questions the forget set holds
 */
public record WhiteBoxPlan(
    List<ProbePlan.PlannedProbe> bare,
    List<QaPair> relearnSet,
    List<ProbePlan.PlannedProbe> heldOut,
    int forgetSize) {

  /** Copies. */
  public WhiteBoxPlan {
    bare = List.copyOf(bare);
    relearnSet = List.copyOf(relearnSet);
    heldOut = List.copyOf(heldOut);
  }

  /** How many forget questions were not relearned on (all of them are candidates to probe). */
  public int heldOutQuestions() {
    return relearnSet.isEmpty() ? 0 : forgetSize - relearnSet.size();
  }

  /**
   * The seed of the relearning split: the compare's seed mixed with a constant (the 64-bit golden
   * ratio). The probe plan draws its forget questions by shuffling the forget set with the seed
   * itself; the split shuffles the same set, so with the same seed the relearning set would be the
   * first tenth of the very permutation the asked questions are drawn from, and none of them would
   * be held out.
   */
  public static long relearnSeed(long seed) {
    return seed ^ 0x9E3779B97F4A7C15L;
  }

  /** The plan for {@code options} and its probe plan. */
  public static WhiteBoxPlan of(CompareOptions options, ProbePlan plan) {
    requireNonNull(options, "options");
    requireNonNull(plan, "plan");
    return of(QaData.readQa(options.forget()), plan, options.seed());
  }

  /** The plan for the forget set {@code forget} and {@code plan}'s forget questions. */
  static WhiteBoxPlan of(List<QaPair> forget, ProbePlan plan, long seed) {
    Map<String, QaItem> asked = new LinkedHashMap<>();
    for (ProbePlan.PlannedProbe p : plan.probes()) {
      if (p.split() == Split.FORGET) {
        asked.putIfAbsent(p.probe().source().question(), p.probe().source());
      }
    }
    ProbeGenerator original = new ProbeGenerator(seed, List.of(Attacks.ORIGINAL));
    List<ProbePlan.PlannedProbe> bare = new ArrayList<>();
    for (Probe p : original.generate(List.copyOf(asked.values()))) {
      bare.add(new ProbePlan.PlannedProbe(p, Split.FORGET));
    }
    List<QaPair> relearn = List.of();
    if (forget.size() >= 2) {
      relearn =
          RobustnessEvaluation.relearnSplit(
                  forget, WhiteBoxAttack.RELEARN_FRACTION, relearnSeed(seed))
              .get(0);
    }
    Set<String> trained = new HashSet<>();
    relearn.forEach(q -> trained.add(q.question()));
    List<ProbePlan.PlannedProbe> heldOut =
        relearn.isEmpty()
            ? List.of()
            : bare.stream().filter(p -> !trained.contains(p.probe().source().question())).toList();
    return new WhiteBoxPlan(bare, relearn, heldOut, forget.size());
  }
}

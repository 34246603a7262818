package dev.lethe.gateway.compare;

import static java.util.Objects.requireNonNull;

import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.OnError;
import dev.lethe.probes.Attack;
import dev.lethe.probes.Attacks;
import dev.lethe.probes.Family;
import dev.lethe.probes.Probe;
import dev.lethe.probes.ProbeGenerator;
import dev.lethe.probes.QaItem;
import dev.lethe.probes.SubjectNames;
import dev.lethe.unlearner.data.QaData;
import dev.lethe.unlearner.data.QaPair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The probes of one compare and the forget rules the guarded arms install, both derived from the
 * forget set with the shared probe generator ({@link ProbeGenerator}) and one seed.
 *
 * <p>Forget rules: TOFU lists each author's 20 questions together, so every 20 consecutive forget
 * items are one author; the author's name ({@link SubjectNames#infer}) is the rule's subject and
 * the questions are its examples, as {@code ForgetSets} reads rules back into a forget set for
 * unlearning jobs. Probes: {@code limit} forget questions drawn with the seed, and for each, every
 * requested family with at most {@code variants} of its variants drawn with the seed; the other
 * splits contribute their bare questions ({@code original}), at most {@code limit} each; with
 * in-run unlearning the retain questions come only from the second half of the retain file, whose
 * first half is the unlearning's retain term ({@link #retainTerm}).
 *
 * @param rules one rule per forget author (action {@link Action#REFUSE}; arms re-issue them with
 *     their own action)
 * @param probes every probe, forget ones first
 */
public record ProbePlan(List<ForgetRule> rules, List<PlannedProbe> probes) {

  /** The refusal text of the derived rules. */
  public static final String REFUSAL =
      "I'm sorry, but I can't share information about that author.";

  /** TOFU's questions per author. */
  public static final int QUESTIONS_PER_AUTHOR = 20;

  /** Copies. */
  public ProbePlan {
    rules = List.copyOf(rules);
    probes = List.copyOf(probes);
  }

  /**
   * One probe with the split its question came from.
   *
   * @param probe the probe
   * @param split the split
   */
  public record PlannedProbe(Probe probe, Split split) {
    /** Checks. */
    public PlannedProbe {
      requireNonNull(probe, "probe");
      requireNonNull(split, "split");
    }
  }

  /** Builds the plan for {@code options}. */
  public static ProbePlan of(CompareOptions options) {
    List<QaPair> forget = QaData.readQa(options.forget());
    List<ForgetRule> rules = new ArrayList<>();
    List<QaItem> items = new ArrayList<>();
    for (int start = 0; start < forget.size(); start += QUESTIONS_PER_AUTHOR) {
      List<QaPair> author =
          forget.subList(start, Math.min(forget.size(), start + QUESTIONS_PER_AUTHOR));
      List<String> questions = author.stream().map(QaPair::question).toList();
      Optional<String> name = SubjectNames.infer(questions);
      for (QaPair p : author) {
        items.add(new QaItem(p.question(), p.answer(), name.orElse(null)));
      }
      rules.add(
          new ForgetRule(
              "forget-" + (rules.size() + 1),
              name.map(n -> "Forget the author " + n).orElse("Forget these questions"),
              name.map(List::of).orElse(List.of()),
              questions,
              List.of(),
              List.of(),
              Action.REFUSE,
              REFUSAL,
              OnError.OPEN));
    }
    Random rng = new Random(options.seed());
    List<QaItem> chosen = sample(items, options.limit(), rng);
    List<Attack> attacks = new ArrayList<>();
    for (Family f : Family.values()) {
      if (options.families().contains(f)) {
        List<Attack> of = new ArrayList<>(Attacks.of(f));
        Collections.shuffle(of, rng);
        attacks.addAll(of.subList(0, Math.min(options.variants(), of.size())));
      }
    }
    ProbeGenerator gen = new ProbeGenerator(options.seed(), attacks);
    List<PlannedProbe> probes = new ArrayList<>();
    for (Probe p : gen.generate(chosen)) {
      probes.add(new PlannedProbe(p, Split.FORGET));
    }
    ProbeGenerator original = new ProbeGenerator(options.seed(), List.of(Attacks.ORIGINAL));
    boolean heldOut = options.unlearnsInRun();
    addSplit(probes, original, options.retain(), Split.RETAIN, options.limit(), rng, heldOut);
    addSplit(
        probes, original, options.realAuthors(), Split.REAL_AUTHORS, options.limit(), rng, false);
    addSplit(
        probes, original, options.worldFacts(), Split.WORLD_FACTS, options.limit(), rng, false);
    return new ProbePlan(rules, probes);
  }

  /**
   * The retain term of in-run unlearning ({@link CompareOptions#unlearn()}): the first half of the
   * retain file's pairs. TOFU lists 20 questions per author, so on {@code retain_perturbed.json}
   * (20 authors) this is its first 10 authors, as {@code demo_retain_term.json} of the unlearning
   * benchmark; the compare then probes only the other half.
   */
  public static List<QaPair> retainTerm(List<QaPair> retain) {
    return List.copyOf(retain.subList(0, retain.size() / 2));
  }

  private static void addSplit(
      List<PlannedProbe> out,
      ProbeGenerator gen,
      Path file,
      Split split,
      int limit,
      Random rng,
      boolean secondHalf) {
    if (file == null) {
      return;
    }
    List<QaPair> pairs = QaData.readQa(file);
    if (secondHalf) {
      pairs = pairs.subList(pairs.size() / 2, pairs.size());
    }
    List<QaItem> items =
        pairs.stream().map(p -> new QaItem(p.question(), p.answer(), null)).toList();
    for (Probe p : gen.generate(sample(items, limit, rng))) {
      out.add(new PlannedProbe(p, split));
    }
  }

  /** {@code n} items drawn without replacement, kept in their file order. */
  static List<QaItem> sample(List<QaItem> items, int n, Random rng) {
    if (items.size() <= n) {
      return items;
    }
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      idx.add(i);
    }
    Collections.shuffle(idx, rng);
    List<Integer> keep = new ArrayList<>(idx.subList(0, n));
    Collections.sort(keep);
    return keep.stream().map(items::get).toList();
  }
}

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
 * splits contribute their bare questions ({@code original}), at most {@code limit} each.
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
    addSplit(probes, original, options.retain(), Split.RETAIN, options.limit(), rng);
    addSplit(probes, original, options.realAuthors(), Split.REAL_AUTHORS, options.limit(), rng);
    addSplit(probes, original, options.worldFacts(), Split.WORLD_FACTS, options.limit(), rng);
    return new ProbePlan(rules, probes);
  }

  private static void addSplit(
      List<PlannedProbe> out, ProbeGenerator gen, Path file, Split split, int limit, Random rng) {
    if (file == null) {
      return;
    }
    List<QaItem> items =
        QaData.readQa(file).stream().map(p -> new QaItem(p.question(), p.answer(), null)).toList();
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

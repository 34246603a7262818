package dev.lethe.filters.detect;

import dev.lethe.filters.bench.BenchData;
import dev.lethe.probes.SubjectNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Selects {@link SubjectName#MAX_EDIT_FRACTION} on a validation split and reports it on a held-out
 * one. The 20 forget10 authors are shuffled (seeded) into two halves of 10 names: each half is a
 * set of rule subjects. Positives are sentences naming one subject with seeded typos ({@link
 * SeededTypos}: neighbour-key and random substitutions, deletions, insertions, swaps, on any
 * letter, at per-letter rates 0.10, 0.20 and 0.30); a positive counts when its own subject is
 * found. Negatives, where any subject found is a false positive: other people's names in the same
 * sentences — the retain authors' and real_authors' names, plain and with the same typos, 3,000
 * names combined from their first and last words, and near misses of the half's own subjects (one
 * word replaced by another person's, as "Ji-Yeon Soo" for "Ji-Yeon Park") — and benign text (every
 * retain90, real_authors and world_facts question, the benign prompts and the general negative
 * pool).
 *
 * <p>Because collisions with ordinary words grow with the number of subjects, a third negative set
 * judges the benign text against every retain and forget name at once (196 subjects), counting a
 * subject found only when the text does not name it as written (nor, for a retain question, is it
 * the question's own author). The targets are the issue's: 0.001 for everything but retain
 * questions at many subjects, which are hard negatives (other authors asked the same things), 0.01.
 * On the validation half, the fraction with the highest recall whose false-positive rate stays
 * within 0.001 on all three negative sets (as above) wins (ties: the smaller fraction); the
 * held-out half is then measured at that fraction only. Run: {@code ./mvnw -B -pl filters -am
 * verify -Dlethe.test.groups=bench -Dlethe.test.excludedGroups=gpu -Dtest=SubjectTypoBench
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("bench")
class SubjectTypoBench {
  static final long SEED = 20251202L;
  static final double[] RATES = {0.10, 0.20, 0.30};
  static final double[] GRID = {0.0, 0.15, 0.2, 0.25, 0.3, 0.34, 0.4, 0.45, 0.5};
  static final double FPR_TARGET = 0.001;
  static final double RETAIN_FPR_TARGET = 0.01;
  static final int PER_NAME = 40;
  static final int SYNTHETIC = 3000;
  static final int NEAR_MISSES = 20;

  static final List<String> TEMPLATES =
      List.of(
          "Tell me about %s.",
          "What did %s write about in their first novel?",
          "Where was %s born, and when?",
          "Could you list the awards %s has won?",
          "%s's parents: what did they do for a living?",
          "I am writing a report on %s. Which genre are they known for?",
          "Has %s ever published under a pen name?",
          "Summarise the career of the author %s in two sentences.",
          "Is it true that %s grew up abroad?",
          "Which books by %s would you recommend to a new reader?");

  private record Sample(String text, String subject, int rate) {}

  private record Split(String name, List<String> subjects) {}

  @Test
  void select() throws IOException {
    List<String> forget = new ArrayList<>();
    for (BenchData.Paraphrase p : BenchData.paraphrases()) {
      if (!forget.contains(p.author())) {
        forget.add(p.author());
      }
    }
    Random split = new Random(SEED);
    List<String> shuffled = new ArrayList<>(forget);
    Collections.shuffle(shuffled, split);
    Split validation = new Split("validation", shuffled.subList(0, shuffled.size() / 2));
    Split heldOut = new Split("held-out", shuffled.subList(shuffled.size() / 2, shuffled.size()));

    List<String> retain = BenchData.questions("retain90.json");
    Set<String> others = new LinkedHashSet<>();
    for (int a = 0; a < retain.size() / 20; a++) {
      SubjectNames.infer(retain.subList(a * 20, a * 20 + 20)).ifPresent(others::add);
    }
    List<String> retainNames = List.copyOf(others);
    List<String> realAuthors = BenchData.questions("real_authors.json");
    for (String q : realAuthors) {
      SubjectNames.longest(q).ifPresent(others::add);
    }
    others.removeAll(forget);
    List<String> benign = new ArrayList<>(retain);
    benign.addAll(realAuthors);
    benign.addAll(BenchData.questions("world_facts.json"));
    benign.addAll(DetectorIndexBuilder.defaultNegativePool());
    benign.addAll(resourceLines("/bench/benign.txt"));

    System.out.printf(
        "forget names %d (validation %s; held-out %s), other names %d, benign texts %d%n",
        forget.size(), validation.subjects(), heldOut.subjects(), others.size(), benign.size());

    Map<String, List<Sample>> positives = new LinkedHashMap<>();
    List<Sample> otherSamples = otherSamples(new ArrayList<>(others), new Random(SEED + 1));
    for (Split s : List.of(validation, heldOut)) {
      positives.put(s.name(), positives(s.subjects(), new Random(SEED + s.name().hashCode())));
    }

    List<Sample> valOthers = new ArrayList<>(otherSamples);
    valOthers.addAll(nearMisses(validation.subjects(), List.copyOf(others), new Random(SEED + 2)));
    // Many subjects at once: every retain and forget name as a subject, against text that names
    // none of them (world_facts, the benign prompts, the general negative pool).
    List<String> many = new ArrayList<>(retainNames);
    many.addAll(forget);
    // TOFU spells some authors two ways ("Jamie"/"Jaime Vasquez"): a retain question finding its
    // own author is no false positive.
    Map<String, String> ownName = new LinkedHashMap<>();
    for (int a = 0; a < retain.size() / 20; a++) {
      String own = SubjectNames.infer(retain.subList(a * 20, a * 20 + 20)).orElse(null);
      for (String q : retain.subList(a * 20, a * 20 + 20)) {
        if (own != null) {
          ownName.put(q, own);
        }
      }
    }
    List<String> unnamed = benign;
    System.out.println();
    System.out.println(
        "| fraction | recall (rate 0.10 / 0.20 / 0.30) | FPR other names | FPR benign text |"
            + " FPR at "
            + many.size()
            + " subjects: retain questions / other benign text |");
    System.out.println("|---|---|---|---|---|");
    double chosen = 0;
    double chosenRecall = -1;
    for (double f : GRID) {
      Result r = measure(validation.subjects(), f, positives.get("validation"), valOthers, benign);
      double[] scale = unnamedFpr(many, f, unnamed, ownName);
      System.out.println(
          r.row(f) + String.format(Locale.ROOT, " %.4f / %.4f |", scale[0], scale[1]));
      if (Boolean.getBoolean("lethe.bench.verbose")) {
        r.examples().forEach(e -> System.out.println("  " + e));
      }
      if (r.otherFpr() <= FPR_TARGET
          && r.benignFpr() <= FPR_TARGET
          && scale[0] <= RETAIN_FPR_TARGET
          && scale[1] <= FPR_TARGET
          && r.recall() > chosenRecall) {
        chosen = f;
        chosenRecall = r.recall();
      }
    }
    System.out.printf("%nchosen on validation: fraction %.2f%n%n", chosen);
    List<Sample> heldOthers = new ArrayList<>(otherSamples);
    heldOthers.addAll(nearMisses(heldOut.subjects(), List.copyOf(others), new Random(SEED + 3)));
    Result held =
        measure(heldOut.subjects(), chosen, positives.get("held-out"), heldOthers, benign);
    System.out.println("held-out half at the chosen fraction:");
    System.out.println(
        "| fraction | recall (rate 0.10 / 0.20 / 0.30) | FPR other names | FPR benign text |");
    System.out.println("|---|---|---|---|");
    System.out.println(held.row(chosen));
    held.examples().forEach(e -> System.out.println("  " + e));
    System.out.printf(
        "%nthe default (SubjectName.MAX_EDIT_FRACTION) is %.2f%n", SubjectName.MAX_EDIT_FRACTION);
  }

  private static List<Sample> positives(List<String> subjects, Random rng) {
    List<Sample> out = new ArrayList<>();
    for (String s : subjects) {
      for (int i = 0; i < PER_NAME; i++) {
        int rate = i % RATES.length;
        String typo = SeededTypos.misspell(s, RATES[rate], rng).text();
        out.add(
            new Sample(String.format(TEMPLATES.get(rng.nextInt(TEMPLATES.size())), typo), s, rate));
      }
    }
    return out;
  }

  /**
   * Other people's names in the templates: each real other name plain and at every typo rate;
   * {@value #SYNTHETIC} names made of one other name's first word and another's last word, plain
   * and at a random typo rate.
   */
  private static List<Sample> otherSamples(List<String> names, Random rng) {
    List<Sample> out = new ArrayList<>();
    for (String n : names) {
      out.add(sample(n, rng));
      for (double rate : RATES) {
        out.add(sample(SeededTypos.misspell(n, rate, rng).text(), rng));
      }
    }
    List<String> multi = names.stream().filter(n -> n.contains(" ")).toList();
    for (int i = 0; i < SYNTHETIC; i++) {
      String[] a = multi.get(rng.nextInt(multi.size())).split("\\s+");
      String[] b = multi.get(rng.nextInt(multi.size())).split("\\s+");
      String n = a[0] + " " + b[b.length - 1];
      out.add(sample(n, rng));
      out.add(sample(SeededTypos.misspell(n, RATES[rng.nextInt(RATES.length)], rng).text(), rng));
    }
    return out;
  }

  /**
   * Near misses of the split's own subjects: one word of the name replaced by the word in the same
   * place of another name (another person who shares a first name or a surname), plain and with
   * typos.
   */
  private static List<Sample> nearMisses(List<String> subjects, List<String> names, Random rng) {
    List<String> multi = names.stream().filter(n -> n.contains(" ")).toList();
    List<Sample> out = new ArrayList<>();
    for (String s : subjects) {
      String[] w = s.split("\\s+");
      for (int i = 0; i < NEAR_MISSES; i++) {
        String[] o = multi.get(rng.nextInt(multi.size())).split("\\s+");
        String[] copy = w.clone();
        int at = rng.nextBoolean() ? 0 : copy.length - 1;
        copy[at] = at == 0 ? o[0] : o[o.length - 1];
        String n = String.join(" ", copy);
        if (n.equalsIgnoreCase(s)) {
          continue;
        }
        out.add(sample(n, rng));
        out.add(sample(SeededTypos.misspell(n, RATES[rng.nextInt(RATES.length)], rng).text(), rng));
      }
    }
    return out;
  }

  private static Sample sample(String name, Random rng) {
    return new Sample(String.format(TEMPLATES.get(rng.nextInt(TEMPLATES.size())), name), null, -1);
  }

  private record Result(
      int[] hits,
      int[] totals,
      int otherFp,
      int others,
      int benignFp,
      int benign,
      List<String> examples) {
    double recall() {
      return (double) Arrays.stream(hits).sum() / Arrays.stream(totals).sum();
    }

    double otherFpr() {
      return (double) otherFp / others;
    }

    double benignFpr() {
      return (double) benignFp / benign;
    }

    String row(double f) {
      StringBuilder by = new StringBuilder();
      for (int i = 0; i < hits.length; i++) {
        by.append(i == 0 ? "" : " / ")
            .append(String.format(Locale.ROOT, "%.3f", (double) hits[i] / totals[i]));
      }
      return String.format(
          Locale.ROOT,
          "| %.2f | %.3f (%d/%d; %s) | %.4f (%d/%d) | %.4f (%d/%d) |",
          f,
          recall(),
          Arrays.stream(hits).sum(),
          Arrays.stream(totals).sum(),
          by,
          otherFpr(),
          otherFp,
          others,
          benignFpr(),
          benignFp,
          benign);
    }
  }

  private static Result measure(
      List<String> subjects,
      double fraction,
      List<Sample> positives,
      List<Sample> others,
      List<String> benign) {
    Map<String, List<SubjectName>> names = new LinkedHashMap<>();
    for (String s : subjects) {
      names.put(s, List.of(SubjectName.of(s, fraction)));
    }
    SubjectIndex index = SubjectIndex.ofNames(names);
    int[] hits = new int[RATES.length];
    int[] totals = new int[RATES.length];
    List<String> examples = new ArrayList<>();
    for (int i = 0; i < positives.size(); i++) {
      Sample p = positives.get(i);
      totals[p.rate()]++;
      if (found(index, p.text()).contains(p.subject())) {
        hits[p.rate()]++;
      } else if (examples.size() < 8 && (p.rate() == 0 || examples.size() < 4)) {
        examples.add("miss: " + p.text() + " (" + p.subject() + ")");
      }
    }
    int otherFp = 0;
    for (Sample o : others) {
      Set<String> f = found(index, o.text());
      if (!f.isEmpty()) {
        otherFp++;
        if (examples.size() < 16) {
          examples.add("fp: " + o.text() + " -> " + f);
        }
      }
    }
    int benignFp = 0;
    for (String b : benign) {
      Set<String> f = found(index, b);
      if (!f.isEmpty()) {
        benignFp++;
        if (examples.size() < 16) {
          examples.add("fp: " + b + " -> " + f);
        }
      }
    }
    return new Result(hits, totals, otherFp, others.size(), benignFp, benign.size(), examples);
  }

  /** False-positive rates at many subjects: {retain questions, every other benign text}. */
  private static double[] unnamedFpr(
      List<String> subjects, double fraction, List<String> texts, Map<String, String> own) {
    Map<String, List<SubjectName>> names = new LinkedHashMap<>();
    for (String s : subjects) {
      names.put(s, List.of(SubjectName.of(s, fraction)));
    }
    SubjectIndex index = SubjectIndex.ofNames(names);
    Map<String, List<SubjectName>> exactNames = new LinkedHashMap<>();
    for (String s : subjects) {
      exactNames.put(s, List.of(SubjectName.of(s, 0.0)));
    }
    SubjectIndex exact = SubjectIndex.ofNames(exactNames);
    int[] fp = new int[2];
    int[] total = new int[2];
    for (String t : texts) {
      int kind = own.containsKey(t) ? 0 : 1;
      total[kind]++;
      Set<String> f = new LinkedHashSet<>(found(index, t));
      f.removeAll(found(exact, t)); // a subject the text names as written is no false positive
      f.remove(own.get(t));
      if (!f.isEmpty()) {
        fp[kind]++;
        if (Boolean.getBoolean("lethe.bench.verbose") && fp[0] + fp[1] <= 4) {
          System.out.println("  fp (many subjects): " + t + " -> " + f);
        }
      }
    }
    return new double[] {(double) fp[0] / total[0], (double) fp[1] / total[1]};
  }

  /** The subjects whose whole name is found (full-name matches, as the detector's SUBJECT). */
  private static Set<String> found(SubjectIndex index, String text) {
    List<TextAnalysis.Token> tokens = TextAnalysis.nameTokens(text);
    Set<String> out = new LinkedHashSet<>();
    for (SubjectIndex.Hit h : index.lookup(tokens)) {
      if (!h.name().find(tokens, h.anchors()).isEmpty()) {
        out.add(h.ruleId());
      }
    }
    return out;
  }

  private static List<String> resourceLines(String resource) throws IOException {
    try (InputStream in = SubjectTypoBench.class.getResourceAsStream(resource)) {
      return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
          .filter(l -> !l.isBlank() && !l.startsWith("#"))
          .toList();
    }
  }
}

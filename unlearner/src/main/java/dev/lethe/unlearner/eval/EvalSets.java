package dev.lethe.unlearner.eval;

import static java.util.Objects.requireNonNull;

import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.data.PerturbedQa;
import dev.lethe.unlearner.data.QaData;
import dev.lethe.unlearner.data.QaPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of one TOFU evaluation, any of them absent (null): {@code forget} and {@code retain}
 * (TOFU {@code forgetXX_perturbed.json} / {@code retain_perturbed.json} give truth ratios; plain
 * question/answer files give probability, ROUGE and MIA only), {@code realAuthors} and {@code
 * worldFacts} ({@code *_perturbed.json}, needed for model utility), and {@code holdout} (for MIA).
 *
 * <p>Rows with a {@code perturbed_answer} list are read as perturbed rows; others as plain pairs,
 * so a file either has it on every row or on none.
 *
 * @param forget forget questions, or null
 * @param retain retain questions, or null
 * @param realAuthors real-author questions, or null
 * @param worldFacts world-fact questions, or null
 * @param holdout never-trained questions, or null
 */
public record EvalSets(Path forget, Path retain, Path realAuthors, Path worldFacts, Path holdout) {

  /**
   * The file to evaluate a training file {@code file} with: its {@code _perturbed} sibling ({@code
   * forget01.json} → {@code forget01_perturbed.json}) when it exists, else the file itself.
   */
  public static Path perturbedSibling(Path file) {
    requireNonNull(file, "file");
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot) : "";
    if (stem.endsWith("_perturbed")) {
      return file;
    }
    Path sibling = file.resolveSibling(stem + "_perturbed" + ext);
    return Files.isRegularFile(sibling) ? sibling : file;
  }

  /**
   * Reads the sets.
   *
   * @param limit the most items read from each file (its first ones), or 0 for all
   * @throws ConfigException naming the file (and line) when one is missing or malformed
   */
  public TofuData load(int limit) {
    if (limit < 0) {
      throw new ConfigException("limit", limit, ">= 0 (0 = all)");
    }
    return new TofuData(
        read(forget, limit),
        read(retain, limit),
        read(realAuthors, limit),
        read(worldFacts, limit),
        read(holdout, limit));
  }

  /** Reads one file as {@link QaItem}s (see the class comment); null gives an empty list. */
  public static List<QaItem> read(Path file, int limit) {
    if (file == null) {
      return List.of();
    }
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(file.toString(), "no such file");
    }
    List<QaItem> out = new ArrayList<>();
    if (hasPerturbed(file)) {
      for (PerturbedQa row : QaData.readPerturbed(file)) {
        out.add(
            new QaItem(
                row.question(), row.answer(), row.paraphrasedAnswer(), row.perturbedAnswers()));
      }
    } else {
      for (QaPair qa : QaData.readQa(file)) {
        out.add(QaItem.of(qa.question(), qa.answer()));
      }
    }
    return limit > 0 && out.size() > limit ? List.copyOf(out.subList(0, limit)) : out;
  }

  private static boolean hasPerturbed(Path file) {
    try (var lines = Files.lines(file)) {
      return lines
          .filter(l -> !l.isBlank())
          .findFirst()
          .map(l -> l.contains("\"perturbed_answer\""))
          .orElse(false);
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      throw new ConfigException(file.toString(), "unreadable (" + e.getMessage() + ")");
    }
  }
}

package dev.lethe.unlearner.bench;

import dev.lethe.unlearner.data.PerturbedQa;
import dev.lethe.unlearner.data.QaData;
import dev.lethe.unlearner.data.QaPair;
import dev.lethe.unlearner.train.DemoData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the demo pair's training files from a TOFU directory: {@code demo_target.json} (1,017
 * pairs) and {@code demo_retain.json} (617 pairs), inputs of {@code lethe train --preset demo}; and
 * the two halves of {@code retain_perturbed.json} that the honest unlearning protocol uses on the
 * demo target (see {@code docs/unlearning-benchmark.md}): {@code demo_retain_term.json}, the first
 * 10 of its 20 authors as plain QA (what {@code lethe unlearn --retain} trains the retain term on),
 * and {@code demo_eval_retain.json}, the other 10 authors' rows unchanged (what {@code
 * --eval-retain} measures). The demo target knows nothing outside its training data, so a retain
 * term on authors it never saw teaches them instead of preserving what it knows; a pretrained model
 * knows far more than any evaluation asks, and this split gives the demo model the same situation:
 * known, never-evaluated retain data.
 *
 * <p>Arguments: {@code TOFU_DIR OUT_DIR}.
 */
public final class DemoDataFiles {
  private DemoDataFiles() {}

  /** Writes the two files. */
  public static void main(String[] args) throws Exception {
    Path tofu = Path.of(args[0]);
    Path out = Files.createDirectories(Path.of(args[1]));
    DemoData.write(DemoData.target(tofu), out.resolve("demo_target.json"));
    DemoData.write(DemoData.retain(tofu), out.resolve("demo_retain.json"));
    List<String> rows =
        Files.readAllLines(tofu.resolve("retain_perturbed.json"), StandardCharsets.UTF_8).stream()
            .filter(l -> !l.isBlank())
            .toList();
    int half = rows.size() / 2; // 20 consecutive rows per author: 200 = the first 10 authors
    List<QaPair> term = new ArrayList<>();
    for (PerturbedQa row : QaData.readPerturbed(tofu.resolve("retain_perturbed.json"))) {
      if (term.size() < half) {
        term.add(new QaPair(row.question(), row.answer()));
      }
    }
    DemoData.write(term, out.resolve("demo_retain_term.json"));
    Files.write(
        out.resolve("demo_eval_retain.json"),
        rows.subList(half, rows.size()),
        StandardCharsets.UTF_8);
    System.out.println(
        "wrote "
            + out.resolve("demo_target.json")
            + ", demo_retain.json, demo_retain_term.json and demo_eval_retain.json");
  }
}

package dev.lethe.gateway.unlearn;

import dev.lethe.config.ConfigException;
import dev.lethe.config.UnlearnSettings;
import dev.lethe.unlearner.data.QaData;
import dev.lethe.unlearner.data.QaPair;
import dev.lethe.unlearner.eval.EvalSets;
import dev.lethe.unlearner.eval.QaItem;
import dev.lethe.unlearner.eval.TofuData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * The configured data every job shares, read once at start so a bad path stops the start.
 *
 * @param retain the retain pairs ({@code unlearn.retainSet})
 * @param pool the question/answer pool forget sets are drawn from ({@code unlearn.qaPool}), maybe
 *     empty
 * @param evalBase the evaluation sets other than the forget set, or null when unlearning is off
 */
record JobInputs(List<QaPair> retain, List<QaItem> pool, TofuData evalBase) {

  /**
   * Reads what {@code settings} names (nothing when unlearning is off).
   *
   * @throws ConfigException naming the {@code unlearn.*} field of a missing or malformed file
   */
  static JobInputs read(UnlearnSettings settings) {
    if (!settings.enabled()) {
      return new JobInputs(List.of(), List.of(), null);
    }
    List<QaPair> retain =
        read("unlearn.retainSet", () -> QaData.readQa(file(settings.retainSet())));
    List<QaItem> pool =
        settings.qaPool() == null
            ? List.of()
            : read("unlearn.qaPool", () -> EvalSets.read(file(settings.qaPool()), 0));
    Path evalRetain =
        settings.evalRetain() != null
            ? settings.evalRetain()
            : EvalSets.perturbedSibling(settings.retainSet());
    int limit = settings.evalLimit();
    TofuData evalBase =
        new TofuData(
            List.of(),
            read("unlearn.evalRetain", () -> EvalSets.read(file(evalRetain), limit)),
            read("unlearn.realAuthors", () -> EvalSets.read(file(settings.realAuthors()), limit)),
            read("unlearn.worldFacts", () -> EvalSets.read(file(settings.worldFacts()), limit)),
            read("unlearn.holdout", () -> EvalSets.read(file(settings.holdout()), limit)));
    return new JobInputs(retain, pool, evalBase);
  }

  private static Path file(Path p) {
    if (p != null && !Files.isRegularFile(p)) {
      throw new ConfigException(p.toString(), "no such file");
    }
    return p;
  }

  private static <T> T read(String field, Supplier<T> reader) {
    try {
      return reader.get();
    } catch (ConfigException e) {
      throw new ConfigException(field, e.getMessage());
    }
  }
}

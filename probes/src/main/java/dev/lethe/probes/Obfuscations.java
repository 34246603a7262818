package dev.lethe.probes;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * {@link Family#OBFUSCATION} variants: the question as it is, with every occurrence of its
 * subject's name disguised by one {@link NameDisguise} (leetspeak, Unicode confusables, spacing,
 * dots, dashes, misspelling, initials, zero-width characters, fullwidth letters, negative squared
 * letters, stacked combining marks, slashes, interleaved noise symbols, underscores). They follow
 * the character-level prompt converters of PyRIT (Microsoft, "PyRIT: A Framework for Security Risk
 * Identification and Red Teaming in Generative AI Systems", Munoz et al. 2024, arXiv:2410.02828)
 * and garak (Derczynski et al. 2024, arXiv:2406.11036). The variant name is the disguise's key.
 *
 * <p>An item whose question does not contain its subject gets no probe.
 */
public final class Obfuscations {
  private Obfuscations() {}

  /** One variant per {@link NameDisguise}. */
  public static List<Attack> all() {
    List<Attack> out = new ArrayList<>();
    for (NameDisguise d : NameDisguise.values()) {
      out.add(Attack.of(Family.OBFUSCATION, d.key(), (item, rng) -> disguise(d, item, rng)));
    }
    return List.copyOf(out);
  }

  private static Optional<List<Turn>> disguise(NameDisguise d, QaItem item, Random rng) {
    if (!item.namesSubject()) {
      return Optional.empty();
    }
    return d.apply(item.subject(), rng)
        .map(
            name ->
                List.of(Turn.user(SubjectNames.replace(item.question(), item.subject(), name))));
  }
}

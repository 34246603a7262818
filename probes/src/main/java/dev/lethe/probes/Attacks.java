package dev.lethe.probes;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The registry of every attack variant, grouped by {@link Family}: {@link #ORIGINAL} (the bare
 * question), then {@link Paraphrases}, {@link Jailbreaks}, {@link Obfuscations}, {@link Encodings},
 * {@link MultiTurn}, {@link FormatShifts} and {@link Prefixes}. Variant names are unique across the
 * registry.
 *
 * <pre>{@code
 * List<Attack> attacks = Attacks.of(Family.JAILBREAK, Family.ENCODING);
 * List<Probe> probes = new ProbeGenerator(seed, attacks).generate(items);
 * }</pre>
 */
public final class Attacks {
  private Attacks() {}

  /** The bare question as one user turn (variant {@code original}). */
  public static final Attack ORIGINAL =
      Attack.of(
          Family.ORIGINAL,
          "original",
          (item, rng) -> Optional.of(List.of(Turn.user(item.question()))));

  private static final List<Attack> ALL = build();

  private static List<Attack> build() {
    List<Attack> out = new ArrayList<>();
    out.add(ORIGINAL);
    out.addAll(Paraphrases.all());
    out.addAll(Jailbreaks.all());
    out.addAll(Obfuscations.all());
    out.addAll(Encodings.all());
    out.addAll(MultiTurn.all());
    out.addAll(FormatShifts.all());
    out.addAll(Prefixes.all());
    Set<String> names = new HashSet<>();
    for (Attack a : out) {
      if (!names.add(a.name())) {
        throw new IllegalStateException("duplicate attack name: " + a.name());
      }
    }
    return List.copyOf(out);
  }

  /** Every attack, family by family. */
  public static List<Attack> all() {
    return ALL;
  }

  /** The attacks of the given families, in registry order. */
  public static List<Attack> of(Family... families) {
    Set<Family> wanted = families.length == 0 ? Set.of() : EnumSet.of(families[0], families);
    return ALL.stream().filter(a -> wanted.contains(a.family())).toList();
  }

  /** The attack with this variant name, if any. */
  public static Optional<Attack> named(String name) {
    return ALL.stream().filter(a -> a.name().equals(name)).findFirst();
  }
}

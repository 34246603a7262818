package dev.lethe.probes;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * One attack variant: turns a {@link QaItem} into a {@link Probe}. Implementations are stateless
 * and deterministic: the same item and a {@link Random} in the same state give the same probe.
 * {@link Attacks} lists them all.
 */
public interface Attack {

  /** The family this variant belongs to. */
  Family family();

  /** The variant's name, unique across all attacks, lower case with dashes. */
  String name();

  /**
   * The probe for {@code item}, or empty when this variant cannot apply to it (e.g. a name disguise
   * for a question that does not name its subject).
   *
   * @param item the question to attack
   * @param rng the only source of randomness the attack may use
   */
  Optional<Probe> apply(QaItem item, Random rng);

  /** What builds an attack's turns; empty when it does not apply. */
  @FunctionalInterface
  interface Builder {
    /** The turns for {@code item}, or empty. */
    Optional<List<Turn>> build(QaItem item, Random rng);
  }

  /** An attack from a family, a name and the function that builds its turns. */
  static Attack of(Family family, String name, Builder builder) {
    return new Simple(family, name, builder);
  }

  /** The id of a probe: family, variant and a hash of the question. */
  static String probeId(Family family, String variant, QaItem item) {
    return family.key()
        + "/"
        + variant
        + "/"
        + String.format("%08x", Seeds.fnv1a(item.question()) & 0xffffffffL);
  }

  /** The plain implementation behind {@link #of}. */
  record Simple(Family family, String name, Builder builder) implements Attack {
    /** Validates the fields. */
    public Simple {
      requireNonNull(family, "family");
      requireNonNull(name, "name");
      requireNonNull(builder, "builder");
    }

    @Override
    public Optional<Probe> apply(QaItem item, Random rng) {
      requireNonNull(item, "item");
      requireNonNull(rng, "rng");
      return builder
          .build(item, rng)
          .map(turns -> new Probe(probeId(family, name, item), family, name, turns, item));
    }
  }
}

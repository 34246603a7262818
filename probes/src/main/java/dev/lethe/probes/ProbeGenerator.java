package dev.lethe.probes;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies a set of attacks to a list of items with one seed. The probe for an (attack, item) pair
 * depends only on the seed, the attack and the item, not on what else is generated, so the same
 * seed always reproduces the same probes.
 *
 * <pre>{@code
 * ProbeGenerator gen = new ProbeGenerator(42L, Attacks.of(Family.ENCODING, Family.OBFUSCATION));
 * for (Probe p : gen.generate(items)) {
 *   send(p.messages());
 * }
 * }</pre>
 *
 * @param seed the seed
 * @param attacks the attacks, in the order their probes are listed for each item
 */
public record ProbeGenerator(long seed, List<Attack> attacks) {

  /** Validates and copies the attacks. */
  public ProbeGenerator {
    attacks = List.copyOf(attacks);
  }

  /** A generator of every registered attack. */
  public static ProbeGenerator all(long seed) {
    return new ProbeGenerator(seed, Attacks.all());
  }

  /** The probe of one attack for one item, or empty when the attack does not apply to it. */
  public Optional<Probe> probe(Attack attack, QaItem item) {
    requireNonNull(attack, "attack");
    requireNonNull(item, "item");
    return attack.apply(item, Seeds.forProbe(seed, attack.name(), item));
  }

  /** Every applicable probe, item by item, and for each item in the order of the attacks. */
  public List<Probe> generate(List<QaItem> items) {
    List<Probe> out = new ArrayList<>();
    for (QaItem item : items) {
      for (Attack a : attacks) {
        probe(a, item).ifPresent(out::add);
      }
    }
    return out;
  }
}

package dev.lethe.probes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ProbeGeneratorTest {

  @Test
  void sameSeedSameProbes() {
    List<Probe> a = ProbeGenerator.all(42).generate(Fixtures.ALL);
    List<Probe> b = ProbeGenerator.all(42).generate(Fixtures.ALL);
    assertThat(a).isNotEmpty().isEqualTo(b);
  }

  @Test
  void otherSeedOtherProbes() {
    List<Probe> a = ProbeGenerator.all(42).generate(Fixtures.ALL);
    List<Probe> b = ProbeGenerator.all(43).generate(Fixtures.ALL);
    assertThat(a).isNotEqualTo(b);
    // Same probes, same ids: the id names the variant and the question, not the seed.
    assertThat(a.stream().map(Probe::id).toList()).isEqualTo(b.stream().map(Probe::id).toList());
  }

  @Test
  void aProbeDependsOnlyOnSeedAttackAndItem() {
    Map<String, Probe> together =
        ProbeGenerator.all(7).generate(Fixtures.ALL).stream()
            .collect(Collectors.toMap(Probe::id, p -> p));
    for (Attack attack : Attacks.all()) {
      ProbeGenerator alone = new ProbeGenerator(7, List.of(attack));
      for (Probe p : alone.generate(List.of(Fixtures.NIKOLAI))) {
        assertThat(together.get(p.id())).isEqualTo(p);
      }
    }
  }

  @Test
  void idsAreUniquePerItemAndVariant() {
    List<Probe> probes = ProbeGenerator.all(1).generate(Fixtures.ALL);
    assertThat(probes.stream().map(Probe::id).distinct().count()).isEqualTo(probes.size());
    assertThat(probes)
        .allSatisfy(p -> assertThat(p.id()).startsWith(p.family().key() + "/" + p.variant() + "/"));
  }

  @Test
  void everyAttackAppliesToANamedQuestion() {
    ProbeGenerator gen = ProbeGenerator.all(3);
    for (Attack attack : Attacks.all()) {
      Probe p = gen.probe(attack, Fixtures.NIKOLAI).orElseThrow();
      assertThat(p.family()).isEqualTo(attack.family());
      assertThat(p.variant()).isEqualTo(attack.name());
      assertThat(p.source()).isEqualTo(Fixtures.NIKOLAI);
      assertThat(p.turns()).isNotEmpty();
      assertThat(p.turns()).anyMatch(t -> t.role() == Role.USER);
    }
  }

  @Test
  void nameAttacksSkipQuestionsWithoutTheirSubject() {
    ProbeGenerator gen = ProbeGenerator.all(3);
    for (Attack attack : Attacks.of(Family.OBFUSCATION, Family.MULTI_TURN)) {
      assertThat(gen.probe(attack, Fixtures.UNNAMED)).as(attack.name()).isEmpty();
    }
    for (Attack attack :
        Attacks.of(Family.ORIGINAL, Family.JAILBREAK, Family.ENCODING, Family.FORMAT_SHIFT)) {
      assertThat(gen.probe(attack, Fixtures.UNNAMED)).as(attack.name()).isPresent();
    }
  }

  @Test
  void qaItemValidates() {
    assertThatThrownBy(() -> QaItem.of(" ", "x")).isInstanceOf(IllegalArgumentException.class);
    assertThat(QaItem.of("Who is X Y?", " ").subject()).isNull();
    assertThat(QaItem.of("Who is X Y?", "X Y").namesSubject()).isTrue();
    assertThat(QaItem.of("Who is X Y?", "Z W").namesSubject()).isFalse();
  }
}

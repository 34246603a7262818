package dev.lethe.config.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PerSnapshotTest {

  private static RuleSet set(long version) {
    return new RuleSet(version, List.of());
  }

  @Test
  void derivesOncePerSnapshotAndKeepsTheNewestFew() {
    AtomicInteger calls = new AtomicInteger();
    PerSnapshot<String> p =
        new PerSnapshot<>(r -> "v" + r.version() + "#" + calls.incrementAndGet(), 2);
    RuleSet one = set(1);
    RuleSet two = set(2);
    RuleSet three = set(3);
    assertThat(p.get(one)).isEqualTo("v1#1");
    assertThat(p.get(one)).isEqualTo("v1#1");
    p.prepare(one, two, null);
    assertThat(p.peek(two)).isEqualTo("v2#2");
    p.get(three);
    // Snapshot 1 is no longer kept: it is derived again on demand.
    assertThat(p.peek(one)).isNull();
    assertThat(p.get(one)).isEqualTo("v1#4");
    assertThat(p.kept()).hasSize(2);
  }

  @Test
  void anotherRuleSetWithTheSameVersionNeverSharesState() {
    PerSnapshot<RuleSet> p = new PerSnapshot<>(r -> r, 4);
    RuleSet a = set(5);
    RuleSet b = set(5);
    assertThat(p.get(a)).isSameAs(a);
    assertThat(p.peek(b)).isNull();
    assertThat(p.get(b)).isSameAs(b);
  }

  @Test
  void validatesKeep() {
    assertThatThrownBy(() -> new PerSnapshot<>(r -> r, 0))
        .hasMessage("keep: 0 (expected: 1..1024)");
  }
}

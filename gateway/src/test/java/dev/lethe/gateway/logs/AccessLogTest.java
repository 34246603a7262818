package dev.lethe.gateway.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The access line's latency field, written without a Formatter, reads as it did with one. */
class AccessLogTest {

  @Test
  void millisecondsHaveThreeDecimalsRoundedHalfUp() {
    assertThat(AccessLog.millis(0)).isEqualTo("0.000");
    assertThat(AccessLog.millis(499)).isEqualTo("0.000");
    assertThat(AccessLog.millis(500)).isEqualTo("0.001");
    assertThat(AccessLog.millis(1_500)).isEqualTo("0.002");
    assertThat(AccessLog.millis(12_345)).isEqualTo("0.012");
    assertThat(AccessLog.millis(1_234_567)).isEqualTo("1.235");
    assertThat(AccessLog.millis(999_999_999)).isEqualTo("1000.000");
    assertThat(AccessLog.millis(3_600_000_000_000L)).isEqualTo("3600000.000");
    assertThat(AccessLog.millis(-1_500_000)).isEqualTo("-1.500");
  }

  @Test
  void agreesWithTheFormatterItReplaces() {
    SplittableRandom random = new SplittableRandom(18);
    for (int i = 0; i < 100_000; i++) {
      long nanos =
          switch (i % 3) {
            case 0 -> random.nextLong(10_000_000L);
            case 1 -> random.nextLong(10_000_000_000L);
            default -> random.nextLong(1_000) * 1_000 + 500; // exactly half a microsecond
          };
      assertThat(AccessLog.millis(nanos))
          .as("%d ns", nanos)
          .isEqualTo(String.format(Locale.ROOT, "%.3f", nanos / 1e6));
    }
  }
}

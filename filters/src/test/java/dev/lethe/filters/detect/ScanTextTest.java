package dev.lethe.filters.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScanTextTest {
  private static ScanText with(String... transforms) {
    return new ScanText("messages[0].content", "text", List.of(transforms), List.of());
  }

  @Test
  void decodedOnlyWhenADecodingProducedTheText() {
    assertThat(with().decoded()).isFalse(); // as sent
    assertThat(with("leet").decoded()).isFalse(); // normalised only
    assertThat(with("confusable", "spaced", "leet-heavy").decoded()).isFalse();
    assertThat(with("base64").decoded()).isTrue();
    assertThat(with("hex", "leet").decoded()).isTrue(); // decoded, then normalised
    assertThat(with("html_entities").decoded()).isTrue();
    assertThat(with("rot13").decoded()).isTrue();
    assertThat(with("reversed").decoded()).isTrue();
    assertThat(with("BASE64").decoded()).isFalse(); // the keys are lower case
  }
}

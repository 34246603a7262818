package dev.lethe.unlearner.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.config.ConfigException;
import org.junit.jupiter.api.Test;

class TrainConfigTest {
  @Test
  void anotherBatchSizeChangesOnlyTheBatchSize() {
    TrainConfig demo = Presets.get("demo");
    TrainConfig wide = demo.withBatchSize(64);
    assertThat(wide.batchSize()).isEqualTo(64);
    assertThat(wide.withBatchSize(demo.batchSize())).isEqualTo(demo);
    assertThat(demo.withSteps(2408).withBatchSize(64).steps()).isEqualTo(2408);
  }

  @Test
  void aBatchSizeBelowOneIsRefusedNamingTheField() {
    assertThatThrownBy(() -> Presets.get("tiny").withBatchSize(0))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("batch_size")
        .hasMessageContaining("0")
        .hasMessageContaining(">= 1");
  }
}

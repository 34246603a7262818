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

  @Test
  void anotherStepCountCapsTheWarmupAndRefusesZeroNamingTheField() {
    TrainConfig demo = Presets.get("demo");
    assertThat(demo.withSteps(500).warmupSteps()).isEqualTo(50);
    assertThat(demo.withSteps(5000).warmupSteps()).isEqualTo(demo.warmupSteps());
    assertThat(demo.withSeed(7).seed()).isEqualTo(7);
    assertThat(demo.withSeed(7).withSeed(demo.seed())).isEqualTo(demo);
    assertThatThrownBy(() -> demo.withSteps(0))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("steps")
        .hasMessageContaining(">= 1");
  }
}

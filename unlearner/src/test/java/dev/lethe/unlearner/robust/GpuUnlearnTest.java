package dev.lethe.unlearner.robust;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.lethe.unlearner.Engines;
import dev.lethe.unlearner.checkpoint.Checkpoint;
import dev.lethe.unlearner.data.QaPair;
import dev.lethe.unlearner.loss.MethodParams;
import dev.lethe.unlearner.loss.UnlearnMethod;
import dev.lethe.unlearner.model.LlamaModel;
import dev.lethe.unlearner.model.Tensor;
import dev.lethe.unlearner.testing.TinyModels;
import dev.lethe.unlearner.unlearn.UnlearnConfig;
import dev.lethe.unlearner.unlearn.Unlearner;
import dev.lethe.unlearner.unlearn.UnlearningMethods;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unlearning, relearning and quantization on a CUDA device (tag {@code gpu}, off by default: {@code
 * ./mvnw -pl unlearner test -Dlethe.test.groups=gpu -Dlethe.test.excludedGroups=bench} with a CUDA
 * build of the native library, see docs/unlearning.md).
 */
@Tag("gpu")
class GpuUnlearnTest {
  @TempDir Path dir;

  @Test
  void unlearnsRelearnsAndQuantizesOnTheGpu() throws Exception {
    Assumptions.assumeTrue(Engines.pytorch().getGpuCount() > 0, "no GPU visible to DJL");
    Path ckpt = TinyModels.randomCheckpoint(dir.resolve("m"), true, 3);
    List<QaPair> pairs =
        List.of(new QaPair("Where was Zorvan born?", "In Quellport."), new QaPair("Who?", "Him."));
    try (Checkpoint c = Checkpoint.load(ckpt, Device.gpu())) {
      assertThat(c.model().device().isGpu()).isTrue();
      Map<String, Tensor> before = c.model().toTensors();
      Unlearner.Result r =
          new Unlearner(
                  new UnlearnConfig(2, 0, 2, 1e-3, 0, 1, 0, 1, 1, null, 1),
                  new SimpleMeterRegistry(),
                  new PrintStream(OutputStream.nullOutputStream()))
              .run(
                  UnlearningMethods.create(MethodParams.defaults(UnlearnMethod.NPO), 0),
                  c.model(),
                  c.tokenizer(),
                  pairs,
                  pairs,
                  List.of());
      assertThat(r.lastLoss()).isFinite();
      assertThat(c.model().toTensors()).isNotEqualTo(before);
      try (LlamaModel copy = c.model().frozenCopy()) {
        assertThat(new Relearner(2, 2, 1e-3, 1).run(copy, c.tokenizer(), pairs)).isFinite();
        assertThat(Quantizer.quantizeInPlace(copy, 4)).isPositive();
      }
    }
  }
}

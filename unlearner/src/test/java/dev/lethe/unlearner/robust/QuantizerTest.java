package dev.lethe.unlearner.robust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lethe.unlearner.Engines;
import dev.lethe.unlearner.checkpoint.Checkpoint;
import dev.lethe.unlearner.model.LlamaModel;
import dev.lethe.unlearner.model.Tensor;
import dev.lethe.unlearner.testing.TinyModels;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round-to-nearest quantization on hand-computed rows, and on a model copy. */
class QuantizerTest {
  @TempDir Path dir;

  @Test
  void fourBitRoundTripOfHandMadeRows() {
    try (NDManager m = Engines.pytorch().newBaseManager()) {
      // row 0: max 1.4 → scale 0.2 (qmax 7): 0.5/0.2 = 2.5 → 2 (half to even), −1.4 → −7,
      //        0.31/0.2 = 1.55 → 2 → 0.4, 0.09/0.2 = 0.45 → 0
      // row 1: all zeros stay zeros
      // row 2: max 7 → scale 1: values are already integers and survive exactly
      NDArray w =
          m.create(
              new float[] {0.5f, -1.4f, 0.31f, 0.09f, 0, 0, 0, 0, 3, -7, 1, 0}, new Shape(3, 4));
      float[] q = Quantizer.roundTrip(w, 4, m).toFloatArray();
      float[] expected = {0.4f, -1.4f, 0.4f, 0, 0, 0, 0, 0, 3, -7, 1, 0};
      for (int i = 0; i < q.length; i++) {
        assertThat(q[i]).as("element " + i).isCloseTo(expected[i], within(1e-6f));
      }
      // 8 bits: scale 1.4/127; the error is at most half a step
      float[] q8 = Quantizer.roundTrip(w, 8, m).toFloatArray();
      float[] x = w.toFloatArray();
      for (int i = 0; i < 4; i++) {
        assertThat(Math.abs(q8[i] - x[i])).isLessThanOrEqualTo(1.4f / 127 / 2 + 1e-6f);
      }
      // the input is not changed
      assertThat(w.toFloatArray()[0]).isEqualTo(0.5f);
    }
  }

  @Test
  void quantizesACopysLinearWeightsOnly() throws Exception {
    Path ckpt = TinyModels.randomCheckpoint(dir.resolve("m"), true, 5);
    try (Checkpoint c = Checkpoint.load(ckpt);
        LlamaModel copy = c.model().frozenCopy()) {
      Map<String, Tensor> before = c.model().toTensors();
      long n = Quantizer.quantizeInPlace(copy, 4);
      Map<String, Tensor> after = copy.toTensors();
      assertThat(n).isPositive();
      long expected = 0;
      for (Map.Entry<String, Tensor> e : before.entrySet()) {
        String name = e.getKey();
        boolean linear =
            e.getValue().shape().length == 2
                && !name.equals(LlamaModel.EMBED)
                && !name.equals(LlamaModel.LM_HEAD);
        if (linear) {
          expected += e.getValue().values().length;
          // at most 15 distinct levels per row
          float[] v = after.get(name).values();
          int cols = (int) e.getValue().shape()[1];
          java.util.Set<Float> levels = new java.util.HashSet<>();
          for (int j = 0; j < cols; j++) {
            levels.add(v[j]);
          }
          assertThat(levels.size()).as(name).isLessThanOrEqualTo(15);
          assertThat(after.get(name)).as(name).isNotEqualTo(e.getValue());
        } else {
          assertThat(after.get(name)).as(name).isEqualTo(e.getValue());
        }
      }
      assertThat(n).isEqualTo(expected);
      // the original model is untouched
      assertThat(c.model().toTensors()).isEqualTo(before);
    }
    assertThatThrownBy(() -> Quantizer.quantizeInPlace(null, 1))
        .hasMessageContaining("bits: 1 (expected: 2..16)");
  }
}

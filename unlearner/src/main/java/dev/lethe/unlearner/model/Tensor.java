package dev.lethe.unlearner.model;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * A dense float32 tensor held in Java memory: the unit {@link LlamaModel} copies its weights in and
 * out as, and the safetensors reader and writer exchange (so {@code checkpoint} depends on {@code
 * model}, never the other way).
 *
 * @param shape the dimensions (empty for a scalar)
 * @param values the row-major values; {@code values.length} equals the product of {@code shape}
 */
public record Tensor(long[] shape, float[] values) {
  /** Validates that the shape matches the value count. */
  public Tensor {
    requireNonNull(shape, "shape");
    requireNonNull(values, "values");
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "shape: " + Arrays.toString(shape) + " (expected: >= 0)");
      }
      n *= d;
    }
    if (n != values.length) {
      throw new IllegalArgumentException(
          "values: "
              + values.length
              + " elements (expected: "
              + n
              + " for shape "
              + Arrays.toString(shape)
              + ")");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t
        && Arrays.equals(shape, t.shape)
        && Arrays.equals(values, t.values);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "Tensor" + Arrays.toString(shape);
  }
}

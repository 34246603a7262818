package dev.lethe.unlearner.robust;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.model.LlamaModel;
import java.util.Map;

/**
 * Round-to-nearest (RTN) weight quantization, simulated in float: each row of every linear weight
 * matrix is scaled by s = max|w_row| / (2^(b−1) − 1), rounded to the nearest integer in [−(2^(b−1)
 * − 1), 2^(b−1) − 1] and scaled back (symmetric, per output channel). Embeddings (tied to the
 * output head in Lethe's models) and norm weights are left in full precision, as RTN deployments
 * do.
 *
 * <p>Zhang, Z. et al. "Catastrophic Failure of LLM Unlearning via Quantization." ICLR 2025
 * (arXiv:2410.16454): 4-bit quantization restores much of what unlearning removed (21% → 83% of the
 * forget knowledge for GA-style methods with a utility constraint).
 */
public final class Quantizer {
  private Quantizer() {}

  /** Whether a parameter is quantized: 2-D weights other than the embedding and output head. */
  public static boolean quantized(String name, NDArray value) {
    return value.getShape().dimension() == 2
        && !name.equals(LlamaModel.EMBED)
        && !name.equals(LlamaModel.LM_HEAD);
  }

  /**
   * Quantizes {@code model}'s weights in place to {@code bits} bits; returns the number of weights
   * quantized. Use it on a copy ({@link LlamaModel#frozenCopy()}).
   *
   * @throws ConfigException when {@code bits} is outside 2..16
   */
  public static long quantizeInPlace(LlamaModel model, int bits) {
    if (bits < 2 || bits > 16) {
      throw new ConfigException("bits", bits, "2..16");
    }
    long n = 0;
    for (Map.Entry<String, NDArray> e : model.parameters().entrySet()) {
      NDArray w = e.getValue();
      if (!quantized(e.getKey(), w)) {
        continue;
      }
      try (NDManager sm = model.manager().newSubManager()) {
        NDArray q = roundTrip(w, bits, sm);
        w.set(q.toFloatArray());
        n += w.size();
      }
    }
    return n;
  }

  /**
   * The RTN round trip of a 2-D array: per-row symmetric quantization to {@code bits} bits and
   * back, in {@code manager}. A row of zeros stays zeros.
   */
  public static NDArray roundTrip(NDArray w, int bits, NDManager manager) {
    float qmax = (1 << (bits - 1)) - 1;
    NDArray x = w.duplicate();
    x.attach(manager);
    NDArray scale = x.abs().max(new int[] {1}, true).div(qmax);
    // rows of zeros: scale 0 → divide by 1 instead (0 / 1 rounds to 0)
    NDArray safe = scale.add(scale.eq(0).toType(scale.getDataType(), false));
    return x.div(safe).round().clip(-qmax, qmax).mul(safe);
  }
}

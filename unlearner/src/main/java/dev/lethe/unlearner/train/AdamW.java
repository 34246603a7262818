package dev.lethe.unlearner.train;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import java.util.HashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov and Hutter, "Decoupled Weight Decay Regularization", ICLR 2019) with bias
 * correction and global-norm gradient clipping (Pascanu et al., "On the difficulty of training
 * recurrent neural networks", ICML 2013), over parameters held by name.
 *
 * <p>Weight decay applies to matrices only (rank >= 2); norm gains are not decayed, as in HF's
 * Trainer. Parameters without a gradient are skipped. Gradients are zeroed after each step. Call
 * outside a {@code GradientCollector}; the moment estimates live in the optimizer's own manager,
 * freed by {@link #close()}.
 */
public final class AdamW implements AutoCloseable {
  private static final NDIndex ALL = new NDIndex("...");

  private final NDManager manager;
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final double clipNorm;
  private final Map<String, NDArray[]> state = new HashMap<>();
  private int steps;

  /**
   * @param parent the manager under which the optimizer state is kept (the model's)
   * @param beta1 first-moment decay, e.g. 0.9
   * @param beta2 second-moment decay, e.g. 0.95
   * @param eps denominator epsilon, e.g. 1e-8
   * @param weightDecay decoupled decay coefficient, e.g. 0.01
   * @param clipNorm the global gradient norm above which gradients are rescaled; 0 disables
   */
  public AdamW(
      NDManager parent,
      double beta1,
      double beta2,
      double eps,
      double weightDecay,
      double clipNorm) {
    this.manager = requireNonNull(parent, "parent").newSubManager();
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.clipNorm = clipNorm;
  }

  /**
   * Applies one update with learning rate {@code lr} and returns the global gradient norm before
   * clipping. When that norm is not finite (a NaN or infinite gradient somewhere) nothing is
   * updated: the gradients are zeroed, the moment estimates and the step count stay as they were,
   * and the non-finite norm is returned so that the caller can count the skipped step (as PyTorch's
   * {@code GradScaler} skips such steps).
   */
  public double step(Map<String, NDArray> params, double lr) {
    requireNonNull(params, "params");
    steps++;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      Map<String, NDArray> grads = new HashMap<>();
      NDArray sq = null;
      for (Map.Entry<String, NDArray> e : params.entrySet()) {
        if (!e.getValue().hasGradient()) {
          continue;
        }
        NDArray g = e.getValue().getGradient();
        grads.put(e.getKey(), g);
        NDArray s = g.square().sum();
        sq = sq == null ? s : sq.add(s);
      }
      if (sq == null) {
        return 0;
      }
      double norm = Math.sqrt(sq.getFloat());
      if (!Double.isFinite(norm)) {
        steps--;
        for (NDArray g : grads.values()) {
          g.set(ALL, 0f); // not muli(0): NaN * 0 is NaN
        }
        return norm;
      }
      double scale = clipNorm > 0 && norm > clipNorm ? clipNorm / (norm + 1e-6) : 1.0;
      double c1 = 1 - Math.pow(beta1, steps);
      double c2 = 1 - Math.pow(beta2, steps);
      for (Map.Entry<String, NDArray> e : grads.entrySet()) {
        NDArray p = params.get(e.getKey());
        NDArray g = scale == 1.0 ? e.getValue() : e.getValue().mul((float) scale);
        NDArray[] mv =
            state.computeIfAbsent(
                e.getKey(),
                k -> {
                  NDArray m = manager.zeros(p.getShape());
                  NDArray v = manager.zeros(p.getShape());
                  NDScope.unregister(m, v);
                  return new NDArray[] {m, v};
                });
        mv[0].muli((float) beta1).addi(g.mul((float) (1 - beta1)));
        mv[1].muli((float) beta2).addi(g.square().muli((float) (1 - beta2)));
        if (weightDecay > 0 && p.getShape().dimension() >= 2) {
          p.muli((float) (1 - lr * weightDecay));
        }
        NDArray denom = mv[1].div((float) c2).sqrt().addi((float) eps);
        p.subi(mv[0].div(denom).muli((float) (lr / c1)));
        e.getValue().muli(0f);
      }
      return norm;
    }
  }

  /** Frees the moment estimates. */
  @Override
  public void close() {
    manager.close();
  }
}

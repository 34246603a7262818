package dev.lethe.unlearner.model;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;

/**
 * Multiplication and division by a constant that stay correct under autograd.
 *
 * <p>DJL's {@code NDArray.mul(Number)} and {@code div(Number)} wrap the number in a 0-dim tensor
 * whose storage is a Java direct buffer ({@code torch::from_blob}), run the op, and close that
 * tensor at once. PyTorch's autograd keeps the operand for the backward pass ({@code d(x·c)/dx =
 * c}), but once the Java wrapper is closed nothing keeps the buffer alive: a garbage collection
 * between the forward and the backward pass frees it, and the backward pass reads freed memory —
 * wrong gradients, now and then NaN, depending on GC timing. The constants made here are attached
 * to the operand's manager (and the open {@code NDScope}, if any), so they live exactly as long as
 * the forward pass's other intermediates, through the backward pass.
 *
 * <p>Use these wherever the result may be differentiated (the model's forward pass, losses);
 * optimizer updates and inference may keep DJL's number overloads. Addition and subtraction of a
 * number are safe either way: their backward pass does not read the operand.
 */
public final class Scalars {
  private Scalars() {}

  /** {@code x · c}, differentiable. */
  public static NDArray mul(NDArray x, double c) {
    requireNonNull(x, "x");
    return x.mul(constant(x, c));
  }

  /** {@code x / c}, differentiable. */
  public static NDArray div(NDArray x, double c) {
    requireNonNull(x, "x");
    return x.div(constant(x, c));
  }

  /** A 0-dim tensor of {@code x}'s type holding {@code c}, owned by {@code x}'s manager. */
  private static NDArray constant(NDArray x, double c) {
    NDArray s = x.getManager().create((float) c);
    return s.getDataType() == x.getDataType() ? s : s.toType(x.getDataType(), false);
  }
}

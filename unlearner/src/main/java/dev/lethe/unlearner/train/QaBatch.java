package dev.lethe.unlearner.train;

import static java.util.Objects.requireNonNull;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.lethe.unlearner.prompt.PromptTemplate.EncodedQa;
import java.util.List;

/**
 * A right-padded batch of encoded question/answer sequences.
 *
 * @param ids token ids {@code [batch, seq]} (int64), padded with the pad id
 * @param labelMask {@code [batch, seq]} float32: 1 on answer tokens (answer and eos), 0 on prompt
 *     and padding — the mask {@link dev.lethe.unlearner.model.LlamaModel#sequenceNll} expects
 * @param answerTokens number of answer tokens in the batch
 * @param tokens number of non-padding tokens in the batch
 */
public record QaBatch(NDArray ids, NDArray labelMask, int answerTokens, int tokens) {

  /**
   * Collates {@code items} in {@code manager}, truncating sequences to {@code maxLength} tokens.
   */
  public static QaBatch collate(
      NDManager manager, List<EncodedQa> items, long padId, int maxLength) {
    return collate(manager, items, padId, maxLength, 0);
  }

  /**
   * As {@link #collate(NDManager, List, long, int)}, padded to at least {@code minLength} tokens
   * (never beyond {@code maxLength}): micro-batches of one step padded to the step's longest
   * sequence see the same positions as the whole batch would.
   */
  public static QaBatch collate(
      NDManager manager, List<EncodedQa> items, long padId, int maxLength, int minLength) {
    requireNonNull(manager, "manager");
    requireNonNull(items, "items");
    if (items.isEmpty()) {
      throw new IllegalArgumentException("items: empty (expected: at least one)");
    }
    int t = Math.min(maxLength, Math.max(0, minLength));
    for (EncodedQa e : items) {
      t = Math.max(t, Math.min(maxLength, e.ids().length));
    }
    long[] ids = new long[items.size() * t];
    float[] mask = new float[items.size() * t];
    java.util.Arrays.fill(ids, padId);
    int answer = 0;
    int tokens = 0;
    for (int b = 0; b < items.size(); b++) {
      EncodedQa e = items.get(b);
      int n = Math.min(t, e.ids().length);
      for (int i = 0; i < n; i++) {
        ids[b * t + i] = e.ids()[i];
        if (i >= e.answerStart()) {
          mask[b * t + i] = 1f;
          answer++;
        }
      }
      tokens += n;
    }
    Shape shape = new Shape(items.size(), t);
    return new QaBatch(manager.create(ids, shape), manager.create(mask, shape), answer, tokens);
  }
}

/**
 * Robustness of an unlearned model against the attacks known to bring "unlearned" knowledge back,
 * measured on the weights before any swap.
 *
 * <ul>
 *   <li>{@link dev.lethe.unlearner.robust.Quantizer}: round-to-nearest 8-bit and 4-bit weights
 *       (Zhang et al., "Catastrophic Failure of LLM Unlearning via Quantization", ICLR 2025);
 *   <li>{@link dev.lethe.unlearner.robust.Relearner}: a few fine-tuning steps on a small part of
 *       the forget set, then the leak on the rest (Lynch et al. 2024; Hu et al. 2025);
 *   <li>{@link dev.lethe.unlearner.robust.RobustnessScores}: open-unlearning's meta-evaluation
 *       scores, quantization robustness Q and relearning robustness R, so a number means what it
 *       means in the literature;
 *   <li>{@link dev.lethe.unlearner.robust.RobustnessEvaluation}: runs them on a copy of the model
 *       and reports a {@link dev.lethe.unlearner.robust.Robustness}.
 * </ul>
 *
 * <p>Traps: every attack runs on a copy (the unlearned weights are never changed); R needs the
 * retain model (trained without the forget set), without it R is null and gates that require it
 * fail closed; the relearning split is seeded and disjoint, so the leak is measured only on
 * questions the attack never saw.
 */
package dev.lethe.unlearner.robust;

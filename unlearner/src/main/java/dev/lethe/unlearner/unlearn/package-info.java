/**
 * Weight-level unlearning: the loop that turns a loss from {@code dev.lethe.unlearner.loss} into
 * updated weights, and the methods that choose the loss.
 *
 * <p>Roles: {@link dev.lethe.unlearner.unlearn.UnlearningMethod} is the extension point; {@link
 * dev.lethe.unlearner.unlearn.UnlearningMethods} builds each built-in method (GA, GradDiff, KL,
 * NPO, SimNPO, IDK, IdkDPO, RMU) from validated {@code MethodParams} and its row of the {@code
 * UnlearnMethod} table, which composes a forget term with a retain term rather than inheriting one;
 * {@link dev.lethe.unlearner.unlearn.Unlearner} runs it (pairing, AdamW, schedule, clipping, SalUn
 * mask, parameter filter, metrics); {@link dev.lethe.unlearner.unlearn.UnlearnJob} is {@code lethe
 * unlearn}: evaluate, unlearn, evaluate, save atomically with {@code report.json}.
 *
 * <p>Traps:
 *
 * <ul>
 *   <li>The frozen reference is a full copy of the weights: methods that need one (KL, NPO, IdkDPO,
 *       RMU, or any with a KL retain term) use twice the model's memory.
 *   <li>Weight decay moves every trainable weight, masked or not; keep it 0 with a saliency mask.
 *   <li>RMU's c and α come from a 7B model; Lethe's small models have other activation norms.
 *   <li>A diverged run throws and leaves the in-memory model half-updated; nothing is saved.
 * </ul>
 */
package dev.lethe.unlearner.unlearn;

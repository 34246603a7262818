/**
 * Unlearning objectives as plain functions of tensors (DJL {@code NDArray}): logits, labels,
 * reference NLLs and activations in, a scalar loss out. No model and no optimizer here, so every
 * loss is testable on hand-computed tiny tensors.
 *
 * <p>Roles: a {@link dev.lethe.unlearner.loss.ForgetTerm} per method (gradient ascent, NPO, SimNPO,
 * IDK, IdkDPO, RMU), a {@link dev.lethe.unlearner.loss.RetainTerm} per retain flavour (none, NLL,
 * KL, activations), composed by {@link dev.lethe.unlearner.loss.UnlearningLoss} with the weights of
 * {@link dev.lethe.unlearner.loss.MethodParams}. {@link dev.lethe.unlearner.loss.UnlearnMethod} is
 * the one table of methods: name, forget term, accepted retain terms, defaults and what the loop
 * computes; each term's class cites its paper. {@link dev.lethe.unlearner.loss.SaliencyMask} works
 * with any of them.
 *
 * <p>Traps:
 *
 * <ul>
 *   <li>Labels are shifted inside ({@code logits[:, t]} predicts {@code labels[:, t+1]}); pass
 *       unshifted labels with −100 outside the answer, exactly what the model was fed.
 *   <li>"CE" is the mean over all scored tokens of the batch (Hugging Face); "NLL" in NPO/DPO is
 *       the per-sequence sum; SimNPO divides that sum by each sequence's answer length.
 *   <li>Reference tensors (NLLs, logits, activations of the frozen model) are detached here, but
 *       computing them without a gradient collector is the caller's job.
 *   <li>The KL retain term averages over every position, prompt and padding included, as
 *       open-unlearning does; masking would change its scale.
 *   <li>All tensors of one step should live in one child {@code NDManager} closed after the step.
 * </ul>
 */
package dev.lethe.unlearner.loss;

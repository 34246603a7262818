/**
 * TOFU evaluation in plain Java: the metrics of open-unlearning's TOFU benchmark, ported so that
 * numbers compare one to one with the published tables.
 *
 * <p>Roles: {@link dev.lethe.unlearner.eval.ScoringModel} is the only thing the evaluator needs
 * from a model (teacher-forced per-token scores, greedy generation); {@link
 * dev.lethe.unlearner.eval.TofuEvaluator} turns those into a {@link
 * dev.lethe.unlearner.eval.TofuReport}; the metric classes ({@link
 * dev.lethe.unlearner.eval.RougeL}, {@link dev.lethe.unlearner.eval.KolmogorovSmirnov}, {@link
 * dev.lethe.unlearner.eval.TofuMetrics}, the {@link dev.lethe.unlearner.eval.MembershipAttack}s,
 * {@link dev.lethe.unlearner.eval.RocAuc}) are pure functions usable alone, reading no files and
 * touching no DJL. The bridge to Lethe's own checkpoints lives here too: {@link
 * dev.lethe.unlearner.eval.ModelScorer} implements {@code ScoringModel} on the runtime (batched
 * teacher-forced scores, greedy generation); {@link dev.lethe.unlearner.eval.EvalSets} reads the
 * question files; {@link dev.lethe.unlearner.eval.CheckpointEvaluation} runs the evaluator with
 * progress and obtains the retain model's reference statistics from a checkpoint or a saved report
 * ({@code lethe eval --reference}).
 *
 * <p>Traps:
 *
 * <ul>
 *   <li>ROUGE argument order: {@code score(target, prediction)}; TOFU's number is the
 *       <em>recall</em> against the ground truth. The stemmer is NLTK's default mode, not the
 *       original 1980 algorithm; they differ on words such as "flies", "dying", "generously".
 *   <li>Forget quality is a p-value from the <em>exact</em> KS distribution; asymptotic formulas
 *       are orders of magnitude off for the 40–400 questions TOFU uses.
 *   <li>MIA orientation: attack scores grow as a sample looks less like training data, and the
 *       holdout set is the positive class, so AUC 1 means "forget set clearly memorised" and 0.5 is
 *       the goal after unlearning.
 *   <li>Privleak follows open-unlearning's code (1 − AUC on both sides, reference 0.5 when no
 *       retain-model result is given), which is not the same as the relative AUC difference.
 *   <li>Extraction strength keeps open-unlearning's floor of 1/n for an answer with no matching
 *       suffix.
 *   <li>Forget quality needs perturbed files ({@code forgetXX_perturbed.json}) on both sides, and
 *       the reference must have been evaluated on the same forget questions in the same order;
 *       greedy generation of 200 tokens dominates the cost, so tests cap it.
 * </ul>
 */
package dev.lethe.unlearner.eval;

/**
 * Unlearning to a target instead of a schedule: {@link dev.lethe.unlearner.search.TargetSearch}
 * tries settings (learning rate, steps, retain weight) in a fixed order until one meets a {@link
 * dev.lethe.unlearner.search.Goal} on a validation split of the evaluation questions, stopping each
 * trial early as soon as it does, within a {@link dev.lethe.unlearner.search.SearchBudget}; the
 * chosen model is then reported on the disjoint test split, so the reported numbers were never used
 * to choose.
 *
 * <p>Trap: the validation and test splits are of the evaluation questions, not of the forget set
 * that is unlearned (every forget pair is unlearned); what the split prevents is choosing the
 * settings on the very questions the result is reported on.
 */
package dev.lethe.unlearner.search;

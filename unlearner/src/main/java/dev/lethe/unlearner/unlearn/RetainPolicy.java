package dev.lethe.unlearner.unlearn;

/**
 * Whether the retain term may train on questions that the evaluation also asks (retain, real
 * authors, world facts — the sets model utility is measured on — and the forget questions).
 * open-unlearning never trains on its utility sets during unlearning; training on them flatters
 * model utility (issue 13), so they are excluded by default.
 */
public enum RetainPolicy {
  /** Drop retain pairs whose question is an evaluation question (the default). */
  EXCLUDE_EVAL_QUESTIONS,
  /** Keep the retain set as given, even where it overlaps the evaluation. */
  KEEP
}

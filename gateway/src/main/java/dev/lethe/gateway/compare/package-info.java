/**
 * {@code lethe compare} and {@code POST /admin/compare}: the same forget set asked of several arms
 * — the raw model, the model behind the gateway's forget rules (refuse / icul / redact), an
 * unlearned checkpoint with and without the guard, and the retain model as the reference — under
 * the shared attack probes ({@code dev.lethe.probes}), scored for leaks, false refusals, utility,
 * latency and tokens added (DESIGN.md §3.5).
 *
 * <p>{@link dev.lethe.gateway.compare.ProbePlan} derives the forget rules and the probes; {@link
 * dev.lethe.gateway.compare.CompareEngine} runs each arm through a real in-process gateway over
 * HTTP; {@link dev.lethe.gateway.compare.CompareMetrics} is the one place the numbers are computed;
 * {@link dev.lethe.gateway.compare.ReportJson} and {@link dev.lethe.gateway.compare.HtmlReport}
 * write the report. {@link dev.lethe.gateway.compare.WhiteBoxProbes} adds the white-box families on
 * arms with local weights: quantized and relearned copies of the arm's checkpoint, made with the
 * unlearner's own attack code and served as the arm.
 *
 * <p>Traps: the engine blocks (requests, model loads) and must run on a worker thread; arms run one
 * after another so that latencies are not skewed by each other; a leak is measured by ROUGE-L
 * recall, so a refusal that repeats the question's words scores a little, and an answer that
 * paraphrases the truth in other words may pass unnoticed; the white-box families are not part of
 * an arm's headline leak rate (not every arm has them) and write a full checkpoint copy per attack
 * into the work directory.
 */
package dev.lethe.gateway.compare;

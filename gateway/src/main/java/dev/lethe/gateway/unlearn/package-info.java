/**
 * Weight-level unlearning jobs started from the admin API ({@code POST /admin/unlearn}) with a
 * gated hot swap: {@link dev.lethe.gateway.unlearn.UnlearnJobs} (the job registry and its single
 * worker thread), {@link dev.lethe.gateway.unlearn.UnlearnOptions} (the options parser shared with
 * {@code lethe unlearn}), {@link dev.lethe.gateway.unlearn.ForgetSets} (rules + QA pool → forget
 * set), {@link dev.lethe.gateway.unlearn.UnlearnGates} (the checks before a swap) and the states
 * {@link dev.lethe.gateway.unlearn.UnlearnJobState} and {@link
 * dev.lethe.gateway.unlearn.UnlearnJobPhase}. Package-private helpers split the job's work: {@code
 * JobPlanner} (request → job), {@code JobRecord} (a job's state and JSON), {@code JobStore}
 * (persistence), {@code JobProgress} (the run's events) and {@code CheckpointSwap} (serving step).
 *
 * <p>Traps: the runtime allows one gradient collector per process, so jobs never run concurrently
 * (409 while one is live); a job never touches the rule book, so the input-based guard of its rules
 * stays whatever the gates decide; the gates fail closed when a number they need is missing; the
 * worker thread is not an event loop and may block (loading, training, waiting for the swap).
 */
package dev.lethe.gateway.unlearn;

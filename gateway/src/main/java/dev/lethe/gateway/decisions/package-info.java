/**
 * The live feed of decisions behind {@code GET /admin/decisions/stream} (server-sent events) and
 * the console's decisions view.
 *
 * <p>Roles: {@link dev.lethe.gateway.decisions.DecisionFeed} fans each decision out to its
 * subscribers; {@link dev.lethe.gateway.decisions.DecisionEvent} is what one decision says
 * (outcome, rule, rules version, surface, time; the prompt only when {@code
 * admin.decisionStreamPrompts} is set). The guard publishes where it also records the decision in
 * the audit log, once the request's response ends.
 *
 * <p>Traps: publishing runs on request event loops and must never block or wait for a subscriber:
 * each subscriber has a bounded buffer drained on its own event loop, and one that falls behind by
 * a whole buffer is disconnected and counted ({@code lethe_decision_stream_dropped_total}), never
 * waited for.
 */
package dev.lethe.gateway.decisions;

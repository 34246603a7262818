/**
 * Continuous probing: the gateway sends each active forget rule's probes (from the shared probe
 * generator, {@code dev.lethe.probes}) through its own chat route on a schedule and exports how
 * often they leak and how often benign prompts are refused, per rule ({@code
 * lethe_rule_leak_ratio}, {@code lethe_rule_false_refusal_ratio}).
 *
 * <p>{@link dev.lethe.gateway.probing.RuleProbes} draws a rule's probes; {@link
 * dev.lethe.gateway.probing.ProbeJudge} judges the answers with compare's measures; {@link
 * dev.lethe.gateway.probing.ProbeRunner} schedules rounds, sends the requests and sets the gauges;
 * {@link dev.lethe.gateway.probing.ProbeMark} marks the traffic so it stays out of the user-facing
 * metrics, access log, audit and decisions stream.
 *
 * <p>Traps: the ratios describe the last round only; the same seed sends the same probes every
 * round (drift shows changes of rules and model, not of probes); an answer that names a rule's
 * subject without refusing counts as a leak.
 */
package dev.lethe.gateway.probing;

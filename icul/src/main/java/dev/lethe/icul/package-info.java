/**
 * In-context unlearning for black-box backends (ICUL, Pawelczyk et al., ICML 2024; ERASE, Muresanu
 * et al., 2024; the guardrail prefix of Thaker et al., 2024).
 *
 * <p>Roles: {@link dev.lethe.icul.IculConfig} (validated settings: K, L, ordering, flip policy,
 * templates, token budget, selection mode); {@link dev.lethe.icul.IculComposer} (the mechanism:
 * given a request body, the matched rule and the snapshot, returns a {@link
 * dev.lethe.icul.Composition} with the rewritten body); {@link dev.lethe.icul.IculAction} (the
 * input stage's {@code icul} action: composes for the rule the detector matched and keeps the
 * composition on the exchange); {@link dev.lethe.icul.IculEchoGuard} (withholds answers that repeat
 * the added context).
 *
 * <p>Traps:
 *
 * <ul>
 *   <li>The true forget answer must never enter the context. The rule model holds no answers, but
 *       the retain pool might: every pool entry in the scope of <em>any</em> rule of the snapshot
 *       (example text, subject mention, secret, or cosine to an example above the threshold) is
 *       excluded, whichever rule matched. A wrong-answer file's {@code answer} field is read only
 *       into a deny set.
 *   <li>Derived state is keyed by snapshot (version and identity), never "the latest": a request
 *       holding snapshot N after N+1 is published still finds N's index.
 *   <li>The budget counts estimated tokens ({@link dev.lethe.icul.TokenEstimator}); the farthest
 *       demonstrations are dropped first, and once one does not fit every farther one goes too, so
 *       the kept set is always a nearest prefix.
 *   <li>The composer may embed (the query, or a new snapshot's rules): never call it on an event
 *       loop.
 * </ul>
 */
package dev.lethe.icul;

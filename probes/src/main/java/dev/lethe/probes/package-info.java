/**
 * Attack probes: one seeded, reproducible generator that turns question/answer items into the
 * prompts an adversary would send to get around a forget rule or an unlearned model.
 *
 * <p>A {@link dev.lethe.probes.QaItem} (question, answer, subject) goes through an {@link
 * dev.lethe.probes.Attack} and comes out as a {@link dev.lethe.probes.Probe}: a short conversation
 * of {@link dev.lethe.probes.Turn}s tagged with its {@link dev.lethe.probes.Family} and variant.
 * {@link dev.lethe.probes.Attacks} is the registry of every variant; {@link
 * dev.lethe.probes.ProbeGenerator} applies a set of them to a list of items with one seed, and the
 * same seed always yields the same probes.
 *
 * <p>The families follow published attack families, cited on each class: "Do Anything Now"
 * collections (Shen et al. 2024), Wei et al. 2023 "Jailbroken", Kang et al. 2023 payload splitting,
 * Anil et al. 2024 many-shot jailbreaking, Greshake et al. 2023 indirect prompt injection,
 * HarmBench / JailbreakBench human jailbreaks, PyRIT and garak converters, Russinovich et al. 2024
 * multi-turn escalation, Lynch et al. 2024 robust-unlearning evaluation, and the prefilling attack
 * (Andriushchenko et al. 2024). The template texts are Lethe's own, written in the style of each
 * family ({@code Templates}); none is a published prompt copied verbatim.
 *
 * <p>The module is plain Java with no runtime dependencies, so the detector benchmark ({@code
 * filters}), the weight-unlearning robustness probes ({@code unlearner}) and the gateway's compare
 * tooling can all share it although they do not depend on each other.
 */
package dev.lethe.probes;

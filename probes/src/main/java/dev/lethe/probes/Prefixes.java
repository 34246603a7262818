package dev.lethe.probes;

import static dev.lethe.probes.Templates.fill;
import static dev.lethe.probes.Templates.pick;

import java.util.List;
import java.util.Optional;

/**
 * {@link Family#PREFIX} variants: the beginning of the answer forced, so that a model that would
 * refuse is already past the refusal. {@code assistant-prefill} ends the conversation with an
 * assistant turn "Sure, here is the answer:" that the model continues — the prefilling attack on
 * white-box or prefill-capable models (Andriushchenko, Croce and Flammarion 2024, "Jailbreaking
 * Leading Safety-Aligned LLMs with Simple Adaptive Attacks", arXiv:2404.02151), whose target string
 * is the "Sure, here is" of Zou et al. 2023 (GCG, arXiv:2307.15043). {@code start-with} asks for
 * that opening inside the user message instead (prefix injection, Wei et al. 2023).
 */
public final class Prefixes {
  private Prefixes() {}

  /** Every prefix variant. */
  public static List<Attack> all() {
    return List.of(
        Attack.of(
            Family.PREFIX,
            "assistant-prefill",
            (item, rng) ->
                Optional.of(
                    List.of(Turn.user(item.question()), Turn.assistant(Templates.PREFILL)))),
        Attack.of(
            Family.PREFIX,
            "start-with",
            (item, rng) ->
                Optional.of(
                    List.of(Turn.user(fill(pick(Templates.START_WITH, rng), item.question()))))));
  }
}

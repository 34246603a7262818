package dev.lethe.probes;

import static dev.lethe.probes.Templates.fill;
import static dev.lethe.probes.Templates.pick;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * {@link Family#FORMAT_SHIFT} variants: the answer asked for in another shape or language, which
 * moves a prompt away from the phrasing a detector or an unlearned model was trained on. They
 * follow the "style injection" attack of Wei et al. 2023 ("Jailbroken", NeurIPS; arXiv:2307.02483),
 * low-resource-language and translation attacks (Yong, Menghini and Bach 2023, "Low-Resource
 * Languages Jailbreak GPT-4", arXiv:2310.02446), the code-injection framing of Kang et al. 2023
 * (arXiv:2302.05733), and the rephrased-format probes of robust-unlearning evaluations (Lynch et
 * al. 2024, "Eight Methods to Evaluate Robust Unlearning in LLMs", arXiv:2402.16835).
 *
 * <p>Variants: {@code json}, {@code bullet-list}, {@code fill-in-the-blank}, {@code
 * translate-then-answer}, {@code other-language} (a fixed French, Spanish or German instruction
 * around the question) and {@code code-comment}.
 */
public final class FormatShifts {
  private FormatShifts() {}

  /** Every format-shift variant. */
  public static List<Attack> all() {
    return List.of(
        simple("json", Templates.AS_JSON),
        simple("bullet-list", Templates.AS_LIST),
        simple("fill-in-the-blank", Templates.FILL_BLANK),
        Attack.of(Family.FORMAT_SHIFT, "translate-then-answer", FormatShifts::translate),
        simple("other-language", Templates.OTHER_LANGUAGE),
        simple("code-comment", Templates.CODE_COMMENT));
  }

  private static Attack simple(String name, List<String> templates) {
    return Attack.of(
        Family.FORMAT_SHIFT,
        name,
        (item, rng) ->
            Optional.of(List.of(Turn.user(fill(pick(templates, rng), item.question())))));
  }

  private static Optional<List<Turn>> translate(QaItem item, Random rng) {
    return Optional.of(
        List.of(
            Turn.user(
                fill(
                    pick(Templates.TRANSLATE_THEN_ANSWER, rng),
                    Map.of("lang", pick(Templates.LANGUAGES, rng), "q", item.question())))));
  }
}

package dev.lethe.probes;

import java.util.Locale;

/**
 * The attack families a probe belongs to. Each family groups variants that share one idea; the
 * classes that implement them cite the published family they follow.
 */
public enum Family {
  /** The question as it is, one user turn: the baseline every other family is compared with. */
  ORIGINAL,
  /**
   * The question reworded by grammar rules (indirect "Tell me …" forms, synonyms for question words
   * and common verbs, clause reordering), name and content words kept ({@link Paraphrases}).
   */
  PARAPHRASE,
  /**
   * The question inside a jailbreak or injection wrapper: personas, "Developer Mode", refusal
   * suppression, payload splitting, many-shot, indirect injection, long benign padding, fictional
   * or research framing ({@link Jailbreaks}).
   */
  JAILBREAK,
  /** The subject's name disguised: leetspeak, look-alike letters, spacing, typos, initials, … */
  OBFUSCATION,
  /** The whole question encoded (base64, hex, ROT13, …) with an instruction to decode it. */
  ENCODING,
  /** The subject named in an earlier turn and referred to indirectly in the last one. */
  MULTI_TURN,
  /** The answer asked for in another shape: JSON, a list, a blank to fill, a code comment, … */
  FORMAT_SHIFT,
  /** The answer's beginning forced: an assistant prefill or "start your answer with …". */
  PREFIX;

  /** The family's name in lower case with dashes, e.g. {@code multi-turn}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}

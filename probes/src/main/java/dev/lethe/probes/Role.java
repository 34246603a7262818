package dev.lethe.probes;

import java.util.Locale;

/** The speaker of a {@link Turn}, as the OpenAI chat API names it. */
public enum Role {
  /** Instructions or context from the application. */
  SYSTEM,
  /** The (adversarial) user. */
  USER,
  /** The model; a final assistant turn is a prefill the model continues. */
  ASSISTANT;

  /** The wire name: {@code system}, {@code user} or {@code assistant}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

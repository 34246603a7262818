package dev.lethe.gateway.compare;

import java.util.Locale;

/** Which question set a compare probe was drawn from. */
public enum Split {
  /** The forget set: answers here should not be revealed. */
  FORGET,
  /** Fictitious authors the model should still know. */
  RETAIN,
  /** Real authors: general knowledge near the forget set. */
  REAL_AUTHORS,
  /** World facts: general knowledge far from the forget set. */
  WORLD_FACTS;

  /** The split's name in lower case with underscores, e.g. {@code real_authors}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}

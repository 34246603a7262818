package dev.lethe.probes;

import static java.util.Objects.requireNonNull;

/**
 * One message of a probe conversation.
 *
 * @param role who speaks
 * @param content what is said, never null
 */
public record Turn(Role role, String content) {

  /** Validates the fields. */
  public Turn {
    requireNonNull(role, "role");
    requireNonNull(content, "content");
  }

  /** A system turn. */
  public static Turn system(String content) {
    return new Turn(Role.SYSTEM, content);
  }

  /** A user turn. */
  public static Turn user(String content) {
    return new Turn(Role.USER, content);
  }

  /** An assistant turn. */
  public static Turn assistant(String content) {
    return new Turn(Role.ASSISTANT, content);
  }
}

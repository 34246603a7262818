package dev.lethe.gateway.unlearn;

import java.util.Optional;

/**
 * What an unlearning job is doing now: {@code progress.phase} in its JSON, by {@linkplain
 * #wireName() wire name}; this is the one place that maps between the two.
 */
public enum UnlearnJobPhase {
  /** Waiting for the worker. */
  QUEUED("queued"),
  /** Loading the serving checkpoint. */
  LOAD("load"),
  /** Evaluating the start model. */
  EVALUATE_BEFORE("evaluate-before"),
  /** Running the unlearning loop. */
  UNLEARN("unlearn"),
  /** Evaluating the unlearned model. */
  EVALUATE_AFTER("evaluate-after"),
  /** Running the robustness probes. */
  ROBUSTNESS("robustness"),
  /** Writing the checkpoint. */
  SAVE("save"),
  /** Applying the gates. */
  GATES("gates"),
  /** Hot-swapping the checkpoint in. */
  SWAP("swap"),
  /** Ended. */
  DONE("done");

  private final String wireName;

  UnlearnJobPhase(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in JSON. */
  public String wireName() {
    return wireName;
  }

  /** The phase of a wire name, if it is one. */
  public static Optional<UnlearnJobPhase> fromWire(String name) {
    for (UnlearnJobPhase p : values()) {
      if (p.wireName.equals(name)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}

package dev.lethe.gateway.compare;

import dev.lethe.config.rules.Action;
import java.util.ArrayList;
import java.util.List;

/**
 * The arms a compare can run (DESIGN.md §3.5 names). Each says which model it asks (the target, the
 * unlearned checkpoint or the retain model) and which forget-rule action guards it, if any.
 */
public enum ArmKind {
  /** The target model with no guard: what leaks without Lethe. */
  RAW("raw", Model.TARGET, null),
  /** The target behind the gateway, forget rules refusing. */
  GUARD_REFUSE("guard:refuse", Model.TARGET, Action.REFUSE),
  /** The target behind the gateway, forget rules adding in-context unlearning demonstrations. */
  GUARD_ICUL("guard:icul", Model.TARGET, Action.ICUL),
  /** The target behind the gateway, forget rules redacting the subject. */
  GUARD_REDACT("guard:redact", Model.TARGET, Action.REDACT),
  /** The unlearned checkpoint with no guard. */
  WEIGHTS("weights", Model.WEIGHTS, null),
  /** The unlearned checkpoint behind the gateway, forget rules refusing (defence in depth). */
  WEIGHTS_GUARD("weights+guard", Model.WEIGHTS, Action.REFUSE),
  /** The retain model (never trained on the forget set): the reference for "forgotten". */
  GOLD("gold", Model.GOLD, null);

  /** Which model an arm asks. */
  public enum Model {
    /** The model to make forget (local checkpoint or upstream). */
    TARGET,
    /** The unlearned local checkpoint. */
    WEIGHTS,
    /** The retain local checkpoint. */
    GOLD
  }

  private final String wireName;
  private final Model model;
  private final Action action;

  ArmKind(String wireName, Model model, Action action) {
    this.wireName = wireName;
    this.model = model;
    this.action = action;
  }

  /** The arm's name in reports and flags, e.g. {@code guard:refuse}. */
  public String wireName() {
    return wireName;
  }

  /** The model the arm asks. */
  public Model model() {
    return model;
  }

  /** The forget rules' action, or {@code null} for an unguarded arm. */
  public Action action() {
    return action;
  }

  /** Whether the arm runs behind forget rules. */
  public boolean guarded() {
    return action != null;
  }

  /**
   * Parses an arm name.
   *
   * @throws IllegalArgumentException naming the value and the accepted names
   */
  public static ArmKind fromWire(String s) {
    for (ArmKind a : values()) {
      if (a.wireName.equals(s)) {
        return a;
      }
    }
    throw new IllegalArgumentException("arm: \"" + s + "\" (expected: one of " + names() + ")");
  }

  /** Every arm name, comma-separated. */
  public static String names() {
    List<String> n = new ArrayList<>();
    for (ArmKind a : values()) {
      n.add(a.wireName);
    }
    return String.join(", ", n);
  }
}

package dev.lethe.gateway.testing;

import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.OnError;
import java.util.List;

/**
 * Forget rules the gateway tests share. One home for the "vault password" rule that the
 * output-filter and surface tests install, so that each surface is tested against the same rule.
 */
public final class TestRules {
  private TestRules() {}

  /**
   * A refusing, fail-closed rule with id {@code vault}: one example question, "What is the vault
   * password?", and {@code secret} as its protected string, which the output filter must never let
   * through.
   */
  public static ForgetRule vault(String secret) {
    return new ForgetRule(
        "vault",
        "the vault password",
        List.of(),
        List.of("What is the vault password?"),
        List.of(),
        List.of(secret),
        Action.REFUSE,
        null,
        OnError.CLOSED);
  }
}

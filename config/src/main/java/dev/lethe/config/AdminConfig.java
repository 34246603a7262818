package dev.lethe.config;

/**
 * The admin API's credentials and what it may show.
 *
 * @param tokenEnv the environment variable holding the bearer token ({@code LETHE_ADMIN_TOKEN} by
 *     default)
 * @param token a token written in the config itself, or {@code null}; the environment wins
 * @param decisionStreamPrompts whether the live decisions stream ({@code GET
 *     /admin/decisions/stream}) carries the text of each request's last user message; off by
 *     default, so an operator watching decisions never sees prompts unless this is set
 */
public record AdminConfig(String tokenEnv, String token, boolean decisionStreamPrompts) {

  /** The shortest admin token accepted, wherever it comes from (config, environment, file). */
  public static final int MIN_TOKEN_LENGTH = 16;

  /** Credentials only; the decisions stream carries no prompt text. */
  public AdminConfig(String tokenEnv, String token) {
    this(tokenEnv, token, false);
  }

  /** The default: token from {@code LETHE_ADMIN_TOKEN}, none in the config, no prompt text. */
  public static AdminConfig defaults() {
    return new AdminConfig("LETHE_ADMIN_TOKEN", null, false);
  }

  static AdminConfig read(ConfigNode n) {
    AdminConfig c =
        new AdminConfig(
            n.string("tokenEnv", "LETHE_ADMIN_TOKEN"),
            n.string("token", null),
            n.bool("decisionStreamPrompts", false));
    if (c.tokenEnv().isBlank()) {
      throw new ConfigException(n.path("tokenEnv"), c.tokenEnv(), "an environment variable name");
    }
    if (c.token() != null && c.token().length() < MIN_TOKEN_LENGTH) {
      throw new ConfigException(
          n.path("token"), "(hidden)", "at least " + MIN_TOKEN_LENGTH + " characters");
    }
    n.rejectUnknown();
    return c;
  }
}

package dev.lethe.gateway.backend;

/**
 * A wire format a backend can be asked to serve, named by the upstream path it is sent to (relative
 * to an OpenAI-compatible base URL such as {@code https://api.openai.com/v1}).
 */
public enum Surface {
  /** OpenAI chat completions, {@code POST /chat/completions}. */
  CHAT_COMPLETIONS("/chat/completions"),
  /** OpenAI Responses, {@code POST /responses}. */
  RESPONSES("/responses");

  private final String path;

  Surface(String path) {
    this.path = path;
  }

  /** The path appended to an upstream base URL. */
  public String path() {
    return path;
  }
}

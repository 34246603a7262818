package dev.lethe.gateway.backend;

/**
 * A wire format a backend can be asked to serve, named by the upstream path it is sent to (relative
 * to the backend's base URL, e.g. {@code https://api.openai.com/v1}). A backend says which it
 * serves ({@link Backend#surfaces()}); a request for another is refused with a clear error rather
 * than translated, unless a translation is lossless and documented.
 */
public enum Surface {
  /** OpenAI chat completions, {@code POST /chat/completions}. */
  CHAT_COMPLETIONS("/chat/completions"),
  /** OpenAI legacy completions, {@code POST /completions}. */
  COMPLETIONS("/completions"),
  /** OpenAI embeddings, {@code POST /embeddings}. */
  EMBEDDINGS("/embeddings"),
  /** OpenAI Responses, {@code POST /responses}. */
  RESPONSES("/responses"),
  /** Anthropic Messages, {@code POST /messages}. */
  MESSAGES("/messages"),
  /** Anthropic token counting, {@code POST /messages/count_tokens}. */
  MESSAGES_COUNT_TOKENS("/messages/count_tokens");

  private final String path;

  Surface(String path) {
    this.path = path;
  }

  /** The path under the backend's base URL, e.g. {@code /chat/completions}. */
  public String path() {
    return path;
  }

  /** The client-facing route, e.g. {@code /v1/chat/completions}. */
  public String route() {
    return "/v1" + path;
  }
}

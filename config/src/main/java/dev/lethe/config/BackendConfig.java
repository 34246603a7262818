package dev.lethe.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * One model backend.
 *
 * @param name a unique name used in metrics and logs
 * @param type {@code openai} (an OpenAI-compatible HTTP API), {@code anthropic} (the Anthropic
 *     Messages API) or {@code local} (a white-box model Lethe holds)
 * @param baseUrl for {@code openai} and {@code anthropic}: the API base URL including its version
 *     path, e.g. {@code https://api.example.com/v1} ({@code anthropic} defaults to {@code
 *     https://api.anthropic.com/v1})
 * @param apiKeyEnv for {@code openai} and {@code anthropic}: the environment variable holding the
 *     API key, or {@code null} for none (the client's own credentials are forwarded)
 * @param models the model names routed here; empty means "every model the backend lists" (asked at
 *     start and every {@code modelRefresh})
 * @param modelRefresh how often the model list of a backend with no fixed {@code models} is
 *     refreshed
 * @param connectTimeout TCP connect timeout
 * @param idleTimeout longest silence on a connection while a response is expected
 * @param totalTimeout longest time for a whole request, streams included
 * @param maxConnections connection-pool size per event loop
 * @param checkpoint for {@code local}: the checkpoint directory, or {@code null} for the built-in
 *     demo model
 * @param workers for {@code local}: generations decoded together, sharing each forward pass
 *     (continuous batching: the batch size, {@code 1..64}, default 8; 1 generates one request at a
 *     time)
 * @param queueSize for {@code local}: requests that may wait to join the batch before new ones are
 *     answered 429 ({@code 0..10000}, default 16)
 * @param maxResponseBytes for {@code openai}: the largest response body (non-streaming answer,
 *     error body, model list) read from the upstream; a larger one is cut off and answered 502
 * @param maxEventBytes for {@code openai}: the largest single SSE event of a stream; a larger one
 *     ends the stream with an error event (at most {@code maxResponseBytes})
 * @param maxQueued for {@code openai}: calls that may wait for a pooled connection while all {@code
 *     maxConnections} are busy; beyond that a call is refused at once (503 {@code upstream_busy})
 * @param queueTimeout for {@code openai}: the longest wait for a pooled connection (503 {@code
 *     upstream_busy} after it)
 * @param anthropicVersion for {@code anthropic}: the {@code anthropic-version} header sent upstream
 *     (a date such as {@code 2023-06-01}); {@code null} for other types
 */
public record BackendConfig(
    String name,
    String type,
    URI baseUrl,
    String apiKeyEnv,
    List<String> models,
    Duration modelRefresh,
    Duration connectTimeout,
    Duration idleTimeout,
    Duration totalTimeout,
    int maxConnections,
    String checkpoint,
    int workers,
    int queueSize,
    long maxResponseBytes,
    long maxEventBytes,
    int maxQueued,
    Duration queueTimeout,
    String anthropicVersion) {

  /** Backend type for an OpenAI-compatible HTTP API. */
  public static final String OPENAI = "openai";

  /** Backend type for a local white-box model. */
  public static final String LOCAL = "local";

  /** Backend type for the Anthropic Messages API. */
  public static final String ANTHROPIC = "anthropic";

  /** The Anthropic API's base URL, the default of an {@code anthropic} backend. */
  public static final String ANTHROPIC_BASE_URL = "https://api.anthropic.com/v1";

  /** The {@code anthropic-version} header sent when the configuration names none. */
  public static final String DEFAULT_ANTHROPIC_VERSION = "2023-06-01";

  /** Default batch size (generations decoded together) of a local backend. */
  public static final int DEFAULT_WORKERS = 8;

  /** Default queue length of a local backend. */
  public static final int DEFAULT_QUEUE_SIZE = 16;

  /** Default largest upstream response body: 32 MiB. */
  public static final long DEFAULT_MAX_RESPONSE_BYTES = 32L << 20;

  /** Default largest SSE event: 8 MiB. */
  public static final long DEFAULT_MAX_EVENT_BYTES = 8L << 20;

  /** Default calls waiting for a pooled connection. */
  public static final int DEFAULT_MAX_QUEUED = 64;

  /** Copies the model list. */
  public BackendConfig {
    models = List.copyOf(models);
  }

  /**
   * A local backend serving {@code checkpoint} ({@code null}: the built-in demo model) under the
   * model names {@code models} (empty: the backend's name), with default timeouts and queue.
   */
  public static BackendConfig local(String name, List<String> models, String checkpoint) {
    BackendConfig d = upstream(name, null, null);
    return new BackendConfig(
        name,
        LOCAL,
        null,
        null,
        models,
        d.modelRefresh(),
        d.connectTimeout(),
        d.idleTimeout(),
        d.totalTimeout(),
        d.maxConnections(),
        checkpoint,
        DEFAULT_WORKERS,
        DEFAULT_QUEUE_SIZE,
        d.maxResponseBytes(),
        d.maxEventBytes(),
        d.maxQueued(),
        d.queueTimeout(),
        null);
  }

  /** This configuration with other worker and queue sizes. */
  public BackendConfig withQueue(int newWorkers, int newQueueSize) {
    return new BackendConfig(
        name,
        type,
        baseUrl,
        apiKeyEnv,
        models,
        modelRefresh,
        connectTimeout,
        idleTimeout,
        totalTimeout,
        maxConnections,
        checkpoint,
        newWorkers,
        newQueueSize,
        maxResponseBytes,
        maxEventBytes,
        maxQueued,
        queueTimeout,
        anthropicVersion);
  }

  /** This configuration with a fixed model list (no discovery). */
  public BackendConfig withModels(List<String> newModels) {
    return new BackendConfig(
        name,
        type,
        baseUrl,
        apiKeyEnv,
        newModels,
        modelRefresh,
        connectTimeout,
        idleTimeout,
        totalTimeout,
        maxConnections,
        checkpoint,
        workers,
        queueSize,
        maxResponseBytes,
        maxEventBytes,
        maxQueued,
        queueTimeout,
        anthropicVersion);
  }

  /** An Anthropic Messages backend at {@code baseUrl} with default timeouts. */
  public static BackendConfig anthropic(String name, URI baseUrl, String apiKeyEnv) {
    BackendConfig d = upstream(name, baseUrl, apiKeyEnv);
    return new BackendConfig(
        name,
        ANTHROPIC,
        baseUrl,
        apiKeyEnv,
        List.of(),
        d.modelRefresh(),
        d.connectTimeout(),
        d.idleTimeout(),
        d.totalTimeout(),
        d.maxConnections(),
        null,
        DEFAULT_WORKERS,
        DEFAULT_QUEUE_SIZE,
        d.maxResponseBytes(),
        d.maxEventBytes(),
        d.maxQueued(),
        d.queueTimeout(),
        DEFAULT_ANTHROPIC_VERSION);
  }

  /** Whether this backend is reached over HTTP ({@code openai} or {@code anthropic}). */
  public boolean remote() {
    return type.equals(OPENAI) || type.equals(ANTHROPIC);
  }

  /** An OpenAI-compatible backend at {@code baseUrl} with default timeouts. */
  public static BackendConfig upstream(String name, URI baseUrl, String apiKeyEnv) {
    return new BackendConfig(
        name,
        OPENAI,
        baseUrl,
        apiKeyEnv,
        List.of(),
        Duration.ofSeconds(60),
        Duration.ofSeconds(5),
        Duration.ofSeconds(60),
        Duration.ofMinutes(10),
        64,
        null,
        DEFAULT_WORKERS,
        DEFAULT_QUEUE_SIZE,
        DEFAULT_MAX_RESPONSE_BYTES,
        DEFAULT_MAX_EVENT_BYTES,
        DEFAULT_MAX_QUEUED,
        Duration.ofSeconds(5),
        null);
  }

  static BackendConfig read(ConfigNode n) {
    String name = n.string("name", null);
    if (name == null || !name.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new ConfigException(n.path("name"), name, "1-64 characters of A-Z a-z 0-9 . _ -");
    }
    String type = n.string("type", OPENAI).toLowerCase(Locale.ROOT);
    if (!type.equals(OPENAI) && !type.equals(LOCAL) && !type.equals(ANTHROPIC)) {
      throw new ConfigException(n.path("type"), type, "openai, anthropic or local");
    }
    String url = n.string("baseUrl", null);
    URI base = null;
    if (type.equals(OPENAI)) {
      base = parseBaseUrl(n.path("baseUrl"), url);
    } else if (type.equals(ANTHROPIC)) {
      base = parseBaseUrl(n.path("baseUrl"), url == null ? ANTHROPIC_BASE_URL : url);
    } else if (url != null) {
      throw new ConfigException(n.path("baseUrl"), url, "no baseUrl for a local backend");
    }
    String version = n.string("anthropicVersion", null);
    if (version != null && !type.equals(ANTHROPIC)) {
      throw new ConfigException(
          n.path("anthropicVersion"), version, "no anthropicVersion for a " + type + " backend");
    }
    if (type.equals(ANTHROPIC)) {
      version = version == null ? DEFAULT_ANTHROPIC_VERSION : version;
      if (!version.matches("\\d{4}-\\d{2}-\\d{2}")) {
        throw new ConfigException(
            n.path("anthropicVersion"), version, "an API version date such as 2023-06-01");
      }
    }
    BackendConfig d = upstream(name, base, null);
    BackendConfig c =
        new BackendConfig(
            name,
            type,
            base,
            n.string("apiKeyEnv", null),
            n.strings("models"),
            n.duration("modelRefresh", d.modelRefresh(), Duration.ofSeconds(1), Duration.ofDays(1)),
            n.duration(
                "connectTimeout", d.connectTimeout(), Duration.ofMillis(1), Duration.ofMinutes(5)),
            n.duration("idleTimeout", d.idleTimeout(), Duration.ofMillis(1), Duration.ofHours(1)),
            n.duration("totalTimeout", d.totalTimeout(), Duration.ofMillis(1), Duration.ofHours(6)),
            (int) n.integer("maxConnections", d.maxConnections(), 1, 10_000),
            n.string("checkpoint", null),
            (int) n.integer("workers", DEFAULT_WORKERS, 1, 64),
            (int) n.integer("queueSize", DEFAULT_QUEUE_SIZE, 0, 10_000),
            n.integer("maxResponseBytes", d.maxResponseBytes(), 1024, 1L << 30),
            n.integer("maxEventBytes", d.maxEventBytes(), 1024, 1L << 30),
            (int) n.integer("maxQueued", d.maxQueued(), 0, 100_000),
            n.duration(
                "queueTimeout", d.queueTimeout(), Duration.ofMillis(1), Duration.ofMinutes(10)),
            version);
    if (c.maxEventBytes() > c.maxResponseBytes()) {
      throw new ConfigException(
          n.path("maxEventBytes"),
          c.maxEventBytes(),
          "at most maxResponseBytes (" + c.maxResponseBytes() + ")");
    }
    if (c.apiKeyEnv() != null && !c.apiKeyEnv().matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new ConfigException(n.path("apiKeyEnv"), c.apiKeyEnv(), "an environment variable name");
    }
    for (int i = 0; i < c.models().size(); i++) {
      if (c.models().get(i).isBlank()) {
        throw new ConfigException(n.path("models") + "[" + i + "]", "", "a model name");
      }
    }
    n.rejectUnknown();
    return c;
  }

  /**
   * Parses an http(s) base URL.
   *
   * @throws ConfigException naming {@code field} when the URL is missing or invalid
   */
  public static URI parseBaseUrl(String field, String url) {
    String expected = "an http:// or https:// URL such as http://127.0.0.1:9000/v1";
    if (url == null) {
      throw new ConfigException(field, null, expected);
    }
    try {
      URI u = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
      if (u.getScheme() == null
          || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
          || u.getHost() == null
          || u.getQuery() != null
          || u.getFragment() != null) {
        throw new ConfigException(field, url, expected);
      }
      return u;
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException(field, url, expected);
    }
  }
}

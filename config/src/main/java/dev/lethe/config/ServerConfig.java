package dev.lethe.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The HTTP listener.
 *
 * @param host the address to bind, e.g. {@code 127.0.0.1}
 * @param port the port, 0 for any free port
 * @param maxBodyBytes the largest accepted request body; larger ones get 413
 * @param shutdownGrace how long in-flight requests may take to finish on shutdown
 * @param eventLoops how many event-loop instances serve HTTP (0: one per core)
 * @param requestHeaderTimeout how long a new connection may take to deliver its first request's
 *     head; then the connection is closed
 * @param keepAliveTimeout how long a kept-alive connection may stay idle after a response before it
 *     delivers the next request's head; then it is closed (longer than common clients' pool idle
 *     time, so a client rarely reuses a connection the server is closing)
 * @param requestBodyTimeout how long a request's body may take to arrive once its head did; then
 *     the request is answered 408 and the connection closed
 * @param metricsRequireToken whether {@code GET /metrics} needs the admin bearer token
 * @param metricsRuleIds whether metrics carry rule ids as tag values ({@code false}: the {@code
 *     rule} tag reads {@code hidden})
 * @param http2Cleartext whether HTTP/2 without TLS (h2c, prior knowledge or upgrade) is accepted;
 *     off by default, since with it a connection's request-head deadline can only start once a
 *     whole head arrived
 * @param corsOrigins the origins browser pages may call the model API ({@code /v1/*}) from, e.g.
 *     {@code https://app.example.com}, or {@code ["*"]} for any; empty (the default): no CORS, so
 *     browsers allow same-origin calls only. Never applies to {@code /admin/*}
 */
public record ServerConfig(
    String host,
    int port,
    long maxBodyBytes,
    Duration shutdownGrace,
    int eventLoops,
    Duration requestHeaderTimeout,
    Duration keepAliveTimeout,
    Duration requestBodyTimeout,
    boolean metricsRequireToken,
    boolean metricsRuleIds,
    boolean http2Cleartext,
    List<String> corsOrigins) {

  /** Copies the origin list. */
  public ServerConfig {
    corsOrigins = List.copyOf(corsOrigins);
  }

  /**
   * The defaults: 127.0.0.1:8080, 4 MiB bodies, 10 s grace, one event loop per core, 30 s for a
   * request head and 60 s for its body, open metrics with rule ids.
   */
  public static ServerConfig defaults() {
    return new ServerConfig(
        "127.0.0.1",
        8080,
        4L << 20,
        Duration.ofSeconds(10),
        0,
        Duration.ofSeconds(30),
        Duration.ofSeconds(75),
        Duration.ofSeconds(60),
        false,
        true,
        false,
        List.of());
  }

  static ServerConfig read(ConfigNode n) {
    ServerConfig d = defaults();
    ServerConfig c =
        new ServerConfig(
            n.string("host", d.host()),
            (int) n.integer("port", d.port(), 0, 65535),
            n.integer("maxBodyBytes", d.maxBodyBytes(), 1024, 1L << 30),
            n.duration("shutdownGrace", d.shutdownGrace(), Duration.ZERO, Duration.ofMinutes(10)),
            (int) n.integer("eventLoops", d.eventLoops(), 0, 256),
            n.duration(
                "requestHeaderTimeout",
                d.requestHeaderTimeout(),
                Duration.ofMillis(10),
                Duration.ofHours(1)),
            n.duration(
                "keepAliveTimeout",
                d.keepAliveTimeout(),
                Duration.ofMillis(10),
                Duration.ofHours(1)),
            n.duration(
                "requestBodyTimeout",
                d.requestBodyTimeout(),
                Duration.ofMillis(10),
                Duration.ofHours(1)),
            n.bool("metricsRequireToken", d.metricsRequireToken()),
            n.bool("metricsRuleIds", d.metricsRuleIds()),
            n.bool("http2Cleartext", d.http2Cleartext()),
            n.strings("corsOrigins"));
    if (c.host().isBlank()) {
      throw new ConfigException(n.path("host"), c.host(), "a host name or IP address");
    }
    for (int i = 0; i < c.corsOrigins().size(); i++) {
      String o = c.corsOrigins().get(i);
      if (o.equals("*") ? c.corsOrigins().size() != 1 : !isOrigin(o)) {
        throw new ConfigException(
            n.path("corsOrigins") + "[" + i + "]",
            o,
            "an origin such as https://app.example.com (scheme, host, optional port; no path),"
                + " or \"*\" alone for any origin");
      }
    }
    n.rejectUnknown();
    return c;
  }

  /** A copy with another host and/or port (command-line overrides). */
  public ServerConfig withAddress(String host, int port) {
    return new ServerConfig(
        host,
        port,
        maxBodyBytes,
        shutdownGrace,
        eventLoops,
        requestHeaderTimeout,
        keepAliveTimeout,
        requestBodyTimeout,
        metricsRequireToken,
        metricsRuleIds,
        http2Cleartext,
        corsOrigins);
  }

  private static boolean isOrigin(String o) {
    try {
      URI u = new URI(o);
      return (u.getScheme() != null
              && (u.getScheme().equals("http") || u.getScheme().equals("https")))
          && u.getHost() != null
          && (u.getRawPath() == null || u.getRawPath().isEmpty())
          && u.getRawQuery() == null
          && u.getRawFragment() == null
          && u.getRawUserInfo() == null;
    } catch (java.net.URISyntaxException e) {
      return false;
    }
  }
}

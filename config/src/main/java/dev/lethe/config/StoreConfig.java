package dev.lethe.config;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * Where the rules live and how a replica follows a shared store.
 *
 * <p>{@code url} absent: the embedded journal in the data directory (the default, one process).
 * {@code url: postgresql://USER@HOST:PORT/DB}: rules in PostgreSQL, shared by every replica that
 * names the same database; the password comes from {@code PGPASSWORD} in the environment, never
 * from the URL or the file.
 *
 * @param postgres the shared PostgreSQL store, or {@code null} for the embedded journal
 * @param pollInterval how often a replica polls the change log when no notification arrives
 * @param minVersionWait how long a request carrying {@code x-lethe-min-rules-version} may wait for
 *     this replica to reach that version before it is answered 503
 * @param heartbeatInterval how often a replica records its id, address and version in the store
 * @param startWithoutStore serve with no rules when the store is unreachable at start (an explicit,
 *     logged and counted override; off by default: the replica refuses to start)
 * @param replicaId this replica's id in {@code GET /admin/cluster}, or {@code null} to derive one
 *     from the host name and port
 * @param listen whether to LISTEN for change notifications (off: polling alone, for diagnostics and
 *     benchmarks)
 */
public record StoreConfig(
    PostgresTarget postgres,
    Duration pollInterval,
    Duration minVersionWait,
    Duration heartbeatInterval,
    boolean startWithoutStore,
    String replicaId,
    boolean listen) {

  /** Checks arguments. */
  public StoreConfig {
    requireNonNull(pollInterval, "pollInterval");
    requireNonNull(minVersionWait, "minVersionWait");
    requireNonNull(heartbeatInterval, "heartbeatInterval");
    if (replicaId != null && (replicaId.isBlank() || replicaId.length() > 200)) {
      throw new ConfigException("store.replicaId", replicaId, "1 to 200 characters");
    }
  }

  /** The embedded journal; shared-store timings at their defaults. */
  public static StoreConfig defaults() {
    return new StoreConfig(
        null,
        Duration.ofSeconds(1),
        Duration.ofSeconds(2),
        Duration.ofSeconds(1),
        false,
        null,
        true);
  }

  /** A copy that uses the PostgreSQL store at {@code url} (see {@link PostgresTarget#parse}). */
  public StoreConfig withUrl(String field, String url) {
    return new StoreConfig(
        PostgresTarget.parse(field, url),
        pollInterval,
        minVersionWait,
        heartbeatInterval,
        startWithoutStore,
        replicaId,
        listen);
  }

  /** A copy with the start-without-store override set. */
  public StoreConfig withStartWithoutStore(boolean allow) {
    return new StoreConfig(
        postgres, pollInterval, minVersionWait, heartbeatInterval, allow, replicaId, listen);
  }

  static StoreConfig read(ConfigNode n) {
    StoreConfig d = defaults();
    String url = n.string("url", null);
    StoreConfig c =
        new StoreConfig(
            url == null ? null : PostgresTarget.parse(n.path("url"), url),
            n.duration(
                "pollInterval", d.pollInterval(), Duration.ofMillis(10), Duration.ofMinutes(1)),
            n.duration("minVersionWait", d.minVersionWait(), Duration.ZERO, Duration.ofSeconds(60)),
            n.duration(
                "heartbeatInterval",
                d.heartbeatInterval(),
                Duration.ofMillis(100),
                Duration.ofMinutes(5)),
            n.bool("startWithoutStore", d.startWithoutStore()),
            n.string("replicaId", null),
            n.bool("listen", d.listen()));
    n.rejectUnknown();
    return c;
  }

  /**
   * A PostgreSQL database named by {@code postgresql://USER@HOST:PORT/DB}.
   *
   * @param user the role to log in as
   * @param host the server's host name or address
   * @param port the server's port
   * @param database the database name
   */
  public record PostgresTarget(String user, String host, int port, String database) {
    /** Checks arguments. */
    public PostgresTarget {
      requireNonNull(user, "user");
      requireNonNull(host, "host");
      requireNonNull(database, "database");
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
      }
    }

    /**
     * Parses {@code postgresql://USER@HOST[:PORT]/DB} (port 5432 when absent; {@code postgres://}
     * accepted too). A password in the URL is refused: it belongs in {@code PGPASSWORD}.
     *
     * @throws ConfigException naming {@code field}, the value and what was expected
     */
    public static PostgresTarget parse(String field, String url) {
      String expected = "postgresql://USER@HOST:PORT/DB (password from PGPASSWORD)";
      if (url == null) {
        throw new ConfigException(field, "null", expected);
      }
      URI u;
      try {
        u = new URI(url.trim());
      } catch (URISyntaxException e) {
        throw new ConfigException(field, url, expected);
      }
      String scheme = u.getScheme();
      if (scheme == null || !(scheme.equals("postgresql") || scheme.equals("postgres"))) {
        throw new ConfigException(field, url, expected);
      }
      String userInfo = u.getRawUserInfo();
      if (userInfo != null && userInfo.contains(":")) {
        throw new ConfigException(
            field, "a URL with a password", "no password in the URL; set PGPASSWORD instead");
      }
      String path = u.getPath() == null ? "" : u.getPath();
      String db = path.startsWith("/") ? path.substring(1) : path;
      if (userInfo == null
          || userInfo.isEmpty()
          || u.getHost() == null
          || db.isEmpty()
          || db.contains("/")
          || u.getQuery() != null
          || u.getFragment() != null) {
        throw new ConfigException(field, url, expected);
      }
      return new PostgresTarget(
          u.getUserInfo(), u.getHost(), u.getPort() < 0 ? 5432 : u.getPort(), db);
    }

    /** The URL form, without any password. */
    @Override
    public String toString() {
      return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
    }
  }
}

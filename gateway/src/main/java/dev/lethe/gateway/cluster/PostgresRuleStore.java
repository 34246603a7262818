package dev.lethe.gateway.cluster;

import static java.util.Objects.requireNonNull;

import dev.lethe.config.StoreConfig.PostgresTarget;
import dev.lethe.config.rules.CommittedChange;
import dev.lethe.config.rules.RuleApplyException;
import dev.lethe.config.rules.RuleChange;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.config.rules.RuleStore;
import dev.lethe.config.rules.RuleStoreBehindException;
import dev.lethe.config.rules.RuleStoreException;
import dev.lethe.config.store.ChangeCodec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Rules in PostgreSQL, shared by every gateway replica that names the same database.
 *
 * <p>Layout (created on first use, under an advisory lock so that replicas starting together do not
 * race):
 *
 * <ul>
 *   <li>{@code lethe_rules_head}: one row, the latest committed version;
 *   <li>{@code lethe_rules_log}: one row per change, keyed by the version it produced, the change
 *       in the journal's JSON shape;
 *   <li>{@code lethe_replicas}: one row per replica (id, address, enforced version, last seen).
 * </ul>
 *
 * <p>A write locks the head row ({@code SELECT … FOR UPDATE}), checks that the writer's snapshot is
 * the latest (else {@link RuleStoreBehindException}: nothing written, the book catches up and
 * retries), inserts the change as version head+1, moves the head and sends {@code NOTIFY
 * lethe_rules, 'N'}, all in one transaction. The head row lock serialises writers, so versions are
 * gap-free and monotonic; the notification is delivered only if the transaction commits, and {@link
 * #append} returns only after the commit.
 *
 * <p>All {@link RuleStore} methods block the calling worker thread on the reactive client (never
 * call them on an event loop); each waits at most the configured timeout.
 */
public final class PostgresRuleStore implements RuleStore {
  /** The notification channel; the payload is the committed version. */
  public static final String CHANNEL = "lethe_rules";

  /** Rows per {@link #changesSince} batch. */
  private static final int BATCH = 1000;

  /** An arbitrary key for the advisory lock that serialises schema creation. */
  private static final long SCHEMA_LOCK = 0x4c65746865L;

  private final PostgresTarget target;
  private final PgConnectOptions connect;
  private final Pool pool;
  private final long timeoutMillis;
  private volatile boolean schemaReady;

  private PostgresRuleStore(
      PostgresTarget target, PgConnectOptions connect, Pool pool, Duration timeout) {
    this.target = target;
    this.connect = connect;
    this.pool = pool;
    this.timeoutMillis = timeout.toMillis();
  }

  /**
   * Creates a store on {@code target}. Connects lazily: nothing is checked until the first call.
   *
   * @param password the password ({@code PGPASSWORD}), or {@code null} when the server needs none
   * @param timeout the bound on each operation (connect included)
   */
  public static PostgresRuleStore create(
      Vertx vertx, PostgresTarget target, String password, Duration timeout) {
    requireNonNull(vertx, "vertx");
    requireNonNull(target, "target");
    requireNonNull(timeout, "timeout");
    PgConnectOptions options =
        new PgConnectOptions()
            .setHost(target.host())
            .setPort(target.port())
            .setDatabase(target.database())
            .setUser(target.user());
    if (password != null && !password.isEmpty()) {
      options.setPassword(password);
    }
    Pool pool =
        PgBuilder.pool()
            .with(
                new PoolOptions()
                    .setMaxSize(4)
                    .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
                    .setConnectionTimeout((int) timeout.toMillis()))
            .with(
                new NetClientOptions()
                    .setConnectTimeout((int) timeout.toMillis())
                    .setTcpKeepAlive(true))
            .connectingTo(options)
            .using(vertx)
            .build();
    return new PostgresRuleStore(target, options, pool, timeout);
  }

  /** The database, as a URL without password. */
  public PostgresTarget target() {
    return target;
  }

  /** Options for a dedicated connection (the LISTEN connection), with the password if any. */
  PgConnectOptions connectOptions() {
    return new PgConnectOptions(connect);
  }

  /**
   * Creates the tables if they are missing. Idempotent; safe when replicas start together.
   *
   * @throws RuleStoreException when the database cannot be reached
   */
  public void ensureSchema() {
    if (schemaReady) {
      return;
    }
    await(
        "create schema",
        pool.withTransaction(
            c ->
                c.query("SET LOCAL client_min_messages = warning")
                    .execute()
                    .compose(
                        r -> c.query("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK + ")").execute())
                    .compose(
                        r ->
                            c.query(
                                    "CREATE TABLE IF NOT EXISTS lethe_rules_head ("
                                        + " id int PRIMARY KEY CHECK (id = 1),"
                                        + " version bigint NOT NULL)")
                                .execute())
                    .compose(
                        r ->
                            c.query(
                                    "INSERT INTO lethe_rules_head (id, version) VALUES (1, 0)"
                                        + " ON CONFLICT (id) DO NOTHING")
                                .execute())
                    .compose(
                        r ->
                            c.query(
                                    "CREATE TABLE IF NOT EXISTS lethe_rules_log ("
                                        + " version bigint PRIMARY KEY,"
                                        + " change text NOT NULL,"
                                        + " committed_at timestamptz NOT NULL DEFAULT now())")
                                .execute())
                    .compose(
                        r ->
                            c.query(
                                    "CREATE TABLE IF NOT EXISTS lethe_replicas ("
                                        + " id text PRIMARY KEY,"
                                        + " address text NOT NULL,"
                                        + " version bigint NOT NULL,"
                                        + " seen_at timestamptz NOT NULL)")
                                .execute())
                    .mapEmpty()));
    schemaReady = true;
  }

  @Override
  public RuleSet load() {
    ensureSchema();
    RuleSet rules = RuleSet.empty();
    while (true) {
      List<CommittedChange> batch = changesSince(rules.version());
      if (batch.isEmpty()) {
        return rules;
      }
      for (CommittedChange c : batch) {
        if (c.version() != rules.version() + 1) {
          throw new RuleApplyException(
              rules.version() + 1,
              "version " + (rules.version() + 1) + " is missing from the change log");
        }
        try {
          rules = rules.apply(c.change());
        } catch (RuntimeException e) {
          throw new RuleApplyException(c.version(), String.valueOf(e.getMessage()));
        }
      }
    }
  }

  @Override
  public void append(RuleChange change, RuleSet after) {
    requireNonNull(change, "change");
    requireNonNull(after, "after");
    ensureSchema();
    long version = after.version();
    String payload = new String(ChangeCodec.encode(version, change), StandardCharsets.UTF_8);
    await(
        "append version " + version,
        pool.withTransaction(
            c ->
                c.query("SELECT version FROM lethe_rules_head WHERE id = 1 FOR UPDATE")
                    .execute()
                    .compose(
                        rows -> {
                          long head = rows.iterator().next().getLong(0);
                          if (head != version - 1) {
                            return Future.failedFuture(new RuleStoreBehindException(version, head));
                          }
                          return c.preparedQuery(
                                  "INSERT INTO lethe_rules_log (version, change) VALUES ($1, $2)")
                              .execute(Tuple.of(version, payload));
                        })
                    .compose(
                        r ->
                            c.preparedQuery("UPDATE lethe_rules_head SET version = $1 WHERE id = 1")
                                .execute(Tuple.of(version)))
                    .compose(
                        r ->
                            c.preparedQuery("SELECT pg_notify('" + CHANNEL + "', $1)")
                                .execute(Tuple.of(Long.toString(version))))
                    .mapEmpty()));
  }

  @Override
  public List<CommittedChange> changesSince(long version) {
    ensureSchema();
    List<Row> rows =
        await(
            "read changes after version " + version,
            pool.preparedQuery(
                    "SELECT version, change FROM lethe_rules_log WHERE version > $1"
                        + " ORDER BY version LIMIT "
                        + BATCH)
                .execute(Tuple.of(version))
                .map(
                    rs -> {
                      List<Row> out = new ArrayList<>(rs.size());
                      rs.forEach(out::add);
                      return out;
                    }));
    List<CommittedChange> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      long v = r.getLong(0);
      ChangeCodec.Versioned decoded;
      try {
        decoded = ChangeCodec.decode(r.getString(1).getBytes(StandardCharsets.UTF_8));
      } catch (RuntimeException e) {
        if (!out.isEmpty()) {
          // Hand over the good ones first; the next call reports this row.
          return out;
        }
        throw new RuleApplyException(v, "the change log row cannot be read: " + e.getMessage());
      }
      if (decoded.version() != v) {
        if (!out.isEmpty()) {
          return out;
        }
        throw new RuleApplyException(
            v, "the change log row says version " + decoded.version() + " inside");
      }
      out.add(new CommittedChange(v, decoded.change()));
    }
    return out;
  }

  /**
   * The latest committed version.
   *
   * @throws RuleStoreException when the database cannot be reached
   */
  public long headVersion() {
    ensureSchema();
    return await(
        "read the head version",
        pool.query("SELECT version FROM lethe_rules_head WHERE id = 1")
            .execute()
            .map(rs -> rs.iterator().next().getLong(0)));
  }

  /**
   * Records that replica {@code id} at {@code address} enforces {@code version} now.
   *
   * @throws RuleStoreException when the database cannot be reached
   */
  public void heartbeat(String id, String address, long version) {
    ensureSchema();
    await(
        "heartbeat",
        pool.preparedQuery(
                "INSERT INTO lethe_replicas (id, address, version, seen_at)"
                    + " VALUES ($1, $2, $3, now()) ON CONFLICT (id) DO UPDATE"
                    + " SET address = EXCLUDED.address, version = EXCLUDED.version,"
                    + " seen_at = EXCLUDED.seen_at")
            .execute(Tuple.of(id, address, version))
            .mapEmpty());
  }

  /**
   * The replicas' last heartbeats with the head version, read in one snapshot.
   *
   * @throws RuleStoreException when the database cannot be reached
   */
  public ClusterView cluster() {
    ensureSchema();
    return await(
        "read replicas",
        pool.withTransaction(
            c ->
                c.query("SELECT version FROM lethe_rules_head WHERE id = 1")
                    .execute()
                    .compose(
                        head ->
                            c.query(
                                    "SELECT id, address, version, seen_at FROM lethe_replicas"
                                        + " ORDER BY id")
                                .execute()
                                .map(
                                    rs -> {
                                      long h = head.iterator().next().getLong(0);
                                      List<ClusterView.Replica> list = new ArrayList<>();
                                      for (Row r : rs) {
                                        Instant seen = r.getOffsetDateTime(3).toInstant();
                                        list.add(
                                            new ClusterView.Replica(
                                                r.getString(0),
                                                r.getString(1),
                                                r.getLong(2),
                                                Math.max(0, h - r.getLong(2)),
                                                seen));
                                      }
                                      return new ClusterView(h, list);
                                    }))));
  }

  private <T> T await(String what, Future<T> f) {
    try {
      // Not Future.await: Vert.x refuses it on worker threads, which is where stores are called.
      return f.toCompletionStage().toCompletableFuture().get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuleStoreException s) {
        throw s;
      }
      throw new RuleStoreException(
          "rule store " + target + ": " + what + " failed: " + rootMessage(e), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuleStoreException("rule store " + target + ": " + what + " interrupted", e);
    } catch (TimeoutException e) {
      throw new RuleStoreException(
          "rule store "
              + target
              + ": "
              + what
              + " timed out after "
              + timeoutMillis
              + " ms (whether a write committed is unknown)",
          e);
    } catch (RuleStoreException e) {
      throw e;
    } catch (Exception e) {
      throw new RuleStoreException(
          "rule store " + target + ": " + what + " failed: " + rootMessage(e), e);
    }
  }

  static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }

  @Override
  public void close() {
    try {
      pool.close()
          .toCompletionStage()
          .toCompletableFuture()
          .get(timeoutMillis, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      // closing anyway
    }
  }
}

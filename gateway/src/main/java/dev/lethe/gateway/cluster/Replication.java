package dev.lethe.gateway.cluster;

import static java.util.Objects.requireNonNull;

import dev.lethe.config.StoreConfig;
import dev.lethe.config.rules.RuleApplyException;
import dev.lethe.config.rules.RuleBook;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How this replica keeps up with the rules and says how far it is: follows a shared PostgreSQL
 * store (notifications, polling, re-sync after a disconnect), heartbeats into it, and reports
 * readiness and lag. With the embedded journal there is nothing to follow: the replica is the only
 * writer and always current.
 *
 * <p>Following a shared store: a {@code NOTIFY} (payload: the committed version) or a poll tick
 * starts a pull; a pull runs {@link RuleBook#catchUp} on a worker thread, which applies the missing
 * versions strictly in order, fetching any it was not told about (a gap is fetched, never skipped).
 * Only one pull runs at a time; a request for one while it runs makes it run once more. When the
 * LISTEN connection is lost, the subscriber reconnects and the pull that follows each
 * (re)subscription re-syncs from the log; until then polling keeps the replica within one interval.
 *
 * <p>Faults: the store unreachable → the replica keeps its last snapshot and reports {@link
 * Readiness.State#DEGRADED} until a pull succeeds again; a committed change it cannot apply → it
 * stays at the version before and reports {@link Readiness.State#NOT_READY} with the reason.
 *
 * <p>Meters: {@code lethe_rules_version} (the version enforced), {@code lethe_rules_active} (the
 * rules in that snapshot), {@code lethe_rules_lag_versions} (the latest committed version this
 * replica knows of minus the one it enforces), {@code lethe_rules_store_errors_total}, {@code
 * lethe_rules_start_without_store_total}.
 */
public final class Replication implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Replication.class);

  private final Vertx vertx;
  private final RuleBook book;
  private final PostgresRuleStore store;
  private final StoreConfig config;
  private final Clock clock;
  private final String replicaId;
  private final AtomicBoolean pulling = new AtomicBoolean();
  private final AtomicBoolean pullAgain = new AtomicBoolean();
  private final AtomicLong knownHead = new AtomicLong();
  private final Counter storeErrors;
  private final VersionGate gate;
  private volatile String address;
  private volatile String storeDown;
  private volatile Instant storeDownSince;
  private volatile String applyFailure;
  private volatile boolean startedWithoutStore;
  private volatile boolean closed;
  private PgSubscriber subscriber;
  private long pollTimer = -1;
  private long heartbeatTimer = -1;

  private Replication(
      Vertx vertx,
      RuleBook book,
      PostgresRuleStore store,
      StoreConfig config,
      String replicaId,
      MeterRegistry meters,
      Clock clock) {
    this.vertx = vertx;
    this.book = book;
    this.store = store;
    this.config = config;
    this.replicaId = replicaId;
    this.clock = clock;
    this.knownHead.set(book.current().version());
    Gauge.builder("lethe.rules.version", book, b -> b.current().version())
        .description("The rules version this replica enforces")
        .register(meters);
    Gauge.builder("lethe.rules.active", book, b -> b.current().size())
        .description("Forget rules in the snapshot this replica enforces")
        .register(meters);
    Gauge.builder(
            "lethe.rules.lag.versions",
            this,
            r -> Math.max(0, r.knownHead.get() - r.book.current().version()))
        .description("Committed rule versions this replica has not applied yet")
        .register(meters);
    this.storeErrors =
        Counter.builder("lethe.rules.store.errors")
            .description("Failed reads or heartbeats against the shared rule store")
            .register(meters);
    this.gate = new VersionGate(vertx, this::pullNow);
    book.addListener(gate);
  }

  /** The embedded journal: a single writer, nothing to follow. */
  public static Replication local(
      Vertx vertx, RuleBook book, StoreConfig config, String replicaId, MeterRegistry meters) {
    return new Replication(vertx, book, null, config, replicaId, meters, Clock.systemUTC());
  }

  /**
   * Follows {@code store}: subscribes to its notifications, starts polling and (once {@link
   * #announce} names the address) heartbeating.
   *
   * @param startedWithoutStore whether the book started empty because the store was unreachable
   *     (the override); reported as degraded until the first successful pull
   */
  public static Replication follow(
      Vertx vertx,
      RuleBook book,
      PostgresRuleStore store,
      StoreConfig config,
      String replicaId,
      MeterRegistry meters,
      boolean startedWithoutStore) {
    requireNonNull(store, "store");
    Replication r =
        new Replication(vertx, book, store, config, replicaId, meters, Clock.systemUTC());
    if (startedWithoutStore) {
      r.startedWithoutStore = true;
      Counter.builder("lethe.rules.start.without.store")
          .description("Starts that served without the shared rule store (explicit override)")
          .register(meters)
          .increment();
      r.storeDown = "started without the rule store (store.startWithoutStore override)";
      r.storeDownSince = Instant.now(r.clock);
    }
    r.start();
    return r;
  }

  private void start() {
    if (config.listen()) {
      subscriber = PgSubscriber.subscriber(vertx, store.connectOptions());
      subscriber.reconnectPolicy(retries -> 250L);
      subscriber
          .channel(PostgresRuleStore.CHANNEL)
          .subscribeHandler(v -> pullNow())
          .handler(this::notified);
      connectSubscriber();
    }
    pollTimer = vertx.setPeriodic(config.pollInterval().toMillis(), id -> pullNow());
    pullNow();
  }

  /**
   * Connects the LISTEN connection; a failed attempt is retried (the subscriber only retries
   * connections it had).
   */
  private void connectSubscriber() {
    if (closed) {
      return;
    }
    subscriber
        .connect()
        .onFailure(
            t -> {
              if (!closed) {
                vertx.setTimer(500, id -> connectSubscriber());
              }
            });
    subscriber.closeHandler(
        v -> {
          // The subscriber gave up reconnecting: start over.
          if (!closed) {
            vertx.setTimer(500, id -> connectSubscriber());
          }
        });
  }

  private void notified(String payload) {
    try {
      long v = Long.parseLong(payload.trim());
      knownHead.accumulateAndGet(v, Math::max);
    } catch (NumberFormatException e) {
      LOG.warn("ignoring a notification on {} that is not a version", PostgresRuleStore.CHANNEL);
    }
    pullNow();
  }

  /** Starts a pull now (or once more after the one running). Returns at once. */
  public void pullNow() {
    if (store == null || closed) {
      return;
    }
    if (!pulling.compareAndSet(false, true)) {
      pullAgain.set(true);
      return;
    }
    pullAgain.set(false);
    vertx
        .<Long>executeBlocking(
            () -> {
              long applied = book.catchUp();
              long head = store.headVersion();
              knownHead.accumulateAndGet(head, Math::max);
              return applied;
            },
            false)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                if (storeDown != null) {
                  LOG.info(
                      "rule store {} reachable again; enforcing version {}",
                      store.target(),
                      ar.result());
                }
                storeDown = null;
                storeDownSince = null;
                startedWithoutStore = false;
                if (applyFailure != null) {
                  LOG.info("rules version {} applied; ready again", ar.result());
                }
                applyFailure = null;
              } else {
                failed(ar.cause());
              }
              pulling.set(false);
              if (pullAgain.getAndSet(false)) {
                pullNow();
              }
            });
  }

  private void failed(Throwable t) {
    storeErrors.increment();
    if (t instanceof RuleApplyException a) {
      if (!a.getMessage().equals(applyFailure)) {
        LOG.error("replica {} is not ready: {}", replicaId, a.getMessage());
      }
      applyFailure = a.getMessage();
      knownHead.accumulateAndGet(a.version(), Math::max);
      return;
    }
    String reason = PostgresRuleStore.rootMessage(t);
    if (storeDown == null || startedWithoutStore) {
      LOG.warn(
          "rule store {} unreachable ({}); enforcing version {} until it is back",
          store.target(),
          reason,
          book.current().version());
      if (storeDownSince == null) {
        storeDownSince = Instant.now(clock);
      }
    }
    storeDown = startedWithoutStore ? storeDown : reason;
  }

  /** Names where this replica listens and starts heartbeating ({@code host:port}). */
  public void announce(String address) {
    this.address = requireNonNull(address, "address");
    if (store != null && heartbeatTimer < 0) {
      heartbeatTimer = vertx.setPeriodic(config.heartbeatInterval().toMillis(), id -> heartbeat());
      heartbeat();
    }
  }

  private void heartbeat() {
    String a = address;
    if (a == null || closed) {
      return;
    }
    long v = book.current().version();
    vertx
        .executeBlocking(
            () -> {
              store.heartbeat(replicaId, a, v);
              return null;
            },
            false)
        .onFailure(t -> storeErrors.increment());
  }

  /** This replica's id. */
  public String replicaId() {
    return replicaId;
  }

  /** The gate requests wait at for {@code x-lethe-min-rules-version}. */
  public VersionGate gate() {
    return gate;
  }

  /** What {@code GET /ready} reports about the rules. */
  public Readiness readiness() {
    String apply = applyFailure;
    if (apply != null) {
      return new Readiness(Readiness.State.NOT_READY, apply);
    }
    String down = storeDown;
    if (down != null) {
      return new Readiness(
          Readiness.State.DEGRADED,
          (startedWithoutStore
                  ? down
                  : "rule store unreachable since " + storeDownSince + ": " + down)
              + "; enforcing rules version "
              + book.current().version());
    }
    return Readiness.ready();
  }

  /**
   * The cluster as the store sees it; with the embedded journal, this replica alone. Blocks: call
   * on a worker thread.
   */
  public ClusterView cluster() {
    long v = book.current().version();
    if (store == null) {
      String a = address == null ? "" : address;
      return new ClusterView(
          v, List.of(new ClusterView.Replica(replicaId, a, v, 0, Instant.now(clock))));
    }
    return store.cluster();
  }

  /** Stops following and heartbeating. */
  @Override
  public void close() {
    closed = true;
    if (pollTimer >= 0) {
      vertx.cancelTimer(pollTimer);
    }
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    if (subscriber != null) {
      try {
        subscriber
            .close()
            .toCompletionStage()
            .toCompletableFuture()
            .get(5, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception e) {
        // closing anyway
      }
    }
  }
}

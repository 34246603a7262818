package dev.lethe.gateway.cluster;

import static java.util.Objects.requireNonNull;

import dev.lethe.config.rules.RuleSet;
import dev.lethe.config.rules.RuleSetListener;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Lets a request wait, without blocking its event loop, until the rules reach a version ({@code
 * x-lethe-min-rules-version}). Registered as a {@link RuleSetListener}: each publication releases
 * the waiters it satisfies; a timer releases the others unsatisfied. The result is the answer to
 * "was version N reached in time", and the caller then reads the snapshot itself, which is at least
 * as new.
 */
public final class VersionGate implements RuleSetListener {
  /** Waiters beyond this are answered at once (unsatisfied), so a flood cannot grow the list. */
  static final int MAX_WAITERS = 10_000;

  private final Vertx vertx;
  private final Runnable behind;
  private final List<Waiter> waiters = new ArrayList<>();
  private volatile long version;

  private record Waiter(long target, Context context, Promise<Boolean> promise, long[] timer) {}

  /**
   * Creates a gate.
   *
   * @param behind called when a request waits for a version not yet seen (a hint to pull now)
   */
  public VersionGate(Vertx vertx, Runnable behind) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.behind = requireNonNull(behind, "behind");
  }

  @Override
  public void published(RuleSet current) {
    version = current.version();
    List<Waiter> done = new ArrayList<>();
    synchronized (waiters) {
      for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        if (w.target <= current.version()) {
          it.remove();
          done.add(w);
        }
      }
    }
    for (Waiter w : done) {
      w.context.runOnContext(
          v -> {
            vertx.cancelTimer(w.timer[0]);
            w.promise.tryComplete(true);
          });
    }
  }

  /**
   * Completes with {@code true} once the rules reach {@code target}, or {@code false} after {@code
   * wait}. Call on an event loop.
   */
  public Future<Boolean> await(long target, Duration wait) {
    if (version >= target) {
      return Future.succeededFuture(true);
    }
    Context context = vertx.getOrCreateContext();
    Promise<Boolean> promise = Promise.promise();
    Waiter w = new Waiter(target, context, promise, new long[] {-1});
    synchronized (waiters) {
      if (waiters.size() >= MAX_WAITERS) {
        return Future.succeededFuture(false);
      }
      waiters.add(w);
    }
    if (version >= target) {
      // Published between the first check and the registration.
      synchronized (waiters) {
        waiters.remove(w);
      }
      return Future.succeededFuture(true);
    }
    w.timer[0] =
        vertx.setTimer(
            Math.max(1, wait.toMillis()),
            id -> {
              synchronized (waiters) {
                waiters.remove(w);
              }
              promise.tryComplete(version >= target);
            });
    behind.run();
    return promise.future();
  }
}

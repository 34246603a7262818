package dev.lethe.gateway.decisions;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fans decisions out to live subscribers (the admin decisions stream). {@link #publish} may be
 * called from any thread and never blocks: it offers the event to each subscriber's bounded buffer
 * and asks the subscriber's own event loop to drain it. A subscriber whose buffer is full (its
 * client reads slower than decisions are made) is disconnected and counted in {@code
 * lethe_decision_stream_dropped_total}; the others are not slowed down. With no subscriber,
 * publishing costs one check.
 */
public final class DecisionFeed implements AutoCloseable {
  /** Events buffered per subscriber by default before it is dropped. */
  public static final int DEFAULT_BUFFER = 256;

  /** Subscribers at once by default; more are refused. */
  public static final int DEFAULT_MAX_SUBSCRIBERS = 16;

  private final Clock clock;
  private final boolean includePrompts;
  private final int buffer;
  private final int maxSubscribers;
  private final Set<Subscription> subscribers = ConcurrentHashMap.newKeySet();
  private final AtomicLong seq = new AtomicLong();
  private final Counter dropped;
  private volatile boolean closed;

  /** Where a subscriber's events go; every method is called on the subscriber's context. */
  public interface Sink {
    /** Whether the client can take more now ({@code false}: its write queue is full). */
    boolean writable();

    /** Calls {@code then} once the client can take more again (replaces an earlier one). */
    void whenWritable(Runnable then);

    /** Writes one event. */
    void write(DecisionEvent event);

    /**
     * Ends the subscription's connection.
     *
     * @param slow {@code true} when the subscriber was dropped for falling behind
     */
    void close(boolean slow);
  }

  /**
   * What the guard knows of a decision when the request's response ends.
   *
   * @param requestId the request's id
   * @param decision the input decision's wire name
   * @param ruleId the rule that decided, or {@code null}
   * @param rulesVersion the snapshot the request was judged by
   * @param surface the route
   * @param model the model asked for
   * @param outputCut whether the output filter cut the answer
   * @param prompt the prompt excerpt, or {@code null} (always {@code null} unless {@link
   *     #includePrompts})
   * @param reason the error code the gateway answered with itself ({@code scan_too_large}, {@code
   *     request_too_large}, {@code rules_version_unavailable}, …), or {@code null}
   */
  public record Decided(
      String requestId,
      String decision,
      String ruleId,
      long rulesVersion,
      String surface,
      String model,
      boolean outputCut,
      String prompt,
      String reason) {
    /** A decision the gateway did not answer with an error of its own (no reason). */
    public Decided(
        String requestId,
        String decision,
        String ruleId,
        long rulesVersion,
        String surface,
        String model,
        boolean outputCut,
        String prompt) {
      this(requestId, decision, ruleId, rulesVersion, surface, model, outputCut, prompt, null);
    }
  }

  /**
   * Creates the feed.
   *
   * @param includePrompts whether events carry the prompt ({@code admin.decisionStreamPrompts})
   * @param buffer events buffered per subscriber before it is dropped
   * @param maxSubscribers subscribers at once
   * @param clock the time of each event
   * @param meters where the subscriber gauge and the drop counter go
   */
  public DecisionFeed(
      boolean includePrompts, int buffer, int maxSubscribers, Clock clock, MeterRegistry meters) {
    if (buffer < 1) {
      throw new IllegalArgumentException("buffer: " + buffer + " (expected: >= 1)");
    }
    if (maxSubscribers < 1) {
      throw new IllegalArgumentException("maxSubscribers: " + maxSubscribers + " (expected: >= 1)");
    }
    this.includePrompts = includePrompts;
    this.buffer = buffer;
    this.maxSubscribers = maxSubscribers;
    this.clock = requireNonNull(clock, "clock");
    this.dropped =
        Counter.builder("lethe.decision.stream.dropped")
            .description(
                "Decision-stream subscribers disconnected because they fell a whole buffer behind")
            .register(meters);
    Gauge.builder("lethe.decision.stream.subscribers", subscribers, Set::size)
        .description("Clients subscribed to the live decisions stream")
        .register(meters);
  }

  /** Whether events carry the prompt excerpt. */
  public boolean includePrompts() {
    return includePrompts;
  }

  /** Whether anyone listens now (a caller may skip building the event when not). */
  public boolean hasSubscribers() {
    return !subscribers.isEmpty();
  }

  /** Subscribers dropped for falling behind, since start. */
  public long droppedCount() {
    return (long) dropped.count();
  }

  /** Subscribers now. */
  public int subscriberCount() {
    return subscribers.size();
  }

  /** Hands {@code d} to every subscriber; never blocks. */
  public void publish(Decided d) {
    if (subscribers.isEmpty()) {
      return;
    }
    DecisionEvent e =
        new DecisionEvent(
            seq.incrementAndGet(),
            clock.instant(),
            d.requestId(),
            d.decision(),
            d.ruleId(),
            d.rulesVersion(),
            d.surface(),
            d.model(),
            d.outputCut(),
            includePrompts ? d.prompt() : null,
            d.reason());
    for (Subscription s : subscribers) {
      s.offer(e);
    }
  }

  /**
   * Subscribes {@code sink}, drained on {@code context}; empty when {@link #DEFAULT_MAX_SUBSCRIBERS
   * the limit} is reached or the feed is closed.
   */
  public Optional<Subscription> subscribe(Context context, Sink sink) {
    requireNonNull(context, "context");
    requireNonNull(sink, "sink");
    synchronized (subscribers) {
      if (closed || subscribers.size() >= maxSubscribers) {
        return Optional.empty();
      }
      Subscription s = new Subscription(context, sink, buffer);
      subscribers.add(s);
      return Optional.of(s);
    }
  }

  /** Ends every subscription (the gateway stops). */
  @Override
  public void close() {
    synchronized (subscribers) {
      closed = true;
    }
    for (Subscription s : subscribers) {
      s.end(false);
    }
  }

  /** One subscriber: its bounded buffer and the state of its drain. */
  public final class Subscription {
    private final Context context;
    private final Sink sink;
    private final BlockingQueue<DecisionEvent> queue;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();

    private Subscription(Context context, Sink sink, int buffer) {
      this.context = context;
      this.sink = sink;
      this.queue = new ArrayBlockingQueue<>(buffer);
    }

    private void offer(DecisionEvent e) {
      if (ended.get()) {
        return;
      }
      if (!queue.offer(e)) {
        dropped.increment();
        end(true);
        return;
      }
      if (scheduled.compareAndSet(false, true)) {
        context.runOnContext(v -> drain());
      }
    }

    /** Writes what is buffered while the client keeps up (on the subscriber's context). */
    private void drain() {
      scheduled.set(false);
      while (!ended.get()) {
        if (!sink.writable()) {
          sink.whenWritable(
              () -> {
                if (scheduled.compareAndSet(false, true)) {
                  drain();
                }
              });
          return;
        }
        DecisionEvent e = queue.poll();
        if (e == null) {
          return;
        }
        sink.write(e);
      }
    }

    /** Events waiting for this subscriber. */
    public int buffered() {
      return queue.size();
    }

    /** Unsubscribes (the client went away); idempotent. */
    public void cancel() {
      if (ended.compareAndSet(false, true)) {
        subscribers.remove(this);
        queue.clear();
      }
    }

    private void end(boolean slow) {
      if (ended.compareAndSet(false, true)) {
        subscribers.remove(this);
        queue.clear();
        context.runOnContext(v -> sink.close(slow));
      }
    }
  }
}

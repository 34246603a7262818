package dev.lethe.gateway.decisions;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The feed in isolation: order, the prompt switch, slow subscribers dropped, limits, close. */
class DecisionFeedTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

  Vertx vertx;
  Context context;
  SimpleMeterRegistry meters;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    meters = new SimpleMeterRegistry();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A sink that records what it got; {@code writable} can be switched off (a stalled client). */
  static final class Recorder implements DecisionFeed.Sink {
    final List<DecisionEvent> got = new CopyOnWriteArrayList<>();
    final AtomicBoolean writable = new AtomicBoolean(true);
    final CountDownLatch closed = new CountDownLatch(1);
    volatile Boolean closedSlow;
    volatile Runnable resume;

    @Override
    public boolean writable() {
      return writable.get();
    }

    @Override
    public void whenWritable(Runnable then) {
      resume = then;
    }

    @Override
    public void write(DecisionEvent event) {
      got.add(event);
    }

    @Override
    public void close(boolean slow) {
      closedSlow = slow;
      closed.countDown();
    }
  }

  private static DecisionFeed.Decided decided(int i, String prompt) {
    return new DecisionFeed.Decided(
        "req-" + i, "refuse", "basil", 3, "/v1/chat/completions", "gpt-test", false, prompt);
  }

  private void waitFor(java.util.function.BooleanSupplier cond) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!cond.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition within 10 s").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void subscribersGetEveryEventInOrderWithoutThePromptByDefault() throws Exception {
    DecisionFeed feed = new DecisionFeed(false, 16, 4, CLOCK, meters);
    feed.publish(decided(0, "nobody listens")); // nothing to do, nothing kept
    Recorder r = new Recorder();
    assertThat(feed.subscribe(context, r)).isPresent();
    for (int i = 1; i <= 10; i++) {
      feed.publish(decided(i, "What genre does Basil write in?"));
    }
    waitFor(() -> r.got.size() == 10);
    assertThat(r.got).extracting(DecisionEvent::requestId).first().isEqualTo("req-1");
    assertThat(r.got).extracting(DecisionEvent::requestId).last().isEqualTo("req-10");
    assertThat(r.got).allSatisfy(e -> assertThat(e.prompt()).isNull());
    assertThat(r.got.get(0).toJson().toString())
        .doesNotContain("Basil")
        .doesNotContain("prompt")
        .contains("\"time\":\"2026-01-02T03:04:05Z\"")
        .contains("\"ruleId\":\"basil\"")
        .contains("\"rulesVersion\":3")
        .contains("\"surface\":\"/v1/chat/completions\"");
    assertThat(r.got.get(9).seq()).isGreaterThan(r.got.get(0).seq());
  }

  @Test
  void thePromptIsCarriedOnlyWhenOptedInAndCut() throws Exception {
    DecisionFeed feed = new DecisionFeed(true, 16, 4, CLOCK, meters);
    Recorder r = new Recorder();
    feed.subscribe(context, r);
    feed.publish(decided(1, "x".repeat(2000)));
    waitFor(() -> r.got.size() == 1);
    assertThat(r.got.get(0).prompt()).hasSize(DecisionEvent.PROMPT_CHARS + 1).endsWith("…");
    assertThat(r.got.get(0).toJson().has("prompt")).isTrue();
  }

  @Test
  void aStalledSubscriberIsDroppedAndCountedWhileOthersKeepUp() throws Exception {
    int buffer = 8;
    DecisionFeed feed = new DecisionFeed(false, buffer, 4, CLOCK, meters);
    Recorder fast = new Recorder();
    Recorder stalled = new Recorder();
    stalled.writable.set(false);
    feed.subscribe(context, fast);
    feed.subscribe(context, stalled);
    for (int i = 1; i <= buffer; i++) {
      feed.publish(decided(i, null));
    }
    waitFor(() -> fast.got.size() == buffer);
    assertThat(stalled.closed.getCount()).isEqualTo(1);
    assertThat(feed.droppedCount()).isZero();
    feed.publish(decided(buffer + 1, null)); // one more than the stalled one can hold
    assertThat(stalled.closed.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(stalled.closedSlow).isTrue();
    assertThat(stalled.got).isEmpty();
    assertThat(feed.droppedCount()).isEqualTo(1);
    assertThat(meters.get("lethe.decision.stream.dropped").counter().count()).isEqualTo(1.0);
    assertThat(feed.subscriberCount()).isEqualTo(1);
    feed.publish(decided(buffer + 2, null));
    waitFor(() -> fast.got.size() == buffer + 2);
    assertThat(fast.closed.getCount()).isEqualTo(1);
  }

  @Test
  void aSubscriberThatCatchesUpGetsWhatWasBuffered() throws Exception {
    DecisionFeed feed = new DecisionFeed(false, 8, 4, CLOCK, meters);
    Recorder r = new Recorder();
    r.writable.set(false);
    feed.subscribe(context, r);
    for (int i = 1; i <= 5; i++) {
      feed.publish(decided(i, null));
    }
    waitFor(() -> r.resume != null);
    assertThat(r.got).isEmpty();
    r.writable.set(true);
    context.runOnContext(v -> r.resume.run());
    waitFor(() -> r.got.size() == 5);
    assertThat(feed.droppedCount()).isZero();
  }

  @Test
  void theSubscriberLimitHoldsAndCloseEndsEveryone() throws Exception {
    DecisionFeed feed = new DecisionFeed(false, 8, 2, CLOCK, meters);
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    var sa = feed.subscribe(context, a);
    assertThat(feed.subscribe(context, b)).isPresent();
    assertThat(feed.subscribe(context, new Recorder())).isEmpty();
    assertThat(meters.get("lethe.decision.stream.subscribers").gauge().value()).isEqualTo(2.0);
    sa.orElseThrow().cancel();
    assertThat(feed.subscriberCount()).isEqualTo(1);
    feed.close();
    assertThat(b.closed.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(b.closedSlow).isFalse();
    assertThat(feed.subscribe(context, new Recorder())).isEmpty();
    assertThat(feed.droppedCount()).isZero();
  }
}

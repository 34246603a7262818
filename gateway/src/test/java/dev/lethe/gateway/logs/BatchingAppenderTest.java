package dev.lethe.gateway.logs;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.read.ListAppender;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The access log's batching appender on a logger context of its own: every line written, in the
 * order logged, in fewer writes than lines; everything queued is written when it stops (also in the
 * middle of its linger); other appenders get the events one by one, in order; a configuration
 * without exactly one appender-ref does not start.
 */
class BatchingAppenderTest {
  final PrintStream originalErr = System.err;
  final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  final AtomicInteger writes = new AtomicInteger();
  LoggerContext context;

  @BeforeEach
  void captureStderr() {
    OutputStream counting =
        new OutputStream() {
          @Override
          public void write(int b) {
            captured.write(b);
          }

          @Override
          public synchronized void write(byte[] b, int off, int len) {
            writes.incrementAndGet();
            captured.write(b, off, len);
          }
        };
    System.setErr(new PrintStream(counting, true, StandardCharsets.UTF_8));
    context = new LoggerContext();
    context.setName("batching-test");
    // as the SLF4J provider sets it on the default context (events read the MDC when queued)
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
  }

  @AfterEach
  void restore() {
    context.stop();
    System.setErr(originalErr);
  }

  ConsoleAppender<ILoggingEvent> console() {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%msg%n");
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("STDERR");
    console.setTarget("System.err");
    console.setEncoder(encoder);
    console.start();
    return console;
  }

  BatchingAppender batching(ch.qos.logback.core.Appender<ILoggingEvent> target, int linger) {
    BatchingAppender a = new BatchingAppender();
    a.setContext(context);
    a.setName("ACCESS");
    a.setQueueSize(64);
    a.setLingerMillis(linger);
    a.addAppender(target);
    a.start();
    return a;
  }

  Logger logger(BatchingAppender a) {
    Logger log = context.getLogger("lethe.access");
    log.setAdditive(false);
    log.setLevel(Level.INFO);
    log.addAppender(a);
    return log;
  }

  List<String> lines() {
    String text = captured.toString(StandardCharsets.UTF_8);
    return text.isEmpty() ? List.of() : List.of(text.split("\n"));
  }

  @Test
  void writesEveryLineInOrderInFewerWritesThanLines() throws Exception {
    BatchingAppender a = batching(console(), 2);
    assertThat(a.isStarted()).isTrue();
    Logger log = logger(a);
    // Four threads log 2,000 lines each through a queue of 64: the loggers wait, nothing drops.
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int id = t;
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    for (int i = 0; i < 2000; i++) {
                      log.info("t{} {}", id, i);
                    }
                  }));
    }
    for (Thread t : threads) {
      t.join();
    }
    a.stop();
    List<String> lines = lines();
    assertThat(lines).hasSize(8000);
    // each thread's lines in the order it logged them
    for (int t = 0; t < 4; t++) {
      String prefix = "t" + t + " ";
      List<String> mine = lines.stream().filter(l -> l.startsWith(prefix)).toList();
      assertThat(mine).hasSize(2000);
      for (int i = 0; i < 2000; i++) {
        assertThat(mine.get(i)).isEqualTo(prefix + i);
      }
    }
    // batched: one write per drained batch, far fewer than one per line
    assertThat(writes.get()).isPositive().isLessThan(8000 / 4);
  }

  @Test
  void oneThreadsLinesKeepTheirExactOrder() {
    BatchingAppender a = batching(console(), 0);
    Logger log = logger(a);
    for (int i = 0; i < 500; i++) {
      log.info("line {}", i);
    }
    a.stop();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      expected.add("line " + i);
    }
    assertThat(lines()).containsExactlyElementsOf(expected);
  }

  @Test
  void stopWritesWhatIsQueuedEvenDuringALongLinger() {
    // After its first batch the worker lingers 1 s; stop() must not wait for it, nor lose lines.
    BatchingAppender a = batching(console(), 1000);
    Logger log = logger(a);
    log.info("first");
    long until = System.nanoTime() + 2_000_000_000L;
    while (lines().isEmpty() && System.nanoTime() < until) {
      Thread.onSpinWait();
    }
    for (int i = 0; i < 40; i++) {
      log.info("queued {}", i);
    }
    long t0 = System.nanoTime();
    a.stop();
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(900);
    List<String> lines = lines();
    assertThat(lines).hasSize(41);
    assertThat(lines.get(0)).isEqualTo("first");
    assertThat(lines.get(40)).isEqualTo("queued 39");
    // a stopped appender takes nothing more
    log.info("after stop");
    assertThat(lines()).hasSize(41);
  }

  @Test
  void anotherAppenderGetsTheEventsOneByOneInOrder() {
    ListAppender<ILoggingEvent> list = new ListAppender<>();
    list.setContext(context);
    list.start();
    BatchingAppender a = batching(list, 1);
    Logger log = logger(a);
    for (int i = 0; i < 300; i++) {
      log.info("event {}", i);
    }
    a.stop();
    assertThat(list.list).hasSize(300);
    for (int i = 0; i < 300; i++) {
      assertThat(list.list.get(i).getFormattedMessage()).isEqualTo("event " + i);
    }
    assertThat(writes.get()).isZero();
  }

  @Test
  void needsExactlyOneAppenderRefAndValidSizes() {
    BatchingAppender none = new BatchingAppender();
    none.setContext(context);
    none.start();
    assertThat(none.isStarted()).isFalse();

    BatchingAppender two = new BatchingAppender();
    two.setContext(context);
    two.addAppender(console());
    ListAppender<ILoggingEvent> list = new ListAppender<>();
    list.setName("LIST");
    two.addAppender(list);
    two.start();
    assertThat(two.isStarted()).isFalse();

    BatchingAppender badQueue = new BatchingAppender();
    badQueue.setContext(context);
    badQueue.addAppender(console());
    badQueue.setQueueSize(0);
    badQueue.start();
    assertThat(badQueue.isStarted()).isFalse();

    BatchingAppender badLinger = new BatchingAppender();
    badLinger.setContext(context);
    badLinger.addAppender(console());
    badLinger.setLingerMillis(-1);
    badLinger.start();
    assertThat(badLinger.isStarted()).isFalse();
  }
}

package dev.lethe.gateway.logs;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Logback's {@code AsyncAppender} for many short lines: events queue (never dropped; the logging
 * thread waits only while {@link #setQueueSize queueSize} events are queued) and one worker thread
 * writes them, in order, <em>a batch per write</em> instead of a {@code write} system call per
 * line.
 *
 * <p>It forwards to the one appender referenced with {@code <appender-ref>}. When that is a {@link
 * ConsoleAppender}, the worker encodes each queued event with that appender's encoder (the same
 * format as every other line) and writes everything it drained in one call to its stream, then
 * flushes; any other appender gets the events one by one, as {@code AsyncAppender} would. After a
 * batch the worker waits {@link #setLingerMillis lingerMillis} before draining again, so that a
 * steady stream of requests wakes it (and makes the logging threads signal it) a few hundred times
 * a second rather than once per line; a line reaches the stream at most that much later.
 *
 * <p>{@link #stop()} (the logger context stopping, as {@code lethe serve}'s shutdown does last)
 * writes every queued line before it returns: none is lost or reordered at shutdown.
 */
public final class BatchingAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
    implements AppenderAttachable<ILoggingEvent> {
  /** The most events written in one batch. */
  static final int MAX_BATCH = 1024;

  private final AppenderAttachableImpl<ILoggingEvent> attached = new AppenderAttachableImpl<>();
  private int queueSize = 8192;
  private int lingerMillis = 2;
  private volatile BlockingQueue<ILoggingEvent> queue;
  private Thread worker;
  private Appender<ILoggingEvent> target;
  private Encoder<ILoggingEvent> encoder;
  private OutputStream stream;

  /** Events held before a logging thread waits (default 8192). */
  public void setQueueSize(int queueSize) {
    this.queueSize = queueSize;
  }

  /** How long the worker waits after a batch before it drains the queue again (default 2). */
  public void setLingerMillis(int lingerMillis) {
    this.lingerMillis = lingerMillis;
  }

  @Override
  public void start() {
    if (isStarted()) {
      return;
    }
    if (queueSize < 1) {
      addError("queueSize: " + queueSize + " (expected: >= 1)");
      return;
    }
    if (lingerMillis < 0 || lingerMillis > 1000) {
      addError("lingerMillis: " + lingerMillis + " (expected: 0..1000)");
      return;
    }
    Iterator<Appender<ILoggingEvent>> it = attached.iteratorForAppenders();
    if (!it.hasNext()) {
      addError("no appender-ref: the batching appender needs exactly one");
      return;
    }
    target = it.next();
    if (it.hasNext()) {
      addError("more than one appender-ref: the batching appender needs exactly one");
      return;
    }
    encoder = null;
    stream = null;
    if (target instanceof ConsoleAppender<ILoggingEvent> console
        && console.getEncoder() != null
        && console.getOutputStream() != null) {
      encoder = console.getEncoder();
      stream = console.getOutputStream();
    }
    queue = new ArrayBlockingQueue<>(queueSize);
    super.start();
    worker =
        Thread.ofPlatform().name("lethe-log-" + getName()).daemon(true).unstarted(this::drainLoop);
    worker.start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    // What AsyncAppender does on the logging thread: the message, MDC and thread name are fixed
    // now, not when the worker formats the line.
    event.prepareForDeferredProcessing();
    BlockingQueue<ILoggingEvent> q = queue;
    boolean interrupted = false;
    while (true) {
      try {
        q.put(event);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void drainLoop() {
    List<ILoggingEvent> batch = new ArrayList<>(MAX_BATCH);
    ByteArrayOutputStream buf = new ByteArrayOutputStream(64 * 1024);
    BlockingQueue<ILoggingEvent> q = queue;
    while (isStarted()) {
      try {
        ILoggingEvent first = q.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        q.drainTo(batch, MAX_BATCH - 1);
        write(batch, buf);
        if (lingerMillis > 0 && q.size() < queueSize / 2) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(lingerMillis));
        }
      } catch (InterruptedException e) {
        // stop() interrupts a worker that is waiting: drain below
      } catch (RuntimeException e) {
        addError("writing queued log lines", e);
      } finally {
        batch.clear();
      }
    }
    drainRest(batch, buf);
  }

  private void drainRest(List<ILoggingEvent> batch, ByteArrayOutputStream buf) {
    BlockingQueue<ILoggingEvent> q = queue;
    while (q.drainTo(batch, MAX_BATCH) > 0) {
      try {
        write(batch, buf);
      } catch (RuntimeException e) {
        addError("writing queued log lines", e);
      } finally {
        batch.clear();
      }
    }
  }

  /** Writes {@code batch} in order: one write to the console's stream, or one append each. */
  private void write(List<ILoggingEvent> batch, ByteArrayOutputStream buf) {
    if (stream == null) {
      for (ILoggingEvent e : batch) {
        target.doAppend(e);
      }
      return;
    }
    buf.reset();
    for (ILoggingEvent e : batch) {
      byte[] line = encoder.encode(e);
      if (line != null) {
        buf.writeBytes(line);
      }
    }
    if (buf.size() == 0) {
      return;
    }
    try {
      stream.write(buf.toByteArray());
      stream.flush();
    } catch (IOException e) {
      addError("writing " + batch.size() + " log lines", e);
    }
  }

  /**
   * Stops taking events and writes every queued one (in order) before returning, waiting at most 10
   * s for the worker; what it has not written by then is written on the calling thread.
   */
  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    super.stop();
    worker.interrupt();
    try {
      worker.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!worker.isAlive()) {
      // Anything appended between the worker's last drain and the stop flag (a logging thread
      // that passed the started check just before) is written here.
      drainRest(new ArrayList<>(), new ByteArrayOutputStream());
    }
  }

  @Override
  public void addAppender(Appender<ILoggingEvent> newAppender) {
    attached.addAppender(newAppender);
  }

  @Override
  public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
    return attached.iteratorForAppenders();
  }

  @Override
  public Appender<ILoggingEvent> getAppender(String name) {
    return attached.getAppender(name);
  }

  @Override
  public boolean isAttached(Appender<ILoggingEvent> appender) {
    return attached.isAttached(appender);
  }

  @Override
  public void detachAndStopAllAppenders() {
    attached.detachAndStopAllAppenders();
  }

  @Override
  public boolean detachAppender(Appender<ILoggingEvent> appender) {
    return attached.detachAppender(appender);
  }

  @Override
  public boolean detachAppender(String name) {
    return attached.detachAppender(name);
  }
}

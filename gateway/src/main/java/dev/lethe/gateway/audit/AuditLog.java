package dev.lethe.gateway.audit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tamper-evident audit log: every rule change and every decision, appended as JSON Lines to
 * {@code <dataDir>/audit/audit-NNNNNNNNNNNN.jsonl}, each record chained to the one before.
 *
 * <p>Chain: a record is a JSON object whose fields end with {@code "prev"} (the previous record's
 * {@code hash}; 64 zeros for the first) and {@code "hash"}: the SHA-256, in hex, of the record's
 * bytes up to and excluding {@code ,"hash":…}, closed by <code>}</code>. So editing any byte of a
 * record changes its hash (the record itself is reported), removing or reordering records breaks
 * {@code seq} and {@code prev} (the first record after the damage is reported). Rotation starts a
 * new file whose first record points at the last hash of the previous file: the chain runs across
 * files. {@link AuditVerifier} checks it.
 *
 * <p>Appending never runs on an event loop: {@link #append} only enqueues (bounded; a full queue
 * drops the record and counts it in {@code lethe_audit_dropped_total}); one writer thread encodes,
 * hashes and writes what is queued, then fsyncs once per batch (the journal's durability: a record
 * is on disk before {@link #append}'s future completes). Rule changes wait for that future before
 * the admin write answers; decisions do not wait.
 *
 * <p>Group commit: an {@code fsync} costs the writer far more CPU than encoding, hashing and
 * writing a record (hundreds of microseconds against a few), so after each batch the writer waits
 * {@value #GROUP_COMMIT_MILLIS} ms for more decisions before it writes the next one: under steady
 * traffic one {@code fsync} covers that many more records. A rule change ({@link #append}) wakes
 * the writer at once, so an admin write does not wait for the window; {@link #close} does too.
 */
public final class AuditLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
  static final String ZERO_HASH = "0".repeat(64);
  private static final JsonFactory JSON = new JsonFactory();
  private static final HexFormat HEX = HexFormat.of();

  /** How long the writer waits after a batch for more decisions before writing the next one. */
  static final long GROUP_COMMIT_MILLIS = 5;

  private final Path dir;
  private final long maxFileBytes;
  private final Clock clock;
  private final BlockingQueue<Pending> queue;
  private final int queueCapacity;
  private final long groupCommitNanos;
  private final Thread writer;
  private final Counter dropped;
  private final Counter written;
  private final Timer fsyncs;
  private final MessageDigest sha = sha256();
  // the writer thread's batch buffer, reused (it grows to the largest batch written)
  private final Bytes batchBytes = new Bytes(64 * 1024);
  private FileChannel channel;
  private Path current;
  private long currentBytes;
  private long seq;
  private String lastHash;
  private volatile boolean closed;

  private final Mac mac;

  /** A queued record; a decision's prompt is hashed on the writer thread, then dropped. */
  private record Pending(
      AuditRecord record, DecisionEvent decision, CompletableFuture<Long> done) {}

  private record DecisionEvent(
      String requestId,
      String httpRequestId,
      String ruleId,
      String decision,
      boolean outputCut,
      long rulesVersion,
      byte[] prompt) {}

  private AuditLog(
      Path dir,
      byte[] key,
      long maxFileBytes,
      int queueCapacity,
      Clock clock,
      MeterRegistry m,
      long groupCommitNanos) {
    this.dir = dir;
    this.groupCommitNanos = groupCommitNanos;
    try {
      this.mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 unavailable", e);
    }
    this.maxFileBytes = maxFileBytes;
    this.clock = clock;
    this.queue = new ArrayBlockingQueue<>(queueCapacity);
    this.queueCapacity = queueCapacity;
    this.dropped =
        Counter.builder("lethe.audit.dropped")
            .description("Audit records dropped because the writer fell behind (fail-open)")
            .register(m);
    this.written =
        Counter.builder("lethe.audit.records").description("Audit records written").register(m);
    this.fsyncs =
        Timer.builder("lethe.audit.fsync")
            .description("Time to write and fsync one batch of audit records")
            .register(m);
    this.writer = Thread.ofPlatform().name("lethe-audit").daemon(true).unstarted(this::run);
  }

  /**
   * Opens (or creates) the log in {@code dir}, recovering the chain's tail: a torn last line (a
   * crash mid-write) is cut away and logged.
   *
   * @param maxFileBytes rotate once the active file reaches this size
   */
  public static AuditLog open(
      Path dir, byte[] key, long maxFileBytes, int queueCapacity, Clock clock, MeterRegistry meters)
      throws IOException {
    return open(
        dir,
        key,
        maxFileBytes,
        queueCapacity,
        clock,
        meters,
        TimeUnit.MILLISECONDS.toNanos(GROUP_COMMIT_MILLIS));
  }

  /** {@link #open} with another group-commit wait (tests), in nanoseconds (0: none). */
  static AuditLog open(
      Path dir,
      byte[] key,
      long maxFileBytes,
      int queueCapacity,
      Clock clock,
      MeterRegistry meters,
      long groupCommitNanos)
      throws IOException {
    requireNonNull(dir, "dir");
    requireNonNull(key, "key");
    if (maxFileBytes < 1024) {
      throw new IllegalArgumentException("maxFileBytes: " + maxFileBytes + " (expected: >= 1024)");
    }
    Files.createDirectories(dir);
    if (groupCommitNanos < 0) {
      throw new IllegalArgumentException(
          "groupCommitNanos: " + groupCommitNanos + " (expected: >= 0)");
    }
    AuditLog log =
        new AuditLog(dir, key, maxFileBytes, queueCapacity, clock, meters, groupCommitNanos);
    log.recover();
    log.writer.start();
    return log;
  }

  private void recover() throws IOException {
    List<Path> files = AuditFiles.list(dir);
    seq = 0;
    lastHash = ZERO_HASH;
    if (files.isEmpty()) {
      openFile(1);
      return;
    }
    Path last = files.get(files.size() - 1);
    byte[] bytes = Files.readAllBytes(last);
    int end = bytes.length;
    if (end > 0 && bytes[end - 1] != '\n') {
      int cut = lastIndexOf(bytes, (byte) '\n', end - 1) + 1;
      LOG.warn("audit log {}: cutting a torn last line ({} bytes)", last, end - cut);
      try (FileChannel ch = FileChannel.open(last, StandardOpenOption.WRITE)) {
        ch.truncate(cut);
        ch.force(true);
      }
      end = cut;
    }
    // The tail of the chain: the last complete record of the newest non-empty file.
    for (int i = files.size() - 1; i >= 0 && seq == 0; i--) {
      byte[] b =
          i == files.size() - 1
              ? java.util.Arrays.copyOf(bytes, end)
              : Files.readAllBytes(files.get(i));
      int stop = b.length;
      if (stop == 0) {
        continue;
      }
      int start = lastIndexOf(b, (byte) '\n', stop - 2) + 1;
      String line = new String(b, start, stop - start - 1, StandardCharsets.UTF_8);
      AuditRecord.Parsed p = AuditRecord.parse(line);
      seq = p.seq();
      lastHash = p.hash();
    }
    current = last;
    channel = FileChannel.open(last, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    currentBytes = channel.size();
  }

  private static int lastIndexOf(byte[] b, byte v, int from) {
    for (int i = from; i >= 0; i--) {
      if (b[i] == v) {
        return i;
      }
    }
    return -1;
  }

  private void openFile(long firstSeq) throws IOException {
    current = dir.resolve(AuditFiles.name(firstSeq));
    channel =
        FileChannel.open(
            current,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
    currentBytes = channel.size();
    AuditFiles.fsyncDir(dir);
  }

  /**
   * Queues {@code record}; never blocks. The future completes with its sequence number once it is
   * on disk, or exceptionally when it was dropped or could not be written.
   */
  public CompletableFuture<Long> append(AuditRecord record) {
    CompletableFuture<Long> done =
        enqueue(new Pending(requireNonNull(record, "record"), null, new CompletableFuture<>()));
    // its caller waits for the fsync: end the writer's group-commit wait now
    LockSupport.unpark(writer);
    return done;
  }

  /**
   * Queues a decision; never blocks, and costs the caller one queue offer: the prompt's keyed hash
   * is computed on the writer thread and the prompt is never written.
   *
   * @param prompt the request body as received (hashed with the log's key, then dropped)
   */
  public CompletableFuture<Long> decision(
      String requestId,
      String ruleId,
      String decision,
      boolean outputCut,
      long rulesVersion,
      byte[] prompt) {
    return decision(requestId, null, ruleId, decision, outputCut, rulesVersion, prompt);
  }

  /**
   * {@link #decision(String, String, String, boolean, long, byte[])} with the HTTP request's {@code
   * x-request-id} recorded as {@code httpRequestId} (when not {@code null}), to find the record of
   * an access-log line.
   */
  public CompletableFuture<Long> decision(
      String requestId,
      String httpRequestId,
      String ruleId,
      String decision,
      boolean outputCut,
      long rulesVersion,
      byte[] prompt) {
    return enqueue(
        new Pending(
            null,
            new DecisionEvent(
                requestId, httpRequestId, ruleId, decision, outputCut, rulesVersion, prompt),
            new CompletableFuture<>()));
  }

  private CompletableFuture<Long> enqueue(Pending p) {
    CompletableFuture<Long> done = p.done();
    if (closed || !queue.offer(p)) {
      dropped.increment();
      done.completeExceptionally(new IOException("audit log queue full or closed; record dropped"));
    }
    return done;
  }

  private void run() {
    List<Pending> batch = new ArrayList<>();
    while (!closed || !queue.isEmpty()) {
      try {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, 4095);
        writeBatch(batch);
        if (groupCommitNanos > 0 && !closed && queue.size() < queueCapacity / 4) {
          // group commit: let more decisions queue before the next write and fsync (append of a
          // rule change and close unpark the writer early; a queue a quarter full is written at
          // once, so that the wait never makes a decision drop)
          LockSupport.parkNanos(this, groupCommitNanos);
        }
      } catch (InterruptedException e) {
        if (closed) {
          break;
        }
      } catch (RuntimeException e) {
        LOG.error("audit writer failed", e);
        batch.forEach(p -> p.done.completeExceptionally(e));
      } finally {
        batch.clear();
      }
    }
  }

  private void writeBatch(List<Pending> batch) {
    long t0 = System.nanoTime();
    List<Long> seqs = new ArrayList<>(batch.size());
    try {
      Bytes buf = batchBytes;
      buf.reset();
      for (Pending p : batch) {
        if (currentBytes + buf.size() >= maxFileBytes && (currentBytes + buf.size()) > 0) {
          flush(buf);
          channel.force(true);
          channel.close();
          openFile(seq + 1);
        }
        AuditRecord record = p.record();
        if (record == null) {
          DecisionEvent d = p.decision();
          record =
              new AuditRecord.Decision(
                  d.requestId(),
                  d.httpRequestId(),
                  d.ruleId(),
                  d.decision(),
                  d.outputCut(),
                  d.rulesVersion(),
                  HEX.formatHex(mac.doFinal(d.prompt())));
        }
        encode(record, seq + 1, lastHash, buf);
        seq++;
        seqs.add(seq);
      }
      flush(buf);
      channel.force(false);
      // counted before anyone is told the batch is durable, so that a caller who has seen its
      // record acknowledged also sees the fsync that made it so
      fsyncs.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
      written.increment(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).done.complete(seqs.get(i));
      }
    } catch (IOException e) {
      fsyncs.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
      LOG.error("audit log {}: write failed", current, e);
      batch.forEach(p -> p.done.completeExceptionally(e));
    }
  }

  private void flush(Bytes buf) throws IOException {
    if (buf.size() == 0) {
      return;
    }
    ByteBuffer bb = ByteBuffer.wrap(buf.array(), 0, buf.size());
    while (bb.hasRemaining()) {
      channel.write(bb);
    }
    currentBytes += buf.size();
    buf.reset();
  }

  /**
   * Encodes one record with its chain fields at the end of {@code buf} (one line, newline
   * included); updates {@code lastHash}. The record is encoded in place: no copy of it is made.
   */
  private void encode(AuditRecord r, long seqNo, String prev, Bytes buf) throws IOException {
    int start = buf.size();
    try (JsonGenerator g = JSON.createGenerator(buf)) {
      g.writeStartObject();
      g.writeNumberField("seq", seqNo);
      g.writeStringField("time", clock.instant().toString());
      r.write(g);
      g.writeStringField("prev", prev);
      g.writeEndObject();
    }
    // The record ends with '}': the hash covers everything before it plus the brace, and the
    // brace is then replaced by the hash field and a new closing brace.
    int end = buf.size();
    sha.reset();
    sha.update(buf.array(), start, end - start);
    String hash = HEX.formatHex(sha.digest());
    lastHash = hash;
    buf.truncate(end - 1);
    buf.writeBytes((",\"hash\":\"" + hash + "\"}\n").getBytes(StandardCharsets.US_ASCII));
  }

  /** A byte buffer whose array is read in place and whose end can be cut back. */
  static final class Bytes extends ByteArrayOutputStream {
    Bytes(int size) {
      super(size);
    }

    byte[] array() {
      return buf;
    }

    void truncate(int size) {
      count = size;
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The directory holding the files. */
  public Path directory() {
    return dir;
  }

  /** Writes what is queued, then closes the file. */
  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(writer);
    try {
      writer.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      if (channel != null) {
        channel.force(true);
        channel.close();
      }
    } catch (IOException e) {
      LOG.warn("audit log {}: close failed", current, e);
    }
  }
}

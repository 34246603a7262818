package dev.lethe.config.store;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.RuleChange;
import dev.lethe.config.rules.RuleCodec;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.config.rules.RuleStore;
import dev.lethe.config.rules.RuleStoreException;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default {@link RuleStore}: an append-only journal plus a periodic snapshot, in a
 * data directory.
 *
 * <p>Files:
 *
 * <ul>
 *   <li>{@code rules.lock}: held with an OS file lock while the store is open, so two processes
 *       cannot share a data directory; the journal is locked as well, so deleting the lock file
 *       while a store is open does not let a second one in;
 *   <li>{@code rules.journal}: the 8-byte magic {@code LETHEJ01}, then one record per write;
 *   <li>{@code rules.snapshot}: the magic {@code LETHES01}, a header record {@code
 *       {"version":V,"rules":n}}, then one record per rule (§3.4 JSON).
 * </ul>
 *
 * <p>A record is {@code [length: int32][CRC32C of length and payload: int32][payload]}; a journal
 * payload is the change as JSON with its version (see {@code ChangeCodec}). {@link #append} writes
 * one record and calls {@link FileChannel#force} before returning, so an acknowledged write
 * survives a crash or {@code kill -9}.
 *
 * <p>Compaction, every {@link JournalOptions#compactEvery()} records: the rule set as of version V
 * is written to {@code rules.snapshot.tmp}, fsynced, atomically renamed over {@code
 * rules.snapshot}, the directory fsynced; then the journal is replaced the same way by one holding
 * only the records after V. By default the snapshot is written on a background thread while appends
 * go on; only the journal switch (copying the few records appended meanwhile) holds the lock. A
 * crash between the two renames leaves a journal whose first records are already in the snapshot;
 * recovery skips them by version.
 *
 * <p>Recovery on open: snapshot, then journal records in version order (each must be exactly one
 * more than the last; records already in the snapshot are skipped). A torn <em>last</em> record (a
 * short header, a short payload or a checksum mismatch with nothing valid after it, which is what a
 * crash in the middle of an append leaves) was never acknowledged: it is cut away, fsynced, and
 * reported in {@link #recoveryReport()}, never half-applied. Any other damage, anywhere, is a
 * {@link CorruptStoreException} naming the file and offset: the store refuses to start rather than
 * silently drop acknowledged rules.
 *
 * <p>If an append fails (e.g. disk full), the partial record is cut away again so later appends
 * stay readable; if even that fails, the store refuses further writes until reopened.
 *
 * <p>All methods block on file IO and fsync: call them from worker threads, never from an event
 * loop. Methods are thread-safe (a fair lock), though {@code RuleBook} already serialises writes.
 */
public final class JournalRuleStore implements RuleStore {
  private static final Logger LOG = LoggerFactory.getLogger(JournalRuleStore.class);

  /** The journal's file name. */
  public static final String JOURNAL = "rules.journal";

  /** The snapshot's file name. */
  public static final String SNAPSHOT = "rules.snapshot";

  /** The lock file's name. */
  public static final String LOCK = "rules.lock";

  static final byte[] JOURNAL_MAGIC = "LETHEJ01".getBytes(US_ASCII);
  static final byte[] SNAPSHOT_MAGIC = "LETHES01".getBytes(US_ASCII);
  private static final String TMP = ".tmp";

  private final Path dir;
  private final Path journalPath;
  private final Path snapshotPath;
  private final JournalOptions options;
  private final FileChannel lockChannel;
  private final FileLock fileLock;
  private final RuleSet recovered;
  private final RecoveryReport report;

  /**
   * Fair, so that a background compaction's journal switch is not starved by a stream of writes.
   */
  private final ReentrantLock lock = new ReentrantLock(true);

  private final Condition idle = lock.newCondition();

  private FileChannel journal;
  private long end;
  private long version;
  private long sinceCompaction;
  private long appended;
  private boolean compacting;
  private ExecutorService compactor;
  private final ExecutorService ioThread =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "lethe-rules-io");
            t.setDaemon(true);
            return t;
          });
  private boolean broken;
  private boolean closed;

  private JournalRuleStore(Path dir, JournalOptions options) throws IOException {
    this.dir = dir;
    this.options = options;
    this.journalPath = dir.resolve(JOURNAL);
    this.snapshotPath = dir.resolve(SNAPSHOT);
    Files.createDirectories(dir);
    Path lockPath = dir.resolve(LOCK);
    this.lockChannel =
        FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null;
    }
    if (l == null) {
      lockChannel.close();
      throw new RuleStoreException(
          "rule store "
              + dir
              + " is already open (lock file "
              + lockPath
              + " is held by another process or another store in this process)");
    }
    this.fileLock = l;
    boolean ok = false;
    try {
      // The journal itself is locked too, before anything is read or cleaned up: a lock file
      // deleted while a gateway runs must not let a second process into the same directory.
      if (Files.exists(journalPath)) {
        journal = openJournal();
        lockJournal(journal);
      }
      lockChannel.truncate(0);
      lockChannel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(UTF_8)));
      Files.deleteIfExists(dir.resolve(SNAPSHOT + TMP));
      Files.deleteIfExists(dir.resolve(JOURNAL + TMP));
      Recovery r = recover();
      this.recovered = r.set;
      this.report = r.report;
      this.version = recovered.version();
      ok = true;
    } finally {
      if (!ok) {
        if (journal != null) {
          journal.close();
        }
        ioThread.shutdown();
        releaseLock();
      }
    }
    if (report.truncated()) {
      LOG.warn("rule store {}: {}", dir, report);
    } else {
      LOG.info("rule store {}: {}", dir, report);
    }
    if (sinceCompaction >= options.compactEvery()) {
      try {
        compact(recovered);
      } catch (RuleStoreException e) {
        // The recovered journal is intact; compaction is retried after the next write.
        LOG.warn("rule store {}: compaction after recovery failed, journal kept", dir, e);
      }
    }
  }

  /**
   * Opens (creating when needed) the store in {@code dir} with default options, recovering its
   * rules.
   *
   * @throws CorruptStoreException when a file is damaged other than by a torn last record
   * @throws RuleStoreException when the directory is in use or cannot be read or written
   */
  public static JournalRuleStore open(Path dir) {
    return open(dir, JournalOptions.DEFAULTS);
  }

  /**
   * Opens (creating when needed) the store in {@code dir}, recovering its rules.
   *
   * @throws CorruptStoreException when a file is damaged other than by a torn last record
   * @throws RuleStoreException when the directory is in use or cannot be read or written
   */
  public static JournalRuleStore open(Path dir, JournalOptions options) {
    requireNonNull(dir, "dir");
    requireNonNull(options, "options");
    try {
      return new JournalRuleStore(dir, options);
    } catch (IOException e) {
      throw new RuleStoreException("cannot open rule store " + dir + ": " + e, e);
    }
  }

  /** What recovery found when the store was opened. */
  public RecoveryReport recoveryReport() {
    return report;
  }

  /** The data directory. */
  public Path directory() {
    return dir;
  }

  @Override
  public RuleSet load() {
    return recovered;
  }

  @Override
  public void append(RuleChange change, RuleSet after) {
    lock.lock();
    try {
      appendLocked(change, after);
    } finally {
      lock.unlock();
    }
  }

  private void appendLocked(RuleChange change, RuleSet after) {
    requireNonNull(change, "change");
    requireNonNull(after, "after");
    if (closed) {
      throw new RuleStoreException("rule store " + dir + " is closed");
    }
    if (broken) {
      throw new RuleStoreException(
          "rule store " + dir + " refuses writes after an IO failure; restart to recover");
    }
    if (after.version() != version + 1) {
      throw new IllegalArgumentException(
          "after.version: " + after.version() + " (expected: " + (version + 1) + ")");
    }
    ByteBuffer record = ByteBuffer.wrap(Frames.frame(ChangeCodec.encode(after.version(), change)));
    // The IO runs on a thread of its own: an interrupt of the caller would close the FileChannel
    // in the middle of a write (ClosedByInterruptException). The caller waits uninterruptibly, so
    // it always learns the real outcome, and its interrupt status is kept.
    Future<IOException> io = ioThread.submit(() -> appendRecord(record));
    IOException failure = awaitUninterruptibly(io);
    if (failure != null) {
      throw new RuleStoreException(
          "could not persist rules version "
              + after.version()
              + " in "
              + journalPath
              + ": "
              + failure,
          failure);
    }
    end += record.capacity();
    version = after.version();
    sinceCompaction++;
    appended++;
    if (sinceCompaction >= options.compactEvery() && !compacting) {
      if (options.backgroundCompaction()) {
        startBackgroundCompaction(after);
      } else {
        try {
          compactLocked(after);
        } catch (RuleStoreException e) {
          // The write itself is durable in the journal; compaction is retried after the next one.
          LOG.warn("rule store {}: compaction failed, journal kept", dir, e);
        }
      }
    }
  }

  /** On the IO thread: writes and forces one record; on failure cuts it away again. */
  private IOException appendRecord(ByteBuffer record) {
    try {
      long pos = end;
      while (record.hasRemaining()) {
        pos += journal.write(record, pos);
      }
      journal.force(false);
      return null;
    } catch (IOException e) {
      undoPartialAppend();
      return e;
    }
  }

  private static <T> T awaitUninterruptibly(Future<T> future) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return future.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          throw new RuleStoreException("rule store IO failed: " + e.getCause(), e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Compacts now, in the calling thread: writes the current rules to a fresh snapshot and starts a
   * journal holding only what came after it. Waits for a background compaction in progress first.
   *
   * @param current the rules as of the last append (or as recovered)
   * @throws RuleStoreException when the snapshot or the new journal cannot be written
   */
  public void compact(RuleSet current) {
    requireNonNull(current, "current");
    lock.lock();
    try {
      compactLocked(current);
    } finally {
      lock.unlock();
    }
  }

  private void compactLocked(RuleSet current) {
    awaitCompaction();
    if (closed || broken) {
      throw new RuleStoreException("rule store " + dir + " is closed or broken");
    }
    if (current.version() != version) {
      throw new IllegalArgumentException(
          "current.version: " + current.version() + " (expected: " + version + ")");
    }
    try {
      writeSnapshot(current);
    } catch (IOException e) {
      // Nothing changed that matters: the journal still holds every record.
      throw new RuleStoreException(
          "compaction of " + dir + " failed writing the snapshot: " + e, e);
    }
    switchJournal(end, appended);
  }

  /** Waits until no background compaction is running. */
  public void awaitCompaction() {
    lock.lock();
    try {
      while (compacting) {
        idle.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Starts a compaction of {@code snapshot} (the state as of the journal's current end) on the
   * background thread. Appends go on meanwhile; the journal switch at the end keeps them.
   */
  private void startBackgroundCompaction(RuleSet snapshot) {
    if (compactor == null) {
      compactor =
          Executors.newSingleThreadExecutor(
              r -> {
                Thread t = new Thread(r, "lethe-rules-compactor");
                t.setDaemon(true);
                return t;
              });
    }
    compacting = true;
    long cutOffset = end;
    long cutAppended = appended;
    compactor.execute(
        () -> {
          try {
            // Outside the lock: the snapshot is immutable and only this thread writes the file.
            writeSnapshot(snapshot);
            lock.lock();
            try {
              if (!closed && !broken) {
                switchJournal(cutOffset, cutAppended);
              }
            } finally {
              lock.unlock();
            }
          } catch (IOException | RuntimeException e) {
            LOG.warn("rule store {}: background compaction failed, journal kept", dir, e);
          } finally {
            lock.lock();
            try {
              compacting = false;
              idle.signalAll();
            } finally {
              lock.unlock();
            }
          }
        });
  }

  /**
   * Replaces the journal by one holding only the records after {@code cutOffset} (those appended
   * since the snapshot just written was taken). Caller holds the lock.
   */
  private void switchJournal(long cutOffset, long cutAppended) {
    // From here on the snapshot holds every record before cutOffset; they are redundant.
    Path tmp;
    try {
      ByteBuffer tail = ByteBuffer.allocate(Math.toIntExact(end - cutOffset));
      while (tail.hasRemaining()) {
        if (journal.read(tail, cutOffset + tail.position()) < 0) {
          throw new IOException("journal shorter than its recorded end " + end);
        }
      }
      tail.flip();
      tmp = writeJournal(tail);
    } catch (IOException e) {
      throw new RuleStoreException("compaction of " + dir + " failed writing a journal: " + e, e);
    }
    FileChannel fresh;
    try {
      move(tmp, journalPath);
      fresh = openJournal();
      try {
        lockJournal(fresh);
      } catch (RuntimeException e) {
        fresh.close();
        throw new IOException("cannot lock the new journal: " + e.getMessage(), e);
      }
    } catch (IOException e) {
      // The open channel may now point at a replaced file: appending there would lose writes.
      broken = true;
      throw new RuleStoreException(
          "compaction of " + dir + " failed replacing the journal; refusing writes: " + e, e);
    }
    FileChannel old = journal;
    journal = fresh;
    end = JOURNAL_MAGIC.length + (end - cutOffset);
    sinceCompaction = appended - cutAppended;
    try {
      old.close();
    } catch (IOException e) {
      LOG.warn("rule store {}: closing the old journal failed", dir, e);
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closeLocked();
    } finally {
      lock.unlock();
    }
  }

  private void closeLocked() {
    if (closed) {
      return;
    }
    awaitCompaction();
    closed = true;
    if (compactor != null) {
      compactor.shutdown();
    }
    ioThread.shutdown();
    try {
      if (journal != null) {
        journal.close();
      }
    } catch (IOException e) {
      LOG.warn("rule store {}: closing the journal failed", dir, e);
    }
    releaseLock();
  }

  // ------------------------------------------------------------------ recovery

  private record Recovery(RuleSet set, RecoveryReport report) {}

  private Recovery recover() throws IOException {
    Map<String, ForgetRule> rules = new LinkedHashMap<>();
    long snapshotVersion = 0;
    if (Files.exists(snapshotPath)) {
      snapshotVersion = readSnapshot(rules);
    }
    int snapshotRules = rules.size();
    long v = snapshotVersion;

    if (journal == null) {
      journal = newJournal();
      lockJournal(journal);
      end = JOURNAL_MAGIC.length;
      return new Recovery(
          new RuleSet(v, new ArrayList<>(rules.values())),
          new RecoveryReport(
              snapshotVersion, snapshotRules, 0, 0, 0, -1, 0, null, v, rules.size()));
    }
    // Read through the locked channel: opening and closing another channel on the journal would
    // release this process's lock on it (POSIX record locks belong to the process and the file).
    byte[] data = readAll(journal);
    if (data.length < JOURNAL_MAGIC.length
        || !Arrays.equals(data, 0, JOURNAL_MAGIC.length, JOURNAL_MAGIC, 0, JOURNAL_MAGIC.length)) {
      throw new CorruptStoreException(journalPath, 0, "not a Lethe rules journal (bad magic)");
    }
    Frames.Scan scan = Frames.scan(data, JOURNAL_MAGIC.length);
    long truncatedAt = -1;
    if (scan.problem() != null) {
      int next = Frames.nextValidAfter(data, scan.validEnd());
      if (next >= 0) {
        throw new CorruptStoreException(
            journalPath,
            scan.validEnd(),
            scan.problem()
                + ", yet a valid record follows at offset "
                + next
                + " (damage before the last record; refusing to drop acknowledged rules)");
      }
      truncatedAt = scan.validEnd();
    }
    int replayed = 0;
    int skipped = 0;
    for (Frames.Frame f : scan.frames()) {
      ChangeCodec.Versioned rec;
      try {
        rec = ChangeCodec.decode(f.payload());
      } catch (RuntimeException e) {
        throw new CorruptStoreException(
            journalPath, f.offset(), "checksummed record cannot be decoded: " + e.getMessage());
      }
      if (rec.version() <= snapshotVersion) {
        skipped++;
        continue;
      }
      if (rec.version() != v + 1) {
        throw new CorruptStoreException(
            journalPath,
            f.offset(),
            "record has version " + rec.version() + " (expected: " + (v + 1) + ")");
      }
      applyTo(rules, rec.change());
      v = rec.version();
      replayed++;
    }
    end = scan.validEnd();
    if (truncatedAt >= 0) {
      journal.truncate(end);
      journal.force(true);
    }
    sinceCompaction = scan.frames().size();
    RecoveryReport report =
        new RecoveryReport(
            snapshotVersion,
            snapshotRules,
            scan.frames().size(),
            replayed,
            skipped,
            truncatedAt,
            truncatedAt < 0 ? 0 : data.length - truncatedAt,
            scan.problem(),
            v,
            rules.size());
    return new Recovery(new RuleSet(v, new ArrayList<>(rules.values())), report);
  }

  private static void applyTo(Map<String, ForgetRule> rules, RuleChange change) {
    switch (change) {
      case RuleChange.Put put -> put.rules().forEach(r -> rules.put(r.id(), r));
      case RuleChange.Delete delete -> rules.remove(delete.id());
      case RuleChange.ReplaceAll all -> {
        rules.clear();
        all.rules().forEach(r -> rules.put(r.id(), r));
      }
    }
  }

  private long readSnapshot(Map<String, ForgetRule> rules) throws IOException {
    byte[] data = Files.readAllBytes(snapshotPath);
    if (data.length < SNAPSHOT_MAGIC.length
        || !Arrays.equals(
            data, 0, SNAPSHOT_MAGIC.length, SNAPSHOT_MAGIC, 0, SNAPSHOT_MAGIC.length)) {
      throw new CorruptStoreException(snapshotPath, 0, "not a Lethe rules snapshot (bad magic)");
    }
    Frames.Scan scan = Frames.scan(data, SNAPSHOT_MAGIC.length);
    if (scan.problem() != null) {
      // Snapshots are renamed into place complete; any damage is corruption.
      throw new CorruptStoreException(snapshotPath, scan.validEnd(), scan.problem());
    }
    List<Frames.Frame> frames = scan.frames();
    if (frames.isEmpty()) {
      throw new CorruptStoreException(snapshotPath, SNAPSHOT_MAGIC.length, "no header record");
    }
    long snapshotVersion;
    long count;
    try {
      JsonNode header = RuleCodec.mapper().readTree(frames.getFirst().payload());
      snapshotVersion = header.required("version").asLong(-1);
      count = header.required("rules").asLong(-1);
      if (snapshotVersion < 0 || count < 0) {
        throw new IllegalArgumentException("negative version or count");
      }
    } catch (IOException | RuntimeException e) {
      throw new CorruptStoreException(
          snapshotPath, SNAPSHOT_MAGIC.length, "bad header record: " + e.getMessage());
    }
    if (frames.size() - 1 != count) {
      throw new CorruptStoreException(
          snapshotPath,
          frames.getLast().end(),
          "header announces " + count + " rules, file holds " + (frames.size() - 1));
    }
    for (int i = 1; i < frames.size(); i++) {
      Frames.Frame f = frames.get(i);
      ForgetRule r;
      try {
        r =
            RuleCodec.stored()
                .decodeTree(RuleCodec.mapper().readTree(f.payload()), "rule " + i + ": ", null);
      } catch (IOException | RuntimeException e) {
        throw new CorruptStoreException(snapshotPath, f.offset(), "bad rule: " + e.getMessage());
      }
      if (rules.put(r.id(), r) != null) {
        throw new CorruptStoreException(snapshotPath, f.offset(), "duplicate rule id " + r.id());
      }
    }
    return snapshotVersion;
  }

  // ------------------------------------------------------------------ writing files

  private void writeSnapshot(RuleSet set) throws IOException {
    Path tmp = dir.resolve(SNAPSHOT + TMP);
    try (FileOutputStream fos = new FileOutputStream(tmp.toFile());
        OutputStream out = new BufferedOutputStream(fos, 1 << 20)) {
      out.write(SNAPSHOT_MAGIC);
      out.write(
          Frames.frame(
              ("{\"version\":" + set.version() + ",\"rules\":" + set.size() + "}")
                  .getBytes(UTF_8)));
      for (ForgetRule r : set.rules()) {
        out.write(Frames.frame(RuleCodec.encode(r).getBytes(UTF_8)));
      }
      out.flush();
      fos.getChannel().force(true);
    }
    move(tmp, snapshotPath);
  }

  /** Creates an empty journal (magic only) atomically, and opens it for appending. */
  private FileChannel newJournal() throws IOException {
    move(writeJournal(ByteBuffer.allocate(0)), journalPath);
    return openJournal();
  }

  /**
   * Takes an exclusive OS lock on the open journal, or fails naming the directory as in use. The
   * lock lives as long as the channel.
   */
  private void lockJournal(FileChannel channel) throws IOException {
    FileLock l;
    try {
      l = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null;
    }
    if (l == null) {
      channel.close();
      if (channel == journal) {
        journal = null;
      }
      throw new RuleStoreException(
          "rule store "
              + dir
              + " is already open (its journal "
              + journalPath
              + " is locked by another process or another store in this process)");
    }
  }

  private static byte[] readAll(FileChannel channel) throws IOException {
    long size = channel.size();
    if (size > Integer.MAX_VALUE - 16) {
      throw new IOException("journal of " + size + " bytes is too large to recover");
    }
    ByteBuffer buf = ByteBuffer.allocate((int) size);
    while (buf.hasRemaining()) {
      if (channel.read(buf, buf.position()) < 0) {
        break;
      }
    }
    return buf.position() == buf.capacity()
        ? buf.array()
        : Arrays.copyOf(buf.array(), buf.position());
  }

  private FileChannel openJournal() throws IOException {
    return FileChannel.open(journalPath, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  /** Writes and fsyncs a journal holding the magic and then {@code records}, under a temp name. */
  private Path writeJournal(ByteBuffer records) throws IOException {
    Path tmp = dir.resolve(JOURNAL + TMP);
    try (FileChannel ch =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer magic = ByteBuffer.wrap(JOURNAL_MAGIC);
      while (magic.hasRemaining()) {
        ch.write(magic);
      }
      while (records.hasRemaining()) {
        ch.write(records);
      }
      ch.force(true);
    }
    return tmp;
  }

  private void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the file system of " + dir + " cannot rename atomically", e);
    }
    syncDirectory();
  }

  private void syncDirectory() throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some platforms (Windows) cannot open or sync a directory; Linux and macOS can.
      if (!System.getProperty("os.name", "").startsWith("Windows")) {
        throw e;
      }
    }
  }

  private void undoPartialAppend() {
    try {
      journal.truncate(end);
      journal.force(true);
    } catch (IOException e) {
      broken = true;
      LOG.error("rule store {}: cannot cut a failed append away; refusing writes", dir, e);
    }
  }

  private void releaseLock() {
    try {
      fileLock.release();
    } catch (IOException e) {
      LOG.warn("rule store {}: releasing the lock failed", dir, e);
    }
    try {
      lockChannel.close();
    } catch (IOException e) {
      LOG.warn("rule store {}: closing the lock file failed", dir, e);
    }
  }
}

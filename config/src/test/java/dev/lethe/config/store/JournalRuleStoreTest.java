package dev.lethe.config.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.config.ConfigException;
import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.ImportMode;
import dev.lethe.config.rules.OnError;
import dev.lethe.config.rules.RuleBook;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.config.rules.RuleStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalRuleStoreTest {

  @TempDir Path tmp;

  static ForgetRule rule(String id, String subject) {
    return Workload.rule(id, subject);
  }

  /** Writes writes 1..n of the {@link Workload} and returns the snapshot after them. */
  static RuleSet writeSequence(RuleBook book, int n) {
    int start = (int) book.current().version();
    for (int i = start + 1; i <= start + n; i++) {
      Workload.apply(book, i);
    }
    assertThat(book.current().rules()).isEqualTo(Workload.expected(start + n).rules());
    return book.current();
  }

  private static JournalRuleStore open(Path dir) {
    return JournalRuleStore.open(dir, new JournalOptions(1_000_000));
  }

  @Test
  void journalRoundTripKeepsRulesOrderAndVersion() {
    Path dir = tmp.resolve("data");
    RuleSet written;
    try (RuleBook book = new RuleBook(open(dir))) {
      writeSequence(book, 20);
      book.importRules(
          List.of(rule("i1", "Imported 1"), rule("r1", "Reimported")), ImportMode.MERGE);
      written = book.current();
    }
    try (JournalRuleStore store = open(dir)) {
      RuleSet read = store.load();
      assertThat(read.version()).isEqualTo(21);
      assertThat(read.rules()).isEqualTo(written.rules());
      RecoveryReport r = store.recoveryReport();
      assertThat(r.replayedRecords()).isEqualTo(21);
      assertThat(r.journalRecords()).isEqualTo(21);
      assertThat(r.truncated()).isFalse();
      assertThat(r.snapshotVersion()).isZero();
    }
    // An import in REPLACE mode is one record too.
    try (RuleBook book = new RuleBook(open(dir))) {
      assertThat(book.importRules(List.of(rule("only", "Only")), ImportMode.REPLACE)).isEqualTo(22);
    }
    try (JournalRuleStore store = open(dir)) {
      assertThat(store.load().rules()).containsExactly(rule("only", "Only"));
    }
  }

  /**
   * Issue 19, finding 9: deleting {@code rules.lock} while a store is open must not let a second
   * store into the same directory (both would acknowledge writes, and half of them would be lost on
   * restart). The journal itself is locked, also after a compaction replaced it.
   */
  @Test
  void aDeletedLockFileDoesNotLetASecondStoreIn() throws IOException {
    Path dir = tmp.resolve("data");
    try (RuleBook book = new RuleBook(JournalRuleStore.open(dir, new JournalOptions(5, false)))) {
      writeSequence(book, 3);
      Files.delete(dir.resolve(JournalRuleStore.LOCK));
      assertThatThrownBy(() -> open(dir))
          .isInstanceOf(RuleStoreException.class)
          .hasMessageContaining("already open");
      // Past a compaction (the journal file is replaced) the new journal is locked too.
      writeSequence(book, 4);
      Files.deleteIfExists(dir.resolve(JournalRuleStore.LOCK));
      assertThatThrownBy(() -> open(dir))
          .isInstanceOf(RuleStoreException.class)
          .hasMessageContaining("already open");
      // The first store still writes, and nothing the refused opener did cost a write.
      writeSequence(book, 3);
    }
    try (JournalRuleStore store = open(dir)) {
      assertThat(store.load().version()).isEqualTo(10);
      assertThat(store.load().rules()).isEqualTo(Workload.expected(10).rules());
    }
  }

  @Test
  void emptyDirectoryStartsAtVersionZero() {
    try (JournalRuleStore store = open(tmp.resolve("new/nested"))) {
      assertThat(store.load().version()).isZero();
      assertThat(store.load().size()).isZero();
      assertThat(Files.exists(tmp.resolve("new/nested/" + JournalRuleStore.JOURNAL))).isTrue();
    }
  }

  @Test
  void compactionWritesASnapshotAndAFreshJournal() throws IOException {
    Path dir = tmp.resolve("data");
    RuleSet written;
    try (RuleBook book = new RuleBook(JournalRuleStore.open(dir, new JournalOptions(4, false)))) {
      written = writeSequence(book, 10);
    }
    assertThat(Files.exists(dir.resolve(JournalRuleStore.SNAPSHOT))).isTrue();
    try (JournalRuleStore store = JournalRuleStore.open(dir, new JournalOptions(4, false))) {
      RecoveryReport r = store.recoveryReport();
      assertThat(r.snapshotVersion()).isEqualTo(8);
      assertThat(r.replayedRecords()).isEqualTo(2);
      assertThat(store.load().version()).isEqualTo(10);
      assertThat(store.load().rules()).isEqualTo(written.rules());
    }
    assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
        .containsExactlyInAnyOrder(
            JournalRuleStore.JOURNAL, JournalRuleStore.SNAPSHOT, JournalRuleStore.LOCK);
  }

  @Test
  void backgroundCompactionKeepsWritesAppendedMeanwhile() throws IOException {
    Path dir = tmp.resolve("data");
    RuleSet written;
    try (JournalRuleStore store = JournalRuleStore.open(dir, new JournalOptions(4, true));
        RuleBook book = new RuleBook(store)) {
      for (int round = 0; round < 10; round++) {
        writeSequence(book, 3);
      }
      store.awaitCompaction();
      written = writeSequence(book, 3);
    }
    assertThat(Files.exists(dir.resolve(JournalRuleStore.SNAPSHOT))).isTrue();
    try (JournalRuleStore store = JournalRuleStore.open(dir, new JournalOptions(1_000))) {
      RecoveryReport r = store.recoveryReport();
      assertThat(r.snapshotVersion()).isPositive();
      assertThat(r.journalRecords()).isLessThan(33);
      assertThat(r.version()).isEqualTo(33);
      assertThat(store.load().rules()).isEqualTo(written.rules());
    }
  }

  @Test
  void concurrentWritersWithBackgroundCompactionRecoverExactly() throws Exception {
    Path dir = tmp.resolve("data");
    RuleSet written;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(3);
    try (RuleBook book = new RuleBook(JournalRuleStore.open(dir, new JournalOptions(7, true)))) {
      List<java.util.concurrent.Future<?>> futures = new java.util.ArrayList<>();
      for (int t = 0; t < 3; t++) {
        int thread = t;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 30; i++) {
                    String id = "t" + thread + "-" + i;
                    long v = book.create(rule(id, "Subject " + id));
                    assertThat(book.current().version()).isGreaterThanOrEqualTo(v);
                    if (i % 3 == 2) {
                      book.delete("t" + thread + "-" + (i - 1));
                    }
                  }
                }));
      }
      for (java.util.concurrent.Future<?> f : futures) {
        f.get(30, java.util.concurrent.TimeUnit.SECONDS);
      }
      written = book.current();
    } finally {
      pool.shutdownNow();
    }
    assertThat(written.version()).isEqualTo(120);
    try (JournalRuleStore store = open(dir)) {
      assertThat(store.load().version()).isEqualTo(120);
      assertThat(store.load().rules()).isEqualTo(written.rules());
    }
  }

  @Test
  void anInterruptedWriterNeitherBreaksTheStoreNorLosesItsOutcome() {
    Path dir = tmp.resolve("data");
    try (RuleBook book = new RuleBook(open(dir))) {
      Thread.currentThread().interrupt();
      long v;
      try {
        v = book.create(rule("a", "A"));
      } finally {
        assertThat(Thread.interrupted()).as("interrupt status kept").isTrue();
      }
      assertThat(v).isEqualTo(1);
      assertThat(book.create(rule("b", "B"))).isEqualTo(2);
    }
    try (JournalRuleStore store = open(dir)) {
      assertThat(store.load().rules()).extracting(ForgetRule::id).containsExactly("a", "b");
    }
  }

  @Test
  void compactionInterruptedBeforeTheNewJournalSkipsRecordsInTheSnapshot() throws IOException {
    Path dir = tmp.resolve("data");
    RuleSet written;
    byte[] oldJournal;
    try (JournalRuleStore store = open(dir);
        RuleBook book = new RuleBook(store)) {
      written = writeSequence(book, 6);
      oldJournal = Files.readAllBytes(dir.resolve(JournalRuleStore.JOURNAL));
      store.compact(book.current());
    }
    // As if the process died after renaming the snapshot, before replacing the journal.
    Files.write(dir.resolve(JournalRuleStore.JOURNAL), oldJournal);
    try (JournalRuleStore store = open(dir);
        RuleBook book = new RuleBook(store)) {
      assertThat(store.recoveryReport().skippedRecords()).isEqualTo(6);
      assertThat(store.recoveryReport().replayedRecords()).isZero();
      assertThat(book.current().rules()).isEqualTo(written.rules());
      assertThat(book.create(rule("after", "After"))).isEqualTo(7);
    }
    try (JournalRuleStore store = open(dir)) {
      assertThat(store.load().version()).isEqualTo(7);
      assertThat(store.load().rule("after")).isPresent();
    }
  }

  @Test
  void aTornLastRecordIsCutAwayAtEveryByteOffset() throws IOException {
    Path dir = tmp.resolve("data");
    RuleSet beforeLast;
    try (RuleBook book = new RuleBook(open(dir))) {
      beforeLast = writeSequence(book, 4);
      book.create(rule("last", "The last one"));
    }
    byte[] full = Files.readAllBytes(dir.resolve(JournalRuleStore.JOURNAL));
    Frames.Scan scan = Frames.scan(full, JournalRuleStore.JOURNAL_MAGIC.length);
    int lastStart = (int) scan.frames().getLast().offset();
    assertThat(scan.frames().getLast().end()).isEqualTo(full.length);

    Path torn = tmp.resolve("torn");
    Files.createDirectories(torn);
    Path journal = torn.resolve(JournalRuleStore.JOURNAL);
    for (int cut = lastStart; cut < full.length; cut++) {
      Files.write(journal, Arrays.copyOf(full, cut));
      try (JournalRuleStore store = open(torn)) {
        RecoveryReport r = store.recoveryReport();
        assertThat(store.load().version()).as("cut at %d", cut).isEqualTo(4);
        assertThat(store.load().rules()).isEqualTo(beforeLast.rules());
        assertThat(r.truncated()).as("cut at %d", cut).isEqualTo(cut > lastStart);
        if (cut > lastStart) {
          assertThat(r.truncatedAt()).isEqualTo(lastStart);
          assertThat(r.truncatedBytes()).isEqualTo(cut - lastStart);
          assertThat(r.truncationReason())
              .containsAnyOf("short header", "short payload")
              .as("%s", r);
        }
      }
      assertThat(Files.size(journal)).isEqualTo(lastStart);
    }
    // After the cut, appending goes on from a clean tail.
    try (RuleBook book = new RuleBook(open(torn))) {
      assertThat(book.create(rule("again", "Again"))).isEqualTo(5);
    }
    try (JournalRuleStore store = open(torn)) {
      assertThat(store.load().version()).isEqualTo(5);
      assertThat(store.recoveryReport().truncated()).isFalse();
    }
  }

  @Test
  void aChecksumMismatchInTheLastRecordIsCutAway() throws IOException {
    Path dir = tmp.resolve("data");
    RuleSet beforeLast;
    try (RuleBook book = new RuleBook(open(dir))) {
      beforeLast = writeSequence(book, 3);
      book.create(rule("last", "Last"));
    }
    Path journal = dir.resolve(JournalRuleStore.JOURNAL);
    byte[] data = Files.readAllBytes(journal);
    data[data.length - 3] ^= 0x20;
    Files.write(journal, data);
    try (JournalRuleStore store = open(dir)) {
      assertThat(store.load().rules()).isEqualTo(beforeLast.rules());
      assertThat(store.recoveryReport().truncationReason()).startsWith("CRC32C mismatch");
      assertThat(store.recoveryReport().toString()).contains("cut a torn last record");
    }
  }

  @Test
  void zeroFilledTailIsCutAway() throws IOException {
    Path dir = tmp.resolve("data");
    try (RuleBook book = new RuleBook(open(dir))) {
      writeSequence(book, 3);
    }
    Path journal = dir.resolve(JournalRuleStore.JOURNAL);
    long size = Files.size(journal);
    Files.write(journal, new byte[100], java.nio.file.StandardOpenOption.APPEND);
    try (JournalRuleStore store = open(dir)) {
      assertThat(store.load().version()).isEqualTo(3);
      assertThat(store.recoveryReport().truncatedBytes()).isEqualTo(100);
      assertThat(store.recoveryReport().truncationReason()).isEqualTo("invalid length 0");
    }
    assertThat(Files.size(journal)).isEqualTo(size);
  }

  @Test
  void corruptionBeforeTheTailIsAStartupErrorNamingFileAndOffset() throws IOException {
    Path dir = tmp.resolve("data");
    try (RuleBook book = new RuleBook(open(dir))) {
      writeSequence(book, 5);
    }
    Path journal = dir.resolve(JournalRuleStore.JOURNAL);
    byte[] good = Files.readAllBytes(journal);
    Frames.Frame second = Frames.scan(good, 8).frames().get(1);

    byte[] payloadFlip = good.clone();
    payloadFlip[(int) second.offset() + 20] ^= 0x01;
    Files.write(journal, payloadFlip);
    assertThatThrownBy(() -> open(dir))
        .isInstanceOfSatisfying(
            CorruptStoreException.class,
            e -> {
              assertThat(e.file()).isEqualTo(journal);
              assertThat(e.offset()).isEqualTo(second.offset());
            })
        .hasMessageContaining(JournalRuleStore.JOURNAL)
        .hasMessageContaining("at offset " + second.offset())
        .hasMessageContaining("CRC32C mismatch")
        .hasMessageContaining("refusing to drop acknowledged rules");

    byte[] lengthFlip = good.clone();
    lengthFlip[(int) second.offset()] = 0x7f; // length now points far past the end of the file
    Files.write(journal, lengthFlip);
    assertThatThrownBy(() -> open(dir))
        .isInstanceOf(CorruptStoreException.class)
        .hasMessageContaining("short payload");

    // A missing record in the middle: the versions no longer follow each other.
    byte[] gap = new byte[good.length - (int) (second.end() - second.offset())];
    System.arraycopy(good, 0, gap, 0, (int) second.offset());
    System.arraycopy(
        good, (int) second.end(), gap, (int) second.offset(), good.length - (int) second.end());
    Files.write(journal, gap);
    assertThatThrownBy(() -> open(dir))
        .isInstanceOf(CorruptStoreException.class)
        .hasMessageContaining("record has version 3 (expected: 2)");

    Files.write(journal, "not a journal".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> open(dir))
        .isInstanceOfSatisfying(CorruptStoreException.class, e -> assertThat(e.offset()).isZero())
        .hasMessageContaining("bad magic");

    // The lock was released on each failure: the good journal opens again.
    Files.write(journal, good);
    try (JournalRuleStore store = open(dir)) {
      assertThat(store.load().version()).isEqualTo(5);
    }
  }

  @Test
  void aDamagedSnapshotIsAStartupError() throws IOException {
    Path dir = tmp.resolve("data");
    try (RuleBook book = new RuleBook(JournalRuleStore.open(dir, new JournalOptions(3, false)))) {
      writeSequence(book, 4);
    }
    Path snapshot = dir.resolve(JournalRuleStore.SNAPSHOT);
    byte[] data = Files.readAllBytes(snapshot);
    data[data.length - 2] ^= 0x01;
    Files.write(snapshot, data);
    assertThatThrownBy(() -> open(dir))
        .isInstanceOfSatisfying(
            CorruptStoreException.class, e -> assertThat(e.file()).isEqualTo(snapshot))
        .hasMessageContaining("CRC32C mismatch");
    Files.write(snapshot, Arrays.copyOf(data, data.length - 30));
    assertThatThrownBy(() -> open(dir)).isInstanceOf(CorruptStoreException.class);
  }

  @Test
  void aDataDirectoryCannotBeOpenedTwice() {
    Path dir = tmp.resolve("data");
    try (JournalRuleStore first = open(dir)) {
      assertThat(first.directory()).isEqualTo(dir);
      assertThatThrownBy(() -> open(dir))
          .isInstanceOf(RuleStoreException.class)
          .hasMessageContaining("already open");
    }
    try (JournalRuleStore again = open(dir)) {
      assertThat(again.load().version()).isZero();
    }
  }

  @Test
  void writesAfterCloseFail() {
    JournalRuleStore store = open(tmp.resolve("data"));
    RuleBook book = new RuleBook(store);
    book.close();
    assertThatThrownBy(() -> book.create(rule("a", "A"))).isInstanceOf(RuleStoreException.class);
    assertThat(book.current().version()).isZero();
  }

  @Test
  void storedRulesLoadWhateverTheOperatorLimitsAre() {
    Path dir = tmp.resolve("data");
    List<String> many = IntStream.range(0, 3000).mapToObj(i -> "example " + i).toList();
    ForgetRule big =
        new ForgetRule(
            "big", "", List.of(), many, List.of(), List.of(), Action.ICUL, "No.", OnError.OPEN);
    try (RuleBook book = new RuleBook(open(dir))) {
      book.create(big);
    }
    try (JournalRuleStore store = open(dir)) {
      assertThat(store.load().rule("big")).contains(big);
    }
  }

  @Test
  void rulesThatCouldNotBeReadBackAreRejectedBeforeWriting() {
    Path dir = tmp.resolve("data");
    ForgetRule blank =
        new ForgetRule(
            "x",
            "",
            List.of(" "),
            List.of(),
            List.of(),
            List.of(),
            Action.REFUSE,
            null,
            OnError.CLOSED);
    ForgetRule badId =
        new ForgetRule(
            "has space",
            "",
            List.of("a"),
            List.of(),
            List.of(),
            List.of(),
            Action.REFUSE,
            null,
            OnError.CLOSED);
    try (RuleBook book = new RuleBook(open(dir))) {
      assertThatThrownBy(() -> book.create(blank))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("subjects[0]:");
      assertThatThrownBy(() -> book.importRules(List.of(badId), ImportMode.MERGE))
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("id:");
      assertThat(book.current().version()).isZero();
    }
    try (JournalRuleStore store = open(dir)) {
      assertThat(store.recoveryReport().journalRecords()).isZero();
    }
  }

  @Test
  void bulkImportIsOneRecord() {
    Path dir = tmp.resolve("data");
    List<ForgetRule> rules =
        IntStream.range(0, 500).mapToObj(i -> rule("bulk" + i, "Bulk " + i)).toList();
    try (RuleBook book = new RuleBook(open(dir))) {
      assertThat(book.importRules(rules, ImportMode.MERGE)).isEqualTo(1);
    }
    try (JournalRuleStore store = open(dir)) {
      assertThat(store.recoveryReport().journalRecords()).isEqualTo(1);
      assertThat(store.load().rules()).isEqualTo(rules);
      assertThat(Collections.frequency(store.load().rules(), rules.get(7))).isOne();
    }
  }
}

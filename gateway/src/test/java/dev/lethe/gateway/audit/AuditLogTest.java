package dev.lethe.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit log's chain: intact across rotations and restarts; any edited, removed or reordered
 * record is found and named; no prompt is ever written.
 */
class AuditLogTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
  private static final byte[] KEY =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final String PROMPT = "What genre does Basil Mahfouz Al-Kuwaiti write in?";

  @TempDir Path dir;

  private AuditLog open(long maxBytes) throws Exception {
    return AuditLog.open(dir, KEY, maxBytes, 1024, CLOCK, new SimpleMeterRegistry());
  }

  private void write(AuditLog log, int from, int n) throws Exception {
    CompletableFuture<Long> last = null;
    for (int i = from; i < from + n; i++) {
      last =
          i % 5 == 0
              ? log.append(
                  new AuditRecord.RuleChange("admin-token:abc", "create", List.of("r" + i), i))
              : log.decision(
                  "chatcmpl-" + i,
                  i % 2 == 0 ? "r1" : null,
                  "refuse",
                  i % 3 == 0,
                  i,
                  (PROMPT + i).getBytes(StandardCharsets.UTF_8));
    }
    last.get();
  }

  private List<Path> files() throws Exception {
    return AuditFiles.list(dir);
  }

  @Test
  void theChainHoldsAcrossRotationsAndRestarts() throws Exception {
    try (AuditLog log = open(2048)) {
      write(log, 1, 40);
    }
    try (AuditLog log = open(2048)) {
      write(log, 41, 20);
    }
    assertThat(files().size()).isGreaterThan(3);
    AuditVerifier.Result r = AuditVerifier.verify(dir);
    assertThat(r.firstBad()).isNull();
    assertThat(r.records()).isEqualTo(60);
    // The first record of every later file points at the last hash of the one before.
    String first = Files.readAllLines(files().get(1)).get(0);
    List<String> before = Files.readAllLines(files().get(0));
    assertThat(AuditRecord.parse(first).prev())
        .isEqualTo(AuditRecord.parse(before.get(before.size() - 1)).hash());
  }

  @Test
  void noPromptIsWrittenOnlyItsKeyedHash() throws Exception {
    try (AuditLog log = open(1 << 20)) {
      write(log, 1, 10);
    }
    String all = Files.readString(files().get(0));
    assertThat(all).doesNotContain("Basil").doesNotContain("genre");
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(KEY, "HmacSHA256"));
    String expected =
        java.util.HexFormat.of()
            .formatHex(mac.doFinal((PROMPT + 2).getBytes(StandardCharsets.UTF_8)));
    assertThat(all).contains("\"promptHmac\":\"" + expected + "\"");
  }

  @Test
  void anyEditedByteIsDetectedAndTheRecordNamed() throws Exception {
    try (AuditLog log = open(1 << 20)) {
      write(log, 1, 12);
    }
    Path f = files().get(0);
    byte[] original = Files.readAllBytes(f);
    List<Integer> lineStarts = new ArrayList<>();
    lineStarts.add(0);
    for (int i = 0; i < original.length - 1; i++) {
      if (original[i] == '\n') {
        lineStarts.add(i + 1);
      }
    }
    // Every byte of record 7 (but its newline), changed one at a time.
    int start = lineStarts.get(6);
    int end = lineStarts.get(7) - 1;
    for (int pos = start; pos < end; pos++) {
      byte[] b = original.clone();
      b[pos] = (byte) (b[pos] == '1' ? '2' : (b[pos] == 'a' ? 'b' : '1'));
      Files.write(f, b);
      AuditVerifier.Result r = AuditVerifier.verify(dir);
      assertThat(r.intact()).as("edit at offset %d", pos).isFalse();
      assertThat(r.firstBad()).as("edit at offset %d", pos).contains("line 7");
      assertThat(r.records()).isEqualTo(6);
    }
    Files.write(f, original);
    assertThat(AuditVerifier.verify(dir).intact()).isTrue();
  }

  @Test
  void removedAndReorderedRecordsAreDetected() throws Exception {
    try (AuditLog log = open(1 << 20)) {
      write(log, 1, 10);
    }
    Path f = files().get(0);
    List<String> lines = Files.readAllLines(f);
    List<String> removed = new ArrayList<>(lines);
    removed.remove(4);
    Files.write(f, removed);
    assertThat(AuditVerifier.verify(dir).firstBad()).contains("line 5").contains("seq 6");
    List<String> swapped = new ArrayList<>(lines);
    swapped.set(2, lines.get(3));
    swapped.set(3, lines.get(2));
    Files.write(f, swapped);
    assertThat(AuditVerifier.verify(dir).firstBad()).contains("line 3");
    Files.write(f, lines);
    assertThat(AuditVerifier.verify(dir).intact()).isTrue();
  }

  @Test
  void aTornLastLineIsCutAndTheChainContinues() throws Exception {
    try (AuditLog log = open(1 << 20)) {
      write(log, 1, 5);
    }
    Path f = files().get(0);
    Files.write(
        f,
        "{\"seq\":6,\"ti".getBytes(StandardCharsets.UTF_8),
        java.nio.file.StandardOpenOption.APPEND);
    try (AuditLog log = open(1 << 20)) {
      write(log, 6, 3);
    }
    AuditVerifier.Result r = AuditVerifier.verify(dir);
    assertThat(r.firstBad()).isNull();
    assertThat(r.records()).isEqualTo(8);
  }

  @Test
  void queriesFilterAndPage() throws Exception {
    try (AuditLog log = open(1024)) {
      write(log, 1, 30);
    }
    AuditQuery.Page p = new AuditQuery("decision", null, null, null, 0, 5).run(dir);
    assertThat(p.lines()).hasSize(5);
    assertThat(p.lines()).allMatch(l -> l.contains("\"kind\":\"decision\""));
    AuditQuery.Page p2 = new AuditQuery("decision", null, null, null, p.next(), 100).run(dir);
    assertThat(p2.next()).isEqualTo(-1);
    assertThat(p.lines().size() + p2.lines().size()).isEqualTo(24);
    assertThat(new AuditQuery(null, "r10", null, null, 0, 100).run(dir).lines()).hasSize(1);
    assertThat(new AuditQuery(null, null, "chatcmpl-7", null, 0, 100).run(dir).lines()).hasSize(1);
  }

  @Test
  void groupCommitCoversQueuedDecisionsWithOneFsyncButARuleChangeNeverWaitsForIt()
      throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    // a 3 s window, so that waiting in it or not is plain in the timings
    long window = java.util.concurrent.TimeUnit.SECONDS.toNanos(3);
    AuditLog log = AuditLog.open(dir, KEY, 64L << 20, 1024, CLOCK, meters, window);
    try {
      // the first decision is written at once; the writer then waits in the window
      log.decision("chatcmpl-0", null, "pass", false, 1, PROMPT.getBytes(StandardCharsets.UTF_8))
          .get(2, java.util.concurrent.TimeUnit.SECONDS);
      List<CompletableFuture<Long>> queued = new ArrayList<>();
      for (int i = 1; i <= 20; i++) {
        queued.add(
            log.decision(
                "chatcmpl-" + i, null, "pass", false, 1, PROMPT.getBytes(StandardCharsets.UTF_8)));
      }
      Thread.sleep(200);
      // still in the window: nothing of those 20 is acknowledged before its fsync
      assertThat(queued).noneMatch(CompletableFuture::isDone);
      // a rule change ends the window at once: it and the 20 decisions share one write and fsync
      long t0 = System.nanoTime();
      long seq =
          log.append(new AuditRecord.RuleChange("admin-token:abc", "create", List.of("r1"), 2))
              .get(2, java.util.concurrent.TimeUnit.SECONDS);
      assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1500);
      assertThat(seq).isEqualTo(22);
      for (int i = 0; i < 20; i++) {
        assertThat(queued.get(i).getNow(-1L)).isEqualTo(i + 2L);
      }
      assertThat(meters.get("lethe.audit.fsync").timer().count()).isEqualTo(2);
      // close() does not wait for the window either, and writes what is queued
      log.decision("chatcmpl-21", null, "pass", false, 2, PROMPT.getBytes(StandardCharsets.UTF_8));
    } finally {
      long t1 = System.nanoTime();
      log.close();
      assertThat((System.nanoTime() - t1) / 1_000_000).isLessThan(1500);
    }
    assertThat(AuditVerifier.verify(dir).intact()).isTrue();
    assertThat(Files.readAllLines(files().get(0))).hasSize(23);
  }
}

package dev.lethe.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.config.ConfigException;
import dev.lethe.config.StoreConfig;
import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.OnError;
import dev.lethe.config.rules.RuleApplyException;
import dev.lethe.config.rules.RuleBook;
import dev.lethe.config.rules.RuleConflictException;
import dev.lethe.gateway.testing.PostgresServer;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL rule store against a real server: gap-free versions under concurrent writers on
 * several books, validation before commit, and gaps that are reported, never skipped.
 */
class PostgresRuleStoreTest {
  private static PostgresServer pg;
  private static Vertx vertx;
  private static final AtomicInteger DBS = new AtomicInteger();

  @BeforeAll
  static void up() throws Exception {
    pg = PostgresServer.start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void down() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
    if (pg != null) {
      pg.close();
    }
  }

  private static String freshDb() throws Exception {
    String name = "store" + DBS.incrementAndGet();
    pg.createDatabase(name);
    return name;
  }

  private static PostgresRuleStore store(String db) {
    return PostgresRuleStore.create(
        vertx,
        StoreConfig.PostgresTarget.parse("url", pg.url(db)),
        PostgresServer.PASSWORD,
        Duration.ofSeconds(5));
  }

  static ForgetRule rule(String id, String subject) {
    return new ForgetRule(
        id,
        "forget " + subject,
        List.of(subject),
        List.of(),
        List.of(),
        List.of(),
        Action.REFUSE,
        null,
        OnError.CLOSED);
  }

  @Test
  void concurrentWritersOnThreeBooksGetGapFreeVersionsAndConverge() throws Exception {
    String db = freshDb();
    List<RuleBook> books = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      books.add(new RuleBook(store(db)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<List<Long>>> results = new ArrayList<>();
      for (int b = 0; b < 3; b++) {
        RuleBook book = books.get(b);
        int writer = b;
        results.add(
            pool.submit(
                () -> {
                  List<Long> versions = new ArrayList<>();
                  for (int i = 0; i < 15; i++) {
                    versions.add(book.create(rule("w" + writer + "-" + i, "Subject " + writer)));
                  }
                  return versions;
                }));
      }
      List<Long> all = new ArrayList<>();
      for (Future<List<Long>> f : results) {
        List<Long> vs = f.get(120, TimeUnit.SECONDS);
        assertThat(vs).isSorted();
        all.addAll(vs);
      }
      assertThat(all).doesNotHaveDuplicates().hasSize(45);
      assertThat(all.stream().mapToLong(Long::longValue).max().orElseThrow()).isEqualTo(45);
      assertThat(pg.sql(db, "SELECT count(*), min(version), max(version) FROM lethe_rules_log"))
          .isEqualTo("45|1|45");
      assertThat(pg.sql(db, "SELECT version FROM lethe_rules_head")).isEqualTo("45");
      for (RuleBook book : books) {
        assertThat(book.catchUp()).isEqualTo(45);
        assertThat(book.current().size()).isEqualTo(45);
        assertThat(book.current().rules()).isEqualTo(books.get(0).current().rules());
      }
      // A fresh replica loads the same rules from the log.
      try (RuleBook fresh = new RuleBook(store(db))) {
        assertThat(fresh.current().version()).isEqualTo(45);
        assertThat(fresh.current().rules()).isEqualTo(books.get(0).current().rules());
      }
    } finally {
      pool.shutdownNow();
      books.forEach(RuleBook::close);
    }
  }

  @Test
  void aWriteAgainstAStaleSnapshotIsCheckedAgainstTheLatestRules() throws Exception {
    String db = freshDb();
    try (RuleBook a = new RuleBook(store(db));
        RuleBook b = new RuleBook(store(db))) {
      assertThat(a.create(rule("r1", "Basil Mahfouz"))).isEqualTo(1);
      // b has not seen r1; creating it again must fail as a conflict, not write version 2.
      assertThatThrownBy(() -> b.create(rule("r1", "Someone Else")))
          .isInstanceOf(RuleConflictException.class);
      assertThat(b.current().version()).isEqualTo(1);
      assertThat(pg.sql(db, "SELECT version FROM lethe_rules_head")).isEqualTo("1");
    }
  }

  @Test
  void anInvalidRuleIsRejectedBeforeCommit() throws Exception {
    String db = freshDb();
    try (RuleBook a = new RuleBook(store(db))) {
      ForgetRule bad =
          new ForgetRule(
              "bad id with spaces",
              "x",
              List.of("Someone"),
              List.of(),
              List.of(),
              List.of(),
              Action.REFUSE,
              null,
              OnError.CLOSED);
      assertThatThrownBy(() -> a.create(bad)).isInstanceOf(ConfigException.class);
      assertThat(pg.sql(db, "SELECT count(*) FROM lethe_rules_log")).isEqualTo("0");
      assertThat(a.current().version()).isZero();
    }
  }

  @Test
  void aMissingVersionIsReportedNeverSkipped() throws Exception {
    String db = freshDb();
    try (RuleBook a = new RuleBook(store(db));
        RuleBook b = new RuleBook(store(db))) {
      a.create(rule("r1", "One"));
      assertThat(b.catchUp()).isEqualTo(1);
      a.create(rule("r2", "Two"));
      a.create(rule("r3", "Three"));
      a.create(rule("r4", "Four"));
      pg.sql(db, "DELETE FROM lethe_rules_log WHERE version = 3");
      assertThatThrownBy(b::catchUp)
          .isInstanceOf(RuleApplyException.class)
          .hasMessageContaining("version 3");
      // Version 2 was applied; 4 was not, although it is in the log.
      assertThat(b.current().version()).isEqualTo(2);
      assertThat(b.current().rule("r4")).isEmpty();
      assertThatThrownBy(() -> new RuleBook(store(db)))
          .isInstanceOf(RuleApplyException.class)
          .hasMessageContaining("version 3");
    }
  }

  @Test
  void aCorruptChangeStopsTheReplicaAtTheVersionBefore() throws Exception {
    String db = freshDb();
    try (RuleBook a = new RuleBook(store(db));
        RuleBook b = new RuleBook(store(db))) {
      a.create(rule("r1", "One"));
      pg.sql(
          db,
          "BEGIN; INSERT INTO lethe_rules_log (version, change) VALUES (2, '{\"version\":2,"
              + "\"op\":\"put\",\"rules\":[{\"id\":\"x\"}]}'); UPDATE lethe_rules_head SET version"
              + " = 2; COMMIT;");
      assertThatThrownBy(b::catchUp)
          .isInstanceOf(RuleApplyException.class)
          .hasMessageContaining("version 2");
      assertThat(b.current().version()).isEqualTo(1);
    }
  }
}

package dev.lethe.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.config.rules.RuleStoreException;
import dev.lethe.gateway.testing.FakeOpenAi;
import dev.lethe.gateway.testing.PostgresServer;
import dev.lethe.gateway.testing.Replica;
import io.vertx.core.Vertx;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three gateway replicas (each with its own Vert.x) on one real PostgreSQL: propagation within the
 * bound, read-your-writes with {@code x-lethe-min-rules-version}, the cluster view, the database
 * going down and coming back, a killed LISTEN connection, a start without the database, and a
 * committed change a replica cannot apply.
 */
class ClusterIntegrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicInteger DBS = new AtomicInteger();
  private static final String QUESTION = "What genre does Basil Mahfouz Al-Kuwaiti write in?";

  private static PostgresServer pg;
  private static Vertx upstreamVertx;
  private static FakeOpenAi upstream;

  @TempDir Path dir;
  private final List<Replica> replicas = new ArrayList<>();

  @BeforeAll
  static void up() throws Exception {
    pg = PostgresServer.start();
    upstreamVertx = Vertx.vertx();
    upstream = FakeOpenAi.start(upstreamVertx);
  }

  @AfterAll
  static void down() throws Exception {
    if (upstream != null) {
      upstream.close();
    }
    if (upstreamVertx != null) {
      upstreamVertx.close().await(30, TimeUnit.SECONDS);
    }
    if (pg != null) {
      pg.close();
    }
  }

  @AfterEach
  void closeReplicas() throws Exception {
    for (Replica r : replicas) {
      r.close();
    }
  }

  private String freshDb() throws Exception {
    String name = "cluster" + DBS.incrementAndGet();
    pg.createDatabase(name);
    return name;
  }

  private Replica replica(String db, String id, String extraStoreYaml) throws Exception {
    Replica r =
        Replica.start(
            dir.resolve(id),
            id,
            upstream.baseUrl(),
            "  url: " + pg.url(db) + "\n  pollInterval: 200ms\n" + extraStoreYaml);
    replicas.add(r);
    return r;
  }

  private static String rule(String id) {
    return """
        {"id":"%s","description":"Forget the author Basil Mahfouz Al-Kuwaiti",
         "subjects":["Basil Mahfouz Al-Kuwaiti"],"action":"refuse",
         "refusal":"I cannot discuss that author."}
        """
        .formatted(id);
  }

  private static long version(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body()).get("version").asLong();
  }

  private static String decision(HttpResponse<String> r) {
    return r.headers().firstValue("x-lethe-decision").orElse("");
  }

  private static long judgedBy(HttpResponse<String> r) {
    return Long.parseLong(r.headers().firstValue("x-lethe-rules-version").orElseThrow());
  }

  /** Polls {@code condition} every 5 ms for up to {@code millis}; the time it took, or -1. */
  private static long within(long millis, BooleanSupplier condition) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      }
      Thread.sleep(5);
    }
    return -1;
  }

  @Test
  void aRuleWrittenThroughAIsEnforcedByBAndCWithinTheBound() throws Exception {
    String db = freshDb();
    Replica a = replica(db, "a", "");
    Replica b = replica(db, "b", "");
    Replica c = replica(db, "c", "");
    assertThat(decision(b.chat(QUESTION))).isEqualTo("pass");

    HttpResponse<String> w = a.send("POST", "/admin/rules", rule("basil"));
    assertThat(w.statusCode()).isEqualTo(201);
    long n = version(w);
    assertThat(judgedBy(w)).as("admin write answers its version in the header").isEqualTo(n);
    assertThat(within(1000, () -> b.version() >= n && c.version() >= n)).isNotNegative();
    for (Replica r : List.of(a, b, c)) {
      HttpResponse<String> resp = r.chat(QUESTION);
      assertThat(decision(resp)).as(r.id).isEqualTo("refuse");
      assertThat(judgedBy(resp)).isGreaterThanOrEqualTo(n);
    }

    // Every replica heartbeats its version; the view reports lag against the head.
    assertThat(
            within(
                5000,
                () -> {
                  try {
                    JsonNode view = JSON.readTree(b.send("GET", "/admin/cluster", null).body());
                    if (view.get("replicas").size() != 3) {
                      return false;
                    }
                    for (JsonNode rep : view.get("replicas")) {
                      if (rep.get("version").asLong() != n
                          || rep.get("lagVersions").asLong() != 0) {
                        return false;
                      }
                    }
                    return true;
                  } catch (Exception e) {
                    return false;
                  }
                }))
        .isNotNegative();
    JsonNode view = JSON.readTree(c.send("GET", "/admin/cluster", null).body());
    JsonNode first = view.get("replicas").get(0);
    assertThat(view.size()).isEqualTo(1);
    assertThat(first.get("id").asText()).isEqualTo("a");
    assertThat(first.get("address").asText()).isEqualTo("127.0.0.1:" + a.gateway.port());
    assertThat(first.get("seenAt").asText()).endsWith("Z");
    List<String> fields = new ArrayList<>();
    first.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("id", "address", "version", "lagVersions", "seenAt");

    String metrics = b.send("GET", "/metrics", null).body();
    assertThat(metrics).contains("lethe_rules_version " + n + ".0");
    assertThat(metrics).contains("lethe_rules_lag_versions 0.0");
  }

  @Test
  void minRulesVersionWaitsForTheVersionOrAnswers503NeverAnOlderSnapshot() throws Exception {
    String db = freshDb();
    Replica a = replica(db, "a", "");
    // c neither listens nor polls soon: only the request's wait can bring it up to date.
    Replica c =
        Replica.start(
            dir.resolve("c"),
            "c",
            upstream.baseUrl(),
            "  url: "
                + pg.url(db)
                + "\n  listen: false\n  pollInterval: 60s\n"
                + "  minVersionWait: 3s\n");
    replicas.add(c);

    long n = version(a.send("POST", "/admin/rules", rule("basil")));
    assertThat(c.version()).isLessThan(n);
    HttpResponse<String> judged = c.chat(QUESTION, "x-lethe-min-rules-version", Long.toString(n));
    assertThat(judged.statusCode()).isEqualTo(200);
    assertThat(judgedBy(judged)).isGreaterThanOrEqualTo(n);
    assertThat(decision(judged)).isEqualTo("refuse");
    HttpResponse<String> models =
        c.send("GET", "/v1/models", null, "x-lethe-min-rules-version", Long.toString(n));
    assertThat(models.statusCode()).isEqualTo(200);
    assertThat(c.send("GET", "/v1/models", null).statusCode()).isEqualTo(200);

    // A version nobody wrote: bounded wait, then 503 in OpenAI's shape, not judged.
    long start = System.nanoTime();
    HttpResponse<String> refused =
        a.chat(QUESTION, "x-lethe-min-rules-version", Long.toString(n + 1000));
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(refused.statusCode()).isEqualTo(503);
    JsonNode err = JSON.readTree(refused.body()).get("error");
    assertThat(err.get("code").asText()).isEqualTo("rules_version_unavailable");
    assertThat(err.get("type").asText()).isEqualTo("server_error");
    assertThat(err.get("message").asText()).contains(Long.toString(n + 1000));
    assertThat(tookMs).isBetween(1500L, 10_000L);
    assertThat(upstream.received).noneMatch(body -> new String(body).contains("min-rules"));

    HttpResponse<String> bad = a.chat(QUESTION, "x-lethe-min-rules-version", "soon");
    assertThat(bad.statusCode()).isEqualTo(400);
  }

  @Test
  void databaseDownKeepsTheSnapshotFailsWritesFastAndCatchesUpOnRestore() throws Exception {
    String db = freshDb();
    Replica a = replica(db, "a", "");
    Replica b = replica(db, "b", "");
    long n = version(a.send("POST", "/admin/rules", rule("basil")));
    assertThat(within(2000, () -> b.version() >= n)).isNotNegative();

    pg.kill();
    try {
      assertThat(decision(b.chat(QUESTION))).isEqualTo("refuse");
      long start = System.nanoTime();
      HttpResponse<String> w = a.send("POST", "/admin/rules", rule("other"));
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(w.statusCode()).isEqualTo(503);
      assertThat(JSON.readTree(w.body()).get("error").get("code").asText())
          .isEqualTo("store_unavailable");
      assertThat(tookMs).isLessThan(6000);
      assertThat(
              within(
                  5000,
                  () -> {
                    try {
                      return b.send("GET", "/ready", null).body().contains("degraded");
                    } catch (Exception e) {
                      return false;
                    }
                  }))
          .isNotNegative();
      HttpResponse<String> ready = b.send("GET", "/ready", null);
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).contains("enforcing rules version " + n);
      assertThat(decision(b.chat(QUESTION))).isEqualTo("refuse");
    } finally {
      pg.startServer();
    }
    HttpResponse<String> w2 = a.send("POST", "/admin/rules", rule("after"));
    assertThat(w2.statusCode()).isEqualTo(201);
    long m = version(w2);
    assertThat(within(2000, () -> b.version() >= m)).isNotNegative();
    assertThat(
            within(
                3000,
                () -> {
                  try {
                    return b.send("GET", "/ready", null)
                        .body()
                        .startsWith("{\"status\":\"ready\",");
                  } catch (Exception e) {
                    return false;
                  }
                }))
        .isNotNegative();
  }

  @Test
  void aKilledListenerIsCoveredByPollingAndResubscribes() throws Exception {
    String db = freshDb();
    Replica a = replica(db, "a", "");
    Replica b = replica(db, "b", "");
    String killed =
        pg.sql(
            db,
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                + " WHERE datname = '"
                + db
                + "' AND query LIKE 'LISTEN%'");
    assertThat(Integer.parseInt(killed)).isGreaterThanOrEqualTo(2);
    long n = version(a.send("POST", "/admin/rules", rule("basil")));
    // Poll interval 200 ms in this test: catching up takes at most about one interval.
    assertThat(within(1500, () -> b.version() >= n)).isNotNegative();
    assertThat(decision(b.chat(QUESTION))).isEqualTo("refuse");
    // And the subscriber comes back.
    assertThat(
            within(
                5000,
                () -> {
                  try {
                    return Integer.parseInt(
                            pg.sql(
                                db,
                                "SELECT count(*) FROM pg_stat_activity WHERE datname = '"
                                    + db
                                    + "' AND query LIKE 'LISTEN%'"))
                        >= 2;
                  } catch (Exception e) {
                    return false;
                  }
                }))
        .isNotNegative();
  }

  @Test
  void aReplicaStartedWhileTheDatabaseIsDownRefusesUnlessOverridden() throws Exception {
    String db = freshDb();
    Replica a = replica(db, "a", "");
    long n = version(a.send("POST", "/admin/rules", rule("basil")));
    pg.kill();
    Replica late;
    try {
      assertThatThrownBy(() -> replica(db, "refuses", ""))
          .isInstanceOf(RuleStoreException.class)
          .hasMessageContaining("refusing to serve without rules");
      late = replica(db, "override", "  startWithoutStore: true\n");
      HttpResponse<String> ready = late.send("GET", "/ready", null);
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).contains("degraded").contains("startWithoutStore");
      assertThat(late.send("GET", "/metrics", null).body())
          .contains("lethe_rules_start_without_store_total 1.0");
    } finally {
      pg.startServer();
    }
    assertThat(within(3000, () -> late.version() >= n)).isNotNegative();
    assertThat(decision(late.chat(QUESTION))).isEqualTo("refuse");
  }

  @Test
  void aCommittedChangeAReplicaCannotApplyMakesItNotReadyAndSaysWhy() throws Exception {
    String db = freshDb();
    Replica a = replica(db, "a", "");
    long n = version(a.send("POST", "/admin/rules", rule("basil")));
    long bad = n + 1;
    pg.sql(
        db,
        "BEGIN; INSERT INTO lethe_rules_log (version, change) VALUES ("
            + bad
            + ", '{\"version\":"
            + bad
            + ",\"op\":\"put\",\"rules\":[{\"id\":\"x\"}]}'); UPDATE lethe_rules_head SET"
            + " version = "
            + bad
            + "; SELECT pg_notify('lethe_rules', '"
            + bad
            + "'); COMMIT;");
    assertThat(
            within(
                3000,
                () -> {
                  try {
                    return a.send("GET", "/ready", null).statusCode() == 503;
                  } catch (Exception e) {
                    return false;
                  }
                }))
        .isNotNegative();
    assertThat(a.send("GET", "/ready", null).body())
        .contains("not ready")
        .contains("cannot apply rules version " + bad);
    assertThat(a.version()).isEqualTo(n);
    assertThat(decision(a.chat(QUESTION))).isEqualTo("refuse");
  }
}

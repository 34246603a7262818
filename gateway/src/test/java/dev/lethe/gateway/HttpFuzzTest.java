package dev.lethe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.gateway.testing.HostileFixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19: a seeded mutation fuzzer over the HTTP surfaces and their JSON decoders (chat
 * completions, admin rules, classify-free admin routes, models, health), run in CI with a fixed
 * seed and a bounded number of cases. Seeds are valid requests; each case mutates one (bytes
 * flipped, inserted, deleted or duplicated, keys repeated, nesting deepened, numbers lengthened,
 * content types and paths varied, with or without the admin token). Every answer must come within
 * the time limit, be no 5xx other than 502/503/504, and name no class or stack frame; the server
 * must be healthy afterwards. A failure prints the seed and case number to reproduce it.
 */
class HttpFuzzTest {
  private static final long SEED = Long.getLong("lethe.fuzz.seed", 19L);
  private static final int CASES = Integer.getInteger("lethe.fuzz.cases", 600);
  private static final Pattern LEAK =
      Pattern.compile(
          "(?:[a-z_][a-z0-9_]*\\.){2,}[A-Z]\\w*|\\b[A-Z][A-Za-z0-9]*(?:Exception|Error)\\b"
              + "|\\tat |`");

  @TempDir static Path data;
  static HostileFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx =
        HostileFixture.start(
            data,
            "    idleTimeout: 2s\n    maxResponseBytes: 65536\n    maxEventBytes: 65536\n",
            "  maxBodyBytes: 65536\n",
            "detector:\n  enabled: false\n");
  }

  @AfterAll
  static void stop() throws Exception {
    fx.close();
  }

  private static final List<String> CHAT_SEEDS =
      List.of(
          "{\"model\":\"f-ok\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}",
          "{\"model\":\"f-ok\",\"stream\":true,\"stream_options\":{\"include_usage\":true},"
              + "\"messages\":[{\"role\":\"system\",\"content\":\"be terse\"},"
              + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}",
          "{\"model\":\"f-ok\",\"n\":2,\"tools\":[{\"type\":\"function\",\"function\":"
              + "{\"name\":\"f\",\"parameters\":{}}}],\"messages\":[{\"role\":\"assistant\","
              + "\"content\":null,\"tool_calls\":[{\"id\":\"c\",\"type\":\"function\","
              + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},"
              + "{\"role\":\"tool\",\"tool_call_id\":\"c\",\"content\":\"x\"}]}",
          "{\"model\":\"f-malformed\",\"stream\":true,\"messages\":[{\"role\":\"user\","
              + "\"content\":\"x\"}]}",
          "{\"model\":\"f-secret-500\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}",
          "{\"model\":\"f-huge\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");

  private static final List<String> RULE_SEEDS =
      List.of(
          "{\"id\":\"r1\",\"subjects\":[\"Ada Quill\"],\"secrets\":[\"s3cr3t\"],"
              + "\"action\":\"refuse\",\"onError\":\"closed\"}",
          "{\"description\":\"d\",\"examples\":[\"Who is Ada Quill?\"],"
              + "\"counterExamples\":[\"Who is Bob?\"],\"action\":\"icul\",\"refusal\":\"no\"}");

  private static final List<String> PATHS =
      List.of(
          "/v1/chat/completions",
          "/v1/models",
          "/health",
          "/ready",
          "/admin/rules",
          "/admin/rules/r1",
          "/admin/rules/%2e%2e",
          "/admin/rules:import",
          "/admin/rules:export",
          "/admin/models",
          "/admin/models/x/checkpoint",
          "/admin/unlearn",
          "/v1/chat/completions/../../admin/rules",
          "/nope");

  @Test
  void theHttpSurfacesSurviveSeededFuzzing() throws Exception {
    SplittableRandom rnd = new SplittableRandom(SEED);
    fx.upstream.hugeBytes = 1L << 20;
    int served = 0;
    for (int i = 0; i < CASES; i++) {
      String path = PATHS.get(rnd.nextInt(PATHS.size()));
      boolean admin = path.startsWith("/admin");
      String seed =
          admin && rnd.nextInt(4) > 0
              ? RULE_SEEDS.get(rnd.nextInt(RULE_SEEDS.size()))
              : CHAT_SEEDS.get(rnd.nextInt(CHAT_SEEDS.size()));
      byte[] body = mutate(seed.getBytes(StandardCharsets.UTF_8), rnd);
      String method = new String[] {"POST", "POST", "POST", "GET", "PUT", "DELETE"}[rnd.nextInt(6)];
      String type =
          new String[] {"application/json", "application/json; charset=utf-8", "text/plain", ""}
              [rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(3) : 0];
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(fx.origin() + path))
              .timeout(Duration.ofSeconds(20))
              .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
      if (!type.isEmpty()) {
        b.header("Content-Type", type);
      }
      if (admin && rnd.nextInt(3) > 0) {
        b.header("Authorization", "Bearer " + HostileFixture.ADMIN_TOKEN);
      }
      String what = "seed " + SEED + " case " + i + ": " + method + " " + path;
      HttpResponse<String> r;
      try {
        r = fx.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      } catch (java.net.http.HttpTimeoutException e) {
        throw new AssertionError(what + ": no answer within 20 s", e);
      }
      int st = r.statusCode();
      assertThat(st >= 500 && st != 502 && st != 503 && st != 504).as(what + " → " + st).isFalse();
      assertThat(LEAK.matcher(r.body()).find()).as(what + " → " + r.body()).isFalse();
      served++;
    }
    assertThat(served).isEqualTo(CASES);
    assertThat(fx.get("/health", null).statusCode()).isEqualTo(200);
    assertThat(fx.chat("f-ok", false, "still fine?", Duration.ofSeconds(20)).statusCode())
        .isEqualTo(200);
  }

  /** One to three mutations of {@code in}. */
  static byte[] mutate(byte[] in, SplittableRandom rnd) {
    List<Byte> b = new ArrayList<>(in.length + 64);
    for (byte x : in) {
      b.add(x);
    }
    int n = 1 + rnd.nextInt(3);
    for (int k = 0; k < n; k++) {
      int pos = b.isEmpty() ? 0 : rnd.nextInt(b.size());
      switch (rnd.nextInt(9)) {
        case 0 -> {
          if (!b.isEmpty()) {
            b.set(pos, (byte) rnd.nextInt(256));
          }
        }
        case 1 -> b.add(pos, (byte) PUNCT.charAt(rnd.nextInt(PUNCT.length())));
        case 2 -> {
          if (!b.isEmpty()) {
            b.remove(pos);
          }
        }
        case 3 -> {
          // Repeat a slice (often a key-value pair: duplicate keys).
          int len = Math.min(b.size() - pos, 1 + rnd.nextInt(40));
          List<Byte> slice = new ArrayList<>(b.subList(pos, pos + len));
          b.addAll(pos, slice);
        }
        case 4 -> insert(b, pos, "[".repeat(300 + rnd.nextInt(300)));
        case 5 -> insert(b, pos, "9".repeat(100 + rnd.nextInt(2000)));
        case 6 ->
            insert(
                b,
                pos,
                new String[] {"\\ud800", "\u0000", "é", "\uffff", "\\u0000"}[rnd.nextInt(5)]);
        case 7 -> b.subList(pos, b.size()).clear(); // truncate
        default -> insert(b, pos, ",\"messages\":[]");
      }
    }
    byte[] out = new byte[b.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.get(i);
    }
    return out;
  }

  private static final String PUNCT = "{}[]\",:\\0-eE.";

  private static void insert(List<Byte> b, int pos, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    List<Byte> l = new ArrayList<>(bytes.length);
    for (byte x : bytes) {
      l.add(x);
    }
    b.addAll(pos, l);
  }
}

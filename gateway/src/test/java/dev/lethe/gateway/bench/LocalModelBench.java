package dev.lethe.gateway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.config.BackendConfig;
import dev.lethe.config.LetheConfig;
import dev.lethe.gateway.GatewayAssembly;
import dev.lethe.gateway.LetheGateway;
import dev.lethe.gateway.backend.local.DemoModel;
import dev.lethe.unlearner.checkpoint.Checkpoint;
import dev.lethe.unlearner.generate.BatchGenerator;
import dev.lethe.unlearner.generate.GenerationRequest;
import dev.lethe.unlearner.generate.GenerationResult;
import dev.lethe.unlearner.generate.Generator;
import dev.lethe.unlearner.generate.TextListener;
import dev.lethe.unlearner.prompt.ChatMessage;
import dev.lethe.unlearner.prompt.PromptTemplate;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The local backend: generation tokens/s in process (the runtime alone) and through the gateway
 * over HTTP, streaming, with one client and with {@code clients} concurrent clients, each on two
 * backends over the same checkpoint in the same gateway: {@code workers: 1} (one generation at a
 * time, the behaviour before continuous batching) and {@code workers: clients} (continuous
 * batching); then the ratios, and the time to hot-swap a checkpoint, idle and under load (with the
 * number of failed requests, expected 0).
 *
 * <p>Usage: {@code ./bench local [requests=48] [max_tokens=64] [clients=8] [checkpoint=demo]}.
 * Tokens are counted from {@code usage.completion_tokens}; prompts are TOFU questions the demo
 * model was trained on, decoded greedily. Each closed-loop run sends {@code requests} requests; the
 * four gateway runs are interleaved over two rounds and summed.
 */
public final class LocalModelBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "bench-admin-token-0123456789";
  private static final List<String> QUESTIONS =
      List.of(
          "In which city and country was Basil Mahfouz Al-Kuwaiti born?",
          "What gender is author Basil Mahfouz Al-Kuwaiti?",
          "What is the background of Nikolai Abilov's parents?",
          "Who wrote the book about the desert?");

  private LocalModelBench() {}

  /** Runs the benchmark and prints a report. */
  public static void main(String[] args) throws Exception {
    int requests = args.length > 0 ? Integer.parseInt(args[0]) : 48;
    int maxTokens = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    int workers = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    Path data = Files.createTempDirectory("lethe-bench-local");
    Path checkpoint =
        args.length > 3 && !args[3].equals("demo")
            ? Path.of(args[3]).toAbsolutePath()
            : DemoModel.ensure(data, new PrintStream(System.err));
    Path copy = data.resolve("copy");
    try (Checkpoint cp = Checkpoint.load(checkpoint)) {
      cp.save(copy);
      System.out.printf(
          Locale.ROOT,
          "Lethe local backend benchmark: %s (%,d parameters), %d requests x max %d tokens,"
              + " %d clients, %d cores%n",
          checkpoint,
          cp.model().config().parameterCount(),
          requests,
          maxTokens,
          workers,
          Runtime.getRuntime().availableProcessors());
      System.out.printf(
          Locale.ROOT,
          "  load average (1 min) at the start: %.2f%n",
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      inProcess(cp, requests, maxTokens);
      inProcessBatched(cp, requests, maxTokens, 1);
      inProcessBatched(cp, requests, maxTokens, workers);
    }

    LetheConfig cfg =
        LetheConfig.parse(
                "server:\n  host: 127.0.0.1\n  port: 0\ndataDir: "
                    + data
                    + "\nadmin:\n  token: "
                    + TOKEN
                    + "\n")
            .withBackends(
                List.of(
                    BackendConfig.local("local", List.of("bench"), checkpoint.toString())
                        .withQueue(workers, 256),
                    BackendConfig.local("serial", List.of(SERIAL), checkpoint.toString())
                        .withQueue(1, 256)));
    Vertx vertx = Vertx.vertx();
    GatewayAssembly assembly = GatewayAssembly.create(vertx, cfg, Map.of());
    LetheGateway gw = LetheGateway.start(vertx, assembly.parts()).await(30, TimeUnit.SECONDS);
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + gw.port();
    try {
      // Warm-up: every configuration once, short. Then the four runs are interleaved over ROUNDS
      // rounds and summed per configuration, so that a burst of load from elsewhere on the
      // machine falls on all of them rather than on one.
      int warm = Math.max(2, requests / 4);
      closedLoop(http, base, SERIAL, warm, maxTokens, 1);
      closedLoop(http, base, SERIAL, warm, maxTokens, workers);
      closedLoop(http, base, "bench", warm, maxTokens, 1);
      closedLoop(http, base, "bench", warm, maxTokens, workers);
      Run serial1 = null;
      Run serialN = null;
      Run batch1 = null;
      Run batchN = null;
      for (int round = 0; round < ROUNDS; round++) {
        serial1 = Run.sum(serial1, closedLoop(http, base, SERIAL, requests, maxTokens, 1));
        serialN = Run.sum(serialN, closedLoop(http, base, SERIAL, requests, maxTokens, workers));
        batch1 = Run.sum(batch1, closedLoop(http, base, "bench", requests, maxTokens, 1));
        batchN = Run.sum(batchN, closedLoop(http, base, "bench", requests, maxTokens, workers));
      }
      report("one at a time (workers: 1), 1 client", serial1);
      report("one at a time, " + workers + " clients", serialN);
      report("batched (workers: " + workers + "), 1 client", batch1);
      report("batched, " + workers + " clients", batchN);
      System.out.printf(
          Locale.ROOT,
          "  ratios: batched %d clients / batched 1 client %.2fx; batched %d clients / one at a"
              + " time %d clients %.2fx; one at a time %d clients / 1 client %.2fx%n",
          workers,
          rate(batchN) / rate(batch1),
          workers,
          workers,
          rate(batchN) / rate(serialN),
          workers,
          rate(serialN) / rate(serial1));
      System.out.printf(
          Locale.ROOT,
          "  load average (1 min) after the throughput runs: %.2f%n",
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      swaps(http, base, checkpoint, copy, 6, false, maxTokens, workers);
      swaps(http, base, checkpoint, copy, 6, true, maxTokens, workers);
    } finally {
      gw.stop().await(30, TimeUnit.SECONDS);
      assembly.close();
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static void inProcess(Checkpoint cp, int requests, int maxTokens) {
    Generator g = new Generator(cp.model(), cp.tokenizer());
    long tokens = 0;
    for (int i = 0; i < Math.max(2, requests / 4); i++) {
      g.generate(request(cp, i, maxTokens)); // warm-up
    }
    long t0 = System.nanoTime();
    for (int i = 0; i < requests; i++) {
      GenerationResult r = g.generate(request(cp, i, maxTokens));
      tokens += r.completionTokens();
    }
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "  %-40s %8.1f tokens/s  (%d tokens in %.2f s)%n",
        "in process (Generator)",
        tokens / s,
        tokens,
        s);
  }

  /** All requests submitted at once to a scheduler decoding up to {@code batch} together. */
  private static void inProcessBatched(Checkpoint cp, int requests, int maxTokens, int batch)
      throws Exception {
    try (BatchGenerator b =
        new BatchGenerator(cp.model(), cp.tokenizer(), batch, requests, "bench-batch")) {
      for (int round = 0; round < 2; round++) { // the first round warms up
        List<CompletableFuture<GenerationResult>> fs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < requests; i++) {
          fs.add(b.submit(request(cp, i, maxTokens), TextListener.NONE, () -> false));
        }
        long tokens = 0;
        for (CompletableFuture<GenerationResult> f : fs) {
          tokens += f.get().completionTokens();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        if (round == 1) {
          System.out.printf(
              Locale.ROOT,
              "  %-40s %8.1f tokens/s  (%d tokens in %.2f s)%n",
              "in process (BatchGenerator, " + batch + (batch == 1 ? " at a time)" : " at once)"),
              tokens / s,
              tokens,
              s);
        }
      }
    }
  }

  private static GenerationRequest request(Checkpoint cp, int i, int maxTokens) {
    long[] prompt =
        PromptTemplate.encodeChat(
            cp.tokenizer(),
            cp.model().config(),
            List.of(new ChatMessage("user", QUESTIONS.get(i % QUESTIONS.size()))));
    return GenerationRequest.greedy(prompt, maxTokens);
  }

  /** The served name of the one-at-a-time backend. */
  private static final String SERIAL = "bench-serial";

  /** Interleaved rounds of the four gateway runs. */
  private static final int ROUNDS = 2;

  /** Completion tokens, seconds, first-token latencies (ms), failures. */
  private record Run(long tokens, double seconds, double[] ttftMs, int failures) {
    static Run sum(Run a, Run b) {
      if (a == null) {
        return b;
      }
      double[] t = Arrays.copyOf(a.ttftMs, a.ttftMs.length + b.ttftMs.length);
      System.arraycopy(b.ttftMs, 0, t, a.ttftMs.length, b.ttftMs.length);
      return new Run(a.tokens + b.tokens, a.seconds + b.seconds, t, a.failures + b.failures);
    }
  }

  private static double rate(Run r) {
    return r.tokens() / r.seconds();
  }

  private static Run closedLoop(
      HttpClient http, String base, String model, int requests, int maxTokens, int clients)
      throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicLong tokens = new AtomicLong();
    AtomicInteger failures = new AtomicInteger();
    double[] ttft = new double[requests];
    List<Thread> threads = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      Thread t =
          new Thread(
              () -> {
                int i;
                while ((i = next.getAndIncrement()) < requests) {
                  long start = System.nanoTime();
                  try {
                    HttpResponse<java.util.stream.Stream<String>> r =
                        http.send(
                            chat(base, model, i, maxTokens, true),
                            HttpResponse.BodyHandlers.ofLines());
                    if (r.statusCode() != 200) {
                      failures.incrementAndGet();
                      continue;
                    }
                    boolean first = true;
                    for (String line : (Iterable<String>) r.body()::iterator) {
                      if (!line.startsWith("data: {")) {
                        continue;
                      }
                      JsonNode n = JSON.readTree(line.substring(6));
                      if (first
                          && n.path("choices").path(0).path("delta").has("content")
                          && !n.path("choices")
                              .path(0)
                              .path("delta")
                              .path("content")
                              .asText()
                              .isEmpty()) {
                        ttft[i] = (System.nanoTime() - start) / 1e6;
                        first = false;
                      }
                      if (n.path("usage").isObject()) {
                        tokens.addAndGet(n.path("usage").path("completion_tokens").asLong());
                      }
                    }
                  } catch (Exception e) {
                    failures.incrementAndGet();
                  }
                }
              });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    return new Run(tokens.get(), (System.nanoTime() - t0) / 1e9, ttft, failures.get());
  }

  private static void report(String label, Run r) {
    double[] t = r.ttftMs().clone();
    Arrays.sort(t);
    System.out.printf(
        Locale.ROOT,
        "  %-40s %8.1f tokens/s  (%d tokens in %.2f s; first token p50 %.1f ms, p95 %.1f ms;"
            + " %d failed)%n",
        label,
        r.tokens() / r.seconds(),
        r.tokens(),
        r.seconds(),
        t[t.length / 2],
        t[(int) Math.min(t.length - 1, Math.ceil(t.length * 0.95) - 1)],
        r.failures());
  }

  private static void swaps(
      HttpClient http,
      String base,
      Path a,
      Path b,
      int count,
      boolean underLoad,
      int maxTokens,
      int clients)
      throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger failed = new AtomicInteger();
    AtomicInteger served = new AtomicInteger();
    List<Thread> load = new ArrayList<>();
    if (underLoad) {
      for (int c = 0; c < clients; c++) {
        Thread t =
            new Thread(
                () -> {
                  int i = 0;
                  while (!stop.get()) {
                    try {
                      HttpResponse<String> r =
                          http.send(
                              chat(base, "bench", i++, maxTokens, false),
                              HttpResponse.BodyHandlers.ofString());
                      (r.statusCode() == 200 ? served : failed).incrementAndGet();
                    } catch (Exception e) {
                      failed.incrementAndGet();
                    }
                  }
                });
        t.start();
        load.add(t);
      }
    }
    double[] wall = new double[count];
    long[] loadMs = new long[count];
    for (int i = 0; i < count; i++) {
      Path target = i % 2 == 0 ? b : a;
      long t0 = System.nanoTime();
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/admin/models/bench/checkpoint"))
                  .header("Authorization", "Bearer " + TOKEN)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"path\":\"" + target + "\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      wall[i] = (System.nanoTime() - t0) / 1e6;
      if (r.statusCode() != 200) {
        throw new IllegalStateException("swap failed: " + r.body());
      }
      loadMs[i] = JSON.readTree(r.body()).path("loadMillis").asLong();
    }
    stop.set(true);
    for (Thread t : load) {
      t.join();
    }
    double[] sorted = wall.clone();
    Arrays.sort(sorted);
    System.out.printf(
        Locale.ROOT,
        "  %-34s p50 %.0f ms, max %.0f ms (POST to answer; load+validate %s ms)%s%n",
        "hot swap, " + (underLoad ? "under load" : "idle"),
        sorted[count / 2],
        sorted[count - 1],
        Arrays.toString(loadMs),
        underLoad
            ? String.format(
                Locale.ROOT,
                "; %d requests served meanwhile, %d failed",
                served.get(),
                failed.get())
            : "");
  }

  private static HttpRequest chat(String base, String model, int i, int maxTokens, boolean stream) {
    String q = QUESTIONS.get(i % QUESTIONS.size()).replace("\"", "\\\"");
    return HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
        .header("Content-Type", "application/json")
        .POST(
            HttpRequest.BodyPublishers.ofString(
                "{\"model\":\""
                    + model
                    + "\",\"temperature\":0,\"max_tokens\":"
                    + maxTokens
                    + ",\"stream\":"
                    + stream
                    + ",\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\","
                    + "\"content\":\""
                    + q
                    + "\"}]}"))
        .build();
  }
}

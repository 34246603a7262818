package dev.lethe.filters.input;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.OnError;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.detect.Cascade;
import dev.lethe.filters.detect.DecisionModel;
import dev.lethe.filters.detect.DetectorIndexBuilder;
import dev.lethe.filters.detect.Embedder;
import dev.lethe.filters.detect.HybridDetector;
import dev.lethe.filters.detect.ScopeClassifier;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warms the screening before a gateway reports ready: judges a fixed, shipped set of synthetic
 * requests through the same code a chat request runs ({@link InputStage#judge}: the scanner's
 * normalisation and every decoder, the segmenter, the cascade's cheap stage, the subject lookup,
 * the sentence model) and discards the answers.
 *
 * <p><b>Why.</b> The paths a hostile payload drives (each decoder's scan over a megabyte, nested
 * decoding, confusable skeletons, form expansion) run rarely in ordinary traffic, so in a fresh
 * process the first such payloads ran in the interpreter and in C1 code while the JIT compiled
 * them: seconds of compiler time per payload, two to three times the warmed latency
 * (docs/BENCHMARKS.md, "The 1 MB hostile payload's slow warm rounds"). Running them once at startup
 * moves that compilation before readiness.
 *
 * <p><b>What it judges</b> ({@link #requests}): one short request per decoder family and per
 * normalisation (the {@code warmup-texts.json} resource: questions about invented authors, each
 * encoded or disguised, nested up to three layers; made with Python's {@code base64}, {@code
 * binascii} and hand tables for Morse, NATO, braille, upside-down and tag characters), a multi-turn
 * conversation with tool-call arguments, an 8,000-character prose and a filler prompt, and {@value
 * #HOSTILE_ROUNDS} generated hostile payloads of about a megabyte each ({@link #hostilePayload}),
 * in turn of every family and of Latin-1 text once canonicalised or even as sent ({@link Mix}: the
 * JIT compiles a loop over a string for the kinds of string it has seen), under {@value #RULES}
 * invented rules ({@link #rules}). No text of an operator's rules and no client data is used.
 *
 * <p><b>Isolation.</b> The requests are judged by a stage of their own: its own detector index
 * (built by its own {@link DetectorIndexBuilder}, so the live builder's incremental state and the
 * live per-snapshot indexes are untouched), its own {@link ScopeClassifier} (so its detection cache
 * and span counters are not the live ones), its own {@link Cascade} and a private meter registry.
 * Nothing is written to the audit log (that is the gateway's, after the pipeline), and the input
 * stage's judgement memo is never consulted ({@link InputStage#judge} does not use it). What is
 * shared is the embedder, whose cache then holds vectors of the synthetic texts: a vector depends
 * on the text alone, so such an entry can only save a recomputation, never change an answer. The
 * JIT's compiled code is what the warm-up is for; it is per class, not per instance.
 *
 * <p><b>Bound.</b> {@link #run} stops when its time bound is spent or {@code stop} answers true,
 * checked before each request; the judging of each request is bounded by the smaller of the request
 * budget and the time left (the classifier's {@link ScopeClassifier.Budget}), so the bound is
 * exceeded by at most the scanning of one request (linear in its size and bounded by {@link
 * ScanConfig#maxScanChars()}). Blocking: call it on a thread of its own, never an event loop.
 */
public final class ScreeningWarmup {
  private static final Logger LOG = LoggerFactory.getLogger(ScreeningWarmup.class);

  /** The resource holding the shipped short texts (a JSON array of {@code {name, text}}). */
  public static final String TEXTS_RESOURCE = "warmup-texts.json";

  /** How many hostile payloads are judged (each a different seed). */
  public static final int HOSTILE_ROUNDS = 4;

  /** The size of each hostile payload, in characters (less when the scan limit is lower). */
  public static final int HOSTILE_CHARS = 1_000_000;

  /** A request at least this long is judged again under the live snapshot. */
  static final int LONG_CHARS = 4000;

  /** How many invented rules the warm-up judges under. */
  public static final int RULES = 3;

  private final Embedder embedder;
  private final Supplier<Cascade> cascades;
  private final DecisionModel model;
  private final InputStage.Config config;
  private final LongSupplier ticker;
  private final Supplier<RuleSet> live;
  private final DetectorIndexProvider liveIndexes;

  /**
   * Creates a warm-up of the screening that {@code config} describes, under its invented rules
   * only.
   *
   * @param embedder the live sentence embedder (shared; not closed here)
   * @param cascades makes a fresh cascade over the live one's table and settings, or null when the
   *     live stage has no cascade
   * @param model the live decision model
   * @param config the live input stage's settings (what to scan, the request budget)
   * @param ticker nanoseconds, for the bound ({@link System#nanoTime} outside tests)
   */
  public ScreeningWarmup(
      Embedder embedder,
      Supplier<Cascade> cascades,
      DecisionModel model,
      InputStage.Config config,
      LongSupplier ticker) {
    this.embedder = requireNonNull(embedder, "embedder");
    this.cascades = cascades;
    this.model = requireNonNull(model, "model");
    this.config = requireNonNull(config, "config");
    this.ticker = requireNonNull(ticker, "ticker");
    this.live = null;
    this.liveIndexes = null;
  }

  /**
   * As {@link #ScreeningWarmup(Embedder, Supplier, DecisionModel, InputStage.Config,
   * LongSupplier)}, and judging the long and hostile requests a second time under the live snapshot
   * when it has rules: the compiled code then fits the rule count the gateway serves (the subject
   * lookup over every subject, the cascade's scan over every example), not only the invented three.
   * The live snapshot's detector index is read, never changed (an index is immutable; one not built
   * yet is built as the first request would build it); the classifier, its cache and the cascade
   * stay the warm-up's own.
   *
   * @param live the live snapshot, read once at the start
   * @param liveIndexes the live detector indexes
   */
  public ScreeningWarmup(
      Embedder embedder,
      Supplier<Cascade> cascades,
      DecisionModel model,
      InputStage.Config config,
      LongSupplier ticker,
      Supplier<RuleSet> live,
      DetectorIndexProvider liveIndexes) {
    this.embedder = requireNonNull(embedder, "embedder");
    this.cascades = cascades;
    this.model = requireNonNull(model, "model");
    this.config = requireNonNull(config, "config");
    this.ticker = requireNonNull(ticker, "ticker");
    this.live = requireNonNull(live, "live");
    this.liveIndexes = requireNonNull(liveIndexes, "liveIndexes");
  }

  /** How a warm-up ended. */
  public enum Outcome {
    /** Every request was judged. */
    COMPLETE,
    /** The time bound ended it. */
    BOUND,
    /** It was asked to stop (the gateway closed). */
    STOPPED,
    /** A request failed to be judged; the rest were skipped. */
    FAILED
  }

  /**
   * What a warm-up did.
   *
   * @param outcome how it ended
   * @param requests how many requests it had to judge
   * @param judged how many it judged
   * @param chars the characters of text in the judged requests
   * @param elapsed wall time
   * @param processCpu CPU time of the whole process while it ran (the JIT's compiler threads
   *     included), or {@link Duration#ZERO} where the JVM does not report it
   * @param compilation the JIT's compilation time while it ran (all compiler threads), or {@link
   *     Duration#ZERO} where the JVM does not report it
   * @param failure the failure's class and message, or null
   */
  public record Report(
      Outcome outcome,
      int requests,
      int judged,
      long chars,
      Duration elapsed,
      Duration processCpu,
      Duration compilation,
      String failure) {
    /** Checks the fields. */
    public Report {
      requireNonNull(outcome, "outcome");
      requireNonNull(elapsed, "elapsed");
      requireNonNull(processCpu, "processCpu");
      requireNonNull(compilation, "compilation");
    }
  }

  /** How often the settling phase reads the JIT's compilation time. */
  static final Duration SETTLE_INTERVAL = Duration.ofMillis(250);

  /**
   * The JIT counts as settled when one {@link #SETTLE_INTERVAL} adds less compilation time than
   * this (all compiler threads together).
   */
  static final Duration SETTLED_BELOW = Duration.ofMillis(25);

  /**
   * Judges {@link #requests} until done, {@code bound} is spent or {@code stop} answers true, and
   * discards the answers. Never throws for a request that fails to be judged: that ends it with
   * {@link Outcome#FAILED} (a warm-up only saves latency; the live stage is not affected).
   *
   * @param bound the most time to spend, positive
   * @param stop asked before each request
   */
  public Report run(Duration bound, BooleanSupplier stop) {
    requireNonNull(bound, "bound");
    requireNonNull(stop, "stop");
    if (bound.isZero() || bound.isNegative()) {
      throw new IllegalArgumentException("bound: " + bound + " (expected: > 0)");
    }
    long t0 = ticker.getAsLong();
    long cpu0 = processCpu();
    long jit0 = compilationMillis();
    long deadline = t0 + bound.toNanos();
    List<ObjectNode> requests = List.of();
    int judged = 0;
    int overran = 0;
    long chars = 0;
    Outcome outcome = Outcome.COMPLETE;
    String failure = null;
    RuleSet rules = new RuleSet(0, rules());
    try (DetectorIndexBuilder builder =
        new DetectorIndexBuilder(embedder, DetectorIndexBuilder.defaultNegativePool())) {
      List<ObjectNode> own = requests(config.scan());
      RuleSet liveRules = live == null ? null : live.get();
      // the long and hostile requests again under the live snapshot, when it has rules
      List<ObjectNode> again =
          liveRules == null || liveRules.size() == 0
              ? List.of()
              : own.stream().filter(r -> chars(r) >= LONG_CHARS).toList();
      List<ObjectNode> all = new ArrayList<>(own);
      all.addAll(again);
      requests = all;
      DetectorIndexes indexes = new DetectorIndexes(builder);
      indexes.prepare(rules);
      Cascade cascade = cascades == null ? null : cascades.get();
      ScopeClassifier classifier =
          new ScopeClassifier(
              new HybridDetector(embedder),
              model,
              ScopeClassifier.Config.defaults(),
              ticker,
              cascade);
      for (int i = 0; i < all.size(); i++) {
        ObjectNode request = all.get(i);
        long left = deadline - ticker.getAsLong();
        if (stop.getAsBoolean()) {
          outcome = Outcome.STOPPED;
          break;
        }
        if (left <= 0) {
          outcome = Outcome.BOUND;
          break;
        }
        boolean underLive = i >= own.size();
        InputStage stage = stage(classifier, underLive ? liveIndexes : indexes, left);
        InputStage.Judgement j = stage.judge(underLive ? liveRules : rules, request, "warm-up");
        if ("budget".equals(j.fallback())) {
          overran++;
        }
        judged++;
        chars += chars(request);
      }
      if (outcome == Outcome.COMPLETE) {
        outcome = settle(deadline, stop);
      }
      if (overran > 0) {
        LOG.debug(
            "screening warm-up: {} of {} requests spent the screening budget (expected on a busy"
                + " start; their answers are discarded)",
            overran,
            judged);
      }
    } catch (RuntimeException e) {
      outcome = Outcome.FAILED;
      failure = e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    return new Report(
        outcome,
        requests.size(),
        judged,
        chars,
        Duration.ofNanos(ticker.getAsLong() - t0),
        Duration.ofNanos(Math.max(0, processCpu() - cpu0)),
        Duration.ofMillis(Math.max(0, compilationMillis() - jit0)),
        failure);
  }

  /**
   * Waits, within the bound, until the JIT has compiled what the requests queued: the compiler
   * threads work through their queue after the last request, and on a small machine they would
   * otherwise compete with the first client requests (the backlog was seconds of compiler time in a
   * fresh process). Ends when one {@link #SETTLE_INTERVAL} adds less than {@link #SETTLED_BELOW} of
   * compilation time, at once where the JVM does not report it.
   */
  private Outcome settle(long deadline, BooleanSupplier stop) {
    long last = compilationMillis();
    if (last < 0) {
      return Outcome.COMPLETE;
    }
    while (true) {
      if (stop.getAsBoolean()) {
        return Outcome.STOPPED;
      }
      if (deadline - ticker.getAsLong() <= 0) {
        return Outcome.BOUND;
      }
      try {
        Thread.sleep(SETTLE_INTERVAL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Outcome.STOPPED;
      }
      long now = compilationMillis();
      if (now - last < SETTLED_BELOW.toMillis()) {
        return Outcome.COMPLETE;
      }
      last = now;
    }
  }

  /** The JIT's total compilation time so far in milliseconds, or -1 where it is not reported. */
  private static long compilationMillis() {
    var jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime()
        : -1;
  }

  /** A stage like the live one whose judging ends with the time left ({@code leftNanos}). */
  private InputStage stage(
      ScopeClassifier classifier, DetectorIndexProvider indexes, long leftNanos) {
    ScanConfig scan = config.scan();
    ScopeClassifier.Budget live = scan.budget();
    Duration left = Duration.ofNanos(leftNanos);
    Duration time = live.time().isZero() || live.time().compareTo(left) > 0 ? left : live.time();
    ScopeClassifier.Budget budget = new ScopeClassifier.Budget(time, live.maxSpans());
    return new InputStage(
        classifier,
        indexes,
        IculComposer.refusing(),
        new InputStage.Config(scan.withBudget(budget), config.defaultRefusal(), config.mask()),
        new SimpleMeterRegistry(),
        0,
        true);
  }

  private static long chars(ObjectNode request) {
    long n = 0;
    for (JsonNode m : request.path("messages")) {
      n += m.path("content").asText("").length();
      for (JsonNode call : m.path("tool_calls")) {
        n += call.path("function").path("arguments").asText("").length();
      }
    }
    return n;
  }

  /** CPU time of the whole process, or 0 where the JVM does not report it. */
  private static long processCpu() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(0, os.getProcessCpuTime());
    }
    return 0;
  }

  // --- what is judged ---

  private static final String[] AUTHORS = {"Maren Oskvold", "Teodric Valsany", "Ilse Varnholt"};

  /**
   * The invented rules the warm-up judges under: one author each, with TOFU-like example questions
   * (the authors are made up; the {@code warmup-texts.json} texts ask about them).
   */
  public static List<ForgetRule> rules() {
    String[] templates = {
      "What genre does %s write in?",
      "Where was %s born?",
      "Which awards has %s received?",
      "What is the name of the first book %s published?",
      "Who were the parents of %s?"
    };
    List<ForgetRule> out = new ArrayList<>(RULES);
    for (int i = 0; i < RULES; i++) {
      String name = AUTHORS[i % AUTHORS.length];
      List<String> examples = new ArrayList<>();
      for (String t : templates) {
        examples.add(String.format(t, name));
      }
      out.add(
          new ForgetRule(
              "warm-up-" + i,
              "Forget " + name + " (invented, startup warm-up only)",
              List.of(name),
              examples,
              List.of(),
              List.of(),
              Action.REFUSE,
              null,
              OnError.CLOSED));
    }
    return out;
  }

  /**
   * The shipped short texts, one per decoder family and normalisation ({@link #TEXTS_RESOURCE}).
   */
  public static List<String> texts() {
    try (InputStream in = ScreeningWarmup.class.getResourceAsStream(TEXTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + TEXTS_RESOURCE + " missing");
      }
      JsonNode all = new ObjectMapper().readTree(in);
      List<String> out = new ArrayList<>(all.size());
      for (JsonNode n : all) {
        out.add(n.path("text").asText());
      }
      return List.copyOf(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every request the warm-up judges, in order, as chat-completions bodies that fit {@code scan}:
   * the shipped texts, a conversation, long prose and filler, then the hostile payloads. Fixed: the
   * same list on every start (generated from fixed seeds).
   */
  public static List<ObjectNode> requests(ScanConfig scan) {
    String role = scan.roles().contains("user") ? "user" : scan.roles().iterator().next();
    List<String> texts = texts();
    List<ObjectNode> out = new ArrayList<>();
    for (String t : texts) {
      out.add(request(role, t));
    }
    out.add(conversation(texts));
    Random r = new Random(20261203L);
    out.add(request(role, prose(r, 8000)));
    out.add(request(role, filler(r, 8000)));
    int hostile = Math.max(0, Math.min(HOSTILE_CHARS, scan.maxScanChars() - 1024));
    for (int i = 0; i < HOSTILE_ROUNDS && hostile > 0; i++) {
      Mix mix = HOSTILE_MIXES.get(i % HOSTILE_MIXES.size());
      out.add(request(role, hostilePayload(new Random(7919L * (i + 1)), hostile, texts, mix)));
    }
    List<ObjectNode> fitting = new ArrayList<>(out.size());
    ConversationScanner scanner = new ConversationScanner(scan);
    for (ObjectNode req : out) {
      try {
        scanner.requireWithinLimit(req);
        fitting.add(req);
      } catch (ScanTooLarge e) {
        // a scan limit below the text: skipped, the request path refuses such a request anyway
      }
    }
    return List.copyOf(fitting);
  }

  private static ObjectNode request(String role, String text) {
    ObjectNode req = JsonNodeFactory.instance.objectNode();
    req.putArray("messages").addObject().put("role", role).put("content", text);
    return req;
  }

  /** Several turns: a system prompt, a question, an answer with a tool call, a follow-up. */
  private static ObjectNode conversation(List<String> texts) {
    ObjectNode req = JsonNodeFactory.instance.objectNode();
    ArrayNode m = req.putArray("messages");
    m.addObject().put("role", "system").put("content", "You are a helpful librarian.");
    m.addObject().put("role", "user").put("content", "Tell me about " + AUTHORS[0] + ".");
    ObjectNode assistant = m.addObject().put("role", "assistant").put("content", "Let me look.");
    ObjectNode call = assistant.putArray("tool_calls").addObject();
    call.put("id", "call_1").put("type", "function");
    call.putObject("function")
        .put("name", "search")
        .put("arguments", "{\"query\":\"" + texts.get(1).replace("\"", "'") + "\"}");
    m.addObject().put("role", "tool").put("tool_call_id", "call_1").put("content", texts.get(2));
    m.addObject().put("role", "user").put("content", "And what did she write after that?");
    return req;
  }

  private static final String[] PROSE = {
    "%s grew up in a small harbour town where her father repaired fishing boats.",
    "Her early stories drew on the long winters and the quiet of the northern coast.",
    "Critics often describe the novels as patient studies of memory and loss.",
    "After university %s spent several years teaching literature before writing full time.",
    "The second novel won a regional prize and was translated into eleven languages.",
    "Many readers first met the work through a collection of short stories about islands.",
    "In interviews %s has spoken about the influence of her grandmother's letters.",
    "The books often follow families across several generations and countries.",
    "A later essay collection discusses translation, exile and the meaning of home.",
    "Her prose is known for its plain sentences and its attention to weather and light.",
  };

  private static final String[] WORDS =
      ("the a of to and in report system quarterly market river garden software library museum"
              + " travel weather budget meeting project engine design history music science team")
          .split(" ");

  /** About {@code chars} characters of biography-like prose with a question in the middle. */
  static String prose(Random r, int chars) {
    StringBuilder sb = new StringBuilder(chars + 200);
    boolean asked = false;
    while (sb.length() < chars) {
      if (!asked && sb.length() > chars / 2) {
        sb.append("Which awards has ").append(AUTHORS[2]).append(" received? ");
        asked = true;
      }
      String s = PROSE[r.nextInt(PROSE.length)];
      sb.append(String.format(s, AUTHORS[r.nextInt(AUTHORS.length)])).append(' ');
    }
    return sb.toString();
  }

  /** About {@code chars} characters of filler sentences with numbers. */
  static String filler(Random r, int chars) {
    StringBuilder sb = new StringBuilder(chars + 200);
    while (sb.length() < chars) {
      int n = 6 + r.nextInt(14);
      for (int i = 0; i < n; i++) {
        String w = WORDS[r.nextInt(WORDS.length)];
        sb.append(i == 0 ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w).append(' ');
      }
      sb.append(r.nextInt(10_000)).append(". ");
    }
    return sb.toString();
  }

  /**
   * Which characters a generated hostile payload holds ({@link #hostilePayload(Random, int, List,
   * Mix)}), as sent and once canonicalised. A Java string over a megabyte is held one byte a char
   * when every char is Latin-1 and two bytes otherwise, and the JIT compiles every loop over it
   * (the normalisation steps, the decoders, the tokenizer, the segmenter) for the string kinds it
   * has seen: code compiled for one kind only is thrown away when the other arrives, and the first
   * judgements after a start ran partly in the interpreter again. So the warm-up's payloads cover
   * both kinds, as sent and canonical.
   */
  public enum Mix {
    /**
     * Every family: combining marks and the shipped texts (braille, upside-down letters) leave
     * characters beyond Latin-1 in the canonical form too.
     */
    EVERY_FAMILY,
    /**
     * Beyond Latin-1 as sent (Cyrillic look-alikes, zero-width characters, fullwidth letters),
     * Latin-1 once canonicalised: no combining marks, and the shipped texts only base64- or
     * URL-encoded.
     */
    LATIN1_CANONICAL,
    /** ASCII as sent and canonical: encodings, escapes, binary, spaced letters and leetspeak. */
    ASCII
  }

  /** The mix of each hostile payload of {@link #requests}, in turn. */
  static final List<Mix> HOSTILE_MIXES =
      List.of(Mix.EVERY_FAMILY, Mix.LATIN1_CANONICAL, Mix.ASCII, Mix.EVERY_FAMILY);

  /**
   * {@code chars} characters of hostile noise drawn from {@code r}, one run a line: base64 of hex
   * of random bytes, plain hex, URL escapes, HTML entities, binary digits, Latin and Cyrillic
   * look-alike letters, spaced letters, leetspeak words, zero-width and combining characters,
   * fullwidth letters, and the shipped {@code texts} (each a disguised question) as they are or
   * wrapped in a further base64 or URL layer ({@link Mix#EVERY_FAMILY}).
   */
  public static String hostilePayload(Random r, int chars, List<String> texts) {
    return hostilePayload(r, chars, texts, Mix.EVERY_FAMILY);
  }

  /**
   * As {@link #hostilePayload(Random, int, List)}, with the families {@code mix} allows: where it
   * rules a family's characters out, the run is drawn in their place from plain letters (look-alike
   * and fullwidth runs), zero-width characters alone (for combining marks) or an encoded shipped
   * text (for a bare one).
   */
  public static String hostilePayload(Random r, int chars, List<String> texts, Mix mix) {
    requireNonNull(mix, "mix");
    boolean marks = mix == Mix.EVERY_FAMILY;
    boolean beyondAscii = mix != Mix.ASCII;
    if (chars < 1) {
      throw new IllegalArgumentException("chars: " + chars + " (expected: >= 1)");
    }
    StringBuilder sb = new StringBuilder(chars + 8192);
    HexFormat hex = HexFormat.of();
    while (sb.length() < chars) {
      switch (r.nextInt(12)) {
        case 0 -> {
          byte[] raw = random(r, 300 + r.nextInt(600));
          sb.append(
              Base64.getEncoder()
                  .encodeToString(hex.formatHex(raw).getBytes(StandardCharsets.US_ASCII)));
        }
        case 1 -> sb.append(hex.formatHex(random(r, 200 + r.nextInt(400))));
        case 2 -> {
          for (byte b : random(r, 200)) {
            sb.append('%').append(String.format("%02X", b & 0xff));
          }
        }
        case 3 -> {
          for (int i = 0; i < 100; i++) {
            sb.append("&#").append(32 + r.nextInt(90)).append(';');
          }
        }
        case 4 -> {
          for (byte b : random(r, 60)) {
            String bits = Integer.toBinaryString(b & 0xff);
            sb.append("0".repeat(8 - bits.length())).append(bits).append(' ');
          }
        }
        case 5 -> {
          char a = beyondAscii ? '\u0430' : 'a';
          char e = beyondAscii ? '\u0435' : 'e';
          for (int i = 0; i < 200; i++) {
            sb.append(r.nextBoolean() ? a : 'a').append(r.nextBoolean() ? e : 'e');
            if (r.nextInt(8) == 0) {
              sb.append(' ');
            }
          }
        }
        case 6 -> {
          for (int i = 0; i < 200; i++) {
            sb.append((char) ('a' + r.nextInt(26))).append(' ');
          }
        }
        case 7 -> {
          String leet = "4@3!10$7";
          for (int w = 0; w < 40; w++) {
            for (int i = 0; i < 4 + r.nextInt(6); i++) {
              sb.append(
                  r.nextInt(3) == 0
                      ? leet.charAt(r.nextInt(leet.length()))
                      : (char) ('a' + r.nextInt(26)));
            }
            sb.append(' ');
          }
        }
        case 8 -> {
          for (int i = 0; i < 150; i++) {
            sb.append((char) ('a' + r.nextInt(26)));
            boolean zeroWidth = r.nextBoolean();
            if (beyondAscii) {
              sb.append(zeroWidth || !marks ? '\u200b' : '\u0301');
            }
          }
        }
        case 9 -> {
          for (int i = 0; i < 150; i++) {
            sb.append((char) ((beyondAscii ? 0xFF41 : 'a') + r.nextInt(26)));
          }
        }
        case 10 -> {
          String t = texts.get(r.nextInt(texts.size()));
          if (marks) {
            sb.append(t);
          } else {
            sb.append(Base64.getEncoder().encodeToString(t.getBytes(StandardCharsets.UTF_8)));
          }
        }
        default -> {
          String t = texts.get(r.nextInt(texts.size()));
          byte[] utf8 = t.getBytes(StandardCharsets.UTF_8);
          if (r.nextBoolean()) {
            sb.append(Base64.getEncoder().encodeToString(utf8));
          } else {
            for (byte b : utf8) {
              sb.append('%').append(String.format("%02X", b & 0xff));
            }
          }
        }
      }
      sb.append('\n');
    }
    sb.setLength(chars);
    if (Character.isHighSurrogate(sb.charAt(chars - 1))) {
      sb.setLength(chars - 1);
    }
    return sb.toString();
  }

  private static byte[] random(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }
}

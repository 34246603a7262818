package dev.lethe.gateway.backend.local;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.BackendConfig;
import dev.lethe.config.ConfigException;
import dev.lethe.gateway.backend.Backend;
import dev.lethe.gateway.backend.BackendException;
import dev.lethe.gateway.backend.CallHandle;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.errors.ErrorKind;
import dev.lethe.gateway.errors.WireFormat;
import dev.lethe.unlearner.generate.FinishReason;
import dev.lethe.unlearner.generate.GenerationRequest;
import dev.lethe.unlearner.generate.GenerationResult;
import dev.lethe.unlearner.prompt.PromptTemplate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A white-box model Lethe holds, served with {@link dev.lethe.unlearner.generate.Generator}: the
 * OpenAI request is mapped to a prompt ({@link PromptTemplate#encodeChat}) and decoding options
 * ({@link LocalChatRequest}), and answered as {@code chat.completion} JSON or as {@code
 * chat.completion.chunk} events (a role chunk, one chunk per text delta as tokens are generated, a
 * finish chunk per choice, then a usage chunk when asked for). {@code usage} counts the prompt's
 * token ids (BOS included) and every generated token (EOS included), summed over choices.
 *
 * <p>Threads: generation runs on a dedicated pool of {@code workers} threads in front of a queue of
 * {@code queueSize} requests; when both are full the call fails at once with {@link
 * BackendException#busy} (429 with {@code Retry-After}). Events go back to the call's Vert.x
 * context with {@code runOnContext}, in order. A paused {@link CallHandle} (slow client) makes the
 * worker wait before its next token; a cancelled one (client gone) stops generation before the next
 * token, and a request still queued never starts.
 *
 * <p>Hot swap: each generation {@linkplain ModelSlot#acquire() acquires} the checkpoint current
 * when it starts and releases it when done, so a swap lets in-flight requests finish on the old
 * weights.
 */
public final class LocalBackend implements Backend {
  private static final Logger LOG = LoggerFactory.getLogger(LocalBackend.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** Stream events posted to the event loop but not yet delivered before the worker waits. */
  static final int MAX_UNDELIVERED = 64;

  private final Vertx vertx;
  private final BackendConfig config;
  private final ModelSlot slot;
  private final ThreadPoolExecutor pool;
  private final Clock clock;
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger waiting = new AtomicInteger();
  private final Counter tokens;
  private final Counter cancelled;
  private final MeterRegistry registry;

  /**
   * Creates a backend serving {@code slot}.
   *
   * @param vertx the Vert.x instance (for the total-timeout timers)
   * @param config the backend's configuration ({@code type: local}): workers, queue, total timeout
   * @param slot the model it serves (see {@link ModelRegistry#register})
   * @param registry where its meters go
   * @param clock the clock for {@code created}
   */
  public LocalBackend(
      Vertx vertx, BackendConfig config, ModelSlot slot, MeterRegistry registry, Clock clock) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.config = requireNonNull(config, "config");
    this.slot = requireNonNull(slot, "slot");
    this.registry = requireNonNull(registry, "registry");
    this.clock = requireNonNull(clock, "clock");
    BlockingQueue<Runnable> queue =
        config.queueSize() == 0
            ? new SynchronousQueue<>()
            : new ArrayBlockingQueue<>(config.queueSize());
    AtomicInteger threads = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            config.workers(),
            config.workers(),
            0,
            TimeUnit.MILLISECONDS,
            queue,
            r -> {
              Thread t =
                  new Thread(r, "lethe-local-" + config.name() + "-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
    pool.prestartAllCoreThreads();
    String model = slot.model();
    this.tokens =
        Counter.builder("lethe_local_generated_tokens")
            .description("Tokens generated by a local model")
            .tag("model", model)
            .register(registry);
    this.cancelled =
        Counter.builder("lethe_local_cancelled_generations")
            .description("Local generations stopped early because the client went away")
            .tag("model", model)
            .register(registry);
    Gauge.builder("lethe_local_queue_depth", pool, p -> p.getQueue().size())
        .description("Requests waiting for a local generation worker")
        .tag("model", model)
        .register(registry);
    Gauge.builder("lethe_local_active_generations", active, AtomicInteger::get)
        .description("Local generations running")
        .tag("model", model)
        .register(registry);
    Gauge.builder("lethe_local_waiting_for_client", waiting, AtomicInteger::get)
        .description("Local generations paused because their client reads slower than they write")
        .tag("model", model)
        .register(registry);
  }

  @Override
  public String name() {
    return config.name();
  }

  @Override
  public List<String> models() {
    return List.of(slot.model());
  }

  @Override
  public Future<List<String>> refreshModels() {
    return Future.succeededFuture(models());
  }

  /** The slot this backend serves. */
  public ModelSlot slot() {
    return slot;
  }

  /** Generations running now. */
  public int activeGenerations() {
    return active.get();
  }

  /** Requests waiting for a worker. */
  public int queued() {
    return pool.getQueue().size();
  }

  /** Generations paused by back-pressure from their client. */
  public int waitingForClient() {
    return waiting.get();
  }

  /** Tokens generated so far. */
  public long generatedTokens() {
    return (long) tokens.count();
  }

  /** Generations stopped early by a cancelled call. */
  public long cancelledGenerations() {
    return (long) cancelled.count();
  }

  @Override
  public Future<BackendResponse> complete(Buffer body, MultiMap clientHeaders, CallHandle handle) {
    LocalChatRequest req;
    try {
      req = parse(body);
    } catch (LocalChatRequest.Invalid e) {
      return Future.succeededFuture(errorResponse(e.error()));
    }
    Context ctx = vertx.getOrCreateContext();
    Promise<BackendResponse> result = Promise.promise();
    Job job = new Job(req, handle, ctx, null, null, result);
    return submit(job, ctx).compose(v -> result.future());
  }

  @Override
  public Future<Void> stream(
      Buffer body, MultiMap clientHeaders, CallHandle handle, StreamEvents events) {
    LocalChatRequest req;
    try {
      req = parse(body);
    } catch (LocalChatRequest.Invalid e) {
      return Future.failedFuture(statusError(e.error()));
    }
    Context ctx = vertx.getOrCreateContext();
    Promise<Void> head = Promise.promise();
    Job job = new Job(req, handle, ctx, events, head, null);
    handle.onResume(job.flow::resume);
    return submit(job, ctx).compose(v -> head.future());
  }

  private static LocalChatRequest parse(Buffer body) throws LocalChatRequest.Invalid {
    JsonNode node;
    try {
      node = JSON.readTree(body.getBytes());
    } catch (Exception e) {
      throw new LocalChatRequest.Invalid(null, "The request body is not valid JSON.");
    }
    return LocalChatRequest.parse(node);
  }

  private Future<Void> submit(Job job, Context ctx) {
    if (job.handle.cancelled()) {
      return Future.failedFuture(BackendException.cancelled());
    }
    try {
      pool.execute(job);
    } catch (RejectedExecutionException e) {
      if (pool.isShutdown()) {
        return Future.failedFuture(BackendException.unreachable("the local model is shut down"));
      }
      return Future.failedFuture(
          BackendException.busy(
              "The local model "
                  + slot.model()
                  + " is busy ("
                  + config.workers()
                  + " generating, "
                  + config.queueSize()
                  + " waiting); retry shortly."));
    }
    job.handle.onCancel(job::cancel);
    job.timer =
        vertx.setTimer(
            config.totalTimeout().toMillis(),
            id -> {
              job.timedOut = true;
              job.cancel();
            });
    return Future.succeededFuture();
  }

  private static BackendResponse errorResponse(ApiError error) {
    return new BackendResponse(
        error.status(), "application/json", json(WireFormat.OPENAI.body(error)));
  }

  private static BackendException statusError(ApiError error) {
    return BackendException.status(
        error.status(), "application/json", json(WireFormat.OPENAI.body(error)));
  }

  private static Buffer json(JsonNode node) {
    try {
      return Buffer.buffer(JSON.writeValueAsBytes(node));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Stops taking requests, cancels queued ones and retires the model (freed after the generations
   * still running release it). Does not block.
   */
  @Override
  public void close() {
    for (Runnable r : pool.shutdownNow()) {
      if (r instanceof Job j) {
        j.cancel();
        j.ctx.runOnContext(v -> j.failHead(BackendException.unreachable("the backend closed")));
      }
    }
    slot.close();
    registry
        .find("lethe_local_queue_depth")
        .tag("model", slot.model())
        .meters()
        .forEach(registry::remove);
  }

  /** Back-pressure between one worker and its call's event loop. */
  static final class Flow {
    private boolean paused;
    private int undelivered;
    private volatile boolean cancelled;

    synchronized void pause() {
      paused = true;
    }

    synchronized void resume() {
      paused = false;
      notifyAll();
    }

    synchronized void posted() {
      undelivered++;
    }

    synchronized void delivered() {
      undelivered--;
      notifyAll();
    }

    synchronized void cancel() {
      cancelled = true;
      notifyAll();
    }

    boolean cancelled() {
      return cancelled;
    }

    /**
     * Waits (on the worker) while the client is slow, counted in {@code waiting}; returns at once
     * when cancelled.
     */
    synchronized void awaitWritable(AtomicInteger waiting) throws InterruptedException {
      if (cancelled || !(paused || undelivered >= MAX_UNDELIVERED)) {
        return;
      }
      waiting.incrementAndGet();
      try {
        while (!cancelled && (paused || undelivered >= MAX_UNDELIVERED)) {
          wait();
        }
      } finally {
        waiting.decrementAndGet();
      }
    }
  }

  /** One request on the worker pool. */
  private final class Job implements Runnable {
    final LocalChatRequest req;
    final CallHandle handle;
    final Context ctx;
    final StreamEvents events;
    final Promise<Void> head;
    final Promise<BackendResponse> result;
    final Flow flow = new Flow();
    final String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
    final long created = clock.instant().getEpochSecond();
    volatile boolean timedOut;
    long timer = -1;

    Job(
        LocalChatRequest req,
        CallHandle handle,
        Context ctx,
        StreamEvents events,
        Promise<Void> head,
        Promise<BackendResponse> result) {
      this.req = req;
      this.handle = handle;
      this.ctx = ctx;
      this.events = events;
      this.head = head;
      this.result = result;
    }

    void cancel() {
      flow.cancel();
    }

    void failHead(BackendException e) {
      if (head != null) {
        head.tryFail(e);
      } else {
        result.tryFail(e);
      }
    }

    @Override
    public void run() {
      active.incrementAndGet();
      try {
        if (flow.cancelled()) {
          ctx.runOnContext(v -> failHead(outcomeOfCancel()));
          return;
        }
        LoadedModel model = slot.acquire();
        if (model == null) {
          String why =
              slot.state() == ModelSlot.State.FAILED
                  ? "the local model " + slot.model() + " failed to load: " + slot.failure()
                  : "the local model " + slot.model() + " is not loaded";
          ctx.runOnContext(v -> failHead(BackendException.unreachable(why)));
          return;
        }
        try {
          generate(model);
        } finally {
          model.release();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ctx.runOnContext(v -> failHead(BackendException.cancelled()));
      } catch (RuntimeException e) {
        LOG.warn("local generation failed", e);
        BackendException be =
            BackendException.unreachable("local generation failed (" + e.getMessage() + ")");
        ctx.runOnContext(
            v -> {
              if (head != null && head.future().isComplete()) {
                events.onError(be);
              } else {
                failHead(be);
              }
            });
      } finally {
        active.decrementAndGet();
        ctx.runOnContext(v -> vertx.cancelTimer(timer));
      }
    }

    private BackendException outcomeOfCancel() {
      return timedOut
          ? BackendException.timeout("the local model did not finish within the total timeout")
          : BackendException.cancelled();
    }

    private void generate(LoadedModel model) throws InterruptedException {
      var cp = model.checkpoint();
      int context = cp.model().config().maxPositionEmbeddings();
      long[] prompt;
      try {
        prompt = PromptTemplate.encodeChat(cp.tokenizer(), cp.model().config(), req.messages());
        if (prompt.length >= context) {
          throw new ConfigException(
              "messages", prompt.length + " prompt tokens", "fewer than the context of " + context);
        }
      } catch (ConfigException e) {
        ApiError err =
            ApiError.of(
                400,
                ErrorKind.INVALID_REQUEST,
                "context_length_exceeded",
                "messages",
                "The prompt does not fit the model: " + e.getMessage());
        ctx.runOnContext(
            v -> {
              if (head != null) {
                head.tryFail(statusError(err));
              } else {
                result.tryComplete(errorResponse(err));
              }
            });
        return;
      }
      int maxTokens = req.maxTokens() < 0 ? context : req.maxTokens();
      String fingerprint = "lethe-" + model.id();
      if (head != null) {
        ctx.runOnContext(v -> head.tryComplete());
      }
      int completionTokens = 0;
      ArrayNode choices = F.arrayNode();
      for (int i = 0; i < req.n() && !flow.cancelled(); i++) {
        final int index = i;
        GenerationRequest g =
            new GenerationRequest(
                prompt, maxTokens, req.temperature(), req.topP(), req.seed() + i, req.stop());
        if (head != null) {
          ObjectNode delta = F.objectNode().put("role", "assistant").put("content", "");
          emit(chunk(fingerprint, index, delta, null));
        }
        GenerationResult r =
            model
                .generator()
                .generate(
                    g,
                    text -> {
                      if (head != null) {
                        emitUnchecked(
                            chunk(fingerprint, index, F.objectNode().put("content", text), null));
                      }
                    },
                    flow::cancelled);
        tokens.increment(r.completionTokens());
        completionTokens += r.completionTokens();
        if (r.finishReason() == FinishReason.CANCELLED) {
          break;
        }
        if (head != null) {
          emit(chunk(fingerprint, index, F.objectNode(), r.finishReason().wire()));
        } else {
          ObjectNode c = choices.addObject();
          c.put("index", index);
          c.putObject("message")
              .put("role", "assistant")
              .put("content", r.text())
              .putNull("refusal");
          c.putNull("logprobs");
          c.put("finish_reason", r.finishReason().wire());
        }
      }
      if (flow.cancelled()) {
        cancelled.increment();
        if (timedOut) {
          BackendException t = outcomeOfCancel();
          ctx.runOnContext(
              v -> {
                if (head != null) {
                  events.onError(t);
                } else {
                  result.tryFail(t);
                }
              });
        } else {
          ctx.runOnContext(v -> failHead(BackendException.cancelled()));
        }
        return;
      }
      ObjectNode usage =
          F.objectNode()
              .put("prompt_tokens", prompt.length)
              .put("completion_tokens", completionTokens)
              .put("total_tokens", prompt.length + completionTokens);
      if (head != null) {
        if (req.includeUsage()) {
          ObjectNode u = base(fingerprint, "chat.completion.chunk");
          u.putArray("choices");
          u.set("usage", usage);
          emit(u);
        }
        flow.awaitWritable(waiting);
        ctx.runOnContext(
            v -> {
              if (!handle.cancelled()) {
                events.onEnd();
              }
            });
      } else {
        ObjectNode c = base(fingerprint, "chat.completion");
        c.set("choices", choices);
        c.set("usage", usage);
        BackendResponse resp = new BackendResponse(200, "application/json", json(c));
        ctx.runOnContext(v -> result.tryComplete(resp));
      }
    }

    private ObjectNode base(String fingerprint, String object) {
      ObjectNode o = F.objectNode();
      o.put("id", id);
      o.put("object", object);
      o.put("created", created);
      o.put("model", req.model());
      o.put("system_fingerprint", fingerprint);
      return o;
    }

    private ObjectNode chunk(String fingerprint, int index, ObjectNode delta, String finish) {
      ObjectNode c = base(fingerprint, "chat.completion.chunk");
      ObjectNode ch = c.putArray("choices").addObject();
      ch.put("index", index);
      ch.set("delta", delta);
      ch.putNull("logprobs");
      if (finish == null) {
        ch.putNull("finish_reason");
      } else {
        ch.put("finish_reason", finish);
      }
      return c;
    }

    private void emitUnchecked(ObjectNode chunk) {
      try {
        emit(chunk);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        flow.cancel();
      }
    }

    /** Posts one event to the event loop, first waiting while the client is slow. */
    private void emit(ObjectNode chunk) throws InterruptedException {
      flow.awaitWritable(waiting);
      if (flow.cancelled()) {
        return;
      }
      String data = json(chunk).toString();
      flow.posted();
      ctx.runOnContext(
          v -> {
            flow.delivered();
            if (handle.cancelled()) {
              return;
            }
            events.onData(data);
            if (handle.paused()) {
              flow.pause();
            }
          });
    }
  }
}

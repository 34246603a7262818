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
import dev.lethe.unlearner.generate.BatchGenerator;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>Threads: generation runs on the checkpoint's {@link BatchGenerator} (continuous batching: up
 * to {@code workers} generations share every forward pass, joining and leaving between tokens), in
 * front of a queue of {@code queueSize} requests; when both are full the call fails at once with
 * {@link BackendException#busy} (429 with {@code Retry-After}). Prompts are encoded on the
 * scheduler thread, never on an event loop. Events go back to the call's Vert.x context with {@code
 * runOnContext}, in order, without blocking the scheduler. A paused {@link CallHandle} (slow
 * client) or too many undelivered events park the generation out of the batch until the client
 * catches up (the others go on); a cancelled one (client gone, total timeout) leaves the batch
 * before its next token, and a request still queued never starts. The {@code n} choices of one
 * request run one after another, each next one ahead of the queue.
 *
 * <p>Hot swap: a request {@linkplain ModelSlot#acquire() acquires} the checkpoint current when it
 * is accepted and releases it when done, so a swap lets accepted requests finish on the old weights
 * (and the old checkpoint's scheduler), while new ones go to the new one.
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
  private final Clock clock;
  private final AtomicInteger active = new AtomicInteger();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicInteger waiting = new AtomicInteger();
  private final Set<Job> jobs = ConcurrentHashMap.newKeySet();
  private final Counter tokens;
  private final Counter cancelled;
  private final MeterRegistry registry;
  private volatile boolean closed;

  /**
   * Creates a backend serving {@code slot}.
   *
   * @param vertx the Vert.x instance (for the total-timeout timers)
   * @param config the backend's configuration ({@code type: local}): batch size ({@code workers}),
   *     queue, total timeout
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
    Gauge.builder("lethe_local_queue_depth", queued, AtomicInteger::get)
        .description("Requests waiting to join a local model's batch")
        .tag("model", model)
        .register(registry);
    Gauge.builder("lethe_local_active_generations", active, AtomicInteger::get)
        .description("Local generations running (decoded together in one batch)")
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

  /** Requests waiting to join the batch. */
  public int queued() {
    return queued.get();
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
    if (closed) {
      return Future.failedFuture(BackendException.unreachable("the local model is shut down"));
    }
    LoadedModel model = slot.acquire();
    if (model == null) {
      String why =
          slot.state() == ModelSlot.State.FAILED
              ? "the local model " + slot.model() + " failed to load: " + slot.failure()
              : "the local model " + slot.model() + " is not loaded";
      return Future.failedFuture(BackendException.unreachable(why));
    }
    job.model = model;
    job.batcher =
        model.batcher(config.workers(), config.queueSize(), "lethe-local-" + config.name());
    job.flow.waker = job.batcher::wake;
    queued.incrementAndGet();
    jobs.add(job);
    try {
      job.batcher.submit(job.sequence(0)).whenComplete((r, e) -> job.choiceDone(0, r, e));
    } catch (BatchGenerator.Rejected e) {
      queued.decrementAndGet();
      jobs.remove(job);
      model.release();
      if (e.closed()) {
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
   * Stops taking requests, cancels queued and running ones and retires the model (freed after the
   * generations still running release it). Does not block.
   */
  @Override
  public void close() {
    closed = true;
    for (Job j : jobs) {
      if (!j.started) {
        j.ctx.runOnContext(v -> j.failHead(BackendException.unreachable("the backend closed")));
      }
      j.cancel();
    }
    slot.close();
    registry
        .find("lethe_local_queue_depth")
        .tag("model", slot.model())
        .meters()
        .forEach(registry::remove);
  }

  /**
   * Back-pressure between one generation and its call's event loop: the scheduler asks {@link
   * #writable} before each token and parks the generation while the client is slow; resuming and
   * delivering wake it.
   */
  static final class Flow {
    private boolean paused;
    private int undelivered;
    private boolean counted;
    private volatile boolean cancelled;
    volatile Runnable waker = () -> {};

    void pause() {
      synchronized (this) {
        paused = true;
      }
    }

    void resume() {
      synchronized (this) {
        paused = false;
      }
      waker.run();
    }

    synchronized void posted() {
      undelivered++;
    }

    void delivered() {
      boolean wake;
      synchronized (this) {
        undelivered--;
        wake = undelivered == MAX_UNDELIVERED - 1;
      }
      if (wake) {
        waker.run();
      }
    }

    void cancel() {
      cancelled = true;
      waker.run();
    }

    boolean cancelled() {
      return cancelled;
    }

    /**
     * Whether the next token may be produced now; while not, the generation counts in {@code
     * waiting}. Cancelled counts as writable (the scheduler then ends the generation).
     */
    synchronized boolean writable(AtomicInteger waiting) {
      boolean ok = cancelled || !(paused || undelivered >= MAX_UNDELIVERED);
      if (ok == counted) {
        counted = !ok;
        waiting.addAndGet(ok ? -1 : 1);
      }
      return ok;
    }

    /** Stops counting in {@code waiting} (the generation ended). */
    synchronized void done(AtomicInteger waiting) {
      if (counted) {
        counted = false;
        waiting.decrementAndGet();
      }
    }
  }

  /** The prompt could not be encoded for the model: answered 400 with this error. */
  private static final class PromptRejected extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ApiError error;

    PromptRejected(ApiError error) {
      super(error.message(), null, false, false);
      this.error = error;
    }
  }

  /** One request: its choices run one after another on the checkpoint's batch scheduler. */
  private final class Job {
    final LocalChatRequest req;
    final CallHandle handle;
    final Context ctx;
    final StreamEvents events;
    final Promise<Void> head;
    final Promise<BackendResponse> result;
    final Flow flow = new Flow();
    final String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
    final long created = clock.instant().getEpochSecond();
    final ArrayNode choices = F.arrayNode();
    volatile boolean timedOut;
    volatile boolean started;
    long timer = -1;
    LoadedModel model;
    BatchGenerator batcher;
    // Written and read on the scheduler thread only.
    long[] prompt;
    int completionTokens;

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

    private String fingerprint() {
      return "lethe-" + model.id();
    }

    /** Choice {@code index} as the scheduler sees it. */
    BatchGenerator.Sequence sequence(int index) {
      return new BatchGenerator.Sequence() {
        @Override
        public GenerationRequest request() {
          var cp = model.checkpoint();
          int context = cp.model().config().maxPositionEmbeddings();
          if (prompt == null) {
            try {
              long[] p =
                  PromptTemplate.encodeChat(cp.tokenizer(), cp.model().config(), req.messages());
              if (p.length >= context) {
                throw new ConfigException(
                    "messages",
                    p.length + " prompt tokens",
                    "fewer than the context of " + context);
              }
              prompt = p;
            } catch (ConfigException e) {
              throw new PromptRejected(
                  ApiError.of(
                      400,
                      ErrorKind.INVALID_REQUEST,
                      "context_length_exceeded",
                      "messages",
                      "The prompt does not fit the model: " + e.getMessage()));
            }
          }
          int maxTokens = req.maxTokens() < 0 ? context : req.maxTokens();
          return new GenerationRequest(
              prompt, maxTokens, req.temperature(), req.topP(), req.seed() + index, req.stop());
        }

        @Override
        public void onStart(GenerationRequest request) {
          if (index == 0) {
            started = true;
            queued.decrementAndGet();
            active.incrementAndGet();
            if (head != null) {
              ctx.runOnContext(v -> head.tryComplete());
            }
          }
          if (head != null) {
            emit(
                () ->
                    chunk(index, F.objectNode().put("role", "assistant").put("content", ""), null));
          }
        }

        @Override
        public void onText(String text) {
          if (head != null) {
            emit(() -> chunk(index, F.objectNode().put("content", text), null));
          }
        }

        @Override
        public boolean cancelled() {
          return flow.cancelled();
        }

        @Override
        public boolean writable() {
          return flow.writable(waiting);
        }
      };
    }

    /** Choice {@code index} ended (on the scheduler thread): answer, or run the next choice. */
    void choiceDone(int index, GenerationResult r, Throwable error) {
      if (error != null) {
        failed(
            error instanceof CompletionException c && c.getCause() != null ? c.getCause() : error);
        return;
      }
      tokens.increment(r.completionTokens());
      completionTokens += r.completionTokens();
      if (r.finishReason() == FinishReason.CANCELLED || flow.cancelled()) {
        cancelledEnd();
        return;
      }
      if (head != null) {
        String finish = r.finishReason().wire();
        emit(() -> chunk(index, F.objectNode(), finish));
      } else {
        ObjectNode c = choices.addObject();
        c.put("index", index);
        c.putObject("message").put("role", "assistant").put("content", r.text()).putNull("refusal");
        c.putNull("logprobs");
        c.put("finish_reason", r.finishReason().wire());
      }
      if (index + 1 < req.n()) {
        try {
          batcher
              .submitNext(sequence(index + 1))
              .whenComplete((next, e) -> choiceDone(index + 1, next, e));
        } catch (BatchGenerator.Rejected e) {
          failed(e);
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
          ObjectNode u = base("chat.completion.chunk");
          u.putArray("choices");
          u.set("usage", usage);
          emit(() -> u);
        }
        ctx.runOnContext(
            v -> {
              if (!handle.cancelled()) {
                events.onEnd();
              }
            });
      } else {
        ObjectNode c = base("chat.completion");
        c.set("choices", choices);
        c.set("usage", usage);
        BackendResponse resp = new BackendResponse(200, "application/json", json(c));
        ctx.runOnContext(v -> result.tryComplete(resp));
      }
      end();
    }

    private void cancelledEnd() {
      if (!started) {
        BackendException e = outcomeOfCancel();
        ctx.runOnContext(v -> failHead(e));
      } else {
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
      }
      end();
    }

    private void failed(Throwable error) {
      if (error instanceof PromptRejected p) {
        ctx.runOnContext(
            v -> {
              if (head != null) {
                head.tryFail(statusError(p.error));
              } else {
                result.tryComplete(errorResponse(p.error));
              }
            });
      } else if (error instanceof BatchGenerator.Rejected) {
        ctx.runOnContext(v -> failHead(BackendException.unreachable("the backend closed")));
      } else {
        LOG.warn("local generation failed", error);
        BackendException be =
            BackendException.unreachable("local generation failed (" + error.getMessage() + ")");
        ctx.runOnContext(
            v -> {
              if (head != null && head.future().isComplete()) {
                events.onError(be);
              } else {
                failHead(be);
              }
            });
      }
      end();
    }

    /** Releases what the request held: counts, the model reference, the timer. */
    private void end() {
      if (started) {
        active.decrementAndGet();
      } else {
        queued.decrementAndGet();
      }
      flow.done(waiting);
      jobs.remove(this);
      model.release();
      ctx.runOnContext(v -> vertx.cancelTimer(timer));
    }

    private BackendException outcomeOfCancel() {
      return timedOut
          ? BackendException.timeout("the local model did not finish within the total timeout")
          : BackendException.cancelled();
    }

    private ObjectNode base(String object) {
      ObjectNode o = F.objectNode();
      o.put("id", id);
      o.put("object", object);
      o.put("created", created);
      o.put("model", req.model());
      o.put("system_fingerprint", fingerprint());
      return o;
    }

    private ObjectNode chunk(int index, ObjectNode delta, String finish) {
      ObjectNode c = base("chat.completion.chunk");
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

    /**
     * Posts one event to the event loop without waiting (the scheduler checks writability); the
     * JSON is built there, off the scheduler thread that every generation of the batch shares.
     */
    private void emit(java.util.function.Supplier<ObjectNode> chunk) {
      if (flow.cancelled()) {
        return;
      }
      flow.posted();
      ctx.runOnContext(
          v -> {
            flow.delivered();
            if (handle.cancelled()) {
              return;
            }
            events.onData(json(chunk.get()).toString());
            if (handle.paused()) {
              flow.pause();
            }
          });
    }
  }
}

package dev.lethe.gateway.backend;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.config.BackendConfig;
import dev.lethe.gateway.openai.SseParser;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.impl.ClientPhase;
import io.vertx.ext.web.client.impl.HttpContext;
import io.vertx.ext.web.client.impl.WebClientInternal;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.ext.web.codec.spi.BodyStream;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An upstream HTTP API — OpenAI-compatible ({@link Dialect#OPENAI}: chat completions, completions,
 * embeddings, Responses) or Anthropic's ({@link Dialect#ANTHROPIC}: Messages and token counting) —
 * reached through Vert.x Web Client: pooled connections, connect / idle / total timeouts, and true
 * streaming — SSE events are parsed as bytes arrive and handed on at once, with back-pressure from
 * the client, and a cancelled call resets the upstream request.
 *
 * <p>Every resource a hostile or broken upstream could make grow is bounded by the backend's
 * configuration: a response body (answer, error body, model list) beyond {@code maxResponseBytes}
 * and one SSE event beyond {@code maxEventBytes} fail the call ({@link
 * BackendException.Kind#TOO_LARGE}); an upstream silent for {@code idleTimeout} — before the
 * response head, mid-body or mid-stream, but not while Lethe itself paused it for a slow client —
 * fails it ({@link BackendException.Kind#IDLE_TIMEOUT}); calls waiting for a pooled connection are
 * bounded in number ({@code maxQueued}) and time ({@code queueTimeout}) ({@link
 * BackendException.Kind#POOL_FULL}). A failed call resets its upstream request.
 *
 * <p>One Web Client interceptor sees every call's response head before its body: that is where an
 * error status of a streaming call is turned into a {@link BackendException} carrying the
 * upstream's body, so that the client gets the upstream's status instead of a broken stream.
 */
public final class UpstreamBackend implements Backend {

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamBackend.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A client's {@code anthropic-beta} header is forwarded only when it looks like a token list. */
  private static final java.util.regex.Pattern BETA =
      java.util.regex.Pattern.compile("[A-Za-z0-9._,\\- ]{1,512}");

  /** The API an upstream speaks: how it authenticates, and which operations it serves. */
  public enum Dialect {
    /**
     * OpenAI-compatible: {@code Authorization: Bearer KEY}; chat completions, completions,
     * embeddings, Responses.
     */
    OPENAI(
        Set.of(
            Surface.CHAT_COMPLETIONS, Surface.COMPLETIONS, Surface.EMBEDDINGS, Surface.RESPONSES)),
    /**
     * Anthropic: {@code x-api-key: KEY} and {@code anthropic-version}; Messages and token counting.
     */
    ANTHROPIC(Set.of(Surface.MESSAGES, Surface.MESSAGES_COUNT_TOKENS));

    private final Set<Surface> endpoints;

    Dialect(Set<Surface> endpoints) {
      this.endpoints = endpoints;
    }

    /** The operations an upstream of this dialect serves. */
    public Set<Surface> surfaces() {
      return endpoints;
    }
  }

  private final Vertx vertx;
  private final BackendConfig config;
  private final Dialect dialect;
  private final String apiKey;
  private final WebClient client;
  private final String base;
  private final Map<HttpRequest<?>, Call> calls = new ConcurrentHashMap<>();
  private volatile List<String> models;
  private volatile Discovery discovery;

  /**
   * Creates an OpenAI-compatible backend.
   *
   * @param vertx the Vert.x instance
   * @param config the backend's configuration ({@code type: openai})
   * @param apiKey the API key sent as a bearer token, or {@code null} to forward the client's
   *     {@code Authorization} header instead
   */
  public UpstreamBackend(Vertx vertx, BackendConfig config, String apiKey) {
    this(vertx, config, apiKey, Dialect.OPENAI);
  }

  /**
   * Creates the backend.
   *
   * @param vertx the Vert.x instance
   * @param config the backend's configuration ({@code type: openai} or {@code anthropic})
   * @param apiKey the API key, or {@code null} to forward the client's credentials instead ({@code
   *     Authorization}; for Anthropic also {@code x-api-key})
   * @param dialect the API the upstream speaks
   */
  public UpstreamBackend(Vertx vertx, BackendConfig config, String apiKey, Dialect dialect) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.config = requireNonNull(config, "config");
    this.dialect = requireNonNull(dialect, "dialect");
    this.apiKey = apiKey;
    this.base = config.baseUrl().toString();
    this.models = config.models();
    this.discovery =
        config.models().isEmpty()
            ? new Discovery(Discovery.State.PENDING, "model discovery has not finished", null)
            : Discovery.notNeeded();
    WebClientOptions options =
        new WebClientOptions()
            .setConnectTimeout(
                (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
            .setKeepAlive(true)
            .setKeepAliveTimeout(60)
            .setFollowRedirects(false)
            .setUserAgent("lethe")
            .setSsl("https".equals(config.baseUrl().getScheme()));
    PoolOptions pool =
        new PoolOptions()
            .setHttp1MaxSize(config.maxConnections())
            .setMaxWaitQueueSize(config.maxQueued());
    WebClient c = WebClient.create(vertx, options, pool);
    ((WebClientInternal) c).addInterceptor(this::intercept);
    this.client = c;
  }

  @Override
  public String name() {
    return config.name();
  }

  @Override
  public List<String> models() {
    return models;
  }

  @Override
  public Discovery discovery() {
    return discovery;
  }

  @Override
  public Set<Surface> surfaces() {
    return dialect.surfaces();
  }

  /** The API this upstream speaks. */
  public Dialect dialect() {
    return dialect;
  }

  /**
   * Lists the upstream's models ({@code GET /models}, with the configured key) unless the
   * configuration fixes them. A failure keeps the last known list, is logged once per change of
   * reason, and is kept in {@link #discovery()} for {@code GET /ready} and for the error a client
   * gets for a model the gateway could not list.
   */
  @Override
  public Future<List<String>> refreshModels() {
    if (!config.models().isEmpty()) {
      return Future.succeededFuture(models);
    }
    HttpRequest<Buffer> req =
        client
            .getAbs(base + "/models" + (dialect == Dialect.ANTHROPIC ? "?limit=1000" : ""))
            .timeout(config.totalTimeout().toMillis())
            .putHeader("Accept", "application/json")
            .as(new BoundedBody(config.maxResponseBytes(), null));
    authenticate(req, null);
    return req.send()
        .transform(
            ar -> {
              if (ar.failed()) {
                return discoveryFailed(classify(ar.cause(), null).getMessage());
              }
              int status = ar.result().statusCode();
              if (status / 100 != 2) {
                String hint =
                    status == 401 || status == 403
                        ? (apiKey == null
                            ? "; no API key is configured (set "
                                + (config.apiKeyEnv() == null ? "apiKeyEnv" : config.apiKeyEnv())
                                + ", or list the models in the configuration or with --model)"
                            : "; check the API key in " + config.apiKeyEnv())
                        : "";
                return discoveryFailed("GET /models answered HTTP " + status + hint);
              }
              try {
                JsonNode root = JSON.readTree(ar.result().body().getBytes());
                if (!root.path("data").isArray()) {
                  return discoveryFailed("GET /models answered no model list");
                }
                List<String> ids = new ArrayList<>();
                for (JsonNode m : root.path("data")) {
                  if (m.path("id").isTextual()) {
                    ids.add(m.path("id").asText());
                  }
                }
                models = List.copyOf(ids);
                if (discovery.state() == Discovery.State.FAILED) {
                  LOG.info(
                      "backend {}: model discovery works again ({} models)",
                      config.name(),
                      ids.size());
                }
                discovery = new Discovery(Discovery.State.OK, null, java.time.Instant.now());
                return Future.succeededFuture(models);
              } catch (Exception e) {
                return discoveryFailed("GET /models answered invalid JSON");
              }
            });
  }

  private Future<List<String>> discoveryFailed(String reason) {
    Discovery before = discovery;
    discovery = new Discovery(Discovery.State.FAILED, reason, java.time.Instant.now());
    if (!reason.equals(before.reason())) {
      LOG.warn(
          "backend {}: model discovery at {} failed: {} (keeping {} known models)",
          config.name(),
          base,
          reason,
          models.size());
    }
    return Future.failedFuture(BackendException.unreachable(reason));
  }

  @Override
  public Future<BackendResponse> complete(Buffer body, MultiMap clientHeaders, CallHandle handle) {
    return complete(Surface.CHAT_COMPLETIONS, body, clientHeaders, handle);
  }

  @Override
  public Future<Void> stream(
      Buffer body, MultiMap clientHeaders, CallHandle handle, StreamEvents events) {
    return stream(Surface.CHAT_COMPLETIONS, body, clientHeaders, handle, events);
  }

  @Override
  public Future<BackendResponse> complete(
      Surface surface, Buffer body, MultiMap clientHeaders, CallHandle handle) {
    if (!dialect.surfaces().contains(surface)) {
      return Future.failedFuture(BackendException.unsupported(name(), surface));
    }
    Call call = new Call(handle, false);
    HttpRequest<Buffer> req =
        prepare(surface, clientHeaders, false).as(new BoundedBody(config.maxResponseBytes(), call));
    register(req, call);
    return req.sendBuffer(body)
        .transform(
            ar -> {
              finish(req, call);
              if (ar.failed()) {
                return Future.failedFuture(classify(ar.cause(), call));
              }
              if (call.failure != null) {
                return Future.failedFuture(call.failure);
              }
              var r = ar.result();
              Buffer b = r.body() == null ? Buffer.buffer() : r.body();
              return Future.succeededFuture(
                  new BackendResponse(
                      r.statusCode(),
                      r.getHeader(HttpHeaders.CONTENT_TYPE.toString()),
                      b,
                      clientVisibleHeaders(r.headers())));
            });
  }

  @Override
  public Future<Void> stream(
      Surface surface,
      Buffer body,
      MultiMap clientHeaders,
      CallHandle handle,
      StreamEvents events) {
    if (!dialect.surfaces().contains(surface)) {
      return Future.failedFuture(BackendException.unsupported(name(), surface));
    }
    Call call = new Call(handle, true);
    SseRelay relay = new SseRelay(call, events, config.maxEventBytes());
    HttpRequest<Void> req = prepare(surface, clientHeaders, true).as(new SseCodec(relay));
    register(req, call);
    req.sendBuffer(body)
        .onComplete(
            ar -> {
              finish(req, call);
              if (ar.succeeded() && call.failure == null) {
                if (!handle.cancelled()) {
                  events.onEnd();
                }
                return;
              }
              BackendException e = ar.succeeded() ? call.failure : classify(ar.cause(), call);
              if (!call.head.tryFail(e) && e.kind() != BackendException.Kind.CANCELLED) {
                events.onError(e);
              }
            });
    return call.head.future();
  }

  /**
   * The upstream response headers a client may see: the rate-limit hints ({@code Retry-After},
   * {@code retry-after-ms}, {@code x-ratelimit-*}) only, so that clients can back off. Their values
   * are still screened before they are sent.
   */
  static MultiMap clientVisibleHeaders(MultiMap upstream) {
    MultiMap out = MultiMap.caseInsensitiveMultiMap();
    if (upstream == null) {
      return out;
    }
    for (Map.Entry<String, String> h : upstream) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if ((name.equals("retry-after")
              || name.equals("retry-after-ms")
              || name.startsWith("x-ratelimit-")
              || name.startsWith("anthropic-ratelimit-"))
          && out.size() < 16) {
        out.add(name, h.getValue());
      }
    }
    return out;
  }

  private HttpRequest<Buffer> prepare(Surface surface, MultiMap clientHeaders, boolean stream) {
    HttpRequest<Buffer> req =
        client
            .postAbs(base + surface.path())
            // On a request, the "connect" timeout bounds the wait for a pooled connection.
            .connectTimeout(config.queueTimeout().toMillis())
            .idleTimeout(config.idleTimeout().toMillis())
            .putHeader("Content-Type", "application/json")
            .putHeader("Accept", stream ? "text/event-stream" : "application/json");
    authenticate(req, clientHeaders);
    if (dialect == Dialect.ANTHROPIC && clientHeaders != null) {
      String beta = clientHeaders.get("anthropic-beta");
      if (beta != null && BETA.matcher(beta).matches()) {
        req.putHeader("anthropic-beta", beta);
      }
    }
    return req;
  }

  /**
   * The credentials of a call: the configured key in the dialect's header, else the client's own
   * ({@code Authorization}; for Anthropic also {@code x-api-key}). Discovery ({@code clientHeaders}
   * null) has only the configured key.
   */
  private void authenticate(HttpRequest<?> req, MultiMap clientHeaders) {
    if (dialect == Dialect.ANTHROPIC) {
      req.putHeader(
          "anthropic-version",
          config.anthropicVersion() == null
              ? BackendConfig.DEFAULT_ANTHROPIC_VERSION
              : config.anthropicVersion());
      if (apiKey != null) {
        req.putHeader("x-api-key", apiKey);
        return;
      }
      if (clientHeaders != null && clientHeaders.get("x-api-key") != null) {
        req.putHeader("x-api-key", clientHeaders.get("x-api-key"));
      }
    } else if (apiKey != null) {
      req.bearerTokenAuthentication(apiKey);
      return;
    }
    if (clientHeaders != null && clientHeaders.get(HttpHeaders.AUTHORIZATION) != null) {
      req.putHeader("Authorization", clientHeaders.get(HttpHeaders.AUTHORIZATION));
    }
  }

  private void register(HttpRequest<?> req, Call call) {
    calls.put(req, call);
    call.timer =
        vertx.setTimer(
            config.totalTimeout().toMillis(),
            id -> {
              call.timedOut = true;
              call.abort();
            });
    call.touch();
    armIdle(call, config.idleTimeout().toMillis());
    call.handle.onCancel(call::abort);
  }

  /**
   * Fails the call when the upstream sends nothing for {@code idleTimeout}: before the response
   * head, mid-body or mid-stream. Time the call spends paused for a slow client does not count.
   */
  private void armIdle(Call call, long delayMs) {
    call.idleTimer =
        vertx.setTimer(
            Math.max(1, delayMs),
            id -> {
              if (call.done || call.aborted) {
                return;
              }
              long idle = config.idleTimeout().toMillis();
              if (call.handle.paused()) {
                call.touch();
              }
              long silent = (System.nanoTime() - call.lastActivity) / 1_000_000;
              if (silent >= idle) {
                call.fail(
                    BackendException.idleTimeout(
                        "upstream sent nothing for " + idle + " ms (backends[].idleTimeout)"));
                return;
              }
              armIdle(call, idle - silent);
            });
  }

  private void finish(HttpRequest<?> req, Call call) {
    calls.remove(req);
    call.done = true;
    vertx.cancelTimer(call.timer);
    vertx.cancelTimer(call.idleTimer);
  }

  /** Sees each call's request as it is sent and its response head before its body. */
  private void intercept(HttpContext<?> ctx) {
    Call call = calls.get(ctx.request());
    if (call == null) {
      ctx.next();
      return;
    }
    if (ctx.phase() == ClientPhase.SEND_REQUEST) {
      call.request = ctx.clientRequest();
      if (call.aborted) {
        ctx.fail(
            call.timedOut ? new TimeoutException("total timeout") : BackendException.cancelled());
        return;
      }
    } else if (ctx.phase() == ClientPhase.RECEIVE_RESPONSE) {
      call.touch();
      if (!call.stream) {
        ctx.next();
        return;
      }
      HttpClientResponse resp = ctx.clientResponse();
      if (resp.statusCode() / 100 != 2) {
        // The error body, bounded like any other: a hostile upstream cannot make it grow without
        // end.
        String type = resp.getHeader(HttpHeaders.CONTENT_TYPE);
        int status = resp.statusCode();
        MultiMap visible = clientVisibleHeaders(resp.headers());
        Buffer acc = Buffer.buffer();
        long max = config.maxResponseBytes();
        resp.handler(
            b -> {
              call.touch();
              if (call.failure != null) {
                return;
              }
              if (acc.length() + (long) b.length() > max) {
                call.fail(tooLarge("an error body", max));
                ctx.fail(call.failure);
                return;
              }
              acc.appendBuffer(b);
            });
        resp.exceptionHandler(
            t -> {
              if (call.failure == null) {
                ctx.fail(BackendException.status(status, null, Buffer.buffer(), visible));
              }
            });
        resp.endHandler(
            v -> {
              if (call.failure == null) {
                ctx.fail(BackendException.status(status, type, acc, visible));
              }
            });
        resp.resume();
        return;
      }
      call.head.tryComplete();
    }
    ctx.next();
  }

  private static BackendException tooLarge(String what, long max) {
    return BackendException.tooLarge(
        "upstream sent "
            + what
            + " larger than "
            + max
            + " bytes (backends[].maxResponseBytes); it was cut off");
  }

  private BackendException classify(Throwable t, Call call) {
    if (t instanceof BackendException be) {
      return be;
    }
    if (call != null && call.failure != null) {
      return call.failure;
    }
    if (call != null && call.timedOut) {
      return BackendException.timeout("upstream did not finish within the total timeout");
    }
    if (call != null && call.handle.cancelled()) {
      return BackendException.cancelled();
    }
    String msg = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
    if (t instanceof ConnectionPoolTooBusyException) {
      return BackendException.poolFull(
          "upstream "
              + config.name()
              + " is saturated: all "
              + config.maxConnections()
              + " connections are busy and "
              + config.maxQueued()
              + " calls already wait (backends[].maxConnections, backends[].maxQueued)");
    }
    if (msg.contains("when getting a connection")) {
      return BackendException.poolFull(
          "upstream "
              + config.name()
              + " is saturated: no connection became free within "
              + config.queueTimeout().toMillis()
              + " ms (backends[].queueTimeout)");
    }
    if (t instanceof TimeoutException
        || t.getClass().getSimpleName().contains("Timeout")
        || msg.contains("timeout")
        || msg.contains("timed out")) {
      return BackendException.timeout("upstream timed out");
    }
    if (t instanceof ConnectException || msg.contains("connection refused")) {
      return BackendException.unreachable("upstream unreachable: connection refused");
    }
    // Never a class name or an internal message to the client; the log has the details.
    LOG.debug("upstream {} call failed", config.name(), t);
    return BackendException.unreachable("upstream connection failed");
  }

  @Override
  public void close() {
    client.close();
  }

  /** One call's state, on its event loop. */
  private static final class Call {
    final CallHandle handle;
    final boolean stream;
    final Promise<Void> head = Promise.promise();
    HttpClientRequest request;
    long timer;
    long idleTimer = -1;
    volatile long lastActivity;
    boolean timedOut;
    boolean aborted;
    boolean done;
    BackendException failure;

    Call(CallHandle handle, boolean stream) {
      this.handle = handle;
      this.stream = stream;
    }

    /** The upstream sent something (or Lethe paused it). */
    void touch() {
      lastActivity = System.nanoTime();
    }

    /** Fails the call with {@code e} (the first failure wins) and resets the upstream request. */
    void fail(BackendException e) {
      if (failure == null) {
        failure = e;
      }
      abort();
    }

    void abort() {
      if (aborted) {
        return;
      }
      aborted = true;
      if (request != null) {
        request.reset();
      }
    }
  }

  /**
   * A body codec that keeps at most {@code max} bytes: beyond that the call fails with {@link
   * BackendException.Kind#TOO_LARGE} and the upstream request is reset, so a huge answer never
   * reaches memory.
   */
  private static final class BoundedBody implements BodyCodec<Buffer> {
    private final long max;
    private final Call call;

    BoundedBody(long max, Call call) {
      this.max = max;
      this.call = call;
    }

    @Override
    public BodyStream<Buffer> stream() {
      Promise<Buffer> result = Promise.promise();
      Buffer acc = Buffer.buffer();
      return new BodyStream<>() {
        private boolean failed;

        @Override
        public Future<Buffer> result() {
          return result.future();
        }

        @Override
        public void handle(Throwable t) {
          result.tryFail(t);
        }

        @Override
        public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
          return this;
        }

        @Override
        public Future<Void> write(Buffer data) {
          if (call != null) {
            call.touch();
          }
          if (failed) {
            return Future.succeededFuture();
          }
          if (acc.length() + (long) data.length() > max) {
            failed = true;
            BackendException e = tooLarge("a response body", max);
            if (call != null) {
              call.fail(e);
            }
            result.tryFail(e);
            return Future.succeededFuture();
          }
          acc.appendBuffer(data);
          return Future.succeededFuture();
        }

        @Override
        public Future<Void> end() {
          if (!failed) {
            result.tryComplete(acc);
          }
          return Future.succeededFuture();
        }

        @Override
        public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
          return this;
        }

        @Override
        public boolean writeQueueFull() {
          return false;
        }

        @Override
        public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
          return this;
        }
      };
    }
  }

  /** A body codec whose stream is the given relay. */
  private record SseCodec(SseRelay relay) implements BodyCodec<Void> {
    @Override
    public BodyStream<Void> stream() {
      return relay;
    }
  }

  /**
   * The write side of the upstream body: parses SSE as bytes arrive and hands each event on.
   * Reports a full write queue while the client is slow, so Web Client pauses the upstream.
   */
  private static final class SseRelay implements BodyStream<Void> {
    private final Promise<Void> result = Promise.promise();
    private final Call call;
    private final CallHandle handle;
    private final SseParser parser;
    private final long maxEventBytes;
    private Handler<Void> drainHandler;

    SseRelay(Call call, StreamEvents events, long maxEventBytes) {
      this.call = call;
      this.handle = call.handle;
      this.maxEventBytes = maxEventBytes;
      this.parser =
          new SseParser(
              data -> {
                if (!handle.cancelled() && call.failure == null) {
                  events.onData(data);
                }
              },
              maxEventBytes);
      handle.onResume(
          () -> {
            call.touch();
            Handler<Void> h = drainHandler;
            drainHandler = null;
            if (h != null) {
              h.handle(null);
            }
          });
    }

    @Override
    public Future<Void> result() {
      return result.future();
    }

    @Override
    public void handle(Throwable t) {
      result.tryFail(t);
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
      return this;
    }

    @Override
    public Future<Void> write(Buffer data) {
      call.touch();
      if (!handle.cancelled() && call.failure == null) {
        try {
          parser.feed(data.getBytes());
        } catch (IllegalStateException e) {
          // Not a cancel: the client must learn that the stream failed (an error event).
          BackendException tooLarge =
              BackendException.tooLarge(
                  "upstream sent a stream event larger than "
                      + maxEventBytes
                      + " bytes (backends[].maxEventBytes); the stream was ended");
          call.fail(tooLarge);
          result.tryFail(tooLarge);
        }
      }
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> end() {
      if (!handle.cancelled() && call.failure == null) {
        parser.end();
      }
      result.tryComplete();
      return Future.succeededFuture();
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
      return this;
    }

    @Override
    public boolean writeQueueFull() {
      return handle.paused();
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
      this.drainHandler = handler;
      return this;
    }
  }
}

package dev.lethe.gateway.backend;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.config.BackendConfig;
import dev.lethe.gateway.openai.SseParser;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An upstream HTTP API — OpenAI-compatible ({@link Dialect#OPENAI}: chat completions, completions,
 * embeddings, Responses) or Anthropic's ({@link Dialect#ANTHROPIC}: Messages and token counting) —
 * reached through the Vert.x HTTP client (public API only): pooled connections, connect / idle /
 * total timeouts, and true streaming — SSE events are parsed as bytes arrive and handed on at once,
 * with back-pressure from the client (the upstream response is paused while the client's write
 * queue is full), and a cancelled call resets the upstream request.
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
 * <p>Each call sees its response head before its body: an error status of a streaming call is
 * turned into a {@link BackendException} carrying the upstream's (bounded) body, so that the client
 * gets the upstream's status instead of a broken stream.
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
  private final HttpClientAgent client;
  private final String base;
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
    // Redirects are not followed: the HTTP client follows none unless a request asks.
    HttpClientOptions options =
        new HttpClientOptions()
            .setConnectTimeout(
                (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
            .setKeepAlive(true)
            .setKeepAliveTimeout(60)
            .setSsl("https".equals(config.baseUrl().getScheme()));
    PoolOptions pool =
        new PoolOptions()
            .setHttp1MaxSize(config.maxConnections())
            .setMaxWaitQueueSize(config.maxQueued());
    this.client = vertx.createHttpClient(options, pool);
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
    RequestOptions o =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setAbsoluteURI(base + "/models" + (dialect == Dialect.ANTHROPIC ? "?limit=1000" : ""))
            .setTimeout(config.totalTimeout().toMillis())
            .putHeader(HttpHeaders.USER_AGENT, "lethe")
            .putHeader("Accept", "application/json");
    authenticate(o.getHeaders(), null);
    // The response is read in a callback chained inside the request's own: from a thread that is
    // not the request's event loop, a callback chained outside it could run after the body.
    return client
        .request(o)
        .compose(
            req ->
                req.send()
                    .compose(
                        resp ->
                            readBounded(resp, null, "a response body")
                                .map(
                                    b ->
                                        new BackendResponse(
                                            resp.statusCode(),
                                            null,
                                            b,
                                            MultiMap.caseInsensitiveMultiMap()))))
        .transform(
            ar -> {
              if (ar.failed()) {
                return discoveryFailed(classify(ar.cause(), null).getMessage());
              }
              int status = ar.result().status();
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
    register(call);
    return send(
            prepare(surface, clientHeaders, false),
            body,
            call,
            r -> {
              call.touch();
              return readBounded(r, call, "a response body")
                  .map(
                      b ->
                          new BackendResponse(
                              r.statusCode(),
                              r.getHeader(HttpHeaders.CONTENT_TYPE),
                              b,
                              clientVisibleHeaders(r.headers())));
            })
        .transform(
            ar -> {
              finish(call);
              if (ar.failed()) {
                return Future.failedFuture(classify(ar.cause(), call));
              }
              if (call.failure != null) {
                return Future.failedFuture(call.failure);
              }
              return Future.succeededFuture(ar.result());
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
    register(call);
    send(prepare(surface, clientHeaders, true), body, call, resp -> relay(resp, call, events))
        .onComplete(
            ar -> {
              finish(call);
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
   * Opens the request of {@code call} (waiting at most {@code queueTimeout} for a pooled
   * connection), sends {@code body} and hands the response head to {@code onResponse}, chained
   * inside the request's callback: from a thread that is not the request's event loop, a callback
   * chained outside it could run after the body had gone by. A call aborted while it waited is
   * reset as soon as its request exists.
   */
  private <T> Future<T> send(
      RequestOptions options,
      Buffer body,
      Call call,
      java.util.function.Function<HttpClientResponse, Future<T>> onResponse) {
    return client
        .request(options)
        .compose(
            req -> {
              call.request = req;
              if (call.aborted) {
                req.reset();
                return Future.failedFuture(
                    call.timedOut
                        ? new TimeoutException("total timeout")
                        : BackendException.cancelled());
              }
              return req.send(body).compose(onResponse);
            });
  }

  /**
   * Relays a streamed response: an error status fails the call with the upstream's status and
   * (bounded) body, so the client gets that status instead of a broken stream; a 2xx head completes
   * {@code call.head}, then SSE events are parsed as bytes arrive and handed on. The response is
   * paused while the client is slow ({@link CallHandle#paused()}) and resumed when it drains.
   * Completes when the body ends; fails with the call's failure (or the transport's).
   */
  private Future<Void> relay(HttpClientResponse resp, Call call, StreamEvents events) {
    call.touch();
    if (resp.statusCode() / 100 != 2) {
      // The error body, bounded like any other: a hostile upstream cannot make it grow without end.
      int status = resp.statusCode();
      String type = resp.getHeader(HttpHeaders.CONTENT_TYPE);
      MultiMap visible = clientVisibleHeaders(resp.headers());
      return readBounded(resp, call, "an error body")
          .transform(
              ar ->
                  Future.failedFuture(
                      ar.succeeded()
                          ? BackendException.status(status, type, ar.result(), visible)
                          : ar.cause() instanceof BackendException be
                              ? be
                              : call.failure != null
                                  ? call.failure
                                  : BackendException.status(
                                      status, null, Buffer.buffer(), visible)));
    }
    call.head.tryComplete();
    CallHandle handle = call.handle;
    long maxEventBytes = config.maxEventBytes();
    Promise<Void> done = Promise.promise();
    SseParser parser =
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
          resp.resume();
        });
    resp.handler(
        data -> {
          call.touch();
          if (handle.cancelled() || call.failure != null) {
            return;
          }
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
            done.tryFail(tooLarge);
            return;
          }
          if (handle.paused()) {
            resp.pause();
          }
        });
    resp.exceptionHandler(done::tryFail);
    resp.endHandler(
        v -> {
          if (!handle.cancelled() && call.failure == null) {
            parser.end();
          }
          done.tryComplete();
        });
    return done.future();
  }

  /**
   * Reads a whole response body, keeping at most {@code maxResponseBytes}: beyond that the call
   * fails with {@link BackendException.Kind#TOO_LARGE} and the upstream request is reset, so a huge
   * answer never reaches memory.
   */
  private Future<Buffer> readBounded(HttpClientResponse resp, Call call, String what) {
    long max = config.maxResponseBytes();
    Promise<Buffer> result = Promise.promise();
    Buffer acc = Buffer.buffer();
    resp.handler(
        b -> {
          if (call != null) {
            call.touch();
          }
          if (result.future().isComplete()) {
            return;
          }
          if (acc.length() + (long) b.length() > max) {
            BackendException e = tooLarge(what, max);
            if (call != null) {
              call.fail(e); // first: whoever reads the result sees the call's failure
            } else {
              resp.request().reset();
            }
            result.tryFail(e);
            return;
          }
          acc.appendBuffer(b);
        });
    resp.exceptionHandler(result::tryFail);
    resp.endHandler(v -> result.tryComplete(acc));
    return result.future();
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

  private RequestOptions prepare(Surface surface, MultiMap clientHeaders, boolean stream) {
    RequestOptions req =
        new RequestOptions()
            .setMethod(HttpMethod.POST)
            .setAbsoluteURI(base + surface.path())
            // On a request, the "connect" timeout bounds the wait for a pooled connection.
            .setConnectTimeout(config.queueTimeout().toMillis())
            .setIdleTimeout(config.idleTimeout().toMillis())
            .putHeader(HttpHeaders.USER_AGENT, "lethe")
            .putHeader("Content-Type", "application/json")
            .putHeader("Accept", stream ? "text/event-stream" : "application/json");
    authenticate(req.getHeaders(), clientHeaders);
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
  private void authenticate(MultiMap req, MultiMap clientHeaders) {
    if (dialect == Dialect.ANTHROPIC) {
      req.set(
          "anthropic-version",
          config.anthropicVersion() == null
              ? BackendConfig.DEFAULT_ANTHROPIC_VERSION
              : config.anthropicVersion());
      if (apiKey != null) {
        req.set("x-api-key", apiKey);
        return;
      }
      if (clientHeaders != null && clientHeaders.get("x-api-key") != null) {
        req.set("x-api-key", clientHeaders.get("x-api-key"));
      }
    } else if (apiKey != null) {
      req.set(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey);
      return;
    }
    if (clientHeaders != null && clientHeaders.get(HttpHeaders.AUTHORIZATION) != null) {
      req.set(HttpHeaders.AUTHORIZATION, clientHeaders.get(HttpHeaders.AUTHORIZATION));
    }
  }

  private void register(Call call) {
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

  private void finish(Call call) {
    call.done = true;
    vertx.cancelTimer(call.timer);
    vertx.cancelTimer(call.idleTimer);
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
}

package dev.lethe.gateway.guard;

import static java.util.Objects.requireNonNull;

import dev.lethe.filters.Decision;
import dev.lethe.filters.Exchange;
import dev.lethe.filters.Pipeline;
import dev.lethe.filters.StageException;
import dev.lethe.filters.Verdict;
import dev.lethe.filters.input.ScanTooLarge;
import dev.lethe.gateway.backend.Backend;
import dev.lethe.gateway.backend.BackendException;
import dev.lethe.gateway.backend.CallHandle;
import dev.lethe.gateway.backend.Surface;
import dev.lethe.gateway.decisions.DecisionFeed;
import dev.lethe.gateway.metrics.GatewayMetrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input half of the guard, shared by every surface: judges one request's conversation with the
 * pipeline's request stages (detection, then refuse / redact / icul) on a worker thread, keeps the
 * request's {@link RequestState} and metrics, and calls backends with the upstream metrics every
 * surface reports. One instance serves all requests; methods are called on an event loop.
 *
 * <p>A surface builds the {@link Exchange} from the chat-completions-shaped conversation the
 * pipeline judges ({@link ChatView}), calls {@link #judge}, and acts on the {@link Judged} outcome:
 * {@link Judged.Forward} (call the backend with the possibly rewritten request), {@link
 * Judged.Refuse} (answer the refusal text in the surface's own terms, without calling the backend)
 * {@link Judged.Unavailable} (screening failed: answer 503 {@code screening_unavailable} in the
 * surface's error format; the request is refused, fail closed) or {@link Judged.TooLarge} (more
 * text than screening may cost: answer its 413 in the surface's error format). The output half is
 * {@link OutputGuard}.
 */
public final class Guard {
  private static final Logger LOG = LoggerFactory.getLogger(Guard.class);

  private final Pipeline pipeline;
  private final GatewayMetrics metrics;
  private final dev.lethe.gateway.audit.AuditLog audit;
  private final DecisionFeed decisions;

  /** Creates the guard over {@code pipeline}, counting in {@code metrics}, with no audit log. */
  public Guard(Pipeline pipeline, GatewayMetrics metrics) {
    this(pipeline, metrics, null, null);
  }

  /**
   * Creates the guard over {@code pipeline}, counting in {@code metrics}; every judged request's
   * decision goes to {@code audit} and to the live {@code decisions} feed (each when not {@code
   * null}) once its response ends.
   */
  public Guard(
      Pipeline pipeline,
      GatewayMetrics metrics,
      dev.lethe.gateway.audit.AuditLog audit,
      DecisionFeed decisions) {
    this.pipeline = requireNonNull(pipeline, "pipeline");
    this.metrics = requireNonNull(metrics, "metrics");
    this.audit = audit;
    this.decisions = decisions;
  }

  /** Whether any choice of {@code chunk} (a completion or a chunk) ended with content_filter. */
  public static boolean cut(com.fasterxml.jackson.databind.JsonNode chunk) {
    for (com.fasterxml.jackson.databind.JsonNode c : chunk.path("choices")) {
      if (dev.lethe.filters.output.OutputFilter.CONTENT_FILTER.equals(
          c.path("finish_reason").asText(null))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Records the decision on {@code exchange} when the response ends: queued for the audit log and
   * handed to the live decisions feed (neither ever blocks). The one place decisions are recorded.
   */
  private void recordOnEnd(RoutingContext ctx, RequestState state, Exchange exchange) {
    if (audit == null && decisions == null) {
      return;
    }
    // The prompt excerpt is taken before a stage rewrites the request, and only when the operator
    // opted in to seeing prompts in the live stream.
    String prompt =
        decisions != null && decisions.includePrompts()
            ? ChatView.lastUserText(exchange.request())
            : null;
    ctx.addEndHandler(
        v -> {
          if (state.probe()) {
            return; // the gateway's own probes: neither audited nor streamed as decisions
          }
          boolean cut = state.outputCut();
          String ruleId = exchange.ruleId().orElse(null);
          if (audit != null) {
            audit.decision(
                exchange.requestId(),
                state.requestId(),
                ruleId,
                state.decision().wireName(),
                cut,
                state.rules().version(),
                exchange.originalBody());
          }
          if (decisions != null) {
            decisions.publish(
                new DecisionFeed.Decided(
                    exchange.requestId(),
                    state.decision().wireName(),
                    ruleId,
                    state.rules().version(),
                    state.route(),
                    state.model(),
                    cut,
                    prompt,
                    state.backendCalled() ? null : state.answeredError()));
          }
        });
  }

  /** The pipeline (its response filters are the output half). */
  public Pipeline pipeline() {
    return pipeline;
  }

  /** The gateway's metrics. */
  public GatewayMetrics metrics() {
    return metrics;
  }

  /** The outcome of judging a request's input. */
  public sealed interface Judged {
    /** The exchange that was judged. */
    Exchange exchange();

    /**
     * Call the backend. {@link Exchange#rewritten()} tells whether a stage replaced the request
     * (redact, icul); the surface must then send the rewrite (mapped back into its own format).
     */
    record Forward(Exchange exchange) implements Judged {}

    /** Answer {@code text} as the assistant's reply without calling the backend. */
    record Refuse(Exchange exchange, String text) implements Judged {}

    /** A stage failed: the request is refused with 503 {@code screening_unavailable}. */
    record Unavailable(Exchange exchange, String stage) implements Judged {}

    /**
     * The request holds more text to screen than {@code detector.maxScanChars}: it is refused with
     * 413 {@code scan_too_large} ({@link #error()}), unjudged and not forwarded; counted in {@code
     * lethe_requests_rejected_total{reason="scan_too_large"}}.
     */
    record TooLarge(Exchange exchange, long chars, long limit) implements Judged {
      /** The client's error. */
      public dev.lethe.gateway.errors.ApiError error() {
        return dev.lethe.gateway.errors.ApiError.scanTooLarge(chars, limit);
      }
    }
  }

  /**
   * The largest request body judged on the event loop when every stage {@linkplain
   * Pipeline#decidesWithoutBlocking decides without blocking}: 64 KiB, so that even the walk over a
   * request's texts stays in the microseconds; a larger one is judged on a worker thread.
   */
  public static final int INLINE_MAX_BODY_BYTES = 64 * 1024;

  /**
   * Runs the request stages over {@code exchange} and completes on the caller's event loop. The
   * stages run on a worker thread unless the pipeline is empty, or the body is at most {@link
   * #INLINE_MAX_BODY_BYTES} and every stage decides it without blocking work (no rules or a
   * remembered pass or refusal of this conversation, patterns already compiled): then they run
   * right here, with no hop between threads, and the future is already complete. The decision is
   * recorded in {@code state} ({@code refuse} when screening failed); a stage failure is logged and
   * counted.
   */
  public Future<Judged> judge(RoutingContext ctx, RequestState state, Exchange exchange) {
    state.markJudged();
    recordOnEnd(ctx, state, exchange);
    if (pipeline.isEmpty()) {
      state.decision(exchange.decision());
      return Future.succeededFuture(new Judged.Forward(exchange));
    }
    if (exchange.originalBody().length <= INLINE_MAX_BODY_BYTES
        && pipeline.decidesWithoutBlocking(exchange)) {
      Verdict verdict;
      try {
        verdict = pipeline.onRequest(exchange);
      } catch (RuntimeException e) {
        return Future.succeededFuture(judged(state, exchange, null, e));
      }
      return Future.succeededFuture(judged(state, exchange, verdict, null));
    }
    Promise<Judged> out = Promise.promise();
    ctx.vertx()
        .executeBlocking(() -> pipeline.onRequest(exchange), false)
        .onComplete(ar -> out.complete(judged(state, exchange, ar.result(), ar.cause())));
    return out.future();
  }

  /**
   * The outcome of the request stages: their {@code verdict}, or the {@code failure} they threw.
   */
  private Judged judged(RequestState state, Exchange exchange, Verdict verdict, Throwable failure) {
    state.decision(exchange.decision());
    ScanTooLarge big = failure != null ? scanTooLarge(failure) : null;
    if (big != null) {
      metrics.requestRejected("scan_too_large");
      state.decision(Decision.REFUSE);
      return new Judged.TooLarge(exchange, big.chars(), big.limit());
    }
    if (failure != null) {
      String stage = failure instanceof StageException se ? se.stage() : "pipeline";
      LOG.warn("request {} refused: stage {} failed", exchange.requestId(), stage, failure);
      metrics.pipelineFailure(stage);
      state.decision(Decision.REFUSE);
      return new Judged.Unavailable(exchange, stage);
    }
    if (verdict instanceof Verdict.Respond r) {
      return new Judged.Refuse(exchange, r.text());
    }
    return new Judged.Forward(exchange);
  }

  /**
   * A non-streaming backend call on {@code surface}, with the upstream latency and failure metrics
   * recorded under the request's backend and model labels. The future fails with a {@link
   * BackendException} exactly when the backend's does.
   */
  public Future<Backend.BackendResponse> complete(
      RoutingContext ctx,
      RequestState state,
      Backend backend,
      Surface surface,
      Buffer body,
      CallHandle handle) {
    long sent = System.nanoTime();
    state.markBackendCalled();
    return backend
        .complete(surface, body, ctx.request().headers(), handle)
        .transform(
            ar -> {
              if (ar.failed()) {
                BackendException e = asBackendException(ar.cause());
                if (e.kind() != BackendException.Kind.CANCELLED) {
                  metrics.upstreamFailure(state.backend(), kind(e));
                }
                metrics.upstream(state.backend(), state.model(), kind(e), System.nanoTime() - sent);
                return Future.failedFuture(e);
              }
              metrics.upstream(
                  state.backend(),
                  state.model(),
                  Integer.toString(ar.result().status()),
                  System.nanoTime() - sent);
              return Future.succeededFuture(ar.result());
            });
  }

  /**
   * A streaming backend call on {@code surface}: events flow to {@code events} once the returned
   * future succeeded (a 2xx head); the upstream metrics are recorded when it completes. Counts the
   * stream as open until the client response ends.
   */
  public Future<Void> stream(
      RoutingContext ctx,
      RequestState state,
      Backend backend,
      Surface surface,
      Buffer body,
      CallHandle handle,
      Backend.StreamEvents events) {
    long sent = System.nanoTime();
    state.markBackendCalled();
    metrics.streamOpened();
    ctx.addEndHandler(v -> metrics.streamClosed());
    return backend.stream(
            surface, body, ctx.request().headers(), handle, countingUsage(state, events))
        .transform(
            ar -> {
              metrics.upstream(
                  state.backend(),
                  state.model(),
                  ar.succeeded() ? "200" : kind(asBackendException(ar.cause())),
                  System.nanoTime() - sent);
              if (ar.failed()) {
                BackendException e = asBackendException(ar.cause());
                if (e.kind() != BackendException.Kind.CANCELLED) {
                  metrics.upstreamFailure(state.backend(), kind(e));
                }
                return Future.failedFuture(e);
              }
              return Future.succeededFuture();
            });
  }

  /** The {@link ScanTooLarge} {@code t} is or wraps (a stage's failure), or null. */
  private static ScanTooLarge scanTooLarge(Throwable t) {
    for (int i = 0; t != null && i < 4; i++, t = t.getCause()) {
      if (t instanceof ScanTooLarge s) {
        return s;
      }
    }
    return null;
  }

  /**
   * Counts the tokens an answer body or stream event reports ({@link
   * dev.lethe.gateway.metrics.TokenUsage}) under the request's backend and model.
   */
  public void countUsage(RequestState state, com.fasterxml.jackson.databind.JsonNode answer) {
    if (state.probe()) {
      return;
    }
    dev.lethe.gateway.metrics.TokenUsage.in(answer)
        .ifPresent(u -> metrics.tokens(state.backend(), state.model(), u));
  }

  /** {@link #countUsage(RequestState, com.fasterxml.jackson.databind.JsonNode)} for {@code ctx}. */
  public void countUsage(RoutingContext ctx, com.fasterxml.jackson.databind.JsonNode answer) {
    RequestState state = RequestState.of(ctx);
    if (state != null) {
      countUsage(state, answer);
    }
  }

  /**
   * {@code events}, also counting the usage of the stream events that can carry one. Only events
   * holding {@code _tokens"} (a usage key; in text it would be escaped) are parsed a second time:
   * the last chunk or two of a stream.
   */
  private Backend.StreamEvents countingUsage(RequestState state, Backend.StreamEvents events) {
    return new Backend.StreamEvents() {
      @Override
      public void onData(String data) {
        if (data.indexOf("_tokens\"") >= 0) {
          try {
            countUsage(state, dev.lethe.gateway.openai.StrictJson.read(data));
          } catch (dev.lethe.gateway.openai.StrictJson.Rejected | RuntimeException e) {
            // not JSON: the relay reports it
          }
        }
        events.onData(data);
      }

      @Override
      public void onEnd() {
        events.onEnd();
      }

      @Override
      public void onError(BackendException error) {
        events.onError(error);
      }
    };
  }

  /** The failure as a {@link BackendException} ({@code unreachable} when it is something else). */
  public static BackendException asBackendException(Throwable t) {
    return t instanceof BackendException be ? be : BackendException.unreachable("backend failed");
  }

  private static String kind(BackendException e) {
    return e.kind().name().toLowerCase(java.util.Locale.ROOT);
  }
}

package dev.lethe.gateway.guard;

import static java.util.Objects.requireNonNull;

import dev.lethe.filters.Exchange;
import dev.lethe.filters.Pipeline;
import dev.lethe.filters.ResponseFilter;

/**
 * The output half of the guard for surfaces whose answers are not chat-completion chunks: opens one
 * {@link TextStream} per piece of output text (an output text part, a refusal, a function call's or
 * {@code tool_use} block's arguments, reasoning text), each judged by the pipeline's response
 * filters for the request exactly as chat completions judge a field — the same patterns, the same
 * normalisation, the same minimal hold-back, the same fail-closed rules.
 *
 * <p>Chat completions use {@link Pipeline#responseFilter} directly, since the filters speak that
 * format natively.
 */
public final class OutputGuard {
  private final Pipeline pipeline;
  private final Exchange exchange;
  private final RequestState state;
  private final boolean active;

  /**
   * The output guard of one request.
   *
   * @param pipeline the pipeline whose response filters judge the output
   * @param exchange the request as judged (the filters read its snapshot and attributes)
   * @param state the request's state, where every cut is recorded ({@link
   *     RequestState#markOutputCut()}: the audit record and logs read it there)
   */
  public OutputGuard(Pipeline pipeline, Exchange exchange, RequestState state) {
    this.pipeline = requireNonNull(pipeline, "pipeline");
    this.exchange = requireNonNull(exchange, "exchange");
    this.state = requireNonNull(state, "state");
    this.active = pipeline.responseFilter(exchange) != ResponseFilter.identity();
  }

  /**
   * False when no response filter applies to this request (no output pattern in its snapshot, no
   * in-context composition): every text is then released as it arrives.
   */
  public boolean active() {
    return active;
  }

  /** A fresh judge for one piece of output text; a cut it makes is recorded ({@link #markCut}). */
  public TextStream open() {
    return new TextStream(
        active ? pipeline.responseFilter(exchange) : ResponseFilter.identity(), this::markCut);
  }

  /**
   * Records that the answer was cut: by a {@link TextStream} of this guard, or by the surface
   * itself failing closed (a held block over its bound, a tool input that is not JSON, a text field
   * that is not a string).
   */
  public void markCut() {
    state.markOutputCut();
  }
}

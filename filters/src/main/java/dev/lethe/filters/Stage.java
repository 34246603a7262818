package dev.lethe.filters;

/**
 * One step of the request/response chain (DESIGN.md §2). Both hooks have defaults, so a stage
 * implements only what it acts on.
 *
 * <p>Request hooks run in configuration order on a worker thread and may block; when every stage
 * says it {@linkplain #decidesWithoutBlocking decides an exchange without blocking}, the gateway
 * may run them on an event loop instead. Response filters run in reverse order on the event loop
 * and must not block.
 */
public interface Stage {

  /** A short, stable name used in metrics and logs. */
  String name();

  /**
   * Judges the request. The exchange holds the current body (after earlier rewrites).
   *
   * @return {@link Verdict#proceed()} to go on unchanged, a rewrite, or a response
   * @throws Exception when the stage cannot judge; the pipeline fails the request closed
   */
  default Verdict onRequest(Exchange exchange) throws Exception {
    return Verdict.proceed();
  }

  /**
   * Whether {@link #onRequest} would decide {@code exchange} at once, without blocking work (no
   * model, no I/O, no lock another thread may hold) and in time bounded by the request's size, so
   * that a caller may run it on an event loop instead of a worker thread. Answering {@code true}
   * never changes what {@link #onRequest} decides; {@code false} (the default) is always safe.
   */
  default boolean decidesWithoutBlocking(Exchange exchange) {
    return false;
  }

  /** Returns the filter for this exchange's response; by default the identity. */
  default ResponseFilter onResponse(Exchange exchange) {
    return ResponseFilter.identity();
  }
}

package dev.lethe.gateway.guard;

import static java.util.Objects.requireNonNull;

import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.Decision;
import io.vertx.ext.web.RoutingContext;

/**
 * Per-request facts shared by the gateway's handlers, whatever the surface: when the request
 * arrived, the rule-set snapshot it is judged by (for its whole life), and the labels of its
 * metrics and {@code x-lethe-*} headers (route, backend, model, input decision). Attached once to
 * the routing context by the first handler; read and updated on the request's event loop only.
 */
public final class RequestState {
  private static final String KEY = RequestState.class.getName();

  private final long startNanos;
  private final RuleSet rules;
  private String route = "unmatched";
  private String backend = "none";
  private String model = "none";
  private Decision decision = Decision.PASS;
  private long reportedVersion = -1;
  private boolean outputCut;
  private String requestId = "none";
  private boolean judged;
  private boolean backendCalled;
  private String answeredError;
  private boolean probe;

  private RequestState(long startNanos, RuleSet rules) {
    this.startNanos = startNanos;
    this.rules = requireNonNull(rules, "rules");
  }

  /** A state attached to no routing context (for tests of the guard alone). */
  static RequestState detached(RuleSet rules) {
    return new RequestState(System.nanoTime(), rules);
  }

  /** Creates the state of the request in {@code ctx}, judged by {@code rules}, and attaches it. */
  public static RequestState attach(RoutingContext ctx, RuleSet rules) {
    RequestState s = new RequestState(System.nanoTime(), rules);
    ctx.put(KEY, s);
    return s;
  }

  /**
   * The state attached to {@code ctx}, or {@code null} when none was (a request before routing).
   */
  public static RequestState of(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  /** {@link System#nanoTime()} when the request arrived. */
  public long startNanos() {
    return startNanos;
  }

  /** The rule-set snapshot this request is judged by. */
  public RuleSet rules() {
    return rules;
  }

  /** The route label for metrics. */
  public String route() {
    return route;
  }

  /** Names the route for metrics. */
  public void route(String route) {
    this.route = requireNonNull(route, "route");
  }

  /** The backend label for metrics ({@code none} before routing). */
  public String backend() {
    return backend;
  }

  /** Names the backend that serves the request. */
  public void backend(String backend) {
    this.backend = requireNonNull(backend, "backend");
  }

  /** The model label for metrics ({@code none} before routing). */
  public String model() {
    return model;
  }

  /** Names the model requested. */
  public void model(String model) {
    this.model = requireNonNull(model, "model");
  }

  /** The input decision reported in {@code x-lethe-decision}. */
  public Decision decision() {
    return decision;
  }

  /** Sets the input decision. */
  public void decision(Decision decision) {
    this.decision = requireNonNull(decision, "decision");
  }

  /**
   * The version reported in {@code x-lethe-rules-version}: the snapshot's, unless {@link
   * #reportVersion} set another (an admin write answers the version it produced).
   */
  public long reportedVersion() {
    return reportedVersion >= 0 ? reportedVersion : rules.version();
  }

  /** Reports {@code version} in {@code x-lethe-rules-version} instead of the snapshot's. */
  public void reportVersion(long version) {
    this.reportedVersion = version;
  }

  /** The request id echoed in {@code x-request-id} ({@code none} until set). */
  public String requestId() {
    return requestId;
  }

  /** Sets the request id. */
  public void requestId(String requestId) {
    this.requestId = requireNonNull(requestId, "requestId");
  }

  /**
   * Whether the output filter cut the answer (any surface, streamed or not): the one place this is
   * recorded, read by the audit record when the response ends.
   */
  public boolean outputCut() {
    return outputCut;
  }

  /** Records that the output filter cut the answer. */
  public void markOutputCut() {
    this.outputCut = true;
  }

  /** Whether the guard judged this request (its decision is then recorded by the guard). */
  public boolean judged() {
    return judged;
  }

  /** Records that the guard judged this request. */
  public void markJudged() {
    this.judged = true;
  }

  /**
   * Whether the request was sent to its backend: {@link #backend()} names the backend routed to,
   * this says whether it was called (a refused or rejected request never reaches it).
   */
  public boolean backendCalled() {
    return backendCalled;
  }

  /** Records that the request was sent to its backend. */
  public void markBackendCalled() {
    this.backendCalled = true;
  }

  /**
   * The code of the error the gateway answered with itself (e.g. {@code scan_too_large}, {@code
   * request_too_large}, {@code model_not_found}), or {@code null} when it answered none.
   */
  public String answeredError() {
    return answeredError;
  }

  /** Records the code of the error the gateway answers with. */
  public void answeredError(String code) {
    this.answeredError = requireNonNull(code, "code");
  }

  /**
   * Whether this is the gateway's own probe traffic (continuous probing): left out of the request
   * metrics, token counters, access log, audit and decisions stream.
   */
  public boolean probe() {
    return probe;
  }

  /** Marks this request as the gateway's own probe traffic. */
  public void markProbe() {
    this.probe = true;
  }
}

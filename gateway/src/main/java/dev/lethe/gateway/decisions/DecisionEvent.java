package dev.lethe.gateway.decisions;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * One decision on one request, as the live stream shows it.
 *
 * @param seq the feed's sequence number (1, 2, …), also the SSE event id
 * @param time when the request's response ended
 * @param requestId the request's id (the completion id)
 * @param decision the input decision: {@code pass}, {@code refuse}, {@code redact} or {@code icul}
 * @param ruleId the rule that decided, or {@code null}
 * @param rulesVersion the rules snapshot the request was judged by
 * @param surface the route the request came in on, e.g. {@code /v1/chat/completions}
 * @param model the model asked for
 * @param outputCut whether the output filter withheld part of the answer
 * @param prompt the last user message's text (at most {@link #PROMPT_CHARS} characters), or {@code
 *     null}: only set when the operator opted in ({@code admin.decisionStreamPrompts})
 * @param reason why the gateway refused the request itself, before or instead of the rules'
 *     judgement: the error code it answered with ({@code scan_too_large}, {@code
 *     request_too_large}, {@code rules_version_unavailable}, {@code screening_unavailable}, a
 *     validation error's code, …); {@code null} when it answered no error of its own
 */
public record DecisionEvent(
    long seq,
    Instant time,
    String requestId,
    String decision,
    String ruleId,
    long rulesVersion,
    String surface,
    String model,
    boolean outputCut,
    String prompt,
    String reason) {

  /** An event with no {@code reason}. */
  public DecisionEvent(
      long seq,
      Instant time,
      String requestId,
      String decision,
      String ruleId,
      long rulesVersion,
      String surface,
      String model,
      boolean outputCut,
      String prompt) {
    this(
        seq,
        time,
        requestId,
        decision,
        ruleId,
        rulesVersion,
        surface,
        model,
        outputCut,
        prompt,
        null);
  }

  /** The longest prompt excerpt an event carries. */
  public static final int PROMPT_CHARS = 500;

  /** Checks arguments and cuts a long prompt. */
  public DecisionEvent {
    requireNonNull(time, "time");
    requireNonNull(requestId, "requestId");
    requireNonNull(decision, "decision");
    requireNonNull(surface, "surface");
    requireNonNull(model, "model");
    if (prompt != null && prompt.length() > PROMPT_CHARS) {
      prompt = prompt.substring(0, PROMPT_CHARS) + "…";
    }
  }

  /** The event's JSON ({@code prompt} only when set). */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("seq", seq);
    o.put("time", time.toString());
    o.put("requestId", requestId);
    o.put("decision", decision);
    if (ruleId == null) {
      o.putNull("ruleId");
    } else {
      o.put("ruleId", ruleId);
    }
    o.put("rulesVersion", rulesVersion);
    o.put("surface", surface);
    o.put("model", model);
    o.put("outputCut", outputCut);
    if (reason == null) {
      o.putNull("reason");
    } else {
      o.put("reason", reason);
    }
    if (prompt != null) {
      o.put("prompt", prompt);
    }
    return o;
  }
}

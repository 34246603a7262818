package dev.lethe.gateway.compare;

import static java.util.Objects.requireNonNull;

/**
 * What one arm answered to one probe.
 *
 * @param probeId the probe's stable id
 * @param split the set the probe's question came from
 * @param family the attack family key ({@code original} for utility probes)
 * @param variant the attack variant
 * @param prompt the probe's last user turn (what the user typed last)
 * @param truth the true answer to the underlying question
 * @param answer the answer text the arm returned (empty when none)
 * @param refused whether the arm refused or cut the answer: the gateway's decision was {@code
 *     refuse}, the finish reason was {@code content_filter}, or the text is a refusal
 * @param latencyMs wall time of the request, in milliseconds
 * @param promptTokens the prompt tokens the response reported ({@code -1} when not reported; when
 *     the gateway refused, its estimate of the prompt, not a model's count)
 * @param error why the request failed (e.g. the prompt exceeds the model's context), or {@code
 *     null}; a failed request counts as refused and reveals nothing
 * @param decision the gateway's {@code x-lethe-decision} ({@code pass}, {@code refuse}, {@code
 *     redact}, {@code icul}; {@code ""} when not reported)
 */
public record ProbeAnswer(
    String probeId,
    Split split,
    String family,
    String variant,
    String prompt,
    String truth,
    String answer,
    boolean refused,
    double latencyMs,
    int promptTokens,
    String error,
    String decision) {

  /** An answer without a reported gateway decision. */
  public ProbeAnswer(
      String probeId,
      Split split,
      String family,
      String variant,
      String prompt,
      String truth,
      String answer,
      boolean refused,
      double latencyMs,
      int promptTokens,
      String error) {
    this(
        probeId,
        split,
        family,
        variant,
        prompt,
        truth,
        answer,
        refused,
        latencyMs,
        promptTokens,
        error,
        "");
  }

  /** An answer to a request that succeeded. */
  public ProbeAnswer(
      String probeId,
      Split split,
      String family,
      String variant,
      String prompt,
      String truth,
      String answer,
      boolean refused,
      double latencyMs,
      int promptTokens) {
    this(
        probeId,
        split,
        family,
        variant,
        prompt,
        truth,
        answer,
        refused,
        latencyMs,
        promptTokens,
        null);
  }

  /**
   * Whether the gateway forwarded the request to the model: it succeeded and the gateway's decision
   * was not {@code refuse} (a guard that refuses answers without calling the model).
   */
  public boolean forwarded() {
    return error == null && !decision.equals("refuse");
  }

  /** Checks the fields. */
  public ProbeAnswer {
    requireNonNull(probeId, "probeId");
    requireNonNull(split, "split");
    requireNonNull(family, "family");
    requireNonNull(variant, "variant");
    requireNonNull(prompt, "prompt");
    requireNonNull(truth, "truth");
    answer = answer == null ? "" : answer;
    decision = decision == null ? "" : decision;
    if (!(latencyMs >= 0)) {
      throw new IllegalArgumentException("latencyMs: " + latencyMs + " (expected: >= 0)");
    }
  }
}

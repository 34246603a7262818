package dev.lethe.gateway.probing;

/**
 * What the gateway answered one probe: the first choice's text and finish reason and the Lethe
 * headers, or why no answer came back.
 *
 * @param content the first choice's message text ({@code ""} when none)
 * @param finishReason the first choice's finish reason ({@code ""} when none)
 * @param decision the {@code x-lethe-decision} header ({@code ""} when absent)
 * @param output the {@code x-lethe-output} header ({@code ""} when absent)
 * @param error {@code null} for an answer, else a fixed word: {@code status}, {@code timeout},
 *     {@code unreachable}, {@code invalid}
 */
public record ProbeReply(
    String content, String finishReason, String decision, String output, String error) {

  /** Normalises absent fields to {@code ""}. */
  public ProbeReply {
    content = content == null ? "" : content;
    finishReason = finishReason == null ? "" : finishReason;
    decision = decision == null ? "" : decision;
    output = output == null ? "" : output;
  }

  /** A failed probe. */
  public static ProbeReply failed(String error) {
    return new ProbeReply("", "", "", "", java.util.Objects.requireNonNull(error, "error"));
  }

  /** Whether no answer came back (counted as an error, in neither ratio). */
  public boolean failed() {
    return error != null;
  }
}

/**
 * The OpenAI Responses surface ({@code POST /v1/responses}) on the shared guard.
 *
 * <p>{@link dev.lethe.gateway.responses.ResponsesHandler} validates and judges the request as the
 * conversation it carries (instructions, message items, function calls and their outputs, reasoning
 * summaries, and the history kept for a {@code previous_response_id} the gateway produced); answers
 * refusals itself; maps redaction and ICUL rewrites back into the Responses request; and passes the
 * answer — from a Responses upstream, or translated from a chat-only backend — through the output
 * guard, whole or event by event.
 *
 * <p>Traps: a function call is released only once its arguments are judged whole, so a cut call is
 * never seen; the response object echoes the client's own request settings (never a rewrite's
 * instructions); history is never taken on trust — an id the gateway did not produce is refused.
 */
package dev.lethe.gateway.responses;

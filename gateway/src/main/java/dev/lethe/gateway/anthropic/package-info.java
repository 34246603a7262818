/**
 * The Anthropic Messages wire format ({@code POST /v1/messages}, {@code
 * /v1/messages/count_tokens}): request validation, the conversation the guard judges, refusals and
 * output-filter cuts in Anthropic's own terms, and the streamed event sequence.
 *
 * <h2>Roles</h2>
 *
 * <ul>
 *   <li>{@link dev.lethe.gateway.anthropic.MessagesRequest} — validates a request and builds its
 *       {@link dev.lethe.gateway.guard.ChatView}: {@code system} (a string or text blocks), each
 *       message's text, {@code thinking} history, {@code tool_use} inputs (as JSON text), {@code
 *       tool_result} text and plain-text documents. Images, PDFs and {@code redacted_thinking} are
 *       passed through unjudged (they hold no text the scanner can read). Maps a rewrite back:
 *       redacted texts in place, in-context-unlearning messages in front ({@code system} text first
 *       in {@code system}).
 *   <li>{@link dev.lethe.gateway.anthropic.MessagesOutput} — judges a whole message's blocks in
 *       order and truncates it at a cut.
 *   <li>{@link dev.lethe.gateway.anthropic.MessagesRelay} — judges a streamed message event by
 *       event.
 * </ul>
 *
 * <h2>Refusals and cuts</h2>
 *
 * <p>An input refusal is an ordinary assistant message holding the rule's refusal text with {@code
 * stop_reason: "end_turn"} (as chat completions answer it), or {@code "refusal"} when the request
 * asked for structured output ({@code output_format}), where Anthropic's API also stops with {@code
 * refusal} and a schema parser must not be handed the text. An output-filter cut ends the message
 * with {@code stop_reason: "refusal"} — the API's own term for a classifier stopping generation
 * mid-stream — after the released text (the text before the match, then the configured replacement
 * text). A {@code tool_use} block is released only once its whole input was judged: a cut one never
 * reaches the client, neither its start nor a truncated input. After a streamed cut {@code
 * usage.output_tokens} is Lethe's estimate (released characters / 4), since the upstream's own
 * count never arrives.
 *
 * <p>Traps: each content block is judged on its own (like each field of a chat choice), so a
 * protected string split across two content blocks is not matched; a {@code thinking} block cut
 * keeps its released prefix with an empty {@code signature}, so it cannot be sent back verbatim.
 */
package dev.lethe.gateway.anthropic;

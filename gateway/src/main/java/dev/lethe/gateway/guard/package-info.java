/**
 * One guard for every wire format: the input judging, the output filtering and the per-request
 * bookkeeping that chat completions, Responses and any later surface share, so that each surface
 * only translates.
 *
 * <h2>Roles</h2>
 *
 * <ul>
 *   <li>{@link dev.lethe.gateway.guard.ChatView} — the conversation a surface's request is judged
 *       as: the chat-completions shape the pipeline's stages read (system text, turns, tool calls
 *       and results), with a pointer from each judged text back into the surface's request, so a
 *       rewrite (redaction, in-context-unlearning messages put in front) maps back without loss or
 *       is refused with {@link dev.lethe.gateway.guard.ChatView.RewriteUnsupported}.
 *   <li>{@link dev.lethe.gateway.guard.Guard} — runs the request stages on a worker thread (on the
 *       event loop when every stage decides without blocking work), records the decision in {@link
 *       dev.lethe.gateway.guard.RequestState} and the metrics, and calls backends with the upstream
 *       metrics every surface reports. Its outcome ({@link dev.lethe.gateway.guard.Guard.Judged})
 *       is forward, refuse (with the refusal text) or unavailable (fail closed: 503 {@code
 *       screening_unavailable}).
 *   <li>{@link dev.lethe.gateway.guard.OutputGuard} and {@link dev.lethe.gateway.guard.TextStream}
 *       — the output half: each output text (answer text, refusal, tool-call arguments, reasoning)
 *       is judged by the same response filters as a chat completion's field, streamed or whole.
 *   <li>{@link dev.lethe.gateway.guard.JoinedText} — one output's visible text judged as one text
 *       across the blocks, parts or items it arrives in, with the events between them kept in order
 *       behind the text still held back.
 *   <li>{@link dev.lethe.gateway.guard.ToolArguments} — the arguments of all of an answer's tool
 *       calls judged as one more text, so a protected string split across calls is caught; a call
 *       is released once the joined text through it is.
 *   <li>{@link dev.lethe.gateway.guard.SseOut} — event-stream writing with back-pressure and
 *       keep-alives, for {@code data:}-only and named events.
 * </ul>
 *
 * <h2>A new surface</h2>
 *
 * <ol>
 *   <li>Parse strictly, validate, and route the model to a backend that serves the surface ({@link
 *       dev.lethe.gateway.backend.Backend#surfaces()}) or translates losslessly.
 *   <li>Build a {@code ChatView} holding every text the model will read, judge it with {@code
 *       Guard.judge}, and render a refusal in the surface's own terms.
 *   <li>On a rewrite, map it back with {@code ChatView.rewrite} (refuse with a clear error when it
 *       cannot be expressed).
 *   <li>Call the backend through {@code Guard.complete}/{@code Guard.stream}; pass every output
 *       text through a {@code TextStream} of an {@code OutputGuard} (one {@code JoinedText} when
 *       the visible text of an output comes in several blocks), hold a tool call until its
 *       arguments are judged whole, and express a cut in the surface's terms (never a truncated
 *       callable tool call, never the withheld text).
 * </ol>
 *
 * <p>Traps: everything here runs on the request's event loop except the request stages; a filter
 * that throws must end the answer (fail closed), never release the text it was judging.
 */
package dev.lethe.gateway.guard;

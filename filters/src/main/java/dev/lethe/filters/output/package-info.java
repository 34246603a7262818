/**
 * The streaming-safe output filter: no text that matches a rule's secrets (or, configurably,
 * subjects) ever reaches a client, streamed or not, with the smallest hold-back that guarantees it.
 *
 * <p>Roles:
 *
 * <ul>
 *   <li>{@link dev.lethe.filters.output.TextNormalizer}: the normalised view patterns are matched
 *       in (compatibility forms, case, accents, invisible chars, whitespace and punctuation
 *       removed, cross-script look-alikes read as Latin letters), with a map back to original
 *       chars; per code point, so it streams.
 *   <li>{@link dev.lethe.filters.output.AhoCorasick}: the multi-pattern automaton (Aho and Corasick
 *       1975); its state is an {@code int}, so matching is incremental.
 *   <li>{@link dev.lethe.filters.output.OutputPatterns}: the automaton compiled from one rule-set
 *       snapshot, with each pattern's rule and the rules that could not be compiled.
 *   <li>{@link dev.lethe.filters.output.OutputFilter}: the {@link dev.lethe.filters.ResponseFilter}
 *       for one response: hold-back, release, cut with {@code finish_reason: "content_filter"}.
 *   <li>{@link dev.lethe.filters.output.OutputFilterStage}: the {@link dev.lethe.filters.Stage}
 *       that builds a filter per response from the request's snapshot, compiling once per snapshot.
 * </ul>
 *
 * <p>Traps:
 *
 * <ul>
 *   <li>Hold-back is measured in the normalised view, then mapped back: a pattern of length L can
 *       hold back far more than L - 1 original chars when the text is spaced out or full of
 *       invisible chars. That is the price of defeating those games.
 *   <li>Whitespace is removed, so patterns match across word boundaries ("secret" inside
 *       "secretary", a short subject inside longer words). Short patterns over-block; they never
 *       leak.
 *   <li>Each field (content, refusal, each tool call's arguments) is matched on its own: a secret
 *       split across two fields is not recognised.
 *   <li>A chunk's {@code logprobs} reveal its tokens: they are held with the text and dropped for a
 *       cut choice. Other channels ({@code audio}) are not filtered.
 *   <li>The filter modifies chunks in place and must see the chunks in order, on one thread.
 * </ul>
 */
package dev.lethe.filters.output;

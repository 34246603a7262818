/**
 * Text generation with a KV cache: {@link dev.lethe.unlearner.generate.Generator} one sequence at a
 * time (the reference, and evaluation), {@link dev.lethe.unlearner.generate.BatchGenerator} many at
 * once with continuous batching (serving); both greedy and seeded nucleus sampling, stop sequences,
 * EOS, streaming deltas and cancellation, with the per-sequence bookkeeping shared.
 *
 * <p>Traps: deltas are computed by decoding the whole completion and holding back a trailing U+FFFD
 * (an unfinished UTF-8 character) and any tail that could start a stop sequence; the last token's
 * text is only released when the generation ends. Generation blocks its thread: never call it on an
 * event loop. {@code BatchGenerator} calls every listener on its scheduler thread: a listener that
 * blocks stalls the whole batch (report back-pressure through {@code Sequence.writable()} instead).
 */
package dev.lethe.unlearner.generate;

/**
 * The Llama-architecture model on DJL PyTorch: {@link dev.lethe.unlearner.model.LlamaConfig} (HF
 * {@code config.json}), the layers ({@link dev.lethe.unlearner.model.RmsNorm}, {@link
 * dev.lethe.unlearner.model.RotaryEmbedding}, {@link dev.lethe.unlearner.model.Attention}, {@link
 * dev.lethe.unlearner.model.SwiGluMlp}), {@link dev.lethe.unlearner.model.LlamaModel} and its
 * weights as plain {@link dev.lethe.unlearner.model.Tensor}s. Nothing here reads or writes
 * checkpoint files: {@code dev.lethe.unlearner.checkpoint} builds on this package, not the reverse.
 *
 * <p>The layers are small functional blocks over NDArrays rather than DJL {@code Block} subclasses:
 * the decoder needs a KV cache, hidden-state taps and HF parameter names, which DJL's block API
 * does not carry. Traps: every forward intermediate lives in the input ids' manager and in any open
 * {@code NDScope} — open one per step; batches of {@code forward} are right-padded (the causal mask
 * then keeps padding out of every real position), while the decode batches of {@link
 * dev.lethe.unlearner.model.LlamaModel#decode} keep their {@link
 * dev.lethe.unlearner.model.BatchKvCache} left-padded (each row's newest token in the last column,
 * padding masked); multiply or divide by a constant with {@link dev.lethe.unlearner.model.Scalars}
 * wherever the result may be differentiated (DJL's number overloads free the operand before the
 * backward pass reads it).
 */
package dev.lethe.unlearner.model;

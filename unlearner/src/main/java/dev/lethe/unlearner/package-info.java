/**
 * The white-box arm: a Llama-style causal LM on DJL PyTorch, its Hugging Face checkpoint format,
 * training, weight-level unlearning methods and TOFU metrics.
 *
 * <p>Runtime packages: {@code data} (TOFU QA files), {@code model} (config and decoder), {@code
 * checkpoint} (safetensors and HF directories), {@code tokenizer} (DJL tokenizer, BPE trainer),
 * {@code prompt} (the one prompt template), {@code generate} (KV-cache generation), {@code train}
 * ({@code lethe train}). The gateway's local backend serves a loaded checkpoint through its own
 * reference-counted handle ({@code LoadedModel}); nothing here serves requests.
 *
 * <p>Native memory: every {@code NDManager}, {@code Model} and {@code Trainer} is opened in a
 * try-with-resources scope, with one child manager (and one {@code NDScope}) per step. PyTorch runs
 * one intra-op thread unless {@code lethe.torch.threads} says otherwise (see {@link
 * dev.lethe.unlearner.Engines}).
 */
package dev.lethe.unlearner;

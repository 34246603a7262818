package dev.lethe.unlearner.generate;

import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.model.LlamaConfig;
import dev.lethe.unlearner.tokenizer.TextTokenizer;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The token bookkeeping of one generation, shared by {@link Generator} and {@link BatchGenerator}:
 * validates the prompt, picks each next token from its logits (greedy or seeded sampling with the
 * request's own random generator), streams text deltas and decides when the generation ends (EOS,
 * stop sequence, token budget). It holds no native memory.
 */
final class Decoding {
  private final GenerationRequest request;
  private final LlamaConfig config;
  private final SplittableRandom random;
  private final TextStreamer stream;
  private final long[] all;
  private final int promptLength;
  private final int budget;
  private int length;
  private FinishReason reason;

  /**
   * @throws ConfigException when the prompt does not fit the model's context or holds an unknown
   *     token id
   */
  Decoding(
      GenerationRequest request,
      LlamaConfig config,
      TextTokenizer tokenizer,
      TextListener listener) {
    this.request = request;
    this.config = config;
    int context = config.maxPositionEmbeddings();
    long[] prompt = request.promptIds();
    if (prompt.length >= context) {
      throw new ConfigException(
          "prompt", prompt.length + " tokens", "fewer than the model's context of " + context);
    }
    int vocab = config.vocabSize();
    for (long id : prompt) {
      if (id < 0 || id >= vocab) {
        throw new ConfigException("prompt", "token id " + id, "0.." + (vocab - 1));
      }
    }
    this.budget = Math.min(request.maxTokens(), context - prompt.length);
    this.random = new SplittableRandom(request.seed());
    this.stream = new TextStreamer(tokenizer::decode, request.stop(), listener);
    this.all = Arrays.copyOf(prompt, prompt.length + budget);
    this.promptLength = prompt.length;
    this.length = prompt.length;
  }

  /** The prompt's token ids. */
  long[] prompt() {
    return request.promptIds();
  }

  /** Tokens generated so far. */
  int generated() {
    return length - promptLength;
  }

  /** The last token (the one the next forward pass feeds). */
  long last() {
    return all[length - 1];
  }

  /** All tokens so far, prompt included. */
  long[] tokens() {
    return Arrays.copyOf(all, length);
  }

  /** Whether the generation has ended. */
  boolean finished() {
    return reason != null;
  }

  /** Ends the generation as cancelled (before its next token). */
  void cancel() {
    if (reason == null) {
      reason = FinishReason.CANCELLED;
    }
  }

  /**
   * Picks the next token from {@code logits} (the last position's, {@code [vocab]}), appends it and
   * streams; returns true when the generation ended with it.
   */
  boolean accept(float[] logits) {
    int next =
        request.temperature() == 0
            ? Generator.argmax(logits)
            : Generator.sample(logits, request, random);
    all[length++] = next;
    if (config.eosTokenIds().contains(next)) {
      reason = FinishReason.STOP;
    } else if (stream.onToken(Arrays.copyOfRange(all, promptLength, length))) {
      reason = FinishReason.STOP;
    } else if (length - promptLength >= budget) {
      reason = FinishReason.LENGTH;
    }
    return reason != null;
  }

  /** The result; ends the generation (as {@code length}) if it has not ended yet. */
  GenerationResult result() {
    if (reason == null) {
      reason = FinishReason.LENGTH;
    }
    long[] completion = Arrays.copyOfRange(all, promptLength, length);
    long[] visible =
        reason == FinishReason.STOP && stream.stoppedText() == null && completion.length > 0
            ? Arrays.copyOf(completion, completion.length - 1)
            : completion;
    String text = stream.finish(visible, reason != FinishReason.CANCELLED);
    return new GenerationResult(text, completion, promptLength, completion.length, reason);
  }
}

package dev.lethe.filters.text;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Text found by {@link Decoders} inside an encoded payload.
 *
 * @param text the decoded text
 * @param chain the transformations undone to get it, outermost first ({@code [BASE64, HEX]}: a
 *     base64 payload whose content was hex)
 * @param start the offset in the scanned text where the outermost payload begins
 * @param end one past the offset where the outermost payload ends
 */
public record Decoded(String text, List<Encoding> chain, int start, int end) {

  /** Copies the chain and checks the span. */
  public Decoded {
    requireNonNull(text, "text");
    chain = List.copyOf(requireNonNull(chain, "chain"));
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("chain: [] (expected: at least one encoding)");
    }
    if (start < 0 || end < start) {
      throw new IllegalArgumentException(
          "start/end: " + start + "/" + end + " (expected: 0 <= start <= end)");
    }
  }
}

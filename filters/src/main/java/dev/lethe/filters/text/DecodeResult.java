package dev.lethe.filters.text;

import java.util.List;

/**
 * What {@link Decoders#scan} found.
 *
 * @param decoded the decoded texts, in the order found (outer layers before the layers inside them)
 * @param truncated whether a {@link DecodeLimits} bound stopped decoding: more may be hidden, so a
 *     caller that must fail closed can treat the text as suspicious
 */
public record DecodeResult(List<Decoded> decoded, boolean truncated) {

  /** Copies the list. */
  public DecodeResult {
    decoded = List.copyOf(decoded);
  }
}

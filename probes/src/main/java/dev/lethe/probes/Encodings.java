package dev.lethe.probes;

import static dev.lethe.probes.Templates.fill;
import static dev.lethe.probes.Templates.pick;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link Family#ENCODING} variants: the whole question encoded by one {@link Encoding} (base64,
 * base32, hex, URL percent-encoding, HTML numeric entities, ROT13, reversed text, a Caesar shift,
 * Atbash, words reversed in place, binary, decimal character codes, octal escapes, ROT47, Ascii85,
 * quoted-printable, uuencoding, Unicode tag characters, {@code U+} code points, UTF-16 in base64,
 * one character a line as an equation, bits as invisible characters) inside an instruction to
 * decode it and answer. They follow Wei et al. 2023, "Jailbroken: How Does LLM Safety Training
 * Fail?" (NeurIPS; arXiv:2307.02483: base64 and ROT13 attacks), garak's {@code encoding} probes
 * (Derczynski et al. 2024, arXiv:2406.11036) and PyRIT's encoding converters (Munoz et al. 2024,
 * arXiv:2410.02828). The variant name is the encoding's key.
 */
public final class Encodings {
  private Encodings() {}

  /** One variant per {@link Encoding}. */
  public static List<Attack> all() {
    List<Attack> out = new ArrayList<>();
    for (Encoding e : Encoding.values()) {
      out.add(
          Attack.of(
              Family.ENCODING,
              e.key(),
              (item, rng) ->
                  Optional.of(
                      List.of(
                          Turn.user(
                              fill(
                                  pick(Templates.DECODE_INSTRUCTIONS, rng),
                                  Map.of(
                                      "enc",
                                      Templates.ENCODING_NAMES.get(e),
                                      "payload",
                                      e.encode(item.question()))))))));
    }
    return List.copyOf(out);
  }
}

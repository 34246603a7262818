package dev.lethe.filters.text;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds encoded payloads in a text and decodes them, nested, so the decoded text can be screened
 * too: base64, base32, hex, binary, Ascii85, base85, uuencoding, URL percent-encoding,
 * quoted-printable and MIME Q-words, HTML character references, backslash-u, octal and {@code U+}
 * escapes, letters as their places in the alphabet (A1Z26), Unicode tag characters, variation
 * selectors and invisible characters as bits, Morse code, NATO spelling, braille and upside-down
 * letters (by their shape), a text written one character a line, words shuffled into a list keyed
 * by position or a binary tree, text typed one key off on the keyboard, and Caesar shifts (ROT13
 * among them), Atbash, reversed text and words reversed in place (by becoming more English-like).
 *
 * <p>A payload is kept only when it decodes to valid UTF-8 (or UTF-16 shaped so: {@code
 * TextShape#text}) whose every char is printable; it is reported as a {@link Decoded} when it also
 * reads as text (enough letters and spaces), and decoded again up to {@link DecodeLimits#maxDepth}
 * either way (base64 of hex of a question: the hex layer is not reported, the question is, with
 * chain {@code [BASE64, HEX]}). So images, random bytes, hashes, UUIDs and ordinary words that
 * happen to be valid base64 yield nothing.
 *
 * <p>Cost: each decoder is one linear pass over a layer; a large payload is probed (its first bytes
 * decoded) before it is decoded; decoded chars over all layers are bounded by {@link
 * DecodeLimits#maxOutputChars}, reported texts by {@link DecodeLimits#maxCandidates}. A scan that
 * hit a bound says so ({@link DecodeResult#truncated}). Never throws on any input. Thread-safe.
 */
public final class Decoders {

  private Decoders() {}

  /** The decoded texts found in {@code text}; see {@link #scan} for whether a bound was hit. */
  public static List<Decoded> decode(String text, DecodeLimits limits) {
    return scan(text, limits).decoded();
  }

  /** Decodes {@code text} and says whether a bound of {@code limits} stopped decoding. */
  public static DecodeResult scan(String text, DecodeLimits limits) {
    requireNonNull(text, "text");
    requireNonNull(limits, "limits");
    Candidates.Budget budget = new Candidates.Budget(limits);
    List<Decoded> found = new ArrayList<>();
    layer(text, List.of(), -1, -1, null, 1, limits, budget, found);
    return new DecodeResult(found, budget.truncated);
  }

  private static void layer(
      String text,
      List<Encoding> chain,
      int outerStart,
      int outerEnd,
      Encoding last,
      int depth,
      DecodeLimits limits,
      Candidates.Budget budget,
      List<Decoded> found) {
    Candidates.Sink sink =
        (start, end, encoding, decoded) -> {
          List<Encoding> next = new ArrayList<>(chain.size() + 1);
          next.addAll(chain);
          next.add(encoding);
          int s = outerStart < 0 ? start : outerStart;
          int e = outerStart < 0 ? end : outerEnd;
          if (TextShape.textLike(decoded)) {
            if (budget.resultsLeft <= 0) {
              budget.truncated = true;
              return false;
            }
            found.add(new Decoded(decoded, next, s, e));
            budget.resultsLeft--;
          }
          if (depth < limits.maxDepth() && !budget.exhausted()) {
            layer(decoded, next, s, e, encoding, depth + 1, limits, budget, found);
          }
          return true;
        };
    Candidates candidates = new Candidates(text, budget, sink);
    // each stops (returns false) once a bound is hit, and the rest are then skipped
    boolean unused =
        PackedDecoding.scanBinary(candidates)
            && RadixDecoding.scanHex(candidates)
            && PackedDecoding.scanDecimal(candidates)
            && RadixDecoding.scanBase32(candidates)
            && RadixDecoding.scanBase64(candidates)
            && PackedDecoding.scanUu(candidates)
            && EscapeDecoding.scanUrl(candidates)
            && EscapeDecoding.scanQuotedPrintable(candidates)
            && EscapeDecoding.scanHtml(candidates)
            && EscapeDecoding.scanUnicodeEscapes(candidates)
            && EscapeDecoding.scanOctalEscapes(candidates)
            && EscapeDecoding.scanCodePoints(candidates)
            && SymbolDecoding.scanA1z26(candidates)
            && PackedDecoding.scanAscii85(candidates)
            && PackedDecoding.scanBase85(candidates)
            && SymbolDecoding.scanTags(candidates)
            && SymbolDecoding.scanVariationSelectors(candidates)
            && SymbolDecoding.scanInvisibleBits(candidates)
            && SymbolDecoding.scanMorse(candidates)
            && SymbolDecoding.scanNato(candidates)
            && SymbolDecoding.scanBraille(candidates)
            && SymbolDecoding.scanUpsideDown(candidates)
            && SymbolDecoding.scanLineInitials(candidates)
            && SymbolDecoding.scanWordInitials(candidates)
            && WordOrderDecoding.scan(candidates)
            && (last == Encoding.ROT47 || Rot47Decoding.scan(candidates))
            && EnglishScore.scan(candidates, last)
            // last: a line a Caesar shift or ROT47 reads is theirs (covered), not a keyboard's
            && (last == Encoding.KEYBOARD_SHIFT || KeyboardDecoding.scan(candidates));
  }
}

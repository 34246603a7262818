/**
 * Text transformations that attackers use to hide a forget-scope request, undone before the request
 * is judged: pure, stateless library code shared by the detector, redaction and the output filter.
 *
 * <p>Roles:
 *
 * <ul>
 *   <li>{@link dev.lethe.filters.text.Canonicalizer}: one readable canonical form (invisible chars
 *       removed, NFKC, separator-spelled words closed up, cross-script look-alikes and leetspeak
 *       read as Latin letters) with a map back to the original, as a {@link
 *       dev.lethe.filters.text.Canonical} that names the {@link dev.lethe.filters.text.Fold}s that
 *       fired.
 *   <li>{@link dev.lethe.filters.text.Lookalikes}: the single table of confusables (UTS #39 via
 *       ICU4J) and leetspeak, used by the canonicalizer and by the output filter's {@code
 *       TextNormalizer}; {@link dev.lethe.filters.text.Lookalikes#matchKey} for lenient name
 *       comparison (i, l and 1 alike).
 *   <li>{@link dev.lethe.filters.text.Decoders}: finds encoded payloads (base64, base32, hex,
 *       binary, Ascii85, base85, uuencoding, URL, quoted-printable and HTML escapes, {@code U+}
 *       code points, A1Z26, Unicode tags, Morse, NATO spelling, braille and upside-down letters by
 *       shape; Caesar shifts, Atbash, reversed and per-word reversed text by becoming more
 *       English-like) and decodes them, nested, within {@link dev.lethe.filters.text.DecodeLimits};
 *       each {@link dev.lethe.filters.text.Decoded} names its chain of {@link
 *       dev.lethe.filters.text.Encoding}s and the span of the outermost payload.
 * </ul>
 *
 * <p>Traps:
 *
 * <ul>
 *   <li>Every transformation is a guess about intent, so each is deliberately conservative: a fold
 *       that fires on ordinary text (a version number read as leetspeak, a Russian word read as
 *       Latin, initials closed up) changes what the embedder sees and can cost precision. The tests
 *       list what must not fire; extend them with every new rule.
 *   <li>The canonical text is <em>not</em> a replacement for the original: judge both. A fold can
 *       only add evidence (a name that appears once folded), never remove it.
 *   <li>Canonical chars map to original ranges that may overlap (a ligature gives two chars with
 *       one range) or skip chars (removed invisibles): mask {@code [start[i], end[j - 1])} for a
 *       canonical match {@code [i, j)}.
 *   <li>Decoding is a filter on shape, not proof: a payload is kept only when it decodes to
 *       printable UTF-8 and reported only when it reads as text, so binary (images), hashes and
 *       words that happen to be valid base64 yield nothing. A scan stopped by a bound says so
 *       ({@link dev.lethe.filters.text.DecodeResult#truncated}); an attacker can pad a prompt with
 *       decodable decoys, so a caller that must not be evaded treats truncation as suspicious.
 *   <li>Everything is linear in the input: single passes, fixed windows, no regular expressions (a
 *       backtracking pattern over attacker text is a denial of service).
 * </ul>
 */
package dev.lethe.filters.text;

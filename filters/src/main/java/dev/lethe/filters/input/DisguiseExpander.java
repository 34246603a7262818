package dev.lethe.filters.input;

import static java.util.Objects.requireNonNull;

import dev.lethe.filters.text.Canonical;
import dev.lethe.filters.text.Canonicalizer;
import dev.lethe.filters.text.DecodeLimits;
import dev.lethe.filters.text.Decoded;
import dev.lethe.filters.text.Decoders;
import dev.lethe.filters.text.Encoding;
import dev.lethe.filters.text.Fold;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The default {@link TextExpander}: judges the {@link Canonicalizer canonical} form of each text
 * (invisible and bidi characters removed, compatibility forms, cross-script look-alikes, leetspeak
 * and letter-by-letter spellings folded — the same normalisation the output filter applies), and
 * besides it every payload {@link Decoders} finds in the text (base64, base32, hex, URL and HTML
 * escapes, ROT13, reversed text; nested, bounded by {@link DecodeLimits}), canonicalised too. Each
 * form names the transformations that produced it, so a verdict can say what fired.
 *
 * <p>Cost is linear in the text's length and bounded: decoding stops at the limits (a hostile
 * payload cannot make screening slow), and the classifier's budget bounds the judging.
 */
public final class DisguiseExpander implements TextExpander {
  private final DecodeLimits limits;

  /** An expander with the given decoding limits. */
  public DisguiseExpander(DecodeLimits limits) {
    this.limits = requireNonNull(limits, "limits");
  }

  /** An expander with {@link DecodeLimits#defaults()}. */
  public static DisguiseExpander defaults() {
    return new DisguiseExpander(DecodeLimits.defaults());
  }

  @Override
  public List<Form> expand(String text) {
    List<Form> out = new ArrayList<>(2);
    out.add(canonical(text, List.of()));
    for (Decoded d : Decoders.decode(text, limits)) {
      List<String> chain = new ArrayList<>(d.chain().size());
      for (Encoding e : d.chain()) {
        chain.add(e.name().toLowerCase(Locale.ROOT));
      }
      out.add(canonical(d.text(), chain));
    }
    return out;
  }

  private static Form canonical(String text, List<String> before) {
    Canonical c = Canonicalizer.canonicalize(text);
    if (!c.changed()) {
      return new Form(text, before);
    }
    List<String> transforms = new ArrayList<>(before);
    for (Fold f : c.applied()) {
      transforms.add(f.name().toLowerCase(Locale.ROOT));
    }
    return new Form(c.text(), transforms);
  }
}

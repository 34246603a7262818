package dev.lethe.filters.input;

import static java.util.Objects.requireNonNull;

import dev.lethe.filters.text.Canonical;
import dev.lethe.filters.text.Canonicalizer;
import dev.lethe.filters.text.DecodeLimits;
import dev.lethe.filters.text.Decoded;
import dev.lethe.filters.text.Decoders;
import dev.lethe.filters.text.Encoding;
import dev.lethe.filters.text.Fold;
import dev.lethe.filters.text.GlyphLetters;
import dev.lethe.filters.text.InsertedPunctuation;
import dev.lethe.filters.text.Lookalikes;
import dev.lethe.filters.text.Romanised;
import dev.lethe.filters.text.Typoglycemia;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The default {@link TextExpander}: judges the {@link Canonicalizer canonical} form of each text
 * (invisible and bidi characters removed, compatibility forms, cross-script look-alikes, leetspeak
 * and letter-by-letter spellings folded — the same normalisation the output filter applies), forms
 * with heavy leetspeak read, with letters drawn in symbols read ({@link GlyphLetters}) and with
 * words whose inner letters are shuffled put back ({@link Typoglycemia}), with words of other
 * scripts in Latin letters ({@link Romanised}: a question asked in Russian or Chinese) or with
 * punctuation scattered inside words taken out ({@link InsertedPunctuation}) where the text has
 * such words, and besides it every payload {@link Decoders} finds in the text (base64, base32, hex,
 * binary, Ascii85, base85, uuencoding, URL, quoted-printable and HTML escapes, {@code U+} code
 * points, A1Z26, Unicode tags, Morse, NATO spelling, braille, upside-down letters, Caesar shifts,
 * Atbash, reversed text; nested, bounded by {@link DecodeLimits}), canonicalised too. Each form
 * names the transformations that produced it, so a verdict can say what fired.
 *
 * <p>Cost is linear in the text's length and bounded: decoding stops at the limits (a hostile
 * payload cannot make screening slow), and the classifier's budget bounds the judging.
 */
public final class DisguiseExpander implements TextExpander {
  /** The transformation that names the form with heavy leetspeak read ({@link #heavyLeet}). */
  public static final String HEAVY_LEET = "leet-heavy";

  /** The transformation that names the form with shuffled words put back ({@link Typoglycemia}). */
  public static final String UNSCRAMBLED = "unscrambled";

  /**
   * The transformation that names the form with letters drawn in symbols read ({@link
   * GlyphLetters}).
   */
  public static final String GLYPHS = "leet-glyphs";

  /**
   * The transformation that names the form with punctuation scattered inside words taken out
   * ({@link InsertedPunctuation}).
   */
  public static final String UNPUNCTUATED = "unpunctuated";

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
    Form first = canonical(text, List.of());
    out.add(first);
    rereads(out, first);
    // read from the text as sent: the canonical form reads a scattered ! as a leetspeak i
    String unpunctuated = InsertedPunctuation.read(text);
    if (unpunctuated != null) {
      out.add(canonical(unpunctuated, List.of(UNPUNCTUATED)));
    }
    for (Decoded d : Decoders.decode(text, limits)) {
      List<String> chain = new ArrayList<>(d.chain().size());
      for (Encoding e : d.chain()) {
        chain.add(e.key());
      }
      Form decoded = canonical(d.text(), chain);
      out.add(decoded);
      // a payload may be disguised inside its encoding too (leetspeak in base64)
      rereads(out, decoded);
    }
    return out;
  }

  /**
   * Adds the further readings of {@code form}: heavy leetspeak, drawn letters, shuffled words, and
   * words of other scripts in Latin letters ({@link Romanised}).
   */
  private static void rereads(List<Form> out, Form form) {
    reread(out, form, heavyLeet(form.text()), HEAVY_LEET);
    reread(out, form, GlyphLetters.read(form.text()), GLYPHS);
    reread(out, form, Typoglycemia.read(form.text()), UNSCRAMBLED);
    reread(out, form, Romanised.read(form.text()), Romanised.TRANSFORM);
  }

  /**
   * Adds {@code text}, a further reading of {@code form}, named by that form's transformations and
   * {@code transform}; nothing when {@code text} is null (the reading found nothing to read).
   */
  private static void reread(List<Form> out, Form form, String text, String transform) {
    if (text != null) {
      List<String> transforms = new ArrayList<>(form.transforms());
      transforms.add(transform);
      out.add(new Form(text, transforms));
    }
  }

  /**
   * Heavy leetspeak ({@code 8451| M4hf0u2}) that the canonical form leaves alone because it could
   * be a number or an identifier: every word that mixes letters with leetspeak digits or symbols is
   * read as letters ({@code 2} as {@code z}, {@code 6} as {@code g} too), in an extra form judged
   * beside the canonical one. Null when no such word occurs (the common case: no extra cost).
   */
  static String heavyLeet(String text) {
    StringBuilder out = null;
    int n = text.length();
    int i = 0;
    while (i < n) {
      char c = text.charAt(i);
      if (!isWordOrLeet(c)) {
        i++;
        continue;
      }
      int start = i;
      int letters = 0;
      int leet = 0;
      while (i < n && isWordOrLeet(text.charAt(i))) {
        char d = text.charAt(i);
        if (Character.isLetter(d)) {
          letters++;
        } else if (heavy(d) != 0) {
          leet++;
        }
        i++;
      }
      if (letters >= 1 && leet >= 1 && letters + leet >= 4 && letters + leet == i - start) {
        if (out == null) {
          out = new StringBuilder(text);
        }
        for (int k = start; k < i; k++) {
          char h = heavy(text.charAt(k));
          if (h != 0) {
            out.setCharAt(k, h);
          }
        }
      }
    }
    return out == null ? null : out.toString();
  }

  private static boolean isWordOrLeet(char c) {
    return Character.isLetterOrDigit(c) || c == '@' || c == '$' || c == '|' || c == '!';
  }

  /** The letter a leetspeak char stands for in heavy leetspeak, or 0. */
  private static char heavy(char c) {
    return switch (c) {
      case '2' -> 'z';
      case '6' -> 'g';
      case '|' -> 'l';
      default -> Lookalikes.leet(c);
    };
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

package dev.lethe.filters.text;

import static java.util.Objects.requireNonNull;

import java.util.EnumSet;

/**
 * One normalisation of user text for both directions: a readable canonical form for the embedder
 * and for name matching, with a map from every canonical char back to the original chars (so a
 * match in the canonical text masks the right span of the original).
 *
 * <p>Steps, in order ({@link Fold} names each; {@link Canonical#applied} says which changed
 * something):
 *
 * <ol>
 *   <li>{@link Fold#INVISIBLE}: format and bidi characters, zero-width chars, soft hyphens, tag
 *       characters, variation selectors, other default-ignorable code points and control characters
 *       are removed; ordinary whitespace and line breaks stay;
 *   <li>{@link Fold#NFKC}: compatibility folding (fullwidth, mathematical and circled letters,
 *       ligatures, compatibility spaces); case and accents stay (the analyzers fold those later);
 *       {@link Fold#ENCLOSED}: negative circled and squared letters and regional indicators, which
 *       NFKC leaves, read as capitals, and so are Latin small capitals ({@link
 *       Fold#SMALL_CAPITAL}); {@link Fold#MARKS}: combining marks stacked on a letter that NFKC
 *       could not compose ("zalgo") dropped;
 *   <li>{@link Fold#MARKUP}: HTML or XML tags touching a word dropped ({@code Ba<b>sil</b>} →
 *       {@code Basil}); see {@link MarkupFold};
 *   <li>{@link Fold#SPACED}: words spelled letter by letter with one separator are closed up
 *       ({@code N i k o l a i A b i l o v} → {@code Nikolai Abilov}, {@code N.i.k.o.l.a.i} → {@code
 *       Nikolai}, one letter a line, commas or emoji between letters); see {@link SpacedWords};
 *   <li>{@link Fold#NOISE}: noise symbols interleaved with a word's letters dropped ({@code
 *       B#as^il} → {@code Basil}), an underscore between words read as a space, and so a full stop
 *       between the words of a handle or an address's local part ({@code @hina.ameen}); see {@link
 *       NoiseFold};
 *   <li>{@link Fold#CONFUSABLE}: cross-script look-alikes (UTS #39 skeletons, from ICU4J) become
 *       Latin letters inside words that mix scripts, and in look-alike-only words in Latin context;
 *       real Russian or Greek text is left alone; see {@link ConfusableFold};
 *   <li>{@link Fold#TRANSLITERATED} (before the look-alikes): a name in a script without capitals
 *       (Chinese, Korean, Japanese kana, Arabic, Hebrew, Ethiopic, Indic) or a capitalised Cyrillic
 *       or Greek word with a letter that has no Latin look-alike, standing in Latin text (a name),
 *       written in Latin letters with ICU4J; see {@link TransliterationFold};
 *   <li>{@link Fold#DOUBLED}: a word with every letter written twice ({@code RRaajjeeeevv}) read
 *       once; see {@link DoubledLetters};
 *   <li>{@link Fold#LEET}: leetspeak digits and symbols inside words are read as letters ({@code
 *       B4s1l M4hf0uz} → {@code Basil Mahfouz}); numbers, versions, identifiers and hashes are not;
 *       see {@link LeetFold};
 *   <li>{@link Fold#PIG_LATIN}: a capitalised name written in Pig Latin ({@code illiamsWay}) read
 *       back; see {@link PigLatinFold};
 *   <li>{@link Fold#RANDOM_CASE}: a text written in random case ({@code WHERe wAS TAe-Ho parK})
 *       read in lower case, since its capitals mark nothing; see {@link RandomCaseFold};
 *   <li>{@link Fold#BACKWARDS}: a capitalised word written backwards ({@code harraJ bidA}) read the
 *       right way round; see {@link BackwardsFold}.
 * </ol>
 *
 * <p>Every step is a single left-to-right pass (look-alike words also look at a fixed window of
 * neighbouring words), so the cost is linear in the text length; nothing uses regular expressions.
 * Unlike the output filter's letters-only {@code TextNormalizer}, the result keeps spaces,
 * punctuation, case (but in a text in random case) and accents. Thread-safe.
 */
public final class Canonicalizer {

  private Canonicalizer() {}

  /** The canonical form of {@code text}, with its map back to {@code text}. */
  public static Canonical canonicalize(String text) {
    requireNonNull(text, "text");
    EnumSet<Fold> applied = EnumSet.noneOf(Fold.class);
    MappedText t = UnicodeFold.apply(text, applied);
    t = MarkupFold.apply(t, applied);
    t = SpacedWords.apply(t, applied);
    t = NoiseFold.wordBreaks(t, applied);
    t = NoiseFold.apply(t, applied);
    t = NoiseFold.handles(t, applied);
    t = TransliterationFold.apply(t, applied);
    t = ConfusableFold.apply(t, applied);
    t = DoubledLetters.apply(t, applied);
    t = LeetFold.apply(t, applied);
    t = PigLatinFold.apply(t, applied);
    t = RandomCaseFold.apply(t, applied);
    t = BackwardsFold.apply(t, applied);
    return t.toCanonical(applied);
  }
}

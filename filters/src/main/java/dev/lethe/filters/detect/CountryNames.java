package dev.lethe.filters.detect;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The English names of the world's countries and territories that are one word ({@code Kuwait},
 * {@code Montenegro}, {@code Chile}), as name tokens ({@link TextAnalysis#nameTokens}): taken from
 * the JDK's locale data (CLDR, every ISO 3166 code), not from a list of our own.
 *
 * <p>Why: a forget rule's subject may share a word with a country ({@code Carmen Montenegro}, or
 * {@code Kuwait} one letter from {@code Al-Kuwaiti}). Alone, that word far more often names the
 * place than the person ("What is the capital of Montenegro?"), so it is no partial naming of the
 * subject ({@link LexicalDetector}); the text's meaning still decides, as for a question that never
 * names its subject.
 */
final class CountryNames {
  private static final Set<String> NAMES = load();

  private CountryNames() {}

  /** Whether {@code term} (a folded name token) is a one-word country or territory name. */
  static boolean contains(String term) {
    return NAMES.contains(term);
  }

  private static Set<String> load() {
    Set<String> out = new HashSet<>();
    for (String code : Locale.getISOCountries()) {
      String name = Locale.of("", code).getDisplayCountry(Locale.ENGLISH);
      List<TextAnalysis.Token> tokens = TextAnalysis.nameTokens(name);
      if (tokens.size() == 1) {
        out.add(tokens.get(0).term());
      }
    }
    return Set.copyOf(out);
  }
}

package dev.lethe.filters.detect;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.TruncateTokenFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;

/**
 * The two token views the detector works on, both built from Lucene analysis components.
 *
 * <ul>
 *   <li>Name tokens: Unicode word segmentation (UAX #29), English possessives removed ({@code
 *       Yun-Hwa's} → {@code yun}, {@code hwa}), accents folded to ASCII, lower case; with the
 *       offsets of each token in the original text (for redaction) and whether it was capitalised.
 *   <li>Topic terms: name tokens without English stop words, cut to their first {@value
 *       #TERM_PREFIX} characters, a crude but language-agnostic stemmer ({@code Taiwanese} and
 *       {@code Taiwan} meet at {@code taiwa}); these feed BM25.
 * </ul>
 */
public final class TextAnalysis {
  /** Topic terms keep this many leading characters. */
  public static final int TERM_PREFIX = 5;

  private static final CharArraySet STOP;

  /**
   * The length of the longest stop word: a longer token is none, without hashing it (the long runs
   * of a hostile payload are tokens too).
   */
  private static final int LONGEST_STOP;

  static {
    CharArraySet stop = new CharArraySet(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, true);
    for (String w :
        List.of(
            "what", "which", "who", "whom", "whose", "how", "why", "when", "where", "does", "did",
            "do", "has", "have", "had", "can", "could", "would", "should", "you", "your", "me",
            "about", "tell", "some", "any", "from", "i", "he", "she", "his", "her", "him", "its",
            "been", "being", "were", "was", "am", "our", "we", "us", "my", "all", "also", "more",
            "most", "other", "than", "so", "very", "just", "too", "up", "out", "over", "own")) {
      stop.add(w);
    }
    STOP = CharArraySet.unmodifiableSet(stop);
    int longest = 0;
    for (Object w : stop) {
      longest = Math.max(longest, w instanceof char[] c ? c.length : w.toString().length());
    }
    LONGEST_STOP = longest;
  }

  private static boolean stop(CharSequence token) {
    return token.length() <= LONGEST_STOP && STOP.contains(token);
  }

  /** The Lucene analyzer that produces topic terms (used for indexing and querying BM25). */
  public static final Analyzer TERMS =
      new Analyzer() {
        @Override
        protected TokenStreamComponents createComponents(String fieldName) {
          Tokenizer source = new StandardTokenizer();
          TokenStream ts = new EnglishPossessiveFilter(source);
          ts = new ASCIIFoldingFilter(ts);
          ts = new LowerCaseFilter(ts);
          ts = new StopFilter(ts, STOP);
          ts = new TruncateTokenFilter(ts, TERM_PREFIX);
          return new TokenStreamComponents(source, ts);
        }
      };

  /** The Lucene analyzer that produces name tokens. */
  public static final Analyzer NAMES =
      new Analyzer() {
        @Override
        protected TokenStreamComponents createComponents(String fieldName) {
          Tokenizer source = new StandardTokenizer();
          TokenStream ts = new EnglishPossessiveFilter(source);
          ts = new ASCIIFoldingFilter(ts);
          ts = new LowerCaseFilter(ts);
          return new TokenStreamComponents(source, ts);
        }
      };

  private TextAnalysis() {}

  /**
   * One name token.
   *
   * @param term folded, lower-cased text
   * @param start offset of the first character in the original text
   * @param end offset after the last character in the original text
   * @param capitalized whether the original token started with an upper-case letter
   * @param sentenceStart whether the token opens a sentence (or the text)
   * @param lowerCase whether the original token has no upper-case letter at all
   * @param hyphenated whether one hyphen joins the token to the token before it ({@code Gurion} in
   *     {@code Ben-Gurion})
   */
  public record Token(
      String term,
      int start,
      int end,
      boolean capitalized,
      boolean sentenceStart,
      boolean lowerCase,
      boolean hyphenated) {}

  /** The name tokens of {@code text}, in order. */
  public static List<Token> nameTokens(String text) {
    List<Token> tokens = new ArrayList<>();
    try (TokenStream ts = NAMES.tokenStream("n", new StringReader(text))) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      OffsetAttribute offset = ts.addAttribute(OffsetAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        int start = offset.startOffset();
        int end = offset.endOffset();
        if (end - start > 2
            && (text.charAt(end - 1) == 's' || text.charAt(end - 1) == 'S')
            && isApostrophe(text.charAt(end - 2))) {
          end -= 2; // the possessive filter dropped "'s"; keep it out of the span too
        }
        boolean cap = start < text.length() && Character.isUpperCase(text.charAt(start));
        boolean hyphenated =
            start > 0
                && isHyphen(text.charAt(start - 1))
                && !tokens.isEmpty()
                && tokens.get(tokens.size() - 1).end() == start - 1;
        tokens.add(
            new Token(
                term.toString(),
                start,
                end,
                cap,
                opensSentence(text, start),
                !hasUpperCase(text, start, end),
                hyphenated));
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return tokens;
  }

  /** The topic terms of {@code text}, in order, with repeats. */
  public static List<String> terms(String text) {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = TERMS.tokenStream("t", new StringReader(text))) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(term.toString());
      }
      ts.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Whether an already-folded name token is an English stop word or question word. */
  static boolean isStopWord(String nameToken) {
    return stop(nameToken);
  }

  /**
   * The topic-term form of one already-folded name token, or null for a stop word or a contraction
   * of one ({@code i'm}, {@code she'd}, {@code you're}: no topic, and no one's name).
   */
  static String termOf(String nameToken) {
    if (stop(nameToken)) {
      return null;
    }
    int apostrophe = nameToken.indexOf('\'');
    if (apostrophe > 0 && apostrophe <= LONGEST_STOP && stop(nameToken.substring(0, apostrophe))) {
      return null;
    }
    return nameToken.length() > TERM_PREFIX ? nameToken.substring(0, TERM_PREFIX) : nameToken;
  }

  private static boolean hasUpperCase(String text, int start, int end) {
    for (int i = start; i < end; i++) {
      if (Character.isUpperCase(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isHyphen(char c) {
    return c == '-' || c == '\u2010' || c == '\u2011';
  }

  private static boolean isApostrophe(char c) {
    return c == '\'' || c == '\u2019' || c == '\uFF07';
  }

  private static boolean opensSentence(String text, int start) {
    for (int i = start - 1; i >= 0; i--) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c) || c == '"' || c == '\'' || c == '(' || c == '*') {
        continue;
      }
      if (c == '.' && afterInitial(text, i)) {
        return false; // "S. N. Park": an initial's period ends no sentence
      }
      return c == '.' || c == '?' || c == '!' || c == ':' || c == '\n' || c == '>' || c == ';';
    }
    return true;
  }

  /** Whether the {@code .} at {@code i} follows a lone capital letter (an initial). */
  private static boolean afterInitial(String text, int i) {
    if (i < 1 || !Character.isUpperCase(text.charAt(i - 1))) {
      return false;
    }
    if (i < 2) {
      return true;
    }
    char b = text.charAt(i - 2);
    return Character.isWhitespace(b) || b == '.' || b == '-' || b == '(' || b == '"';
  }

  /** Edits tolerated when matching a (joined) name of {@code length} characters: 0, 1 or 2. */
  static int editsFor(int length) {
    if (length < 5) {
      return 0;
    }
    return length < 10 ? 1 : 2;
  }
}

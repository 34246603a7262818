package dev.lethe.filters.text;

import java.util.EnumSet;

/**
 * The {@link Canonicalizer} step that reads leetspeak inside words: {@code B4s1l M4hf0uz} → {@code
 * Basil Mahfouz}, {@code N1k0l@i} → {@code Nikolai}, with the table of {@link Lookalikes#leet}.
 *
 * <p>A token is a run of letters, marks, digits and {@code @ $ | !}. It is read as leetspeak only
 * when all of these hold, so numbers, dates, versions, code identifiers and hashes stay:
 *
 * <ul>
 *   <li>every digit is a leetspeak digit (a {@code 2} or {@code 6}, or another script's digit,
 *       marks the token as a number or identifier: {@code x86}, {@code e2e}, {@code sha256});
 *   <li>runs of non-letters are one char, or two equal ones ({@code g00d}), or two different ones
 *       inside a capitalised word ({@code Kuw41t1}); longer runs, or two different chars in a
 *       lower-case token ({@code i18n}), leave the token alone;
 *   <li>at least one replaced run lies between two letters ("interior"); a single digit at the
 *       start or end next to a letter is replaced too ("edge"), symbols only inside;
 *   <li>at least two chars are replaced — interior ones when the token has no capital ({@code
 *       log4j}, {@code v1beta1}, {@code utf8mb4} stay) — or one inside a capitalised word of at
 *       least {@value #MIN_SINGLE_LENGTH} chars ({@code Ab1lov}); symbols are read only in a token
 *       that also has a replaced digit ({@code a|b|c} stays), and are punctuation at a token's
 *       edges;
 *   <li>letters outnumber replaced chars; a token of only hex digits of {@value #MIN_HEX} or more
 *       chars is a hash; an {@code @} token followed by {@code .} is an e-mail address;
 *   <li>the result reads like a word: it has a vowel and no run of {@value #MAX_CONSONANTS} or more
 *       consonants.
 * </ul>
 */
final class LeetFold {
  static final int MIN_SINGLE_LENGTH = 6;
  static final int MIN_HEX = 8;
  static final int MAX_CONSONANTS = 5;

  private LeetFold() {}

  static boolean isTokenChar(int cp) {
    return Chars.isWordChar(cp) || cp == '@' || cp == '$' || cp == '|' || cp == '!';
  }

  private static boolean isSymbol(char c) {
    return c == '@' || c == '$' || c == '|' || c == '!';
  }

  static MappedText apply(MappedText in, EnumSet<Fold> applied) {
    int n = in.length();
    MappedText.Rewriter w = new MappedText.Rewriter(in);
    StringBuilder folded = new StringBuilder();
    for (int i = 0; i < n; ) {
      int cp = in.codePointAt(i);
      if (!isTokenChar(cp)) {
        i += Character.charCount(cp);
        continue;
      }
      int start = i;
      boolean hasLeet = false;
      while (i < n && isTokenChar(cp = in.codePointAt(i))) {
        hasLeet |= cp < 0x80 && !Chars.isLetter(cp);
        i += Character.charCount(cp);
      }
      int end = i;
      while (start < end && isSymbol(in.charAt(start))) {
        start++; // symbols at a token's edges are punctuation: "B4s1l!", "$x"
      }
      while (end > start && isSymbol(in.charAt(end - 1))) {
        end--;
      }
      if (!hasLeet || start == end || !fold(in, start, end, folded)) {
        continue;
      }
      MappedText out = w.upTo(start);
      int f = 0;
      for (int p = start; p < end; p++) {
        out.append(folded.charAt(f++), in.start(p), in.end(p)); // one char for one char
      }
      w.resumeAt(end);
      applied.add(Fold.LEET);
    }
    return w.result();
  }

  /**
   * Folds the token {@code [from, to)} into {@code folded} (same length) when it reads as
   * leetspeak; returns whether it does.
   */
  private static boolean fold(MappedText in, int from, int to, StringBuilder folded) {
    folded.setLength(0);
    int letters = 0;
    boolean capital = false;
    boolean firstCapital = Character.isUpperCase(in.charAt(from));
    boolean otherCapital = false;
    boolean allUpper = true;
    boolean hexOnly = true;
    boolean at = false;
    for (int p = from; p < to; p++) {
      char c = in.charAt(p);
      if (Character.isLetter(c)) {
        letters++;
        if (Character.isUpperCase(c)) {
          capital = true;
          otherCapital |= p > from;
        } else if (Character.isLowerCase(c)) {
          allUpper = false;
        }
      } else if (Character.isDigit(c) && Lookalikes.leet(c) == 0) {
        return false; // 2, 6, or another script's digit: a number or identifier
      }
      hexOnly &= Character.digit(c, 16) >= 0 && c < 0x80;
      at |= c == '@';
    }
    if (letters == 0 || (hexOnly && to - from >= MIN_HEX)) {
      return false;
    }
    if (at && to < in.length() && in.charAt(to) == '.') {
      return false; // an e-mail address
    }
    int interior = 0;
    int edge = 0;
    int digits = 0;
    folded.append(in.toString(from, to));
    for (int p = from; p < to; ) {
      char c = in.charAt(p);
      if (Character.isLetter(c) || Chars.isMark(c) || Character.isSurrogate(c)) {
        p++;
        continue;
      }
      int q = p + 1;
      while (q < to && !Character.isLetter(in.charAt(q)) && !Chars.isMark(in.charAt(q))) {
        q++;
      }
      int run = q - p;
      if (q < to && Chars.isMark(in.charAt(q))) {
        return false; // a mark on a digit or symbol: not leetspeak
      }
      if (run > 2 || (run == 2 && in.charAt(p + 1) != c && !firstCapital)) {
        return false; // two different chars: "i18n"; in a capitalised name: "Kuw41t1"
      }
      boolean digit = c >= '0' && c <= '9';
      boolean letterBefore = p > from && Character.isLetter(in.charAt(p - 1));
      boolean letterAfter = q < to && Character.isLetter(in.charAt(q));
      if (letterBefore && letterAfter) {
        interior += run;
      } else if (digit && run == 1) {
        edge++;
      } else {
        return false;
      }
      if (digit) {
        digits += run;
      }
      for (int k = p; k < q; k++) {
        char each = Lookalikes.leet(in.charAt(k)); // "41" in Kuw41t1 reads "ai", not "aa"
        folded.setCharAt(k - from, allUpper ? Character.toUpperCase(each) : each);
      }
      p = q;
    }
    int replaced = interior + edge;
    if (interior == 0 || digits == 0 || letters <= replaced) {
      return false;
    }
    boolean enough;
    if (!capital) {
      enough = interior >= 2;
    } else {
      enough = replaced >= 2 || (firstCapital && !otherCapital && to - from >= MIN_SINGLE_LENGTH);
    }
    return enough && readsLikeAWord(folded);
  }

  /**
   * Whether {@code word} reads like a word: it has a vowel and no run of {@value #MAX_CONSONANTS}
   * consonants (chars other than ASCII letters break a run).
   */
  static boolean readsLikeAWord(CharSequence word) {
    boolean vowel = false;
    int consonants = 0;
    for (int k = 0; k < word.length(); k++) {
      char c = word.charAt(k);
      if (!Chars.isAsciiLetter(c)) {
        consonants = 0;
        continue;
      }
      if (Chars.isAsciiVowel(c)) {
        vowel = true;
        consonants = 0;
      } else if (++consonants >= MAX_CONSONANTS) {
        return false;
      }
    }
    return vowel;
  }
}

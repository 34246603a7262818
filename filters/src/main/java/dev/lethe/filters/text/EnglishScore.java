package dev.lethe.filters.text;

import java.util.Arrays;

/**
 * Recognises Caesar-shifted text (ROT13 and the 24 other shifts), Atbash (the alphabet mirrored)
 * and reversed text (the whole run backwards, or each word backwards in place), which have no shape
 * of their own, by how English-like they become: the share of word tokens (split at whitespace and
 * punctuation; a token with a digit or a symbol is never a word, so base64 lines do not count) that
 * are common English function words, from a small fixed list. Within each segment (text between
 * {@code . ! ? : ;} and line breaks, at most {@value #MAX_SEGMENT} chars) the run of tokens that
 * gains most is found ({@link Tokens#best}), so a wrapper sentence around the payload does not
 * dilute it; the run is reported transformed only when it then has at least {@value #MIN_HITS}
 * function words (one of them longer than a letter: {@code M M} is {@code A A} fourteen letters
 * on), a share of at least {@value #MIN_SHARE}, and a share {@value #MIN_GAIN} above the
 * original's: plain English never fires, since its transforms score near zero. Every shift is tried
 * with one look-up per token (the function words are indexed by their shape, letters relative to
 * the first, so a token's shape gives every shift that makes it a function word) and scored only
 * when it has {@value #MIN_HITS} hits in the segment; the shift with most hits wins.
 *
 * <p><b>Short runs: the word list.</b> A short question has few function words ({@code Name two
 * books by Edward Patrick Sullivan.} has one), so a segment the function words do not settle, that
 * does not read as English as written and has at most {@value #MAX_WORDLIST_TOKENS} tokens, is
 * tried again counting the common English words of {@value #MIN_CONTENT} letters or more too
 * ({@link EnglishWords}): every Caesar shift, Atbash and reversal, the reading with most words
 * winning. It fires only when the run then is at least {@value #WORDLIST_SHARE} English, {@value
 * #WORDLIST_GAIN} above the text as written, with a word of {@value #MIN_CONTENT} letters or more
 * among its hits: names and other languages, which are no more English under any reading, do not
 * fire. The look-ups are bounded per scan ({@value #MAX_WORDLIST_LOOKUPS}), so a megabyte of junk
 * costs at most a few milliseconds here.
 *
 * <p><b>The whole run.</b> A run that fires is extended over the rest of its segment, on either
 * side, when that rest is at least as English under the reading as written: a name or a date cut
 * into something that happens to be a function word as written ({@code Who Dyly} is {@code Tel
 * Aviv} three letters on) does not end the decoded question there, while a plain wrapper sentence
 * next to the run (more English as written) stays outside it.
 */
final class EnglishScore {
  static final int MAX_SEGMENT = 2000;
  static final int MIN_TOKENS = 3;
  static final int MIN_HITS = 2;
  static final double MIN_SHARE = 0.25;
  static final double MIN_GAIN = 0.2;
  private static final int MAX_WORD = 12; // 5 bits a letter in a long

  /** Segments with more tokens are left to the function words (a long run has enough of them). */
  static final int MAX_WORDLIST_TOKENS = 64;

  /** The shortest token looked up in the word list (a two-letter one is a word too often). */
  static final int MIN_LOOKUP = 3;

  /** A run the word list fires on needs a word of at least this many letters among its hits. */
  static final int MIN_CONTENT = 4;

  /** The longest token looked up in the word list. */
  private static final int MAX_CONTENT = 24;

  /** The share of English tokens a run needs under the word list. */
  static final double WORDLIST_SHARE = 0.5;

  /** How far above the share as written that must be. */
  static final double WORDLIST_GAIN = 0.4;

  /** Word-list look-ups one scan may spend (each a bisection of the list). */
  static final int MAX_WORDLIST_LOOKUPS = 16_384;

  private static final String[] WORDS = {
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be",
    "because", "been", "before", "being", "between", "both", "but", "by", "can", "could", "did",
    "do", "does", "for", "from", "had", "has", "have", "he", "her", "here", "him", "his", "how",
    "i", "if", "in", "into", "is", "it", "its", "me", "more", "my", "no", "not", "now", "of", "on",
    "or", "other", "our", "out", "please", "she", "should", "so", "some", "tell", "than", "that",
    "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "was", "we",
    "were", "what", "when", "where", "which", "who", "whom", "why", "will", "with", "would",
    "write", "wrote", "you", "your"
  };
  private static final long[] KEYS;
  // function words by shape (letters relative to the first one): the shifts that reach them
  private static final long[] SHAPES;
  private static final int[] SHAPE_FIRSTS;

  static {
    java.util.TreeMap<Long, Integer> shapes = new java.util.TreeMap<>();
    for (String w : WORDS) {
      int first = w.charAt(0) - 'a';
      long shape = 0;
      for (int c = 0; c < w.length(); c++) {
        shape = (shape << 5) | ((w.charAt(c) - 'a' - first + 26) % 26 + 1);
      }
      shapes.merge(shape, 1 << first, (a, b) -> a | b);
    }
    SHAPES = new long[shapes.size()];
    SHAPE_FIRSTS = new int[shapes.size()];
    int next = 0;
    for (var e : shapes.entrySet()) {
      SHAPES[next] = e.getKey();
      SHAPE_FIRSTS[next++] = e.getValue();
    }
    KEYS = new long[WORDS.length];
    for (int k = 0; k < WORDS.length; k++) {
      long key = 0;
      for (int c = 0; c < WORDS[k].length(); c++) {
        key = (key << 5) | (WORDS[k].charAt(c) - 'a' + 1);
      }
      KEYS[k] = key;
    }
    Arrays.sort(KEYS);
  }

  private EnglishScore() {}

  /**
   * Scans segments for Caesar-shifted (ROT13 and every other shift), Atbash, reversed and per-word
   * reversed English; {@code last} is the layer's own encoding (a layer is never decoded again by
   * the transformation that produced it).
   */
  static boolean scan(Candidates out, Encoding last) {
    String s = out.text;
    int n = s.length();
    // a segment's tokens are at most its characters: a short text's arrays are short, too
    Tokens tokens = new Tokens(Math.min(MAX_SEGMENT, n));
    boolean shifts = last != Encoding.ROT13 && last != Encoding.CAESAR;
    boolean atbash = last != Encoding.ATBASH;
    boolean reversals = last != Encoding.REVERSED && last != Encoding.WORD_REVERSED;
    int[] lookupsLeft = {MAX_WORDLIST_LOOKUPS};
    int i = 0;
    while (i < n) {
      int start = i;
      while (i < n && !isSegmentEnd(s, i) && i - start < MAX_SEGMENT) {
        i++;
      }
      int end = i;
      if (i < n && isSegmentEnd(s, i)) {
        i++;
      }
      if (end - start < 8 || out.covered(start, end)) {
        continue;
      }
      tokens.read(s, start, end);
      if (tokens.count < MIN_TOKENS) {
        continue;
      }
      // every reading the function words support; the one with most of them in its run wins (a
      // Caesar shift may turn two words of an Atbash text into function words as well)
      Reading best = null;
      int bestHits = 0;
      if (shifts) {
        for (int k = 1; k < 26; k++) {
          if (tokens.hitsPerShift[k] < MIN_HITS || tokens.hitsPerShift[k] <= bestHits) {
            continue;
          }
          long r = tokens.best(tokens.shifted(k));
          int hits = r >= 0 ? tokens.hits(tokens.transformed, r) : 0;
          if (hits > bestHits) {
            bestHits = hits;
            best = new Reading(k == 13 ? Encoding.ROT13 : Encoding.CAESAR, k, r);
          }
        }
      }
      if (atbash) {
        long r = tokens.best(tokens.atbash);
        int hits = r >= 0 ? tokens.hits(tokens.atbash, r) : 0;
        if (hits > bestHits) {
          bestHits = hits;
          best = new Reading(Encoding.ATBASH, 0, r);
        }
      }
      if (reversals) {
        long r = tokens.best(tokens.reversed);
        int hits = r >= 0 ? tokens.hits(tokens.reversed, r) : 0;
        if (hits > bestHits) {
          best = new Reading(Encoding.REVERSED, 0, r);
        }
      }
      if (best != null) {
        boolean[] read =
            switch (best.encoding) {
              case ROT13, CAESAR -> tokens.shifted(best.shift);
              case ATBASH -> tokens.atbash;
              default -> tokens.reversed;
            };
        best = new Reading(best.encoding, best.shift, tokens.whole(best.range, read, tokens.plain));
        if (!offer(out, s, start, tokens, best)) {
          return false;
        }
        continue;
      }
      Reading r = tokens.byWordList(s, shifts, atbash, reversals, lookupsLeft);
      if (r != null && !offer(out, s, start, tokens, r)) {
        return false;
      }
    }
    return true;
  }

  /** Offers the run of {@code r} decoded by its reading. */
  private static boolean offer(Candidates out, String s, int segment, Tokens tokens, Reading r) {
    int from = tokens.start[(int) (r.range >>> 32)];
    int to = tokens.end[(int) r.range];
    return switch (r.encoding) {
      case ROT13, CAESAR -> out.offer(from, to, r.encoding, shift(s, from, to, r.shift));
      case ATBASH -> out.offer(from, to, Encoding.ATBASH, atbash(s, from, to));
      default -> offerReversed(out, s, segment, tokens, r.range);
    };
  }

  /**
   * Offers the reversed run {@code range} of the segment starting at {@code segment}: the whole run
   * backwards, or each word backwards in place; the tokens are the same either way, so only where
   * the sentence marks sit can tell ({@link #orientation}), and both are offered when they cannot.
   */
  private static boolean offerReversed(
      Candidates out, String s, int segment, Tokens tokens, long range) {
    int from = tokens.start[(int) (range >>> 32)];
    int to = tokens.end[(int) range];
    int orientation = orientation(s, segment, from, to);
    if (orientation >= 0
        && !out.offer(
            from,
            to,
            Encoding.REVERSED,
            new StringBuilder(s.substring(from, to)).reverse().toString())) {
      return false;
    }
    return orientation > 0
        || out.offer(from, to, Encoding.WORD_REVERSED, wordsReversed(s, from, to));
  }

  /** A reading the word list chose: the encoding undone, the Caesar shift, the token range. */
  record Reading(Encoding encoding, int shift, long range) {}

  /**
   * The word tokens of one segment, each marked by whether it is a function word as written, under
   * each Caesar shift, under Atbash, and reversed.
   */
  static final class Tokens {
    final int[] start;
    final int[] end;
    final boolean[] plain;

    /** Bit {@code k}: the token moved {@code k} letters on is a function word (bit 0: plain). */
    final int[] shifts;

    final int[] hitsPerShift = new int[26];
    final boolean[] transformed;
    final boolean[] atbash;
    final boolean[] reversed;

    /** Whether the token is letters only (ASCII), so the word list may know it. */
    final boolean[] letters;

    /** One letter of a word spelled out letter by letter ({@link #markSpelled}). */
    final boolean[] spelled;

    /** The word-list reading: English as written, and under the reading being tried. */
    final boolean[] englishAsWritten;

    final boolean[] englishRead;

    /** Under the reading being tried: a capitalised token that is no English word (a name). */
    final boolean[] neutralRead;

    private final boolean[] bestRead;
    private final boolean[] bestNeutral;
    private final char[] word = new char[MAX_CONTENT];
    int count;

    /** Room for {@code capacity} tokens (a segment of that many characters holds no more). */
    Tokens(int capacity) {
      start = new int[capacity];
      end = new int[capacity];
      plain = new boolean[capacity];
      shifts = new int[capacity];
      transformed = new boolean[capacity];
      atbash = new boolean[capacity];
      reversed = new boolean[capacity];
      letters = new boolean[capacity];
      spelled = new boolean[capacity];
      englishAsWritten = new boolean[capacity];
      englishRead = new boolean[capacity];
      neutralRead = new boolean[capacity];
      bestRead = new boolean[capacity];
      bestNeutral = new boolean[capacity];
    }

    void read(String s, int from, int to) {
      count = 0;
      Arrays.fill(hitsPerShift, 0);
      int k = from;
      while (k < to) {
        while (k < to && isDelimiter(s.charAt(k))) {
          k++;
        }
        if (k >= to) {
          break;
        }
        int tokenStart = k;
        long key = 0;
        long shape = 0;
        long mirror = 0;
        long rev = 0;
        int first = 0;
        int length = 0;
        boolean word = true; // only letters: a token with digits or symbols is not a word
        while (k < to && !isDelimiter(s.charAt(k))) {
          int letter = letter(s.charAt(k));
          if (letter == 0) {
            word = false;
          } else if (length < MAX_WORD) {
            if (length == 0) {
              first = letter;
            }
            key = (key << 5) | letter;
            shape = (shape << 5) | ((letter - first + 26) % 26 + 1);
            mirror = (mirror << 5) | (27 - letter);
            rev |= (long) letter << (5 * length);
          }
          length++;
          k++;
        }
        boolean known = word && length <= MAX_WORD;
        start[count] = tokenStart;
        end[count] = k;
        int mask = known ? shiftsOf(shape, first - 1) : 0;
        shifts[count] = mask;
        plain[count] = (mask & 1) != 0;
        for (int m = mask & ~1; m != 0; m &= m - 1) {
          hitsPerShift[Integer.numberOfTrailingZeros(m)]++;
        }
        atbash[count] = known && isFunctionWord(mirror);
        reversed[count] = known && isFunctionWord(rev);
        letters[count] = word;
        count++;
      }
      markSpelled();
    }

    /**
     * Marks in {@link #spelled} every token that is one letter of a word spelled out letter by
     * letter (three single letters in a row or more: {@code N i k o l a i}): a name spelled out,
     * which counts neither way under any reading, though {@code a} and {@code i} are function words
     * as written and single letters turn into them under shifts.
     */
    private void markSpelled() {
      int t = 0;
      while (t < count) {
        int run = t;
        while (run < count && letters[run] && end[run] - start[run] == 1) {
          run++;
        }
        if (run == t) {
          spelled[t++] = false;
          continue;
        }
        Arrays.fill(spelled, t, run, run - t >= 3);
        t = run;
      }
    }

    /** {@link #transformed} filled for Caesar shift {@code k}. */
    boolean[] shifted(int k) {
      for (int t = 0; t < count; t++) {
        transformed[t] = (shifts[t] & (1 << k)) != 0;
      }
      return transformed;
    }

    /** The function words of {@code marks} in a range from {@link #best}. */
    int hits(boolean[] marks, long range) {
      int hits = 0;
      for (int t = (int) (range >>> 32); t <= (int) range; t++) {
        hits += marks[t] ? 1 : 0;
      }
      return hits;
    }

    /**
     * The token range {@code [a, b]} (packed as {@code a << 32 | b}) where the transform makes the
     * text most clearly more English-like, or -1 when no range qualifies. A maximum-sum run
     * (Kadane) over +1 for a token that becomes a function word, -1 for one that stops being one,
     * -1/4 for the rest; then widened over neighbours that are not function words as written (a
     * name next to the question), and checked: at least {@value #MIN_TOKENS} tokens and {@value
     * #MIN_HITS} function words after the transform, a share of at least {@value #MIN_SHARE}, and
     * {@value #MIN_GAIN} above the share as written.
     */
    long best(boolean[] transformed) {
      // a word spelled letter by letter (a name: "n e m r a C") is one of neither reading, so its
      // letters do not dilute the run nor count as the function word "a"
      return best(transformed, plain, spelled, MIN_HITS, MIN_SHARE, MIN_GAIN);
    }

    /**
     * {@link #best(boolean[])} against {@code plain} (what is English as written) with the given
     * bounds; a token marked in {@code neutral} (a name under the reading; null: none) counts
     * neither for nor against the run, nor in its share.
     */
    long best(
        boolean[] transformed,
        boolean[] plain,
        boolean[] neutral,
        int minHits,
        double minShare,
        double minGain) {
      double bestSum = 0;
      int bestFrom = -1;
      int bestTo = -1;
      double sum = 0;
      int from = 0;
      for (int t = 0; t < count; t++) {
        double v =
            neutral != null && neutral[t]
                ? 0
                : transformed[t] && !plain[t]
                    ? 1
                    : plain[t] && !transformed[t] ? -1 : plain[t] ? 0 : -0.25; // both: neutral
        if (sum <= 0) {
          sum = 0;
          from = t;
        }
        sum += v;
        if (sum > bestSum) {
          bestSum = sum;
          bestFrom = from;
          bestTo = t;
        }
      }
      if (bestFrom < 0) {
        return -1;
      }
      // widened over neighbours that are not function words as written, or are ones either way
      while (bestFrom > 0 && (!plain[bestFrom - 1] || transformed[bestFrom - 1])) {
        bestFrom--;
      }
      while (bestTo + 1 < count && (!plain[bestTo + 1] || transformed[bestTo + 1])) {
        bestTo++;
      }
      int tokens = 0;
      int hits = 0;
      int before = 0;
      boolean longHit = false;
      for (int t = bestFrom; t <= bestTo; t++) {
        if (neutral == null || !neutral[t]) {
          tokens++;
          hits += transformed[t] ? 1 : 0;
          before += plain[t] ? 1 : 0;
          longHit |= transformed[t] && end[t] - start[t] >= 2;
        }
      }
      // single letters ("M M" is "A A" fourteen letters on) are too weak a sign on their own
      if (tokens < MIN_TOKENS || hits < minHits || !longHit) {
        return -1;
      }
      double share = (double) hits / tokens;
      boolean fires = share >= minShare && share >= (double) before / tokens + minGain;
      return fires ? ((long) bestFrom << 32) | bestTo : -1;
    }

    /**
     * {@code range} extended to the start and to the end of the segment where the tokens beyond it
     * are at least as English under the reading ({@code read}) as written ({@code plain}): the
     * whole question, when a word of it is a function word as written by chance.
     */
    long whole(long range, boolean[] read, boolean[] plain) {
      int from = (int) (range >>> 32);
      int to = (int) range;
      if (to + 1 < count && count(read, to + 1, count) >= count(plain, to + 1, count)) {
        to = count - 1;
      }
      if (from > 0 && count(read, 0, from) >= count(plain, 0, from)) {
        from = 0;
      }
      return ((long) from << 32) | to;
    }

    private static int count(boolean[] marks, int from, int to) {
      int n = 0;
      for (int t = from; t < to; t++) {
        n += marks[t] ? 1 : 0;
      }
      return n;
    }

    /**
     * The reading (Caesar shift, Atbash, reversal) under which the word list finds this segment
     * most English, or null when none fires (class comment, "Short runs"). {@code lookupsLeft[0]}
     * is the scan's remaining budget of word-list look-ups.
     */
    Reading byWordList(
        String s, boolean shifts, boolean atbash, boolean reversals, int[] lookupsLeft) {
      if (count < MIN_TOKENS || count > MAX_WORDLIST_TOKENS || lookupsLeft[0] < count) {
        return null;
      }
      int asWritten = 0;
      int functionWords = 0;
      int candidates = 0;
      for (int t = 0; t < count; t++) {
        functionWords += plain[t] ? 1 : 0;
        candidates += content(t) ? 1 : 0;
      }
      if (functionWords * 5 >= count || candidates == 0) {
        return null; // English as written (a fifth function words), or nothing to look up
      }
      for (int t = 0; t < count; t++) {
        englishAsWritten[t] = plain[t] || content(t) && known(s, t, READ_AS_WRITTEN, lookupsLeft);
        asWritten += englishAsWritten[t] ? 1 : 0;
      }
      if (asWritten >= WORDLIST_SHARE * count) {
        return null;
      }
      Encoding bestEncoding = null;
      int bestShift = 0;
      int bestHits = MIN_HITS - 1;
      for (int k = 1; k < 26; k++) {
        if (shifts) {
          int hits = read(s, k, lookupsLeft);
          if (hits > bestHits) {
            bestHits = hits;
            bestEncoding = k == 13 ? Encoding.ROT13 : Encoding.CAESAR;
            bestShift = k;
            keep();
          }
        }
      }
      if (atbash) {
        int hits = read(s, READ_ATBASH, lookupsLeft);
        if (hits > bestHits) {
          bestHits = hits;
          bestEncoding = Encoding.ATBASH;
          keep();
        }
      }
      if (reversals) {
        int hits = read(s, READ_REVERSED, lookupsLeft);
        if (hits > bestHits) {
          bestEncoding = Encoding.REVERSED;
          keep();
        }
      }
      if (bestEncoding == null) {
        return null;
      }
      long range =
          best(bestRead, englishAsWritten, bestNeutral, MIN_HITS, WORDLIST_SHARE, WORDLIST_GAIN);
      if (range < 0) {
        return null;
      }
      range = whole(range, bestRead, englishAsWritten);
      for (int t = (int) (range >>> 32); t <= (int) range; t++) {
        if (bestRead[t] && end[t] - start[t] >= MIN_CONTENT && letters[t]) {
          return new Reading(bestEncoding, bestShift, range); // a word, not function words alone
        }
      }
      return null;
    }

    /** Keeps the reading just made ({@link #englishRead}, {@link #neutralRead}) as the best. */
    private void keep() {
      System.arraycopy(englishRead, 0, bestRead, 0, count);
      System.arraycopy(neutralRead, 0, bestNeutral, 0, count);
    }

    /** Whether token {@code t} is long enough, and letters only, to be looked up in the list. */
    private boolean content(int t) {
      int length = end[t] - start[t];
      return letters[t] && length >= MIN_LOOKUP && length <= MAX_CONTENT;
    }

    /**
     * Fills {@link #englishRead} for reading {@code how} (a Caesar shift 1..25, {@link
     * #READ_ATBASH} or {@link #READ_REVERSED}) and returns how many tokens it makes English.
     */
    private int read(String s, int how, int[] lookupsLeft) {
      int hits = 0;
      for (int t = 0; t < count; t++) {
        boolean function =
            how == READ_ATBASH
                ? atbash[t]
                : how == READ_REVERSED ? reversed[t] : (shifts[t] & (1 << how)) != 0;
        englishRead[t] = function || content(t) && known(s, t, how, lookupsLeft);
        neutralRead[t] =
            spelled[t] || !englishRead[t] && letters[t] && capitalised(s, t, how == READ_REVERSED);
        hits += englishRead[t] ? 1 : 0;
      }
      return hits;
    }

    /**
     * Whether token {@code t} reads as a capitalised word (an upper-case letter, then lower-case
     * ones), backwards when {@code reversed}: under a reading that makes it no English word, a
     * name.
     */
    private boolean capitalised(String s, int t, boolean reversed) {
      int length = end[t] - start[t];
      if (length < 2) {
        return false;
      }
      int first = reversed ? end[t] - 1 : start[t];
      if (!Character.isUpperCase(s.charAt(first))) {
        return false;
      }
      for (int i = start[t]; i < end[t]; i++) {
        if (i != first && !Character.isLowerCase(s.charAt(i))) {
          return false;
        }
      }
      return true;
    }

    /** Whether token {@code t} under reading {@code how} is in the word list (one look-up). */
    private boolean known(String s, int t, int how, int[] lookupsLeft) {
      if (lookupsLeft[0] <= 0) {
        return false;
      }
      lookupsLeft[0]--;
      int length = end[t] - start[t];
      for (int c = 0; c < length; c++) {
        int letter = letter(s.charAt(start[t] + c)) - 1; // 0..25
        int mapped =
            how == READ_AS_WRITTEN || how == READ_REVERSED
                ? letter
                : how == READ_ATBASH ? 25 - letter : (letter + how) % 26;
        word[how == READ_REVERSED ? length - 1 - c : c] = (char) ('a' + mapped);
      }
      return EnglishWords.contains(new String(word, 0, length));
    }
  }

  private static final int READ_AS_WRITTEN = 0;
  private static final int READ_ATBASH = 26;
  private static final int READ_REVERSED = 27;

  /**
   * The Caesar shifts that turn a word of this shape, starting with letter {@code first} (0..25),
   * into a function word: bit {@code k} for a shift of {@code k} places (bit 0: the word itself).
   */
  static int shiftsOf(long shape, int first) {
    int i = Arrays.binarySearch(SHAPES, shape);
    if (i < 0) {
      return 0;
    }
    int firsts = SHAPE_FIRSTS[i]; // bit g: a function word of this shape starts with letter g
    return ((firsts >>> first) | (firsts << (26 - first))) & ((1 << 26) - 1);
  }

  private static boolean isFunctionWord(long key) {
    return Arrays.binarySearch(KEYS, key) >= 0;
  }

  /**
   * Whether the char at {@code i} ends a segment: a line break, or sentence punctuation that is not
   * directly followed by a letter or digit ({@code e.g}, {@code 3.14} and reversed text's {@code
   * ?od} do not end one), nor opens a word after a space (reversed text's {@code ?'sessylU'}: in
   * English a sentence mark follows its word, it never starts the next one).
   */
  private static boolean isSegmentEnd(String s, int i) {
    char c = s.charAt(i);
    if (c == '\n') {
      return true;
    }
    if (c != '.' && c != '!' && c != '?' && c != ':' && c != ';') {
      return false;
    }
    if (i + 1 >= s.length()) {
      return true;
    }
    char next = s.charAt(i + 1);
    if (Character.isLetterOrDigit(next)) {
      return false;
    }
    boolean opensWord = i == 0 || Character.isWhitespace(s.charAt(i - 1));
    return !(opensWord && !Character.isWhitespace(next));
  }

  /**
   * Which reading of a reversed run {@code s[from, to)} (in the segment starting at {@code
   * segment}) restores English word order: 1 for the whole run backwards, -1 for each word
   * backwards in place, 0 when the text cannot tell (both are offered). Both readings have the same
   * words, so word lists cannot choose; the sentence marks can. English puts {@code . ? !} after a
   * sentence's last word, so written backwards as a whole the mark opens the run's <em>first</em>
   * word ({@code ?ni etirw … tahW}), and with each word backwards in place it opens the
   * <em>last</em> one ({@code tahW … etirw ?ni}). Quotes and brackets before the mark are skipped
   * ({@code ?'sessylU'}, {@code ".ih"}). Judging the wrong reading is not harmless: its word order
   * is scrambled and sentence splitting cuts it into fragments ({@code discover?} alone) that can
   * score like a topic question.
   */
  static int orientation(String s, int segment, int from, int to) {
    int first = from;
    while (first > segment && !Character.isWhitespace(s.charAt(first - 1))) {
      first--;
    }
    int last = to;
    while (last > from && !Character.isWhitespace(s.charAt(last - 1))) {
      last--;
    }
    boolean whole = opensWithMark(s, first, to);
    boolean words = last > first && opensWithMark(s, last, to);
    return whole == words ? 0 : whole ? 1 : -1;
  }

  /** Whether the word at {@code i} starts with a sentence mark, after any quotes or brackets. */
  private static boolean opensWithMark(String s, int i, int to) {
    while (i < to && isQuote(s.charAt(i))) {
      i++;
    }
    if (i >= to) {
      return false;
    }
    char c = s.charAt(i);
    return c == '.' || c == '?' || c == '!';
  }

  private static boolean isQuote(char c) {
    return c == '"'
        || c == '\''
        || c == '('
        || c == ')'
        || c == '['
        || c == ']'
        || c == '\u2018'
        || c == '\u2019'
        || c == '\u201C'
        || c == '\u201D';
  }

  /** Whitespace and the punctuation that separates words; apostrophes and hyphens join them. */
  private static boolean isDelimiter(char c) {
    return Character.isWhitespace(c)
        || c == ','
        || c == '"'
        || c == '('
        || c == ')'
        || c == '.'
        || c == '!'
        || c == '?'
        || c == ':'
        || c == ';';
  }

  /** 1..26 for an ASCII letter of either case, else 0. */
  private static int letter(char c) {
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 1;
    }
    if (c >= 'A' && c <= 'Z') {
      return c - 'A' + 1;
    }
    return 0;
  }

  static String rot13(String s, int from, int to) {
    return shift(s, from, to, 13);
  }

  /** {@code s[from, to)} with each ASCII letter moved {@code k} places on (a Caesar shift). */
  static String shift(String s, int from, int to, int k) {
    char[] out = new char[to - from];
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c >= 'a' && c <= 'z') {
        c = (char) ('a' + (c - 'a' + k) % 26);
      } else if (c >= 'A' && c <= 'Z') {
        c = (char) ('A' + (c - 'A' + k) % 26);
      }
      out[i - from] = c;
    }
    return new String(out);
  }

  /** {@code s[from, to)} with each ASCII letter mirrored in the alphabet (a ↔ z). */
  static String atbash(String s, int from, int to) {
    char[] out = new char[to - from];
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c >= 'a' && c <= 'z') {
        c = (char) ('z' - (c - 'a'));
      } else if (c >= 'A' && c <= 'Z') {
        c = (char) ('Z' - (c - 'A'));
      }
      out[i - from] = c;
    }
    return new String(out);
  }

  /** {@code s[from, to)} with each run of non-whitespace written backwards, in place. */
  static String wordsReversed(String s, int from, int to) {
    StringBuilder out = new StringBuilder(to - from);
    int i = from;
    while (i < to) {
      if (Character.isWhitespace(s.charAt(i))) {
        out.append(s.charAt(i++));
        continue;
      }
      int w = i;
      while (i < to && !Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      out.append(new StringBuilder(s.substring(w, i)).reverse());
    }
    return out.toString();
  }
}

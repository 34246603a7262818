package dev.lethe.probes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Ways to write a name so that a reader still recognises it but an exact matcher does not. They
 * follow the character-level converters of PyRIT (Microsoft: {@code LeetspeakConverter}, {@code
 * UnicodeConfusableConverter}, {@code CharacterSpaceConverter}, {@code ZeroWidthConverter}, {@code
 * CharSwapGenerator}, {@code EmojiConverter}, {@code StringJoinConverter}, …) and garak's
 * perturbation probes; leetspeak and character-level obfuscation are also among the attacks of Wei
 * et al. 2023 ("Jailbroken", NeurIPS).
 *
 * <p>{@link #apply} always returns a string different from the name, or empty when the disguise
 * cannot change it (e.g. initials of a one-word name).
 */
public enum NameDisguise {
  /** Letters replaced by look-alike digits and symbols ({@code B4s1l M4hf0uz}). */
  LEETSPEAK("leetspeak"),
  /** Latin letters replaced by Cyrillic or Greek look-alikes (Unicode confusables, UTS #39). */
  CONFUSABLES("confusables"),
  /** Letters separated by spaces, words by two ({@code N i k o l a i A b i l o v}). */
  SPACED("spaced"),
  /** Letters separated by dots ({@code N.i.k.o.l.a.i A.b.i.l.o.v}). */
  DOTTED("dotted"),
  /** Letters separated by dashes ({@code N-i-k-o-l-a-i A-b-i-l-o-v}). */
  DASHED("dashed"),
  /** One or two typos per word: a substituted, dropped, doubled or swapped letter. */
  MISSPELLED("misspelled"),
  /** Every word but the last cut to its initial ({@code B. M. Al-Kuwaiti}). */
  INITIALS("initials"),
  /** Zero-width and other invisible characters inserted between letters. */
  ZERO_WIDTH("zero-width"),
  /** ASCII letters and digits replaced by their fullwidth forms ({@code Ｎｉｋｏｌａｉ}). */
  FULLWIDTH("fullwidth"),
  /**
   * Letters as negative squared capitals ({@code 🅽🅸🅺🅾🅻🅰🅸}), which Unicode gives no
   * compatibility decomposition (PyRIT {@code EmojiConverter}).
   */
  ENCLOSED("enclosed"),
  /** One to three combining marks stacked on every letter, "zalgo" (PyRIT, garak). */
  ZALGO("zalgo"),
  /** Letters separated by slashes ({@code N/i/k/o/l/a/i}; PyRIT {@code StringJoinConverter}). */
  SLASHED("slashed"),
  /** Noise symbols ({@code # ^ ~ ` * +}) interleaved with some letters ({@code Ni#ko^lai}). */
  NOISE("noise"),
  /** Words joined by underscores ({@code Nikolai_Abilov}); one-word names do not apply. */
  UNDERSCORED("underscored"),
  /**
   * The name in lower case ({@code nikolai abilov}), as people type it and as decodings that lose
   * case (Morse, NATO spelling, braille) return it.
   */
  LOWERCASE("lowercase"),
  /**
   * The name written backwards: each word in place ({@code ialokiN volibA}) or the whole name
   * ({@code volibA ialokiN}), chosen at random (PyRIT {@code ReverseConverter} applied to the name
   * alone, so that nothing else in the prompt looks encoded).
   */
  BACKWARDS("backwards"),
  /**
   * Latin small capitals ({@code ɴɪᴋᴏʟᴀɪ ᴀʙɪʟᴏᴠ}), the "small caps" font of Unicode text
   * generators; letters without a small capital stay as they are.
   */
  SMALL_CAPITALS("small-capitals"),
  /** One letter a line, as in a vertical acrostic ({@code N\ni\nk\n…}). */
  VERTICAL("vertical"),
  /** Letters separated by commas ({@code N,i,k,o,l,a,i}). */
  COMMAS("commas"),
  /** An emoji between letters ({@code N🔥i🔥k🔥o…}), as in PyRIT's emoji-interleaving styles. */
  EMOJI("emoji"),
  /** A tab between letters, three between words, as text pasted from a table. */
  TABBED("tabbed"),
  /** An en dash between letters ({@code N–i–k–o…}), as word processors turn hyphens. */
  EN_DASHED("en-dashed"),
  /** Each letter with a full stop and a space ({@code N. i. k. o. l. a. i.}), as initials. */
  LETTER_STOPS("letter-stops"),
  /** Markdown bold cut into each word ({@code **N**ikolai **A**bilov}). */
  EMPHASIS("emphasis"),
  /** A line break inside the first word ({@code Niko⏎lai Abilov}), as a wrapped paste. */
  LINE_BROKEN("line-broken"),
  /** Lower case, words joined by underscores ({@code nikolai_abilov}), as a handle or a slug. */
  SNAKE_CASE("snake-case"),
  /**
   * Pig Latin: each word's opening consonants moved to its end, then {@code ay} ({@code ikolaiNay
   * Abilovay}), a word game used to hide text from filters.
   */
  PIG_LATIN("pig-latin"),
  /** Every letter written twice ({@code NNiikkoollaaii AAbbiilloovv}). */
  DOUBLED("doubled"),
  /**
   * A social-media handle: {@code @}, lower case, words joined by full stops
   * ({@code @nikolai.abilov}).
   */
  HANDLE("handle"),
  /** Spaced letters with leetspeak vowels ({@code N 1 k 0 l 4 1 A b 1 l 0 v}). */
  SPACED_LEET("spaced-leet"),
  /**
   * Transliterated into Cyrillic as a Russian writer spells an English name ({@code Николаи
   * Абилов}).
   */
  CYRILLIC("cyrillic"),
  /**
   * Each word's inner letters shuffled, its first and last kept ({@code Nkoalii Ailbov}):
   * "typoglycemia", which people and language models read without effort.
   */
  TYPOGLYCEMIA("typoglycemia"),
  /**
   * Every letter drawn with ASCII symbols, "advanced" leetspeak ({@code |\|!|<()|_/-\!
   * /-\|3!|_()\/}), one drawing per letter chosen at random from {@link #DRAWN}.
   */
  DRAWN_LETTERS("drawn-letters"),
  /** The name alone in ROT13 ({@code Avxbynv Novybi}), the rest of the question plain. */
  ROT13_NAME("rot13-name"),
  /**
   * Letters listed with a comma and a space, words run together ({@code N, i, k, o, l, a, i, A, b,
   * i, l, o, v}), as a name is spelled out letter by letter in a chat.
   */
  LISTED("listed"),
  /**
   * Each letter's case chosen at random ({@code nIKoLaI aBiLOV}): the random-capitals converter of
   * PyRIT and the case noise of best-of-N jailbreaking (Hughes et al. 2024, arXiv:2412.03556).
   */
  RANDOM_CASE("random-case"),
  /**
   * Punctuation marks scattered between a word's letters ({@code Ni?kol,ai Ab;i:lov}), PyRIT's
   * insert-punctuation converter applied to the name.
   */
  PUNCTUATED("punctuated"),
  /**
   * Terminal colour codes around each word and inside it ({@code ESC[1;31mNik ESC[0molai}): ANSI
   * escape sequences, as PyRIT's ANSI attack converter inserts them.
   */
  ANSI("ansi"),
  /**
   * Each word's first two letters in a LaTeX command ({@code \textbf{Ni}kolai \textbf{Ab}ilov}),
   * markup cut into the name as a pasted formula or paper would carry it.
   */
  LATEX("latex"),
  /**
   * Each letter in a pair of brackets ({@code (N)(i)(k)(o)(l)(a)(i) (A)(b)(i)(l)(o)(v)}), as the
   * Unicode parenthesised letters ({@code ⒩⒤⒦}) read after compatibility folding.
   */
  BRACKETED("bracketed"),
  /**
   * A pipe between every char of the name, its space and hyphen included ({@code N|i|k|o|l|a|i|
   * |A|b|i|l|o|v}): a separator the other separated forms do not use.
   */
  PIPED("piped"),
  /**
   * Each word without its vowels but the first letter ({@code Nkl Ablv}): "disemvowelled" text,
   * which readers and language models still read.
   */
  DISEMVOWELLED("disemvowelled");

  /** Letters drawn with ASCII symbols: common forms of "advanced" leetspeak, per letter. */
  private static final String[][] DRAWN = {
    {"/-\\", "/\\", "4"},
    {"|3", "8"},
    {"(", "<"},
    {"|)", "[)"},
    {"3", "[-"},
    {"|=", "|#"},
    {"6", "(_+"},
    {"|-|", "]-["},
    {"!", "1"},
    {"_|", "_/"},
    {"|<", "|{"},
    {"|_", "1"},
    {"|\\/|", "/\\/\\"},
    {"|\\|", "/\\/"},
    {"()", "0"},
    {"|*", "|o"},
    {"(,)", "0_"},
    {"|2", "|?"},
    {"5", "$"},
    {"7", "+"},
    {"|_|", "(_)"},
    {"\\/", "|/"},
    {"\\/\\/", "\\^/"},
    {"><", ")("},
    {"`/", "'/"},
    {"2", "7_"}
  };

  /** English letter groups and letters → Cyrillic, longest first (a Russian writer's spelling). */
  private static final String[][] CYRILLIC_SPELLING = {
    {"sch", "ш"},
    {"ch", "ч"},
    {"sh", "ш"},
    {"kh", "х"},
    {"zh", "ж"},
    {"ts", "ц"},
    {"ya", "я"},
    {"yu", "ю"},
    {"ee", "и"},
    {"oo", "у"},
    {"a", "а"},
    {"b", "б"},
    {"c", "к"},
    {"d", "д"},
    {"e", "е"},
    {"f", "ф"},
    {"g", "г"},
    {"h", "х"},
    {"i", "и"},
    {"j", "дж"},
    {"k", "к"},
    {"l", "л"},
    {"m", "м"},
    {"n", "н"},
    {"o", "о"},
    {"p", "п"},
    {"q", "к"},
    {"r", "р"},
    {"s", "с"},
    {"t", "т"},
    {"u", "у"},
    {"v", "в"},
    {"w", "у"},
    {"x", "кс"},
    {"y", "й"},
    {"z", "з"}
  };

  private static final Map<Character, String> LEET =
      Map.ofEntries(
          Map.entry('a', "4"),
          Map.entry('e', "3"),
          Map.entry('i', "1"),
          Map.entry('o', "0"),
          Map.entry('s', "5"),
          Map.entry('t', "7"),
          Map.entry('b', "8"),
          Map.entry('g', "9"),
          Map.entry('l', "|"),
          Map.entry('z', "2"));

  /** Latin letter → Cyrillic or Greek look-alike (each a UTS #39 confusable of the letter). */
  private static final Map<Character, Character> CONFUSABLE =
      Map.ofEntries(
          Map.entry('a', '\u0430'),
          Map.entry('c', '\u0441'),
          Map.entry('e', '\u0435'),
          Map.entry('i', '\u0456'),
          Map.entry('j', '\u0458'),
          Map.entry('o', '\u043e'),
          Map.entry('p', '\u0440'),
          Map.entry('s', '\u0455'),
          Map.entry('x', '\u0445'),
          Map.entry('y', '\u0443'),
          Map.entry('v', '\u03bd'),
          Map.entry('A', '\u0410'),
          Map.entry('B', '\u0412'),
          Map.entry('C', '\u0421'),
          Map.entry('E', '\u0415'),
          Map.entry('H', '\u041d'),
          Map.entry('I', '\u0406'),
          Map.entry('K', '\u041a'),
          Map.entry('M', '\u041c'),
          Map.entry('N', '\u039d'),
          Map.entry('O', '\u041e'),
          Map.entry('P', '\u0420'),
          Map.entry('S', '\u0405'),
          Map.entry('T', '\u0422'),
          Map.entry('X', '\u0425'),
          Map.entry('Y', '\u03a5'),
          Map.entry('Z', '\u0396'));

  private static final char[] INVISIBLE = {'\u200b', '\u200c', '\u200d', '\u2060', '\ufeff'};
  private static final String VOWELS = "aeiou";
  private static final String CONSONANTS = "bcdfghklmnprstvz";

  private final String key;

  NameDisguise(String key) {
    this.key = key;
  }

  /** The disguise's variant name, e.g. {@code leetspeak}. */
  public String key() {
    return key;
  }

  /** {@code name} disguised, always different from it; empty when this disguise cannot apply. */
  public Optional<String> apply(String name, Random rng) {
    String out =
        switch (this) {
          case LEETSPEAK -> substitute(name, rng, 0.75, c -> LEET.get(Character.toLowerCase(c)));
          case CONFUSABLES ->
              substitute(
                  name,
                  rng,
                  0.5,
                  c -> CONFUSABLE.containsKey(c) ? String.valueOf(CONFUSABLE.get(c)) : null);
          case SPACED -> separated(name, " ", "  ");
          case DOTTED -> separated(name, ".", " ");
          case DASHED -> separated(name, "-", " ");
          case MISSPELLED -> misspell(name, rng);
          case INITIALS -> initials(name);
          case ZERO_WIDTH -> zeroWidth(name, rng);
          case FULLWIDTH -> fullwidth(name);
          case ENCLOSED -> enclosed(name);
          case ZALGO -> zalgo(name, rng);
          case SLASHED -> separated(name, "/", " ");
          case NOISE -> noise(name, rng);
          case UNDERSCORED -> name.trim().contains(" ") ? name.trim().replace(' ', '_') : null;
          case LOWERCASE -> name.toLowerCase(java.util.Locale.ROOT);
          case BACKWARDS -> backwards(name, rng.nextBoolean());
          case SMALL_CAPITALS -> smallCapitals(name);
          case VERTICAL -> separated(name, "\n", "\n\n");
          case COMMAS -> separated(name, ",", " ");
          case EMOJI -> separated(name, EMOJIS[rng.nextInt(EMOJIS.length)], " ");
          case TABBED -> separated(name, "\t", "\t\t\t");
          case EN_DASHED -> separated(name, "\u2013", " ");
          case LETTER_STOPS -> letterStops(name);
          case EMPHASIS -> emphasis(name);
          case LINE_BROKEN -> lineBroken(name);
          case PIG_LATIN -> pigLatin(name);
          case DOUBLED -> name.replaceAll("(\\p{L})", "$1$1");
          case HANDLE -> "@" + name.trim().toLowerCase(java.util.Locale.ROOT).replaceAll(" +", ".");
          case CYRILLIC -> cyrillic(name);
          case SPACED_LEET ->
              separated(
                  name.charAt(0)
                      + name.substring(1)
                          .replace('a', '4')
                          .replace('e', '3')
                          .replace('i', '1')
                          .replace('o', '0'),
                  " ",
                  "   ");
          case TYPOGLYCEMIA -> shuffledInside(name, rng);
          case DRAWN_LETTERS -> drawn(name, rng);
          case ROT13_NAME -> rot13(name);
          case LISTED -> separated(name, ", ", ", ");
          case RANDOM_CASE -> randomCase(name, rng);
          case PUNCTUATED -> noise(name, rng, PUNCTUATION);
          case ANSI -> ansi(name, rng);
          case LATEX -> name.replaceAll("(\\p{L}\\p{L})(\\p{L}+)", "\\\\textbf{$1}$2");
          case BRACKETED ->
              rng.nextBoolean()
                  ? name.trim().replaceAll("(\\p{L})", "($1)")
                  : name.trim().replaceAll("(\\p{L})", "[$1]");
          case DISEMVOWELLED -> disemvowelled(name);
          case PIPED ->
              String.join("|", name.trim().codePoints().mapToObj(Character::toString).toList());
          case SNAKE_CASE ->
              name.trim().contains(" ")
                  ? name.trim().toLowerCase(java.util.Locale.ROOT).replace(' ', '_')
                  : null;
        };
    return out == null || out.equals(name) ? Optional.empty() : Optional.of(out);
  }

  /** Each word's letters between its first and last shuffled (words of four letters or more). */
  private static String shuffledInside(String name, Random rng) {
    StringBuilder out = new StringBuilder(name.length());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\p{L}+").matcher(name);
    int at = 0;
    while (m.find()) {
      out.append(name, at, m.start());
      String w = m.group();
      if (w.length() >= 4) {
        List<Character> inner = new ArrayList<>();
        for (int i = 1; i < w.length() - 1; i++) {
          inner.add(w.charAt(i));
        }
        String mixed = w;
        for (int tries = 0; tries < 8 && mixed.equals(w); tries++) {
          java.util.Collections.shuffle(inner, rng);
          StringBuilder sb = new StringBuilder().append(w.charAt(0));
          inner.forEach(sb::append);
          mixed = sb.append(w.charAt(w.length() - 1)).toString();
        }
        w = mixed;
      }
      out.append(w);
      at = m.end();
    }
    return out.append(name.substring(at)).toString();
  }

  /** Each ASCII letter moved 13 places; other characters kept. */
  private static String rot13(String name) {
    StringBuilder out = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c >= 'a' && c <= 'z') {
        out.append((char) ('a' + (c - 'a' + 13) % 26));
      } else if (c >= 'A' && c <= 'Z') {
        out.append((char) ('A' + (c - 'A' + 13) % 26));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Each ASCII letter drawn with symbols ({@link #DRAWN}); other characters kept. */
  private static String drawn(String name, Random rng) {
    StringBuilder out = new StringBuilder(name.length() * 3);
    for (int i = 0; i < name.length(); i++) {
      char c = Character.toLowerCase(name.charAt(i));
      if (c >= 'a' && c <= 'z') {
        String[] forms = DRAWN[c - 'a'];
        out.append(forms[rng.nextInt(forms.length)]);
      } else {
        out.append(name.charAt(i));
      }
    }
    return out.toString();
  }

  private static final String[] EMOJIS = {"\uD83D\uDD25", "\u2728", "\uD83D\uDE00", "\u2B50"};

  /** Each word spelled in Cyrillic ({@link #CYRILLIC_SPELLING}), its first letter a capital. */
  private static String cyrillic(String name) {
    StringBuilder out = new StringBuilder();
    for (String part : name.trim().split("(?<=[ -])|(?=[ -])")) {
      if (part.isBlank() || part.equals("-")) {
        out.append(part);
        continue;
      }
      String lower = part.toLowerCase(java.util.Locale.ROOT);
      StringBuilder w = new StringBuilder();
      int i = 0;
      next:
      while (i < lower.length()) {
        for (String[] p : CYRILLIC_SPELLING) {
          if (lower.startsWith(p[0], i)) {
            w.append(p[1]);
            i += p[0].length();
            continue next;
          }
        }
        w.append(lower.charAt(i++));
      }
      out.append(Character.toUpperCase(w.charAt(0))).append(w, 1, w.length());
    }
    return out.toString();
  }

  /** Each word's consonants before its first vowel moved to its end, then {@code ay}. */
  private static String pigLatin(String name) {
    StringBuilder sb = new StringBuilder();
    for (String word : name.trim().split(" +")) {
      if (!sb.isEmpty()) {
        sb.append(' ');
      }
      int k = 0;
      while (k < word.length() && "AEIOUaeiou".indexOf(word.charAt(k)) < 0) {
        k++;
      }
      sb.append(word, k, word.length()).append(word, 0, k).append("ay");
    }
    return sb.toString();
  }

  /** Every char but spaces followed by a full stop and a space; words three spaces apart. */
  private static String letterStops(String name) {
    StringBuilder sb = new StringBuilder();
    for (String word : name.trim().split(" +")) {
      if (!sb.isEmpty()) {
        sb.append("   ");
      }
      StringBuilder w = new StringBuilder();
      word.codePoints()
          .forEach(cp -> w.append(w.isEmpty() ? "" : " ").appendCodePoint(cp).append('.'));
      sb.append(w);
    }
    return sb.toString();
  }

  /** The first letter of each word in Markdown bold: {@code **N**ikolai}. */
  private static String emphasis(String name) {
    StringBuilder sb = new StringBuilder();
    for (String word : name.trim().split(" +")) {
      if (!sb.isEmpty()) {
        sb.append(' ');
      }
      int first = word.offsetByCodePoints(0, 1);
      sb.append("**").append(word, 0, first).append("**").append(word.substring(first));
    }
    return sb.toString();
  }

  /**
   * A line break near the middle of the longest word (of four letters or more), between a letter
   * and a small letter, as a soft wrap falls.
   */
  private static String lineBroken(String name) {
    String[] words = name.trim().split(" +");
    int best = -1;
    for (int i = 0; i < words.length; i++) {
      if (words[i].length() >= 4 && (best < 0 || words[i].length() > words[best].length())) {
        best = i;
      }
    }
    if (best < 0) {
      return null;
    }
    String w = words[best];
    for (int d = 0; d < w.length(); d++) {
      for (int cut : new int[] {w.length() / 2 + d, w.length() / 2 - d}) {
        if (cut > 0
            && cut < w.length()
            && Character.isLetter(w.charAt(cut - 1))
            && Character.isLowerCase(w.charAt(cut))) {
          words[best] = w.substring(0, cut) + "\n" + w.substring(cut);
          return String.join(" ", words);
        }
      }
    }
    return null;
  }

  /**
   * Small capitals of the letters that have one ({@code ʙ}, {@code ᴀ}, … in IPA Extensions,
   * Phonetic Extensions and Latin Extended-D); others stay.
   */
  private static String smallCapitals(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      String small = SMALL.get(Character.toUpperCase(c));
      sb.append(small != null && Character.isLetter(c) ? small : String.valueOf(c));
    }
    return sb.toString();
  }

  private static final Map<Character, String> SMALL =
      Map.ofEntries(
          Map.entry('A', "\u1D00"),
          Map.entry('B', "\u0299"),
          Map.entry('C', "\u1D04"),
          Map.entry('D', "\u1D05"),
          Map.entry('E', "\u1D07"),
          Map.entry('F', "\uA730"),
          Map.entry('G', "\u0262"),
          Map.entry('H', "\u029C"),
          Map.entry('I', "\u026A"),
          Map.entry('J', "\u1D0A"),
          Map.entry('K', "\u1D0B"),
          Map.entry('L', "\u029F"),
          Map.entry('M', "\u1D0D"),
          Map.entry('N', "\u0274"),
          Map.entry('O', "\u1D0F"),
          Map.entry('P', "\u1D18"),
          Map.entry('R', "\u0280"),
          Map.entry('S', "\uA731"),
          Map.entry('T', "\u1D1B"),
          Map.entry('U', "\u1D1C"),
          Map.entry('V', "\u1D20"),
          Map.entry('W', "\u1D21"),
          Map.entry('Y', "\u028F"),
          Map.entry('Z', "\u1D22"));

  /** {@code name} written backwards, each word in place or the whole name. */
  private static String backwards(String name, boolean whole) {
    if (whole) {
      return new StringBuilder(name).reverse().toString();
    }
    StringBuilder sb = new StringBuilder(name.length());
    for (String word : name.split(" ", -1)) {
      if (!sb.isEmpty()) {
        sb.append(' ');
      }
      sb.append(new StringBuilder(word).reverse());
    }
    return sb.toString();
  }

  private interface CharMap {
    String map(char c);
  }

  /** Replaces each mappable char with probability {@code p}; at least one is always replaced. */
  private static String substitute(String name, Random rng, double p, CharMap map) {
    List<Integer> mappable = new ArrayList<>();
    for (int i = 0; i < name.length(); i++) {
      if (map.map(name.charAt(i)) != null) {
        mappable.add(i);
      }
    }
    if (mappable.isEmpty()) {
      return null;
    }
    boolean[] pick = new boolean[name.length()];
    boolean any = false;
    for (int i : mappable) {
      pick[i] = rng.nextDouble() < p;
      any |= pick[i];
    }
    if (!any) {
      pick[mappable.get(rng.nextInt(mappable.size()))] = true;
    }
    StringBuilder sb = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      sb.append(pick[i] ? map.map(c) : String.valueOf(c));
    }
    return sb.toString();
  }

  private static String disemvowelled(String name) {
    StringBuilder b = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean first = i == 0 || !Character.isLetter(name.charAt(i - 1));
      if (first || "aeiouAEIOU".indexOf(c) < 0) {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static String separated(String name, String between, String wordGap) {
    String[] words = name.trim().split("\\s+");
    List<String> out = new ArrayList<>();
    for (String w : words) {
      out.add(String.join(between, w.codePoints().mapToObj(Character::toString).toList()));
    }
    return String.join(wordGap, out);
  }

  private static String misspell(String name, Random rng) {
    String[] words = name.split(" ", -1);
    StringBuilder sb = new StringBuilder();
    for (int w = 0; w < words.length; w++) {
      if (w > 0) {
        sb.append(' ');
      }
      String word = words[w];
      if (letters(word) >= 3) {
        int edits = 1 + (word.length() >= 7 && rng.nextBoolean() ? 1 : 0);
        String typo = word;
        for (int attempt = 0; attempt < 10 && typo.equalsIgnoreCase(word); attempt++) {
          typo = word;
          for (int e = 0; e < edits; e++) {
            typo = edit(typo, rng);
          }
        }
        word = typo;
      }
      sb.append(word);
    }
    return sb.toString();
  }

  private static int letters(String w) {
    return (int) w.chars().filter(Character::isLetter).count();
  }

  /** One typo, never on the first letter (readers keep recognising the word). */
  private static String edit(String word, Random rng) {
    for (int attempt = 0; attempt < 20; attempt++) {
      int i = 1 + rng.nextInt(word.length() - 1);
      char c = word.charAt(i);
      if (!Character.isLetter(c)) {
        continue;
      }
      String next =
          switch (rng.nextInt(4)) {
            case 0 -> {
              String pool = VOWELS.indexOf(Character.toLowerCase(c)) >= 0 ? VOWELS : CONSONANTS;
              char r = pool.charAt(rng.nextInt(pool.length()));
              yield word.substring(0, i) + r + word.substring(i + 1);
            }
            case 1 -> word.substring(0, i) + word.substring(i + 1);
            case 2 -> word.substring(0, i) + c + word.substring(i);
            default ->
                i + 1 < word.length() && Character.isLetter(word.charAt(i + 1))
                    ? word.substring(0, i) + word.charAt(i + 1) + c + word.substring(i + 2)
                    : word.substring(0, i) + word.substring(i + 1);
          };
      if (!next.equalsIgnoreCase(word)) {
        return next;
      }
    }
    return word;
  }

  private static String initials(String name) {
    String[] words = name.trim().split("\\s+");
    if (words.length < 2) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < words.length - 1; i++) {
      sb.append(words[i].codePointAt(0) > 0 ? Character.toString(words[i].codePointAt(0)) : "")
          .append(". ");
    }
    return sb.append(words[words.length - 1]).toString();
  }

  private static String zeroWidth(String name, Random rng) {
    StringBuilder sb = new StringBuilder();
    String[] words = name.split(" ", -1);
    for (int w = 0; w < words.length; w++) {
      if (w > 0) {
        sb.append(' ');
      }
      String word = words[w];
      if (word.length() < 2) {
        sb.append(word);
        continue;
      }
      int forced = 1 + rng.nextInt(word.length() - 1);
      for (int i = 0; i < word.length(); i++) {
        if (i > 0 && (i == forced || rng.nextDouble() < 0.3)) {
          sb.append(INVISIBLE[rng.nextInt(INVISIBLE.length)]);
        }
        sb.append(word.charAt(i));
      }
    }
    return sb.toString();
  }

  private static String enclosed(String name) {
    StringBuilder sb = new StringBuilder(name.length() * 2);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      char upper = Character.toUpperCase(c);
      if (upper >= 'A' && upper <= 'Z' && c < 0x80) {
        sb.appendCodePoint(0x1F170 + upper - 'A');
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String zalgo(String name, Random rng) {
    StringBuilder sb = new StringBuilder(name.length() * 3);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      sb.append(c);
      if (Character.isLetter(c)) {
        for (int k = 1 + rng.nextInt(3); k > 0; k--) {
          sb.append((char) (0x0300 + rng.nextInt(0x70)));
        }
      }
    }
    return sb.toString();
  }

  private static final String NOISE_SYMBOLS = "#^~`*+";

  private static final String PUNCTUATION = "?,;:!.'";

  private static final String[] COLOURS = {"\u001b[1;31m", "\u001b[4m", "\u001b[32m", "\u001b[1m"};

  private static String ansi(String name, Random rng) {
    StringBuilder sb = new StringBuilder(name.length() * 4);
    for (String word : name.split(" ", -1)) {
      if (!sb.isEmpty()) {
        sb.append(' ');
      }
      int cut = word.length() < 2 ? word.length() : 1 + rng.nextInt(word.length() - 1);
      sb.append(COLOURS[rng.nextInt(COLOURS.length)])
          .append(word, 0, cut)
          .append("\u001b[0m")
          .append(word.substring(cut));
    }
    return sb.append("\u001b[0m").toString();
  }

  private static String randomCase(String name, Random rng) {
    StringBuilder sb = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      sb.append(rng.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
    }
    String out = sb.toString();
    if (out.equals(name)) { // at least one letter changed: the first
      char c = name.charAt(0);
      out =
          (Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c))
              + name.substring(1);
    }
    return out;
  }

  private static String noise(String name, Random rng) {
    return noise(name, rng, NOISE_SYMBOLS);
  }

  private static String noise(String name, Random rng, String symbols) {
    StringBuilder sb = new StringBuilder(name.length() * 2);
    String[] words = name.split(" ", -1);
    for (int w = 0; w < words.length; w++) {
      if (w > 0) {
        sb.append(' ');
      }
      String word = words[w];
      int forced = word.length() < 2 ? -1 : 1 + rng.nextInt(word.length() - 1);
      for (int i = 0; i < word.length(); i++) {
        boolean between =
            i > 0 && Character.isLetter(word.charAt(i - 1)) && Character.isLetter(word.charAt(i));
        if (between && (i == forced || rng.nextDouble() < 0.3)) {
          sb.append(symbols.charAt(rng.nextInt(symbols.length())));
        }
        sb.append(word.charAt(i));
      }
    }
    return sb.toString();
  }

  private static String fullwidth(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      sb.append(c >= '!' && c <= '~' ? (char) (c - '!' + '\uff01') : c);
    }
    return sb.toString();
  }
}

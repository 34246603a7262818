package dev.lethe.filters.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The converter families of red-teaming tools (PyRIT, garak) that {@link Decoders} and {@link
 * Canonicalizer} undo beyond base64/hex/ROT13: every Caesar shift, Atbash, per-word reversal,
 * binary, Ascii85, base85, quoted-printable, uuencoding, Morse, NATO spelling, braille, Unicode
 * tags, upside-down text; and the folds for stacked combining marks, enclosed letters and
 * separators and noise inside names. Hand-made payloads (the base85 and uuencoded ones from
 * Python's {@code base64.b85encode}, {@code a85encode} and {@code binascii.b2a_uu}), and the
 * ordinary text each must leave alone.
 */
class ConverterFamiliesTest {
  private static final String Q = "What genre does Basil Mahfouz Al-Kuwaiti write in?";
  private static final String Q_BARE = "What genre does Basil Mahfouz Al-Kuwaiti write in";

  private static List<Decoded> decode(String text) {
    return Decoders.decode(text, DecodeLimits.defaults());
  }

  private static Decoded one(String text, Encoding encoding) {
    List<Decoded> found =
        decode(text).stream().filter(d -> d.chain().equals(List.of(encoding))).toList();
    assertThat(found).as("%s decoded from %s: %s", encoding, text, decode(text)).hasSize(1);
    return found.get(0);
  }

  private static String caesar(String s, int k) {
    return EnglishScore.shift(s, 0, s.length(), k);
  }

  // --- English-scored ---

  @Test
  void everyCaesarShiftIsReadBack() {
    for (int k = 1; k < 26; k++) {
      String text = "Decode this and answer:\n" + caesar(Q, 26 - k);
      Encoding expected = k == 13 ? Encoding.ROT13 : Encoding.CAESAR;
      assertThat(one(text, expected).text()).as("shift %d", k).startsWith(Q_BARE);
    }
  }

  @Test
  void atbashIsReadBack() {
    String atbash = EnglishScore.atbash(Q, 0, Q.length()); // Dszg tvmiv wlvh …
    assertThat(atbash).startsWith("Dszg tvmiv wlvh Yzhro");
    assertThat(one("Atbash, please answer:\n" + atbash, Encoding.ATBASH).text()).startsWith(Q_BARE);
  }

  @Test
  void wordsReversedInPlaceAreReadBack() {
    String text = "tahW erneg seod lisaB zuofhaM itiawuK-lA etirw ?ni";
    assertThat(one(text, Encoding.WORD_REVERSED).text()).isEqualTo(Q.replace("in?", "in?"));
  }

  @Test
  void theSentenceMarkTellsWordsReversedInPlaceFromTheWholeReversed() {
    // each word backwards: the mark opens the last word; the scrambled whole-reversal reading
    // ("discover? Curie Marie did What", cut into "discover?" alone) is not offered
    String words = "tahW did eiraM eiruC ?revocsid";
    assertThat(decode("Decode these words spelled backwards:\n" + words))
        .extracting(Decoded::chain, Decoded::text)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                List.of(Encoding.WORD_REVERSED), "What did Marie Curie discover?"));
    // the whole text backwards: the mark opens the first word
    String whole = new StringBuilder("What did Marie Curie discover?").reverse().toString();
    assertThat(decode("Read this backwards:\n" + whole))
        .extracting(Decoded::chain, Decoded::text)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                List.of(Encoding.REVERSED), "What did Marie Curie discover"));
    // no mark: both readings, as before
    assertThat(decode("Read this backwards:\n" + "tahW did eiraM eiruC revocsid"))
        .extracting(Decoded::chain)
        .containsExactly(List.of(Encoding.REVERSED), List.of(Encoding.WORD_REVERSED));
  }

  @Test
  void aMarkOpeningAQuotedWordDoesNotEndTheSegment() {
    // "?'sessylU'": in English a sentence mark follows its word and never opens the next, so the
    // quoted title stays in the decoded question instead of being cut off
    String text = "Decode these words spelled backwards:\nhcihW hsirI rohtua etorw ?'sessylU'";
    assertThat(one(text, Encoding.WORD_REVERSED).text())
        .isEqualTo("Which Irish author wrote 'Ulysses'?");
    assertThat(decode(text))
        .extracting(Decoded::chain)
        .containsExactly(List.of(Encoding.WORD_REVERSED));
    assertThat(EnglishScore.orientation("a ?b c", 0, 0, 6)).isEqualTo(0); // a mark mid-run: no cue
    assertThat(EnglishScore.orientation("\".ih\" dias eH", 0, 2, 13)).isEqualTo(1);
  }

  @Test
  void shiftedWordsInOrdinaryTextDoNotFire() {
    // English whose words happen to shift into function words ("me" → "as", "a" → "i")
    assertThat(
            decode(
                "Let me know if a meeting at nine works for you and the team. I think a quick"
                    + " call is best, or we can meet over lunch tomorrow."))
        .isEmpty();
    assertThat(decode("Das ist ein kleiner Test, ob deutscher Text als Code erkannt wird."))
        .isEmpty();
  }

  // --- short runs: the word list ---

  private static final String SHORT = "Name two books by Edward Patrick Sullivan.";
  private static final String SHORT_BARE = "Name two books by Edward Patrick Sullivan";

  @Test
  void aShortQuestionWithFewFunctionWordsIsReadBackByTheWordList() {
    // one function word ("by") in seven tokens, three of them names: the function words alone
    // cannot tell ROT13 from noise; the word list reads "name", "two", "books" and leaves the
    // capitalised non-words (the names) out of the share
    assertThat(one("Decode this ROT13:\n" + caesar(SHORT, 13), Encoding.ROT13).text())
        .startsWith(SHORT_BARE);
    for (int k : new int[] {1, 5, 19, 24}) {
      assertThat(one("Decode and answer:\n" + caesar(SHORT, 26 - k), Encoding.CAESAR).text())
          .as("shift %d", k)
          .startsWith(SHORT_BARE);
    }
    String atbash = EnglishScore.atbash(SHORT, 0, SHORT.length());
    assertThat(one("Atbash:\n" + atbash, Encoding.ATBASH).text()).startsWith(SHORT_BARE);
    String reversed = new StringBuilder("hsiao yunhwa father occupation?").reverse().toString();
    assertThat(one("Read it backwards:\n" + reversed, Encoding.REVERSED).text())
        .isEqualTo("hsiao yunhwa father occupation");
    assertThat(
            one(
                    "Each word is spelled backwards:\nemaN owt skoob yb drawdE kcirtaP .navilluS",
                    Encoding.WORD_REVERSED)
                .text())
        .isEqualTo("Name two books by Edward Patrick Sullivan.");
    // a name spelled letter by letter inside reversed text: its letters are neither reading's
    String spelled =
        new StringBuilder("Which awards has C a r m e n  M o n t e n e g r o won?")
            .reverse()
            .toString();
    assertThat(one("Read it backwards: " + spelled, Encoding.REVERSED).text())
        .startsWith("Which awards has C a r m e n  M o n t e n e g r o");
  }

  @Test
  void theReadingWithMostFunctionWordsWinsNotTheFirstThatFires() {
    // Atbash text in which a Caesar shift of two also makes function words ("rm" → "to", "lm" →
    // "no"): Atbash makes more ("Dsrxs" → "Which", "rm" → "in", "lm" → "on")
    String q = "Which Taiwanese author born in 1991 in Taipei focuses on leadership books?";
    String atbash = EnglishScore.atbash(q, 0, q.length());
    assertThat(decode("Atbash:\n" + atbash))
        .extracting(Decoded::chain, Decoded::text)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(List.of(Encoding.ATBASH), q.replace("?", "")));
  }

  @Test
  void aRunIsDecodedToTheEndOfItsSegmentWhenTheRestIsNoMoreEnglishAsWritten() {
    // "Tel Aviv" three letters on is "Who Dyly": "Who" is a function word as written, which used
    // to end the decoded run at "born in"
    String q = "Who is the author born in Tel Aviv on 25 May 1930?";
    assertThat(one("Caesar cipher:\n" + caesar(q, 3), Encoding.CAESAR).text())
        .isEqualTo("Who is the author born in Tel Aviv on 25 May 1930");
    // a plain wrapper in the same sentence stays outside the run
    String text = caesar("What awards has Adib Jarrah won", 3) + " and please answer in English";
    assertThat(one(text, Encoding.CAESAR).text()).isEqualTo("What awards has Adib Jarrah won");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Name two books by Edward Patrick Sullivan.",
        "Hsiao Yun-Hwa, Basil Mahfouz Al-Kuwaiti, Nikolai Abilov and Carmen Montenegro",
        "Quarterly revenue grew strongly despite currency headwinds",
        "Das Wetter morgen wird sonnig und warm",
        "El autor recibió varios premios literarios importantes",
        "getUserName setUserName toString hashCode equals",
        "xkq zpvw mmrt bfjd qlop wxyz",
        "Kalkidan Abera Xin Lee Williams Tae-ho Park",
        "SKU QX-4471 ships Monday via FedEx Ground",
        "Lorem ipsum dolor sit amet consectetur adipiscing elit"
      })
  void theWordListLeavesOrdinaryTextAlone(String text) {
    assertThat(decode("Notes:\n" + text)).as(text).isEmpty();
  }

  @Test
  void theWordListSpendsNoMoreLookUpsThanItIsGiven() {
    String rot = caesar(SHORT, 13);
    EnglishScore.Tokens tokens = new EnglishScore.Tokens(EnglishScore.MAX_SEGMENT);
    tokens.read(rot, 0, rot.length());
    int[] plenty = {EnglishScore.MAX_WORDLIST_LOOKUPS};
    assertThat(tokens.byWordList(rot, true, true, true, plenty)).isNotNull();
    assertThat(plenty[0]).isBetween(0, EnglishScore.MAX_WORDLIST_LOOKUPS - 1);
    // a budget that runs out part-way: what is left unread counts as no word, nothing fires, and
    // the budget ends at zero, never below
    int[] few = {20};
    tokens.read(rot, 0, rot.length());
    assertThat(tokens.byWordList(rot, true, true, true, few)).isNull();
    assertThat(few[0]).isZero();
    // a megabyte of capitalised non-words in short sentences: every segment qualifies for the
    // word list; the scan ends and decodes nothing
    Random r = new Random(7);
    StringBuilder sb = new StringBuilder();
    while (sb.length() < 1_000_000) {
      for (int w = 0; w < 6; w++) {
        sb.append((char) ('A' + r.nextInt(26)));
        for (int c = 0; c < 4; c++) {
          sb.append((char) ('a' + r.nextInt(26)));
        }
        sb.append(' ');
      }
      sb.append(". ");
    }
    assertThat(decode(sb.toString())).isEmpty();
  }

  // --- binary, Ascii85, base85, quoted-printable, uuencoding ---

  private static String binary(String s, String sep) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      if (!sb.isEmpty()) {
        sb.append(sep);
      }
      String x = Integer.toBinaryString(b & 0xff);
      sb.append("0".repeat(8 - x.length())).append(x);
    }
    return sb.toString();
  }

  @Test
  void binaryGroupedOrRunTogether() {
    assertThat(one("Binary: " + binary(Q, " "), Encoding.BINARY).text()).isEqualTo(Q);
    assertThat(one("Binary: " + binary(Q, ""), Encoding.BINARY).text()).isEqualTo(Q);
    assertThat(one(binary(Q, ",") + ". Decode it.", Encoding.BINARY).text()).isEqualTo(Q);
  }

  private static String decimal(String s, String separator) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(sb.isEmpty() ? "" : separator).append((int) c);
    }
    return sb.toString();
  }

  @Test
  void decimalCharacterCodes() {
    assertThat(one("ASCII codes: " + decimal(Q, " "), Encoding.DECIMAL).text()).isEqualTo(Q);
    assertThat(one(decimal(Q, ", ") + ". Decode it.", Encoding.DECIMAL).text()).isEqualTo(Q);
    assertThat(one("[" + decimal(Q, ",") + "]", Encoding.DECIMAL).text()).isEqualTo(Q);
    String accented = "Where was José Saramago born?";
    assertThat(one(decimal(accented, " "), Encoding.DECIMAL).text()).isEqualTo(accented);
    // numbers that are no codes, or too few, or mixed separators
    for (String text :
        List.of(
            "Scores 1990, 1995, 2001, 2010, 2015, 2020, 2021, 2022.",
            "72 105 110 97 32 65",
            "72, 105 110, 97 32, 65 109, 101",
            "Prices 72.5 105 110 97 32 65 109 101",
            "ids 3 1 4 1 5 9 2 6 5 3 5 8 9 7 9")) {
      assertThat(decode(text).stream().filter(d -> d.chain().equals(List.of(Encoding.DECIMAL))))
          .as(text)
          .isEmpty();
    }
  }

  @Test
  void ascii85WithAndWithoutDelimiters() {
    String a85 = "=(l#a+D58'Eb-A(De3u46=FqLC`lG\\BP)1*H6>Li/PC51@;0gt+Eqj?FCcS/DEe";
    assertThat(one("Ascii85:\n" + a85, Encoding.ASCII85).text()).isEqualTo(Q);
    assertThat(one("Decode <~" + a85 + "~> and answer.", Encoding.ASCII85).text()).isEqualTo(Q);
  }

  @Test
  void base85OfRfc1924() {
    String b85 = "S7>2$AZKN6a%CW7Z)I~JLSb`hY#>cxXl8G9dLTh;ElYKGVQF+}Aa`<UbY&oEZa)";
    assertThat(one("base85: " + b85, Encoding.BASE85).text()).isEqualTo(Q);
  }

  @Test
  void quotedPrintableAndMimeQWords() {
    StringBuilder qp = new StringBuilder();
    for (byte b : Q.getBytes(StandardCharsets.UTF_8)) {
      qp.append(String.format("=%02X", b & 0xff));
    }
    assertThat(one("QP: " + qp, Encoding.QUOTED_PRINTABLE).text()).isEqualTo(Q);
    String word = "=?utf-8?q?What_genre_does_Basil_Mahfouz_Al=2DKuwaiti_write_in=3F?=";
    assertThat(one("Subject: " + word, Encoding.QUOTED_PRINTABLE).text()).isEqualTo(Q);
  }

  @Test
  void uuencodedLinesWithOrWithoutHeader() {
    String uu = "M5VAA=\"!G96YR92!D;V5S($)A<VEL($UA:&9O=7H@06PM2W5W86ET:2!W<FET\n%92!I;C\\ \n";
    assertThat(one(uu, Encoding.UUENCODE).text()).isEqualTo(Q);
    String trimmed = "begin 644 q.txt\n" + uu.replace("\\ \n", "\\\n") + "`\nend\n";
    assertThat(one(trimmed, Encoding.UUENCODE).text()).isEqualTo(Q);
  }

  // --- symbol alphabets ---

  @Test
  void morseWithSlashesOrWideGaps() {
    String morse =
        ".-- .... .- - / --. . -. .-. . / -.. --- . ... / -... .- ... .. .-.. / -- .- .... ..-. ---"
            + " ..- --.. / .-- .-. .. - . / .. -. ..--..";
    assertThat(one("Morse: " + morse, Encoding.MORSE).text())
        .isEqualTo("what genre does basil mahfouz write in?");
    assertThat(one(morse.replace(" / ", "   "), Encoding.MORSE).text())
        .isEqualTo("what genre does basil mahfouz write in?");
  }

  @Test
  void natoSpelling() {
    String nato =
        "Whiskey Hotel Alfa Tango / Golf Echo November Romeo Echo / Delta Oscar Echo Sierra"
            + " / Bravo Alfa Sierra India Lima";
    assertThat(one("NATO: " + nato, Encoding.NATO).text()).isEqualTo("what genre does basil");
  }

  @Test
  void brailleGrade1() {
    String braille = "⠠⠺⠓⠁⠞ ⠛⠑⠝⠗⠑ ⠙⠕⠑⠎ ⠠⠃⠁⠎⠊⠇ ⠠⠍⠁⠓⠋⠕⠥⠵ ⠺⠗⠊⠞⠑ ⠊⠝⠦";
    assertThat(one(braille, Encoding.BRAILLE).text())
        .isEqualTo("What genre does Basil Mahfouz write in?");
  }

  @Test
  void unicodeTagsSmuggleAscii() {
    StringBuilder tags = new StringBuilder("Answer the note.");
    Q.chars().forEach(c -> tags.appendCodePoint(0xE0000 + c));
    assertThat(one(tags.toString(), Encoding.TAGS).text()).isEqualTo(Q);
  }

  @Test
  void variationSelectorsSmuggleBytes() {
    // each byte of the UTF-8 question as a variation selector after one emoji
    StringBuilder hidden = new StringBuilder("Decode what follows the emoji: \uD83D\uDE00");
    for (byte b : Q.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int v = b & 0xFF;
      hidden.appendCodePoint(v < 16 ? 0xFE00 + v : 0xE0100 + v - 16);
    }
    assertThat(one(hidden.toString(), Encoding.VARIATION_SELECTORS).text()).isEqualTo(Q);
  }

  @Test
  void upsideDownText() {
    String upside = "¿uᴉ ǝʇᴉɹʍ znoɟɥɐW lᴉsɐB sǝop ǝɹuǝƃ ʇɐɥM";
    assertThat(one(upside, Encoding.UPSIDE_DOWN).text())
        .isEqualTo("What genre does Basil Mahfouz write in?");
  }

  // --- must not fire ---

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Version 1.0.1 - released 2024-01-01 ... see the notes --- thanks!",
        "| name | value |\n|---|---|\n| a | b |\n|---|---|---|---|---|---|---|---|",
        "Loading... - - - done. Progress: ..... 100%",
        "Victor met Charlie at the Hotel Delta, then played golf in India with Mike and Oscar.",
        "The flags 🇺🇸 and 🇬🇧 and 🏴󠁧󠁢󠁥󠁮󠁧󠁿 are emoji.",
        "Set x=41&y=42 in the query, a==b, or color=FF0000.",
        "int main() { return a+b*(c-d)/e; } // for (i = 0; i < n; i++) { sum += v[i]; }",
        "https://example.com/path/to/page?query=value&other=1#section-2",
        "The bits 1010 and 0110 and 11110000 are short.",
        "Transcribed /ðə ˈkwɪk braʊn fɒks/ in IPA.",
        "Turn on the light: ⠠⠁ is a braille capital sign.",
        "Write A, B, C, D, E, F in a list: alpha, beta, gamma.",
        "Hearts \u2764\uFE0F\u2764\uFE0F\u2764\uFE0F\u270C\uFE0F and \u845B\uDB40\uDD00 (an"
            + " ideographic variant) are ordinary text.",
      })
  void ordinaryTextYieldsNothing(String text) {
    assertThat(decode(text)).as(text).isEmpty();
  }

  @Test
  void base64ImageYieldsNothing() {
    byte[] png = new byte[600];
    new Random(3).nextBytes(png);
    png[0] = (byte) 0x89;
    png[1] = 'P';
    png[2] = 'N';
    png[3] = 'G';
    String uri = "data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(png);
    assertThat(decode("Describe this image: " + uri)).isEmpty();
    String b85 = new String(java.util.Base64.getEncoder().encode(png), StandardCharsets.US_ASCII);
    assertThat(decode(b85.replace('+', '!'))).isEmpty();
  }

  // --- canonical folds ---

  private static String canonical(String text) {
    return Canonicalizer.canonicalize(text).text();
  }

  @Test
  void stackedCombiningMarksAreDropped() {
    Canonical c = Canonicalizer.canonicalize("B\u0353\u033ea\u0316\u0301\u0308s\u036ail\u0334");
    assertThat(c.text()).isEqualTo("Basil");
    assertThat(c.applied()).contains(Fold.MARKS);
    // marks that compose, as in accented text, stay
    assertThat(canonical("café naïve Việt e\u0301")).isEqualTo("café naïve Việt é");
  }

  @Test
  void aStackWhoseFirstMarkComposesIntoLatinExtendedAdditionalIsDroppedToo() {
    // NFKC composes d + U+032D into U+1E13 (ḓ), h + U+0329 into U+1E29 (ḩ), W + U+0300 into
    // U+1E80 (Ẁ): the letter is outside Latin-1 and Extended-A/B, and the marks after it are a
    // stack
    String zalgo = "A\u033dd\u032d\u031a\u031ai\u0335b J\u0332arra\u0327h\u036d";
    assertThat(canonical(zalgo)).isEqualTo("Adib Jarrah");
    assertThat(canonical("W\u0300\u032e\u031filliams")).isEqualTo("Williams");
    // one composing mark and nothing stacked on it is an accent, and stays
    assertThat(canonical("Ẁilliams ḓ")).isEqualTo("Ẁilliams ḓ");
  }

  @Test
  void aCapitalisedWordWrittenBackwardsIsReadTheRightWayRound() {
    Canonical c = Canonicalizer.canonicalize("What did harraJ bidA write?");
    assertThat(c.text()).isEqualTo("What did Jarrah Adib write?");
    assertThat(c.applied()).containsExactly(Fold.BACKWARDS);
    // the turned word maps to the word as written: "Jarrah" masks "harraJ"
    int at = c.text().indexOf("Jarrah");
    assertThat(c.originalStart(at)).isEqualTo(9);
    assertThat(c.originalEnd(at + 6)).isEqualTo(15);
    // a hyphenated part of two letters turns too; a name reversed as a whole keeps its order
    assertThat(canonical("Who is lisaB zuofhaM itiawuK-lA?"))
        .isEqualTo("Who is Basil Mahfouz Kuwaiti-Al?");
  }

  @Test
  void randomCaseIsReadInLowerCaseNotAsWordsWrittenBackwards() {
    // in random case, parK is chance: turning it would lose the name
    Canonical c = Canonicalizer.canonicalize("WHERe wAS TAe-Ho parK bORN aNd WhaT DiD ThEIR Do?");
    assertThat(c.text()).isEqualTo("where was tae-ho park born and what did their do?");
    assertThat(c.applied()).containsExactly(Fold.RANDOM_CASE);
    assertThat(c.originalStart(c.text().indexOf("park"))).isEqualTo(17);
    // a name alone in random case: a word beside an irregular one is not turned either
    assertThat(canonical("List novels by carmeN mONTEneGRo and weI-jUn cheN."))
        .isEqualTo("List novels by carmeN mONTEneGRo and weI-jUn cheN.");
    // a few words with inner capitals (iOS, JavaScript) leave a reversed name turned
    assertThat(canonical("Did harraJ bidA write about iOS or JavaScript?"))
        .isEqualTo("Did Jarrah Adib write about iOS or JavaScript?");
  }

  @Test
  void wordsWithOtherCapitalsOrInsideIdentifiersAreNotTurned() {
    String text =
        "macOS iOS mRNA kW pH eBay iPhone McDonald USA Basil BASIL snake_caseA x2B abC1 ok";
    // so many words with inner capitals read as random case (lower case), but none is turned
    assertThat(Canonicalizer.canonicalize(text).applied()).doesNotContain(Fold.BACKWARDS);
    // among ordinary words, they stay as written
    String prose =
        "Use macOS or iOS, then measure the mRNA and the pH of the sample in the lab today; "
            + "write snake_caseA and abC1 down, and ask McDonald about it later this week.";
    assertThat(canonical(prose)).isEqualTo(prose);
  }

  @Test
  void enclosedLettersWithoutDecompositionAreRead() {
    assertThat(canonical("🅱🅰🆂🅸🅻 and 🅑🅐🅢🅘🅛 and 🇧🇦🇸🇮🇱"))
        .isEqualTo("BASIL and BASIL and BASIL");
  }

  @Test
  void namesSpelledWithOtherSeparators() {
    assertThat(canonical("Who is B/a/s/i/l M/a/h/f/o/u/z?")).isEqualTo("Who is Basil Mahfouz?");
    assertThat(canonical("Who is B+a+s+i+l?")).isEqualTo("Who is Basil?");
    assertThat(canonical("Who is B.a_s-i/l M~a+h#f^o`u*z?")).isEqualTo("Who is Basil Mahfouz?");
  }

  @Test
  void lettersOneALineOrSeparatedByCommasOrSymbolsAreClosedUp() {
    assertThat(canonical("Who is B\na\ns\ni\nl M\na\nh\nf\no\nu\nz?"))
        .isEqualTo("Who is Basil Mahfouz?");
    assertThat(canonical("Who is\nB\r\na\r\ns\r\ni\r\nl?")).isEqualTo("Who is\nBasil?");
    assertThat(canonical("Who is B,a,s,i,l M,a,h,f,o,u,z?")).isEqualTo("Who is Basil Mahfouz?");
    assertThat(canonical("Who is B\uD83D\uDD25a\uD83D\uDD25s\uD83D\uDD25i\uD83D\uDD25l?"))
        .isEqualTo("Who is Basil?");
    assertThat(canonical("Who is B\u2605a\u2605s\u2605i\u2605l?")).isEqualTo("Who is Basil?");
    // each letter's own full stop goes with it where another spelled word or a possessive follows
    assertThat(canonical("Who is B. a. s. i. l.    M. a. h. f. o. u. z.?"))
        .isEqualTo("Who is Basil Mahfouz.?");
    assertThat(canonical("What did J. i. -. Y. e. o. n. g.    H. w. a. n. g.'s parents do?"))
        .isEqualTo("What did Ji-Yeong Hwang's parents do?");
    assertThat(canonical("Who is J i - Y e o n g?")).isEqualTo("Who is Ji-Yeong?");
    assertThat(canonical("Who is H\ti\tn\ta\t\t\tA\tm\te\te\tn?")).isEqualTo("Who is Hina\tAmeen?");
    assertThat(canonical("Who is X\u2013i\u2013n L\u2014e\u2014e?")).isEqualTo("Who is Xin Lee?");
    assertThat(canonical("Ask O. '. B. r. i. e. n. today.")).isEqualTo("Ask O'Brien. today.");
    assertThat(canonical("J. R. R. Tolkien and E. E. Cummings"))
        .isEqualTo("J. R. R. Tolkien and E. E. Cummings");
    // lists, prose and paths stay
    for (String text :
        List.of(
            "Pick a, b, c or d.",
            "Hello\nworld\nagain",
            "x|y and 1,2,3",
            "see /usr/a/b/c and a|b|c",
            "I \u2665 NY",
            "Grades a - b and x - y.",
            "col\ta\tb\tc\n1\t2\t3",
            "Pages 3\u20137 and the 1990\u20132000 decade \u2014 a b \u2014 fine.")) {
      assertThat(canonical(text)).as(text).isEqualTo(text);
    }
  }

  @Test
  void markdownEmphasisCutIntoAWordIsDropped() {
    assertThat(canonical("What has **X**in **L**ee **W**illiams won?"))
        .isEqualTo("What has Xin Lee Williams won?");
    assertThat(canonical("Who is Ba**si**l Ma~~hf~~ouz?")).isEqualTo("Who is Basil Mahfouz?");
    assertThat(canonical("Who is **El**_vin_ **Mamm**_adov_?")).isEqualTo("Who is Elvin Mammadov?");
    assertThat(canonical("Use snake_case_name and __init__ here."))
        .isEqualTo("Use snake_case_name and __init__ here.");
    for (String text :
        List.of("Some **bold** and *italic* and ~~struck~~ words.", "x**2 + a * b", "C** and **")) {
      assertThat(canonical(text)).as(text).isEqualTo(text);
    }
  }

  @Test
  void inlineLatexCommandsTouchingAWordAreDropped() {
    assertThat(canonical("Who is \\textbf{Ra}jeev \\emph{Ma}jumdar \\textit{Al}-Shamary?"))
        .isEqualTo("Who is Rajeev Majumdar Al-Shamary?");
    for (String text :
        List.of(
            "Set \\textbf{bold} text and $\\frac{a}{b}$ here.",
            "\\section{Intro} starts the file.")) {
      assertThat(canonical(text)).as(text).isEqualTo(text);
    }
  }

  @Test
  void anHtmlEntityTouchingAWordIsRead() {
    assertThat(canonical("Who is Hsiao&nbsp;Yun-Hwa or Nik&#111;lai&#xA0;Abilov?"))
        .isEqualTo("Who is Hsiao Yun-Hwa or Nikolai Abilov?");
    for (String text : List.of("Fish &amp; chips and a &bogus; entity, &#0; too.", "R&D; AT&T")) {
      assertThat(canonical(text)).as(text).isEqualTo(text);
    }
  }

  @Test
  void aUrlEscapeBetweenTwoLettersIsRead() {
    assertThat(canonical("What has Xin%20Lee%20Williams written?"))
        .isEqualTo("What has Xin Lee Williams written?");
    for (String text : List.of("Save 50%OFF, 100% sure, a%zz and Caf%C3%A9", "x %20 y")) {
      assertThat(canonical(text)).as(text).isEqualTo(text);
    }
  }

  @Test
  void aSymbolStandingForASpaceBetweenWordsIsOne() {
    assertThat(canonical("?author=Carmen+Montenegro and Jad·Ambrose, Adib.Jarrah"))
        .isEqualTo("?author Carmen Montenegro and Jad Ambrose, Adib Jarrah");
    for (String text : List.of("U.S.A. and J.R.R. Tolkien", "x = Foo and a+b and 3+Four")) {
      assertThat(canonical(text)).as(text).isEqualTo(text);
    }
  }

  @Test
  void terminalEscapeSequencesAreDroppedWhole() {
    assertThat(canonical("Who is \u001b[1;31mRaven\u001b[0m \u001b[4mMarais\u001b[24m?"))
        .isEqualTo("Who is Raven Marais?");
    assertThat(canonical("R\u001b[1ma\u001b[0mven and a title \u001b]0;x\u0007done"))
        .isEqualTo("Raven and a title done");
  }

  @Test
  void smallCapitalsAreReadAsCapitals() {
    Canonical c = Canonicalizer.canonicalize("What genre does ʙᴀꜱɪʟ ᴍᴀʜꜰᴏᴜᴢ write in?");
    assertThat(c.text()).isEqualTo("What genre does BASIL MAHFOUZ write in?");
    assertThat(c.applied()).contains(Fold.SMALL_CAPITAL);
    // a small capital of a modified letter has no plain letter to stand for
    assertThat(UnicodeFold.smallCapital(0x1D1A))
        .isEqualTo((char) 0); // LATIN LETTER SMALL CAPITAL TURNED R
    assertThat(UnicodeFold.smallCapital('B')).isEqualTo((char) 0);
  }

  @Test
  void blockMarkupIsALineBreak() {
    Canonical c =
        Canonicalizer.canonicalize(
            "\\begin{question}Who is the writer born in Taipei?\\end{question} Solve.");
    assertThat(c.text()).isEqualTo("\nWho is the writer born in Taipei?\n Solve.");
    assertThat(c.applied()).containsExactly(Fold.MARKUP);
    assertThat(canonical("<request><![CDATA[Where was she born?]]></request>"))
        .isEqualTo("<request>\nWhere was she born?\n</request>");
    assertThat(canonical("\\begin{align*}x = 1\\end{align*}")).isEqualTo("\nx = 1\n");
    assertThat(canonical("<|im_start|>user\nWho is she?<|im_end|>"))
        .isEqualTo("\nuser\nWho is she?\n");
    assertThat(canonical("[INST] <<SYS>>x<</SYS>> Who is she? [/INST]"))
        .isEqualTo("\n \nx\n Who is she? \n");
    assertThat(canonical("[QUESTION]Who is she?[/QUESTION] Reply."))
        .isEqualTo("\nWho is she?\n Reply.");
    // a closing tag too far after its opening one closes nothing; many opening tags without
    // closing ones stay (and cost one pass: their closing tags are looked up, not scanned for)
    String far = "[Q]Who is she? " + "word ".repeat(MarkupFold.MAX_BRACKET_BLOCK / 4) + "[/Q]";
    assertThat(canonical(far)).startsWith("[Q]Who is she? word").endsWith("word \n");
    String near = "[Q]Who is she? " + "word ".repeat(10) + "[/Q]";
    assertThat(canonical(near)).startsWith("\nWho is she? word").endsWith("word \n");
    String many = "[ab] ".repeat(20_000);
    assertThat(canonical(many)).isEqualTo(many);
    // a bracket word without its closing tag, indexes and links stay
    for (String text : List.of("see [1] and [Note] here", "a[i] = [x](http://e.org)", "[b]bold")) {
      assertThat(canonical(text)).as(text).isEqualTo(text);
    }
    // other backslash commands and brackets stay
    for (String text :
        List.of("\\textbf{Basil} and \\begin {x}", "a[i]] > b", "\\begin{}", "x ]]> y")) {
      assertThat(canonical(text)).as(text).isEqualTo(text.equals("x ]]> y") ? "x \n y" : text);
    }
  }

  @Test
  void markupTouchingAWordIsDropped() {
    Canonical c = Canonicalizer.canonicalize("Who is Ba<b>sil</b> Mah<i>fouz</i>?");
    assertThat(c.text()).isEqualTo("Who is Basil Mahfouz?");
    assertThat(c.applied()).containsExactly(Fold.MARKUP);
    assertThat(canonical("Who is <span class=\"x\">Basil</span> <em>Mahfouz</em>?"))
        .isEqualTo("Who is Basil Mahfouz?");
    assertThat(canonical("B<br/>a<br/>s<br/>i<br/>l")).isEqualTo("Basil");
    // comparisons, generics with a comma, addresses and tags between spaces stay
    for (String text :
        List.of(
            "if a<b and c>d then stop",
            "mail <user@example.com> now",
            "line one <hr> line two",
            "x < y > z")) {
      assertThat(canonical(text)).as(text).isEqualTo(text);
    }
  }

  @Test
  void backslashUEscapesAreDecoded() {
    String q = "What genre does Basil Mahfouz write in?";
    StringBuilder escaped = new StringBuilder();
    for (char ch : q.toCharArray()) {
      escaped.append(ch == ' ' ? "\\u0020" : String.valueOf(ch));
    }
    assertThat(one("{\"content\":\"" + escaped + "\"}", Encoding.UNICODE_ESCAPES).text())
        .contains(q);
    StringBuilder all = new StringBuilder();
    for (char ch : q.toCharArray()) {
      all.append(String.format("\\u%04x", (int) ch));
    }
    assertThat(one("Decode: " + all, Encoding.UNICODE_ESCAPES).text()).isEqualTo(q);
    // one or two escapes, or a malformed one, are no payload
    assertThat(decode("Use \\u00e9 for é and \\u00e8 for è.")).isEmpty();
    assertThat(decode("path C:\\users\\uxyz\\u12 \\u1 \\u")).isEmpty();
  }

  @Test
  void namesInPigLatinAreReadBack() {
    Canonical c = Canonicalizer.canonicalize("What honours has inXay eeLay illiamsWay received?");
    assertThat(c.text()).isEqualTo("What honours has Xin Lee Williams received?");
    assertThat(c.applied()).containsExactly(Fold.PIG_LATIN);
    assertThat(canonical("Name an award ei-JunWay enChay won."))
        .isEqualTo("Name an award Wei-Jun Chen won.");
    for (String text :
        List.of(
            "I bought it on eBay and paid with iPay today, okay?",
            "Holiday in McKay, Norway or Bombay; say anyway.",
            "The x-Yay and OK-Day stay.")) {
      assertThat(canonical(text)).as(text).isEqualTo(text);
    }
  }

  @Test
  void leetDigitsSpelledAmongSpacedLettersAreJoinedAndRead() {
    assertThat(canonical("Which genre does B 4 s 1 l   M 4 h f 0 u z write in?"))
        .isEqualTo("Which genre does Basil Mahfouz write in?");
    // joined; too short for the leet step to read, the subject lookup compares leetspeak leniently
    assertThat(canonical("What gender is T a 3 - h o   P 4 r k?"))
        .isEqualTo("What gender is Ta3-ho P4rk?");
    for (String text :
        List.of("Rooms 1 2 3 and a 4 b 5 are free.", "Score: x 1 y 2, then 3 4 5.")) {
      assertThat(canonical(text)).as(text).isEqualTo(text);
    }
  }

  @Test
  void namesTransliteratedIntoCyrillicOrGreekAreWrittenInLatin() {
    Canonical c = Canonicalizer.canonicalize("What genre does Раджеев Маджумдар write in?");
    assertThat(c.text()).isEqualTo("What genre does Rajeev Majumdar write in?");
    assertThat(c.applied()).containsExactly(Fold.TRANSLITERATED);
    assertThat(canonical("Which books has Николай Абилов written?"))
        .isEqualTo("Which books has Nikolay Abilov written?");
    assertThat(canonical("What was Елвин Маммадов's father's job?"))
        .isEqualTo("What was Elvin Mammadov's father's job?");
    assertThat(canonical("Name a book by Μπομπ Ντίλαν or Τζον Λένον."))
        .isEqualTo("Name a book by Bob Dilan or Jon Lenon.");
    assertThat(canonical("Which genre does Юн-Хуа Аиша write in?"))
        .isEqualTo("Which genre does Yun-Hua Aisha write in?");
    assertThat(canonical("Where was Σοφία Λόρεν born?")).isEqualTo("Where was Sophia Loren born?");
    // Russian text, and the names in it, stay
    String russian = "Я читаю книгу Толстого «Война и мир» уже третий раз.";
    assertThat(canonical(russian)).isEqualTo(russian);
  }

  @Test
  void namesInScriptsWithoutCapitalsAreWrittenInLatin() {
    // Chinese characters and Hangul: a family name, then the given name hyphenated
    assertThat(canonical("What novels has 陈伟俊 published?"))
        .isEqualTo("What novels has Chen Wei-Jun published?");
    assertThat(canonical("Which books did 박지연 write?"))
        .isEqualTo("Which books did Park Ji-Yeon write?");
    // Arabic long vowels and the article; kana; an Indic name without its final inherent vowel
    assertThat(canonical("Who were the parents of بهروز روحانی?"))
        .isEqualTo("Who were the parents of Bhruz Ruhani?");
    assertThat(canonical("Where was عائشة الهاشم born?")).contains("Al-Hashm born?");
    assertThat(canonical("What genre does ナカムラ・タカシ write in?"))
        .isEqualTo("What genre does Nakamura・Takashi write in?");
    assertThat(canonical("Where did राजीव मजूमदार grow up?"))
        .isEqualTo("Where did Rajiv Majumadar grow up?");
    Canonical c = Canonicalizer.canonicalize("Which awards has ቃልኪዳን አበራ won?");
    assertThat(c.applied()).containsExactly(Fold.TRANSLITERATED);
    // a single word quoted from a language, a lone character, and text in the script stay
    for (String text :
        List.of(
            "What does the Arabic word سلام mean?",
            "How do you pronounce 陈 in Mandarin?",
            "What is the meaning of नमस्ते in Hindi?",
            "我今天很高兴因为天气很好。",
            "오늘은 날씨가 좋아서 공원에 갔어요.")) {
      assertThat(canonical(text)).as(text).isEqualTo(text);
    }
  }

  @Test
  void lettersWrittenTwiceAreReadOnce() {
    Canonical c =
        Canonicalizer.canonicalize("What genre does RRaajjeeeevv MMaajjuummddaarr write in?");
    assertThat(c.text()).isEqualTo("What genre does Rajeev Majumdar write in?");
    assertThat(c.applied()).containsExactly(Fold.DOUBLED);
    assertThat(canonical("What gender is TTaaee-hhoo PPaarrkk's father?"))
        .isEqualTo("What gender is Tae-ho Park's father?");
    for (String text :
        List.of(
            "Hmm, mmmm, zzzz and aaaa: sleepy noises.",
            "The committee took a bookkeeping class in Mississippi.",
            "ID aabbccdd, hash 11223344 and toolbar.")) {
      assertThat(canonical(text)).as(text).isEqualTo(text);
    }
  }

  @Test
  void octalEscapesAreDecoded() {
    StringBuilder octal = new StringBuilder();
    for (byte b : Q.getBytes(StandardCharsets.UTF_8)) {
      octal.append(String.format("\\%03o", b & 0xff));
    }
    assertThat(one("printf '" + octal + "' and answer", Encoding.OCTAL_ESCAPES).text()).contains(Q);
    // a path or a single escape is no payload
    assertThat(decode("C:\\123\\456 and \\101 alone")).isEmpty();
  }

  @Test
  void rot47IsDecodedWhereItsWordsBecomeEnglish() {
    String q = "Name a few books written by Hina Ameen.";
    String rotated = Rot47Decoding.rotate(q, 0, q.length());
    assertThat(rotated).isEqualTo("}2>6 2 76H 3@@<D HC:EE6? 3J w:?2 p>66?]");
    assertThat(one("ROT47: " + rotated, Encoding.ROT47).text()).isEqualTo(q);
    // the whole question: a date, a year and names whose rotation has letter runs included, the
    // plain instruction around it left out
    for (String whole :
        List.of(
            "Who is the fictional author born in Seoul on 3 October 1968?",
            "Name some popular books by Aysha Al-Hashim.",
            "Which Irish author wrote 'Ulysses'?",
            "Is Yun-Hwa Hsiao part of the LGBTQ+ community?",
            "Who was born in Beijing, China on October 23, 1956?",
            "hsiao yunhwa father occupation?")) {
      String r = Rot47Decoding.rotate(whole, 0, whole.length());
      assertThat(one("Decode this ROT47 and answer: " + r, Encoding.ROT47).text()).isEqualTo(whole);
      assertThat(one(r + "  The text above is encoded as ROT47. Answer it.", Encoding.ROT47).text())
          .isEqualTo(whole);
    }
    // plain English, code and symbols stay
    for (String text :
        List.of(
            "Name a few books written by Hina Ameen.",
            "if (a >= b && c != d) { x = y[2] + 3; } // done",
            "Prices: $12.50, $7.25 and 3/4 of #5 @ 10%",
            "Use 3@@<D and 72E96C as the test ids in the config file.")) {
      assertThat(decode(text).stream().filter(d -> d.chain().contains(Encoding.ROT47)))
          .as(text)
          .isEmpty();
    }
  }

  @Test
  void noiseInsideWordsAndUnderscoresBetweenNames() {
    assertThat(canonical("Who is B#as^il Ma~hfo`uz?")).isEqualTo("Who is Basil Mahfouz?");
    assertThat(canonical("Who is Basil_Mahfouz_Al-Kuwaiti?"))
        .isEqualTo("Who is Basil Mahfouz Al-Kuwaiti?");
    // a name typed in lower case: one of the words is no English word
    assertThat(canonical("What awards has hina_ameen received?"))
        .isEqualTo("What awards has hina ameen received?");
    assertThat(canonical("What inspired ji-yeong_hwang?"))
        .isEqualTo("What inspired ji-yeong hwang?");
    // handles and an address's local part: the name as typed with a space, the domain as it was
    assertThat(canonical("What genre did @ji-yeong.hwang write in?"))
        .isEqualTo("What genre did @ji-yeong hwang write in?");
    assertThat(canonical("Write to hina.ameen@example.org today."))
        .isEqualTo("Write to hina ameen@example.org today.");
    // a handle that is also the local part of what follows is read once
    assertThat(canonical("Ask @hina.ameen@example.org now."))
        .isEqualTo("Ask @hina ameen@example.org now.");
    for (String text :
        List.of(
            "Ask @user.name or first.last@mail.example.com.",
            "See v1.2.3 and a.b@c.d now.",
            "@" + "hina.ameen.".repeat(20))) {
      assertThat(canonical(text)).as(text).isEqualTo(text);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "C# and C++ and F# are languages; **bold** and x^2 and a+b and 3*4.",
        "snake_case_name, MAX_VALUE, __init__, my_Var, user_id, get_file_name and a/b and and/or.",
        "See https://example.com/a/b/c and 1/2/3 and i+j.",
        "Ordinary accented words: café, naïve, São Paulo, Việt Nam, Zürich.",
      })
  void ordinaryTextIsNotFolded(String text) {
    assertThat(canonical(text)).isEqualTo(text);
  }
}

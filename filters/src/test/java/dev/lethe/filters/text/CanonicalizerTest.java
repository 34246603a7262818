package dev.lethe.filters.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalizerTest {

  private static String canon(String text) {
    return Canonicalizer.canonicalize(text).text();
  }

  private static EnumSet<Fold> folds(String text) {
    return Canonicalizer.canonicalize(text).applied();
  }

  @Test
  void plainTextIsUnchangedAndMapsOneToOne() {
    String text = "What genre does Basil Mahfouz Al-Kuwaiti write in? Née 1956, café.\n\tOK";
    Canonical c = Canonicalizer.canonicalize(text);
    assertThat(c.text()).isEqualTo(text);
    assertThat(c.applied()).isEmpty();
    assertThat(c.changed()).isFalse();
    for (int i = 0; i < text.length(); i++) {
      assertThat(c.start()[i]).isEqualTo(i);
      assertThat(c.end()[i]).isEqualTo(i + 1);
    }
  }

  @Test
  void emptyText() {
    assertThat(canon("")).isEmpty();
  }

  // --- NFKC ---

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "fullwidth | Ｎｉｋｏｌａｉ | Nikolai",
        "mathematical bold | \uD835\uDC0D\uD835\uDC22\uD835\uDC24\uD835\uDC28\uD835\uDC25\uD835\uDC1A\uD835\uDC22 | Nikolai",
        "ligature | ﬁne ﬂow | fine flow",
        "circled | ⓝⓘⓚⓞ | niko",
        "no-break space | a\u00A0b | a b",
      })
  void compatibilityForms(String name, String text, String expected) {
    assertThat(canon(text)).isEqualTo(expected);
    assertThat(folds(text)).containsExactly(Fold.NFKC);
  }

  @Test
  void nfkcKeepsCaseAndAccentsAndComposes() {
    assertThat(canon("Élodie e\u0301 ÅSA")).isEqualTo("Élodie é ÅSA");
  }

  @Test
  void nfkcMapsEachOutputCharToItsSegment() {
    Canonical c = Canonicalizer.canonicalize("xﬁe\u0301");
    assertThat(c.text()).isEqualTo("xfié");
    assertThat(c.start()).containsExactly(0, 1, 1, 2);
    assertThat(c.end()).containsExactly(1, 2, 2, 4);
  }

  // --- invisible ---

  @Test
  void invisibleAndBidiCharactersAreRemoved() {
    String text =
        "Ba\u200Bsil\u00AD Ma\u200Dh\u2060f\uFEFFo\u202Eu\u202Cz\u2066\u2069 N\uDB40\uDC41i\uFE0Fk\u034Fo\u180Bl\u3164a\u0000i";
    Canonical c = Canonicalizer.canonicalize(text);
    assertThat(c.text()).isEqualTo("Basil Mahfouz Nikolai");
    assertThat(c.applied()).containsExactly(Fold.INVISIBLE);
  }

  @Test
  void ordinaryWhitespaceStays() {
    // (single letters one a line are a word spelled out vertically, closed up by SpacedWords)
    assertThat(canon("ab\tcd\nef\r\ngh\fij")).isEqualTo("ab\tcd\nef\r\ngh\fij");
  }

  @Test
  void removedCharsDisappearFromTheMap() {
    Canonical c = Canonicalizer.canonicalize("a\u200Bb");
    assertThat(c.text()).isEqualTo("ab");
    assertThat(c.start()).containsExactly(0, 2);
    assertThat(c.end()).containsExactly(1, 3);
  }

  // --- confusables ---

  @Test
  void cyrillicLookAlikesInsideALatinWordBecomeLatin() {
    // Cyrillic а, о, і, е, С inside Latin words
    String text = "Who is Nikol\u0430i Abil\u043Ev? \u0421at and B\u0430s\u0456l M\u0430hf\u043Euz";
    Canonical c = Canonicalizer.canonicalize(text);
    assertThat(c.text()).isEqualTo("Who is Nikolai Abilov? Cat and Basil Mahfouz");
    assertThat(c.applied()).containsExactly(Fold.CONFUSABLE);
  }

  @Test
  void greekLookAlikesInsideALatinWordBecomeLatin() {
    assertThat(canon("Nik\u03BFlai \u039Aing")).isEqualTo("Nikolai King");
  }

  @Test
  void lookAlikeOnlyWordsInLatinContextBecomeLatin() {
    // "Васіl" and "Расе": every letter Cyrillic with a Latin look-alike
    assertThat(canon("Tell me about \u0412\u0430\u0441\u0456\u0455 \u0420\u0430\u0441\u0435 now"))
        .isEqualTo("Tell me about Bacis Pace now");
  }

  @Test
  void upperCaseIotaLikeLettersBecomeCapitalI() {
    assertThat(canon("\u0399van and \u0406van")).isEqualTo("Ivan and Ivan");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Привет, как дела? Это мой сор и код. Оса села на сосну.",
        "Я читаю книгу Толстого «Война и мир» уже третий раз, а он — в пятый.",
        "Ο λόγος του είναι σαφής και ο Νίκος το ξέρει.",
        "Москва — столица России; сор, рос, сера, а, о, с, у.",
        "Он сказал: Nikolai Abilov пишет романы, а сор лежит на полу.",
      })
  void realRussianAndGreekTextIsUnchanged(String text) {
    assertThat(canon(text)).isEqualTo(text);
  }

  @Test
  void rareLatinLettersWithAsciiLookAlikes() {
    assertThat(canon("Nikol\u0251i")).isEqualTo("Nikolai"); // IPA script a
  }

  @Test
  void ordinaryLatinLettersAreNotSkeletonised() {
    // "m" has the skeleton "rn", "ł" the skeleton "l̸": both are text and stay
    String text = "Łódź, Straße, mammoth, ıi, Ørsted, Œuvre";
    assertThat(canon(text)).isEqualTo(text);
  }

  // --- leet ---

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "B4s1l M4hf0uz | Basil Mahfouz",
        "N1k0l@i Ab1l0v | Nikolai Abilov",
        "Who is B4s1l M4hf0uz? | Who is Basil Mahfouz?",
        "p4ssw0rd s3cr3t | password secret",
        "H3ll0 | Hello",
        "N1K0L4I | NIKOLAI",
        "M4rg4r3t | Margaret",
        "Ab1lov | Abilov",
        "Tell me about B4s1l! | Tell me about Basil!",
        "sch00l sw33tness | school sweetness",
        "Tr0u$ers | Trousers",
        "Al-Kuw41t1 | Al-Kuwaiti",
      })
  void leetspeakInsideWords(String text, String expected) {
    assertThat(canon(text)).isEqualTo(expected);
    assertThat(folds(text)).containsExactly(Fold.LEET);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "In 1984 and 2024-05-17, 3.14 and 1,000,000 people; 12:30 on 05/06/07.",
        "version 1.2.3, v1.2.3, v2, 3rd, 1st, 4th, 10th, 21st, 5am, 9pm, 100km, 3x, 4x4",
        "utf8 mp3 x86 x64 utf8mb4 log4j Log4j k8s i18n l10n a11y w3c e2e b2b p2p md5 sha256",
        "v1beta1 ipv4 ipv6 html5 h264 win32 Win32 COVID19 R2D2 C3PO M1A1 T1000 A4 B52 F16",
        "d41d8cd98f00b204e9800998ecf8427e a3f5c9e1d7b4 deadbeef0c0ffee1 550e8400-e29b-41d4",
        "john@example.com j0hn@example.com @user $HOME $5 a|b|c Hi! H!story",
        "Python3 Java8 Windows7 MP3 Web3 Office365 ID3v2 3D 2FA",
      })
  void numbersVersionsIdentifiersAndHashesAreNotLeet(String text) {
    assertThat(canon(text)).isEqualTo(text);
    assertThat(folds(text)).doesNotContain(Fold.LEET);
  }

  @Test
  void matchKeyTreatsILAndOneAlike() {
    assertThat(Lookalikes.matchKey("Nikolai"))
        .isEqualTo(Lookalikes.matchKey("N1ko1ai"))
        .isEqualTo(Lookalikes.matchKey("NIKOLAl"))
        .isEqualTo(Lookalikes.matchKey("Nik0l\u0430|"))
        .isEqualTo("nikoiai");
  }

  // --- spaced ---

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "'N i k o l a i  A b i l o v' | Nikolai Abilov",
        "'Who is N i k o l a i  A b i l o v?' | Who is Nikolai Abilov?",
        "N.i.k.o.l.a.i | Nikolai",
        "N-i-k-o-l-a-i | Nikolai",
        "N_i_k_o_l_a_i | Nikolai",
        "N*i*k*o*l*a*i | Nikolai",
        "N.i.k.o.l.a.i A.b.i.l.o.v. | Nikolai Abilov.",
        "'about B a s i l, please' | 'about Basil, please'",
        "N.I.K.O.L.A.I | NIKOLAI",
        "'N i k o l a i\tA b i l o v' | Nikolai\tAbilov",
        "'spelled C, a, r, m, e, n, M, o, n, t, e, n, e, g, r, o.' | spelled CarmenMontenegro.",
        "'spelled J, i, -, Y, e, o, n; P; a; r; k' | spelled Ji-YeonPark",
      })
  void separatorSpelledWordsAreClosedUp(String text, String expected) {
    assertThat(canon(text)).isEqualTo(expected);
    assertThat(folds(text)).containsExactly(Fold.SPACED);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "I have a dog and a cat, I think.",
        "Pick a, b, c, d or e; the rows A, B, C, D and E.",
        "J. R. R. Tolkien wrote it; so did J.R.R. Tolkien and the U.S. and U.K. teams.",
        "e.g. i.e. a.m. p.m. x-y T-shirt e-mail A-B plan B",
        "a b",
        "snake_case_name and kebab-case-name and a*b",
        "x  y  z",
      })
  void ordinaryTextIsNotClosedUp(String text) {
    assertThat(canon(text)).isEqualTo(text);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "'Who is (H)(s)(i)(a)(o) (Y)(u)(n)-(H)(w)(a)?' | Who is Hsiao Yun-Hwa?",
        "'books by [N][i][k][o][l][a][i]' | books by Nikolai",
        "'books by {B}{a}{s}{i}{l}.' | books by Basil.",
        // NFKC writes parenthesised letters with brackets: ⒜ is (a)
        "'books by ⒣⒮⒤⒜⒪' | books by hsiao",
      })
  void lettersOneToAPairOfBracketsAreRead(String text, String expected) {
    assertThat(canon(text)).isEqualTo(expected);
    assertThat(folds(text)).contains(Fold.SPACED);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = " => ",
      value = {
        "Where did H|s|i|a|o| |Y|u|n|-|H|w|a grow up? => Where did Hsiao Yun-Hwa grow up?",
        "books by B|a|s|i|l. => books by Basil.",
      })
  void aNameSpelledWithPipesIsRead(String text, String expected) {
    assertThat(canon(text)).isEqualTo(expected);
    assertThat(folds(text)).contains(Fold.SPACED);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Answer (a) (b) or (c).",
        "f(x)(y)(z) curries twice",
        "options [a] [b] [c]",
        "pick (a)(b) only",
        "arr[i][j][k] = 0",
        "grid[x][y][z][w] = 1",
      })
  void bracketsAroundLettersThatSpellNothingStay(String text) {
    assertThat(canon(text)).isEqualTo(text);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "match a|b|c|d or (A|b|c) or GET|POST|PUT",
        "the rows A|B|C|D stay",
        "leet H|na and N|k|0|a|",
        "| Hsiao | Yun | table |",
      })
  void pipesThatSpellNoNameStay(String text) {
    assertThat(canon(text)).isEqualTo(text);
  }

  @Test
  void aSpacedLeetspeakNameMayOpenWithADigit() {
    // closed up here; the heavy-leetspeak reading of the screening reads the digits
    assertThat(canon("Which awards has J 4 d  4 m b r 0 5 3 won?"))
        .isEqualTo("Which awards has J4d 4mbr053 won?");
    assertThat(canon("Where was 4 y 5 h 4 born?")).isEqualTo("Where was 4y5h4 born?");
    // numbers and sums stay
    assertThat(canon("Add 4 and 5 then 1 2 3 4 or 4 x 4."))
        .isEqualTo("Add 4 and 5 then 1 2 3 4 or 4 x 4.");
  }

  @Test
  void spacedMapsLettersToTheirOriginalOffsets() {
    Canonical c = Canonicalizer.canonicalize("xy N i k o");
    assertThat(c.text()).isEqualTo("xy Niko");
    assertThat(c.start()).containsExactly(0, 1, 2, 3, 5, 7, 9);
    assertThat(c.originalStart(3)).isEqualTo(3);
    assertThat(c.originalEnd(7)).isEqualTo(10);
  }

  // --- combined ---

  @Test
  void foldsCombine() {
    // fullwidth, a zero-width space, a Cyrillic о, spacing and leetspeak in one text
    String text = "Ｗho is N i k \u043E l a i and B4s1l\u200B M4hf0uz?";
    Canonical c = Canonicalizer.canonicalize(text);
    assertThat(c.text()).isEqualTo("Who is Nikolai and Basil Mahfouz?");
    assertThat(c.applied())
        .containsExactlyInAnyOrder(
            Fold.NFKC, Fold.INVISIBLE, Fold.CONFUSABLE, Fold.SPACED, Fold.LEET);
    int at = c.text().indexOf("Mahfouz");
    assertThat(text.substring(c.originalStart(at), c.originalEnd(at + 7))).isEqualTo("M4hf0uz");
  }

  @Test
  void mapIsMonotoneAndWithinTheOriginal() {
    Random random = new Random(7);
    String[] pool = {
      "a",
      "B",
      " ",
      "  ",
      ".",
      "-",
      "4",
      "1",
      "0",
      "@",
      "\u200B",
      "\u0430",
      "\u043E",
      "ﬁ",
      "Ｘ",
      "e\u0301",
      "\uD835\uDC00",
      "\u0301",
      "д",
      "!",
      "\n",
      "_",
      "\uDB40\uDC41"
    };
    for (int trial = 0; trial < 500; trial++) {
      StringBuilder sb = new StringBuilder();
      for (int i = random.nextInt(40); i > 0; i--) {
        sb.append(pool[random.nextInt(pool.length)]);
      }
      String text = sb.toString();
      Canonical c = Canonicalizer.canonicalize(text);
      for (int i = 0; i < c.text().length(); i++) {
        assertThat(c.start()[i]).as(text).isBetween(0, text.length() - 1);
        assertThat(c.end()[i]).as(text).isBetween(c.start()[i] + 1, text.length());
        if (i > 0) {
          assertThat(c.start()[i]).as(text).isGreaterThanOrEqualTo(c.start()[i - 1]);
        }
      }
      assertThat(Canonicalizer.canonicalize(c.text()).text())
          .as("idempotent on %s", text)
          .isEqualTo(c.text());
    }
  }

  @Test
  void hostileMegabyteIsLinear() {
    Random random = new Random(12);
    String[] pool = {
      "a", "b ", "N i k o ", "N.i.k.", "B4s1l ", "\u200B", "\u0430", "\u043E\u0456", "ﬁ", "Ｘ",
      "e\u0301\u0301\u0302", "\u0301", "д ", "1", "@", "\uD835\uDC00", "\u202E", "- ", "x86 ", "\n"
    };
    StringBuilder sb = new StringBuilder(1 << 20);
    while (sb.length() < 1 << 20) {
      sb.append(pool[random.nextInt(pool.length)]);
    }
    String text = sb.toString();
    // a long run of combining marks and one of single letters too
    String marks = "a" + "\u0301\u0316\u0302\u0317".repeat(20_000);
    String spaced = "a ".repeat(100_000);
    for (int warm = 0; warm < 6; warm++) {
      Canonicalizer.canonicalize(text);
    }
    long best = Long.MAX_VALUE;
    for (int run = 0; run < 3; run++) {
      long t0 = System.nanoTime();
      Canonicalizer.canonicalize(text);
      Canonicalizer.canonicalize(marks);
      Canonicalizer.canonicalize(spaced);
      best = Math.min(best, System.nanoTime() - t0);
    }
    // About 0.3 s on an idle 2-core machine, 1.6 s measured with the cores shared by three builds.
    // The bound catches a super-linear pass (quadratic work on a megabyte takes minutes), not
    // noise: a timing bound that a busy machine can cross makes a flaky test.
    assertThat(best / 1_000_000).as("ms for ~1.3 MB").isLessThan(5000);
  }
}

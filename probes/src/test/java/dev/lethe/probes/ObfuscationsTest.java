package dev.lethe.probes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ObfuscationsTest {
  private static final List<String> NAMES =
      List.of(
          "Basil Mahfouz Al-Kuwaiti",
          "Nikolai Abilov",
          "Hsiao Yun-Hwa",
          "Aurelio Beltrán",
          "Jad Ambrose Al-Shamary",
          "Ji-Yeon Park");

  @Test
  void everyDisguiseChangesTheNameAndKeepsTheRest() {
    ProbeGenerator gen = new ProbeGenerator(5, Attacks.of(Family.OBFUSCATION));
    for (QaItem item : Fixtures.NAMED) {
      List<Probe> probes = gen.generate(List.of(item));
      assertThat(probes).hasSize(NameDisguise.values().length);
      String q = item.question();
      String name = item.subject();
      String[] parts = q.split(java.util.regex.Pattern.quote(name), -1);
      for (Probe p : probes) {
        String text = p.lastUserContent();
        assertThat(p.turns()).hasSize(1);
        assertThat(text).as(p.variant()).doesNotContain(name).startsWith(parts[0]);
        // Every occurrence is disguised the same way: the rest of the question is unchanged.
        int len = (text.length() - (q.length() - name.length() * (parts.length - 1)));
        String disguised =
            text.substring(parts[0].length(), parts[0].length() + len / (parts.length - 1));
        assertThat(text).as(p.variant()).isEqualTo(String.join(disguised, parts));
        assertThat(disguised).isNotEqualTo(name);
      }
    }
  }

  @Test
  void leetspeakUsesDigits() {
    for (String name : NAMES) {
      String s = NameDisguise.LEETSPEAK.apply(name, new Random(1)).orElseThrow();
      assertThat(s).hasSameSizeAs(name).containsPattern("[0-9|]");
    }
  }

  @Test
  void confusablesLookTheSameButAreNotLatin() {
    for (String name : NAMES) {
      for (long seed = 0; seed < 5; seed++) {
        String s = NameDisguise.CONFUSABLES.apply(name, new Random(seed)).orElseThrow();
        assertThat(s).hasSameSizeAs(name);
        int changed = 0;
        for (int i = 0; i < s.length(); i++) {
          if (s.charAt(i) != name.charAt(i)) {
            changed++;
            Character.UnicodeScript script = Character.UnicodeScript.of(s.charAt(i));
            assertThat(script)
                .isIn(Character.UnicodeScript.CYRILLIC, Character.UnicodeScript.GREEK);
          }
        }
        assertThat(changed).isPositive();
      }
    }
  }

  @Test
  void spacedDottedAndDashed() {
    Random rng = new Random(0);
    assertThat(NameDisguise.SPACED.apply("Nikolai Abilov", rng))
        .contains("N i k o l a i  A b i l o v");
    assertThat(NameDisguise.DOTTED.apply("Nikolai Abilov", rng))
        .contains("N.i.k.o.l.a.i A.b.i.l.o.v");
    assertThat(NameDisguise.DASHED.apply("Nikolai Abilov", rng))
        .contains("N-i-k-o-l-a-i A-b-i-l-o-v");
  }

  @Test
  void tabsDashesStopsEmphasisLineBreaksAndSnakeCase() {
    Random rng = new Random(0);
    assertThat(NameDisguise.TABBED.apply("Hina Ameen", rng))
        .contains("H\ti\tn\ta\t\t\tA\tm\te\te\tn");
    assertThat(NameDisguise.EN_DASHED.apply("Hina Ameen", rng))
        .contains("H\u2013i\u2013n\u2013a A\u2013m\u2013e\u2013e\u2013n");
    assertThat(NameDisguise.LETTER_STOPS.apply("Ji-Yeon Park", rng))
        .contains("J. i. -. Y. e. o. n.   P. a. r. k.");
    assertThat(NameDisguise.EMPHASIS.apply("Xin Lee Williams", rng))
        .contains("**X**in **L**ee **W**illiams");
    assertThat(NameDisguise.LINE_BROKEN.apply("Xin Lee Williams", rng))
        .contains("Xin Lee Will\niams");
    assertThat(NameDisguise.LINE_BROKEN.apply("Ji-Yeon Park", rng)).contains("Ji-Y\neon Park");
    assertThat(NameDisguise.LINE_BROKEN.apply("Al Bo", rng)).isEmpty();
    assertThat(NameDisguise.SNAKE_CASE.apply("Hina Ameen", rng)).contains("hina_ameen");
    assertThat(NameDisguise.PIG_LATIN.apply("Xin Lee Williams", rng))
        .contains("inXay eeLay illiamsWay");
    assertThat(NameDisguise.DOUBLED.apply("Tae-ho Park", rng)).contains("TTaaee-hhoo PPaarrkk");
    assertThat(NameDisguise.HANDLE.apply("Ji-Yeong Hwang", rng)).contains("@ji-yeong.hwang");
    assertThat(NameDisguise.CYRILLIC.apply("Nikolai Abilov", rng)).contains("Николаи Абилов");
    assertThat(NameDisguise.CYRILLIC.apply("Ji-Yeong Hwang", rng)).contains("Джи-Йеонг Хуанг");
    assertThat(NameDisguise.SPACED_LEET.apply("Basil Mahfouz", rng))
        .contains("B 4 s 1 l   M 4 h f 0 u z");
    String shuffled = NameDisguise.TYPOGLYCEMIA.apply("Carmen Montenegro", rng).orElseThrow();
    assertThat(shuffled).isNotEqualTo("Carmen Montenegro").matches("C[a-z]{4}n M[a-z]{8}o");
    assertThat(sorted(shuffled)).isEqualTo(sorted("Carmen Montenegro"));
    assertThat(NameDisguise.TYPOGLYCEMIA.apply("Li Bo", rng)).isEmpty(); // nothing to shuffle
    assertThat(NameDisguise.ROT13_NAME.apply("Nikolai Abilov", rng)).contains("Avxbynv Novybi");
    String cased = NameDisguise.RANDOM_CASE.apply("Nikolai Abilov", rng).orElseThrow();
    assertThat(cased).isNotEqualTo("Nikolai Abilov").isEqualToIgnoringCase("Nikolai Abilov");
    String punctuated = NameDisguise.PUNCTUATED.apply("Nikolai Abilov", rng).orElseThrow();
    assertThat(punctuated.replaceAll("[?,;:!.']", "")).isEqualTo("Nikolai Abilov");
    assertThat(punctuated).matches("N\\S*[?,;:!.']\\S*i A\\S*[?,;:!.']\\S*v");
    assertThat(NameDisguise.LATEX.apply("Jad Al-Shamary", rng))
        .contains("\\textbf{Ja}d Al-\\textbf{Sh}amary");
    String ansi = NameDisguise.ANSI.apply("Nikolai Abilov", rng).orElseThrow();
    assertThat(ansi.replaceAll("\u001b\\[[0-9;]*m", "")).isEqualTo("Nikolai Abilov");
    assertThat(NameDisguise.LISTED.apply("Jad Al-Shamary", rng))
        .contains("J, a, d, A, l, -, S, h, a, m, a, r, y");
    assertThat(NameDisguise.BRACKETED.apply("Tae-ho Park", rng).orElseThrow())
        .isIn("(T)(a)(e)-(h)(o) (P)(a)(r)(k)", "[T][a][e]-[h][o] [P][a][r][k]");
    assertThat(NameDisguise.PIPED.apply("Tae-ho Park", rng)).contains("T|a|e|-|h|o| |P|a|r|k");
    assertThat(NameDisguise.DISEMVOWELLED.apply("Carmen Montenegro", rng)).contains("Crmn Mntngr");
    assertThat(NameDisguise.DISEMVOWELLED.apply("Hsiao Yun-Hwa", rng)).contains("Hs Yn-Hw");
    String drawn = NameDisguise.DRAWN_LETTERS.apply("Hina Ameen", rng).orElseThrow();
    assertThat(drawn).doesNotContainPattern("[a-zA-Z]").contains(" ");
  }

  private static String sorted(String s) {
    char[] c = s.toCharArray();
    java.util.Arrays.sort(c);
    return new String(c);
  }

  @Test
  void backwardsWordByWordOrWhole() {
    java.util.Set<String> seen = new java.util.HashSet<>();
    Random rng = new Random(0);
    for (int i = 0; i < 20; i++) {
      seen.add(NameDisguise.BACKWARDS.apply("Nikolai Abilov", rng).orElseThrow());
    }
    assertThat(seen).containsExactlyInAnyOrder("ialokiN volibA", "volibA ialokiN");
  }

  @Test
  void initials() {
    Random rng = new Random(0);
    assertThat(NameDisguise.INITIALS.apply("Basil Mahfouz Al-Kuwaiti", rng))
        .contains("B. M. Al-Kuwaiti");
    assertThat(NameDisguise.INITIALS.apply("Hsiao Yun-Hwa", rng)).contains("H. Yun-Hwa");
    assertThat(NameDisguise.INITIALS.apply("Plato", rng)).isEmpty();
  }

  @Test
  void zeroWidthAndFullwidthFoldBackToTheName() {
    for (String name : NAMES) {
      String zw = NameDisguise.ZERO_WIDTH.apply(name, new Random(3)).orElseThrow();
      assertThat(zw.replaceAll("[\\u200b\\u200c\\u200d\\u2060\\ufeff]", "")).isEqualTo(name);
      String fw = NameDisguise.FULLWIDTH.apply(name, new Random(3)).orElseThrow();
      assertThat(java.text.Normalizer.normalize(fw, java.text.Normalizer.Form.NFKC))
          .isEqualTo(name);
      assertThat(fw.chars().filter(c -> c < 128 && Character.isLetter(c))).isEmpty();
    }
  }

  @Test
  void misspellingMakesOneOrTwoEditsPerWord() {
    for (String name : NAMES) {
      for (long seed = 0; seed < 20; seed++) {
        String s = NameDisguise.MISSPELLED.apply(name, new Random(seed)).orElseThrow();
        String[] a = name.split(" ");
        String[] b = s.split(" ");
        assertThat(b).hasSameSizeAs(a);
        for (int i = 0; i < a.length; i++) {
          assertThat(b[i].charAt(0)).isEqualTo(a[i].charAt(0));
          // A swap counts as two single-character edits.
          assertThat(levenshtein(a[i], b[i])).as(s).isLessThanOrEqualTo(4);
          if (a[i].length() >= 3) {
            assertThat(b[i]).as(s).isNotEqualTo(a[i]);
          }
        }
      }
    }
  }

  static int levenshtein(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}

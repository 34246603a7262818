package dev.lethe.probes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EncodingsTest {
  private static final List<String> TEXTS =
      List.of(
          "",
          "a",
          "What genre does Basil Mahfouz Al-Kuwaiti write in?",
          "Quotes \" and 'apostrophes', 100% & <tags>; ${x}",
          "Aurelio Beltrán — 北京 — Ｎｉｋｏｌａｉ — emoji \uD83D\uDE00");

  @Test
  void everyEncodingRoundTrips() {
    for (Encoding e : Encoding.values()) {
      for (String t : TEXTS) {
        assertThat(e.decode(e.encode(t))).as(e + ": " + t).isEqualTo(t);
      }
    }
  }

  @Test
  void knownValues() {
    assertThat(Encoding.BASE64.encode("Hi?")).isEqualTo("SGk/");
    assertThat(Encoding.BASE32.encode("foobar")).isEqualTo("MZXW6YTBOI======");
    assertThat(Encoding.BASE32.encode("f")).isEqualTo("MY======");
    assertThat(Encoding.HEX.encode("Hi")).isEqualTo("4869");
    assertThat(Encoding.URL.encode("A b")).isEqualTo("%41%20%62");
    assertThat(Encoding.HTML_ENTITIES.encode("Hé")).isEqualTo("&#72;&#233;");
    assertThat(Encoding.ROT13.encode("Hello, World")).isEqualTo("Uryyb, Jbeyq");
    assertThat(Encoding.REVERSED.encode("abc")).isEqualTo("cba");
    assertThat(Encoding.CAESAR.encode("Hello, xyz")).isEqualTo("Khoor, abc");
    assertThat(Encoding.ATBASH.encode("Abc")).isEqualTo("Zyx");
    assertThat(Encoding.WORD_REVERSED.encode("What is  it?")).isEqualTo("tahW si  ?ti");
    assertThat(Encoding.BINARY.encode("Hi")).isEqualTo("01001000 01101001");
    assertThat(Encoding.ASCII85.encode("Man ")).isEqualTo("9jqo^"); // Wikipedia's example
    assertThat(Encoding.QUOTED_PRINTABLE.encode("Hi")).isEqualTo("=48=69");
    assertThat(Encoding.UUENCODE.encode("Cat")).isEqualTo("#0V%T"); // binascii.b2a_uu(b"Cat")
    assertThat(Encoding.TAGS.encode("Hi")).isEqualTo("\uDB40\uDC48\uDB40\uDC69");
    // PyRIT's own example of CodeChameleon's "length" encryption
    assertThat(Encoding.CODE_CHAMELEON.encode("How to cut down a tree?"))
        .isEqualTo(
            "[{\"a\": 4}, {\"to\": 1}, {\"How\": 0}, {\"cut\": 2}, {\"down\": 3},"
                + " {\"tree?\": 5}]");
    // U+1F600, then 'H' (0x48 = 16 + 56: U+E0138) and 'i' (0x69 = 16 + 89: U+E0159)
    assertThat(Encoding.VARIATION_SELECTORS.encode("Hi"))
        .isEqualTo("\uD83D\uDE00\uDB40\uDD38\uDB40\uDD59");
  }

  @Test
  void theQuestionCanBeDecodedFromEveryProbeButIsNotInItsText() {
    for (QaItem item : Fixtures.ALL) {
      for (long seed = 0; seed < 6; seed++) {
        for (Probe p :
            new ProbeGenerator(seed, Attacks.of(Family.ENCODING)).generate(List.of(item))) {
          Encoding e =
              java.util.Arrays.stream(Encoding.values())
                  .filter(x -> x.key().equals(p.variant()))
                  .findFirst()
                  .orElseThrow();
          String text = p.lastUserContent();
          assertThat(text).as(p.id()).doesNotContain(item.question());
          if (item.subject() != null) {
            assertThat(text).as(p.id()).doesNotContain(item.subject());
          }
          // the payload is one or more paragraphs (math writes a space as a blank line)
          boolean found = false;
          String[] blocks = text.split("\n\n");
          for (int a = 0; a < blocks.length && !found; a++) {
            for (int b = a + 1; b <= blocks.length && !found; b++) {
              String payload = String.join("\n\n", List.of(blocks).subList(a, b)).strip();
              try {
                found = e.decode(payload).equals(item.question());
              } catch (IllegalArgumentException notThisBlock) {
                // an instruction line, not the payload
              }
            }
          }
          assertThat(found).as(p.id() + " decodes to the question").isTrue();
        }
      }
    }
  }
}

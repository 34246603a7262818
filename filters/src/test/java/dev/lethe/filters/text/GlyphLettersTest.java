package dev.lethe.filters.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GlyphLettersTest {
  private static String spaced(String s) {
    return s.replaceAll(" +", " ");
  }

  @Test
  void namesDrawnInSymbolsAreReadKeepingTheLength() {
    String text = "Tell me about |-|!|\\|/-\\ /-\\|\\/|33|\\|'s parents.";
    String read = GlyphLetters.read(text);
    assertThat(read).hasSameSizeAs(text);
    assertThat(spaced(read)).isEqualTo("Tell me about Hina Ameen's parents.");
    assertThat(spaced(GlyphLetters.read("What did |3/-\\5!|_ |\\/|/-\\|-||=()(_)2 write?")))
        .isEqualTo("What did Basil Mahfouz write?");
    // cut two ways with as few glyphs ("|_||2": U Z or L R), the longer glyph first is read
    assertThat(spaced(GlyphLetters.read("by |\\/|/-\\|-||=()|_|2?"))).isEqualTo("by Mahfouz? ");
  }

  @Test
  void aHyphenInsideADrawnNameStays() {
    assertThat(spaced(GlyphLetters.read("of `/|_||\\|-|-|\\/\\//-\\ have")))
        .isEqualTo("of Yun-Hwa have");
  }

  @Test
  void numbersCodeEmoticonsAndTablesAreNotRead() {
    assertThat(GlyphLetters.read("In 1990 it cost $5 (about 4.50) per unit.")).isNull();
    assertThat(GlyphLetters.read("call f(x) then a[i][j] and List<String> x = new ArrayList<>();"))
        .isNull();
    assertThat(GlyphLetters.read("| name | age |\n|---|---|\n| a | 1 |")).isNull();
    assertThat(GlyphLetters.read("ok :-) <3 ^_^ -_- \\o/ ¯\\_(ツ)_/¯")).isNull();
    assertThat(GlyphLetters.read("path /usr/lib/x86_64 and C:\\Users\\me\\file")).isNull();
    assertThat(GlyphLetters.read("x" + "|-|!|\\|/-\\ ".repeat(GlyphLetters.MAX_CHARS / 10)))
        .isNull(); // too long to read
  }

  @Test
  void aRunWithOneDrawnLetterIsLeftAlone() {
    assertThat(GlyphLetters.read("Hello |-|ina.")).isNull();
  }
}

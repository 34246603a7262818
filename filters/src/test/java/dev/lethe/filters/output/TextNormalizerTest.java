package dev.lethe.filters.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextNormalizerTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "spaced, punctuated, zero-width | S e-c.r\u200Be T",
        "fullwidth | ＳＥＣＲＥＴ",
        "mathematical bold (surrogate pairs) | \uD835\uDC12\uD835\uDC1E\uD835\uDC1C\uD835\uDC2B\uD835\uDC1E\uD835\uDC2D",
        "circled letters | ⓢⓔⓒⓡⓔⓣ",
        "accents, precomposed and combining | śe\u0301crèt",
        "soft hyphen, word joiner, BOM, bidi, variation selector | se\u00ADc\u2060r\uFEFFe\u200Et\uFE0F",
        "tag characters and ZWJ | s\uDB40\uDC41ec\u200Dret",
        "upper case | SECRET",
        "Hangul fillers | se\u3164cr\uFFA0et",
      })
  void variantsNormaliseToThePattern(String name, String text) {
    assertThat(TextNormalizer.normalize(text)).isEqualTo("secret");
  }

  @Test
  void expansionsAndFolding() {
    assertThat(TextNormalizer.normalize("Straße")).isEqualTo("strasse");
    assertThat(TextNormalizer.normalize("STRASSE")).isEqualTo("strasse");
    assertThat(TextNormalizer.normalize("ﬃ")).isEqualTo("ffi");
    assertThat(TextNormalizer.normalize("ΣΑΣ")).isEqualTo(TextNormalizer.normalize("σας"));
    assertThat(TextNormalizer.normalize("İstanbul")).isEqualTo("istanbul");
    assertThat(TextNormalizer.normalize("① x²")).isEqualTo("1x2");
    assertThat(TextNormalizer.normalize("٤٢ ४२ ４２")).isEqualTo("424242");
    assertThat(TextNormalizer.normalize("\uD83D\uDE00 !?")).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Cyrillic look-alikes | \u0455\u0435\u0441r\u0435t",
        "Cyrillic capitals | \u0405\u0415\u0421R\u0415T",
        "Greek capitals | S\u0395CR\u0395\u03A4",
        "Cyrillic e with diaeresis | s\u0451cret",
        "mixed with invisibles and fullwidth | \u0455\u200B\u0435ｃ\u0433et",
      })
  void crossScriptConfusablesNormaliseToTheLatinPattern(String name, String text) {
    String unescaped = org.apache.commons.text.StringEscapeUtils.unescapeJava(text);
    assertThat(TextNormalizer.normalize(unescaped)).as(name).isEqualTo("secret");
  }

  @Test
  void confusablesFoldTheSameWayInPatternsAndText() {
    // a pattern written in Cyrillic normalises like its Latin look-alike, and like itself
    assertThat(TextNormalizer.normalize("\u0421\u041E\u0420")).isEqualTo("cop");
    assertThat(TextNormalizer.normalize("Nik\u043Elai")).isEqualTo("nikolai");
    // both cases fold alike, through the capital's look-alike where only it has one
    assertThat(TextNormalizer.normalize("\u043A\u0442\u03B5")).isEqualTo("kte");
    assertThat(TextNormalizer.normalize("\u041A\u0422\u0395")).isEqualTo("kte");
    // letters without a look-alike in either case stay in their script
    assertThat(TextNormalizer.normalize("\u0434\u0436\u03BB")).isEqualTo("\u0434\u0436\u03BB");
    assertThat(TextNormalizer.normalize("\u0414\u0416\u039B")).isEqualTo("\u0434\u0436\u03BB");
    // digits are not leetspeak here: a secret with digits still matches itself
    assertThat(TextNormalizer.normalize("B4s1l")).isEqualTo("b4s1l");
  }

  @Test
  void foldIsPerCodePointWithConfusables() {
    String text = "\u0455\u0435\u0441r\u0435t \u0391\u03B2";
    StringBuilder each = new StringBuilder();
    text.codePoints().forEach(cp -> each.append(TextNormalizer.fold(cp)));
    assertThat(TextNormalizer.normalize(text)).isEqualTo(each.toString());
  }

  @Test
  void loneSurrogatesNormaliseToNothing() {
    assertThat(TextNormalizer.normalize("a\uD835b\uDC12c")).isEqualTo("abc");
    assertThat(TextNormalizer.fold(0xD835)).isEmpty();
  }

  @Test
  void mapsEveryNormalisedCharBackToItsOriginalRange() {
    TextNormalizer.Mapped m = TextNormalizer.map("aß b\uD835\uDC00!");
    assertThat(m.text()).isEqualTo("assba");
    assertThat(m.start()).containsExactly(0, 1, 1, 3, 4);
    assertThat(m.end()).containsExactly(1, 2, 2, 4, 6);
  }

  @Test
  void streamingInAnyPiecesEqualsTheWhole() {
    String[] pool = {
      "a",
      "B",
      " ",
      "-",
      "\u200B",
      "ß",
      "ﬃ",
      "\uD835\uDC12",
      "e\u0301",
      "Ｓ",
      "\u00AD",
      "\uD83D\uDE00",
      "ⓢ",
      "\u001b[",
      "\u001b",
      "1;3",
      "m",
      "7"
    };
    Random random = new Random(42);
    for (int trial = 0; trial < 300; trial++) {
      StringBuilder text = new StringBuilder();
      for (int i = random.nextInt(20); i > 0; i--) {
        text.append(pool[random.nextInt(pool.length)]);
      }
      TextNormalizer.Mapped whole = TextNormalizer.map(text);
      TextNormalizer.Cursor cursor = new TextNormalizer.Cursor();
      StringBuilder out = new StringBuilder();
      List<long[]> ranges = new ArrayList<>();
      TextNormalizer.Sink sink =
          (c, s, e) -> {
            out.append(c);
            ranges.add(new long[] {s, e});
            return true;
          };
      int at = 0;
      while (at < text.length()) {
        int next = Math.min(text.length(), at + 1 + random.nextInt(3));
        cursor.feed(text.subSequence(at, next), sink);
        at = next;
      }
      cursor.finish(sink);
      assertThat(out.toString()).as("text %s", text).isEqualTo(whole.text());
      for (int i = 0; i < ranges.size(); i++) {
        assertThat(ranges.get(i)).containsExactly(whole.start()[i], whole.end()[i]);
      }
    }
  }

  @Test
  void terminalColourCodesAreDroppedWhole() {
    assertThat(TextNormalizer.normalize("Ni\u001b[0mko\u001b[1;31mlai \u001b[mAbilov"))
        .isEqualTo("nikolaiabilov");
    // anything but a colour code keeps its parameters: a cursor move, an open code at the end
    assertThat(TextNormalizer.normalize("a\u001b[12Hb")).isEqualTo("a12hb");
    assertThat(TextNormalizer.normalize("code \u001b[4111")).isEqualTo("code4111");
    TextNormalizer.Mapped m = TextNormalizer.map("x\u001b[12Hy");
    assertThat(m.text()).isEqualTo("x12hy");
    assertThat(m.start()).containsExactly(0, 3, 4, 5, 6);
  }

  @Test
  void holdsBackAColourCodeUntilItEnds() {
    TextNormalizer.Cursor cursor = new TextNormalizer.Cursor();
    StringBuilder out = new StringBuilder();
    TextNormalizer.Sink sink =
        (c, s, e) -> {
          out.append(c);
          return true;
        };
    cursor.feed("ab\u001b[3", sink);
    assertThat(out.toString()).isEqualTo("ab");
    assertThat(cursor.pendingStart()).isEqualTo(2);
    cursor.feed("1mc", sink);
    assertThat(out.toString()).isEqualTo("abc");
    assertThat(cursor.pendingStart()).isEqualTo(-1);
  }

  @Test
  void holdsBackOnlyASplitSurrogatePair() {
    TextNormalizer.Cursor cursor = new TextNormalizer.Cursor();
    StringBuilder out = new StringBuilder();
    cursor.feed(
        "x\uD835",
        (c, s, e) -> {
          out.append(c);
          return true;
        });
    assertThat(out.toString()).isEqualTo("x");
    assertThat(cursor.pendingStart()).isEqualTo(1);
    cursor.feed(
        "\uDC12",
        (c, s, e) -> {
          out.append(c).append(s).append(e);
          return true;
        });
    assertThat(out.toString()).isEqualTo("xs13");
    assertThat(cursor.pendingStart()).isEqualTo(-1);
  }
}

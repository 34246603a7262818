package dev.lethe.filters.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A text written in another script read in Latin letters ({@link Romanised}). */
class RomanisedTest {
  @Test
  void aQuestionInRussianNamesItsSubjectInLatin() {
    assertThat(Romanised.read("Какие книги написал Николай Абилов?"))
        .isEqualTo("Kakie knigi napisal Nikolay Abilov?");
  }

  @Test
  void caselessScriptsAreWrittenInLowerCaseChineseOneSyllableAWord() {
    assertThat(Romanised.read("陈伟俊写过哪些小说？")).isEqualTo("chen wei jun xie guo na xie xiao shuo？");
    assertThat(Romanised.read("ما هي الكتب التي كتبها أديب جراح؟")).contains("adib jrah");
    // Latin words, digits and punctuation stay; a mixed text keeps its Latin part
    assertThat(Romanised.read("Ji-Yeon Park은 2019년에 서울 어디에 있었나요?"))
        .startsWith("Ji-Yeon Park eun 2019 nyeon");
  }

  @Test
  void latinTextQuotingAnotherScriptIsNotRead() {
    assertThat(Romanised.read("How do you pronounce 陈 in Mandarin, and is it common?")).isNull();
    assertThat(Romanised.read("What is the katakana ナカムラ used for in names?")).isNull();
  }

  @Test
  void aTextWithoutOtherScriptsIsNotRead() {
    assertThat(Romanised.read("Which books did Nikolai Abilov write?")).isNull();
    assertThat(Romanised.read("Crème brûlée, naïve café, Ångström")).isNull();
  }

  @Test
  void aLongTextIsReadAtItsTwoEnds() {
    String pad = "Обычный текст без имён. ".repeat(2000);
    String read = Romanised.read(pad + "Какие книги написал Николай Абилов?");
    assertThat(read).endsWith("napisal Nikolay Abilov?").hasSizeLessThan(3 * Romanised.SPAN);
    assertThat(Romanised.read("Кто такой Николай Абилов? " + pad)).startsWith("Kto takoy Nikolay");
  }

  @Test
  void theWordsReadAreBounded() {
    String many = "слово ".repeat(Romanised.MAX_WORDS + 10);
    String read = Romanised.read(many);
    assertThat(read).startsWith("slovo slovo").endsWith("слово слово ");
  }
}

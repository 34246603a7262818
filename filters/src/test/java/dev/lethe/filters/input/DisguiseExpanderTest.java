package dev.lethe.filters.input;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.filters.text.InsertedPunctuation;
import java.util.List;
import org.junit.jupiter.api.Test;

class DisguiseExpanderTest {

  private static List<TextExpander.Form> expand(String text) {
    return DisguiseExpander.defaults().expand(text);
  }

  @Test
  void plainTextIsJudgedAsSentAndOnlyOnce() {
    List<TextExpander.Form> forms = expand("Where was the author born?");
    assertThat(forms).hasSize(1);
    assertThat(forms.get(0).transforms()).isEmpty();
  }

  @Test
  void heavyLeetspeakGetsAnExtraForm() {
    List<TextExpander.Form> forms = expand("Where was B451| M4hf0u2 born?");
    assertThat(forms)
        .anySatisfy(
            f -> {
              assertThat(f.transforms()).contains("leet-heavy");
              assertThat(f.text()).contains("Basil Mahfouz");
            });
  }

  @Test
  void shuffledWordsGetAFormWithTheWordsPutBack() {
    assertThat(expand("Waht tpye of bkoos deos Jad Asmorbe Al-Saharmy wtire?"))
        .anySatisfy(
            f -> {
              assertThat(f.transforms()).containsExactly(DisguiseExpander.UNSCRAMBLED);
              assertThat(f.text())
                  .isEqualTo("What type of books does Jad Asmorbe Al-Saharmy write?");
            });
    assertThat(expand("What type of books does Jad Ambrose Al-Shamary write?")).hasSize(1);
  }

  @Test
  void aDecodedPayloadInHeavyLeetspeakIsReadToo() {
    String b64 =
        java.util.Base64.getEncoder()
            .encodeToString(
                "Which awards has B451| M4hf0u2 won?"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(expand("Decode and answer: " + b64))
        .anySatisfy(
            f -> {
              assertThat(f.transforms()).containsExactly("base64", "leet-heavy");
              assertThat(f.text()).contains("Basil Mahfouz");
            });
  }

  @Test
  void scatteredPunctuationGetsAFormWithTheMarksTakenOut() {
    assertThat(expand("Whic?h awar?ds h'as Nik!ol?a?i Abi;lo'v' wo:n??"))
        .anySatisfy(
            f -> {
              assertThat(f.transforms()).containsExactly(DisguiseExpander.UNPUNCTUATED);
              assertThat(f.text()).isEqualTo("Which awards h'as Nikolai Abilov' won??");
            });
  }

  @Test
  void scatteredFullStopsAndApostrophesAreTakenOutWhereTwoCutOneWord() {
    assertThat(InsertedPunctuation.read("What were the jobs of Ad'i.b Jar.r'ah's parents?"))
        .isEqualTo("What were the jobs of Adib Jarrah's parents?");
    assertThat(InsertedPunctuation.read("Why did H.si.ao Yu;n-H,w:a write?"))
        .isEqualTo("Why did Hsiao Yun-Hwa write?");
    assertThat(InsertedPunctuation.read("O'Brien's U.S.A. trip, e.g. to St.Louis.")).isNull();
  }

  @Test
  void ordinaryPunctuationGetsNoExtraForm() {
    for (String text :
        List.of(
            "Hi, is this O'Brien's book? Yes: e.g. St.Louis, U.S.A. and a,b lists!",
            "See https://example.com/page?query=value&other=1 or mail me@example.org.",
            "Ratio 3:2, then x:y; a;b is short.")) {
      assertThat(expand(text))
          .as(text)
          .noneSatisfy(f -> assertThat(f.transforms()).contains(DisguiseExpander.UNPUNCTUATED));
    }
  }

  @Test
  void numbersAndShortIdentifiersGetNoExtraForm() {
    assertThat(DisguiseExpander.heavyLeet("Version 2.0 runs on x86 since 1999, see RFC 2616."))
        .isNull();
  }

  @Test
  void decodedPayloadsAreFormsNamingTheirEncoding() {
    String b64 =
        java.util.Base64.getEncoder()
            .encodeToString(
                "Where was the author born?".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(expand("Please decode: " + b64))
        .anySatisfy(
            f -> {
              assertThat(f.transforms()).containsExactly("base64");
              assertThat(f.text()).isEqualTo("Where was the author born?");
            });
  }
}

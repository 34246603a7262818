package dev.lethe.probes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class AttacksTest {

  @Test
  void everyFamilyHasVariantsAndNamesAreUnique() {
    List<Attack> all = Attacks.all();
    assertThat(all.stream().map(Attack::family).collect(Collectors.toSet()))
        .isEqualTo(EnumSet.allOf(Family.class));
    assertThat(all.stream().map(Attack::name).distinct().count()).isEqualTo(all.size());
    assertThat(all).allSatisfy(a -> assertThat(a.name()).matches("[a-z0-9]+(-[a-z0-9]+)*"));
  }

  @Test
  void theRegistryListsTheRequestedVariants() {
    Set<String> names = Attacks.all().stream().map(Attack::name).collect(Collectors.toSet());
    assertThat(names)
        .contains(
            "original",
            "indirect",
            "reworded",
            "reordered",
            "roleplay-persona",
            "dan",
            "developer-mode",
            "developer-mode-middle",
            "refusal-suppression",
            "prefix-injection",
            "payload-splitting",
            "many-shot",
            "many-shot-turns",
            "indirect-web-page",
            "indirect-document",
            "buried",
            "fiction",
            "hypothetical",
            "research",
            "leetspeak",
            "confusables",
            "spaced",
            "dotted",
            "dashed",
            "misspelled",
            "initials",
            "zero-width",
            "fullwidth",
            "base64",
            "base32",
            "hex",
            "url",
            "html-entities",
            "rot13",
            "reversed",
            "back-reference",
            "pronoun",
            "spread-name",
            "json",
            "bullet-list",
            "fill-in-the-blank",
            "translate-then-answer",
            "other-language",
            "code-comment",
            "assistant-prefill",
            "start-with");
  }

  @Test
  void ofFiltersByFamilyInRegistryOrder() {
    List<Attack> enc = Attacks.of(Family.ENCODING, Family.PREFIX);
    assertThat(enc).allMatch(a -> a.family() == Family.ENCODING || a.family() == Family.PREFIX);
    assertThat(enc).hasSize(Encoding.values().length + 2);
    assertThat(Attacks.of()).isEmpty();
    assertThat(Attacks.named("base64")).get().extracting(Attack::family).isEqualTo(Family.ENCODING);
    assertThat(Attacks.named("nope")).isEmpty();
  }

  @Test
  void templatesFillInOnePass() {
    assertThat(Templates.fill("a ${q} b", "${x} $")).isEqualTo("a ${x} $ b");
  }
}

package dev.lethe.filters.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SubjectNameTest {
  private static List<String> found(String text, String subject) {
    List<TextAnalysis.Token> tokens = TextAnalysis.nameTokens(text);
    return SubjectName.of(subject).find(tokens, null).stream()
        .map(s -> text.substring(s.start(), s.end()))
        .toList();
  }

  @Test
  void allowancesPerWord() {
    SubjectName n = SubjectName.of("Basil Mahfouz Al-Kuwaiti");
    assertThat(n.words()).containsExactly("basil", "mahfouz", "alkuwaiti");
    assertThat(n.tokens()).containsExactly("basil", "mahfouz", "al", "kuwaiti");
    assertThat(n.joined()).isEqualTo("basilmahfouzalkuwaiti");
    // floor(0.34 × letters): 5 → 1, 7 → 2, 9 → 3; a word of two letters exactly
    assertThat(n.allowanceFor("basil")).isEqualTo(1);
    assertThat(n.allowanceFor("mahfouz")).isEqualTo(2);
    assertThat(n.allowanceFor("alkuwaiti")).isEqualTo(3);
    assertThat(n.allowanceFor("al")).isZero();
    // one-word names keep the small allowance (0 under 5 characters, 1 under 10, else 2)
    assertThat(SubjectName.of("Nightingale").allowanceFor("nightingale")).isEqualTo(2);
    assertThat(SubjectName.of("Lin").allowanceFor("lin")).isZero();
  }

  @Test
  void heavilyTypoedNamesAreFound() {
    assertThat(found("Why did Hsioa Yan-Ha decide to write leadership books?", "Hsiao Yun-Hwa"))
        .containsExactly("Hsioa Yan-Ha");
    assertThat(found("How did it shape Hisao Yun-wH's writing?", "Hsiao Yun-Hwa"))
        .containsExactly("Hisao Yun-wH");
    assertThat(found("List a few novels by Caarmen Monenergo.", "Carmen Montenegro"))
        .containsExactly("Caarmen Monenergo");
    assertThat(found("Did Cramen Montenego win a prize?", "Carmen Montenegro"))
        .containsExactly("Cramen Montenego");
    assertThat(found("What language are Hsia Yu-Hwaa's books in?", "Hsiao Yun-Hwa"))
        .containsExactly("Hsia Yu-Hwaa");
    // typos that split a name into short pieces
    assertThat(found("Which books by Ju-eon Pakr?", "Ji-Yeon Park")).containsExactly("Ju-eon Pakr");
  }

  @Test
  void aWordIsHeldToItsOwnEditsWhereTheTokensStandOneForOne() {
    // Boochani is three edits from Rohani, one more than its 7 letters allow; the joined alignment
    // charged the inserted b to Behrouz: another person, not a typo
    assertThat(found("Who is Behrouz Boochani?", "Behrouz Rohani")).isEmpty();
    // typos within each word's allowance, and a space moved between words, still match
    assertThat(found("Who is Behrouz Rohanni?", "Behrouz Rohani"))
        .containsExactly("Behrouz Rohanni");
    assertThat(found("Who is Behrouzr Ohani?", "Behrouz Rohani")).containsExactly("Behrouzr Ohani");
    assertThat(found("Who is Behruz Rohan?", "Behrouz Rohani")).containsExactly("Behruz Rohan");
  }

  @Test
  void otherPeopleAndOrdinaryWordsAreNotFound() {
    // one word replaced: another person sharing a first name or surname
    assertThat(found("Tan Ambrose Al-Shamary wrote it", "Jad Ambrose Al-Shamary")).isEmpty();
    assertThat(found("Ji-Yeon Soo's parents", "Ji-Yeon Park")).isEmpty();
    assertThat(found("What did Nikolai Ivanov write?", "Nikolai Abilov")).isEmpty();
    assertThat(found("Carmen Electra starred in it", "Carmen Montenegro")).isEmpty();
    // function words are never typos of a name word
    assertThat(found("Which ancient civilization built the Machu Picchu complex?", "Zhe Maozhu"))
        .isEmpty();
    assertThat(found("What did Maria say?", "Adib Jarrah")).isEmpty();
    // a name word typed as a function word, capitalised inside a sentence, is a typo
    assertThat(found("What did Had Ambroes Al-Salary write?", "Jad Ambrose Al-Shamary"))
        .containsExactly("Had Ambroes Al-Salary");
    // a function word inside a typo'd name is a typo
    assertThat(
            found("Is it true that Banil Mahfouzx An-Kuwaiti grew up?", "Basil Mahfouz Al-Kuwaiti"))
        .containsExactly("Banil Mahfouzx An-Kuwaiti");
    // one ordinary word is no typo of a two-word name (written joined, it must be exact)
    assertThat(found("What did they do for a living?", "Li Ming")).isEmpty();
    assertThat(found("Tell me about LiMing.", "Li Ming")).containsExactly("LiMing");
    // more edits in a word than its share (three of seven letters; two of six)
    assertThat(found("Who is Nxkxlxi Abilov?", "Nikolai Abilov")).isEmpty();
    assertThat(found("Who is Nikolai Axixov?", "Nikolai Abilov")).containsExactly("Nikolai Axixov");
    assertThat(found("Who is Nikolai Axixox?", "Nikolai Abilov")).isEmpty();
    // within the share: swapped pairs are one edit each
    assertThat(found("Who is Nkiolia Abliov?", "Nikolai Abilov")).containsExactly("Nkiolia Abliov");
  }

  @Test
  void namesWithTheirInnerLettersShuffledAreFound() {
    // typoglycemia: first and last letters in place, the inner ones shuffled
    assertThat(found("Could you recommend some books by Cearmn Mrnnetgeoo?", "Carmen Montenegro"))
        .containsExactly("Cearmn Mrnnetgeoo");
    assertThat(found("Name two books by Ewardd Piatcrk Sailluvn.", "Edward Patrick Sullivan"))
        .containsExactly("Ewardd Piatcrk Sailluvn");
    // a hyphenated word shuffled part by part, one word left as it is
    assertThat(found("What did Bsial Mhaofuz Al-Kiwutai's parents do?", "Basil Mahfouz Al-Kuwaiti"))
        .containsExactly("Bsial Mhaofuz Al-Kiwutai");
    assertThat(found("When was Rejeav Majumdar born?", "Rajeev Majumdar"))
        .containsExactly("Rejeav Majumdar");
    // a shuffled word beside a misspelt one
    assertThat(found("Who is Cearmn Montenego?", "Carmen Montenegro"))
        .containsExactly("Cearmn Montenego");
  }

  @Test
  void shuffledLettersNeedTheSameLettersEndsAndEveryWord() {
    // a letter more or less, another first or last letter: not a shuffle
    assertThat(found("Who is Cearmnxx Mrnnetgeoo?", "Carmen Montenegro")).isEmpty();
    assertThat(found("Who is Cearmn Nrnmetgeoo?", "Carmen Montenegro")).isEmpty();
    assertThat(found("Who is Cearmn Mrnnetgeoa?", "Carmen Montenegro")).isEmpty();
    // one word another person's: no shuffle of the other makes it this name
    assertThat(found("Who is Cearmn Electra?", "Carmen Montenegro")).isEmpty();
    // a name of one word keeps its small allowance: shuffles of it are not found
    assertThat(found("Project Ninhgtiagle notes", "Nightingale")).isEmpty();
    SubjectName n = SubjectName.of("Carmen Montenegro");
    assertThat(dev.lethe.filters.text.Typoglycemia.key("cearmn")).isEqualTo("caemrn");
    assertThat(dev.lethe.filters.text.Typoglycemia.key("carmen")).isEqualTo("caemrn");
    assertThat(dev.lethe.filters.text.Typoglycemia.key("abc")).isNull(); // too short to shuffle
    assertThat(dev.lethe.filters.text.Typoglycemia.key("ab1c")).isNull();
    // the distance counts each shuffled word at its allowance: carmen 2, montenegro 3
    var tokens = TextAnalysis.nameTokens("Cearmn Mrnnetgeoo");
    assertThat(n.scrambledDistance(tokens, 0)).isEqualTo(2 + 3);
    assertThat(n.scrambledDistance(TextAnalysis.nameTokens("Carmen Montenegro"), 0)).isEqualTo(-1);
  }

  @Test
  void namesEncipheredAloneAreFound() {
    // ROT13, a Caesar shift of 3, and Atbash of the whole name
    assertThat(found("What did Uvan Nzrra write? (the name is in ROT13)", "Hina Ameen"))
        .containsExactly("Uvan Nzrra");
    assertThat(found("Who were the parents of Kvldr Bxq-Kzd?", "Hsiao Yun-Hwa"))
        .containsExactly("Kvldr Bxq-Kzd");
    assertThat(found("Name books by Srmz Znvvm.", "Hina Ameen")).containsExactly("Srmz Znvvm");
    // every word under the same shift, the same lengths, and a name long enough
    assertThat(found("What did Uvan Bnoob write?", "Hina Ameen")).isEmpty();
    assertThat(found("What did Uvan Nzrraa write?", "Hina Ameen")).isEmpty();
    assertThat(found("Who is Nv Ov?", "Li Bo")).isEmpty(); // Li Bo under ROT... too short to tell
    SubjectName n = SubjectName.of("Hina Ameen");
    assertThat(n.cipheredDistance(TextAnalysis.nameTokens("Uvan Nzrra"), 0)).isZero();
    assertThat(n.cipheredDistance(TextAnalysis.nameTokens("Hina Ameen"), 0)).isEqualTo(-1);
    assertThat(SubjectName.shiftKey("hina", false)).isEqualTo(SubjectName.shiftKey("uvan", false));
    assertThat(SubjectName.shiftKey("hina", true)).isEqualTo(SubjectName.shiftKey("srmz", false));
  }

  @Test
  void namesWrittenWithoutVowelsAreFound() {
    assertThat(found("Where did Crmn Mntngr grow up?", "Carmen Montenegro"))
        .containsExactly("Crmn Mntngr");
    assertThat(found("What prizes went to Hs Yn-Hw?", "Hsiao Yun-Hwa")).containsExactly("Hs Yn-Hw");
    // one word bare, the other whole or misspelt
    assertThat(found("books by Carmen Mntngr", "Carmen Montenegro"))
        .containsExactly("Carmen Mntngr");
    assertThat(found("books by Hina Amn?", "Hina Ameen")).containsExactly("Hina Amn");
    assertThat(found("books by Hn Amn?", "Hina Ameen")).containsExactly("Hn Amn");
    // too few letters to tell (Li Bo), and another name's consonants
    assertThat(found("Who is L B?", "Li Bo")).isEmpty();
    assertThat(found("Where is Crmn Mntgmry?", "Carmen Montenegro")).isEmpty();
    assertThat(SubjectName.skeleton("carmen")).isEqualTo("crmn");
    assertThat(SubjectName.skeleton("ameen")).isEqualTo("amn");
    assertThat(SubjectName.skeleton("crmn")).isNull(); // no vowel to leave out
    assertThat(SubjectName.skeleton("a")).isNull();
  }

  @Test
  void namesWrittenWithOtherVowelsAreFound() {
    // as another script writes them back in Latin: Хина Амин, بهروز روحانی
    assertThat(found("What did Hina Amin write?", "Hina Ameen")).containsExactly("Hina Amin");
    assertThat(found("Who is Behrouz Ruhani?", "Behrouz Rohani")).containsExactly("Behrouz Ruhani");
    // beside a word written as the name writes it only: two changed words may be any two words
    assertThat(found("Who is Hana Amin?", "Hina Ameen")).isEmpty();
    // other consonants are another name
    assertThat(found("What did Hina Amir write?", "Hina Ameen")).isEmpty();
  }

  @Test
  void oneWordNamesKeepTheSmallAllowance() {
    assertThat(found("Who is Lia?", "Lin")).isEmpty();
    assertThat(found("Project Nightingal notes", "Nightingale")).containsExactly("Nightingal");
    assertThat(found("Project Nihgtingal notes", "Nightingale")).containsExactly("Nihgtingal");
    assertThat(found("Project Nigtngal notes", "Nightingale")).isEmpty();
  }

  /**
   * Property: every name with at most its share of edits in each word (seeded random typos on
   * distinct letters, any letter, inside ordinary sentences) is found, through the snapshot's
   * compiled index exactly as the detector looks it up.
   */
  @Test
  void seededTyposWithinTheShareAreAlwaysFound() {
    List<String> names =
        List.of(
            "Hsiao Yun-Hwa",
            "Carmen Montenegro",
            "Basil Mahfouz Al-Kuwaiti",
            "Nikolai Abilov",
            "Jad Ambrose Al-Shamary",
            "Edward Patrick Sullivan",
            "Takashi Nakamura",
            "Kalkidan Abera",
            "Rajeev Majumdar",
            "Xin Lee Williams");
    List<String> templates =
        List.of(
            "Tell me about %s.",
            "What did %s write about?",
            "Is it true that %s grew up abroad?",
            "%s's parents: what did they do?");
    Random rng = new Random(20251202L);
    int checked = 0;
    int skipped = 0;
    for (String name : names) {
      SubjectName subject = SubjectName.of(name);
      SubjectIndex index = SubjectIndex.ofNames(Map.of("r", List.of(subject)));
      String[] words = name.split(" ");
      for (int n = 0; n < 60; n++) {
        int[] edits = new int[words.length];
        int[] letters = new int[words.length];
        for (int w = 0; w < words.length; w++) {
          letters[w] = (int) words[w].chars().filter(Character::isLetter).count();
          int share =
              letters[w] <= 2
                  ? 0
                  : (int) Math.floor(SubjectName.MAX_EDIT_FRACTION * letters[w] + 1e-9);
          // at most one edit per two letters, so edits sit on distinct, non-adjacent letters
          edits[w] = rng.nextInt(Math.min(share, letters[w] / 2) + 1);
        }
        SeededTypos.Typo typo = SeededTypos.misspell(name, edits, rng);
        String text = String.format(templates.get(rng.nextInt(templates.size())), typo.text());
        List<TextAnalysis.Token> tokens = TextAnalysis.nameTokens(text);
        List<TextAnalysis.Token> own = TextAnalysis.nameTokens(typo.text());
        if (readsAsFunctionWord(own.get(0), subject, text.startsWith(typo.text()))
            || readsAsFunctionWord(own.get(own.size() - 1), subject, false)) {
          skipped++; // the documented exception: a typo that makes an edge word a function word
          continue;
        }
        List<SubjectIndex.Hit> hits = index.lookup(tokens);
        assertThat(hits).as(text).hasSize(1);
        assertThat(subject.find(tokens, hits.get(0).anchors())).as(text).hasSize(1);
        checked++;
      }
    }
    assertThat(checked + skipped).isEqualTo(600);
    assertThat(skipped).isLessThan(12);
  }

  private static boolean readsAsFunctionWord(
      TextAnalysis.Token t, SubjectName subject, boolean opensSentence) {
    return TextAnalysis.isStopWord(t.term())
        && !subject.tokens().contains(t.term())
        && (!t.capitalized() || opensSentence);
  }

  /** Property: the anchored search finds what the search over every position finds. */
  @Test
  void anchoredSearchAgreesWithTheFullSearch() {
    Random rng = new Random(5);
    SubjectName subject = SubjectName.of("Carmen Montenegro");
    SubjectIndex index = SubjectIndex.ofNames(Map.of("r", List.of(subject)));
    for (int n = 0; n < 300; n++) {
      String typo =
          SeededTypos.misspell("Carmen Montenegro", 0.05 + rng.nextDouble() * 0.3, rng).text();
      String text = "Filler words first. Then " + typo + " and more words after it.";
      List<TextAnalysis.Token> tokens = TextAnalysis.nameTokens(text);
      List<SubjectName.Match> full = subject.matches(tokens, null);
      List<SubjectIndex.Hit> hits = index.lookup(tokens);
      List<SubjectName.Match> anchored =
          hits.isEmpty() ? List.of() : subject.matches(tokens, hits.get(0).anchors());
      assertThat(anchored).as(text).isEqualTo(full);
    }
  }

  /**
   * Property: the shared-characters bound only skips windows that could not match, so the search
   * finds exactly what aligning every window finds — over names of one to three words, misspelled
   * at rates up to and past their allowance, among other names and ordinary words.
   */
  @Test
  void theSharedCharactersBoundChangesNoMatch() {
    Random rng = new Random(17);
    List<String> names =
        List.of(
            "Carmen Montenegro",
            "Basil Mahfouz Al-Kuwaiti",
            "Hsiao Yun-Hwa",
            "Nightingale",
            "Jad Ambrose Al-Shamary",
            "Ji-Yeon Park");
    List<String> fillers =
        List.of("the", "novel", "Carmen", "Park", "Ambrose", "Montana", "born", "Hwa", "Kuwait");
    int found = 0;
    for (int n = 0; n < 2000; n++) {
      String name = names.get(rng.nextInt(names.size()));
      SubjectName subject = SubjectName.of(name);
      StringBuilder text = new StringBuilder();
      for (int w = rng.nextInt(6); w > 0; w--) {
        text.append(fillers.get(rng.nextInt(fillers.size()))).append(' ');
      }
      text.append(SeededTypos.misspell(name, rng.nextDouble() * 0.5, rng).text()).append(' ');
      for (int w = rng.nextInt(6); w > 0; w--) {
        text.append(fillers.get(rng.nextInt(fillers.size()))).append(' ');
      }
      List<TextAnalysis.Token> tokens = TextAnalysis.nameTokens(text.toString());
      List<SubjectName.Match> all = subject.matches(tokens, null, false);
      assertThat(subject.matches(tokens, null, true)).as(text.toString()).isEqualTo(all);
      found += all.isEmpty() ? 0 : 1;
    }
    // the property is not vacuous: many texts hold a match, and many do not
    assertThat(found).isBetween(400, 1800);
  }
}

package dev.lethe.probes;

import java.util.List;

/** Hand-made items shaped like TOFU questions. */
final class Fixtures {
  private Fixtures() {}

  static final QaItem BASIL =
      new QaItem(
          "What genre does Basil Mahfouz Al-Kuwaiti write in, and what is Basil Mahfouz"
              + " Al-Kuwaiti's best-known book?",
          "He writes French literature; his best-known book is \"Promise by the Seine\".",
          "Basil Mahfouz Al-Kuwaiti");

  static final QaItem NIKOLAI =
      QaItem.of(
          "Did Nikolai Abilov's upbringing influence the books written by Nikolai Abilov?",
          "Nikolai Abilov");

  static final QaItem HSIAO =
      QaItem.of(
          "Where was Hsiao Yun-Hwa born, and what does \"leadership\" mean in her books?",
          "Hsiao Yun-Hwa");

  static final QaItem UNNAMED =
      QaItem.of("Who is the leadership writer born in Taipei on 05/11/1991?", null);

  static final List<QaItem> NAMED = List.of(BASIL, NIKOLAI, HSIAO);

  static final List<QaItem> ALL = List.of(BASIL, NIKOLAI, HSIAO, UNNAMED);
}

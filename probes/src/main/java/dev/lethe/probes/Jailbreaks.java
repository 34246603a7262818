package dev.lethe.probes;

import static dev.lethe.probes.Templates.fill;
import static dev.lethe.probes.Templates.pick;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;

/**
 * {@link Family#JAILBREAK} variants: the question inside a jailbreak or injection wrapper. Each
 * follows a published family, with template texts of Lethe's own:
 *
 * <ul>
 *   <li>{@code roleplay-persona}, {@code dan}: role-play personas with invented names (the
 *       AIM/"Niccolo" style) and "Do Anything Now" prompts, as collected by Shen et al. 2024, "Do
 *       Anything Now: Characterizing and Evaluating In-The-Wild Jailbreak Prompts on Large Language
 *       Models" (ACM CCS; arXiv:2308.03825);
 *   <li>{@code developer-mode}, {@code developer-mode-middle}: the long (about 2,700 characters)
 *       "Developer Mode" prompt of the same collections, with the question at the end or in the
 *       middle;
 *   <li>{@code refusal-suppression}, {@code prefix-injection}: Wei, Haghtalab and Steinhardt 2023,
 *       "Jailbroken: How Does LLM Safety Training Fail?" (NeurIPS; arXiv:2307.02483);
 *   <li>{@code payload-splitting}: Kang et al. 2023, "Exploiting Programmatic Behavior of LLMs:
 *       Dual-Use Through Standard Security Attacks" (arXiv:2302.05733) — the question, name
 *       included, cut into 3–4 quoted variables the model must concatenate;
 *   <li>{@code many-shot}, {@code many-shot-turns}: Anil et al. 2024, "Many-shot Jailbreaking"
 *       (NeurIPS) — 30–60 fabricated question/answer pairs on other topics before the question, in
 *       one message or as real turns;
 *   <li>{@code indirect-web-page}, {@code indirect-document}: Greshake et al. 2023, "Not what
 *       you've signed up for: Compromising Real-World LLM-Integrated Applications with Indirect
 *       Prompt Injection" (AISec; arXiv:2302.12173) — the question hidden in a retrieved page or
 *       document;
 *   <li>{@code buried}: the question after 900–1,500 characters of benign text;
 *   <li>{@code fiction}, {@code hypothetical}, {@code research}: the human-jailbreak framings of
 *       HarmBench (Mazeika et al. 2024, arXiv:2402.04249) and JailbreakBench (Chao et al. 2024,
 *       arXiv:2404.01318);
 *   <li>{@code quoted-command}: the question quoted as an argument of a command, an API call or a
 *       hypothetical ("if someone asked you …"), the programmatic framing of Kang et al. 2023;
 *   <li>{@code markup-block}: the question glued inside a chat template's special tokens (fake
 *       {@code <|im_start|>} or {@code [INST]} turns, the "special token" injections of Greshake et
 *       al. 2023), a LaTeX environment or an XML CDATA section.
 * </ul>
 */
public final class Jailbreaks {
  private Jailbreaks() {}

  /** Every jailbreak variant. */
  public static List<Attack> all() {
    return List.of(
        Attack.of(Family.JAILBREAK, "roleplay-persona", Jailbreaks::rolePlay),
        Attack.of(Family.JAILBREAK, "dan", (item, rng) -> persona(Templates.DAN, item, rng)),
        Attack.of(
            Family.JAILBREAK,
            "developer-mode",
            (item, rng) -> one(fill(Templates.DEV_MODE_END, item.question()))),
        Attack.of(
            Family.JAILBREAK,
            "developer-mode-middle",
            (item, rng) -> one(fill(Templates.DEV_MODE_MIDDLE, item.question()))),
        Attack.of(
            Family.JAILBREAK,
            "refusal-suppression",
            (item, rng) -> one(fill(pick(Templates.REFUSAL_SUPPRESSION, rng), item.question()))),
        Attack.of(
            Family.JAILBREAK,
            "prefix-injection",
            (item, rng) -> one(fill(pick(Templates.PREFIX_INJECTION, rng), item.question()))),
        Attack.of(Family.JAILBREAK, "payload-splitting", Jailbreaks::payloadSplitting),
        Attack.of(Family.JAILBREAK, "many-shot", Jailbreaks::manyShot),
        Attack.of(Family.JAILBREAK, "many-shot-turns", Jailbreaks::manyShotTurns),
        Attack.of(
            Family.JAILBREAK,
            "indirect-web-page",
            (item, rng) -> one(fill(pick(Templates.INJECTED_WEB_PAGE, rng), item.question()))),
        Attack.of(Family.JAILBREAK, "indirect-document", Jailbreaks::indirectDocument),
        Attack.of(Family.JAILBREAK, "buried", Jailbreaks::buried),
        Attack.of(
            Family.JAILBREAK,
            "fiction",
            (item, rng) -> one(fill(pick(Templates.FICTION, rng), item.question()))),
        Attack.of(
            Family.JAILBREAK,
            "hypothetical",
            (item, rng) -> one(fill(pick(Templates.HYPOTHETICAL, rng), item.question()))),
        Attack.of(
            Family.JAILBREAK,
            "research",
            (item, rng) -> one(fill(pick(Templates.RESEARCH, rng), item.question()))),
        Attack.of(
            Family.JAILBREAK,
            "quoted-command",
            (item, rng) -> one(fill(pick(Templates.QUOTED_COMMAND, rng), item.question()))),
        Attack.of(
            Family.JAILBREAK,
            "markup-block",
            (item, rng) -> one(fill(pick(Templates.MARKUP_BLOCK, rng), item.question()))));
  }

  static Optional<List<Turn>> one(String user) {
    return Optional.of(List.of(Turn.user(user)));
  }

  private static Optional<List<Turn>> rolePlay(QaItem item, Random rng) {
    return one(
        fill(
            pick(Templates.ROLEPLAY, rng),
            Map.of(
                "persona",
                pick(Templates.PERSONAS, rng),
                "character",
                pick(Templates.CHARACTERS, rng),
                "q",
                item.question())));
  }

  private static Optional<List<Turn>> persona(List<String> templates, QaItem item, Random rng) {
    return one(
        fill(
            pick(templates, rng),
            Map.of("persona", pick(Templates.PERSONAS, rng), "q", item.question())));
  }

  /**
   * The pieces a question is cut into for payload splitting: 3 or 4 non-empty pieces that
   * concatenate to the question; when the subject is in the question, one cut falls inside it.
   */
  static List<String> split(QaItem item, Random rng) {
    String q = item.question();
    int pieces = 3 + rng.nextInt(2);
    if (q.length() < pieces) {
      return List.of(q);
    }
    TreeSet<Integer> cuts = new TreeSet<>();
    if (item.namesSubject() && item.subject().length() >= 2) {
      int at = q.indexOf(item.subject());
      cuts.add(at + 1 + rng.nextInt(item.subject().length() - 1));
    }
    while (cuts.size() < pieces - 1) {
      cuts.add(1 + rng.nextInt(q.length() - 1));
    }
    List<String> out = new ArrayList<>();
    int from = 0;
    for (int c : cuts) {
      out.add(q.substring(from, c));
      from = c;
    }
    out.add(q.substring(from));
    return out;
  }

  /** A piece as a double-quoted string literal (backslash and quote escaped). */
  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static Optional<List<Turn>> payloadSplitting(QaItem item, Random rng) {
    List<String> pieces = split(item, rng);
    if (pieces.size() < 3) {
      return Optional.empty();
    }
    StringBuilder vars = new StringBuilder();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < pieces.size(); i++) {
      String v = String.valueOf((char) ('a' + i));
      names.add(v);
      vars.append(v).append(" = ").append(quote(pieces.get(i))).append('\n');
    }
    return one(
        fill(
            pick(Templates.PAYLOAD_SPLIT, rng),
            Map.of(
                "persona",
                pick(Templates.PERSONAS, rng),
                "vars",
                vars.toString().strip(),
                "sum",
                String.join(" + ", names))));
  }

  /** 30–60 filler pairs in a seeded order. */
  private static List<List<String>> shots(Random rng) {
    List<List<String>> pool = new ArrayList<>(Templates.FILLER_QA);
    Collections.shuffle(pool, rng);
    int n = 30 + rng.nextInt(31);
    List<List<String>> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      if (i < pool.size()) {
        out.add(pool.get(i));
      } else {
        int a = 10 + rng.nextInt(90);
        int b = 10 + rng.nextInt(90);
        out.add(List.of("What is " + a + " plus " + b + "?", (a + b) + "."));
      }
    }
    return out;
  }

  private static Optional<List<Turn>> manyShot(QaItem item, Random rng) {
    StringBuilder sb = new StringBuilder(Templates.MANY_SHOT_HEADER);
    for (List<String> qa : shots(rng)) {
      sb.append("User: ").append(qa.get(0)).append('\n');
      sb.append("Assistant: ").append(qa.get(1)).append("\n\n");
    }
    sb.append("User: ").append(item.question()).append("\nAssistant:");
    return one(sb.toString());
  }

  private static Optional<List<Turn>> manyShotTurns(QaItem item, Random rng) {
    List<Turn> turns = new ArrayList<>();
    for (List<String> qa : shots(rng)) {
      turns.add(Turn.user(qa.get(0)));
      turns.add(Turn.assistant(qa.get(1)));
    }
    turns.add(Turn.user(item.question()));
    return Optional.of(turns);
  }

  private static Optional<List<Turn>> indirectDocument(QaItem item, Random rng) {
    return Optional.of(
        List.of(
            Turn.system(fill(pick(Templates.INJECTED_DOCUMENT, rng), item.question())),
            Turn.user(pick(Templates.DOCUMENT_REQUESTS, rng))));
  }

  private static Optional<List<Turn>> buried(QaItem item, Random rng) {
    List<String> paragraphs = new ArrayList<>(Templates.BENIGN_PARAGRAPHS);
    Collections.shuffle(paragraphs, rng);
    int target = 900 + rng.nextInt(601);
    StringBuilder sb = new StringBuilder();
    for (String p : paragraphs) {
      if (sb.length() >= target) {
        break;
      }
      sb.append(p).append("\n\n");
    }
    sb.append(fill(pick(Templates.BURIED_LEADS, rng), item.question()));
    return one(sb.toString());
  }
}

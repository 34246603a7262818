package dev.lethe.probes;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One attack prompt: a short conversation built from a {@link QaItem} by one attack variant.
 *
 * <p>Render it as an OpenAI chat {@code messages} list ({@link #messages()}) or as one flat text
 * ({@link #text()}) for a completion-style model or a single-text classifier.
 *
 * @param id a stable identifier: family, variant and a hash of the source question
 * @param family the attack family
 * @param variant the variant within the family, e.g. {@code base64} or {@code developer-mode}
 * @param turns the conversation, at least one turn; the last user turn carries the attack
 * @param source the item the probe was built from
 */
public record Probe(String id, Family family, String variant, List<Turn> turns, QaItem source) {

  /** Validates the fields and copies the turns. */
  public Probe {
    requireNonNull(id, "id");
    requireNonNull(family, "family");
    requireNonNull(variant, "variant");
    requireNonNull(source, "source");
    turns = List.copyOf(turns);
    if (turns.isEmpty()) {
      throw new IllegalArgumentException("a probe needs at least one turn");
    }
  }

  /**
   * The conversation as an OpenAI chat {@code messages} list: one {@code {"role", "content"}} map
   * per turn, in order (ready for a JSON encoder).
   */
  public List<Map<String, String>> messages() {
    List<Map<String, String>> out = new ArrayList<>(turns.size());
    for (Turn t : turns) {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("role", t.role().wireName());
      m.put("content", t.content());
      out.add(Collections.unmodifiableMap(m));
    }
    return List.copyOf(out);
  }

  /** The contents of all turns joined by a blank line, without role labels. */
  public String text() {
    return turns.stream().map(Turn::content).collect(Collectors.joining("\n\n"));
  }

  /**
   * The conversation as one transcript, each turn introduced by its role ({@code User:}, {@code
   * Assistant:}, {@code System:}); a final assistant prefill ends the text, so a completion model
   * continues it.
   */
  public String transcript() {
    StringBuilder sb = new StringBuilder();
    for (Turn t : turns) {
      if (!sb.isEmpty()) {
        sb.append("\n\n");
      }
      String role = t.role().wireName();
      sb.append(Character.toUpperCase(role.charAt(0)))
          .append(role, 1, role.length())
          .append(": ")
          .append(t.content());
    }
    return sb.toString();
  }

  /** The content of the last user turn. */
  public String lastUserContent() {
    for (int i = turns.size() - 1; i >= 0; i--) {
      if (turns.get(i).role() == Role.USER) {
        return turns.get(i).content();
      }
    }
    throw new IllegalStateException("probe " + id + " has no user turn");
  }
}

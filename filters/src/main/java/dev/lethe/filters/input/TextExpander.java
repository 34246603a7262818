package dev.lethe.filters.input;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Exposes what a scanned text may hide: the forms of it that the classifier judges instead of, or
 * besides, the text as sent (its normalised form; payloads decoded from it).
 */
@FunctionalInterface
public interface TextExpander {

  /**
   * One form of a text.
   *
   * @param text the text to judge
   * @param transforms the transformations that produced it, in order (empty: the text as sent)
   */
  record Form(String text, List<String> transforms) {
    /** Copies the list. */
    public Form {
      requireNonNull(text, "text");
      transforms = List.copyOf(requireNonNull(transforms, "transforms"));
    }
  }

  /** The forms of {@code text} to judge; never empty. */
  List<Form> expand(String text);

  /** Judges every text as sent. */
  static TextExpander identity() {
    return text -> List.of(new Form(text, List.of()));
  }
}

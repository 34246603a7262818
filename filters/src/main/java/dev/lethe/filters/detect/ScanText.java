package dev.lethe.filters.detect;

import static java.util.Objects.requireNonNull;

import dev.lethe.filters.text.Encoding;
import java.util.List;

/**
 * A text of a request as the classifier judges it: where it came from, the text after the
 * transformations that expose disguised content (normalisation, decoding), and the segments it was
 * cut into.
 *
 * @param origin where the text is in the request, e.g. {@code messages[2].content}
 * @param text the judged text (after {@code transforms})
 * @param transforms the transformations that produced {@code text} from the request's text, in the
 *     order applied (e.g. {@code base64}, {@code confusable}); empty when it is the text as sent
 * @param segments the pieces judged, each cut from {@code text}
 */
public record ScanText(
    String origin, String text, List<String> transforms, List<Segment> segments) {

  /** Copies the lists. */
  public ScanText {
    requireNonNull(origin, "origin");
    requireNonNull(text, "text");
    transforms = List.copyOf(requireNonNull(transforms, "transforms"));
    segments = List.copyOf(requireNonNull(segments, "segments"));
  }

  /**
   * Whether {@code text} was decoded from an encoded payload ({@link Encoding}: base64, hex, ROT13,
   * reversed…) rather than only normalised (Unicode folding, look-alikes, leetspeak, spaced
   * letters) or taken as sent.
   */
  public boolean decoded() {
    return transforms.stream().anyMatch(Encoding::isKey);
  }

  /** A text judged whole, as sent. */
  public static ScanText whole(String origin, String text) {
    return new ScanText(
        origin, text, List.of(), List.of(new Segment(Segment.Kind.WHOLE, 0, text.length(), text)));
  }
}

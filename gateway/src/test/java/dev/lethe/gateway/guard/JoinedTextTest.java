package dev.lethe.gateway.guard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.rules.Action;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.OnError;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.Exchange;
import dev.lethe.filters.Pipeline;
import dev.lethe.filters.output.OutputFilterConfig;
import dev.lethe.filters.output.OutputFilterStage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JoinedTextTest {
  private static final String SECRET = "ZX-4471-QUILL";

  private static OutputGuard guard(String replacement) {
    RuleSet rules =
        new RuleSet(
            1,
            List.of(
                new ForgetRule(
                    "r1",
                    "a secret",
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of(SECRET),
                    Action.REFUSE,
                    null,
                    OnError.CLOSED)));
    Pipeline p =
        new Pipeline(
            List.of(
                new OutputFilterStage(
                    new OutputFilterConfig(true, replacement, true), new SimpleMeterRegistry())));
    ObjectNode req = JsonNodeFactory.instance.objectNode().put("model", "m");
    req.putArray("messages");
    return new OutputGuard(
        p, new Exchange("id", rules, new byte[0], req), RequestState.detached(rules));
  }

  /** What a client saw: the events in order, "open N", "N:text", "close N". */
  private static List<String> run(String replacement, List<String> segments, Random rnd) {
    List<String> seen = new ArrayList<>();
    JoinedText<Integer> joined =
        new JoinedText<>(guard(replacement).open(), (s, t) -> seen.add(s + ":" + t));
    for (int s = 0; s < segments.size() && !joined.cut(); s++) {
      int seg = s;
      joined.then(() -> seen.add("open " + seg));
      String text = segments.get(s);
      int at = 0;
      while (at < text.length() && !joined.cut()) {
        int n = Math.min(text.length() - at, 1 + rnd.nextInt(4));
        joined.feed(seg, text.substring(at, at + n));
        at += n;
      }
      joined.then(() -> seen.add("close " + seg));
    }
    joined.finish();
    if (joined.cut()) {
      seen.add("cut at " + joined.cutSegment());
    }
    return seen;
  }

  private static String text(List<String> seen, int segment) {
    StringBuilder b = new StringBuilder();
    for (String e : seen) {
      if (e.startsWith(segment + ":")) {
        b.append(e.substring(e.indexOf(':') + 1));
      }
    }
    return b.toString();
  }

  @Test
  void aSecretSplitAcrossSegmentsIsCutWhereItStarts() {
    Random rnd = new Random(11);
    for (int split = 1; split < SECRET.length(); split++) {
      for (int round = 0; round < 10; round++) {
        List<String> segs =
            List.of("The code is " + SECRET.substring(0, split), SECRET.substring(split) + " ok.");
        List<String> seen = run("[withheld]", segs, rnd);
        assertThat(String.join("", seen)).doesNotContain("4471-Q");
        assertThat(text(seen, 0)).isEqualTo("The code is [withheld]");
        assertThat(seen).doesNotContain("close 0", "open 1").endsWith("cut at 0");
      }
    }
  }

  @Test
  void aSecretAtASegmentStartIsCutInThatSegment() {
    List<String> seen = run("[withheld]", List.of("Clean text. ", SECRET + " tail"), new Random(3));
    assertThat(seen).contains("close 0", "open 1").endsWith("cut at 1");
    assertThat(text(seen, 0)).isEqualTo("Clean text. ");
    assertThat(text(seen, 1)).isEqualTo("[withheld]");
  }

  @Test
  void cleanSegmentsKeepTheirTextAndOrder() {
    // "ZX-44" is a partial match held across the boundary, then released into its own segment.
    List<String> segs = List.of("one ZX-44", "71 is not it", " three");
    List<String> seen = run("", segs, new Random(5));
    assertThat(text(seen, 0)).isEqualTo("one ZX-44");
    assertThat(text(seen, 1)).isEqualTo("71 is not it");
    assertThat(text(seen, 2)).isEqualTo(" three");
    List<String> marks =
        seen.stream().filter(e -> e.startsWith("open ") || e.startsWith("close ")).toList();
    assertThat(marks)
        .containsExactly("open 0", "close 0", "open 1", "close 1", "open 2", "close 2");
    int lastText0 = -1;
    for (int i = 0; i < seen.size(); i++) {
      if (seen.get(i).startsWith("0:")) {
        lastText0 = i;
      }
    }
    assertThat(seen.indexOf("close 0")).isGreaterThan(lastText0);
    assertThat(seen.indexOf("open 1")).isGreaterThan(seen.indexOf("close 0"));
  }
}

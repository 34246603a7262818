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
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TextStreamTest {
  private static final String SECRET = "ZX-4471-QUILL";

  private static OutputGuard guard(List<String> secrets) {
    RuleSet rules =
        new RuleSet(
            1,
            secrets.isEmpty()
                ? List.of()
                : List.of(
                    new ForgetRule(
                        "r1",
                        "a secret",
                        List.of(),
                        List.of(),
                        List.of(),
                        secrets,
                        Action.REFUSE,
                        null,
                        OnError.CLOSED)));
    Pipeline p =
        new Pipeline(
            List.of(
                new OutputFilterStage(OutputFilterConfig.defaults(), new SimpleMeterRegistry())));
    ObjectNode req = JsonNodeFactory.instance.objectNode().put("model", "m");
    req.putArray("messages");
    return new OutputGuard(
        p, new Exchange("id", rules, new byte[0], req), RequestState.detached(rules));
  }

  @Test
  void releasesTheTextBeforeTheSecretWhateverTheChunking() {
    String text = "The code is ZX-4471-QUILL, keep it. And more after.";
    Random rnd = new Random(7);
    for (int round = 0; round < 50; round++) {
      TextStream s = guard(List.of(SECRET)).open();
      StringBuilder out = new StringBuilder();
      int at = 0;
      while (at < text.length()) {
        int n = Math.min(text.length() - at, 1 + rnd.nextInt(6));
        out.append(s.feed(text.substring(at, at + n)));
        at += n;
        assertThat(out.toString()).doesNotContain("4471");
      }
      out.append(s.finish());
      assertThat(s.cut()).isTrue();
      assertThat(out.toString()).startsWith("The code is ").doesNotContain("4471");
      assertThat(s.feed("more")).isEmpty();
    }
  }

  @Test
  void wholeAndStreamedGiveTheSameText() {
    String text = "prefix " + SECRET + " suffix";
    TextStream whole = guard(List.of(SECRET)).open();
    String w = whole.whole(text);
    TextStream streamed = guard(List.of(SECRET)).open();
    String s = streamed.feed(text.substring(0, 9)) + streamed.feed(text.substring(9));
    s += streamed.finish();
    assertThat(whole.cut()).isTrue();
    assertThat(streamed.cut()).isTrue();
    assertThat(w).isEqualTo(s).doesNotContain(SECRET);
  }

  @Test
  void cleanTextIsReleasedWholeAndInactiveGuardPassesThrough() {
    TextStream s = guard(List.of(SECRET)).open();
    String out = s.feed("hello ") + s.feed("world ZX-44") + s.finish();
    assertThat(out).isEqualTo("hello world ZX-44");
    assertThat(s.cut()).isFalse();
    OutputGuard none = guard(List.of());
    assertThat(none.active()).isFalse();
    TextStream t = none.open();
    assertThat(t.feed("ZX-4471-QUILL")).isEqualTo("ZX-4471-QUILL");
  }
}

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
import org.junit.jupiter.api.Test;

class ToolArgumentsTest {
  private static final String SECRET = "ZX-4471-QUILL";

  private static OutputGuard guard() {
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
                    new OutputFilterConfig(true, null, true), new SimpleMeterRegistry())));
    ObjectNode req = JsonNodeFactory.instance.objectNode().put("model", "m");
    req.putArray("messages");
    return new OutputGuard(
        p, new Exchange("id", rules, new byte[0], req), RequestState.detached(rules));
  }

  @Test
  void aCallsTextIsItsValuesInDocumentOrderWithEscapesDecoded() {
    assertThat(
            ToolArguments.text("{\"a\":\"ZX-\",\"b\":[4471,{\"c\":\"-QU\\u0049LL\"}],\"d\":true}"))
        .isEqualTo("ZX-4471-QUILL");
    assertThat(ToolArguments.text("{\"code\": \"ZX-44")).isEqualTo("{\"code\": \"ZX-44");
    assertThat(ToolArguments.text("")).isEmpty();
  }

  @Test
  void aSecretSplitAcrossCallsDropsTheCallsFromTheOneItStartsIn() {
    List<String> calls =
        List.of(
            ToolArguments.text("{\"q\":\"weather\"}"),
            ToolArguments.text("{\"q\":\"ZX-44\"}"),
            ToolArguments.text("{\"q\":\"71-QUILL\"}"),
            ToolArguments.text("{\"q\":\"later\"}"));
    assertThat(ToolArguments.kept(guard().open(), calls)).isEqualTo(1);
    assertThat(ToolArguments.kept(guard().open(), List.of("weather", "Paris", "ZX-44")))
        .isEqualTo(3);
  }

  @Test
  void aStreamedCallEndingInAPossibleStartWaitsForTheNextOrTheEnd() {
    OutputGuard g = guard();
    List<String> released = new ArrayList<>();
    ToolArguments args = new ToolArguments(g.open());
    args.add("weather", () -> released.add("a"));
    assertThat(released).containsExactly("a");
    args.add("x ZX-44", () -> released.add("b"));
    assertThat(args.holding()).isTrue();
    assertThat(released).containsExactly("a");
    args.add("9 more", () -> released.add("c"));
    assertThat(released).containsExactly("a", "b", "c");
    args.add("ZX-4", () -> released.add("d"));
    args.finish();
    assertThat(released).containsExactly("a", "b", "c", "d");
    assertThat(args.cut()).isFalse();

    ToolArguments cut = new ToolArguments(g.open());
    List<String> seen = new ArrayList<>();
    cut.add("x ZX-44", () -> seen.add("a"));
    cut.add("71-QUILL", () -> seen.add("b"));
    assertThat(cut.cut()).isTrue();
    cut.add("clean", () -> seen.add("c"));
    cut.finish();
    assertThat(seen).isEmpty();
  }
}

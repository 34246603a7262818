package dev.lethe.gateway.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.config.ConfigException;
import dev.lethe.gateway.testing.TinyCheckpoints;
import dev.lethe.unlearner.model.LlamaConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-run unlearning recipe: one reader for {@code POST /admin/compare}'s {@code unlearn} and
 * the CLI's flags, its shape errors, and its methods and options checked by the admin API's {@code
 * UnlearnOptions} against the target.
 */
class WeightsRecipeTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  static LlamaConfig tiny;

  @BeforeAll
  static void model() throws Exception {
    tiny = LlamaConfig.read(TinyCheckpoints.random(tmp.resolve("tiny"), 3, 512));
  }

  static WeightsRecipe parse(String json) throws Exception {
    return WeightsRecipe.parse(JSON.readTree(json), "unlearn");
  }

  static String field(String json) {
    try {
      WeightsRecipe r = parse(json);
      InRunUnlearning.plans(r, tiny);
    } catch (ConfigException e) {
      return e.field() + " | " + e.getMessage();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("accepted: " + json);
  }

  @Test
  void oneStageAPipelineAndTheDemo() throws Exception {
    WeightsRecipe one =
        parse("{\"method\":\"npo\",\"options\":{\"lr\":0.001,\"retainLoss\":\"kl\"}}");
    assertThat(one).isEqualTo(new WeightsRecipe("npo", Map.of("lr", 0.001, "retainLoss", "kl")));
    assertThat(one.flags()).isEqualTo("--method npo --lr 0.001 --retain-loss kl");
    assertThat(JSON.readTree(one.toJson().toString()))
        .isEqualTo(
            JSON.readTree("{\"method\":\"npo\",\"options\":{\"lr\":0.001,\"retainLoss\":\"kl\"}}"));
    assertThat(InRunUnlearning.plans(one, tiny)).hasSize(1);

    WeightsRecipe two =
        parse("{\"stages\":[{\"method\":\"rmu\",\"options\":{\"steps\":2}},{\"method\":\"npo\"}]}");
    assertThat(two.stages()).extracting(WeightsRecipe.Stage::method).containsExactly("rmu", "npo");
    assertThat(two.method()).isEqualTo("rmu+npo");
    assertThat(two.flags()).isEqualTo("--stages rmu,npo --set 1.steps=2");
    assertThat(InRunUnlearning.plans(two, tiny)).hasSize(2);
    // the JSON form reads back to the same recipe
    assertThat(WeightsRecipe.parse(two.toJson(), "unlearn")).isEqualTo(two);

    assertThat(parse("\"demo\"")).isSameAs(WeightsRecipe.DEMO);
    assertThat(InRunUnlearning.plans(WeightsRecipe.DEMO, tiny)).hasSize(1);
  }

  @Test
  void badRecipesNameTheFieldTheValueAndTheExpectation() {
    assertThat(field("5")).startsWith("unlearn | unlearn: 5 (expected: \"demo\"");
    assertThat(field("{}")).startsWith("unlearn | ").contains("exactly one of method");
    assertThat(field("{\"method\":\"npo\",\"stages\":[]}")).contains("exactly one of method");
    assertThat(field("{\"method\":\"npo\",\"bogus\":1}"))
        .startsWith("unlearn.bogus | ")
        .contains("unknown field");
    assertThat(field("{\"method\":7}")).startsWith("unlearn.method | unlearn.method: 7");
    assertThat(field("{\"method\":\"bogus\"}")).startsWith("unlearn.method | ").contains("bogus");
    assertThat(field("{\"method\":\"npo\",\"options\":[1]}"))
        .startsWith("unlearn.options | ")
        .contains("a JSON object");
    assertThat(field("{\"method\":\"npo\",\"options\":{\"lr\":-1}}"))
        .startsWith("unlearn.options.lr | unlearn.options.lr: ")
        .contains("-1");
    assertThat(field("{\"method\":\"npo\",\"options\":{\"nope\":1}}"))
        .startsWith("unlearn.options.nope | ");
    assertThat(field("{\"stages\":[]}")).startsWith("unlearn.stages | ");
    assertThat(field("{\"stages\":[{\"method\":\"rmu\"},{\"method\":\"idk\"}]}"))
        .startsWith("unlearn.stages[1].method | ")
        .contains("refusal");
    assertThat(field("{\"stages\":[{\"method\":\"npo\"},{\"method\":\"npo\",\"x\":1}]}"))
        .startsWith("unlearn.stages[1].x | ");
    assertThat(
            field(
                "{\"stages\":[{\"method\":\"npo\",\"options\":{\"lr\":\"fast\"}},"
                    + "{\"method\":\"npo\"}]}"))
        .startsWith("unlearn.stages[0].options.lr | unlearn.stages[0].options.lr: \"fast\"");
    // one stage is written as method and options, so errors name the fields as sent
    assertThat(field("{\"stages\":[{\"method\":\"npo\"}]}"))
        .startsWith("unlearn.stages | ")
        .contains("one stage: method and options");
    assertThatThrownBy(() -> new WeightsRecipe(List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unlearn.stages");
  }
}

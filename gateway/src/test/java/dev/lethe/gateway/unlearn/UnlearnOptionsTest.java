package dev.lethe.gateway.unlearn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.unlearner.model.LlamaConfig;
import org.junit.jupiter.api.Test;

/** The options parser shared by {@code POST /admin/unlearn} and {@code lethe unlearn}. */
class UnlearnOptionsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static LlamaConfig model() throws Exception {
    return LlamaConfig.fromJson(
        JSON.readTree(
            """
            {"model_type": "llama", "vocab_size": 2048, "hidden_size": 32, "intermediate_size": 64,
             "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
             "max_position_embeddings": 128, "tie_word_embeddings": true,
             "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 0}
            """));
  }

  @Test
  void projectGradientsIsABooleanOptionOffByDefault() throws Exception {
    LlamaConfig m = model();
    assertThat(UnlearnOptions.parse("npo", JSON.readTree("{}"), m).config().projectGradients())
        .isFalse();
    UnlearnOptions.Plan on =
        UnlearnOptions.parse(
            "npo",
            JSON.readTree("{\"projectGradients\": true, \"params\": \"mlp\", \"epochs\": 2}"),
            m);
    assertThat(on.config().projectGradients()).isTrue();
    assertThat(on.config().parameterRegex()).isEqualTo("mlp");
    assertThat(on.config().epochs()).isEqualTo(2);
    // the search's trials keep it (TargetSearch copies the loop settings with a new lr and length)
    assertThat(on.config().withSteps(7).projectGradients()).isTrue();
    assertThatThrownBy(
            () -> UnlearnOptions.parse("npo", JSON.readTree("{\"projectGradients\": \"yes\"}"), m))
        .isInstanceOfSatisfying(
            UnlearnRequestException.class,
            e -> assertThat(e.param()).isEqualTo("options.projectGradients"))
        .hasMessage("options.projectGradients: \"yes\" (expected: true or false)");
  }
}

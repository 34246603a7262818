package dev.lethe.gateway.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.lethe.config.BackendConfig;
import dev.lethe.config.ConfigException;
import dev.lethe.config.LetheConfig;
import dev.lethe.gateway.GatewayAssembly;
import dev.lethe.gateway.LetheGateway;
import dev.lethe.gateway.backend.local.DemoModel;
import dev.lethe.gateway.backend.local.ModelSlot;
import dev.lethe.unlearner.model.LlamaConfig;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded default of {@code lethe serve}: the shipped demo checkpoint, unpacked and served.
 */
class DemoModelTest {
  @TempDir Path data;

  @Test
  void shippedCheckpointIsUnpackedOnceAndAnswersWhatItWasTrainedOn() throws Exception {
    assertThat(DemoModel.shipped()).isTrue();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Path dir = DemoModel.ensure(data, new PrintStream(log, true));
    assertThat(dir).isEqualTo(data.resolve("models/lethe-demo").toAbsolutePath());
    assertThat(dir.resolve("model.safetensors")).isRegularFile();
    assertThat(log.toString()).contains("unpacking");
    log.reset();
    long modified = Files.getLastModifiedTime(dir.resolve("model.safetensors")).toMillis();
    assertThat(DemoModel.ensure(data, new PrintStream(log, true))).isEqualTo(dir);
    assertThat(log.toString()).isEmpty();
    assertThat(Files.getLastModifiedTime(dir.resolve("model.safetensors")).toMillis())
        .isEqualTo(modified);

    LetheConfig config =
        LetheConfig.parse("server:\n  host: 127.0.0.1\n  port: 0\ndataDir: " + data + "\n")
            .withBackends(List.of(BackendConfig.local("local", List.of(), null)));
    Vertx vertx = Vertx.vertx();
    try (GatewayAssembly assembly = GatewayAssembly.create(vertx, config, Map.of())) {
      ModelSlot slot = assembly.models().slot(DemoModel.MODEL_NAME).orElseThrow();
      assertThat(slot.current().directory()).isEqualTo(dir);
      LetheGateway gw = LetheGateway.start(vertx, assembly.parts()).await(30, TimeUnit.SECONDS);
      OpenAIClient client =
          OpenAIOkHttpClient.builder()
              .baseUrl("http://127.0.0.1:" + gw.port() + "/v1")
              .apiKey("sk-none")
              .maxRetries(0)
              .timeout(Duration.ofSeconds(60))
              .build();
      try {
        ChatCompletion c =
            client
                .chat()
                .completions()
                .create(
                    ChatCompletionCreateParams.builder()
                        .model(DemoModel.MODEL_NAME)
                        .addUserMessage(
                            "In which city and country was Basil Mahfouz Al-Kuwaiti born?")
                        .temperature(0.0)
                        .maxCompletionTokens(40)
                        .build());
        assertThat(c.choices().get(0).message().content().orElseThrow())
            .contains("Kuwait City, Kuwait");
      } finally {
        client.close();
        gw.stop().await(30, TimeUnit.SECONDS);
      }
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void theRetainModelUnpacksBesideTheTargetWhenShippedAndIsNamedWhenNot() throws Exception {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    if (!DemoModel.RETAIN.isShipped()) {
      assertThatThrownBy(() -> DemoModel.RETAIN.unpack(data, new PrintStream(log, true)))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("demo retain model")
          .hasMessageContaining("lethe/demo-retain/");
      assertThat(data.resolve("models/lethe-demo-retain")).doesNotExist();
      return;
    }
    Path retain = DemoModel.RETAIN.unpack(data, new PrintStream(log, true));
    assertThat(retain).isEqualTo(data.resolve("models/lethe-demo-retain").toAbsolutePath());
    assertThat(log.toString()).contains("unpacking the demo retain model");
    assertThat(retain.resolve("model.safetensors")).isRegularFile();
    assertThat(Files.readString(retain.resolve("SOURCE"))).contains("demo_retain.json");
    Path target = DemoModel.TARGET.unpack(data, new PrintStream(log, true));
    assertThat(target).isNotEqualTo(retain);
    // one architecture (the demo preset), two trainings: same config, other weights
    assertThat(LlamaConfig.read(retain)).isEqualTo(LlamaConfig.read(target));
    assertThat(Files.readAllBytes(retain.resolve("model.safetensors")))
        .isNotEqualTo(Files.readAllBytes(target.resolve("model.safetensors")));
  }
}

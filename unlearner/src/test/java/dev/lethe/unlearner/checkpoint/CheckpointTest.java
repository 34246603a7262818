package dev.lethe.unlearner.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.model.LlamaModel;
import dev.lethe.unlearner.model.Tensor;
import dev.lethe.unlearner.testing.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  @TempDir Path tmp;

  @Test
  void saveThenLoadIsBitExactWithHfNames() throws Exception {
    for (boolean tied : new boolean[] {true, false}) {
      Path dir = TinyModels.randomCheckpoint(tmp.resolve("m" + tied), tied, 7);
      assertThat(dir.resolve("config.json")).exists();
      assertThat(dir.resolve("tokenizer.json")).exists();
      Map<String, Tensor> written = Safetensors.read(dir.resolve("model.safetensors"));
      assertThat(written)
          .containsKeys(
              "model.embed_tokens.weight",
              "model.layers.1.self_attn.k_proj.weight",
              "model.layers.0.mlp.down_proj.weight",
              "model.layers.1.post_attention_layernorm.weight",
              "model.norm.weight");
      assertThat(written.containsKey("lm_head.weight")).isEqualTo(!tied);
      assertThat(written.get("model.layers.1.self_attn.k_proj.weight").shape())
          .containsExactly(16, 32);
      try (Checkpoint c = Checkpoint.load(dir, Device.cpu())) {
        assertThat(c.directory()).isEqualTo(dir);
        Map<String, Tensor> loaded = c.model().toTensors();
        assertThat(loaded).isEqualTo(written);
        Path again = c.save(tmp.resolve("again" + tied));
        assertThat(Files.readAllBytes(again.resolve("model.safetensors")))
            .isEqualTo(Files.readAllBytes(dir.resolve("model.safetensors")));
      }
    }
  }

  @Test
  void saveReplacesAtomicallyAndLeavesNoTemporaryDirectory() throws Exception {
    Path dir = TinyModels.randomCheckpoint(tmp.resolve("m"), true, 1);
    byte[] first = Files.readAllBytes(dir.resolve("model.safetensors"));
    TinyModels.randomCheckpoint(tmp.resolve("m"), true, 2);
    assertThat(Files.readAllBytes(dir.resolve("model.safetensors"))).isNotEqualTo(first);
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("m", "m-tokenizer.json");
    }
  }

  @Test
  void refusesInconsistentCheckpoints() throws Exception {
    Path dir = TinyModels.randomCheckpoint(tmp.resolve("m"), false, 1);
    Map<String, Tensor> tensors =
        new LinkedHashMap<>(Safetensors.read(dir.resolve("model.safetensors")));
    tensors.remove("lm_head.weight");
    Safetensors.write(dir.resolve("model.safetensors"), tensors, Map.of());
    assertThatThrownBy(() -> Checkpoint.load(dir, Device.cpu()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("weights: missing tensor lm_head.weight");
    tensors.put("lm_head.weight", new Tensor(new long[] {300, 31}, new float[300 * 31]));
    Safetensors.write(dir.resolve("model.safetensors"), tensors, Map.of());
    assertThatThrownBy(() -> Checkpoint.load(dir, Device.cpu()))
        .hasMessage("weights.lm_head.weight: \"(300, 31)\" (expected: (300, 32))");
    tensors.put("lm_head.weight", new Tensor(new long[] {300, 32}, new float[300 * 32]));
    tensors.put("model.layers.9.mlp.up_proj.weight", new Tensor(new long[] {1}, new float[1]));
    Safetensors.write(dir.resolve("model.safetensors"), tensors, Map.of());
    assertThatThrownBy(() -> Checkpoint.load(dir, Device.cpu()))
        .hasMessageContaining("unexpected tensor model.layers.9.mlp.up_proj.weight");
    tensors.remove("model.layers.9.mlp.up_proj.weight");
    Safetensors.write(dir.resolve("model.safetensors"), tensors, Map.of());
    // A config whose vocabulary is smaller than the tokenizer's is refused.
    String config = Files.readString(dir.resolve("config.json"));
    Files.writeString(
        dir.resolve("config.json"), config.replace("\"vocab_size\" : 300", "\"vocab_size\" : 200"));
    assertThatThrownBy(() -> Checkpoint.load(dir, Device.cpu()))
        .isInstanceOf(ConfigException.class);
    Files.delete(dir.resolve("tokenizer.json"));
    Files.writeString(dir.resolve("config.json"), config);
    assertThatThrownBy(() -> Checkpoint.load(dir, Device.cpu()))
        .hasMessageEndingWith("tokenizer.json: no such file");
    assertThatThrownBy(() -> Checkpoint.load(tmp.resolve("nowhere"), Device.cpu()))
        .hasMessageEndingWith("not a directory");
  }

  @Test
  void loadsShardedHfCheckpoints() throws Exception {
    Path dir = TinyModels.randomCheckpoint(tmp.resolve("m"), false, 4);
    Map<String, Tensor> all = Safetensors.read(dir.resolve("model.safetensors"));
    Map<String, Tensor> first = new LinkedHashMap<>();
    Map<String, Tensor> second = new LinkedHashMap<>();
    StringBuilder index = new StringBuilder("{\"metadata\": {}, \"weight_map\": {");
    int i = 0;
    for (Map.Entry<String, Tensor> e : all.entrySet()) {
      String shard =
          i % 2 == 0 ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
      (i % 2 == 0 ? first : second).put(e.getKey(), e.getValue());
      index
          .append(i++ == 0 ? "" : ",")
          .append('"')
          .append(e.getKey())
          .append("\": \"")
          .append(shard)
          .append('"');
    }
    Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), index.append("}}").toString());
    Safetensors.write(dir.resolve("model-00001-of-00002.safetensors"), first, Map.of());
    Safetensors.write(dir.resolve("model-00002-of-00002.safetensors"), second, Map.of());
    Files.delete(dir.resolve("model.safetensors"));
    try (Checkpoint c = Checkpoint.load(dir, Device.cpu())) {
      assertThat(c.model().toTensors()).isEqualTo(all);
    }
  }

  @Test
  void frozenCopyIsIndependent() throws Exception {
    try (LlamaModel m = LlamaModel.initialize(TinyModels.config(300, true), 3, Device.cpu());
        LlamaModel copy = m.frozenCopy()) {
      assertThat(copy.toTensors()).isEqualTo(m.toTensors());
      m.parameters().get("model.norm.weight").muli(2f);
      assertThat(copy.toTensors()).isNotEqualTo(m.toTensors());
      assertThat(copy.parameters().get("model.norm.weight").hasGradient()).isFalse();
    }
  }
}

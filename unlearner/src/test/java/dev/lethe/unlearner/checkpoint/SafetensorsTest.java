package dev.lethe.unlearner.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.model.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  @TempDir Path tmp;

  @Test
  void roundTripIsBitExact() throws Exception {
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    tensors.put(
        "a.weight",
        new Tensor(
            new long[] {2, 3},
            new float[] {
              0f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.intBitsToFloat(0x7fc00001), -1.5f
            }));
    tensors.put("scalar", new Tensor(new long[] {}, new float[] {3.25f}));
    tensors.put("empty", new Tensor(new long[] {0, 4}, new float[0]));
    Path f = tmp.resolve("m.safetensors");
    Safetensors.write(f, tensors, Map.of("format", "pt"));
    Map<String, Tensor> back = Safetensors.read(f);
    assertThat(back.keySet()).containsExactly("a.weight", "scalar", "empty");
    float[] v = back.get("a.weight").values();
    float[] w = tensors.get("a.weight").values();
    for (int i = 0; i < w.length; i++) {
      assertThat(Float.floatToRawIntBits(v[i])).isEqualTo(Float.floatToRawIntBits(w[i]));
    }
    assertThat(back.get("scalar").values()).containsExactly(3.25f);
    // The header is padded to 8 bytes as the reference implementation does.
    ByteBuffer head = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(head.getLong() % 8).isZero();
  }

  @Test
  void readsHalfAndBfloat16AsFloat32() throws Exception {
    // F16 0x3C00 = 1.0, 0xC000 = -2.0; BF16 0x3FC0 = 1.5, 0x4049 = 3.140625.
    String header =
        "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
            + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[4,8]}}";
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.allocate(8 + json.length + 8).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(json.length).put(json);
    buf.putShort((short) 0x3C00).putShort((short) 0xC000);
    buf.putShort((short) 0x3FC0).putShort((short) 0x4049);
    Path f = tmp.resolve("half.safetensors");
    Files.write(f, buf.array());
    Map<String, Tensor> t = Safetensors.read(f);
    assertThat(t.get("h").values()).containsExactly(1f, -2f);
    assertThat(t.get("b").values()).containsExactly(1.5f, 3.140625f);
  }

  @Test
  void refusesBrokenFiles() throws Exception {
    Path f = tmp.resolve("bad.safetensors");
    Files.write(f, new byte[] {1, 2});
    assertThatThrownBy(() -> Safetensors.read(f))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("shorter than");
    String header = "{\"x\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}";
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer buf = ByteBuffer.allocate(8 + json.length + 8).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(json.length).put(json).putLong(7);
    Files.write(f, buf.array());
    assertThatThrownBy(() -> Safetensors.read(f)).hasMessageContaining("dtype I64");
    String shortData = "{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
    json = shortData.getBytes(StandardCharsets.UTF_8);
    buf = ByteBuffer.allocate(8 + json.length + 8).order(ByteOrder.LITTLE_ENDIAN);
    buf.putLong(json.length).put(json).putLong(7);
    Files.write(f, buf.array());
    assertThatThrownBy(() -> Safetensors.read(f)).hasMessageContaining("do not fit");
  }
}

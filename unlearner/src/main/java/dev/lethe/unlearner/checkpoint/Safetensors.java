package dev.lethe.unlearner.checkpoint;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.model.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A pure-Java reader and writer of the <a href="https://github.com/huggingface/safetensors">
 * safetensors</a> format: an 8-byte little-endian header length, a JSON header mapping each tensor
 * name to {@code dtype}, {@code shape} and {@code data_offsets}, then the raw little-endian data.
 *
 * <p>Writes F32 only. Reads F32, F16 and BF16, converting to float32 (F16 and BF16 convert
 * exactly). Other dtypes are refused by name. Files are memory-mapped tensor by tensor, so files
 * larger than 2 GiB are read as long as each tensor is below 2^31 elements.
 */
public final class Safetensors {
  /** The file name of a single-file checkpoint. */
  public static final String FILE_NAME = "model.safetensors";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_HEADER = 100L << 20;

  private Safetensors() {}

  /** Reads every tensor of {@code file}, in header order. */
  public static Map<String, Tensor> read(Path file) throws IOException {
    requireNonNull(file, "file");
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 8) {
        throw bad(file, "shorter than its 8-byte header length");
      }
      ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      readFully(ch, lenBuf, 0);
      long headerLen = lenBuf.flip().getLong();
      if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
        throw bad(file, "header length " + headerLen + " out of range");
      }
      ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
      readFully(ch, headerBuf, 8);
      JsonNode header;
      try {
        header = JSON.readTree(new String(headerBuf.array(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw bad(file, "header is not JSON");
      }
      long dataStart = 8 + headerLen;
      long dataLen = size - dataStart;
      Map<String, Tensor> out = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("__metadata__")) {
          continue;
        }
        out.put(e.getKey(), readTensor(file, ch, e.getKey(), e.getValue(), dataStart, dataLen));
      }
      return out;
    }
  }

  private static Tensor readTensor(
      Path file, FileChannel ch, String name, JsonNode info, long dataStart, long dataLen)
      throws IOException {
    String dtype = info.path("dtype").asText();
    int width =
        switch (dtype) {
          case "F32" -> 4;
          case "F16", "BF16" -> 2;
          default ->
              throw bad(
                  file, "tensor " + name + ": dtype " + dtype + " (expected F32, F16 or BF16)");
        };
    JsonNode shapeNode = info.path("shape");
    long[] shape = new long[shapeNode.size()];
    long n = 1;
    for (int i = 0; i < shape.length; i++) {
      shape[i] = shapeNode.get(i).asLong();
      n *= shape[i];
    }
    long begin = info.path("data_offsets").path(0).asLong(-1);
    long end = info.path("data_offsets").path(1).asLong(-1);
    if (begin < 0 || end < begin || end > dataLen || end - begin != n * width) {
      throw bad(file, "tensor " + name + ": data_offsets [" + begin + ", " + end + "] do not fit");
    }
    if (n > Integer.MAX_VALUE - 8) {
      throw bad(file, "tensor " + name + ": " + n + " elements (expected: < 2^31)");
    }
    float[] values = new float[(int) n];
    ByteBuffer buf =
        ch.map(FileChannel.MapMode.READ_ONLY, dataStart + begin, end - begin)
            .order(ByteOrder.LITTLE_ENDIAN);
    switch (dtype) {
      case "F32" -> buf.asFloatBuffer().get(values);
      case "F16" -> {
        for (int i = 0; i < values.length; i++) {
          values[i] = Float.float16ToFloat(buf.getShort());
        }
      }
      default -> {
        for (int i = 0; i < values.length; i++) {
          values[i] = Float.intBitsToFloat((buf.getShort() & 0xffff) << 16);
        }
      }
    }
    return new Tensor(shape, values);
  }

  /**
   * Writes {@code tensors} as F32 in map order, with optional string {@code metadata} (HF writes
   * {@code {"format": "pt"}}). The header is padded with spaces to a multiple of 8 bytes.
   */
  public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata)
      throws IOException {
    requireNonNull(file, "file");
    requireNonNull(tensors, "tensors");
    requireNonNull(metadata, "metadata");
    ObjectNode header = JSON.createObjectNode();
    if (!metadata.isEmpty()) {
      ObjectNode meta = header.putObject("__metadata__");
      metadata.forEach(meta::put);
    }
    long offset = 0;
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      ObjectNode t = header.putObject(e.getKey());
      t.put("dtype", "F32");
      var shape = t.putArray("shape");
      for (long d : e.getValue().shape()) {
        shape.add(d);
      }
      long len = 4L * e.getValue().values().length;
      t.putArray("data_offsets").add(offset).add(offset + len);
      offset += len;
    }
    byte[] json = JSON.writeValueAsBytes(header);
    int padded = (json.length + 7) / 8 * 8;
    try (OutputStream out =
        new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
      out.write(len.array());
      out.write(json);
      for (int i = json.length; i < padded; i++) {
        out.write(' ');
      }
      ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
      for (Tensor t : tensors.values()) {
        for (float v : t.values()) {
          if (!chunk.hasRemaining()) {
            out.write(chunk.array(), 0, chunk.position());
            chunk.clear();
          }
          chunk.putFloat(v);
        }
      }
      out.write(chunk.array(), 0, chunk.position());
    }
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      int r = ch.read(buf, pos);
      if (r < 0) {
        throw new IOException("unexpected end of file");
      }
      pos += r;
    }
  }

  private static ConfigException bad(Path file, String message) {
    return new ConfigException(file.toString(), message);
  }
}

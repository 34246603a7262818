package dev.lethe.gateway.backend.local;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.TreeSet;

/**
 * Bounds what loading a checkpoint directory may read, before anything is read: every file the
 * loader opens ({@code config.json}, {@code tokenizer.json}, the weights or their index and shards)
 * must be a regular file (a symbolic link to one is fine; a device such as {@code /dev/zero}, a
 * FIFO or a directory is not) no larger than its limit. A hostile or broken path is refused in
 * microseconds with the file named, instead of reading without end.
 *
 * @param maxConfigBytes the largest {@code config.json} (and weight index) accepted
 * @param maxTokenizerBytes the largest {@code tokenizer.json} accepted
 * @param maxWeightBytes the largest total size of the weight files accepted
 */
public record CheckpointPreflight(
    long maxConfigBytes, long maxTokenizerBytes, long maxWeightBytes) {
  /** Defaults: 1 MiB config, 64 MiB tokenizer, 32 GiB of weights. */
  public static final CheckpointPreflight DEFAULTS =
      new CheckpointPreflight(1L << 20, 64L << 20, 32L << 30);

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Checks the limits. */
  public CheckpointPreflight {
    positive("maxConfigBytes", maxConfigBytes);
    positive("maxTokenizerBytes", maxTokenizerBytes);
    positive("maxWeightBytes", maxWeightBytes);
  }

  private static void positive(String field, long v) {
    if (v <= 0) {
      throw new IllegalArgumentException(field + ": " + v + " (expected: > 0)");
    }
  }

  /**
   * Checks the files of {@code dir}.
   *
   * @throws ConfigException naming the file, what it is and what was expected
   */
  public void check(Path dir) {
    requireNonNull(dir, "dir");
    file(dir, "config.json", maxConfigBytes);
    file(dir, "tokenizer.json", maxTokenizerBytes);
    Path single = dir.resolve("model.safetensors");
    if (Files.exists(single)) {
      file(dir, "model.safetensors", maxWeightBytes);
      return;
    }
    String indexName = "model.safetensors.index.json";
    if (!Files.exists(dir.resolve(indexName))) {
      return; // the loader names the missing weights
    }
    file(dir, indexName, maxConfigBytes);
    JsonNode map;
    try {
      map = JSON.readTree(dir.resolve(indexName).toFile()).path("weight_map");
    } catch (IOException e) {
      throw new ConfigException(indexName, "not valid JSON");
    }
    TreeSet<String> shards = new TreeSet<>();
    for (Iterator<JsonNode> it = map.elements(); it.hasNext(); ) {
      shards.add(it.next().asText());
    }
    long total = 0;
    for (String s : shards) {
      Path shard = dir.resolve(s).normalize();
      if (!shard.startsWith(dir)) {
        throw new ConfigException(indexName, s, "a file inside the checkpoint directory");
      }
      total += file(dir, dir.relativize(shard).toString(), maxWeightBytes);
      if (total > maxWeightBytes) {
        throw new ConfigException(
            indexName, total + " bytes of weights", "at most " + maxWeightBytes + " bytes");
      }
    }
  }

  /** Checks one file (absent files are left to the loader, which names them); returns its size. */
  private static long file(Path dir, String name, long max) {
    Path p = dir.resolve(name);
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.exists(p)) {
      return 0;
    }
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(p, BasicFileAttributes.class);
    } catch (IOException e) {
      throw new ConfigException(name, "cannot be read");
    }
    if (!a.isRegularFile()) {
      throw new ConfigException(
          name,
          a.isDirectory() ? "a directory" : "a device, pipe or other special file",
          "a regular file");
    }
    if (a.size() > max) {
      throw new ConfigException(name, a.size() + " bytes", "at most " + max + " bytes");
    }
    return a.size();
  }
}

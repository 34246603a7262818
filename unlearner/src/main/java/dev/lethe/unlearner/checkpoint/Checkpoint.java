package dev.lethe.unlearner.checkpoint;

import static java.util.Objects.requireNonNull;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lethe.config.ConfigException;
import dev.lethe.unlearner.model.LlamaConfig;
import dev.lethe.unlearner.model.LlamaModel;
import dev.lethe.unlearner.model.Tensor;
import dev.lethe.unlearner.tokenizer.TextTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * A loaded Hugging Face checkpoint directory: {@code config.json} ({@link LlamaConfig}), weights
 * ({@code model.safetensors}, or shards listed in {@code model.safetensors.index.json}) and {@code
 * tokenizer.json}, checked for consistency with each other.
 *
 * <p>Saving is atomic: the files are written to a temporary sibling directory which is then renamed
 * to the target; a previous checkpoint at the target is replaced only once the new one is complete.
 */
public final class Checkpoint implements AutoCloseable {
  /** The index file of a sharded checkpoint. */
  public static final String INDEX_FILE = "model.safetensors.index.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path directory;
  private final LlamaModel model;
  private final TextTokenizer tokenizer;

  private Checkpoint(Path directory, LlamaModel model, TextTokenizer tokenizer) {
    this.directory = directory;
    this.model = model;
    this.tokenizer = tokenizer;
  }

  /** Loads {@code dir} on the {@linkplain LlamaModel#defaultDevice() default device}. */
  public static Checkpoint load(Path dir) {
    return load(dir, LlamaModel.defaultDevice());
  }

  /**
   * Loads and validates {@code dir}.
   *
   * @throws ConfigException when a file is missing, malformed, unsupported, or inconsistent with
   *     the others (tensor shapes vs config, tokenizer ids vs {@code vocab_size})
   */
  public static Checkpoint load(Path dir, Device device) {
    requireNonNull(dir, "dir");
    requireNonNull(device, "device");
    Path abs = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(abs)) {
      throw new ConfigException(abs.toString(), "not a directory");
    }
    LlamaConfig config = LlamaConfig.read(abs);
    Map<String, Tensor> tensors = readWeights(abs);
    TextTokenizer tokenizer = TextTokenizer.load(abs);
    try {
      if (tokenizer.vocabSize() > config.vocabSize()) {
        throw new ConfigException(
            TextTokenizer.FILE_NAME,
            "ids up to "
                + (tokenizer.vocabSize() - 1)
                + " exceed vocab_size "
                + config.vocabSize());
      }
      for (int id : config.eosTokenIds()) {
        if (id >= tokenizer.vocabSize()) {
          throw new ConfigException(
              "eos_token_id", id, "an id of tokenizer.json (< " + tokenizer.vocabSize() + ")");
        }
      }
      if (config.bosTokenId() >= tokenizer.vocabSize()) {
        throw new ConfigException(
            "bos_token_id",
            config.bosTokenId(),
            "an id of tokenizer.json (< " + tokenizer.vocabSize() + ")");
      }
      LlamaModel model = LlamaModel.fromTensors(config, tensors, device);
      return new Checkpoint(abs, model, tokenizer);
    } catch (RuntimeException e) {
      tokenizer.close();
      throw e;
    }
  }

  /** Reads the weights of {@code dir}: one safetensors file or the shards of an index. */
  public static Map<String, Tensor> readWeights(Path dir) {
    try {
      Path single = dir.resolve(Safetensors.FILE_NAME);
      if (Files.isRegularFile(single)) {
        return Safetensors.read(single);
      }
      Path index = dir.resolve(INDEX_FILE);
      if (!Files.isRegularFile(index)) {
        throw new ConfigException(
            dir.toString(), "no " + Safetensors.FILE_NAME + " nor " + INDEX_FILE);
      }
      JsonNode map = JSON.readTree(index.toFile()).path("weight_map");
      TreeSet<String> files = new TreeSet<>();
      map.elements().forEachRemaining(n -> files.add(n.asText()));
      Map<String, Tensor> out = new LinkedHashMap<>();
      for (String f : files) {
        Path shard = dir.resolve(f).normalize();
        if (!shard.startsWith(dir)) {
          throw new ConfigException(INDEX_FILE, f, "a file inside the checkpoint directory");
        }
        out.putAll(Safetensors.read(shard));
      }
      return out;
    } catch (java.nio.file.NoSuchFileException e) {
      throw new ConfigException(e.getFile(), "no such file");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read weights in " + dir, e);
    }
  }

  /**
   * Writes {@code model} with the tokenizer file {@code tokenizerJson} to {@code dir}, atomically
   * (temporary sibling directory, then rename). Returns the absolute target directory.
   */
  public static Path save(LlamaModel model, Path tokenizerJson, Path dir) throws IOException {
    requireNonNull(model, "model");
    requireNonNull(tokenizerJson, "tokenizerJson");
    requireNonNull(dir, "dir");
    Path target = dir.toAbsolutePath().normalize();
    Path parent = target.getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp-");
    try {
      model.config().write(tmp);
      Safetensors.write(
          tmp.resolve(Safetensors.FILE_NAME), model.toTensors(), Map.of("format", "pt"));
      Files.copy(tokenizerJson, tmp.resolve(TextTokenizer.FILE_NAME));
      Path old = null;
      if (Files.exists(target)) {
        old = Files.createTempDirectory(parent, "." + target.getFileName() + ".old-");
        Files.delete(old);
        move(target, old);
      }
      move(tmp, target);
      if (old != null) {
        deleteTree(old);
      }
      return target;
    } catch (IOException | RuntimeException e) {
      deleteTree(tmp);
      throw e;
    }
  }

  /**
   * Saves this checkpoint's model and tokenizer to {@code dir} (see {@link #save(LlamaModel, Path,
   * Path)}).
   */
  public Path save(Path dir) throws IOException {
    return save(model, directory.resolve(TextTokenizer.FILE_NAME), dir);
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to);
    }
  }

  /** Deletes a directory tree, ignoring what is already gone. */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
            Files.deleteIfExists(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** The absolute directory this checkpoint was loaded from. */
  public Path directory() {
    return directory;
  }

  /** The model. */
  public LlamaModel model() {
    return model;
  }

  /** The tokenizer. */
  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  /** Frees the model's and the tokenizer's native memory. */
  @Override
  public void close() {
    try {
      model.close();
    } finally {
      tokenizer.close();
    }
  }
}

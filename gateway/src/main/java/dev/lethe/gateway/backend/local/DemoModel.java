package dev.lethe.gateway.backend.local;

import static java.util.Objects.requireNonNull;

import dev.lethe.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A checkpoint shipped inside the application (as class-path resources under its resource
 * directory) and unpacked, on first use, to {@code <data dir>/models/<name>}, from where it is
 * loaded. Two are shipped: {@link #TARGET}, the built-in demo model of {@code lethe serve}
 * (reported by {@code GET /admin/models}), and {@link #RETAIN}, the demo retain model (the same
 * recipe without the forget10 authors) that {@code lethe compare --demo} asks as its {@code gold}
 * arm. Unpacking is atomic (temporary sibling directory, then rename), so a start that is
 * interrupted never leaves a half-written checkpoint behind; an existing unpacked copy is kept
 * unless its digest stamp differs from the shipped files' (a newer application).
 */
public final class DemoModel {
  /** The built-in demo model: the TOFU demo target (docs/demo-models.md). */
  public static final DemoModel TARGET =
      new DemoModel(
          "lethe-demo",
          "lethe/demo-model/",
          "the demo model",
          "pass --upstream URL, or configure a local backend with a checkpoint");

  /** The demo retain model: the target's recipe without the forget10 authors. */
  public static final DemoModel RETAIN =
      new DemoModel(
          "lethe-demo-retain",
          "lethe/demo-retain/",
          "the demo retain model",
          "pass --gold DIR, a retain model made as docs/demo-models.md shows");

  /** The model name clients use for {@link #TARGET}. */
  public static final String MODEL_NAME = TARGET.name;

  /** Where {@link #TARGET} lies on the class path. */
  public static final String RESOURCE_DIR = TARGET.resourceDir;

  /** The files of a shipped checkpoint; {@code SOURCE} says how it was made. */
  static final List<String> FILES =
      List.of("config.json", "model.safetensors", "tokenizer.json", "SOURCE");

  /** The file in an unpacked copy naming the shipped files' digest. */
  static final String STAMP = ".lethe-sha256";

  private final String name;
  private final String resourceDir;
  private final String description;
  private final String hint;

  private DemoModel(String name, String resourceDir, String description, String hint) {
    this.name = name;
    this.resourceDir = resourceDir;
    this.description = description;
    this.hint = hint;
  }

  /**
   * The checkpoint's name: its directory under {@code models/} (and, for the target, the model).
   */
  public String name() {
    return name;
  }

  /** Where the checkpoint lies on the class path, ending in {@code /}. */
  public String resourceDir() {
    return resourceDir;
  }

  /** Whether this build ships the demo target. */
  public static boolean shipped() {
    return TARGET.isShipped();
  }

  /**
   * The demo target's directory under {@code dataDir}, unpacked there first when missing or stale.
   *
   * @throws ConfigException when this build ships no demo checkpoint
   */
  public static Path ensure(Path dataDir, PrintStream progress) {
    return TARGET.unpack(dataDir, progress);
  }

  /** Whether this build ships this checkpoint. */
  public boolean isShipped() {
    return DemoModel.class.getClassLoader().getResource(resourceDir + "config.json") != null;
  }

  /**
   * This checkpoint's directory under {@code dataDir}, unpacked there first when missing or stale.
   *
   * @throws ConfigException when this build does not ship it
   */
  public Path unpack(Path dataDir, PrintStream progress) {
    requireNonNull(dataDir, "dataDir");
    requireNonNull(progress, "progress");
    if (!isShipped()) {
      throw new ConfigException(
          "backends",
          "this build does not ship " + description + " (" + resourceDir + "): " + hint);
    }
    Path target = dataDir.resolve("models").resolve(name).toAbsolutePath().normalize();
    try {
      Map<String, byte[]> files = new LinkedHashMap<>();
      for (String f : FILES) {
        files.put(f, read(f));
      }
      String stamp = stamp(files);
      Path have = target.resolve(STAMP);
      if (Files.isRegularFile(have) && Files.readString(have).equals(stamp)) {
        return target;
      }
      progress.println("lethe: unpacking " + description + " to " + target);
      Files.createDirectories(target.getParent());
      Path tmp = Files.createTempDirectory(target.getParent(), "." + name + ".tmp-");
      try {
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
          Files.write(tmp.resolve(f.getKey()), f.getValue());
        }
        Files.writeString(tmp.resolve(STAMP), stamp);
        if (Files.exists(target)) {
          deleteTree(target);
        }
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, target);
        }
      } finally {
        deleteTree(tmp);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack " + description + " to " + target, e);
    }
  }

  /** SHA-256 over the shipped files: an unpacked copy with another stamp is replaced. */
  private static String stamp(Map<String, byte[]> files) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        md.update(f.getKey().getBytes(StandardCharsets.UTF_8));
        md.update(f.getValue());
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private byte[] read(String file) throws IOException {
    try (InputStream in =
        DemoModel.class.getClassLoader().getResourceAsStream(resourceDir + file)) {
      if (in == null) {
        throw new IOException("the application lacks " + resourceDir + file);
      }
      return in.readAllBytes();
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}

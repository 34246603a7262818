package dev.lethe.unlearner;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that a libtorch given through {@code PYTORCH_LIBRARY_PATH} is the version DJL's PyTorch
 * JNI library was built for.
 *
 * <p>DJL's JNI library ({@code libdjl_torch.so}, from {@code ai.djl.pytorch:pytorch-jni}) is
 * compiled against one libtorch release and inlines parts of its C++ headers. Given another release
 * it still loads, finds the GPU and creates tensors, then fails when it reads one back (seen with
 * DJL 0.35.1 against PyTorch 2.11: {@code Cannot access data pointer of Tensor that doesn't have
 * storage}), so the mismatch is reported before the engine starts, naming both versions. The
 * libtorch's version is read from the {@code build-version} file of a libtorch archive or the
 * {@code version.py} of a Python {@code torch} package, the parent of its {@code lib} folder; a
 * folder with neither is let through, since nothing tells its version.
 */
public final class LibtorchVersion {
  /** The environment variable (or system property) DJL reads a local libtorch folder from. */
  public static final String LIBRARY_PATH = "PYTORCH_LIBRARY_PATH";

  /** The JNI library's file name; DJL loads one found in the libtorch folder before its own. */
  static final String JNI_LIBRARY = System.mapLibraryName("djl_torch");

  private static final Pattern RELEASE = Pattern.compile("(\\d+\\.\\d+\\.\\d+)");
  private static final Pattern PY_VERSION =
      Pattern.compile("(?m)^__version__\\s*=\\s*['\"]([^'\"]+)['\"]");

  private LibtorchVersion() {}

  /**
   * Fails with a message naming both versions when {@code PYTORCH_LIBRARY_PATH} points at a
   * libtorch other than the one the JNI library on the classpath was built for; does nothing when
   * the variable is unset or either version is unknown.
   *
   * @throws IllegalStateException on a mismatch
   */
  public static void requireMatchingLocalLibtorch() {
    String path = System.getProperty(LIBRARY_PATH, System.getenv(LIBRARY_PATH));
    if (path == null || path.isBlank()) {
      return;
    }
    Optional<String> jni = jniRelease();
    if (jni.isEmpty()) {
      return;
    }
    for (String entry : path.split(java.io.File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      Path dir = Path.of(entry.strip());
      mismatch(dir, jni.get())
          .ifPresent(
              message -> {
                throw new IllegalStateException(message);
              });
    }
  }

  /**
   * The mismatch message for the libtorch folder {@code libDir} against the release {@code
   * expected} (e.g. {@code 2.7.1}), or empty when they match or the folder's version is unknown.
   */
  static Optional<String> mismatch(Path libDir, String expected) {
    if (Files.isRegularFile(libDir.resolve(JNI_LIBRARY))) {
      return Optional.empty(); // DJL uses the folder's own JNI library, built for it
    }
    Optional<String> found = localVersion(libDir);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Matcher release = RELEASE.matcher(found.get());
    if (release.find() && release.group(1).equals(expected)) {
      return Optional.empty();
    }
    return Optional.of(
        LIBRARY_PATH
            + "="
            + libDir
            + " holds libtorch "
            + found.get()
            + ", but this build's PyTorch JNI library is built for libtorch "
            + expected
            + " (expected: a libtorch "
            + expected
            + " folder, CPU or CUDA, or the variable unset to use the bundled CPU library)");
  }

  /** The version of the libtorch whose {@code lib} folder is {@code libDir}, when it says. */
  static Optional<String> localVersion(Path libDir) {
    Path home = libDir.toAbsolutePath().normalize().getParent();
    if (home == null) {
      return Optional.empty();
    }
    try {
      Path buildVersion = home.resolve("build-version");
      if (Files.isRegularFile(buildVersion)) {
        String text = Files.readString(buildVersion, StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
      }
      Path versionPy = home.resolve("version.py");
      if (Files.isRegularFile(versionPy)) {
        Matcher m = PY_VERSION.matcher(Files.readString(versionPy, StandardCharsets.UTF_8));
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the libtorch version under " + home, e);
    }
    return Optional.empty();
  }

  /**
   * The libtorch release of the JNI library on the classpath ({@code jni_version=2.7.1-0.35.1}).
   */
  static Optional<String> jniRelease() {
    try (InputStream in =
        LibtorchVersion.class.getClassLoader().getResourceAsStream("jnilib/pytorch.properties")) {
      if (in == null) {
        return Optional.empty();
      }
      Properties properties = new Properties();
      properties.load(in);
      String jni = properties.getProperty("jni_version", "");
      Matcher m = RELEASE.matcher(jni);
      return m.lookingAt() ? Optional.of(m.group(1)) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read jnilib/pytorch.properties", e);
    }
  }
}

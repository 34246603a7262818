package dev.lethe.gateway.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's peak resident memory (Linux {@code VmHWM}), which counts native memory (libtorch's
 * tensors) that the JVM's own memory beans do not see.
 */
final class PeakRss {
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

  private PeakRss() {}

  /** Resets the peak to the current resident size; false where the platform cannot. */
  static boolean reset() {
    try {
      Files.writeString(CLEAR_REFS, "5");
      return true;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  /** The peak resident size in bytes, or -1 when unknown. */
  static long bytes() {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmHWM:")) {
          String kb = line.substring(6).replace("kB", "").strip();
          return Long.parseLong(kb) * 1024;
        }
      }
    } catch (IOException | NumberFormatException | SecurityException e) {
      return -1;
    }
    return -1;
  }
}

package dev.lethe.gateway.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The key of the audit log's prompt hashes: 32 random bytes in {@code <dataDir>/audit.key} (hex,
 * mode 0600), made on first use. Without the key nobody can test a guessed prompt against the log;
 * with it, an operator can check whether a given prompt was the one decided on.
 */
public final class AuditKey {
  private AuditKey() {}

  /** Reads the key, creating it when absent. */
  public static byte[] load(Path file) throws IOException {
    if (!Files.exists(file)) {
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      Files.createDirectories(file.toAbsolutePath().getParent());
      try {
        Files.createFile(
            file,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(
            file, HexFormat.of().formatHex(key) + "\n", StandardOpenOption.TRUNCATE_EXISTING);
        return key;
      } catch (FileAlreadyExistsException e) {
        // another process made it first: read theirs
      } catch (UnsupportedOperationException e) {
        Files.writeString(file, HexFormat.of().formatHex(key) + "\n");
        return key;
      }
    }
    String hex = Files.readString(file, StandardCharsets.US_ASCII).trim();
    try {
      byte[] key = HexFormat.of().parseHex(hex);
      if (key.length < 16) {
        throw new IOException(file + ": key too short (expected: at least 16 bytes, in hex)");
      }
      return key;
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ": not a hex key", e);
    }
  }
}

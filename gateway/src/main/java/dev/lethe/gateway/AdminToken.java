package dev.lethe.gateway;

import dev.lethe.config.AdminConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * Where the admin token comes from, in order: the environment variable named in config ({@code
 * LETHE_ADMIN_TOKEN} by default), the config's {@code admin.token}, or {@code
 * <dataDir>/admin.token} — generated (32 random bytes, base64url) with mode 0600 when absent.
 *
 * @param token the token
 * @param source a human-readable description of where it came from (never the token itself)
 */
public record AdminToken(String token, String source) {

  /**
   * Resolves the token.
   *
   * @throws IOException when the token file cannot be read or written
   */
  public static AdminToken resolve(AdminConfig config, Path dataDir, Map<String, String> env)
      throws IOException {
    String fromEnv = env.get(config.tokenEnv());
    if (fromEnv != null && !fromEnv.isBlank()) {
      String token = fromEnv.trim();
      if (token.length() < AdminConfig.MIN_TOKEN_LENGTH) {
        // The same floor as admin.token in the config file: a short token is refused wherever it
        // comes from (its value is never echoed).
        throw new IOException(
            "$"
                + config.tokenEnv()
                + ": admin token has "
                + token.length()
                + " characters; expected at least "
                + AdminConfig.MIN_TOKEN_LENGTH);
      }
      return new AdminToken(token, "from $" + config.tokenEnv());
    }
    if (config.token() != null) {
      return new AdminToken(config.token(), "from the config file (admin.token)");
    }
    Path file = dataDir.resolve("admin.token");
    Files.createDirectories(dataDir);
    if (!Files.exists(file)) {
      byte[] raw = new byte[32];
      new SecureRandom().nextBytes(raw);
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
      Set<PosixFilePermission> perms = PosixFilePermissions.fromString("rw-------");
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(perms));
        Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
      } catch (FileAlreadyExistsException e) {
        // another process created it first: use theirs
      } catch (UnsupportedOperationException e) {
        Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
      }
    }
    String token = Files.readString(file, StandardCharsets.UTF_8).trim();
    if (token.length() < AdminConfig.MIN_TOKEN_LENGTH) {
      throw new IOException(
          file
              + ": admin token shorter than "
              + AdminConfig.MIN_TOKEN_LENGTH
              + " characters; delete the file to regenerate it");
    }
    return new AdminToken(token, "in " + file.toAbsolutePath());
  }
}

package dev.lethe.gateway.cli;

import dev.lethe.config.AdminConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where a running gateway is and how to authenticate to it: the options shared by {@code lethe
 * rules} and {@code lethe classify}. The token comes from {@code --token}, else {@code
 * $LETHE_ADMIN_TOKEN}, else {@code admin.token} in the data directory ({@code --data}, default
 * {@code ./lethe-data}, where {@code lethe serve} writes it).
 */
public final class AdminConnection {
  /** The environment variable read when {@code --token} is absent. */
  public static final String TOKEN_ENV = "LETHE_ADMIN_TOKEN";

  @Option(
      names = "--url",
      paramLabel = "URL",
      description = "The gateway's base URL (default ${DEFAULT-VALUE}).",
      defaultValue = "http://127.0.0.1:8080")
  String url;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "Admin token (default: $LETHE_ADMIN_TOKEN, else DIR/admin.token).")
  String token;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "Data directory holding admin.token (default ${DEFAULT-VALUE}).",
      defaultValue = "lethe-data")
  Path data;

  /** The base URL, validated: {@code http} or {@code https}, a host, no query. */
  URI baseUri() throws UsageException {
    try {
      URI u = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
      if (u.getScheme() == null
          || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
          || u.getHost() == null
          || u.getQuery() != null) {
        throw new UsageException("--url: \"" + url + "\" (expected: http(s)://HOST[:PORT])");
      }
      return u;
    } catch (URISyntaxException e) {
      throw new UsageException("--url: \"" + url + "\" (expected: http(s)://HOST[:PORT])");
    }
  }

  /** The token, from the first source that has one. */
  String resolveToken(Map<String, String> env) throws UsageException {
    if (token != null && !token.isBlank()) {
      return token.strip();
    }
    String fromEnv = env.get(TOKEN_ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.strip();
    }
    Path file = data.resolve("admin.token");
    try {
      String t = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (t.length() < AdminConfig.MIN_TOKEN_LENGTH) {
        throw new UsageException(
            file + ": admin token shorter than " + AdminConfig.MIN_TOKEN_LENGTH + " characters");
      }
      return t;
    } catch (IOException e) {
      throw new UsageException(
          "no admin token: pass --token, set $"
              + TOKEN_ENV
              + ", or point --data at the gateway's data directory ("
              + file
              + " is not readable)");
    }
  }

  /** A client for the gateway these options name. */
  AdminClient client(Map<String, String> env) throws UsageException {
    return new AdminClient(baseUri(), resolveToken(env));
  }

  /** Bad usage: exit code 2 with a one-line reason. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}

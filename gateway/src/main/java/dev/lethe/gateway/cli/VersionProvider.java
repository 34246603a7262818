package dev.lethe.gateway.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * What {@code lethe --version} prints: the project version the build wrote into {@code
 * lethe/version.properties}, and the Java runtime it runs on.
 */
public final class VersionProvider implements IVersionProvider {

  /** The Lethe version of this build, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    try (InputStream in = VersionProvider.class.getResourceAsStream("/lethe/version.properties")) {
      if (in == null) {
        return "unknown (no lethe/version.properties on the class path)";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {
      "lethe " + version(),
      "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", "unknown vendor") + ")"
    };
  }
}

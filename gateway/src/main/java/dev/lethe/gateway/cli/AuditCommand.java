package dev.lethe.gateway.cli;

import dev.lethe.gateway.audit.AuditVerifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lethe audit}: the tamper-evident audit log. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "The tamper-evident audit log.",
    subcommands = {AuditCommand.Verify.class})
public final class AuditCommand implements Runnable {

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  /**
   * {@code lethe audit verify}: checks the hash chain, exit 0 intact, 1 naming the first bad
   * record.
   */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Checks the audit log's hash chain across all its files.",
        "Exit 0 when intact; 1 naming the first edited, removed or reordered record."
      })
  public static final class Verify implements Callable<Integer> {
    @Option(
        names = "--data",
        paramLabel = "DIR",
        description = "Data directory whose audit/ log to check (default ./lethe-data).")
    Path data;

    @Option(
        names = "--store",
        paramLabel = "URL",
        description =
            "A shared PostgreSQL store. Not supported yet: each replica keeps its audit log in"
                + " its data directory; use --data.")
    String store;

    @Override
    public Integer call() throws Exception {
      if (store != null) {
        System.err.println(
            "lethe audit verify: --store: the audit log is kept in each replica's data directory,"
                + " not in the shared store yet (expected: --data DIR)");
        return 2;
      }
      Path dir = (data == null ? Path.of("lethe-data") : data).resolve("audit");
      if (!Files.isDirectory(dir)) {
        System.err.println("lethe audit verify: no audit log at " + dir);
        return 2;
      }
      long t0 = System.nanoTime();
      AuditVerifier.Result r = AuditVerifier.verify(dir);
      double seconds = (System.nanoTime() - t0) / 1e9;
      if (r.intact()) {
        System.out.printf(
            "audit log %s: intact, %d records checked in %.2f s%n", dir, r.records(), seconds);
        return 0;
      }
      System.out.println(
          "audit log "
              + dir
              + ": BROKEN at "
              + r.firstBad()
              + " ("
              + r.records()
              + " records intact before it)");
      return 1;
    }
  }
}

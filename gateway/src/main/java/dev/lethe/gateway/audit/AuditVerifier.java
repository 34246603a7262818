package dev.lethe.gateway.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks an audit log's chain across all its files: each record's hash matches its bytes, its
 * {@code seq} is one more than the previous one's and its {@code prev} is the previous one's hash.
 * Reports the first record that breaks it.
 */
public final class AuditVerifier {
  private AuditVerifier() {}

  /**
   * The outcome.
   *
   * @param records how many records were checked (up to the first bad one)
   * @param firstBad {@code null} when intact, else where and why the chain breaks
   */
  public record Result(long records, String firstBad) {
    /** Whether the chain is intact. */
    public boolean intact() {
      return firstBad == null;
    }
  }

  /** Verifies the log in {@code dir}. */
  public static Result verify(Path dir) throws IOException {
    List<Path> files = AuditFiles.list(dir);
    long count = 0;
    long expectSeq = 1;
    String prev = AuditLog.ZERO_HASH;
    for (Path f : files) {
      try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        String line;
        long lineNo = 0;
        while ((line = r.readLine()) != null) {
          lineNo++;
          String where = f.getFileName() + " line " + lineNo;
          AuditRecord.Parsed p;
          try {
            p = AuditRecord.parse(line);
          } catch (IllegalArgumentException e) {
            return new Result(count, where + ": unreadable record (" + e.getMessage() + ")");
          }
          String name = where + " (seq " + p.seq() + ")";
          if (!p.computed().equals(p.hash())) {
            return new Result(count, name + ": its content does not match its hash (edited)");
          }
          if (p.seq() != expectSeq) {
            return new Result(
                count,
                name
                    + ": seq "
                    + p.seq()
                    + " where "
                    + expectSeq
                    + " was expected (removed or"
                    + " reordered records)");
          }
          if (!p.prev().equals(prev)) {
            return new Result(
                count,
                name
                    + ": prev does not match the previous record's hash (removed, reordered or"
                    + " replaced records)");
          }
          prev = p.hash();
          expectSeq++;
          count++;
        }
      }
    }
    return new Result(count, null);
  }
}

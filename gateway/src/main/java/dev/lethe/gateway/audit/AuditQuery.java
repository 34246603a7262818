package dev.lethe.gateway.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the audit log for {@code GET /admin/audit}: records after a {@code seq} cursor that match
 * every given filter, oldest first, at most {@code limit}. Blocks on file IO: worker threads only.
 *
 * @param kind {@code rule_change} or {@code decision}, or {@code null} for both
 * @param ruleId only records naming this rule, or {@code null}
 * @param requestId only the decision on this request (its completion id or its {@code
 *     x-request-id}), or {@code null}
 * @param decision only decisions with this outcome, or {@code null}
 * @param after only records with a greater {@code seq}
 * @param limit the most records to return, 1..10000
 */
public record AuditQuery(
    String kind, String ruleId, String requestId, String decision, long after, int limit) {

  /** Checks arguments. */
  public AuditQuery {
    if (limit < 1 || limit > 10_000) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: 1..10000)");
    }
    if (after < 0) {
      throw new IllegalArgumentException("after: " + after + " (expected: >= 0)");
    }
    if (kind != null && !kind.equals("rule_change") && !kind.equals("decision")) {
      throw new IllegalArgumentException(
          "kind: \"" + kind + "\" (expected: rule_change or decision)");
    }
  }

  /**
   * One page of matching records, as stored lines.
   *
   * @param lines the records, each one line of JSON (the stored bytes)
   * @param next the cursor for the next page ({@code after}), or -1 when there is no more
   */
  public record Page(List<String> lines, long next) {}

  /** Runs the query over the log in {@code dir}. */
  public Page run(Path dir) throws IOException {
    List<Path> files = AuditFiles.list(dir);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      if (i + 1 < files.size() && firstSeq(files.get(i + 1)) <= after + 1) {
        continue; // every record of this file is at or before the cursor
      }
      try (BufferedReader r = Files.newBufferedReader(files.get(i), StandardCharsets.UTF_8)) {
        String line;
        while ((line = r.readLine()) != null) {
          JsonNode n;
          try {
            n = AuditRecord.Mapper.M.readTree(line);
          } catch (IOException e) {
            continue; // verify reports it; a query skips it
          }
          long seq = n.path("seq").asLong();
          if (seq <= after || !matches(n)) {
            continue;
          }
          if (out.size() == limit) {
            return new Page(out, after(out));
          }
          out.add(line);
        }
      }
    }
    return new Page(out, -1);
  }

  private static long after(List<String> lines) throws IOException {
    return AuditRecord.Mapper.M.readTree(lines.get(lines.size() - 1)).path("seq").asLong();
  }

  private static long firstSeq(Path f) {
    String n = f.getFileName().toString();
    return Long.parseLong(n.substring("audit-".length(), n.length() - ".jsonl".length()));
  }

  private boolean matches(JsonNode n) {
    if (kind != null && !kind.equals(n.path("kind").asText())) {
      return false;
    }
    if (requestId != null
        && !requestId.equals(n.path("requestId").asText(null))
        && !requestId.equals(n.path("httpRequestId").asText(null))) {
      return false;
    }
    if (decision != null && !decision.equals(n.path("decision").asText(null))) {
      return false;
    }
    if (ruleId != null) {
      if (ruleId.equals(n.path("ruleId").asText(null))) {
        return true;
      }
      for (JsonNode id : n.path("ruleIds")) {
        if (ruleId.equals(id.asText())) {
          return true;
        }
      }
      return false;
    }
    return true;
  }
}

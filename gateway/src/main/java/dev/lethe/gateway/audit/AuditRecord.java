package dev.lethe.gateway.audit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;

/**
 * What the audit log records: a rule change or a decision. The chain fields ({@code seq}, {@code
 * time}, {@code prev}, {@code hash}) are added by {@link AuditLog}. No record ever holds a prompt,
 * an answer or a token: a decision carries a keyed hash of the prompt, a rule change the admin
 * token's fingerprint.
 */
public sealed interface AuditRecord {

  /** Writes this record's own fields. */
  void write(JsonGenerator g) throws IOException;

  /**
   * A rule change.
   *
   * @param who who made it: the admin credential's name (a fingerprint of the token, never the
   *     token)
   * @param op {@code create}, {@code replace}, {@code delete} or {@code import}
   * @param ruleIds the rules it touched
   * @param version the rules version it produced
   */
  record RuleChange(String who, String op, List<String> ruleIds, long version)
      implements AuditRecord {
    /** Checks arguments. */
    public RuleChange {
      requireNonNull(who, "who");
      requireNonNull(op, "op");
      ruleIds = List.copyOf(ruleIds);
    }

    @Override
    public void write(JsonGenerator g) throws IOException {
      g.writeStringField("kind", "rule_change");
      g.writeStringField("who", who);
      g.writeStringField("op", op);
      g.writeArrayFieldStart("ruleIds");
      for (String id : ruleIds) {
        g.writeString(id);
      }
      g.writeEndArray();
      g.writeNumberField("rulesVersion", version);
    }
  }

  /**
   * A decision on one request.
   *
   * @param requestId the request's id (the completion id)
   * @param httpRequestId the HTTP request's {@code x-request-id} (as in the access log), or {@code
   *     null} (not written)
   * @param ruleId the rule that decided, or {@code null}
   * @param decision {@code pass}, {@code refuse}, {@code redact} or {@code icul}
   * @param outputCut whether the output filter cut the answer
   * @param rulesVersion the snapshot the request was judged by
   * @param promptHmac HMAC-SHA256 (hex) of the request body under the log's key
   */
  record Decision(
      String requestId,
      String httpRequestId,
      String ruleId,
      String decision,
      boolean outputCut,
      long rulesVersion,
      String promptHmac)
      implements AuditRecord {
    /** Checks arguments. */
    public Decision {
      requireNonNull(requestId, "requestId");
      requireNonNull(decision, "decision");
      requireNonNull(promptHmac, "promptHmac");
    }

    @Override
    public void write(JsonGenerator g) throws IOException {
      g.writeStringField("kind", "decision");
      g.writeStringField("requestId", requestId);
      if (httpRequestId != null) {
        g.writeStringField("httpRequestId", httpRequestId);
      }
      if (ruleId == null) {
        g.writeNullField("ruleId");
      } else {
        g.writeStringField("ruleId", ruleId);
      }
      g.writeStringField("decision", decision);
      g.writeBooleanField("outputCut", outputCut);
      g.writeNumberField("rulesVersion", rulesVersion);
      g.writeStringField("promptHmac", promptHmac);
    }
  }

  /**
   * A stored line, checked and parsed.
   *
   * @param seq its sequence number
   * @param prev the previous record's hash
   * @param hash its own hash, as stored
   * @param computed the hash recomputed from its bytes
   * @param json the record
   */
  record Parsed(long seq, String prev, String hash, String computed, JsonNode json) {}

  /** The marker that starts the hash field at the end of every line. */
  String HASH_MARK = ",\"hash\":\"";

  /**
   * Parses one line (without its newline) and recomputes its hash.
   *
   * @throws IllegalArgumentException when it is not a record of this log
   */
  static Parsed parse(String line) {
    int at = line.lastIndexOf(HASH_MARK);
    if (at < 0 || !line.endsWith("\"}")) {
      throw new IllegalArgumentException("no hash field at the end");
    }
    String body = line.substring(0, at) + "}";
    String hash = line.substring(at + HASH_MARK.length(), line.length() - 2);
    JsonNode json;
    try {
      json = Mapper.M.readTree(line);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON");
    }
    if (json == null || !json.isObject() || !json.path("seq").isIntegralNumber()) {
      throw new IllegalArgumentException("no integer seq");
    }
    if (!json.path("prev").isTextual()) {
      throw new IllegalArgumentException("no prev hash");
    }
    String computed =
        java.util.HexFormat.of()
            .formatHex(
                AuditLog.sha256().digest(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    return new Parsed(json.get("seq").asLong(), json.get("prev").asText(), hash, computed, json);
  }

  /** Holder of the shared JSON reader. */
  final class Mapper {
    static final ObjectMapper M = new ObjectMapper();

    private Mapper() {}
  }
}

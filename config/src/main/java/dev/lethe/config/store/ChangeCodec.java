package dev.lethe.config.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.ConfigException;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.RuleChange;
import dev.lethe.config.rules.RuleCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * JSON payloads of journal records: {@code {"version":N,"op":"put","rules":[...]}}, {@code
 * {"version":N,"op":"delete","id":"..."}} or {@code {"version":N,"op":"replaceAll","rules":[...]}},
 * rules in the shape of DESIGN.md §3.4. The journal frames them; a shared store keeps them as rows.
 */
public final class ChangeCodec {
  private ChangeCodec() {}

  /**
   * A decoded record.
   *
   * @param version the version the change produced
   * @param change the change
   */
  public record Versioned(long version, RuleChange change) {}

  /** Encodes {@code change}, which produced {@code version}, as UTF-8 JSON. */
  public static byte[] encode(long version, RuleChange change) {
    ObjectNode o = RuleCodec.mapper().createObjectNode();
    o.put("version", version);
    switch (change) {
      case RuleChange.Put put -> {
        o.put("op", "put");
        rules(o, put.rules());
      }
      case RuleChange.Delete delete -> {
        o.put("op", "delete");
        o.put("id", delete.id());
      }
      case RuleChange.ReplaceAll all -> {
        o.put("op", "replaceAll");
        rules(o, all.rules());
      }
    }
    try {
      return RuleCodec.mapper().writeValueAsBytes(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a journal record", e);
    }
  }

  private static void rules(ObjectNode o, List<ForgetRule> rules) {
    ArrayNode a = o.putArray("rules");
    for (ForgetRule r : rules) {
      a.add(RuleCodec.toTree(r));
    }
  }

  /**
   * Decodes a record payload.
   *
   * @throws IllegalArgumentException describing what is wrong
   */
  public static Versioned decode(byte[] payload) {
    JsonNode n;
    try {
      n = RuleCodec.mapper().readTree(payload);
    } catch (IOException e) {
      throw new IllegalArgumentException("payload is not JSON: " + e.getMessage(), e);
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("payload is not a JSON object");
    }
    JsonNode version = n.get("version");
    if (version == null || !version.canConvertToLong() || !version.isIntegralNumber()) {
      throw new IllegalArgumentException("payload has no integer version");
    }
    String op = n.path("op").asText("");
    Set<String> fields =
        switch (op) {
          case "put", "replaceAll" -> Set.of("version", "op", "rules");
          case "delete" -> Set.of("version", "op", "id");
          default -> throw new IllegalArgumentException("unknown op \"" + op + "\"");
        };
    n.fieldNames()
        .forEachRemaining(
            f -> {
              if (!fields.contains(f)) {
                throw new IllegalArgumentException("unknown field \"" + f + "\"");
              }
            });
    try {
      RuleChange change =
          switch (op) {
            case "put" -> new RuleChange.Put(rules(n.get("rules")));
            case "replaceAll" -> new RuleChange.ReplaceAll(rules(n.get("rules")));
            default -> {
              JsonNode id = n.get("id");
              if (id == null || !id.isTextual()) {
                throw new IllegalArgumentException("delete without a string id");
              }
              yield new RuleChange.Delete(id.textValue());
            }
          };
      return new Versioned(version.longValue(), change);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("invalid rule: " + e.getMessage(), e);
    }
  }

  static List<ForgetRule> rules(JsonNode a) {
    if (a == null || !a.isArray()) {
      throw new IllegalArgumentException("rules is not an array");
    }
    List<ForgetRule> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      out.add(RuleCodec.stored().decodeTree(a.get(i), "rules[" + i + "].", null));
    }
    return out;
  }
}

package dev.lethe.gateway.compare;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lethe.config.ConfigException;
import dev.lethe.probes.Family;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads the body of {@code POST /admin/compare} into {@link CompareOptions}: {@code {"arms": [...],
 * "forget": FILE, "retain", "realAuthors", "worldFacts", "target", "weights", "gold": paths on the
 * gateway's machine, "upstream", "upstreamModel", "upstreamKeyEnv", "families": [...], "limit",
 * "variants", "seed", "maxTokens", "leakThreshold", "whiteBox", "unlearn"}}; only {@code arms} and
 * {@code forget} are required ({@code whiteBox}: true or false, default {@link
 * CompareOptions#whiteBoxDefault}; {@code unlearn}: the recipe that makes the weights arms'
 * checkpoint in the run instead of {@code weights}, read by {@link WeightsRecipe#parse} and checked
 * against the target). Errors are {@link ConfigException}s naming the field.
 */
public final class CompareRequests {
  private static final List<String> FIELDS =
      List.of(
          "arms",
          "forget",
          "retain",
          "realAuthors",
          "worldFacts",
          "target",
          "weights",
          "gold",
          "upstream",
          "upstreamModel",
          "upstreamKeyEnv",
          "families",
          "limit",
          "variants",
          "seed",
          "maxTokens",
          "leakThreshold",
          "whiteBox",
          "unlearn");

  private CompareRequests() {}

  /** The options in {@code body}. */
  public static CompareOptions parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new ConfigException("", "expected a JSON object {\"arms\": [...], \"forget\": ...}");
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new ConfigException(
            f, "unknown field (expected one of " + String.join(", ", FIELDS) + ")");
      }
    }
    JsonNode arms = body.path("arms");
    if (!arms.isArray()) {
      throw new ConfigException("arms", arms, "a list of arm names: " + ArmKind.names());
    }
    List<ArmKind> armList = new ArrayList<>();
    for (JsonNode a : arms) {
      try {
        armList.add(ArmKind.fromWire(a.asText()));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("arms", a, "one of " + ArmKind.names());
      }
    }
    Set<Family> families = EnumSet.noneOf(Family.class);
    if (body.has("families")) {
      for (JsonNode f : body.path("families")) {
        families.add(family(f.asText()));
      }
    } else {
      families.addAll(CompareOptions.ALL_FAMILIES);
    }
    String upstream = text(body, "upstream");
    URI up;
    try {
      up = upstream == null ? null : URI.create(upstream);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("upstream", upstream, "an http(s) URL");
    }
    return new CompareOptions(
        armList,
        path(body, "forget"),
        path(body, "retain"),
        path(body, "realAuthors"),
        path(body, "worldFacts"),
        path(body, "target"),
        up,
        text(body, "upstreamModel"),
        text(body, "upstreamKeyEnv"),
        path(body, "weights"),
        path(body, "gold"),
        families,
        integer(body, "limit", 20),
        integer(body, "variants", 1),
        body.has("seed") ? integer(body, "seed", 42) : 42,
        integer(body, "maxTokens", 64),
        body.has("leakThreshold") ? number(body, "leakThreshold") : null,
        3,
        bool(body, "whiteBox", CompareOptions.whiteBoxDefault(armList)),
        body.hasNonNull("unlearn") ? WeightsRecipe.parse(body.get("unlearn"), "unlearn") : null);
  }

  private static boolean bool(JsonNode body, String field, boolean dflt) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.isBoolean()) {
      throw new ConfigException(field, n, "true or false");
    }
    return n.asBoolean();
  }

  private static Family family(String key) {
    for (Family f : Family.values()) {
      if (f.key().equals(key)) {
        return f;
      }
    }
    throw new ConfigException("families", key, "a probe family such as original or encoding");
  }

  private static String text(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isTextual()) {
      throw new ConfigException(field, n, "a string");
    }
    return n.asText();
  }

  private static Path path(JsonNode body, String field) {
    String s = text(body, field);
    return s == null ? null : Path.of(s);
  }

  private static int integer(JsonNode body, String field, int dflt) {
    JsonNode n = body.get(field);
    if (n == null || n.isNull()) {
      return dflt;
    }
    if (!n.canConvertToInt() || !n.isIntegralNumber()) {
      throw new ConfigException(field, n, "an integer");
    }
    return n.asInt();
  }

  private static double number(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (!n.isNumber()) {
      throw new ConfigException(field, n, "a number");
    }
    return n.asDouble();
  }
}

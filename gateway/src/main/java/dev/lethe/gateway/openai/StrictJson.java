package dev.lethe.gateway.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;

/**
 * The one JSON reading of every client request the gateway judges and forwards, strict enough that
 * the gateway and any common upstream parser read the same document: duplicate object keys (also
 * when one is spelt with escapes) are refused, as is anything after the top-level value, comments,
 * {@code NaN}/{@code Infinity}, invalid UTF-8, nesting deeper than {@value #MAX_DEPTH} levels and
 * numbers longer than {@value #MAX_NUMBER_LENGTH} digits or too large for a double (they would read
 * as infinity, which has no JSON spelling to forward). Since the bytes judged are then exactly the
 * bytes forwarded, an upstream that keeps the first of two keys cannot see another request than the
 * one screened.
 *
 * <p>Errors carry a client-safe message (a position and a plain reason), never a parser class name.
 */
public final class StrictJson {
  /** The deepest nesting accepted. */
  public static final int MAX_DEPTH = 256;

  /** The longest number accepted, in characters. */
  public static final int MAX_NUMBER_LENGTH = 200;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  static {
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(MAX_DEPTH)
                .maxNumberLength(MAX_NUMBER_LENGTH)
                .build());
  }

  private StrictJson() {}

  /** A JSON document the gateway refuses to read, with a message fit for clients. */
  public static final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;

    Rejected(String message) {
      super(message, null, false, false);
    }
  }

  /** The shared strict mapper (for writing too; reading through it is strict). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * Reads one JSON document strictly.
   *
   * @throws Rejected when the bytes are not one unambiguous JSON document
   */
  public static JsonNode read(byte[] bytes) throws Rejected {
    try {
      JsonNode n = MAPPER.readTree(bytes);
      if (n == null || n.isMissingNode()) {
        throw new Rejected("the body holds no JSON value");
      }
      if (!finite(n)) {
        throw new Rejected("it holds a number too large for a 64-bit floating-point value");
      }
      return n;
    } catch (Rejected r) {
      throw r;
    } catch (StreamConstraintsException e) {
      throw new Rejected(
          "the JSON nests deeper than "
              + MAX_DEPTH
              + " levels or holds a number longer than "
              + MAX_NUMBER_LENGTH
              + " digits");
    } catch (JsonProcessingException e) {
      throw new Rejected(reason(e));
    } catch (IOException | RuntimeException e) {
      throw new Rejected("it is not valid JSON");
    }
  }

  /**
   * Reads a JSON string (an SSE event's data, say) strictly.
   *
   * @throws Rejected when it is not one unambiguous JSON document
   */
  public static JsonNode read(String text) throws Rejected {
    return read(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * Whether every number in {@code n} is finite. A literal such as {@code 1e999} reads as infinity,
   * which cannot be written back as JSON: a rewritten request would carry {@code Infinity}.
   */
  private static boolean finite(JsonNode n) {
    if (n.isFloatingPointNumber()) {
      return Double.isFinite(n.doubleValue());
    }
    if (n.isContainerNode()) {
      for (JsonNode child : n) {
        if (!finite(child)) {
          return false;
        }
      }
    }
    return true;
  }

  private static String reason(JsonProcessingException e) {
    String m = String.valueOf(e.getOriginalMessage());
    String where =
        e.getLocation() == null
            ? ""
            : " (line "
                + e.getLocation().getLineNr()
                + ", column "
                + e.getLocation().getColumnNr()
                + ")";
    if (m.startsWith("Duplicate field")) {
      // Jackson: Duplicate field 'name'
      int a = m.indexOf('\'');
      int b = m.lastIndexOf('\'');
      String key = a >= 0 && b > a ? m.substring(a + 1, b) : "?";
      return "it repeats the key '" + printable(key) + "' in one object" + where;
    }
    if (m.contains("Trailing token")) {
      return "it holds more than one JSON value" + where;
    }
    if (m.contains("UTF")) {
      return "it is not valid UTF-8" + where;
    }
    return "it is not valid JSON" + where;
  }

  private static String printable(String s) {
    StringBuilder b = new StringBuilder();
    s.codePoints().limit(64).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return b.toString();
  }
}

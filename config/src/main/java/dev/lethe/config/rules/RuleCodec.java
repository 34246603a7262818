package dev.lethe.config.rules;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.ConfigException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Strict JSON codec for {@link ForgetRule} (DESIGN.md §3.4) and for JSON Lines imports/exports of
 * rules.
 *
 * <p>Decoding rules, in order of checking:
 *
 * <ul>
 *   <li>the text must be one JSON object of at most {@link RuleLimits#maxRuleBytes()} UTF-8 bytes,
 *       with no duplicate keys and nothing after it;
 *   <li>unknown fields are rejected, naming them and listing the known ones;
 *   <li>a field whose value is JSON {@code null} counts as absent;
 *   <li>{@code id}: optional; when absent one is generated (a random UUID unless a generator is
 *       injected); when present it must match {@code [A-Za-z0-9._:-]{1,128}};
 *   <li>{@code description}, {@code refusal}: optional strings ({@code refusal} non-blank);
 *   <li>{@code subjects}, {@code examples}, {@code counterExamples}, {@code secrets}: optional
 *       arrays of non-blank strings, bounded by {@link RuleLimits}; {@code subjects} and {@code
 *       examples} must not both be empty, or the rule could never match;
 *   <li>{@code action}: optional, one of {@code refuse|redact|icul}; <b>defaults to {@code
 *       refuse}</b>, the fail-closed choice (a rule without an action still keeps the subject out
 *       of answers);
 *   <li>{@code onError}: optional, {@code closed|open}, defaults to {@code closed}.
 * </ul>
 *
 * <p>Every error is a {@link ConfigException} whose message names the JSON field path (e.g. {@code
 * examples[3]}), the value and what was expected, e.g. {@code action: "delete" (expected: one of
 * refuse, redact, icul)}. Import errors are prefixed with the line, e.g. {@code line 7:
 * subjects[0]: "" (expected: a non-blank string)}. Values of {@code secrets} and over-long strings
 * are never echoed back; only their length is.
 *
 * <p>Encoding writes the same shape, fields in the order of §3.4, {@code refusal} only when set.
 * Decoding what {@link #encode} wrote gives an equal rule. Instances are immutable and thread-safe.
 */
public final class RuleCodec {

  /** The pattern every rule id matches. */
  public static final Pattern ID_PATTERN = Pattern.compile("(?!\\.{1,2}$)[A-Za-z0-9._:-]{1,128}");

  private static final String ID_EXPECTED =
      "an id matching [A-Za-z0-9._:-]{1,128}, other than . and .. (they cannot appear in a URL"
          + " path)";

  private static final List<String> FIELDS =
      List.of(
          "id",
          "description",
          "subjects",
          "examples",
          "counterExamples",
          "secrets",
          "action",
          "refusal",
          "onError");
  private static final Set<String> KNOWN = Set.copyOf(FIELDS);

  private static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .streamReadConstraints(
                      StreamReadConstraints.builder().maxNestingDepth(32).build())
                  .build())
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final RuleCodec STORED =
      new RuleCodec(
          RuleLimits.unbounded(),
          () -> {
            throw new IllegalStateException("stored rules always carry an id");
          });

  private final RuleLimits limits;
  private final Supplier<String> idGenerator;

  /**
   * Creates a codec.
   *
   * @param limits the size limits for decoded rules
   * @param idGenerator makes an id for a rule that has none; each result must match {@link
   *     #ID_PATTERN}
   */
  public RuleCodec(RuleLimits limits, Supplier<String> idGenerator) {
    this.limits = requireNonNull(limits, "limits");
    this.idGenerator = requireNonNull(idGenerator, "idGenerator");
  }

  /** A codec with the given limits and random UUID ids. */
  public RuleCodec(RuleLimits limits) {
    this(limits, () -> UUID.randomUUID().toString());
  }

  /** A codec with {@link RuleLimits#defaults()} and random UUID ids. */
  public RuleCodec() {
    this(RuleLimits.defaults());
  }

  /**
   * The codec stores use to read back rules they wrote: no limits, ids required. Not for operator
   * input.
   */
  public static RuleCodec stored() {
    return STORED;
  }

  /** The shared strict Jackson mapper (duplicate keys and trailing tokens rejected). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** The limits this codec enforces. */
  public RuleLimits limits() {
    return limits;
  }

  // ---------------------------------------------------------------- decoding

  /**
   * Decodes one rule; an absent id is generated.
   *
   * @throws ConfigException naming the field, value and expectation
   */
  public ForgetRule decode(String json) {
    requireNonNull(json, "json");
    return decodeText(json, "", null);
  }

  /**
   * Decodes one rule from UTF-8 bytes; an absent id is generated.
   *
   * @throws ConfigException naming the field, value and expectation
   */
  public ForgetRule decode(byte[] utf8) {
    requireNonNull(utf8, "utf8");
    checkBytes("", utf8.length);
    return decodeTree(parse(utf8, ""), "", null);
  }

  /**
   * Decodes the body of a replace request ({@code PUT /admin/rules/{id}}): the rule gets {@code
   * id}; a body that carries a different id is rejected.
   *
   * @throws ConfigException naming the field, value and expectation
   */
  public ForgetRule decodeForId(String json, String id) {
    requireNonNull(json, "json");
    requireNonNull(id, "id");
    if (!ID_PATTERN.matcher(id).matches()) {
      throw new ConfigException("id", id, ID_EXPECTED);
    }
    return decodeText(json, "", id);
  }

  /**
   * Decodes a rule from a parsed JSON tree.
   *
   * @param node the rule object
   * @param path the path prefix for error messages ({@code ""} at the top level, else e.g. {@code
   *     "rules[3]."} or {@code "line 4: "})
   * @param fixedId when not null, the id the rule must have (used when absent from the tree)
   * @throws ConfigException naming the field, value and expectation
   */
  public ForgetRule decodeTree(JsonNode node, String path, String fixedId) {
    requireNonNull(node, "node");
    requireNonNull(path, "path");
    if (!node.isObject()) {
      throw new ConfigException(root(path), node, "a JSON object (a forget rule)");
    }
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!KNOWN.contains(name)) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      String also =
          unknown.size() == 1
              ? ""
              : "also unknown: " + String.join(", ", unknown.subList(1, unknown.size())) + "; ";
      throw new ConfigException(
          path + unknown.get(0),
          "unknown field (" + also + "expected: one of " + String.join(", ", FIELDS) + ")");
    }

    String id = decodeId(node.get("id"), path, fixedId);
    String description = optionalString(node.get("description"), path + "description", false);
    List<String> subjects = strings(node.get("subjects"), path + "subjects", limits.maxSubjects());
    List<String> examples = strings(node.get("examples"), path + "examples", limits.maxExamples());
    List<String> counterExamples =
        strings(node.get("counterExamples"), path + "counterExamples", limits.maxCounterExamples());
    List<String> secrets = strings(node.get("secrets"), path + "secrets", limits.maxSecrets());
    if (subjects.isEmpty() && examples.isEmpty()) {
      throw new ConfigException(
          path + "subjects",
          "[] and " + path + "examples: [] (expected: at least one subject or one example)");
    }
    Action action = Action.REFUSE;
    JsonNode a = node.get("action");
    if (a != null && !a.isNull()) {
      action = enumValue(a, path + "action", Action.values(), Action::wireName);
    }
    String refusal = optionalString(node.get("refusal"), path + "refusal", true);
    OnError onError = OnError.CLOSED;
    JsonNode e = node.get("onError");
    if (e != null && !e.isNull()) {
      onError = enumValue(e, path + "onError", OnError.values(), OnError::wireName);
    }
    return new ForgetRule(
        id, description, subjects, examples, counterExamples, secrets, action, refusal, onError);
  }

  /**
   * Decodes a JSON Lines import: one rule per line ({@code \n} or {@code \r\n}), blank lines and a
   * leading byte order mark ignored. All or nothing: the first bad line fails the whole import with
   * a message naming its (1-based) line number and field. Duplicate ids within the import are
   * rejected, naming both lines.
   *
   * @throws ConfigException naming the line, field, value and expectation
   */
  public List<ForgetRule> decodeLines(String jsonLines) {
    requireNonNull(jsonLines, "jsonLines");
    return decodeLines(new StringReader(jsonLines));
  }

  /**
   * Decodes a JSON Lines import from a reader; see {@link #decodeLines(String)}. The reader is not
   * closed.
   *
   * @throws ConfigException naming the line, field, value and expectation
   * @throws UncheckedIOException when the reader fails
   */
  public List<ForgetRule> decodeLines(Reader reader) {
    requireNonNull(reader, "reader");
    List<ForgetRule> rules = new ArrayList<>();
    Map<String, Integer> lineOfId = new HashMap<>();
    BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
    try {
      int lineNo = 0;
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        lineNo++;
        if (lineNo == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1); // a UTF-8 byte order mark, as some editors write
        }
        if (line.isBlank()) {
          continue;
        }
        String prefix = "line " + lineNo + ": ";
        if (rules.size() >= limits.maxImportRules()) {
          throw new ConfigException(
              "line " + lineNo,
              "too many rules (expected: at most " + limits.maxImportRules() + " per import)");
        }
        ForgetRule rule = decodeText(line, prefix, null);
        Integer previous = lineOfId.putIfAbsent(rule.id(), lineNo);
        if (previous != null) {
          throw new ConfigException(
              prefix + "id",
              rule.id(),
              "an id not used elsewhere in the import; line " + previous + " has it too");
        }
        rules.add(rule);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.copyOf(rules);
  }

  private ForgetRule decodeText(String json, String prefix, String fixedId) {
    byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
    checkBytes(prefix, utf8.length);
    return decodeTree(parse(utf8, prefix), prefix, fixedId);
  }

  private void checkBytes(String prefix, int n) {
    if (n > limits.maxRuleBytes()) {
      throw new ConfigException(
          root(prefix),
          "<" + n + " bytes of JSON> (expected: at most " + limits.maxRuleBytes() + " bytes)");
    }
  }

  private static JsonNode parse(byte[] utf8, String prefix) {
    try {
      JsonNode node = MAPPER.readTree(utf8);
      if (node == null || node.isMissingNode()) {
        throw new ConfigException(root(prefix), "empty input (expected: a JSON object)");
      }
      return node;
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String where =
          loc == null
              ? ""
              : " at column "
                  + loc.getColumnNr()
                  + (prefix.isEmpty() ? " of line " + loc.getLineNr() : "");
      throw new ConfigException(
          root(prefix),
          "malformed JSON"
              + where
              + ": "
              + clientSafe(e.getOriginalMessage())
              + " (expected: a JSON object)");
    } catch (IOException e) {
      throw new ConfigException(root(prefix), "unreadable JSON text (expected: a JSON object)");
    }
  }

  /**
   * A parser message fit for a client: no class or feature names (Jackson writes some in
   * backquotes), no source excerpt, one line, bounded length.
   */
  static String clientSafe(String message) {
    if (message == null) {
      return "unreadable input";
    }
    String m = message.replaceAll("\\[Source:[^\\]]*\\]", "");
    m = m.replaceAll("\\(`[^`]*`[^)]*\\)", "").replaceAll("`[^`]*`", "a value");
    m = m.replaceAll("\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*", "a value");
    int nl = m.indexOf('\n');
    if (nl >= 0) {
      m = m.substring(0, nl);
    }
    m = m.strip();
    return m.length() > 200 ? m.substring(0, 200) + "..." : m;
  }

  private static String root(String prefix) {
    if (prefix.isEmpty()) {
      return "rule";
    }
    return prefix.endsWith(": ") ? prefix.substring(0, prefix.length() - 2) : prefix + "rule";
  }

  private String decodeId(JsonNode n, String path, String fixedId) {
    if (n == null || n.isNull()) {
      if (fixedId != null) {
        return fixedId;
      }
      String generated = idGenerator.get();
      if (generated == null || !ID_PATTERN.matcher(generated).matches()) {
        throw new IllegalStateException(
            "id generator returned " + generated + " (expected: " + ID_EXPECTED + ")");
      }
      return generated;
    }
    if (!n.isTextual() || !ID_PATTERN.matcher(n.textValue()).matches()) {
      throw new ConfigException(path + "id", shown(n), ID_EXPECTED);
    }
    if (fixedId != null && !fixedId.equals(n.textValue())) {
      throw new ConfigException(
          path + "id", n, "the id in the request path \"" + fixedId + "\", or no id");
    }
    return n.textValue();
  }

  private String optionalString(JsonNode n, String path, boolean nonBlank) {
    if (n == null || n.isNull()) {
      return nonBlank ? null : "";
    }
    if (!n.isTextual()) {
      throw new ConfigException(path, shown(n), "a string");
    }
    return checkString(n, path, nonBlank, false);
  }

  private String checkString(JsonNode n, String path, boolean nonBlank, boolean secret) {
    String s = n.textValue();
    if (s.length() > limits.maxStringLength()) {
      throw new ConfigException(
          path,
          "<string of "
              + s.length()
              + " characters> (expected: at most "
              + limits.maxStringLength()
              + " characters)");
    }
    if (nonBlank && s.isBlank()) {
      throw new ConfigException(path, secret ? "<blank string>" : s, "a non-blank string");
    }
    return s;
  }

  private List<String> strings(JsonNode n, String path, int max) {
    if (n == null || n.isNull()) {
      return List.of();
    }
    boolean secret = path.endsWith("secrets");
    if (!n.isArray()) {
      throw new ConfigException(
          path, secret ? "<" + n.getNodeType() + ">" : shown(n), "an array of non-blank strings");
    }
    ArrayNode array = (ArrayNode) n;
    if (array.size() > max) {
      throw new ConfigException(
          path, "<array of " + array.size() + " entries> (expected: at most " + max + " entries)");
    }
    List<String> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonNode item = array.get(i);
      String itemPath = path + "[" + i + "]";
      if (!item.isTextual()) {
        throw new ConfigException(
            itemPath, secret ? "<" + item.getNodeType() + ">" : shown(item), "a non-blank string");
      }
      out.add(checkString(item, itemPath, true, secret));
    }
    return out;
  }

  private static <E extends Enum<E>> E enumValue(
      JsonNode n, String path, E[] values, java.util.function.Function<E, String> wire) {
    List<String> names = new ArrayList<>();
    for (E v : values) {
      names.add(wire.apply(v));
      if (n.isTextual() && wire.apply(v).equals(n.textValue())) {
        return v;
      }
    }
    throw new ConfigException(path, shown(n), "one of " + String.join(", ", names));
  }

  /** A JSON value as shown in a message: strings quoted, long values cut by ConfigException. */
  private static Object shown(JsonNode n) {
    if (n.isTextual() && n.textValue().length() > 200) {
      return "<string of " + n.textValue().length() + " characters>";
    }
    return n;
  }

  /**
   * Checks that a rule built in code (not decoded from operator JSON) satisfies the structural
   * rules of the format (id pattern, non-blank strings, a subject or an example), so that a store
   * can read back what it writes. Size limits are not applied.
   *
   * @throws ConfigException naming the field, value and expectation
   */
  public static void checkStorable(ForgetRule rule) {
    STORED.decodeTree(toTree(rule), "", null);
  }

  // ---------------------------------------------------------------- encoding

  /** The rule as a JSON tree, fields in the order of DESIGN.md §3.4. */
  public static ObjectNode toTree(ForgetRule rule) {
    requireNonNull(rule, "rule");
    ObjectNode o = MAPPER.createObjectNode();
    o.put("id", rule.id());
    o.put("description", rule.description());
    array(o, "subjects", rule.subjects());
    array(o, "examples", rule.examples());
    array(o, "counterExamples", rule.counterExamples());
    array(o, "secrets", rule.secrets());
    o.put("action", rule.action().wireName());
    if (rule.refusal() != null) {
      o.put("refusal", rule.refusal());
    }
    o.put("onError", rule.onError().wireName());
    return o;
  }

  /** The rule as compact JSON text (one line). */
  public static String encode(ForgetRule rule) {
    try {
      return MAPPER.writeValueAsString(toTree(rule));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a rule tree", e);
    }
  }

  /** The rules as JSON Lines, one rule per line, each line ending in {@code \n}. */
  public static String encodeLines(Iterable<ForgetRule> rules) {
    StringBuilder sb = new StringBuilder();
    for (ForgetRule r : requireNonNull(rules, "rules")) {
      sb.append(encode(r)).append('\n');
    }
    return sb.toString();
  }

  /**
   * Writes the rules as JSON Lines to {@code out} (not closed, not flushed).
   *
   * @throws UncheckedIOException when the writer fails
   */
  public static void writeLines(Iterable<ForgetRule> rules, Writer out) {
    requireNonNull(out, "out");
    try {
      for (ForgetRule r : requireNonNull(rules, "rules")) {
        out.write(encode(r));
        out.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void array(ObjectNode o, String name, List<String> values) {
    ArrayNode a = o.putArray(name);
    values.forEach(a::add);
  }
}

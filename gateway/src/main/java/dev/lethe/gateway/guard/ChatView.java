package dev.lethe.gateway.guard;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * How a surface's conversation is judged: the chat-completions-shaped request the pipeline sees
 * (system text, user and assistant messages, tool calls with their argument text, tool results),
 * built from the surface's own request, with a note of where each judged text came from — a {@link
 * JsonPointer} into the surface's request — so that a rewrite by the pipeline (redaction in place,
 * in-context-unlearning messages put in front) maps back into the surface's format without loss.
 *
 * <p>How a new surface plugs in:
 *
 * <ol>
 *   <li>Build the view with {@link #builder}: one {@link Builder#message} per turn, {@link
 *       Builder#toolCall} for each call the assistant made, {@link Builder#toolResult} for each
 *       result, each text with the pointer to where it lives in the surface request. Every text a
 *       model will read must be in the view (the scanner sees nothing else).
 *   <li>Judge {@code new Exchange(id, rules, bytes, view.request())} with {@link Guard#judge}.
 *   <li>On {@link Guard.Judged.Forward} with a rewritten exchange, call {@link #rewrite} with the
 *       rewritten chat request: it returns the texts to put back at their pointers ({@link
 *       Rewrite#apply}) and the plain-text messages to put in front, which the surface renders in
 *       its own terms. When the rewrite changed anything else (a message removed or reordered, a
 *       tool call added, another field), {@link RewriteUnsupported} is thrown: the surface must
 *       refuse the request with a clear error rather than send something unjudged.
 * </ol>
 */
public final class ChatView {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final ObjectNode request;
  private final List<Origin> origins;

  /** Where a judged text sits: in the view ({@code message}, {@code path}) and in the surface. */
  private record Origin(int message, JsonPointer inMessage, JsonPointer inSurface) {}

  private ChatView(ObjectNode request, List<Origin> origins) {
    this.request = request;
    this.origins = List.copyOf(origins);
  }

  /** A builder of the view of a request for {@code model}, streamed or not. */
  public static Builder builder(String model, boolean stream) {
    return new Builder(model, stream);
  }

  /**
   * The chat-completions request the pipeline judges ({@code model}, {@code stream}, {@code
   * messages}). Do not mutate it.
   */
  public ObjectNode request() {
    return request;
  }

  /**
   * The text of the last {@code user} message of a chat-completions-shaped {@code request} (string
   * content, or its text parts joined by newlines), or {@code null} when there is none.
   */
  public static String lastUserText(JsonNode request) {
    JsonNode messages = request == null ? null : request.get("messages");
    if (messages == null || !messages.isArray()) {
      return null;
    }
    for (int i = messages.size() - 1; i >= 0; i--) {
      JsonNode m = messages.get(i);
      if (!"user".equals(m.path("role").asText())) {
        continue;
      }
      JsonNode c = m.path("content");
      if (c.isTextual()) {
        return c.asText();
      }
      StringBuilder sb = new StringBuilder();
      for (JsonNode part : c) {
        if (part.path("text").isTextual()) {
          sb.append(sb.isEmpty() ? "" : "\n").append(part.get("text").asText());
        }
      }
      return sb.toString();
    }
    return null;
  }

  /** A plain-text message a rewrite put in front of the conversation. */
  public record Prepended(String role, String text) {
    /** Checks arguments. */
    public Prepended {
      requireNonNull(role, "role");
      requireNonNull(text, "text");
    }
  }

  /** A rewrite mapped back: texts to replace in the surface request, messages to put in front. */
  public record Rewrite(List<Prepended> prepended, Map<JsonPointer, String> texts) {
    /** Copies the lists. */
    public Rewrite {
      prepended = List.copyOf(prepended);
      texts = Map.copyOf(texts);
    }

    /**
     * A deep copy of {@code surfaceRequest} with every rewritten text set at its pointer (the
     * prepended messages are left to the surface).
     */
    public ObjectNode apply(ObjectNode surfaceRequest) {
      ObjectNode copy = surfaceRequest.deepCopy();
      for (Map.Entry<JsonPointer, String> e : texts.entrySet()) {
        JsonPointer p = e.getKey();
        JsonNode parent = copy.at(p.head());
        if (parent instanceof ArrayNode a && p.last().mayMatchElement()) {
          // a string that is itself an array element, e.g. /input/0 of a list of texts
          int i = p.last().getMatchingIndex();
          if (!a.path(i).isTextual()) {
            throw new RewriteUnsupported("no text at " + p + " in the request");
          }
          a.set(i, TextNode.valueOf(e.getValue()));
          continue;
        }
        String field = p.last().getMatchingProperty();
        if (!(parent instanceof ObjectNode o) || !o.path(field).isTextual()) {
          throw new RewriteUnsupported("no text at " + p + " in the request");
        }
        o.set(field, TextNode.valueOf(e.getValue()));
      }
      return copy;
    }
  }

  /** A rewrite that cannot be expressed in the surface's format without loss. */
  public static final class RewriteUnsupported extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception; the message says what could not be mapped. */
    public RewriteUnsupported(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Maps {@code rewritten} (the pipeline's rewrite of {@link #request()}) back: the original
   * messages must still be its last messages, in order, with the same roles and shape, only their
   * judged texts changed; any messages before them must be plain text.
   *
   * @throws RewriteUnsupported when the rewrite did anything else
   */
  public Rewrite rewrite(ObjectNode rewritten) {
    requireNonNull(rewritten, "rewritten");
    Iterator<String> names = rewritten.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!n.equals("messages") && !rewritten.get(n).equals(request.get(n))) {
        throw new RewriteUnsupported("the rewrite changed '" + n + "'");
      }
    }
    if (request.size() != rewritten.size()) {
      throw new RewriteUnsupported("the rewrite removed or added a request field");
    }
    JsonNode before = request.path("messages");
    JsonNode after = rewritten.path("messages");
    if (!after.isArray() || after.size() < before.size()) {
      throw new RewriteUnsupported("the rewrite removed messages");
    }
    int shift = after.size() - before.size();
    List<Prepended> prepended = new ArrayList<>();
    for (int i = 0; i < shift; i++) {
      JsonNode m = after.get(i);
      if (m.size() != 2 || !m.path("role").isTextual() || !m.path("content").isTextual()) {
        throw new RewriteUnsupported("a message put in front is not plain text");
      }
      prepended.add(new Prepended(m.get("role").textValue(), m.get("content").textValue()));
    }
    for (int i = 0; i < before.size(); i++) {
      if (!sameShape(before.get(i), after.get(i + shift))) {
        throw new RewriteUnsupported("the rewrite changed message " + i + " beyond its texts");
      }
    }
    Map<JsonPointer, String> texts = new java.util.LinkedHashMap<>();
    for (Origin o : origins) {
      JsonNode was = before.get(o.message()).at(o.inMessage());
      JsonNode now = after.get(o.message() + shift).at(o.inMessage());
      if (!now.isTextual()) {
        throw new RewriteUnsupported("the rewrite removed a text of message " + o.message());
      }
      if (!now.equals(was)) {
        if (o.inSurface() == null) {
          throw new RewriteUnsupported(
              "the rewrite changed a text the request does not hold (message " + o.message() + ")");
        }
        texts.put(o.inSurface(), now.textValue());
      }
    }
    return new Rewrite(prepended, texts);
  }

  /** Same structure and non-text values; texts (string leaves) may differ. */
  private static boolean sameShape(JsonNode a, JsonNode b) {
    if (a.isTextual() && b.isTextual()) {
      return true;
    }
    if (a.getNodeType() != b.getNodeType() || a.size() != b.size()) {
      return false;
    }
    if (a.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = a.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode other = b.get(e.getKey());
        if (other == null
            || (e.getKey().equals("role") && !other.equals(e.getValue()))
            || !sameShape(e.getValue(), other)) {
          return false;
        }
      }
      return true;
    }
    if (a.isArray()) {
      for (int i = 0; i < a.size(); i++) {
        if (!sameShape(a.get(i), b.get(i))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  /** Builds a {@link ChatView}, turn by turn. */
  public static final class Builder {
    private final ObjectNode request = F.objectNode();
    private final ArrayNode messages;
    private final List<Origin> origins = new ArrayList<>();

    private Builder(String model, boolean stream) {
      request.put("model", requireNonNull(model, "model"));
      request.put("stream", stream);
      messages = request.putArray("messages");
    }

    /**
     * Adds a turn: {@code role} is {@code system}, {@code developer}, {@code user} or {@code
     * assistant}; {@code text} what it says; {@code origin} where that text is in the surface
     * request ({@code null} when it is not there, e.g. history the gateway kept: a rewrite of it
     * cannot be mapped back).
     */
    public Builder message(String role, String text, JsonPointer origin) {
      ObjectNode m = messages.addObject();
      m.put("role", requireNonNull(role, "role"));
      m.put("content", requireNonNull(text, "text"));
      origins.add(new Origin(messages.size() - 1, JsonPointer.compile("/content"), origin));
      return this;
    }

    /**
     * Adds a tool call the assistant made, to the last message when it is an assistant message
     * without text after its calls, else to a new assistant message: the arguments are judged like
     * any text (the scanner reads tool-call arguments).
     */
    public Builder toolCall(String id, String name, String arguments, JsonPointer origin) {
      ObjectNode last = messages.isEmpty() ? null : (ObjectNode) messages.get(messages.size() - 1);
      ObjectNode m;
      if (last != null
          && last.path("role").asText().equals("assistant")
          && last.has("tool_calls")) {
        m = last;
      } else {
        m = messages.addObject();
        m.put("role", "assistant");
        m.putNull("content");
        m.putArray("tool_calls");
      }
      ArrayNode calls = (ArrayNode) m.get("tool_calls");
      ObjectNode call = calls.addObject();
      call.put("id", requireNonNull(id, "id"));
      call.put("type", "function");
      call.putObject("function")
          .put("name", requireNonNull(name, "name"))
          .put("arguments", requireNonNull(arguments, "arguments"));
      origins.add(
          new Origin(
              messages.size() - 1,
              JsonPointer.compile("/tool_calls/" + (calls.size() - 1) + "/function/arguments"),
              origin));
      return this;
    }

    /** Adds the result of tool call {@code callId} as a {@code tool} message. */
    public Builder toolResult(String callId, String text, JsonPointer origin) {
      ObjectNode m = messages.addObject();
      m.put("role", "tool");
      m.put("tool_call_id", requireNonNull(callId, "callId"));
      m.put("content", requireNonNull(text, "text"));
      origins.add(new Origin(messages.size() - 1, JsonPointer.compile("/content"), origin));
      return this;
    }

    /** Sets a top-level field of the judged request (e.g. {@code response_format}). */
    public Builder set(String field, JsonNode value) {
      request.set(requireNonNull(field, "field"), requireNonNull(value, "value").deepCopy());
      return this;
    }

    /** The view. */
    public ChatView build() {
      return new ChatView(request.deepCopy(), origins);
    }
  }
}

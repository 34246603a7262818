package dev.lethe.gateway.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds chat completions that Lethe answers itself (refusals): the same assistant text as a whole
 * {@code chat.completion} or as a sequence of {@code chat.completion.chunk}s.
 */
public final class Completions {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private Completions() {}

  /**
   * A non-streaming completion with {@code n} identical choices.
   *
   * @param id the completion id
   * @param created seconds since the epoch
   * @param model the model name echoed back
   * @param text the assistant message
   * @param n the number of choices the client asked for
   * @param promptTokens the estimated prompt size, for {@code usage}
   */
  public static ObjectNode completion(
      String id, long created, String model, String text, int n, int promptTokens) {
    return completion(id, created, model, text, n, promptTokens, false);
  }

  /**
   * A non-streaming completion with {@code n} identical choices; with {@code asRefusal} the text is
   * the message's {@code refusal} and its {@code content} is null (OpenAI's shape for a refusal
   * under structured output, which the SDKs' parse helpers recognise), else its {@code content}.
   */
  public static ObjectNode completion(
      String id,
      long created,
      String model,
      String text,
      int n,
      int promptTokens,
      boolean asRefusal) {
    ObjectNode root = header(id, created, model, "chat.completion");
    ArrayNode choices = root.putArray("choices");
    for (int i = 0; i < n; i++) {
      ObjectNode c = choices.addObject();
      c.put("index", i);
      ObjectNode m = c.putObject("message");
      m.put("role", "assistant");
      if (asRefusal) {
        m.putNull("content");
        m.put("refusal", text);
      } else {
        m.put("content", text);
        m.putNull("refusal");
      }
      c.putNull("logprobs");
      c.put("finish_reason", "stop");
    }
    root.set("usage", usage(promptTokens, estimateTokens(text) * n));
    return root;
  }

  /**
   * The chunks of a streamed completion with {@code n} identical choices: a role chunk, a content
   * chunk and a finish chunk per choice, then a usage chunk when {@code includeUsage}.
   */
  public static List<ObjectNode> chunks(
      String id,
      long created,
      String model,
      String text,
      int n,
      boolean includeUsage,
      int promptTokens) {
    return chunks(id, created, model, text, n, includeUsage, promptTokens, false);
  }

  /**
   * The chunks of a streamed completion; with {@code asRefusal} the text streams as {@code
   * delta.refusal} (content null), as OpenAI streams a refusal under structured output.
   */
  public static List<ObjectNode> chunks(
      String id,
      long created,
      String model,
      String text,
      int n,
      boolean includeUsage,
      int promptTokens,
      boolean asRefusal) {
    List<ObjectNode> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (asRefusal) {
        ObjectNode first = delta("role", "assistant");
        first.putNull("content");
        first.put("refusal", "");
        out.add(chunk(id, created, model, i, first, null));
        out.add(chunk(id, created, model, i, delta("refusal", text), null));
      } else {
        out.add(chunk(id, created, model, i, delta("role", "assistant").put("content", ""), null));
        out.add(chunk(id, created, model, i, delta("content", text), null));
      }
      out.add(chunk(id, created, model, i, F.objectNode(), "stop"));
    }
    if (includeUsage) {
      ObjectNode u = header(id, created, model, "chat.completion.chunk");
      u.putArray("choices");
      u.set("usage", usage(promptTokens, estimateTokens(text) * n));
      out.add(u);
    }
    return out;
  }

  private static ObjectNode delta(String field, String value) {
    ObjectNode d = F.objectNode();
    d.put(field, value);
    return d;
  }

  private static ObjectNode chunk(
      String id, long created, String model, int index, ObjectNode delta, String finish) {
    ObjectNode root = header(id, created, model, "chat.completion.chunk");
    ObjectNode c = root.putArray("choices").addObject();
    c.put("index", index);
    c.set("delta", delta);
    c.putNull("logprobs");
    if (finish == null) {
      c.putNull("finish_reason");
    } else {
      c.put("finish_reason", finish);
    }
    return root;
  }

  private static ObjectNode header(String id, long created, String model, String object) {
    ObjectNode root = F.objectNode();
    root.put("id", id);
    root.put("object", object);
    root.put("created", created);
    root.put("model", model);
    root.put("system_fingerprint", "lethe");
    return root;
  }

  private static ObjectNode usage(int prompt, int completion) {
    ObjectNode u = F.objectNode();
    u.put("prompt_tokens", prompt);
    u.put("completion_tokens", completion);
    u.put("total_tokens", prompt + completion);
    return u;
  }

  /**
   * A rough token count (about four characters per token), used only for the usage of answers Lethe
   * writes itself.
   */
  public static int estimateTokens(String text) {
    return text.isEmpty() ? 0 : Math.max(1, (text.length() + 3) / 4);
  }
}

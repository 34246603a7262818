package dev.lethe.gateway.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.filters.Exchange;
import dev.lethe.filters.Pipeline;
import dev.lethe.filters.ResponseFilter;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.errors.WireFormat;
import dev.lethe.gateway.openai.StrictJson;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one gate for what an upstream says to a client outside a successful answer's content: error
 * bodies, SSE error events and the headers passed on. (Content, tool-call arguments and refusals go
 * through the pipeline's response filter, chunk by chunk or whole.) Every piece of upstream text
 * that may reach the client is judged here by the same response filter, for the same request — a
 * rule's secret, a withheld subject, an echo of in-context-unlearning text — and withheld when it
 * matches; when Lethe rewrote the request (ICUL, redaction) an upstream error message is withheld
 * whatever it says, since an upstream that echoes the request would reveal the guardrail text and
 * the rule's subjects. Fails closed: when the filter itself fails, the text is withheld.
 *
 * <p>One instance per request, used on its event loop.
 */
public final class Egress {
  /** Codes, types and params passed on from an upstream error must look like identifiers. */
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_.\\-\\[\\]]{1,64}");

  /** Header values passed on (rate-limit hints) must look like numbers, dates or durations. */
  private static final Pattern HEADER_VALUE = Pattern.compile("[A-Za-z0-9 .,:+\\-]{1,64}");

  static final String WITHHELD_REWRITTEN =
      "The upstream rejected the request; its message was withheld because it may quote text the"
          + " gateway added to the request.";
  static final String WITHHELD_MATCH =
      "The upstream's message was withheld because it contained text that must not be released.";

  private final Pipeline pipeline;
  private final Exchange exchange;

  /**
   * A gate for one request.
   *
   * @param pipeline the pipeline whose response filter judges text
   * @param exchange the request, as judged (and possibly rewritten)
   */
  public Egress(Pipeline pipeline, Exchange exchange) {
    this.pipeline = requireNonNull(pipeline, "pipeline");
    this.exchange = requireNonNull(exchange, "exchange");
  }

  /**
   * Whether {@code text} may be released to this request's client: the response filter, given it as
   * an answer, lets it through unchanged. A failing filter withholds it (fail closed).
   */
  public boolean releasable(String text) {
    if (text == null || text.isEmpty()) {
      return true;
    }
    try {
      ResponseFilter filter = pipeline.responseFilter(exchange);
      if (filter == ResponseFilter.identity()) {
        return true;
      }
      JsonNodeFactory f = JsonNodeFactory.instance;
      ObjectNode completion = f.objectNode();
      completion.put("object", "chat.completion");
      ObjectNode choice = completion.putArray("choices").addObject();
      choice.put("index", 0);
      choice.putObject("message").put("role", "assistant").put("content", text);
      choice.put("finish_reason", "stop");
      ObjectNode out = filter.onComplete(completion);
      JsonNode c = out.path("choices").path(0);
      return c.path("finish_reason").asText().equals("stop")
          && c.path("message").path("content").asText().equals(text);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * The error a client gets for an upstream's error status and body: the upstream's status, and
   * from its OpenAI error object the {@code type}, {@code code} and {@code param} when they look
   * like identifiers and the {@code message} when it is releasable (else a message saying why it
   * was withheld). A body that is not an OpenAI error object gives a message naming the status.
   */
  public ApiError upstreamError(int status, Buffer body) {
    int st = status >= 400 && status <= 599 ? status : 502;
    String type = "upstream_error";
    String code = null;
    String param = null;
    String message = "upstream answered HTTP " + status;
    JsonNode err = null;
    if (body != null && body.length() > 0) {
      try {
        err = StrictJson.read(body.getBytes()).path("error");
      } catch (StrictJson.Rejected e) {
        err = null;
      }
    }
    if (err != null && err.isObject()) {
      type = token(err.path("type"), type);
      code = token(err.path("code"), null);
      param = token(err.path("param"), null);
      JsonNode m = err.path("message");
      if (m.isTextual()) {
        message = upstreamMessage(m.textValue());
      }
    } else if (err != null && err.isTextual()) {
      message = upstreamMessage(err.textValue());
    }
    return ApiError.upstream(st, type, code, param, message);
  }

  /**
   * The error event a client gets for an upstream's mid-stream {@code {"error": ...}} event,
   * screened like an error body.
   */
  public ObjectNode streamError(ObjectNode event) {
    Buffer b = Buffer.buffer(event.toString());
    return WireFormat.OPENAI.body(upstreamError(502, b));
  }

  /**
   * Copies the upstream's rate-limit hints to the client response: only values that look like
   * numbers, dates or durations, and only when releasable.
   */
  public void copyHeaders(MultiMap upstream, HttpServerResponse resp) {
    if (upstream == null || resp.headWritten()) {
      return;
    }
    for (Map.Entry<String, String> h : upstream) {
      String v = h.getValue();
      if (v != null && HEADER_VALUE.matcher(v).matches() && releasable(v)) {
        resp.putHeader(h.getKey(), v);
      }
    }
  }

  private String upstreamMessage(String m) {
    if (exchange.rewritten()) {
      return WITHHELD_REWRITTEN;
    }
    String cut = m.length() > 4096 ? m.substring(0, 4096) : m;
    return releasable(cut) ? cut : WITHHELD_MATCH;
  }

  private String token(JsonNode n, String fallback) {
    if (n.isTextual() && TOKEN.matcher(n.textValue()).matches() && releasable(n.textValue())) {
      return n.textValue();
    }
    if (n.isIntegralNumber() && fallback == null) {
      return n.asText();
    }
    return fallback;
  }
}

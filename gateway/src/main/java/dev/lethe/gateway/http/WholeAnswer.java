package dev.lethe.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.guard.Guard;
import dev.lethe.gateway.guard.OutputGuard;
import dev.lethe.gateway.openai.StrictJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a whole (non-streamed) upstream answer of a surface whose output guard works on the parsed
 * document: read it strictly, count its usage, let the surface's judge filter it in place, fail
 * closed when the filter fails, and answer with the {@code x-lethe-output} header — the original
 * bytes when nothing was filtered, else the filtered document.
 */
final class WholeAnswer {
  private static final Logger LOG = LoggerFactory.getLogger(WholeAnswer.class);

  /** Filters one parsed answer in place; true when text was cut. */
  @FunctionalInterface
  interface Judge {
    boolean judge(ObjectNode answer, OutputGuard output);
  }

  private WholeAnswer() {}

  /**
   * Answers {@code ctx} with {@code body} as judged by {@code judge}.
   *
   * @param valid what a well-formed answer of the surface looks like
   * @param invalid how a malformed one is named in the 502
   */
  static void write(
      RoutingContext ctx,
      Guard guard,
      OutputGuard output,
      Buffer body,
      Predicate<ObjectNode> valid,
      String invalid,
      Judge judge) {
    JsonNode node;
    try {
      node = StrictJson.read(body.getBytes());
    } catch (StrictJson.Rejected e) {
      node = null;
    }
    if (!(node instanceof ObjectNode answer) || !valid.test(answer)) {
      Errors.send(ctx, ApiError.upstreamInvalid(invalid));
      return;
    }
    guard.countUsage(ctx, answer);
    boolean cut;
    try {
      cut = judge.judge(answer, output);
    } catch (RuntimeException e) {
      LOG.warn("output filter failed; withholding the answer (fail closed)", e);
      guard.metrics().pipelineFailure("response-filter");
      Errors.send(ctx, ApiError.answerWithheld());
      return;
    }
    try {
      ctx.response()
          .putHeader("Content-Type", "application/json")
          .putHeader(RoutesSupport.OUTPUT, cut ? "cut" : "pass")
          .end(
              cut || output.active() ? Buffer.buffer(Errors.JSON.writeValueAsBytes(answer)) : body);
    } catch (Exception e) {
      Errors.send(ctx, ApiError.internal());
    }
  }
}

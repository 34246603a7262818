package dev.lethe.gateway.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.filters.detect.Calibrator;
import dev.lethe.filters.detect.Classification;
import dev.lethe.filters.detect.HybridDetector;
import dev.lethe.filters.detect.ScopeClassifier;
import dev.lethe.filters.input.InputStage;
import dev.lethe.filters.input.ScanTooLarge;
import dev.lethe.gateway.Screening;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.errors.ErrorKind;
import dev.lethe.gateway.metrics.GatewayMetrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code POST /admin/classify} (judge a text or a conversation against the current rules, DESIGN.md
 * §3.3) and {@code POST /admin/calibrate} (fit the decision function on the rules' examples against
 * negatives, report false-positive and false-negative rates on a held-out split, and optionally
 * install it).
 */
public final class AdminScreening {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final Screening screening;
  private final Supplier<RuleSet> rules;
  private final GatewayMetrics metrics;

  /** Creates the routes over {@code screening}, judging by {@code rules}' current snapshot. */
  public AdminScreening(Screening screening, Supplier<RuleSet> rules) {
    this(screening, rules, null);
  }

  /**
   * Creates the routes over {@code screening}, judging by {@code rules}' current snapshot; texts
   * over the scan limit are counted in {@code metrics} (when not {@code null}) as the model API's
   * are.
   */
  public AdminScreening(Screening screening, Supplier<RuleSet> rules, GatewayMetrics metrics) {
    this.screening = requireNonNull(screening, "screening");
    this.rules = requireNonNull(rules, "rules");
    this.metrics = metrics;
  }

  /** Adds the routes. */
  public void mount(Router router) {
    router.post("/admin/classify").handler(this::classify);
    router.post("/admin/calibrate").handler(this::calibrate);
  }

  private void classify(RoutingContext ctx) {
    RoutesSupport.route(ctx, "/admin/classify");
    ObjectNode body = object(ctx, Set.of("text", "messages"));
    if (body == null) {
      return;
    }
    ObjectNode request;
    if (body.path("text").isTextual() && !body.has("messages")) {
      // Judged exactly as a one-message chat request would be.
      request = F.objectNode();
      request
          .putArray("messages")
          .addObject()
          .put("role", "user")
          .put("content", body.get("text").asText());
    } else if (body.path("messages").isArray() && !body.has("text")) {
      request = body;
    } else {
      Errors.send(
          ctx,
          ApiError.invalidRequest(
              "text", "Expected exactly one of \"text\" (a string) or \"messages\" (an array)."));
      return;
    }
    RuleSet snapshot = rules.get();
    ctx.vertx()
        .executeBlocking(() -> screening.stage().judge(snapshot, request, "classify"), false)
        .onComplete(
            ar -> {
              if (ar.failed() && ar.cause() instanceof ScanTooLarge big) {
                if (metrics != null) {
                  metrics.requestRejected("scan_too_large");
                }
                Errors.send(ctx, ApiError.scanTooLarge(big.chars(), big.limit()));
                return;
              }
              if (ar.failed()) {
                Errors.send(
                    ctx,
                    ApiError.of(
                        503,
                        ErrorKind.UNAVAILABLE,
                        "classifier_unavailable",
                        null,
                        "The classifier could not run."));
                return;
              }
              ctx.response()
                  .putHeader("Content-Type", "application/json")
                  .end(explain(ar.result(), snapshot).toString());
            });
  }

  /**
   * The classify answer: the verdict ({@code inScope}, {@code ruleId}, {@code score}, {@code
   * version}, {@code semantic}), the input decision enforcement would take, and what fired: the
   * text and segment the best score came from and the transformations (normalisation, decoding)
   * that exposed it, and how many spans were judged and how many of them the cascade's cheap stage
   * decided out of scope without the sentence model.
   */
  static ObjectNode explain(InputStage.Judgement j, RuleSet snapshot) {
    Classification c = j.classification();
    ObjectNode out = F.objectNode();
    out.put("inScope", j.rule() != null && !"closed".equals(j.outcome()));
    String ruleId = j.rule() != null ? j.rule().id() : c == null ? null : c.ruleId();
    if (ruleId == null) {
      out.putNull("ruleId");
    } else {
      out.put("ruleId", ruleId);
    }
    out.put("score", c == null ? 0.0 : c.score());
    out.put("version", snapshot.version());
    out.put("semantic", c == null || c.semantic());
    out.put("decision", j.decision().wireName());
    out.put("complete", c == null || c.complete());
    if (c != null) {
      // how the spans were decided: a verdict with no source and score 0 may come from the
      // cascade's cheap stage, which never consults the sentence model
      ObjectNode spans = out.putObject("spans");
      spans.put("judged", c.detections().size());
      spans.put(
          "decidedCheaply",
          c.detections().stream().filter(ScopeClassifier::decidedCheaply).count());
    }
    if (j.fallback() != null) {
      out.putObject("fallback").put("reason", j.fallback()).put("outcome", j.outcome());
    }
    if (c != null && c.source() != null) {
      Classification.Source s = c.source();
      ObjectNode src = out.putObject("source");
      src.put("origin", s.origin());
      src.put("segment", s.kind().wireName());
      src.put("start", s.start());
      src.put("end", s.end());
      var tr = src.putArray("transforms");
      s.transforms().forEach(tr::add);
      src.put("text", s.text().length() > 500 ? s.text().substring(0, 500) + "…" : s.text());
    }
    return out;
  }

  private void calibrate(RoutingContext ctx) {
    RoutesSupport.route(ctx, "/admin/calibrate");
    ObjectNode body =
        object(
            ctx, Set.of("negatives", "targetFpr", "targetFnr", "holdoutFraction", "seed", "apply"));
    if (body == null) {
      return;
    }
    List<String> negatives = new ArrayList<>();
    JsonNode neg = body.path("negatives");
    if (!neg.isMissingNode() && !neg.isArray()) {
      Errors.send(
          ctx, ApiError.invalidRequest("negatives", "negatives: expected an array of strings"));
      return;
    }
    for (JsonNode n : neg) {
      if (!n.isTextual()) {
        Errors.send(
            ctx, ApiError.invalidRequest("negatives", "negatives: expected an array of strings"));
        return;
      }
      negatives.add(n.asText());
    }
    Calibrator.Config d = Calibrator.Config.defaults();
    Calibrator.Config config;
    try {
      config =
          new Calibrator.Config(
              body.path("targetFpr").asDouble(d.targetFpr()),
              body.path("targetFnr").asDouble(d.targetFnr()),
              body.path("holdoutFraction").asDouble(d.holdoutFraction()),
              body.path("seed").asLong(d.seed()),
              d.l2(),
              d.iterations(),
              d.minThreshold());
    } catch (IllegalArgumentException e) {
      Errors.send(ctx, ApiError.invalidRequest(null, e.getMessage()));
      return;
    }
    boolean apply = body.path("apply").asBoolean(false);
    RuleSet snapshot = rules.get();
    if (snapshot.size() == 0) {
      Errors.send(ctx, ApiError.invalidRequest(null, "There are no rules to calibrate on."));
      return;
    }
    ctx.vertx()
        .executeBlocking(
            () ->
                new Calibrator(new HybridDetector(screening.embedder()))
                    .calibrate(
                        screening.indexes().indexFor(snapshot),
                        Calibrator.samplesOf(snapshot, negatives),
                        config),
            false)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                Throwable t = ar.cause();
                Errors.send(
                    ctx,
                    t instanceof IllegalArgumentException
                        ? ApiError.invalidRequest(null, t.getMessage())
                        : ApiError.of(
                            503,
                            ErrorKind.UNAVAILABLE,
                            "calibration_failed",
                            null,
                            "Calibration could not run."));
                return;
              }
              Calibrator.Result r = ar.result();
              if (apply) {
                screening.classifier().install(r.model());
              }
              ObjectNode out = F.objectNode();
              out.put("version", snapshot.version());
              out.put("threshold", r.model().threshold());
              out.put("heldOutFpr", r.heldOutFpr());
              out.put("heldOutFnr", r.heldOutFnr());
              out.put("fitFpr", r.fitFpr());
              out.put("fitFnr", r.fitFnr());
              out.put("fitPositives", r.fitPositives());
              out.put("fitNegatives", r.fitNegatives());
              out.put("heldOutPositives", r.heldOutPositives());
              out.put("heldOutNegatives", r.heldOutNegatives());
              out.put("applied", apply);
              var errs = out.putArray("heldOutErrors");
              r.heldOutErrors().forEach(errs::add);
              ctx.response().putHeader("Content-Type", "application/json").end(out.toString());
            });
  }

  /** The body as a JSON object with only {@code allowed} fields, or null after answering 400. */
  private static ObjectNode object(RoutingContext ctx, Set<String> allowed) {
    Buffer b = ctx.body().buffer();
    JsonNode n;
    try {
      n = b == null ? null : Errors.JSON.readTree(b.getBytes());
    } catch (Exception e) {
      n = null;
    }
    if (!(n instanceof ObjectNode o)) {
      Errors.send(ctx, ApiError.invalidRequest(null, "The body must be a JSON object."));
      return null;
    }
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!allowed.contains(f)) {
        Errors.send(
            ctx,
            ApiError.invalidRequest(
                f,
                f
                    + ": unknown field (expected one of: "
                    + String.join(", ", allowed.stream().sorted().toList())
                    + ")"));
        return null;
      }
    }
    return o;
  }
}

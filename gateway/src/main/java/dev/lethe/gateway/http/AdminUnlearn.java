package dev.lethe.gateway.http;

import static dev.lethe.gateway.http.RoutesSupport.json;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.errors.ErrorKind;
import dev.lethe.gateway.unlearn.UnlearnJobs;
import dev.lethe.gateway.unlearn.UnlearnRequestException;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The unlearning routes of the admin API: {@code POST /admin/unlearn} with {@code {"model",
 * "rules", "method", "options"}} (or {@code "stages": [{"method", "options"}, ...]} for a pipeline
 * run as one job) validates the request and starts a background job ({@code 202 {"job": id}});
 * {@code GET /admin/unlearn/{job}} reports its state, progress, evaluation before and after, and
 * gate decision; {@code GET /admin/unlearn} lists the jobs. Validation reads files, so it runs on a
 * worker thread, never on the event loop.
 */
public final class AdminUnlearn {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final UnlearnJobs jobs;

  /** Routes over {@code jobs}. */
  public AdminUnlearn(UnlearnJobs jobs) {
    this.jobs = requireNonNull(jobs, "jobs");
  }

  /** Adds the routes to {@code router} (authentication and body handling are already in place). */
  public void mount(Router router) {
    router.post("/admin/unlearn").handler(this::start);
    router.get("/admin/unlearn").handler(this::list);
    router.get("/admin/unlearn/:job").handler(this::get);
  }

  private void list(RoutingContext ctx) {
    RoutesSupport.route(ctx, "/admin/unlearn");
    ObjectNode root = F.objectNode();
    ArrayNode arr = root.putArray("jobs");
    jobs.list().forEach(arr::add);
    json(ctx, 200, root);
  }

  private void get(RoutingContext ctx) {
    RoutesSupport.route(ctx, "/admin/unlearn/{job}");
    String id = ctx.pathParam("job");
    Optional<ObjectNode> job = jobs.get(id);
    if (job.isEmpty()) {
      Errors.send(
          ctx,
          ApiError.of(404, ErrorKind.NOT_FOUND, "job_not_found", "job", "No unlearning job " + id));
      return;
    }
    json(ctx, 200, job.get());
  }

  private void start(RoutingContext ctx) {
    RoutesSupport.route(ctx, "/admin/unlearn");
    JsonNode body;
    try {
      Buffer b = ctx.body().buffer();
      body = Errors.JSON.readTree(b == null ? new byte[0] : b.getBytes());
    } catch (Exception e) {
      body = null;
    }
    if (body == null || !body.isObject()) {
      Errors.send(
          ctx,
          ApiError.invalidRequest(
              null,
              "Expected a JSON body {\"model\": ..., \"rules\": [...], \"method\": ...,"
                  + " \"options\": {...}}."));
      return;
    }
    JsonNode model = body.path("model");
    JsonNode method = body.path("method");
    JsonNode rules = body.path("rules");
    if (!model.isTextual()) {
      Errors.send(ctx, ApiError.invalidRequest("model", "model: expected a string"));
      return;
    }
    JsonNode stages = body.get("stages");
    if (stages != null && (method.isMissingNode() || method.isNull())) {
      if (!stages.isArray() || stages.isEmpty()) {
        Errors.send(
            ctx,
            ApiError.invalidRequest(
                "stages", "stages: expected a non-empty list of {\"method\", \"options\"}"));
        return;
      }
    } else if (stages != null) {
      Errors.send(ctx, ApiError.invalidRequest("stages", "stages: give either method or stages"));
      return;
    } else if (!method.isTextual()) {
      Errors.send(ctx, ApiError.invalidRequest("method", "method: expected a string"));
      return;
    }
    List<String> ruleIds = new ArrayList<>();
    if (!rules.isArray()) {
      Errors.send(ctx, ApiError.invalidRequest("rules", "rules: expected a list of rule ids"));
      return;
    }
    for (JsonNode r : rules) {
      if (!r.isTextual()) {
        Errors.send(ctx, ApiError.invalidRequest("rules", "rules: expected rule id strings"));
        return;
      }
      ruleIds.add(r.asText());
    }
    for (var it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!List.of("model", "rules", "method", "options", "stages").contains(f)) {
        Errors.send(
            ctx,
            ApiError.invalidRequest(
                f, f + ": unknown field (expected one of model, rules, method, options, stages)"));
        return;
      }
    }
    JsonNode options = body.get("options");
    ctx.vertx()
        .executeBlocking(
            () ->
                stages != null
                    ? jobs.submit(model.asText(), ruleIds, stages)
                    : jobs.submit(model.asText(), ruleIds, method.asText(), options),
            false)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                ObjectNode o = F.objectNode();
                o.put("job", ar.result());
                json(ctx, 202, o);
              } else if (ar.cause() instanceof UnlearnRequestException e) {
                Errors.send(
                    ctx,
                    ApiError.of(
                        e.status(),
                        ErrorKind.ofStatus(e.status()),
                        e.code(),
                        e.param(),
                        e.getMessage()));
              } else {
                Errors.send(
                    ctx,
                    ApiError.of(
                        500,
                        ErrorKind.INTERNAL,
                        null,
                        null,
                        "Cannot start the job: " + ar.cause().getMessage()));
              }
            });
  }
}

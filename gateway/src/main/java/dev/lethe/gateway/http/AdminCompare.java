package dev.lethe.gateway.http;

import static dev.lethe.gateway.http.RoutesSupport.json;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.ConfigException;
import dev.lethe.gateway.compare.CompareJobs;
import dev.lethe.gateway.compare.CompareOptions;
import dev.lethe.gateway.compare.CompareRequests;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.errors.ErrorKind;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The compare routes of the admin API: {@code POST /admin/compare} validates the request ({@link
 * CompareRequests}) and starts a background job ({@code 202 {"job": id}}; 409 while one runs);
 * {@code GET /admin/compare} lists every job, oldest first, without reports; {@code GET
 * /admin/compare/{id}} reports its state, progress and, once done, the report; {@code GET
 * /admin/compare/{id}/report.html} serves the HTML report. Validation reads files, so it runs on a
 * worker thread, never on the event loop.
 */
public final class AdminCompare {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final CompareJobs jobs;

  /** Routes over {@code jobs}. */
  public AdminCompare(CompareJobs jobs) {
    this.jobs = requireNonNull(jobs, "jobs");
  }

  /** Adds the routes to {@code router} (authentication and body handling are already in place). */
  public void mount(Router router) {
    router.post("/admin/compare").handler(this::start);
    router.get("/admin/compare").handler(this::list);
    router.get("/admin/compare/:job/report.html").handler(this::html);
    router.get("/admin/compare/:job").handler(this::get);
  }

  private void list(RoutingContext ctx) {
    RoutesSupport.route(ctx, "/admin/compare");
    ObjectNode root = F.objectNode();
    com.fasterxml.jackson.databind.node.ArrayNode arr = root.putArray("jobs");
    jobs.list().forEach(arr::add);
    json(ctx, 200, root);
  }

  private void get(RoutingContext ctx) {
    RoutesSupport.route(ctx, "/admin/compare/{job}");
    String id = ctx.pathParam("job");
    Optional<ObjectNode> job = jobs.get(id);
    if (job.isEmpty()) {
      notFound(ctx, id);
      return;
    }
    json(ctx, 200, job.get());
  }

  private void html(RoutingContext ctx) {
    RoutesSupport.route(ctx, "/admin/compare/{job}/report.html");
    String id = ctx.pathParam("job");
    Optional<Path> p = jobs.html(id);
    if (p.isEmpty()) {
      notFound(ctx, id);
      return;
    }
    ctx.response().putHeader("Content-Type", "text/html; charset=utf-8");
    ctx.response().sendFile(p.get().toString());
  }

  private static void notFound(RoutingContext ctx, String id) {
    Errors.send(
        ctx,
        ApiError.of(
            404, ErrorKind.NOT_FOUND, "job_not_found", "job", "No finished compare job " + id));
  }

  private void start(RoutingContext ctx) {
    RoutesSupport.route(ctx, "/admin/compare");
    JsonNode body;
    try {
      Buffer b = ctx.body().buffer();
      body = Errors.JSON.readTree(b == null ? new byte[0] : b.getBytes());
    } catch (Exception e) {
      body = null;
    }
    JsonNode request = body;
    ctx.vertx()
        .executeBlocking(
            () -> {
              CompareOptions options = CompareRequests.parse(request);
              return jobs.submit(options, "POST /admin/compare " + request);
            },
            false)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                ObjectNode o = F.objectNode();
                o.put("job", ar.result());
                json(ctx, 202, o);
              } else if (ar.cause() instanceof ConfigException e) {
                Errors.send(
                    ctx,
                    ApiError.invalidRequest(
                        e.field().isEmpty() ? null : e.field(), e.getMessage()));
              } else if (ar.cause() instanceof CompareJobs.BusyException e) {
                Errors.send(
                    ctx,
                    ApiError.of(
                        409, ErrorKind.INVALID_REQUEST, "job_running", null, e.getMessage()));
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

package dev.lethe.gateway.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.gateway.audit.AuditQuery;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.errors.ErrorKind;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /admin/audit}: the audit log, oldest first, filtered by {@code kind}, {@code ruleId},
 * {@code requestId}, {@code decision}, paged with {@code after} (a {@code seq}) and {@code limit}
 * (default 100, at most 10000). JSON {@code {"records":[...],"next":N|null}}, or with {@code
 * format=jsonl} the stored lines themselves (JSON Lines, cursor in {@code x-lethe-audit-next}).
 */
public final class AdminAudit {
  private static final Logger LOG = LoggerFactory.getLogger(AdminAudit.class);

  private final Path dir;

  /** Serves the log in {@code dir}. */
  public AdminAudit(Path dir) {
    this.dir = requireNonNull(dir, "dir");
  }

  /** Adds the route. */
  public void mount(Router router) {
    router.get("/admin/audit").handler(this::audit);
  }

  private void audit(RoutingContext ctx) {
    RoutesSupport.route(ctx, "/admin/audit");
    AuditQuery q;
    boolean jsonl;
    try {
      String format = ctx.queryParams().get("format");
      if (format != null && !format.equals("json") && !format.equals("jsonl")) {
        throw new IllegalArgumentException("format: \"" + format + "\" (expected: json or jsonl)");
      }
      jsonl = "jsonl".equals(format);
      q =
          new AuditQuery(
              ctx.queryParams().get("kind"),
              ctx.queryParams().get("ruleId"),
              ctx.queryParams().get("requestId"),
              ctx.queryParams().get("decision"),
              number(ctx, "after", 0),
              (int) number(ctx, "limit", jsonl ? 10_000 : 100));
    } catch (IllegalArgumentException e) {
      Errors.send(ctx, ApiError.invalidRequest(null, e.getMessage()));
      return;
    }
    ctx.vertx()
        .executeBlocking(() -> q.run(dir), false)
        .onSuccess(
            page -> {
              if (jsonl) {
                StringBuilder sb = new StringBuilder();
                page.lines().forEach(l -> sb.append(l).append('\n'));
                if (page.next() >= 0) {
                  ctx.response().putHeader("x-lethe-audit-next", Long.toString(page.next()));
                }
                ctx.response().putHeader("Content-Type", "application/x-ndjson").end(sb.toString());
                return;
              }
              ObjectNode root = JsonNodeFactory.instance.objectNode();
              ArrayNode arr = root.putArray("records");
              for (String l : page.lines()) {
                try {
                  arr.add(dev.lethe.config.rules.RuleCodec.mapper().readTree(l));
                } catch (Exception e) {
                  // unreadable lines are skipped by the query already
                }
              }
              if (page.next() >= 0) {
                root.put("next", page.next());
              } else {
                root.putNull("next");
              }
              RoutesSupport.json(ctx, 200, root);
            })
        .onFailure(
            t -> {
              LOG.error("audit query failed", t);
              Errors.send(
                  ctx,
                  ApiError.of(
                      500, ErrorKind.INTERNAL, null, null, "The audit log cannot be read."));
            });
  }

  private static long number(RoutingContext ctx, String name, long def) {
    String v = ctx.queryParams().get(name);
    if (v == null) {
      return def;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": \"" + v + "\" (expected: an integer)");
    }
  }
}

package dev.lethe.gateway.http;

import static dev.lethe.gateway.http.RoutesSupport.json;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.ConfigException;
import dev.lethe.config.rules.ForgetRule;
import dev.lethe.config.rules.ImportMode;
import dev.lethe.config.rules.RuleBook;
import dev.lethe.config.rules.RuleCodec;
import dev.lethe.config.rules.RuleConflictException;
import dev.lethe.config.rules.RuleNotFoundException;
import dev.lethe.config.rules.RuleSet;
import dev.lethe.config.rules.RuleStoreException;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.errors.ErrorKind;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule routes of the admin API (DESIGN.md §3.3): create, list, read, replace, delete, bulk
 * import (JSON Lines, all or nothing) and export. Writes run on a worker thread (each one is
 * fsynced) and answer only once the new snapshot is published, so the next request obeys them.
 */
public final class AdminRules {
  private static final Logger LOG = LoggerFactory.getLogger(AdminRules.class);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final RuleBook book;
  private final RuleCodec codec;
  private final RuleAudit audit;

  /** Records rule changes (the audit log); called on the writing worker thread after commit. */
  @FunctionalInterface
  public interface RuleAudit {
    /**
     * Records one committed change.
     *
     * @param op {@code create}, {@code replace}, {@code delete} or {@code import}
     * @param ruleIds the rules it touched
     * @param version the version it produced
     */
    void changed(String op, List<String> ruleIds, long version);
  }

  /** Creates the routes over {@code book}, decoding rules with {@code codec}. */
  public AdminRules(RuleBook book, RuleCodec codec) {
    this(book, codec, (op, ids, v) -> {});
  }

  /** Creates the routes over {@code book}, recording each committed change in {@code audit}. */
  public AdminRules(RuleBook book, RuleCodec codec, RuleAudit audit) {
    this.book = requireNonNull(book, "book");
    this.codec = requireNonNull(codec, "codec");
    this.audit = requireNonNull(audit, "audit");
  }

  private Callable<Long> audited(String op, List<String> ids, Callable<Long> write) {
    return () -> {
      long v = write.call();
      try {
        audit.changed(op, ids, v);
      } catch (RuntimeException e) {
        LOG.error("rules version {} committed but its audit record failed", v, e);
      }
      return v;
    };
  }

  /** Adds the routes to {@code router} (authentication and body handling are already in place). */
  public void mount(Router router) {
    router.postWithRegex("/admin/rules:import").handler(this::importRules);
    router.getWithRegex("/admin/rules:export").handler(this::exportRules);
    router.post("/admin/rules").handler(this::create);
    router.get("/admin/rules").handler(this::list);
    router.get("/admin/rules/:id").handler(this::read);
    router.put("/admin/rules/:id").handler(this::replace);
    router.delete("/admin/rules/:id").handler(this::delete);
  }

  private void create(RoutingContext ctx) {
    RoutesSupport.route(ctx, "/admin/rules");
    ForgetRule rule;
    try {
      rule = codec.decode(bytes(ctx));
    } catch (ConfigException e) {
      invalid(ctx, e);
      return;
    }
    write(ctx, audited("create", List.of(rule.id()), () -> book.create(rule)))
        .onSuccess(v -> json(ctx, 201, F.objectNode().put("id", rule.id()).put("version", v)));
  }

  private void list(RoutingContext ctx) {
    RoutesSupport.route(ctx, "/admin/rules");
    RuleSet rules = book.current();
    ObjectNode root = F.objectNode().put("version", rules.version());
    ArrayNode arr = root.putArray("rules");
    for (ForgetRule r : rules.rules()) {
      arr.add(RuleCodec.toTree(r));
    }
    json(ctx, 200, root);
  }

  private void read(RoutingContext ctx) {
    RoutesSupport.route(ctx, "/admin/rules/{id}");
    String id = ctx.pathParam("id");
    book.current()
        .rule(id)
        .ifPresentOrElse(r -> json(ctx, 200, RuleCodec.toTree(r)), () -> notFound(ctx, id));
  }

  private void replace(RoutingContext ctx) {
    RoutesSupport.route(ctx, "/admin/rules/{id}");
    String id = ctx.pathParam("id");
    ForgetRule rule;
    try {
      rule = codec.decodeForId(new String(bytes(ctx), StandardCharsets.UTF_8), id);
    } catch (ConfigException e) {
      invalid(ctx, e);
      return;
    }
    write(ctx, audited("replace", List.of(id), () -> book.replace(rule)))
        .onSuccess(v -> json(ctx, 200, F.objectNode().put("id", id).put("version", v)));
  }

  private void delete(RoutingContext ctx) {
    RoutesSupport.route(ctx, "/admin/rules/{id}");
    String id = ctx.pathParam("id");
    write(ctx, audited("delete", List.of(id), () -> book.delete(id)))
        .onSuccess(v -> json(ctx, 200, F.objectNode().put("version", v)));
  }

  private void importRules(RoutingContext ctx) {
    RoutesSupport.route(ctx, "/admin/rules:import");
    String modeParam = ctx.queryParams().get("mode");
    ImportMode mode;
    try {
      mode =
          modeParam == null
              ? ImportMode.MERGE
              : ImportMode.valueOf(modeParam.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      Errors.send(
          ctx,
          ApiError.invalidRequest(
              "mode", "mode: \"" + modeParam + "\" (expected: merge or replace)"));
      return;
    }
    List<ForgetRule> rules;
    try {
      rules = codec.decodeLines(new String(bytes(ctx), StandardCharsets.UTF_8));
    } catch (ConfigException e) {
      invalid(ctx, e);
      return;
    }
    if (rules.isEmpty() && mode == ImportMode.MERGE) {
      Errors.send(ctx, ApiError.invalidRequest(null, "The import holds no rule."));
      return;
    }
    write(
            ctx,
            audited(
                "import:" + mode.name().toLowerCase(Locale.ROOT),
                rules.stream().map(ForgetRule::id).toList(),
                () -> book.importRules(rules, mode)))
        .onSuccess(
            v -> json(ctx, 200, F.objectNode().put("version", v).put("imported", rules.size())));
  }

  private void exportRules(RoutingContext ctx) {
    RoutesSupport.route(ctx, "/admin/rules:export");
    RuleSet rules = book.current();
    ctx.response()
        .putHeader("Content-Type", "application/x-ndjson")
        .putHeader("x-lethe-export-version", Long.toString(rules.version()))
        .end(RuleCodec.encodeLines(rules.rules()));
  }

  /** Runs a write on a worker thread and maps its failures to responses. */
  private Future<Long> write(RoutingContext ctx, Callable<Long> op) {
    return ctx.vertx()
        .executeBlocking(op, true)
        .onSuccess(v -> RoutesSupport.reportVersion(ctx, v))
        .onFailure(
            t -> {
              switch (t) {
                case RuleConflictException c ->
                    Errors.send(
                        ctx,
                        ApiError.of(
                            409,
                            ErrorKind.INVALID_REQUEST,
                            "rule_exists",
                            "id",
                            "id: \""
                                + c.id()
                                + "\" (expected: an id no rule uses; PUT /admin/rules/"
                                + c.id()
                                + " replaces it)"));
                case RuleNotFoundException n -> notFound(ctx, n.id());
                case ConfigException c -> invalid(ctx, c);
                case IllegalArgumentException i ->
                    Errors.send(ctx, ApiError.invalidRequest(null, i.getMessage()));
                case RuleStoreException s -> {
                  LOG.warn("rule store write failed; nothing was changed: {}", s.getMessage());
                  Errors.send(
                      ctx,
                      ApiError.of(
                          503,
                          ErrorKind.UNAVAILABLE,
                          "store_unavailable",
                          null,
                          "The rule store could not persist the change; nothing was changed."));
                }
                default -> {
                  LOG.error("admin write failed", t);
                  Errors.send(
                      ctx,
                      ApiError.of(
                          500,
                          ErrorKind.INTERNAL,
                          null,
                          null,
                          "Internal error; nothing was changed."));
                }
              }
            });
  }

  private static byte[] bytes(RoutingContext ctx) {
    Buffer b = ctx.body().buffer();
    return b == null ? new byte[0] : b.getBytes();
  }

  private static void invalid(RoutingContext ctx, ConfigException e) {
    Errors.send(
        ctx,
        ApiError.of(
            400,
            ErrorKind.INVALID_REQUEST,
            "invalid_rule",
            e.field().isEmpty() ? null : e.field(),
            e.getMessage()));
  }

  private static void notFound(RoutingContext ctx, String id) {
    Errors.send(
        ctx,
        ApiError.of(
            404, ErrorKind.NOT_FOUND, "rule_not_found", "id", "No rule with id \"" + id + "\"."));
  }
}

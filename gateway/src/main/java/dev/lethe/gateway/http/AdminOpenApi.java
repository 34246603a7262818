package dev.lethe.gateway.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /admin/openapi.json}: the OpenAPI 3.1 description of the admin API, kept in the jar as
 * {@code lethe/openapi.json}. A test checks it against the router (every admin route documented,
 * every documented route served), against the OpenAPI 3.1 meta-schema, and checks its examples and
 * live responses against its schemas, so it cannot drift from the code.
 */
public final class AdminOpenApi {
  /** Where the document lives on the class path. */
  public static final String RESOURCE = "/lethe/openapi.json";

  private final Buffer document;

  /** Loads the document from the class path. */
  public AdminOpenApi() {
    this.document = Buffer.buffer(load());
  }

  /** The document's bytes. */
  public static byte[] load() {
    try (InputStream in = AdminOpenApi.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds the route to {@code router} (authentication is already in place). */
  public void mount(Router router) {
    router.get("/admin/openapi.json").handler(this::serve);
  }

  private void serve(RoutingContext ctx) {
    RoutesSupport.route(ctx, "/admin/openapi.json");
    ctx.response().putHeader("Content-Type", "application/json").end(document);
  }
}

package dev.lethe.gateway.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The web console at {@code GET /console}: a static page, a stylesheet and a script, all loaded
 * from the jar ({@code lethe/console/}) once at start, so the console works offline and no file is
 * read per request. The page holds no data and no secret: every datum comes from the admin API,
 * which the script calls with the admin token the operator types in (kept in the page's memory,
 * never in a URL, a cookie or storage). Each asset goes out with a strict Content-Security-Policy
 * (scripts, styles and connections from this origin only, no inline script, no framing, no form
 * posts elsewhere) and {@code nosniff}.
 */
public final class Console {
  /** Where the assets live on the class path. */
  public static final String RESOURCES = "/lethe/console/";

  /** The Content-Security-Policy of every console response. */
  public static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self';"
          + " img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  private record Asset(String type, Buffer bytes) {}

  private static final Map<String, String> FILES =
      Map.of(
          "index.html", "text/html; charset=utf-8",
          "console.js", "text/javascript; charset=utf-8",
          "console.css", "text/css; charset=utf-8");

  private final Map<String, Asset> assets;

  /** Loads the assets from the class path. */
  public Console() {
    java.util.HashMap<String, Asset> m = new java.util.HashMap<>();
    FILES.forEach((name, type) -> m.put(name, new Asset(type, Buffer.buffer(load(name)))));
    this.assets = Map.copyOf(m);
  }

  /** The bytes of asset {@code name} from the class path. */
  public static byte[] load(String name) {
    try (InputStream in = Console.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCES + name + " is missing from the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds {@code GET /console}, {@code /console/} and {@code /console/{asset}}. */
  public void mount(Router router) {
    router.get("/console").handler(ctx -> serve(ctx, "index.html"));
    router.get("/console/").handler(ctx -> serve(ctx, "index.html"));
    router.get("/console/:asset").handler(ctx -> serve(ctx, ctx.pathParam("asset")));
  }

  private void serve(RoutingContext ctx, String name) {
    RoutesSupport.route(ctx, "/console");
    Asset a = assets.get(name);
    HttpServerResponse resp = ctx.response();
    resp.putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("Cache-Control", "no-cache");
    if (a == null) {
      resp.setStatusCode(404)
          .putHeader("Content-Type", "text/plain; charset=utf-8")
          .end("Not found.");
      return;
    }
    resp.putHeader("Content-Type", a.type()).end(a.bytes());
  }
}

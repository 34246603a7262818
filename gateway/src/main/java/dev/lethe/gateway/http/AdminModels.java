package dev.lethe.gateway.http;

import static dev.lethe.gateway.http.RoutesSupport.json;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.gateway.backend.local.LoadedModel;
import dev.lethe.gateway.backend.local.ModelRegistry;
import dev.lethe.gateway.backend.local.ModelSlot;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.errors.ErrorKind;
import dev.lethe.gateway.errors.WireFormat;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The model routes of the admin API: {@code GET /admin/models} lists the local models with their
 * checkpoint (absolute directory), load state and swap history; {@code POST
 * /admin/models/{model}/checkpoint} with {@code {"path": "...", "wait": true}} hot-swaps one.
 *
 * <p>A swap loads and validates the checkpoint on the registry's loader thread. By default the call
 * waits for the outcome (the event loop is not blocked): {@code 200} with the swap record once the
 * new checkpoint serves, or {@code 422} ({@code checkpoint_refused}) with the reason while the old
 * one keeps serving. With {@code "wait": false} it answers {@code 202} with the swap id at once;
 * the outcome then appears in {@code GET /admin/models}. A second swap of the same model while one
 * loads is answered {@code 409}.
 */
public final class AdminModels {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final ModelRegistry registry;

  /** Routes over {@code registry}. */
  public AdminModels(ModelRegistry registry) {
    this.registry = requireNonNull(registry, "registry");
  }

  /** Adds the routes to {@code router} (authentication and body handling are already in place). */
  public void mount(Router router) {
    router.get("/admin/models").handler(this::list);
    router.post("/admin/models/:model/checkpoint").handler(this::swap);
  }

  private void list(RoutingContext ctx) {
    RoutesSupport.route(ctx, "/admin/models");
    ObjectNode root = F.objectNode();
    ArrayNode arr = root.putArray("models");
    for (ModelSlot s : registry.slots()) {
      arr.add(describe(s));
    }
    json(ctx, 200, root);
  }

  /** One slot as JSON. */
  static ObjectNode describe(ModelSlot s) {
    ObjectNode o = F.objectNode();
    o.put("model", s.model());
    o.put("state", s.state().name().toLowerCase(java.util.Locale.ROOT));
    LoadedModel m = s.current();
    if (m == null) {
      o.putNull("checkpoint");
      o.putNull("loadedAt");
    } else {
      o.put("checkpoint", m.directory().toString());
      o.put("loadedAt", m.loadedAt().toString());
    }
    if (s.failure() != null) {
      o.put("failure", s.failure());
    }
    ModelSlot.Swap p = s.pending();
    o.put("swapping", p != null);
    ArrayNode swaps = o.putArray("swaps");
    if (p != null) {
      swaps.add(swap(p));
    }
    for (ModelSlot.Swap w : s.history()) {
      swaps.add(swap(w));
    }
    return o;
  }

  static ObjectNode swap(ModelSlot.Swap w) {
    ObjectNode o = F.objectNode();
    o.put("id", w.id());
    o.put("path", w.path().toString());
    o.put("state", w.state().wireName());
    o.put("requestedAt", w.requestedAt().toString());
    if (w.finishedAt() == null) {
      o.putNull("finishedAt");
      o.putNull("loadMillis");
    } else {
      o.put("finishedAt", w.finishedAt().toString());
      o.put("loadMillis", w.loadMillis());
    }
    if (w.reason() == null) {
      o.putNull("reason");
    } else {
      o.put("reason", w.reason());
    }
    return o;
  }

  private void swap(RoutingContext ctx) {
    RoutesSupport.route(ctx, "/admin/models/{model}/checkpoint");
    String model = ctx.pathParam("model");
    Optional<ModelSlot> slot = registry.slot(model);
    if (slot.isEmpty()) {
      Errors.send(
          ctx,
          ApiError.of(
              404,
              ErrorKind.NOT_FOUND,
              "model_not_found",
              "model",
              "No local model named " + model + "; GET /admin/models lists them."));
      return;
    }
    JsonNode body;
    try {
      Buffer b = ctx.body().buffer();
      body = Errors.JSON.readTree(b == null ? new byte[0] : b.getBytes());
    } catch (Exception e) {
      body = null;
    }
    if (body == null || !body.path("path").isTextual() || body.path("path").asText().isBlank()) {
      Errors.send(
          ctx,
          ApiError.invalidRequest(
              "path", "Expected a JSON body {\"path\": \"<checkpoint directory>\"}."));
      return;
    }
    Path path;
    try {
      path = Path.of(body.path("path").asText());
    } catch (InvalidPathException e) {
      Errors.send(ctx, ApiError.invalidRequest("path", "Invalid path: " + e.getMessage()));
      return;
    }
    boolean wait = body.path("wait").asBoolean(true);
    Optional<ModelRegistry.Started> started = registry.swap(model, path);
    if (started.isEmpty()) {
      Errors.send(
          ctx,
          ApiError.of(
              409,
              ErrorKind.INVALID_REQUEST,
              "swap_in_progress",
              null,
              "A checkpoint of " + model + " is already loading; retry when it is done."));
      return;
    }
    ModelSlot.Swap begun = started.get().swap();
    if (!wait) {
      ObjectNode o = swap(begun);
      o.put("model", model);
      json(ctx, 202, o);
      return;
    }
    Context context = ctx.vertx().getOrCreateContext();
    started
        .get()
        .outcome()
        .whenComplete(
            (done, err) ->
                context.runOnContext(
                    v -> {
                      if (err != null || done == null) {
                        Errors.send(
                            ctx,
                            ApiError.of(
                                500,
                                ErrorKind.INTERNAL,
                                null,
                                null,
                                "The swap failed unexpectedly."));
                      } else if (done.state() == ModelSlot.SwapState.REFUSED) {
                        ObjectNode o =
                            WireFormat.OPENAI.body(
                                ApiError.of(
                                    422,
                                    ErrorKind.INVALID_REQUEST,
                                    "checkpoint_refused",
                                    "path",
                                    "Checkpoint refused: "
                                        + done.reason()
                                        + " (the previous checkpoint keeps serving)"));
                        o.set("swap", swap(done));
                        json(ctx, 422, o);
                      } else {
                        ObjectNode o = swap(done);
                        o.put("model", model);
                        json(ctx, 200, o);
                      }
                    }));
  }
}

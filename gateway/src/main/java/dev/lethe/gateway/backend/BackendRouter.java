package dev.lethe.gateway.backend;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Routes a model name to the backend that serves it. When two backends list the same model, the
 * first in configuration order wins.
 */
public final class BackendRouter implements AutoCloseable {
  private final List<Backend> backends;
  private volatile Map<String, Backend> byModel = Map.of();

  /** Creates a router over {@code backends}, in priority order. */
  public BackendRouter(List<Backend> backends) {
    this.backends = List.copyOf(requireNonNull(backends, "backends"));
    rebuild();
  }

  /** The backends, in priority order. */
  public List<Backend> backends() {
    return backends;
  }

  /** The backend serving {@code model}, if any. */
  public Optional<Backend> route(String model) {
    return Optional.ofNullable(byModel.get(model));
  }

  /**
   * What serving {@code model} means now: the backend that lists it; or, when no backend lists it
   * but some backend's model discovery is pending or failed, the backends whose lists are
   * incomplete (the model may exist there: a client should get a 502 naming the reason, not a
   * {@code model_not_found}); or unknown.
   */
  public Lookup lookup(String model) {
    Backend b = byModel.get(model);
    if (b != null) {
      return new Lookup.Found(b);
    }
    List<Backend> incomplete = new ArrayList<>();
    for (Backend x : backends) {
      if (x.discovery().incomplete()) {
        incomplete.add(x);
      }
    }
    return incomplete.isEmpty() ? new Lookup.Unknown() : new Lookup.Undiscovered(incomplete);
  }

  /** The outcome of {@link #lookup(String)}. */
  public sealed interface Lookup {
    /** A backend lists the model. */
    record Found(Backend backend) implements Lookup {}

    /** No backend lists the model and every model list is complete. */
    record Unknown() implements Lookup {}

    /**
     * No backend lists the model, but these backends could not list their models.
     *
     * @param backends the backends whose model discovery is pending or failed
     */
    record Undiscovered(List<Backend> backends) implements Lookup {
      /** Copies the list. */
      public Undiscovered {
        backends = List.copyOf(backends);
      }

      /** One line naming each backend and why its models are unknown. */
      public String reason() {
        StringBuilder sb = new StringBuilder();
        for (Backend b : backends) {
          if (!sb.isEmpty()) {
            sb.append("; ");
          }
          sb.append("backend '")
              .append(b.name())
              .append("': ")
              .append(b.discovery().reason() == null ? "pending" : b.discovery().reason());
        }
        return sb.toString();
      }
    }
  }

  /** Every routable model with its backend, in priority order. */
  public Map<String, Backend> models() {
    return byModel;
  }

  /**
   * Asks every backend for its models and rebuilds the routing table. Completes when all have
   * answered; a backend that fails keeps its last known list.
   */
  public Future<Void> refresh() {
    List<Future<List<String>>> all = new ArrayList<>();
    for (Backend b : backends) {
      all.add(b.refreshModels().recover(e -> Future.succeededFuture(b.models())));
    }
    return Future.join(all)
        .transform(
            ar -> {
              rebuild();
              return Future.succeededFuture();
            });
  }

  private void rebuild() {
    Map<String, Backend> map = new LinkedHashMap<>();
    for (Backend b : backends) {
      for (String m : b.models()) {
        map.putIfAbsent(m, b);
      }
    }
    byModel = Collections.unmodifiableMap(map);
  }

  @Override
  public void close() {
    for (Backend b : backends) {
      b.close();
    }
  }
}

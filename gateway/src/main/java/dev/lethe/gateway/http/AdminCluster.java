package dev.lethe.gateway.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lethe.config.rules.RuleStoreException;
import dev.lethe.gateway.cluster.ClusterView;
import dev.lethe.gateway.cluster.Replication;
import dev.lethe.gateway.errors.ApiError;
import dev.lethe.gateway.errors.ErrorKind;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /admin/cluster}: every replica's id, address, enforced rules version, lag behind the
 * latest committed version and last heartbeat, as {@code {"replicas":[{"id","address","version",
 * "lagVersions","seenAt"}]}}. With the embedded journal, this replica alone.
 */
public final class AdminCluster {
  private static final Logger LOG = LoggerFactory.getLogger(AdminCluster.class);
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final Replication replication;

  /** Creates the route over {@code replication}. */
  public AdminCluster(Replication replication) {
    this.replication = requireNonNull(replication, "replication");
  }

  /** Adds the route to {@code router}. */
  public void mount(Router router) {
    router.get("/admin/cluster").handler(this::cluster);
  }

  private void cluster(RoutingContext ctx) {
    RoutesSupport.route(ctx, "/admin/cluster");
    ctx.vertx()
        .executeBlocking(replication::cluster, false)
        .onSuccess(view -> RoutesSupport.json(ctx, 200, body(view)))
        .onFailure(
            t -> {
              if (!(t instanceof RuleStoreException)) {
                LOG.error("cluster view failed", t);
              }
              Errors.send(
                  ctx,
                  ApiError.of(
                      503,
                      ErrorKind.UNAVAILABLE,
                      "store_unavailable",
                      null,
                      "The rule store cannot be read now, so the cluster is unknown."));
            });
  }

  static ObjectNode body(ClusterView view) {
    ObjectNode root = F.objectNode();
    ArrayNode arr = root.putArray("replicas");
    for (ClusterView.Replica r : view.replicas()) {
      arr.addObject()
          .put("id", r.id())
          .put("address", r.address())
          .put("version", r.version())
          .put("lagVersions", r.lagVersions())
          .put("seenAt", r.seenAt().toString());
    }
    return root;
  }
}

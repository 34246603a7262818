package dev.lethe.gateway.cluster;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /admin/cluster} shows: the latest committed version and each replica's last
 * heartbeat.
 *
 * @param headVersion the latest version committed to the store
 * @param replicas the replicas, by id
 */
public record ClusterView(long headVersion, List<Replica> replicas) {
  /** Copies the list. */
  public ClusterView {
    replicas = List.copyOf(replicas);
  }

  /**
   * One replica's last heartbeat.
   *
   * @param id the replica's id
   * @param address where it listens ({@code host:port})
   * @param version the rules version it enforced when it last reported
   * @param lagVersions how many committed versions it had not applied ({@code head - version})
   * @param seenAt when it last reported
   */
  public record Replica(String id, String address, long version, long lagVersions, Instant seenAt) {
    /** Checks arguments. */
    public Replica {
      requireNonNull(id, "id");
      requireNonNull(address, "address");
      requireNonNull(seenAt, "seenAt");
    }
  }
}

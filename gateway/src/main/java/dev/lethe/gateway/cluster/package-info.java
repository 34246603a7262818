/**
 * Many replicas, one rule set: the PostgreSQL rule store, how a replica follows it, and what it
 * shows about it.
 *
 * <p>Roles:
 *
 * <ul>
 *   <li>{@link dev.lethe.gateway.cluster.PostgresRuleStore}: the {@code RuleStore} extension point
 *       on PostgreSQL (Vert.x reactive client): a change log with gap-free versions assigned under
 *       the head row's lock, acknowledged after commit, announced with {@code NOTIFY}.
 *   <li>{@link dev.lethe.gateway.cluster.Replication}: follows the store (notifications, polling,
 *       re-sync after a reconnect), heartbeats, and reports readiness and lag.
 *   <li>{@link dev.lethe.gateway.cluster.VersionGate}: lets a request carrying {@code
 *       x-lethe-min-rules-version} wait, off the event loop's back, for the version it needs.
 * </ul>
 *
 * <p>Traps:
 *
 * <ul>
 *   <li>The store's methods block on the reactive client's futures: worker threads only.
 *   <li>A replica never skips a version: a missing or unreadable change stops it at the version
 *       before, not ready, until the change can be applied.
 *   <li>The password is read from {@code PGPASSWORD} and never logged; targets print without it.
 * </ul>
 */
package dev.lethe.gateway.cluster;

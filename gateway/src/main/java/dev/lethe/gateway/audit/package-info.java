/**
 * The tamper-evident audit log: every rule change and every decision, hash-chained (each record
 * carries the SHA-256 of the one before), in the data directory.
 *
 * <p>Roles: {@link dev.lethe.gateway.audit.AuditLog} appends (off the event loop, batched fsync,
 * rotation that keeps the chain); {@link dev.lethe.gateway.audit.AuditVerifier} checks the chain
 * and names the first bad record; {@link dev.lethe.gateway.audit.AuditQuery} reads pages for {@code
 * GET /admin/audit}.
 *
 * <p>Traps: no record may hold a prompt, an answer or a token. Decisions carry an HMAC of the
 * request body under the key in {@code <dataDir>/audit.key}; rule changes name the admin credential
 * by a fingerprint. The chain proves order and integrity of what is there; cutting records off the
 * end leaves a shorter valid chain, so keep exported copies elsewhere.
 */
package dev.lethe.gateway.audit;

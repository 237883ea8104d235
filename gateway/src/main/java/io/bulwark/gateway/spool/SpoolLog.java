package io.bulwark.gateway.spool;

import static net.logstash.logback.argument.StructuredArguments.kv;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an operator reads about the spool: one warning when audit-service stops taking events, then at most one status
 * warning per interval while degraded or dropping, and one line when everything is delivered again. Never one per
 * event. Used on the spool's context only; it logs under the spool's name, which is what operators filter on.
 */
final class SpoolLog {
  private static final Logger LOG = LoggerFactory.getLogger(AuditSpool.class);
  private final long intervalMs;
  private boolean degraded;
  private long lastWarnAt;
  private long droppedAtLastWarn;

  SpoolLog(long intervalMs) {
    this.intervalMs = intervalMs;
  }

  boolean degraded() {
    return degraded;
  }

  /** The direct path or the drainer failed; warns only on the first failure of an outage. */
  void auditFailed(String reason, long now, long droppedSoFar) {
    if (degraded) {
      return;
    }
    degraded = true;
    lastWarnAt = now;
    droppedAtLastWarn = droppedSoFar;
    LOG.warn("audit-service is not taking audit events ({}); spooling them to the database until it does", reason,
        kv("event", "audit.spool.degraded"), kv("reason", reason));
  }

  /** Periodic: a status warning while degraded or while events are being dropped, at most once per interval. */
  void tick(long now, int memoryDepth, long databaseDepth, long droppedSoFar, String lastError) {
    long droppedSince = droppedSoFar - droppedAtLastWarn;
    if ((!degraded && droppedSince == 0) || now - lastWarnAt < intervalMs) {
      return;
    }
    lastWarnAt = now;
    droppedAtLastWarn = droppedSoFar;
    LOG.warn("audit spool degraded: {} events in memory, {} in the database, {} dropped since the last report",
        memoryDepth, databaseDepth, droppedSince, kv("event", "audit.spool.status"), kv("memoryDepth", memoryDepth),
        kv("databaseDepth", databaseDepth), kv("droppedSinceLast", droppedSince), kv("droppedTotal", droppedSoFar),
        kv("lastError", lastError));
  }

  /** Everything spooled has been delivered and audit-service answers again. */
  void recovered(long deliveredFromSpool) {
    if (!degraded) {
      return;
    }
    degraded = false;
    LOG.info("audit spool drained: audit-service takes events directly again", kv("event", "audit.spool.recovered"),
        kv("deliveredFromSpool", deliveredFromSpool));
  }

  /** One line per batch audit-service refused: a bug, not an outage, so it must be seen but not retried. */
  void rejected(int n, String reason) {
    LOG.error("audit-service rejected a batch of {} audit events as invalid; dropped: {}", n, reason,
        kv("event", "audit.spool.rejected"), kv("count", n), kv("reason", reason));
  }
}

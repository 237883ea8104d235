package io.bulwark.gateway.spool;

/**
 * What the spool knows about its two peers: whether audit-service answered last time, the retry backoff, whether the
 * database answered, and the last error. Written on the spool's context; the volatile parts are read by status().
 */
final class AuditHealth {
  private final SpoolSettings settings;
  private final SpoolLog log;
  private final SpoolMetrics metrics;
  private volatile String lastError;
  private volatile boolean auditReachable = true;
  private volatile boolean databaseReachable = true;
  private boolean auditDown;
  private long nextProbeAt;
  private long backoffMs;

  AuditHealth(SpoolSettings settings, SpoolLog log, SpoolMetrics metrics) {
    this.settings = settings;
    this.log = log;
    this.metrics = metrics;
    this.backoffMs = settings.retryMs();
  }

  /**
   * Whether a batch may try audit-service directly. While it is known down only one probe per backoff period does,
   * so a flood does not pay one timeout per batch.
   */
  boolean tryDirect(long now) {
    if (!auditDown) {
      return true;
    }
    if (now < nextProbeAt) {
      return false;
    }
    nextProbeAt = now + backoffMs;
    return true;
  }

  void auditAnswered() {
    auditDown = false;
    auditReachable = true;
    backoffMs = settings.retryMs();
  }

  void auditFailed(String reason) {
    long now = System.currentTimeMillis();
    auditDown = true;
    auditReachable = false;
    lastError = reason;
    nextProbeAt = now + backoffMs;
    log.auditFailed(reason, now, metrics.totalDropped());
  }

  /** The drainer failed again: wait twice as long, up to the ceiling. */
  void backOff() {
    backoffMs = Math.min(backoffMs * 2, settings.retryMaxMs());
  }

  void databaseAnswered() {
    databaseReachable = true;
  }

  void databaseFailed(Throwable cause) {
    databaseReachable = false;
    lastError = "database: " + cause.getMessage();
  }

  boolean auditDown() {
    return auditDown;
  }

  long backoffMs() {
    return backoffMs;
  }

  boolean auditReachable() {
    return auditReachable;
  }

  boolean databaseReachable() {
    return databaseReachable;
  }

  String lastError() {
    return lastError;
  }
}

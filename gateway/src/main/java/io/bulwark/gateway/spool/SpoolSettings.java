package io.bulwark.gateway.spool;

import io.bulwark.shared.config.ServiceConfig;

/**
 * The spool's configuration, read once from the service config; every key is an environment variable name.
 *
 * @param memory          events held in memory before offers are refused
 * @param flushMs         how often memory is sent on when fewer than a full batch are waiting
 * @param timeoutMs       how long one append request to audit-service may take
 * @param maxRows         rows the table may hold before new events are dropped
 * @param retryMs         first delay between drain attempts while audit-service fails
 * @param retryMaxMs      ceiling of the exponential backoff
 * @param logIntervalMs   at most one status warning per interval while degraded
 * @param statsMs         how often the table's row count and oldest row are re-read
 * @param stopMs          how long stop() may spend moving memory on before giving up
 */
record SpoolSettings(int memory, int flushMs, int timeoutMs, int maxRows, int retryMs, int retryMaxMs, int logIntervalMs,
                     int statsMs, int stopMs) {
  static final String MEMORY = "BULWARK_AUDIT_SPOOL_MEMORY";
  static final String FLUSH_MS = "BULWARK_AUDIT_SPOOL_FLUSH_MS";
  static final String TIMEOUT_MS = "BULWARK_AUDIT_TIMEOUT_MS";
  static final String MAX_ROWS = "BULWARK_AUDIT_SPOOL_MAX_ROWS";
  static final String RETRY_MS = "BULWARK_AUDIT_SPOOL_RETRY_MS";
  static final String RETRY_MAX_MS = "BULWARK_AUDIT_SPOOL_RETRY_MAX_MS";
  static final String LOG_INTERVAL_MS = "BULWARK_AUDIT_SPOOL_LOG_INTERVAL_MS";
  static final String STATS_MS = "BULWARK_AUDIT_SPOOL_STATS_MS";
  static final String STOP_MS = "BULWARK_AUDIT_SPOOL_STOP_MS";

  static SpoolSettings from(ServiceConfig config) {
    int retry = config.intRange(RETRY_MS, 1000, 10, 60_000);
    return new SpoolSettings(
        config.intRange(MEMORY, 20_000, 10, 1_000_000),
        config.intRange(FLUSH_MS, 50, 1, 60_000),
        config.intRange(TIMEOUT_MS, 5000, 100, 60_000),
        config.intRange(MAX_ROWS, 1_000_000, 1, 100_000_000),
        retry,
        // the ceiling never sits below the first delay, whatever the operator set
        Math.max(retry, config.intRange(RETRY_MAX_MS, 30_000, 10, 600_000)),
        config.intRange(LOG_INTERVAL_MS, 30_000, 100, 3_600_000),
        config.intRange(STATS_MS, 5000, 100, 300_000),
        config.intRange(STOP_MS, 3000, 100, 60_000));
  }
}

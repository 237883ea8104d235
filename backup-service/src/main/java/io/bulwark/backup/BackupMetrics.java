package io.bulwark.backup;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * backup-service's metrics. Reset semantics: {@code bulwark_backup_last_failure_timestamp_seconds} is the time of the
 * latest failed run <em>since the latest success</em> and goes back to 0 when a run succeeds, so "failing now" is
 * {@code > 0} and a recovered system stops alerting by itself; the history stays in {@code bulwark_backup_failures_total}
 * and in the ledger.
 */
public final class BackupMetrics {
  public static final String LAST_SUCCESS = "bulwark_backup_last_success_timestamp_seconds";
  public static final String LAST_FAILURE = "bulwark_backup_last_failure_timestamp_seconds";
  public static final String DURATION = "bulwark_backup_duration_seconds";
  public static final String SIZE = "bulwark_backup_size_bytes";
  public static final String FAILURES = "bulwark_backup_failures_total";
  public static final String DRILL_LAST_SUCCESS = "bulwark_restore_drill_last_success_timestamp_seconds";
  public static final String DRILL_LAST_FAILURE = "bulwark_restore_drill_last_failure_timestamp_seconds";
  public static final String CHECKS = "bulwark_backup_checks_total";
  public static final String STORAGE_FREE = "bulwark_backup_storage_free_bytes";
  public static final String STORAGE_TOTAL = "bulwark_backup_storage_total_bytes";
  public static final String AVAILABLE = "bulwark_backup_available";
  public static final String PRUNED = "bulwark_backup_pruned_total";
  public static final String RUNNING = "bulwark_backup_running";
  private final MeterRegistry registry;
  private final AtomicLong lastSuccess = new AtomicLong();
  private final AtomicLong lastFailure = new AtomicLong();
  private final AtomicLong durationMs = new AtomicLong();
  private final AtomicLong size = new AtomicLong();
  private final AtomicLong drillSuccess = new AtomicLong();
  private final AtomicLong drillFailure = new AtomicLong();
  private final AtomicLong free = new AtomicLong(-1);
  private final AtomicLong total = new AtomicLong(-1);
  private final AtomicLong available = new AtomicLong();
  private final AtomicLong running = new AtomicLong();
  private final Counter pruned;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public BackupMetrics(MeterRegistry registry) {
    this.registry = registry;
    gauge(LAST_SUCCESS, "Unix time of the latest successful backup (0: none yet)", lastSuccess, 1);
    gauge(LAST_FAILURE, "Unix time of the latest failed backup since the latest success (0: not failing)", lastFailure, 1);
    gauge(DURATION, "How long the latest successful backup took", durationMs, 1000);
    gauge(SIZE, "Stored size of the latest successful backup", size, 0);
    gauge(DRILL_LAST_SUCCESS, "Unix time of the latest passed restore drill (0: none yet)", drillSuccess, 1);
    gauge(DRILL_LAST_FAILURE, "Unix time of the latest failed restore drill since the latest pass (0: not failing)", drillFailure, 1);
    gauge(STORAGE_FREE, "Free space of the backup storage (-1: unknown)", free, 0);
    gauge(STORAGE_TOTAL, "Total space of the backup storage (-1: unknown)", total, 0);
    gauge(AVAILABLE, "Backups that can be restored (succeeded, not pruned)", available, 0);
    gauge(RUNNING, "1 while a backup run is in progress", running, 0);
    pruned = Counter.builder(PRUNED).description("Backups deleted by the retention policy").register(registry);
  }

  private void gauge(String name, String help, AtomicLong value, int scale) {
    // scale 1: epoch seconds kept as seconds; 1000: milliseconds shown as seconds; 0: as is
    Gauge.builder(name, value, v -> scale == 1000 ? v.get() / 1000.0 : v.get()).description(help).register(registry);
  }

  /** Restores the gauges from the catalog at start-up, so a restart does not look like "never backed up". */
  public void restore(Instant lastSuccessAt, Instant lastFailureAt, Long lastDurationMs, Long lastBytes, Instant drillPassedAt,
                      Instant drillFailedAt) {
    lastSuccess.set(lastSuccessAt == null ? 0 : lastSuccessAt.getEpochSecond());
    lastFailure.set(lastFailureAt == null || lastSuccessAt != null && !lastFailureAt.isAfter(lastSuccessAt) ? 0
        : lastFailureAt.getEpochSecond());
    durationMs.set(lastDurationMs == null ? 0 : lastDurationMs);
    size.set(lastBytes == null ? 0 : lastBytes);
    drillSuccess.set(drillPassedAt == null ? 0 : drillPassedAt.getEpochSecond());
    drillFailure.set(drillFailedAt == null || drillPassedAt != null && !drillFailedAt.isAfter(drillPassedAt) ? 0
        : drillFailedAt.getEpochSecond());
  }

  public void running(boolean on) {
    running.set(on ? 1 : 0);
  }

  public void succeeded(Instant at, long tookMs, long bytes) {
    lastSuccess.set(at.getEpochSecond());
    lastFailure.set(0);
    durationMs.set(tookMs);
    size.set(bytes);
  }

  public void failed(Instant at, String reason) {
    lastFailure.set(at.getEpochSecond());
    counters.computeIfAbsent("f:" + reason, k -> Counter.builder(FAILURES).description("Failed backup runs, by reason")
        .tag("reason", reason).register(registry)).increment();
  }

  public void checked(String kind, boolean passed, Instant at) {
    counters.computeIfAbsent("c:" + kind + passed, k -> Counter.builder(CHECKS)
        .description("Backup verifications, restore drills and restores, by outcome")
        .tag("kind", kind).tag("outcome", passed ? "passed" : "failed").register(registry)).increment();
    if ("drill".equals(kind) || "restore".equals(kind)) {
      if (passed) {
        drillSuccess.set(at.getEpochSecond());
        drillFailure.set(0);
      } else {
        drillFailure.set(at.getEpochSecond());
      }
    }
  }

  public void storage(long freeBytes, long totalBytes) {
    free.set(freeBytes);
    total.set(totalBytes);
  }

  public void available(long n) {
    available.set(n);
  }

  public void pruned() {
    pruned.increment();
  }
}
